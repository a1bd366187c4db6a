// Read-only views over the product pipeline: the cluster-wide funnel, one start-up's
// overview (products by stage, overdue milestones) and one product's timeline.
//
// "Today" is always passed in (the Clock's UTC date, from the caller); nothing here reads the
// wall clock. Counts and lists apply the visibility rules inside the SQL: the funnel counts
// the live products `viewer` may see (visibleSql — a product's current stage is part of its
// catalogue entry); its hold/stop counts, overdue milestones and timelines are pipeline data
// (pipelineVisibleSql).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/pipeline_store.h"
#include "db/sqlite.h"

namespace argan::db {

struct FunnelStartUpCount {
  std::int64_t startUpId = 0;
  std::string startUpName;
  std::int64_t products = 0;
};

struct FunnelStage {
  std::string key;
  std::string name;
  std::int64_t products = 0;  // live products whose current stage this is
  std::int64_t onHold = 0;
  std::int64_t stopped = 0;
  std::vector<FunnelStartUpCount> byStartUp;  // only start-ups with products here
};

struct FunnelStartUp {
  std::int64_t startUpId = 0;
  std::string startUpName;
  std::int64_t products = 0;
  std::map<std::string, std::int64_t> byStage;  // every funnel stage key, zeros included
};

struct Funnel {
  // The default stages in their order (always present, possibly 0), then custom stage keys
  // in order of their lowest position.
  std::vector<FunnelStage> stages;
  std::vector<FunnelStartUp> startUps;  // by name; only start-ups with visible products
  std::int64_t products = 0;
  std::int64_t pipelineComplete = 0;  // every stage done (counted at their last stage)
};

Funnel pipelineFunnel(Connection& c, const Principal& viewer);

struct OverdueMilestone {
  std::int64_t productId = 0;
  std::string productName;
  std::string stageKey;
  std::string stageName;
  std::string status;
  std::string milestone;  // "start" (planned start passed, not started) | "end" (not done)
  std::string plannedDate;
  std::int64_t daysOverdue = 0;
};

// The overdue milestone of a stage on `today`, if any (the end wins over the start).
std::optional<OverdueMilestone> overdueMilestone(const Stage& stage, const std::string& today);

struct StageProducts {
  std::string key;
  std::string name;
  std::vector<Product> products;
};

struct StartUpOverview {
  std::int64_t startUpId = 0;
  std::string startUpName;
  std::string today;
  std::vector<StageProducts> byStage;     // funnel order; stages without products omitted
  std::vector<OverdueMilestone> overdue;  // most overdue first
  std::int64_t products = 0;
};

// NotFound for an unknown start-up. Products are the live ones `viewer` may see; overdue
// milestones those whose pipeline `viewer` may see, except products stopped at a gate.
StartUpOverview startUpOverview(Connection& c, const Principal& viewer, std::int64_t startUpId,
                                const std::string& today);

struct TimelineEvent {
  std::string date;  // YYYY-MM-DD, what the event is placed at
  std::string at;    // the recorded time (ISO 8601) for ordering within a day; may be empty
  std::string type;  // created | stage_started | stage_completed | gate_decision |
                     // trl_changed | document_added | retired
  std::optional<std::string> stageKey;
  std::string summary;                   // one English sentence, for logs and scripts
  std::optional<std::string> reference;  // "DOC-000003", decision id, TRL level...
  // The event's own facts, so a page can say it in its language: name (created); decision,
  // rationale, decided_by (gate_decision); trl, trl_from, note (trl_changed); filename, kind,
  // title (document_added); reason (retired). Only the keys that apply are present.
  std::map<std::string, std::string> details;
};

// The dated events of one product, oldest first. The caller has checked the product and
// its pipeline are visible; documents listed are those `viewer` may see.
std::vector<TimelineEvent> productTimeline(Connection& c, const Principal& viewer,
                                           const Product& product);

}  // namespace argan::db
