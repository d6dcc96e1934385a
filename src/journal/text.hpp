#pragma once
// Journal text that other writers share: the journal's lines and the exploration report's diagrams
// shorten OCIDs the same way.

#include <string>

namespace ocifake::detail {

// Each OCID in `s` as `ocid1.<type>…<last four characters>`.
std::string abbreviate_ocids(const std::string& s);

}  // namespace ocifake::detail
