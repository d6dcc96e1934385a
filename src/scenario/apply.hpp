#pragma once
// Scenarios meet a running server here: applying one, writing the state as one, clearing.
// Shared by the C++ surface (server::apply, server::state_json) and the admin API.

#include <string>

#include <ocifake/scenario.hpp>

#include "http/server_impl.hpp"

namespace ocifake::detail {

// All or nothing: everything that can refuse is checked before anything changes. A `clock` the
// server does not run switches it.
void apply_scenario(server::impl& s, const scenario& sc);
// What POST /_ocifake/scenario does: clears everything and applies `sc`. With `startup`, `sc`
// also becomes the whole start-up state, so that reset returns to it (and to its clock).
void replace_state(server::impl& s, const scenario& sc, bool startup);
// A scenario document (JSON text, indented) that recreates the current state.
std::string state_document(server::impl& s);
// Empty state, no rules, no journal, default lifecycle; the start-up scenarios are not re-applied.
void clear_server(server::impl& s);

// JSON text with two-space indentation, keys in the order given.
std::string pretty(const boost::json::value& v);

}  // namespace ocifake::detail
