// A product's way to market: ordered stages (stable keys, editable per product) with status,
// owner, planned and actual dates, notes, and append-only gate decisions.
//
// Rules:
//   * Keys are stable: [a-z][a-z0-9_]{0,39}, unique per product; renaming changes only the
//     name. A stage with history (status other than not_started, actual dates, decisions or
//     documents) cannot be removed (FailedPrecondition); the last stage neither.
//   * Dates are YYYY-MM-DD; planned_start <= planned_end and actual_start <= actual_end
//     (InvalidArgument naming the field); actual dates and decision dates cannot lie after
//     today (the Clock's UTC date).
//   * Status moves freely between not_started / in_progress / done / blocked. Moving to
//     in_progress or done fills a missing actual_start with today; done fills a missing
//     actual_end with today; leaving done clears actual_end unless the update sets it.
//   * The pipeline (stages, decisions, stage documents, customers, TRL history) is never more
//     than cluster-visible: a public product shows its catalogue to partners and visitors,
//     not its pipeline. pipelineVisibleSql() is that rule.
//   * Writers check the product with requireWritableProduct (product_store.h) and audit in
//     the caller's transaction (record type "product_stage", id "PRD-000001/scale_up").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/product_store.h"
#include "db/sqlite.h"

namespace argan::db {

struct DefaultStage {
  const char* key;
  const char* name;
  const char* description;
};
// lab_discovery, proof_of_concept, scale_up, regulatory_safety, market_launch,
// commercial_sales — the defaults every new product starts with.
const std::vector<DefaultStage>& defaultStages();

bool isValidStageKey(const std::string& key);
bool isValidStageStatus(const std::string& status);
bool isValidDecision(const std::string& decision);

// SQL predicate over a product row aliased `alias`: may `viewer` see its pipeline?
std::string pipelineVisibleSql(const Principal& viewer, const std::string& alias);
// The same rule in C++ for a loaded product.
bool canSeePipeline(const Principal& viewer, const Product& product);

struct GateDecision {
  std::int64_t id = 0;
  std::int64_t stageId = 0;
  std::string stageKey;
  std::string decision;  // go | hold | stop | rework
  std::string rationale;
  std::string decidedBy;
  std::string decidedOn;  // YYYY-MM-DD
  std::string recordedAt;
  std::optional<std::int64_t> recordedBy;
};

struct Stage {
  std::int64_t id = 0;
  std::int64_t productId = 0;
  std::string key;
  std::string name;
  std::string description;
  std::int64_t position = 0;  // 1-based
  std::string status;         // not_started | in_progress | done | blocked
  std::string owner;
  std::optional<std::string> plannedStart;
  std::optional<std::string> plannedEnd;
  std::optional<std::string> actualStart;
  std::optional<std::string> actualEnd;
  std::string notes;
  std::string createdAt;
  std::string updatedAt;
  std::int64_t documentCount = 0;  // live attachments
  std::int64_t decisionCount = 0;
  std::optional<GateDecision> lastDecision;  // latest by decided_on, then by recording order
};

struct StageInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> status;
  std::optional<std::string> owner;
  Update<std::string> plannedStart;
  Update<std::string> plannedEnd;
  Update<std::string> actualStart;
  Update<std::string> actualEnd;
  std::optional<std::string> notes;
};

struct NewStage {
  std::optional<std::string> key;  // derived from the name when absent
  std::string name;
  std::optional<std::int64_t> position;  // 1-based place to insert at; default: last
  StageInput fields;                     // status, owner, dates, notes, description
};

struct DecisionInput {
  std::string decision;
  std::string rationale;
  std::optional<std::string> decidedBy;  // default: the actor's label
  std::optional<std::string> decidedOn;  // default: today
};

// Inserts the default stages of a new product (part of its creation; no audit of its own).
void insertDefaultStages(Connection& c, const Clock& clock, std::int64_t productId);

// Stages of a product in order. The caller has already checked the product is visible.
std::vector<Stage> listStages(Connection& c, std::int64_t productId);
std::optional<Stage> findStage(Connection& c, std::int64_t productId, const std::string& key);

// NotFound (unknown stage key), InvalidArgument (fields, date order), plus
// requireWritableProduct's errors.
Stage updateStage(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
                  const std::string& key, const StageInput& input);
// AlreadyExists when the key is taken.
Stage addStage(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
               const NewStage& stage);
void removeStage(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
                 const std::string& key);
// `keys` must name every stage of the product exactly once (InvalidArgument otherwise).
std::vector<Stage> reorderStages(Connection& c, const Clock& clock, const Principal& actor,
                                 std::int64_t productId, const std::vector<std::string>& keys);

GateDecision addDecision(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t productId, const std::string& key,
                         const DecisionInput& input);
// Decisions of one stage (or of every stage when `key` is empty), oldest first.
std::vector<GateDecision> listDecisions(Connection& c, std::int64_t productId,
                                        const std::string& key = "");

// decided_by as `viewer` may read it. It defaults to the deciding user's e-mail; as in the
// audit histories, team e-mails are shown only to administrators and members of the owning
// start-up. Other viewers read "user:N" (N: the user who recorded it; "a team member" when
// none) in place of any decided_by holding an e-mail address; other names are kept.
std::string decidedByFor(const Principal& viewer, const Product& product,
                         const GateDecision& decision);

}  // namespace argan::db
