// The demo substances (server/demo/substances_demo.json, embedded at build time): extracts,
// oils, a FAME blend and activated carbons of the cluster's start-ups, with compositions from
// the cited literature, registered through the normal substance registration (the identity
// rule included), and demo batches with certificates of analysis.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "db/access.h"
#include "server/core/runtime.h"
#include "server/demo/demo_data.h"

namespace argan::server {

// Part of loadDemoData, after the compounds (constituents given by structure link to them).
// `leads` publishes the substances marked with a visibility. Throws Internal for a broken
// demo file (unknown start-up or person), and whatever registration throws.
void loadDemoSubstances(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                        const std::map<std::string, db::Principal>& people,
                        const std::map<std::string, db::Principal>& leads,
                        DemoLoadReport& report);

}  // namespace argan::server
