#include "db/waste_store.h"

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

// ---- streams ----

constexpr const char* kStreamColumns =
    "id, key, name_fr, name_en, low_code, low_note, composition, hazards, characterisation,"
    " substance_id, created_at, updated_at";

WasteStream readStream(Statement& st) {
  WasteStream s;
  int i = 0;
  s.id = st.getInt(i++);
  s.key = st.getText(i++);
  s.nameFr = st.getText(i++);
  s.nameEn = st.getText(i++);
  s.lowCode = st.getOptionalText(i++);
  s.lowNote = st.getText(i++);
  s.composition = st.getText(i++);
  s.hazards = st.getText(i++);
  s.characterisationJson = st.getText(i++);
  s.substanceId = st.getOptionalInt(i++);
  s.createdAt = st.getText(i++);
  s.updatedAt = st.getText(i++);
  return s;
}

// ---- sources ----

constexpr const char* kSourceColumns =
    "s.id, s.start_up_id, s.name, s.kind, s.region, s.locality, s.notes, s.active, s.created_at,"
    " s.created_by, s.updated_at";

WasteSource readSource(Statement& st) {
  WasteSource s;
  int i = 0;
  s.id = st.getInt(i++);
  s.startUpId = st.getInt(i++);
  s.name = st.getText(i++);
  s.kind = st.getText(i++);
  s.region = st.getText(i++);
  s.locality = st.getText(i++);
  s.notes = st.getText(i++);
  s.active = st.getInt(i++) != 0;
  s.createdAt = st.getText(i++);
  s.createdBy = st.getOptionalInt(i++);
  s.updatedAt = st.getText(i++);
  return s;
}

// Sources are never published: the owner's members and administrators read them.
std::string sourceReadableSql(const Principal& who, const std::string& alias) {
  return visibleSqlColumns(who, alias + ".start_up_id", "'start-up'");
}

std::optional<WasteSource> sourceById(Connection& c, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kSourceColumns + " FROM waste_sources s WHERE s.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readSource(st);
}

// ---- lots ----

constexpr const char* kLotColumns =
    "l.id, l.start_up_id, l.visibility, l.stream_id, ws.key, l.origin, l.source_id, src.kind,"
    " src.region, l.parent_lot_id, l.transfer_id, l.transformation_id, l.collected_on,"
    " l.net_mass_mg, l.net_amount, l.net_unit, l.gross_mass_mg, l.gross_amount, l.gross_unit,"
    " l.container, l.container_count, l.vehicle, l.distance_km, l.characterisation, l.status,"
    " l.notes, l.created_at, l.created_by, l.updated_at, l.retired_at, l.retired_reason,"
    " b.transformed_mg, b.transferred_mg, b.used_mg";

constexpr const char* kLotFrom =
    " FROM lots l JOIN waste_streams ws ON ws.id = l.stream_id"
    " JOIN lot_balances b ON b.lot_id = l.id"
    " LEFT JOIN waste_sources src ON src.id = l.source_id";

Lot readLot(Statement& st) {
  Lot l;
  int i = 0;
  l.id = st.getInt(i++);
  l.startUpId = st.getInt(i++);
  l.visibility = st.getText(i++);
  l.streamId = st.getInt(i++);
  l.streamKey = st.getText(i++);
  l.origin = st.getText(i++);
  l.sourceId = st.getOptionalInt(i++);
  l.sourceKind = st.getOptionalText(i++);
  l.sourceRegion = st.getOptionalText(i++);
  l.parentLotId = st.getOptionalInt(i++);
  l.transferId = st.getOptionalInt(i++);
  l.transformationId = st.getOptionalInt(i++);
  l.collectedOn = st.getText(i++);
  l.netMassMg = st.getInt(i++);
  l.netAmount = st.getDouble(i++);
  l.netUnit = st.getText(i++);
  l.grossMassMg = st.getOptionalInt(i++);
  l.grossAmount = st.getOptionalDouble(i++);
  l.grossUnit = st.getOptionalText(i++);
  l.container = st.getOptionalText(i++);
  l.containerCount = st.getOptionalInt(i++);
  l.vehicle = st.getOptionalText(i++);
  l.distanceKm = st.getOptionalDouble(i++);
  l.characterisationJson = st.getText(i++);
  l.status = st.getText(i++);
  l.notes = st.getText(i++);
  l.createdAt = st.getText(i++);
  l.createdBy = st.getOptionalInt(i++);
  l.updatedAt = st.getText(i++);
  l.retiredAt = st.getOptionalText(i++);
  l.retiredReason = st.getOptionalText(i++);
  l.transformedMg = st.getInt(i++);
  l.transferredMg = st.getInt(i++);
  l.usedMg = st.getInt(i++);
  return l;
}

void bindOptional(Statement& st, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    st.bind(index, *v);
  } else {
    st.bindNull(index);
  }
}

void bindActor(Statement& st, int index, const Principal& actor) {
  if (actor.userId) {
    st.bind(index, actor.userId);
  } else {
    st.bindNull(index);
  }
}

}  // namespace

std::string lotCode(std::int64_t id) {
  return prefixedCode("LOT", id);
}
std::string sourceCode(std::int64_t id) {
  return prefixedCode("SRC", id);
}
std::string Lot::code() const {
  return lotCode(id);
}
std::string WasteSource::code() const {
  return sourceCode(id);
}

// ---- streams ----

std::vector<WasteStream> listWasteStreams(Connection& c) {
  Statement st(c, std::string("SELECT ") + kStreamColumns + " FROM waste_streams ORDER BY key");
  std::vector<WasteStream> out;
  while (st.step()) out.push_back(readStream(st));
  return out;
}

std::optional<WasteStream> findWasteStream(Connection& c, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kStreamColumns + " FROM waste_streams WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readStream(st);
}

std::optional<WasteStream> findWasteStreamByKey(Connection& c, const std::string& key) {
  Statement st(c, std::string("SELECT ") + kStreamColumns + " FROM waste_streams WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return readStream(st);
}

WasteStream createWasteStream(Connection& c, const Clock& clock, const Principal& actor,
                              const WasteStreamInput& in) {
  if (!in.key || !in.nameFr || !in.nameEn) {
    throw invalidArgument("a waste stream needs a key, name_fr and name_en", {{"field", "key"}});
  }
  if (findWasteStreamByKey(c, *in.key)) {
    throw alreadyExists("the waste stream '" + *in.key + "' exists already", {{"field", "key"}});
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO waste_streams(key, name_fr, name_en, low_code, low_note, composition,"
               " hazards, characterisation, substance_id, created_at, updated_at)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, *in.key).bind(2, *in.nameFr).bind(3, *in.nameEn);
  st.bind(4, in.lowCode ? *in.lowCode : std::nullopt);
  st.bind(5, in.lowNote.value_or(""))
      .bind(6, in.composition.value_or(""))
      .bind(7, in.hazards.value_or(""))
      .bind(8, in.characterisationJson.value_or("[]"));
  bindOptional(st, 9, in.substanceId ? *in.substanceId : std::nullopt);
  st.bind(10, now).bind(11, now).run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "waste_stream", *in.key, std::nullopt,
               snapshotRow(c, "waste_streams", id), std::nullopt});
  return *findWasteStream(c, id);
}

WasteStream updateWasteStream(Connection& c, const Clock& clock, const Principal& actor,
                              std::int64_t id, const WasteStreamInput& in) {
  auto current = findWasteStream(c, id);
  if (!current) throw notFound("no waste stream " + std::to_string(id));
  WasteStream next = *current;
  if (in.nameFr) next.nameFr = *in.nameFr;
  if (in.nameEn) next.nameEn = *in.nameEn;
  if (in.lowCode) next.lowCode = *in.lowCode;
  if (in.lowNote) next.lowNote = *in.lowNote;
  if (in.composition) next.composition = *in.composition;
  if (in.hazards) next.hazards = *in.hazards;
  if (in.characterisationJson) next.characterisationJson = *in.characterisationJson;
  if (in.substanceId) next.substanceId = *in.substanceId;
  if (next.nameFr == current->nameFr && next.nameEn == current->nameEn &&
      next.lowCode == current->lowCode && next.lowNote == current->lowNote &&
      next.composition == current->composition && next.hazards == current->hazards &&
      next.characterisationJson == current->characterisationJson &&
      next.substanceId == current->substanceId) {
    return *current;
  }
  auto before = snapshotRow(c, "waste_streams", id);
  Statement st(c,
               "UPDATE waste_streams SET name_fr = ?, name_en = ?, low_code = ?, low_note = ?,"
               " composition = ?, hazards = ?, characterisation = ?, substance_id = ?,"
               " updated_at = ? WHERE id = ?");
  st.bind(1, next.nameFr).bind(2, next.nameEn).bind(3, next.lowCode).bind(4, next.lowNote);
  st.bind(5, next.composition).bind(6, next.hazards).bind(7, next.characterisationJson);
  bindOptional(st, 8, next.substanceId);
  st.bind(9, clock.nowIso()).bind(10, id).run();
  appendAudit(c, clock, actor,
              {"update", "waste_stream", current->key, before, snapshotRow(c, "waste_streams", id),
               std::nullopt});
  return *findWasteStream(c, id);
}

// ---- sources ----

WasteSource createSource(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t startUpId, const SourceInput& in) {
  if (!in.name || !in.kind || !in.region) {
    throw invalidArgument("a source needs a name, kind and region", {{"field", "name"}});
  }
  if (findSourceByName(c, startUpId, *in.name)) {
    throw alreadyExists("the start-up already has a source named '" + *in.name + "'",
                        {{"field", "name"}});
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO waste_sources(start_up_id, name, kind, region, locality, notes, active,"
               " created_at, created_by, updated_at, id) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  // Numbered by creation time, not 1, 2, 3 (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "waste_sources");
  st.bind(1, startUpId).bind(2, *in.name).bind(3, *in.kind).bind(4, *in.region);
  st.bind(5, in.locality.value_or("")).bind(6, in.notes.value_or(""));
  st.bind(7, static_cast<std::int64_t>(in.active.value_or(true) ? 1 : 0)).bind(8, now);
  bindActor(st, 9, actor);
  st.bind(10, now).bind(11, id).run();
  appendAudit(c, clock, actor,
              {"create", "source", sourceCode(id), std::nullopt,
               snapshotRow(c, "waste_sources", id), std::nullopt});
  return *sourceById(c, id);
}

WasteSource updateSource(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t id, const SourceInput& in) {
  auto current = sourceById(c, id);
  if (!current) throw notFound("no source " + sourceCode(id));
  WasteSource next = *current;
  if (in.name) next.name = *in.name;
  if (in.kind) next.kind = *in.kind;
  if (in.region) next.region = *in.region;
  if (in.locality) next.locality = *in.locality;
  if (in.notes) next.notes = *in.notes;
  if (in.active) next.active = *in.active;
  if (next.name == current->name && next.kind == current->kind &&
      next.region == current->region && next.locality == current->locality &&
      next.notes == current->notes && next.active == current->active) {
    return *current;
  }
  if (in.name) {
    auto same = findSourceByName(c, current->startUpId, next.name);
    if (same && same->id != id) {
      throw alreadyExists("the start-up already has a source named '" + next.name + "'",
                          {{"field", "name"}});
    }
  }
  auto before = snapshotRow(c, "waste_sources", id);
  Statement st(c,
               "UPDATE waste_sources SET name = ?, kind = ?, region = ?, locality = ?, notes = ?,"
               " active = ?, updated_at = ? WHERE id = ?");
  st.bind(1, next.name).bind(2, next.kind).bind(3, next.region).bind(4, next.locality);
  st.bind(5, next.notes).bind(6, static_cast<std::int64_t>(next.active ? 1 : 0));
  st.bind(7, clock.nowIso()).bind(8, id).run();
  appendAudit(c, clock, actor,
              {"update", "source", sourceCode(id), before, snapshotRow(c, "waste_sources", id),
               std::nullopt});
  return *sourceById(c, id);
}

std::optional<WasteSource> findSource(Connection& c, const Principal& viewer, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kSourceColumns +
                      " FROM waste_sources s WHERE s.id = ? AND " + sourceReadableSql(viewer, "s"));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readSource(st);
}

std::vector<WasteSource> listSources(Connection& c, const Principal& viewer,
                                     std::optional<std::int64_t> startUpId) {
  Statement st(c, std::string("SELECT ") + kSourceColumns + " FROM waste_sources s WHERE " +
                      sourceReadableSql(viewer, "s") +
                      (startUpId ? " AND s.start_up_id = ?" : "") +
                      " ORDER BY s.name COLLATE NOCASE, s.id");
  if (startUpId) st.bind(1, *startUpId);
  std::vector<WasteSource> out;
  while (st.step()) out.push_back(readSource(st));
  return out;
}

std::optional<WasteSource> findSourceByName(Connection& c, std::int64_t startUpId,
                                            const std::string& name) {
  Statement st(c, std::string("SELECT ") + kSourceColumns +
                      " FROM waste_sources s WHERE s.start_up_id = ? AND s.name = ? COLLATE NOCASE");
  st.bind(1, startUpId).bind(2, name);
  if (!st.step()) return std::nullopt;
  return readSource(st);
}

// ---- lots ----

std::string tracedLotsSql(const Principal& who) {
  if (!who.isStartUpMember() || !who.startUpId) return "SELECT NULL WHERE 0";
  const std::string s = std::to_string(*who.startUpId);
  return "WITH RECURSIVE traced(id) AS ("
         "SELECT id FROM lots WHERE start_up_id = " + s +
         " UNION SELECT lot_id FROM lot_transfers WHERE to_start_up_id = " + s +
         " AND status IN ('pending', 'accepted')" +
         " UNION SELECT p.parent_id FROM lot_parents p JOIN traced t ON p.child_id = t.id)"
         " SELECT id FROM traced";
}

std::string lotReadableSql(const Principal& who, const std::string& alias) {
  std::string visible = visibleSql(who, alias);
  if (who.isAdmin() || !who.isStartUpMember()) return visible;
  return "(" + visible + " OR " + alias + ".id IN (" + tracedLotsSql(who) + "))";
}

Lot insertLot(Connection& c, const Clock& clock, const Principal& actor, const NewLot& in) {
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO lots(start_up_id, stream_id, origin, source_id, parent_lot_id,"
               " transfer_id, transformation_id, collected_on, net_mass_mg, net_amount, net_unit,"
               " gross_mass_mg, gross_amount, gross_unit, container, container_count, vehicle,"
               " distance_km, characterisation, status, notes, import_digest, created_at,"
               " created_by, updated_at, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  // Numbered by creation time: a lot's code tells nothing of how many lots the cluster has
  // (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "lots");
  st.bind(1, in.startUpId);
  st.bind(2, in.streamId);
  st.bind(3, in.origin);
  st.bind(4, in.sourceId);
  st.bind(5, in.parentLotId);
  st.bind(6, in.transferId);
  st.bind(7, in.transformationId);
  st.bind(8, in.collectedOn);
  st.bind(9, in.netMassMg);
  st.bind(10, in.netAmount);
  st.bind(11, in.netUnit);
  st.bind(12, in.grossMassMg);
  st.bind(13, in.grossAmount);
  st.bind(14, in.grossUnit);
  st.bind(15, in.container);
  st.bind(16, in.containerCount);
  st.bind(17, in.vehicle);
  st.bind(18, in.distanceKm);
  st.bind(19, in.characterisationJson);
  st.bind(20, in.status);
  st.bind(21, in.notes);
  st.bind(22, in.importDigest);
  st.bind(23, now);
  bindActor(st, 24, actor);
  st.bind(25, now);
  st.bind(26, id);
  st.run();
  appendAudit(c, clock, actor,
              {"create", "lot", lotCode(id), std::nullopt, snapshotRow(c, "lots", id),
               std::nullopt});
  return *findLot(c, Principal::system("lot store"), id);
}

std::optional<Lot> findLot(Connection& c, const Principal& viewer, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kLotColumns + kLotFrom + " WHERE l.id = ? AND " +
                      lotReadableSql(viewer, "l"));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readLot(st);
}

bool isTraceableBy(Connection& c, std::int64_t startUpId, std::int64_t id) {
  Principal member;
  member.role = Role::Member;
  member.startUpId = startUpId;
  Statement st(c, "SELECT 1 WHERE ? IN (" + tracedLotsSql(member) + ")");
  st.bind(1, id);
  return st.step();
}

bool lotImportDigestExists(Connection& c, std::int64_t startUpId, const std::string& digest) {
  Statement st(c, "SELECT 1 FROM lots WHERE start_up_id = ? AND import_digest = ?");
  st.bind(1, startUpId).bind(2, digest);
  return st.step();
}

LotPage listLots(Connection& c, const Principal& viewer, const LotFilter& f, std::int64_t page,
                 std::int64_t pageSize) {
  std::string where = " WHERE " + lotReadableSql(viewer, "l");
  if (f.startUpId) where += " AND l.start_up_id = ?";
  if (f.streamId) where += " AND l.stream_id = ?";
  if (f.status) where += " AND l.status = ?";
  if (f.origin) where += " AND l.origin = ?";
  if (f.from) where += " AND l.collected_on >= ?";
  if (f.to) where += " AND l.collected_on <= ?";
  if (f.inStockOnly) {
    where += " AND b.net_mass_mg - b.transformed_mg - b.transferred_mg - b.used_mg > 0";
  }
  if (!f.includeRetired) where += " AND l.retired_at IS NULL";
  auto bindFilters = [&](Statement& st) {
    int i = 1;
    if (f.startUpId) st.bind(i++, *f.startUpId);
    if (f.streamId) st.bind(i++, *f.streamId);
    if (f.status) st.bind(i++, *f.status);
    if (f.origin) st.bind(i++, *f.origin);
    if (f.from) st.bind(i++, *f.from);
    if (f.to) st.bind(i++, *f.to);
    return i;
  };
  LotPage out;
  {
    Statement count(c, std::string("SELECT COUNT(*)") + kLotFrom + where);
    bindFilters(count);
    if (count.step()) out.total = count.getInt(0);
  }
  Statement st(c, std::string("SELECT ") + kLotColumns + kLotFrom + where +
                      " ORDER BY l.collected_on DESC, l.id DESC LIMIT ? OFFSET ?");
  int i = bindFilters(st);
  st.bind(i, pageSize);
  st.bind(i + 1, page * pageSize);
  while (st.step()) out.items.push_back(readLot(st));
  return out;
}

Lot updateLot(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
              const LotUpdate& u) {
  auto current = findLot(c, Principal::system("lot store"), id);
  if (!current) throw notFound("no lot " + lotCode(id));
  Lot next = *current;
  if (u.characterisationJson) next.characterisationJson = *u.characterisationJson;
  if (u.status) next.status = *u.status;
  if (u.notes) next.notes = *u.notes;
  if (u.container) next.container = *u.container;
  if (u.containerCount) next.containerCount = *u.containerCount;
  if (next.characterisationJson == current->characterisationJson &&
      next.status == current->status && next.notes == current->notes &&
      next.container == current->container && next.containerCount == current->containerCount) {
    return *current;
  }
  auto before = snapshotRow(c, "lots", id);
  Statement st(c,
               "UPDATE lots SET characterisation = ?, status = ?, notes = ?, container = ?,"
               " container_count = ?, updated_at = ? WHERE id = ?");
  st.bind(1, next.characterisationJson).bind(2, next.status).bind(3, next.notes);
  st.bind(4, next.container);
  bindOptional(st, 5, next.containerCount);
  st.bind(6, clock.nowIso()).bind(7, id).run();
  appendAudit(c, clock, actor,
              {"update", "lot", lotCode(id), before, snapshotRow(c, "lots", id), std::nullopt});
  return *findLot(c, Principal::system("lot store"), id);
}

std::vector<StockLine> stockOf(Connection& c, std::optional<std::int64_t> startUpId) {
  Statement st(c,
               "SELECT ws.id, ws.key, COUNT(*),"
               " SUM(b.net_mass_mg - b.transformed_mg - b.transferred_mg - b.used_mg),"
               " SUM(CASE WHEN l.status = 'quarantine'"
               "     THEN b.net_mass_mg - b.transformed_mg - b.transferred_mg - b.used_mg"
               "     ELSE 0 END)"
               " FROM lots l JOIN lot_balances b ON b.lot_id = l.id"
               " JOIN waste_streams ws ON ws.id = l.stream_id"
               " WHERE (? IS NULL OR l.start_up_id = ?) AND l.retired_at IS NULL"
               " AND b.net_mass_mg - b.transformed_mg - b.transferred_mg - b.used_mg > 0"
               " GROUP BY ws.id ORDER BY ws.key");
  st.bind(1, startUpId).bind(2, startUpId);
  std::vector<StockLine> out;
  while (st.step()) {
    StockLine line;
    line.streamId = st.getInt(0);
    line.streamKey = st.getText(1);
    line.lots = st.getInt(2);
    line.remainingMg = st.getInt(3);
    line.quarantinedMg = st.getInt(4);
    out.push_back(line);
  }
  return out;
}

}  // namespace argan::db
