// The demo data set (server/demo/cluster_demo.json, embedded at build time): the cluster's
// 13 start-ups with invented teams (names marked "(demo)"), real green chemicals with their
// literature sources, registered by the team members who made them (some published in the
// public catalogue, some shared with the cluster, the rest private), synthesis routes from
// the literature (cited in their descriptions), and products at different pipeline stages.
#pragma once

#include <string>
#include <vector>

#include "server/core/runtime.h"

namespace argan::server {

struct DemoAccount {
  std::string email;
  std::string role;
  std::string startUp;
  std::string password;  // random, shown once
};

struct DemoLoadReport {
  int startUps = 0;
  int users = 0;
  int compounds = 0;
  int routes = 0;  // synthesis routes (server/demo_routes.h)
  int products = 0;  // demo_products.h
  int substances = 0;  // demo_substances.h
  int lots = 0;      // waste lots (demo_waste.h)
  int transfers = 0;  // between start-ups (demo_waste.h)
  int needs = 0;     // demo_needs.h: needs posted by partners
  int projects = 0;  // and research projects against them
  std::vector<DemoAccount> accounts;
  bool skipped = false;  // the database already held start-ups
};

// Loads the demo into a database without start-ups; does nothing (skipped) otherwise.
// Every demo user gets a random password (hashed with config.passwordIterations), returned
// once in the report and stored nowhere in clear. Records go through the normal registration
// path and are audited under the demo users (start-ups and users as "system (demo)").
DemoLoadReport loadDemoData(Runtime& runtime);

}  // namespace argan::server
