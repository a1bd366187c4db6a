// The demo needs board (server/demo/needs_demo.json, embedded at build time): needs that
// Moroccan industrial partners post (a cosmetics maker seeking a natural antioxidant, a
// paint maker a bio-based coalescent, a fruit packager an antimicrobial active, a hotel group
// a biodegradable disinfectant), a start-up's response with shared records and a question
// thread, and a research project against a need.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "db/access.h"
#include "server/core/runtime.h"
#include "server/demo/demo_data.h"

namespace argan::server {

// Part of loadDemoData, after the products (it names their partners, products, routes and
// batches). Everything goes through the needs board's verbs (server/registry/needs.h), so
// structure criteria are checked by the chemistry workers and every write is audited under
// the demo person who made it. Deadlines are days after the Clock's today. New partner
// accounts are added to `people` and `report` (one-time passwords). Throws Internal for a
// broken demo file (an unknown start-up, person, product, route or notebook reference).
void loadDemoNeeds(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                   std::map<std::string, db::Principal>& people, DemoLoadReport& report);

}  // namespace argan::server
