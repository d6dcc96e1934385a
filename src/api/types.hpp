#pragma once
// Transport-free requests and answers: what the api layer takes and gives. The http layer
// translates to and from cpp-httplib; nothing here knows about it.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "model/utf8.hpp"

#include "model/json_reader.hpp"

namespace ocifake::detail {

// Case-insensitive header names, as HTTP has them.
struct header_less {
  bool operator()(const std::string& a, const std::string& b) const;
};

// A request's headers, in arrival order, names lower-cased as they are added; lookups ignore case
// and find the first of a repeated name. A request has a handful, so a scan beats any tree.
class header_list {
public:
  void emplace(std::string_view name, std::string value);
  const std::string* find(std::string_view name) const noexcept;
  std::size_t size() const noexcept { return items_.size(); }

private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct api_request {
  std::string method;
  std::string path;                               // decoded path, e.g. /20160918/images/ocid1...
  std::string operation;                          // "CreateImage"
  std::vector<std::string> params;                // decoded path parameters, in order ({imageId}, {shapeName})
  std::multimap<std::string, std::string> query;  // percent-decoded ('+' stays '+')
  header_list headers;
  std::string body;
  // The body as JSON, when it parses: dispatch parses it before it takes the store's lock, and
  // the operations read it through body_object(req).
  std::optional<boost::json::value> parsed_body;

  std::optional<std::string> header(std::string_view name) const;
  std::optional<std::string> query_value(const std::string& name) const;
};

struct api_response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // etag, opc-work-request-id, opc-next-page
  std::string body;                                          // JSON text, empty for 204
  std::string content_type = "application/json";
  // Bookkeeping for the journal and retry tokens, never sent.
  std::vector<std::string> changes;
  std::string resource_id;  // the image a successful request created or changed
  bool replayed = false;
  std::string error_code;  // the body's "code" of an error answer, as error_response() made it

  std::optional<std::string> header(std::string_view name) const;
};

// A client mistake or refusal, as OCI reports it. Thrown inside the api layer only and turned
// into an answer by error_response(), the one place error bodies are made.
struct api_error {
  int status;
  std::string code;
  std::string message;
};

api_response error_response(int status, std::string_view code, std::string_view message);
inline api_response error_response(const api_error& e) { return error_response(e.status, e.code, e.message); }
// 405 MethodNotAllowed for `method` on `path`, with an allow header listing what the path takes.
api_response method_not_allowed(std::string_view method, std::string_view path, const std::string& allowed);

// The one translation of a refused body (the JSON reader's input_error) into OCI's terms: text that
// is not JSON is 400 CannotParseRequest, a missing field 400 MissingParameter, anything else 400
// InvalidParameter; the message names the field as OCI spells it (launchOptions.firmware), what was
// expected and the value refused.
api_error to_api_error(const input_error& e);
// The request's body as a JSON object: the JSON dispatch parsed ahead. A body that is missing, not
// JSON, or not an object throws input_error as parse_body_object (model/fields.hpp) refuses it.
const boost::json::object& body_object(const api_request& req);

// Shorthands for the common errors; the message names the field.
api_error invalid_parameter(std::string_view field, std::string_view why);
api_error missing_parameter(std::string_view field);
api_error not_found(std::string_view what, std::string_view id);  // 404 NotAuthorizedOrNotFound
api_error incorrect_state(std::string_view message);              // 409 IncorrectState

}  // namespace ocifake::detail
