// The waste side: the cluster's vocabulary of waste streams, the sources a waste start-up
// collects from, and lots (LOT-000123) — one collection, or what a transformation or an
// accepted transfer made. Transformations, transfers and uses are in waste_flow_store.h.
//
// Masses are integers in milligrams (exact sums and balances); the amount and unit the user
// typed are stored beside them. The rules that decide whether a write is allowed (holder,
// mass left, vocabularies) are the callers' (server/registry/waste.h); these functions store
// and read, each write with its audit entry, in the caller's transaction.
//
// Who sees what (db/access.h is the rule; this file only composes it):
//   * streams are a public vocabulary;
//   * sources belong to their start-up: readable by its members and administrators only
//     (visibleSqlColumns with the fixed visibility 'start-up'); never published;
//   * a lot is readable where its visibility admits the viewer (visibleSql on the lot), and
//     also by the start-ups downstream of it: the one it was transferred to (from the moment
//     the transfer is offered; no longer after a refusal or a cancellation) and whoever holds
//     a lot made from it, through transfers and transformations (tracedLotsSql). That is
//     traceability: a product batch's maker can see the waste lots it comes from. A lot
//     neither admits answers nullopt, like a missing one.
// Readers take any Connection; writers run inside Database::write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

inline constexpr double kMgPerKg = 1e6;

// ---- waste streams ----

struct WasteStream {
  std::int64_t id = 0;
  std::string key;  // "used_cooking_oil"
  std::string nameFr;
  std::string nameEn;
  std::optional<std::string> lowCode;  // "20 01 25"; "...*" for a hazardous entry
  std::string lowNote;
  std::string composition;
  std::string hazards;
  std::string characterisationJson = "[]";  // property keys usually measured
  std::optional<std::int64_t> substanceId;
  std::string createdAt;
  std::string updatedAt;
};

struct WasteStreamInput {
  std::optional<std::string> key;  // create only
  std::optional<std::string> nameFr;
  std::optional<std::string> nameEn;
  std::optional<std::optional<std::string>> lowCode;  // set to a code, or to null
  std::optional<std::string> lowNote;
  std::optional<std::string> composition;
  std::optional<std::string> hazards;
  std::optional<std::string> characterisationJson;
  std::optional<std::optional<std::int64_t>> substanceId;
};

std::vector<WasteStream> listWasteStreams(Connection& c);
std::optional<WasteStream> findWasteStream(Connection& c, std::int64_t id);
std::optional<WasteStream> findWasteStreamByKey(Connection& c, const std::string& key);
// Throws AlreadyExists (key taken). Audited ("waste_stream", key).
WasteStream createWasteStream(Connection& c, const Clock& clock, const Principal& actor,
                              const WasteStreamInput& input);
// Applies the fields that are set (not the key). Throws NotFound. Audited when it changes.
WasteStream updateWasteStream(Connection& c, const Clock& clock, const Principal& actor,
                              std::int64_t id, const WasteStreamInput& input);

// ---- sources ----

struct WasteSource {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string name;
  std::string kind;
  std::string region;
  std::string locality;
  std::string notes;
  bool active = true;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::string code() const;  // "SRC-000001"
};

struct SourceInput {
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::string> region;
  std::optional<std::string> locality;
  std::optional<std::string> notes;
  std::optional<bool> active;
};

// Throws AlreadyExists (the start-up has a source of that name). Audited ("source", code).
WasteSource createSource(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t startUpId, const SourceInput& input);
WasteSource updateSource(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t id, const SourceInput& input);
// The source if `viewer` may see it (its start-up's members, administrators).
std::optional<WasteSource> findSource(Connection& c, const Principal& viewer, std::int64_t id);
// Sources `viewer` may see, by name; only `startUpId`'s when given.
std::vector<WasteSource> listSources(Connection& c, const Principal& viewer,
                                     std::optional<std::int64_t> startUpId);
// The start-up's source with this name (case-insensitive), without a visibility check.
std::optional<WasteSource> findSourceByName(Connection& c, std::int64_t startUpId,
                                            const std::string& name);

// ---- lots ----

struct Lot {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::int64_t streamId = 0;
  std::string streamKey;
  std::string origin;  // collection | transformation | transfer
  std::optional<std::int64_t> sourceId;
  std::optional<std::string> sourceKind;    // of the source, for every viewer of the lot
  std::optional<std::string> sourceRegion;
  std::optional<std::int64_t> parentLotId;
  std::optional<std::int64_t> transferId;
  std::optional<std::int64_t> transformationId;
  std::string collectedOn;
  std::int64_t netMassMg = 0;
  double netAmount = 0;
  std::string netUnit;
  std::optional<std::int64_t> grossMassMg;
  std::optional<double> grossAmount;
  std::optional<std::string> grossUnit;
  std::optional<std::string> container;
  std::optional<std::int64_t> containerCount;
  std::optional<std::string> vehicle;
  std::optional<double> distanceKm;
  std::string characterisationJson = "{}";
  std::string status;  // available | quarantine
  std::string notes;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  // What has been taken from it (lot_balances).
  std::int64_t transformedMg = 0;
  std::int64_t transferredMg = 0;  // pending transfers included: reserved
  std::int64_t usedMg = 0;

  std::int64_t remainingMg() const { return netMassMg - transformedMg - transferredMg - usedMg; }
  std::int64_t takenMg() const { return transformedMg + transferredMg + usedMg; }
  std::string code() const;  // "LOT-000001"
};

struct NewLot {
  std::int64_t startUpId = 0;
  std::int64_t streamId = 0;
  std::string origin = "collection";
  std::optional<std::int64_t> sourceId;
  std::optional<std::int64_t> parentLotId;
  std::optional<std::int64_t> transferId;
  std::optional<std::int64_t> transformationId;
  std::string collectedOn;
  std::int64_t netMassMg = 0;
  double netAmount = 0;
  std::string netUnit = "kg";
  std::optional<std::int64_t> grossMassMg;
  std::optional<double> grossAmount;
  std::optional<std::string> grossUnit;
  std::optional<std::string> container;
  std::optional<std::int64_t> containerCount;
  std::optional<std::string> vehicle;
  std::optional<double> distanceKm;
  std::string characterisationJson = "{}";
  std::string status = "available";
  std::string notes;
  std::optional<std::string> importDigest;
};

// Inserts the lot and its audit entry ("lot", code, action "create"). The caller has
// checked the fields and the actor's right to write for the start-up.
Lot insertLot(Connection& c, const Clock& clock, const Principal& actor, const NewLot& lot);

// The lot if `viewer` may see it (visibility or traceability), nullopt otherwise.
std::optional<Lot> findLot(Connection& c, const Principal& viewer, std::int64_t id);

// True when `startUpId` holds a lot made from lot `id` (through transfers and
// transformations), or was offered a transfer of it.
bool isTraceableBy(Connection& c, std::int64_t startUpId, std::int64_t id);

// The lots of a start-up's import with this row digest already stored (re-runs).
bool lotImportDigestExists(Connection& c, std::int64_t startUpId, const std::string& digest);

struct LotFilter {
  std::optional<std::int64_t> startUpId;
  std::optional<std::int64_t> streamId;
  std::optional<std::string> status;  // available | quarantine
  std::optional<std::string> origin;
  std::optional<std::string> from;  // collected_on >= from
  std::optional<std::string> to;    // collected_on <= to
  bool inStockOnly = false;         // something left
  bool includeRetired = false;
};

struct LotPage {
  std::vector<Lot> items;
  std::int64_t total = 0;
};

// Lots `viewer` may see, newest collection first.
LotPage listLots(Connection& c, const Principal& viewer, const LotFilter& filter,
                 std::int64_t page, std::int64_t pageSize);

struct LotUpdate {
  std::optional<std::string> characterisationJson;
  std::optional<std::string> status;
  std::optional<std::string> notes;
  std::optional<std::optional<std::string>> container;
  std::optional<std::optional<std::int64_t>> containerCount;
};

// Applies the fields that are set (the caller checked them and the actor's right). Audited
// ("update") when something changes; nothing is written otherwise. Throws NotFound.
Lot updateLot(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
              const LotUpdate& update);

// Stock of one start-up per stream: lots with something left and the mass left.
struct StockLine {
  std::int64_t streamId = 0;
  std::string streamKey;
  std::int64_t lots = 0;
  std::int64_t remainingMg = 0;
  std::int64_t quarantinedMg = 0;
};
// Without a start-up: the whole cluster's stock (for administrators).
std::vector<StockLine> stockOf(Connection& c, std::optional<std::int64_t> startUpId);

// SQL (a SELECT of lot ids) for the lots `who`'s start-up may trace: those it holds, those
// offered to it by a transfer still pending or accepted (a refused or cancelled offer opens
// nothing), and every lot upstream of those. Contains only integer
// literals. For callers without a start-up, a SELECT of nothing.
std::string tracedLotsSql(const Principal& who);
// SQL boolean: lot `alias` is readable by `who` (visibleSql on the lot or traceability).
std::string lotReadableSql(const Principal& who, const std::string& alias);

// Codes: LOT-000001, SRC-000001 (parsed by db::parsePrefixedCode with "LOT", "SRC").
std::string lotCode(std::int64_t id);
std::string sourceCode(std::int64_t id);

}  // namespace argan::db
