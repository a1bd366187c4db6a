// The cluster's view of its needs board (administrators): needs by sector and status, the
// response rate, the time to a first response, and the chain needs -> projects -> products.
// Reads everything (the caller has checked that the viewer is an administrator).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"

namespace argan::db {

struct SectorCount {
  std::string sector;  // "" for needs without a sector
  std::int64_t open = 0;
  std::int64_t closed = 0;
};

struct FlowProduct {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> currentStage;
  std::int64_t trl = 1;
};

struct FlowProject {
  std::int64_t id = 0;
  std::string title;
  std::int64_t startUpId = 0;
  std::string startUpName;
  std::string stage;
  std::int64_t trl = 1;
  std::string status;
  std::vector<FlowProduct> products;  // linked live products
};

struct FlowNeed {
  std::int64_t id = 0;
  std::string title;
  std::string sector;
  std::string status;
  std::optional<std::string> outcome;
  std::int64_t responses = 0;  // not withdrawn
  std::optional<double> daysToFirstResponse;
  std::vector<FlowProject> projects;
};

struct NeedOverview {
  std::int64_t needs = 0;
  std::int64_t open = 0;
  std::int64_t closed = 0;
  std::vector<std::pair<std::string, std::int64_t>> outcomes;  // closed needs by outcome
  std::vector<SectorCount> bySector;                           // sorted by sector
  std::int64_t answered = 0;          // needs with at least one response (not withdrawn)
  std::int64_t withProjects = 0;
  std::int64_t withProducts = 0;      // needs whose projects link at least one product
  std::int64_t responses = 0;
  std::int64_t projects = 0;
  std::vector<double> daysToFirstResponse;  // one value per answered need, ascending
  std::vector<FlowNeed> flow;               // every need, newest first
};

NeedOverview needOverview(Connection& c);

}  // namespace argan::db
