// The handles one running Argan works with: the database, the clock, the configuration, the
// chemistry door, structure search and background imports. Built by the composition root
// (cli/serve_command.cpp, the CLI commands) or a test, which owns every object; everything
// below holds references only. The chemistry, search, import and session types are declared
// here and defined in their rooms (isolation/, search/, transfer/, http/): include those
// headers to use them.
#pragma once

#include "common/clock.h"
#include "db/database.h"
#include "server/core/app_config.h"

namespace argan::server {

class ChemService;
class StructureSearch;
class ImportJobs;
class MemorySessions;

struct Runtime {
  db::Database& db;
  const Clock& clock;
  const AppConfig& config;
  ChemService& chem;
  StructureSearch* search = nullptr;  // structure search; null when not configured (CLI, tests)
  ImportJobs* imports = nullptr;      // background imports; null: the imports API answers 503
  // Sign-ins while the database cannot be written (http/memory_sessions.h); null: such a
  // sign-in answers 503.
  MemorySessions* sessions = nullptr;
};

}  // namespace argan::server
