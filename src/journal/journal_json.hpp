#pragma once
// A journal entry as the admin API and ocifake::to_json write it.

#include <boost/json.hpp>

#include <ocifake/journal.hpp>

namespace ocifake::detail {

boost::json::object journal_json(const journal_entry& e);

}  // namespace ocifake::detail
