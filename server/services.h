// What handlers work with: the database, the clock, the configuration, chemistry, search.
// Owned by main (or a test); handlers hold references only.
#pragma once

#include "common/clock.h"
#include "db/database.h"
#include "server/app_config.h"
#include "server/chem_service.h"

namespace argan::server {

class SearchService;
class ImportJobs;

struct Services {
  db::Database& db;
  const Clock& clock;
  const AppConfig& config;
  ChemService& chem;
  SearchService* search = nullptr;  // structure search; null when not configured (CLI, tests)
  ImportJobs* imports = nullptr;  // background imports; null: the imports API answers 503
};

}  // namespace argan::server
