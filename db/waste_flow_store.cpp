#include "db/waste_flow_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"
#include "db/waste_store.h"

namespace argan::db {
namespace {

void bindActor(Statement& st, int index, const Principal& actor) {
  if (actor.userId) {
    st.bind(index, actor.userId);
  } else {
    st.bindNull(index);
  }
}

}  // namespace

// ---- transformations ----

std::string transformationReadableSql(const Principal& who, const std::string& alias) {
  std::string own = visibleSqlColumns(who, alias + ".start_up_id", "'start-up'");
  if (who.isAdmin() || !who.isStartUpMember()) return own;
  return "(" + own + " OR EXISTS (SELECT 1 FROM lots o WHERE o.transformation_id = " + alias +
         ".id AND o.id IN (" + tracedLotsSql(who) + ")))";
}

namespace {

void loadTransformationParts(Connection& c, Transformation& t) {
  {
    Statement st(c,
                 "SELECT lot_id, mass_mg, amount, unit FROM transformation_inputs"
                 " WHERE transformation_id = ? ORDER BY position");
    st.bind(1, t.id);
    while (st.step()) {
      t.inputs.push_back({st.getInt(0), st.getInt(1), st.getDouble(2), st.getText(3)});
    }
  }
  {
    Statement st(c,
                 "SELECT name, mass_mg, amount, unit FROM transformation_additions"
                 " WHERE transformation_id = ? ORDER BY position");
    st.bind(1, t.id);
    while (st.step()) {
      t.additions.push_back({st.getText(0), st.getInt(1), st.getDouble(2), st.getText(3)});
    }
  }
  {
    Statement st(c,
                 "SELECT l.id, ws.key, l.net_mass_mg FROM lots l"
                 " JOIN waste_streams ws ON ws.id = l.stream_id"
                 " WHERE l.transformation_id = ? ORDER BY l.id");
    st.bind(1, t.id);
    while (st.step()) t.outputs.push_back({st.getInt(0), st.getText(1), st.getInt(2)});
  }
}

Transformation readTransformation(Statement& st) {
  Transformation t;
  t.id = st.getInt(0);
  t.startUpId = st.getInt(1);
  t.kind = st.getText(2);
  t.performedOn = st.getText(3);
  t.notes = st.getText(4);
  t.createdAt = st.getText(5);
  t.createdBy = st.getOptionalInt(6);
  return t;
}

constexpr const char* kTransformationColumns =
    "t.id, t.start_up_id, t.kind, t.performed_on, t.notes, t.created_at, t.created_by";

// ---- transfers ----

}  // namespace

std::string transferReadableSql(const Principal& who, const std::string& alias) {
  return "(" + visibleSqlColumns(who, alias + ".from_start_up_id", "'start-up'") + " OR " +
         visibleSqlColumns(who, alias + ".to_start_up_id", "'start-up'") + ")";
}

std::string lotUseReadableSql(const Principal& who, const std::string& alias) {
  return visibleSqlColumns(who, alias + ".start_up_id", "'start-up'");
}

namespace {

constexpr const char* kTransferColumns =
    "t.id, t.lot_id, ws.key, t.from_start_up_id, t.to_start_up_id, t.mass_mg, t.amount, t.unit,"
    " t.vehicle, t.distance_km, t.notes, t.status, t.created_at, t.created_by, t.decided_at,"
    " t.decided_by, t.decided_on, t.decision_reason, t.received_lot_id";
constexpr const char* kTransferFrom =
    " FROM lot_transfers t JOIN lots l ON l.id = t.lot_id"
    " JOIN waste_streams ws ON ws.id = l.stream_id";

Transfer readTransfer(Statement& st) {
  Transfer t;
  int i = 0;
  t.id = st.getInt(i++);
  t.lotId = st.getInt(i++);
  t.streamKey = st.getText(i++);
  t.fromStartUpId = st.getInt(i++);
  t.toStartUpId = st.getInt(i++);
  t.massMg = st.getInt(i++);
  t.amount = st.getDouble(i++);
  t.unit = st.getText(i++);
  t.vehicle = st.getOptionalText(i++);
  t.distanceKm = st.getOptionalDouble(i++);
  t.notes = st.getText(i++);
  t.status = st.getText(i++);
  t.createdAt = st.getText(i++);
  t.createdBy = st.getOptionalInt(i++);
  t.decidedAt = st.getOptionalText(i++);
  t.decidedBy = st.getOptionalInt(i++);
  t.decidedOn = st.getOptionalText(i++);
  t.decisionReason = st.getOptionalText(i++);
  t.receivedLotId = st.getOptionalInt(i++);
  return t;
}

std::optional<Transfer> transferById(Connection& c, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kTransferColumns + kTransferFrom + " WHERE t.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readTransfer(st);
}

// ---- uses ----

constexpr const char* kUseColumns =
    "u.id, u.lot_id, u.start_up_id, u.mass_mg, u.amount, u.unit, u.used_on, u.batch_id,"
    " br.compound_id, br.form_number, br.batch_number, u.route_id, u.step_number,"
    " u.component_position, u.notes, u.created_at, u.created_by";
constexpr const char* kUseFrom =
    " FROM lot_uses u LEFT JOIN batch_records br ON br.id = u.batch_id";

LotUse readUse(Statement& st) {
  LotUse u;
  int i = 0;
  u.id = st.getInt(i++);
  u.lotId = st.getInt(i++);
  u.startUpId = st.getInt(i++);
  u.massMg = st.getInt(i++);
  u.amount = st.getDouble(i++);
  u.unit = st.getText(i++);
  u.usedOn = st.getText(i++);
  u.batchId = st.getOptionalInt(i++);
  auto compound = st.getOptionalInt(i++);
  auto form = st.getOptionalInt(i++);
  auto batch = st.getOptionalInt(i++);
  if (compound && form && batch) u.batchCode = db::batchCode(*compound, *form, *batch);
  u.routeId = st.getOptionalInt(i++);
  u.stepNumber = st.getOptionalInt(i++);
  u.componentPosition = st.getOptionalInt(i++);
  u.notes = st.getText(i++);
  u.createdAt = st.getText(i++);
  u.createdBy = st.getOptionalInt(i++);
  return u;
}

}  // namespace

std::string transformationCode(std::int64_t id) {
  return prefixedCode("TRN", id);
}
std::string transferCode(std::int64_t id) {
  return prefixedCode("TRF", id);
}
std::string lotUseCode(std::int64_t id) {
  return prefixedCode("USE", id);
}
std::string Transformation::code() const {
  return transformationCode(id);
}
std::string Transfer::code() const {
  return transferCode(id);
}
std::string LotUse::code() const {
  return lotUseCode(id);
}

// ---- transformations ----

std::int64_t insertTransformation(Connection& c, const Clock& clock, const Principal& actor,
                                  const NewTransformation& t) {
  Statement st(c,
               "INSERT INTO transformations(start_up_id, kind, performed_on, notes, created_at,"
               " created_by, id) VALUES (?,?,?,?,?,?,?)");
  // Transformations, transfers and uses are numbered by creation time, not 1, 2, 3
  // (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "transformations");
  st.bind(1, t.startUpId).bind(2, t.kind).bind(3, t.performedOn).bind(4, t.notes);
  st.bind(5, clock.nowIso());
  bindActor(st, 6, actor);
  st.bind(7, id);
  st.run();
  int position = 1;
  for (const auto& in : t.inputs) {
    Statement ins(c,
                  "INSERT INTO transformation_inputs(transformation_id, position, lot_id, mass_mg,"
                  " amount, unit) VALUES (?,?,?,?,?,?)");
    ins.bind(1, id).bind(2, position++).bind(3, in.lotId).bind(4, in.massMg);
    ins.bind(5, in.amount).bind(6, in.unit).run();
  }
  position = 1;
  for (const auto& add : t.additions) {
    Statement ins(c,
                  "INSERT INTO transformation_additions(transformation_id, position, name, mass_mg,"
                  " amount, unit) VALUES (?,?,?,?,?,?)");
    ins.bind(1, id).bind(2, position++).bind(3, add.name).bind(4, add.massMg);
    ins.bind(5, add.amount).bind(6, add.unit).run();
  }
  return id;
}

void auditTransformation(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t id) {
  Poco::JSON::Parser parser;
  Poco::JSON::Object after(Poco::JSON_PRESERVE_KEY_ORDER);
  auto row = snapshotRow(c, "transformations", id);
  if (!row) throw internalError("transformation " + std::to_string(id) + " vanished");
  after.set("transformation", parser.parse(*row));
  auto list = [&](const std::string& sql) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    Statement st(c, sql);
    st.bind(1, id);
    while (st.step()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      for (int i = 0; i < st.columnCount(); ++i) {
        if (st.columnType(i) == SQLITE_INTEGER) {
          o->set(st.columnName(i), static_cast<Poco::Int64>(st.getInt(i)));
        } else if (st.columnType(i) == SQLITE_FLOAT) {
          o->set(st.columnName(i), st.getDouble(i));
        } else {
          o->set(st.columnName(i), st.getText(i));
        }
      }
      items->add(o);
    }
    return items;
  };
  after.set("inputs", list("SELECT lot_id, mass_mg, amount, unit FROM transformation_inputs"
                           " WHERE transformation_id = ? ORDER BY position"));
  after.set("additions", list("SELECT name, mass_mg, amount, unit FROM transformation_additions"
                              " WHERE transformation_id = ? ORDER BY position"));
  after.set("outputs", list("SELECT id AS lot_id, net_mass_mg AS mass_mg FROM lots"
                            " WHERE transformation_id = ? ORDER BY id"));
  std::ostringstream out;
  after.stringify(out);
  appendAudit(c, clock, actor,
              {"create", "transformation", transformationCode(id), std::nullopt, out.str(),
               std::nullopt});
}

std::optional<Transformation> findTransformation(Connection& c, const Principal& viewer,
                                                 std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kTransformationColumns +
                      " FROM transformations t WHERE t.id = ? AND " +
                      transformationReadableSql(viewer, "t"));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Transformation t = readTransformation(st);
  loadTransformationParts(c, t);
  return t;
}

std::vector<Transformation> listTransformations(Connection& c, const Principal& viewer,
                                                std::optional<std::int64_t> startUpId) {
  Statement st(c, std::string("SELECT ") + kTransformationColumns +
                      " FROM transformations t WHERE " + transformationReadableSql(viewer, "t") +
                      (startUpId ? " AND t.start_up_id = ?" : "") +
                      " ORDER BY t.performed_on DESC, t.id DESC LIMIT 500");
  if (startUpId) st.bind(1, *startUpId);
  std::vector<Transformation> out;
  while (st.step()) out.push_back(readTransformation(st));
  for (auto& t : out) loadTransformationParts(c, t);
  return out;
}

std::vector<std::int64_t> transformationsConsuming(Connection& c, std::int64_t lotId) {
  Statement st(c,
               "SELECT transformation_id FROM transformation_inputs WHERE lot_id = ?"
               " ORDER BY transformation_id");
  st.bind(1, lotId);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.getInt(0));
  return out;
}

// ---- transfers ----

Transfer insertTransfer(Connection& c, const Clock& clock, const Principal& actor,
                        const NewTransfer& t) {
  Statement st(c,
               "INSERT INTO lot_transfers(lot_id, from_start_up_id, to_start_up_id, mass_mg,"
               " amount, unit, vehicle, distance_km, notes, created_at, created_by, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  const std::int64_t id = allocateRecordId(c, clock, "lot_transfers");
  st.bind(1, t.lotId).bind(2, t.fromStartUpId).bind(3, t.toStartUpId).bind(4, t.massMg);
  st.bind(5, t.amount).bind(6, t.unit).bind(7, t.vehicle).bind(8, t.distanceKm);
  st.bind(9, t.notes).bind(10, clock.nowIso());
  bindActor(st, 11, actor);
  st.bind(12, id);
  st.run();
  appendAudit(c, clock, actor,
              {"create", "transfer", transferCode(id), std::nullopt,
               snapshotRow(c, "lot_transfers", id), std::nullopt});
  return *transferById(c, id);
}

Transfer decideTransfer(Connection& c, const Clock& clock, const Principal& actor,
                        std::int64_t id, const TransferDecision& d) {
  auto current = transferById(c, id);
  if (!current) throw notFound("no transfer " + transferCode(id));
  if (current->status != "pending") {
    throw failedPrecondition(transferCode(id) + " was already " + current->status,
                             {{"field", "status"}, {"status", current->status}});
  }
  auto before = snapshotRow(c, "lot_transfers", id);
  Statement st(c,
               "UPDATE lot_transfers SET status = ?, decided_at = ?, decided_by = ?,"
               " decided_on = ?, decision_reason = ?, received_lot_id = ? WHERE id = ?");
  st.bind(1, d.status).bind(2, clock.nowIso());
  bindActor(st, 3, actor);
  st.bind(4, d.decidedOn).bind(5, d.reason).bind(6, d.receivedLotId).bind(7, id).run();
  const std::string action = d.status == "accepted"  ? "accept"
                             : d.status == "refused" ? "refuse"
                                                     : "cancel";
  appendAudit(c, clock, actor,
              {action, "transfer", transferCode(id), before, snapshotRow(c, "lot_transfers", id),
               d.reason});
  return *transferById(c, id);
}

std::optional<Transfer> findTransfer(Connection& c, const Principal& viewer, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kTransferColumns + kTransferFrom +
                      " WHERE t.id = ? AND " + transferReadableSql(viewer, "t"));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readTransfer(st);
}

std::vector<Transfer> listTransfers(Connection& c, const Principal& viewer,
                                    const TransferFilter& f) {
  std::string where = " WHERE " + transferReadableSql(viewer, "t");
  std::int64_t own = viewer.startUpId.value_or(-1);
  if (f.direction == std::optional<std::string>("in")) where += " AND t.to_start_up_id = ?";
  if (f.direction == std::optional<std::string>("out")) where += " AND t.from_start_up_id = ?";
  if (f.status) where += " AND t.status = ?";
  if (f.lotId) where += " AND t.lot_id = ?";
  if (f.startUpId) where += " AND (t.from_start_up_id = ? OR t.to_start_up_id = ?)";
  Statement st(c, std::string("SELECT ") + kTransferColumns + kTransferFrom + where +
                      " ORDER BY t.id DESC LIMIT 500");
  int i = 1;
  if (f.direction == std::optional<std::string>("in") ||
      f.direction == std::optional<std::string>("out")) {
    st.bind(i++, own);
  }
  if (f.status) st.bind(i++, *f.status);
  if (f.lotId) st.bind(i++, *f.lotId);
  if (f.startUpId) {
    st.bind(i++, *f.startUpId);
    st.bind(i++, *f.startUpId);
  }
  std::vector<Transfer> out;
  while (st.step()) out.push_back(readTransfer(st));
  return out;
}

// ---- uses ----

LotUse insertLotUse(Connection& c, const Clock& clock, const Principal& actor,
                    const NewLotUse& u) {
  Statement st(c,
               "INSERT INTO lot_uses(lot_id, start_up_id, mass_mg, amount, unit, used_on,"
               " batch_id, route_id, step_number, component_position, notes, created_at,"
               " created_by, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const std::int64_t id = allocateRecordId(c, clock, "lot_uses");
  st.bind(1, u.lotId).bind(2, u.startUpId).bind(3, u.massMg).bind(4, u.amount);
  st.bind(5, u.unit).bind(6, u.usedOn).bind(7, u.batchId).bind(8, u.routeId);
  st.bind(9, u.stepNumber).bind(10, u.componentPosition).bind(11, u.notes);
  st.bind(12, clock.nowIso());
  bindActor(st, 13, actor);
  st.bind(14, id);
  st.run();
  appendAudit(c, clock, actor,
              {"create", "lot_use", lotUseCode(id), std::nullopt, snapshotRow(c, "lot_uses", id),
               std::nullopt});
  Statement read(c, std::string("SELECT ") + kUseColumns + kUseFrom + " WHERE u.id = ?");
  read.bind(1, id);
  read.step();
  return readUse(read);
}

std::vector<LotUse> listLotUses(Connection& c, const Principal& viewer, const LotUseFilter& f) {
  std::string where = " WHERE " + visibleSqlColumns(viewer, "u.start_up_id", "'start-up'");
  if (f.lotId) where += " AND u.lot_id = ?";
  if (f.batchId) where += " AND u.batch_id = ?";
  if (f.routeId) where += " AND u.route_id = ?";
  if (f.routeLevelOnly) where += " AND u.batch_id IS NULL";
  Statement st(c, std::string("SELECT ") + kUseColumns + kUseFrom + where + " ORDER BY u.id");
  int i = 1;
  if (f.lotId) st.bind(i++, *f.lotId);
  if (f.batchId) st.bind(i++, *f.batchId);
  if (f.routeId) st.bind(i++, *f.routeId);
  std::vector<LotUse> out;
  while (st.step()) out.push_back(readUse(st));
  return out;
}

}  // namespace argan::db
