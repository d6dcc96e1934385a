#pragma once
// Scenarios meet a running server here: applying one, writing the state as one, clearing.
// Shared by the C++ surface (server::apply, server::state_json) and the admin API.

#include <string>

#include <ocifake/scenario.hpp>

#include "http/server_impl.hpp"

namespace ocifake::detail {

// Throws invalid_input, naming the scenario's source and JSON path, when the scenario does not
// fit the server: a `clock` other than the server's.
void check_fits(const server::impl& s, const scenario& sc);
// All or nothing: everything that can refuse is checked before anything changes.
void apply_scenario(server::impl& s, const scenario& sc);
// A scenario document (JSON text, indented) that recreates the current state.
std::string state_document(server::impl& s);
// Empty state, no rules, no journal, default lifecycle; the start-up scenarios are not re-applied.
void clear_server(server::impl& s);

// JSON text with two-space indentation, keys in the order given.
std::string pretty(const boost::json::value& v);

}  // namespace ocifake::detail
