// The demo's waste side (server/demo/waste_demo.json, embedded at build time): sources,
// collection lots, light transformations, transfers between start-ups (accepted, refused,
// pending) and the uses that feed the demo chemistry — used cooking oil to the methyl oleate
// route and batch of Souss Bio-Solvents, olive-mill wastewater to Zitoun's hydroxytyrosol
// batches, dried citrus peel to Zaatar's limonene.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "db/access.h"
#include "server/core/runtime.h"

namespace argan::server {

struct DemoWasteReport {
  int sources = 0;
  int lots = 0;  // every lot: collected, transformed and received
  int transformations = 0;
  int transfers = 0;
  int uses = 0;
};

// Loads it through server/registry/waste.h (the API's rules and audit entries), each record
// by the demo person the file names; dates are days before the Clock's today. Needs the demo
// start-ups, people, compounds, routes and products (loadDemoData calls it last). Throws
// Internal when the file names an unknown start-up, person, lot key, batch or route.
DemoWasteReport loadDemoWaste(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                              const std::map<std::string, db::Principal>& people);

// `date` (YYYY-MM-DD) moved by `days` (negative: earlier).
std::string addDays(const std::string& date, int days);

}  // namespace argan::server
