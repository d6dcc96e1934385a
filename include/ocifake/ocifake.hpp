#pragma once
/// \file ocifake.hpp
/// Everything ocifake offers: `#include <ocifake/ocifake.hpp>`.

#include <ocifake/clock.hpp>
#include <ocifake/error.hpp>
#include <ocifake/explore.hpp>
#include <ocifake/faults.hpp>
#include <ocifake/journal.hpp>
#include <ocifake/lifecycle.hpp>
#include <ocifake/model.hpp>
#include <ocifake/options.hpp>
#include <ocifake/scenario.hpp>
#include <ocifake/server.hpp>
