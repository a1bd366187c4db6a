// What handlers work with: the database, the clock, the configuration, chemistry, search.
// Owned by main (or a test); handlers hold references only.
#pragma once

#include "common/clock.h"
#include "db/database.h"
#include "server/app_config.h"
#include "server/chem_service.h"

namespace argan::server {

class SearchService;

struct Services {
  db::Database& db;
  const Clock& clock;
  const AppConfig& config;
  ChemService& chem;
  SearchService* search = nullptr;  // structure search; null when not configured (CLI, tests)
};

}  // namespace argan::server
