#pragma once
// Scenarios meet a server's state here: applying one, writing the state as one, resetting.
// Shared by the C++ surface (server::apply, server::state_json, server::reset) and the admin API.

#include <string>

#include <boost/json/value.hpp>

#include <ocifake/scenario.hpp>

#include "core/core.hpp"

namespace ocifake::detail {

struct scenario_image;

// All or nothing: everything that can refuse is checked before anything changes. A `clock` the
// server does not run switches it.
void apply_scenario(core& c, const scenario& sc);
// Applies `sc` and adds it to the start-up state that reset returns to.
void add_startup_scenario(core& c, const scenario& sc);
// What POST /_ocifake/scenario does: clears everything and applies `sc`. With `startup`, `sc`
// also becomes the whole start-up state, so that reset returns to it (and to its clock).
void replace_state(core& c, const scenario& sc, bool startup);
// Back to the start-up state: what server::reset and POST /_ocifake/reset do.
void reset(core& c);
// A scenario document (JSON text, indented) that recreates the current state.
std::string state_document(core& c);

// Adds one image of a platformImages list to the catalogue: its id drawn from its name when it has
// none, timeCreated now when not given, the shapes of its architecture when it names none.
image_record& store_platform_image(resources& r, const scenario_image& img);

// JSON text with two-space indentation, keys in the order given.
std::string pretty(const boost::json::value& v);

}  // namespace ocifake::detail
