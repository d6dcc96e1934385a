#pragma once
// The one reader of JSON input: OCI request bodies, scenario documents, fault rules and admin
// bodies. Every refusal is an input_error in one style: the JSON path of the mistake, what was
// expected there, the value refused (abbreviated) and "did you mean" when a key or a value of a
// closed set is close to one that is accepted. The reader knows nobody's error codes: the api
// layer makes an input_error an OCI 400 (to_api_error in api/types.hpp); scenarios, rules and
// admin calls make it an ocifake::invalid_input (read_input below).
//
// Client input is only ever looked at through the pointer accessors (if_object(), if_string(),
// if_contains()): as_object() and at() throw on a value of the wrong kind.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include <ocifake/error.hpp>

namespace ocifake::detail {

// A refusal of JSON input. detail() is "<expected>; got <refused> (did you mean "x"?); <accepted>"
// with the parts that are empty left out; message() puts the path in front.
struct input_error {
  enum class kind {
    syntax,   // the text is not JSON, or repeats a key where that is refused
    missing,  // a required member is absent (or null where null counts as absent)
    invalid,  // a member or value is there but refused
  };
  input_error(kind what_kind, std::string at, std::string expected_text, std::string refused_text = {},
              std::string close = {}, std::string accepted_text = {})
      : what(what_kind),
        path(std::move(at)),
        expected(std::move(expected_text)),
        refused(std::move(refused_text)),
        suggestion(std::move(close)),
        accepted(std::move(accepted_text)) {}

  kind what;
  std::string path;        // $.images[2].launchMode; "$" for the text as a whole
  std::string expected;    // one of NATIVE, EMULATED, ...
  std::string refused;     // the value refused as JSON text, abbreviated; empty when nothing was there
  std::string suggestion;  // the close member of a closed set, or empty
  std::string accepted;    // what follows: "the keys here are name, description, ..." or empty

  std::string detail() const;
  std::string message() const { return path + ": " + detail(); }
};

// Runs `read`; an input_error it throws leaves as invalid_input(source, path, detail()), the
// error scenarios, fault rules and admin calls report.
template <class F>
decltype(auto) read_input(const std::string& source, F&& read) {
  try {
    return std::forward<F>(read)();
  } catch (const input_error& e) {
    throw invalid_input(source, e.path, e.detail());
  }
}

// How JSON text is read. Documents written by hand (scenarios, rules, admin bodies) refuse a key
// that appears twice in one object, which Boost.JSON would silently resolve to the last one.
struct json_text_rules {
  bool refuse_duplicate_keys = true;
  std::size_t max_depth = 32;
};

// The text as JSON. Not JSON: input_error{syntax, "$"} with the line and column of the mistake
// ("JSON text (syntax error at line 3, column 14)"); a repeated key: input_error{syntax} at the
// key's path, with its line and column.
boost::json::value parse_json(std::string_view text, const json_text_rules& rules = {});

// $.images[0].freeformTags["a.b"]: keys that are not identifiers are quoted.
std::string member_path(std::string_view path, std::string_view key);
std::string index_path(std::string_view path, std::size_t i);

// The value as JSON text, cut to about `max` bytes ("...") on a UTF-8 character boundary.
std::string abbreviate(const boost::json::value& v, std::size_t max = 60);

// "a, b, c"
std::string join(std::span<const std::string_view> words);

// Refuses `refused` (when given) at `path`, suggesting the closest of `closed_set` when the value
// is a string close to one of them.
[[noreturn]] void refuse(std::string path, std::string expected, const boost::json::value* refused = nullptr,
                         std::span<const std::string_view> closed_set = {});

// ocid1.<type>.<realm>.[region][.future].<unique>
bool is_ocid(std::string_view s) noexcept;

// A defined tag's value: a string, a boolean, or a number JSON can write back (a number too large
// for a double, such as 1e400, parses as infinity, which it cannot).
bool is_tag_value(const boost::json::value& v) noexcept;

// One JSON object of the input. Each accessor reads one member and refuses it with its path when
// it is not what the caller asks for; absent members give an empty optional (or nullptr), and
// required ones an input_error{missing}.
//
// Two policies, chosen at construction:
// - unknown keys: ignored (OCI request bodies: OCI ignores them), or refused when the reader is
//   given the list of keys (scenarios, rules, admin bodies), with "did you mean" and the list;
// - null: counts as absent (the default: GetImage writes null for what an image lacks), or is a
//   value like any other and refused where it does not fit (strict_null(): fault rules).
class object_reader {
public:
  // `what` is what is expected when the value is not an object.
  object_reader(const boost::json::value& v, std::string path, std::string_view what = "a JSON object");
  object_reader(const boost::json::value& v, std::string path, std::span<const std::string_view> keys,
                std::string_view what = "a JSON object");
  object_reader(const boost::json::value& v, std::string path, std::initializer_list<std::string_view> keys,
                std::string_view what = "a JSON object")
      : object_reader(v, std::move(path), std::span<const std::string_view>(keys.begin(), keys.size()), what) {}
  object_reader(const boost::json::object& o, std::string path) : o_(&o), path_(std::move(path)) {}

  object_reader& strict_null() & {
    null_is_absent_ = false;
    return *this;
  }

  const boost::json::object& members() const noexcept { return *o_; }
  const std::string& path() const noexcept { return path_; }
  std::string path_of(std::string_view key) const { return member_path(path_, key); }

  // The member, or nullptr when absent (or null, when null counts as absent).
  const boost::json::value* value(std::string_view key) const;
  bool has(std::string_view key) const { return value(key) != nullptr; }

  // Refuses the member `key` (its value, when it has one) as not `expected`.
  [[noreturn]] void fail(std::string_view key, std::string expected,
                         std::span<const std::string_view> closed_set = {}) const;

  std::optional<std::string> string(std::string_view key, bool required = false, std::size_t min = 1,
                                    std::size_t max = 255) const;
  std::optional<std::string> enumeration(std::string_view key, std::span<const std::string_view> allowed,
                                         bool required = false) const;
  std::optional<std::string> enumeration(std::string_view key, std::initializer_list<std::string_view> allowed,
                                         bool required = false) const {
    return enumeration(key, std::span<const std::string_view>(allowed.begin(), allowed.size()), required);
  }
  std::optional<std::string> ocid(std::string_view key, bool required = false) const;
  std::optional<bool> boolean(std::string_view key, bool required = false) const;
  // Whole numbers (2 and 2.0 alike).
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false) const;
  std::optional<std::uint64_t> whole(std::string_view key, std::uint64_t min, std::uint64_t max,
                                     const std::string& expected, bool required = false) const;
  std::optional<double> number(std::string_view key, double min, double max, bool required = false,
                               const std::string& expected = {}) const;
  // 2026-01-01T00:00:00.000Z
  std::optional<std::chrono::system_clock::time_point> time(std::string_view key, bool required = false) const;
  const boost::json::array* array(std::string_view key, bool required = false) const;
  const boost::json::object* object(std::string_view key, bool required = false) const;
  // freeformTags: {string: string}; definedTags: {namespace: {key: value}}.
  std::optional<boost::json::object> freeform_tags(std::string_view key = "freeformTags") const;
  std::optional<boost::json::object> defined_tags(std::string_view key = "definedTags") const;

private:
  // The member, or nullptr when absent; input_error{missing} when required and absent.
  const boost::json::value* get(std::string_view key, bool required, const std::string& expected) const;
  const boost::json::object* object_of(std::string_view key, bool required, const std::string& expected) const;

  const boost::json::object* o_ = nullptr;
  std::string path_;
  bool null_is_absent_ = true;
};

}  // namespace ocifake::detail
