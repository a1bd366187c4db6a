// The demo data set (server/demo/cluster_demo.json, embedded at build time): invented
// start-ups clearly marked "(demo)", real green chemicals with their literature sources.
#pragma once

#include "server/services.h"

namespace argan::server {

struct DemoLoadReport {
  int startUps = 0;
  int compounds = 0;
  bool skipped = false;  // the database already held start-ups
};

// Loads the demo into a database without start-ups; does nothing (skipped) otherwise.
// Every record goes through the normal registration path and is audited as "system (demo)".
DemoLoadReport loadDemoData(Services& services);

}  // namespace argan::server
