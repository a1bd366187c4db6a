// The demo pipeline (server/demo/products_demo.json, embedded at build time): products of the
// five lab-to-market demo start-ups with their stages, gate decisions, TRL steps, market data,
// customers, evidence documents, and two partner accounts with their inquiries.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "db/access.h"
#include "server/demo/demo_data.h"
#include "server/core/runtime.h"

namespace argan::server {

// Loads the demo products, part of loadDemoData (called once the start-ups, people and
// compounds exist). `startUps` maps the demo's start-up keys to ids, `people` e-mails to
// principals (partner accounts are added to it and to `report`, with one-time passwords).
// Every record goes through the normal stores, audited under the demo person who made it;
// stage and decision dates are days relative to the Clock's today. Throws Internal when the
// data names an unknown start-up, person or notebook reference (a broken demo file).
void loadDemoProducts(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                      std::map<std::string, db::Principal>& people, DemoLoadReport& report);

}  // namespace argan::server
