#pragma once
// The query parameters every list reads: page tokens, limit, and OCIDs.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "api/types.hpp"
#include "store/store.hpp"

namespace ocifake::detail {

// A page token for the list `scope` ("ListImages\n<compartment>"), continuing after `cursor`.
std::string page_token(const resources& r, std::string_view scope, std::string_view cursor);
// The cursor of the request's `page` parameter; nothing without one. 400 InvalidParameter naming
// `page` when it was not made by page_token for this scope.
std::optional<std::string> page_cursor(const resources& r, const api_request& req, std::string_view scope);

// A query parameter that holds an OCID (compartmentId, resourceId): MissingParameter when required
// and absent, InvalidParameter when it is not of the form ocid1.<type>.<realm>.[region].<unique>.
std::optional<std::string> query_ocid(const api_request& req, const std::string& name, bool required);

// The `limit` query parameter of a list: an integer from 1 to `max`, `fallback` when absent.
// 400 InvalidParameter naming `limit` otherwise.
std::size_t page_limit(const api_request& req, std::size_t max, std::size_t fallback);

}  // namespace ocifake::detail
