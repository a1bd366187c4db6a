// The demo synthesis routes (server/demo/demo_routes.json, embedded at build time): real,
// cited green chemistry of the demo start-ups (glycerol carbonate by two routes,
// gamma-valerolactone in one and two steps, methyl oleate from used cooking oil), with demo
// laboratory amounts so that every metric has a value.
#pragma once

#include "server/core/runtime.h"

namespace argan::server {

// Creates the demo routes through route_service (the same checks, links and audit entries
// as POST /api/routes), each by the team member named in the file, and validates those
// marked "validated". Needs the demo start-ups, users and target compounds of
// loadDemoData; throws argan::Error(Internal) naming the route when one is missing, and
// lets route errors through (a demo route that does not analyse is a bug in the file).
// Returns the number of routes created.
int loadDemoRoutes(Runtime& runtime);

}  // namespace argan::server
