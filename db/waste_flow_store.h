// Where waste lots go: light transformations (input lots -> output lots), transfers of (part
// of) a lot to another start-up, and uses of a lot by its holder as a batch input or a route
// component. Storage and reads only; the rules (mass balance, who may accept, mass left) are
// server/registry/waste.h's, checked in the same write transaction as these inserts.
//
// Who sees what (composing db/access.h):
//   * a transformation: its start-up (visibleSqlColumns, fixed 'start-up'), and the start-ups
//     that may trace one of its output lots (db/waste_store.h tracedLotsSql);
//   * a transfer: both parties — the sending and the receiving start-up — and administrators;
//   * a use: the start-up that used the lot, and administrators.
// Writers append an audit entry in the caller's transaction: "transformation" TRN-000001,
// "transfer" TRF-000001, "lot_use" USE-000001.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

// ---- transformations ----

struct TransformationInput {
  std::int64_t lotId = 0;
  std::int64_t massMg = 0;
  double amount = 0;
  std::string unit;
};

struct TransformationAddition {
  std::string name;  // "water", "binder"
  std::int64_t massMg = 0;
  double amount = 0;
  std::string unit;
};

struct TransformationOutput {
  std::int64_t lotId = 0;
  std::string streamKey;
  std::int64_t massMg = 0;
};

struct Transformation {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string kind;
  std::string performedOn;
  std::string notes;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::vector<TransformationInput> inputs;
  std::vector<TransformationAddition> additions;
  std::vector<TransformationOutput> outputs;
  std::string code() const;  // "TRN-000001"
};

struct NewTransformation {
  std::int64_t startUpId = 0;
  std::string kind;
  std::string performedOn;
  std::string notes;
  std::vector<TransformationInput> inputs;
  std::vector<TransformationAddition> additions;
};

// Inserts the transformation with its inputs and additions (not audited yet: the caller
// inserts the output lots, then calls auditTransformation).
std::int64_t insertTransformation(Connection& c, const Clock& clock, const Principal& actor,
                                  const NewTransformation& t);
// Appends the "create" audit entry with the whole transformation (inputs, additions,
// outputs) as its "after".
void auditTransformation(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t id);

std::optional<Transformation> findTransformation(Connection& c, const Principal& viewer,
                                                 std::int64_t id);
std::vector<Transformation> listTransformations(Connection& c, const Principal& viewer,
                                                std::optional<std::int64_t> startUpId);
// The transformations that took lot `lotId` as an input, whoever may see them (the caller
// filters per viewer).
std::vector<std::int64_t> transformationsConsuming(Connection& c, std::int64_t lotId);

// ---- transfers ----

struct Transfer {
  std::int64_t id = 0;
  std::int64_t lotId = 0;
  std::string streamKey;
  std::int64_t fromStartUpId = 0;
  std::int64_t toStartUpId = 0;
  std::int64_t massMg = 0;
  double amount = 0;
  std::string unit;
  std::optional<std::string> vehicle;
  std::optional<double> distanceKm;
  std::string notes;
  std::string status;  // pending | accepted | refused | cancelled
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::optional<std::string> decidedAt;
  std::optional<std::int64_t> decidedBy;
  std::optional<std::string> decidedOn;
  std::optional<std::string> decisionReason;
  std::optional<std::int64_t> receivedLotId;
  std::string code() const;  // "TRF-000001"
};

struct NewTransfer {
  std::int64_t lotId = 0;
  std::int64_t fromStartUpId = 0;
  std::int64_t toStartUpId = 0;
  std::int64_t massMg = 0;
  double amount = 0;
  std::string unit;
  std::optional<std::string> vehicle;
  std::optional<double> distanceKm;
  std::string notes;
};

Transfer insertTransfer(Connection& c, const Clock& clock, const Principal& actor,
                        const NewTransfer& t);

struct TransferDecision {
  std::string status;  // accepted | refused | cancelled
  std::optional<std::string> decidedOn;
  std::optional<std::string> reason;
  std::optional<std::int64_t> receivedLotId;  // accepted
};
// Records the decision on a pending transfer (FailedPrecondition if it is not pending).
// Audited ("accept" | "refuse" | "cancel").
Transfer decideTransfer(Connection& c, const Clock& clock, const Principal& actor,
                        std::int64_t id, const TransferDecision& decision);

// The transfer if `viewer` is a party (or an administrator).
std::optional<Transfer> findTransfer(Connection& c, const Principal& viewer, std::int64_t id);

struct TransferFilter {
  std::optional<std::string> direction;  // "in" | "out" (relative to the viewer's start-up)
  std::optional<std::string> status;
  std::optional<std::int64_t> lotId;
  std::optional<std::int64_t> startUpId;  // either party
};
std::vector<Transfer> listTransfers(Connection& c, const Principal& viewer,
                                    const TransferFilter& filter);

// ---- uses ----

struct LotUse {
  std::int64_t id = 0;
  std::int64_t lotId = 0;
  std::int64_t startUpId = 0;
  std::int64_t massMg = 0;
  double amount = 0;
  std::string unit;
  std::string usedOn;
  std::optional<std::int64_t> batchId;
  std::optional<std::string> batchCode;  // "CMP-000001-F1-B001"
  std::optional<std::int64_t> routeId;
  std::optional<std::int64_t> stepNumber;
  std::optional<std::int64_t> componentPosition;
  std::string notes;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string code() const;  // "USE-000001"
};

struct NewLotUse {
  std::int64_t lotId = 0;
  std::int64_t startUpId = 0;
  std::int64_t massMg = 0;
  double amount = 0;
  std::string unit;
  std::string usedOn;
  std::optional<std::int64_t> batchId;
  std::optional<std::int64_t> routeId;
  std::optional<std::int64_t> stepNumber;
  std::optional<std::int64_t> componentPosition;
  std::string notes;
};

LotUse insertLotUse(Connection& c, const Clock& clock, const Principal& actor, const NewLotUse& u);

struct LotUseFilter {
  std::optional<std::int64_t> lotId;
  std::optional<std::int64_t> batchId;
  std::optional<std::int64_t> routeId;
  bool routeLevelOnly = false;  // uses naming a route but no batch
};
// Uses `viewer` may see (its start-up's; everything for administrators), oldest first.
std::vector<LotUse> listLotUses(Connection& c, const Principal& viewer, const LotUseFilter& filter);

// SQL booleans (integer literals only): `who` may read transformation / transfer / use
// `alias` — a transformation its start-up and the start-ups that may trace one of its output
// lots; a transfer its two parties; a use its start-up (administrators everything).
std::string transformationReadableSql(const Principal& who, const std::string& alias);
std::string transferReadableSql(const Principal& who, const std::string& alias);
std::string lotUseReadableSql(const Principal& who, const std::string& alias);

std::string transformationCode(std::int64_t id);
std::string transferCode(std::int64_t id);
std::string lotUseCode(std::int64_t id);

}  // namespace argan::db
