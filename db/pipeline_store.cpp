#include "db/pipeline_store.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/error.h"
#include "db/audit.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

constexpr const char* kStageColumns =
    "s.id, s.product_id, s.key, s.name, s.description, s.position, s.status, s.owner,"
    " s.planned_start, s.planned_end, s.actual_start, s.actual_end, s.notes, s.created_at,"
    " s.updated_at,"
    " (SELECT COUNT(*) FROM document_attachments a WHERE a.owner_type = 'stage'"
    "   AND a.owner_id = s.id AND a.retired_at IS NULL),"
    " (SELECT COUNT(*) FROM stage_decisions d WHERE d.stage_id = s.id),"
    " (SELECT d.id FROM stage_decisions d WHERE d.stage_id = s.id"
    "  ORDER BY d.decided_on DESC, d.id DESC LIMIT 1)";

constexpr const char* kDecisionColumns =
    "d.id, d.stage_id, s.key, d.decision, d.rationale, d.decided_by, d.decided_on,"
    " d.recorded_at, d.recorded_by";

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Error fieldError(const std::string& message, const std::string& field) {
  return invalidArgument(message, {{"field", field}});
}

GateDecision readDecision(Statement& st) {
  GateDecision d;
  d.id = st.getInt(0);
  d.stageId = st.getInt(1);
  d.stageKey = st.getText(2);
  d.decision = st.getText(3);
  d.rationale = st.getText(4);
  d.decidedBy = st.getText(5);
  d.decidedOn = st.getText(6);
  d.recordedAt = st.getText(7);
  d.recordedBy = st.getOptionalInt(8);
  return d;
}

std::optional<GateDecision> findDecision(Connection& c, std::int64_t id) {
  Statement st(c, std::string("SELECT ") + kDecisionColumns +
                      " FROM stage_decisions d JOIN product_stages s ON s.id = d.stage_id"
                      " WHERE d.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readDecision(st);
}

Stage readStage(Statement& st) {
  Stage s;
  int i = 0;
  s.id = st.getInt(i++);
  s.productId = st.getInt(i++);
  s.key = st.getText(i++);
  s.name = st.getText(i++);
  s.description = st.getText(i++);
  s.position = st.getInt(i++);
  s.status = st.getText(i++);
  s.owner = st.getText(i++);
  s.plannedStart = st.getOptionalText(i++);
  s.plannedEnd = st.getOptionalText(i++);
  s.actualStart = st.getOptionalText(i++);
  s.actualEnd = st.getOptionalText(i++);
  s.notes = st.getText(i++);
  s.createdAt = st.getText(i++);
  s.updatedAt = st.getText(i++);
  s.documentCount = st.getInt(i++);
  s.decisionCount = st.getInt(i++);
  // The last decision id is resolved by the caller (a second statement on the connection).
  return s;
}

std::vector<Stage> queryStages(Connection& c, const std::string& where, std::int64_t productId,
                               const std::string* key) {
  std::vector<Stage> out;
  std::vector<std::optional<std::int64_t>> lastIds;
  {
    Statement st(c, std::string("SELECT ") + kStageColumns + " FROM product_stages s WHERE " +
                        where + " ORDER BY s.position, s.id");
    st.bind(1, productId);
    if (key) st.bind(2, *key);
    while (st.step()) {
      out.push_back(readStage(st));
      lastIds.push_back(st.getOptionalInt(17));
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (lastIds[i]) out[i].lastDecision = findDecision(c, *lastIds[i]);
  }
  return out;
}

std::string stageRecordId(std::int64_t productId, const std::string& key) {
  return productCode(productId) + "/" + key;
}

std::string keyList(Connection& c, std::int64_t productId) {
  std::string list;
  for (const auto& s : listStages(c, productId)) list += (list.empty() ? "" : ", ") + s.key;
  return list;
}

Stage requireStage(Connection& c, std::int64_t productId, const std::string& key) {
  auto stage = findStage(c, productId, key);
  if (!stage) {
    throw notFound("no stage '" + key + "' in " + productCode(productId) +
                       " (its stages: " + keyList(c, productId) + ")",
                   {{"field", "key"}});
  }
  return *stage;
}

void checkDateField(const Update<std::string>& value, const char* field) {
  if (value && *value && !isCalendarDate(**value)) {
    throw fieldError(
        std::string(field) + " must be a date written YYYY-MM-DD, got '" + **value + "'", field);
  }
}

void validateInput(const StageInput& in) {
  if (in.name && (trimmed(*in.name).empty() || in.name->size() > 200)) {
    throw fieldError("a stage name has 1 to 200 characters", "name");
  }
  if (in.description && in.description->size() > 5000) {
    throw fieldError("description is longer than 5000 characters", "description");
  }
  if (in.status && !isValidStageStatus(*in.status)) {
    throw fieldError(
        "status must be not_started, in_progress, done or blocked, got '" + *in.status + "'",
        "status");
  }
  if (in.owner && in.owner->size() > 200) {
    throw fieldError("owner is longer than 200 characters", "owner");
  }
  if (in.notes && in.notes->size() > 20000) {
    throw fieldError("notes are longer than 20000 characters", "notes");
  }
  checkDateField(in.plannedStart, "planned_start");
  checkDateField(in.plannedEnd, "planned_end");
  checkDateField(in.actualStart, "actual_start");
  checkDateField(in.actualEnd, "actual_end");
}

// Applies `in` to `stage` (already validated), with the status rules, and checks the
// resulting dates. `today` is the Clock's UTC date.
Stage applyInput(Stage stage, const StageInput& in, const std::string& today) {
  std::string previousStatus = stage.status;
  if (in.name) stage.name = trimmed(*in.name);
  if (in.description) stage.description = *in.description;
  if (in.owner) stage.owner = trimmed(*in.owner);
  if (in.notes) stage.notes = *in.notes;
  if (in.plannedStart) stage.plannedStart = *in.plannedStart;
  if (in.plannedEnd) stage.plannedEnd = *in.plannedEnd;
  if (in.actualStart) stage.actualStart = *in.actualStart;
  if (in.actualEnd) stage.actualEnd = *in.actualEnd;
  if (in.status) {
    stage.status = *in.status;
    bool started = stage.status == "in_progress" || stage.status == "done";
    if (started && !stage.actualStart)
      stage.actualStart = std::min(today, stage.actualEnd.value_or(today));
    if (stage.status == "done" && !stage.actualEnd)
      stage.actualEnd = std::max(today, *stage.actualStart);
    if (previousStatus == "done" && stage.status != "done" && !in.actualEnd) {
      stage.actualEnd.reset();
    }
    if (stage.status == "not_started" && previousStatus != "not_started") {
      if (!in.actualStart) stage.actualStart.reset();
      if (!in.actualEnd) stage.actualEnd.reset();
    }
  }
  if (stage.plannedStart && stage.plannedEnd && *stage.plannedStart > *stage.plannedEnd) {
    throw invalidArgument("planned_end (" + *stage.plannedEnd + ") is before planned_start (" +
                              *stage.plannedStart + ") in stage '" + stage.key + "'",
                          {{"field", "planned_end"}, {"rule", "date_order"}});
  }
  if (stage.actualStart && stage.actualEnd && *stage.actualStart > *stage.actualEnd) {
    throw invalidArgument("actual_end (" + *stage.actualEnd + ") is before actual_start (" +
                              *stage.actualStart + ") in stage '" + stage.key + "'",
                          {{"field", "actual_end"}, {"rule", "date_order"}});
  }
  for (auto [date, field] :
       {std::pair{stage.actualStart, "actual_start"}, std::pair{stage.actualEnd, "actual_end"}}) {
    if (date && *date > today) {
      throw invalidArgument(std::string(field) + " (" + *date +
                                ") lies in the future; actual dates record what happened "
                                "(today is " +
                                today + "); use planned dates for plans",
                            {{"field", field}, {"rule", "actual_not_future"}});
    }
  }
  if (stage.actualEnd && stage.status != "done" && (in.actualEnd && *in.actualEnd)) {
    throw invalidArgument(
        "actual_end is set only on a stage that is done (this one is " + stage.status + ")",
        {{"field", "actual_end"}});
  }
  return stage;
}

void writeStage(Connection& c, const Stage& s, const std::string& now) {
  Statement st(c,
               "UPDATE product_stages SET name=?, description=?, status=?, owner=?,"
               " planned_start=?, planned_end=?, actual_start=?, actual_end=?, notes=?,"
               " updated_at=? WHERE id=?");
  st.bind(1, s.name)
      .bind(2, s.description)
      .bind(3, s.status)
      .bind(4, s.owner)
      .bind(5, s.plannedStart)
      .bind(6, s.plannedEnd)
      .bind(7, s.actualStart)
      .bind(8, s.actualEnd)
      .bind(9, s.notes)
      .bind(10, now)
      .bind(11, s.id)
      .run();
}

std::string keyFromName(const std::string& name) {
  std::string key;
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) && u < 0x80) {
      key.push_back(static_cast<char>(std::tolower(u)));
    } else if (!key.empty() && key.back() != '_') {
      key.push_back('_');
    }
  }
  while (!key.empty() && key.back() == '_') key.pop_back();
  if (key.empty() || !std::isalpha(static_cast<unsigned char>(key[0]))) key = "stage_" + key;
  if (key.size() > 40) key.resize(40);
  while (!key.empty() && key.back() == '_') key.pop_back();
  return key;
}

void renumber(Connection& c, std::int64_t productId, const std::vector<std::int64_t>& ids) {
  std::int64_t position = 1;
  for (std::int64_t id : ids) {
    Statement st(c, "UPDATE product_stages SET position = ? WHERE id = ? AND product_id = ?");
    st.bind(1, position++).bind(2, id).bind(3, productId).run();
  }
}

}  // namespace

const std::vector<DefaultStage>& defaultStages() {
  static const std::vector<DefaultStage> stages = {
      {"lab_discovery", "Lab discovery",
       "Synthesis and characterisation at lab scale; first green-chemistry assessment of the "
       "route (typically TRL 1-3)."},
      {"proof_of_concept", "Proof of concept",
       "The product does its job in the intended use: application tests, first samples to "
       "prospective customers (typically TRL 3-4)."},
      {"scale_up", "Scale-up / pilot",
       "From grams to kilograms and tonnes: pilot batches, process validation, cost of goods "
       "(typically TRL 5-7)."},
      {"regulatory_safety", "Regulatory and safety",
       "GHS classification and labelling, safety data sheet, REACH or national registration, "
       "certifications such as ecolabels (typically TRL 7-8)."},
      {"market_launch", "Market launch",
       "Pricing, distribution and the first commercial orders (typically TRL 8-9)."},
      {"commercial_sales", "Commercial sales",
       "Repeat sales and production at commercial scale (TRL 9)."},
  };
  return stages;
}

bool isValidStageKey(const std::string& key) {
  if (key.empty() || key.size() > 40 || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  return std::all_of(key.begin(), key.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

bool isValidStageStatus(const std::string& s) {
  return s == "not_started" || s == "in_progress" || s == "done" || s == "blocked";
}

bool isValidDecision(const std::string& d) {
  return d == "go" || d == "hold" || d == "stop" || d == "rework";
}

std::string pipelineVisibleSql(const Principal& viewer, const std::string& alias) {
  return visibleSqlColumns(viewer, alias + ".start_up_id",
                           "(CASE " + alias + ".visibility WHEN 'public' THEN 'cluster' ELSE " +
                               alias + ".visibility END)");
}

bool canSeePipeline(const Principal& viewer, const Product& product) {
  return canSee(viewer, product.startUpId,
                product.visibility == "public" ? "cluster" : product.visibility);
}

void insertDefaultStages(Connection& c, const Clock& clock, std::int64_t productId) {
  std::string now = clock.nowIso();
  std::int64_t position = 1;
  for (const auto& d : defaultStages()) {
    Statement st(c,
                 "INSERT INTO product_stages(product_id, key, name, description, position,"
                 " created_at, updated_at) VALUES (?,?,?,?,?,?,?)");
    st.bind(1, productId)
        .bind(2, d.key)
        .bind(3, d.name)
        .bind(4, d.description)
        .bind(5, position++)
        .bind(6, now)
        .bind(7, now)
        .run();
  }
}

std::vector<Stage> listStages(Connection& c, std::int64_t productId) {
  return queryStages(c, "s.product_id = ?", productId, nullptr);
}

std::optional<Stage> findStage(Connection& c, std::int64_t productId, const std::string& key) {
  auto found = queryStages(c, "s.product_id = ? AND s.key = ?", productId, &key);
  if (found.empty()) return std::nullopt;
  return found.front();
}

Stage updateStage(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
                  const std::string& key, const StageInput& input) {
  validateInput(input);
  requireWritableProduct(c, actor, productId);
  Stage current = requireStage(c, productId, key);
  std::string now = clock.nowIso();
  Stage next = applyInput(current, input, dateOf(now));
  auto before = snapshotRow(c, "product_stages", current.id);
  writeStage(c, next, now);
  appendAudit(c, clock, actor,
              {"update", "product_stage", stageRecordId(productId, key), before,
               snapshotRow(c, "product_stages", current.id), std::nullopt});
  return *findStage(c, productId, key);
}

Stage addStage(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
               const NewStage& stage) {
  if (trimmed(stage.name).empty() || stage.name.size() > 200) {
    throw fieldError("a stage needs a name of 1 to 200 characters", "name");
  }
  std::string key = stage.key ? *stage.key : keyFromName(stage.name);
  if (!isValidStageKey(key)) {
    throw fieldError(
        "a stage key is 1 to 40 characters: a lower-case letter, then lower-case "
        "letters, digits or '_' (got '" +
            key + "')",
        "key");
  }
  validateInput(stage.fields);
  requireWritableProduct(c, actor, productId);
  if (findStage(c, productId, key)) {
    throw Error(ErrorCode::AlreadyExists,
                "stage '" + key + "' already exists in " + productCode(productId),
                {{"field", "key"}});
  }
  auto stages = listStages(c, productId);
  auto count = static_cast<std::int64_t>(stages.size());
  std::int64_t position = stage.position.value_or(count + 1);
  if (position < 1 || position > count + 1) {
    throw fieldError("position must be between 1 and " + std::to_string(count + 1), "position");
  }
  std::string now = clock.nowIso();
  Stage draft;
  draft.key = key;
  draft.name = trimmed(stage.name);
  draft.status = "not_started";
  draft = applyInput(draft, stage.fields, dateOf(now));
  Statement st(c,
               "INSERT INTO product_stages(product_id, key, name, description, position, status,"
               " owner, planned_start, planned_end, actual_start, actual_end, notes, created_at,"
               " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, productId)
      .bind(2, key)
      .bind(3, draft.name)
      .bind(4, draft.description)
      .bind(5, count + 1)
      .bind(6, draft.status)
      .bind(7, draft.owner)
      .bind(8, draft.plannedStart)
      .bind(9, draft.plannedEnd)
      .bind(10, draft.actualStart)
      .bind(11, draft.actualEnd)
      .bind(12, draft.notes)
      .bind(13, now)
      .bind(14, now)
      .run();
  std::int64_t id = c.lastInsertId();
  std::vector<std::int64_t> order;
  for (const auto& s : stages) order.push_back(s.id);
  order.insert(order.begin() + (position - 1), id);
  renumber(c, productId, order);
  appendAudit(c, clock, actor,
              {"create", "product_stage", stageRecordId(productId, key), std::nullopt,
               snapshotRow(c, "product_stages", id), std::nullopt});
  return *findStage(c, productId, key);
}

void removeStage(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
                 const std::string& key) {
  requireWritableProduct(c, actor, productId);
  Stage stage = requireStage(c, productId, key);
  auto stages = listStages(c, productId);
  if (stages.size() <= 1) {
    throw failedPrecondition("'" + key + "' is the only stage of " + productCode(productId) +
                                 "; a product keeps at least one stage",
                             {{"field", "key"}});
  }
  std::int64_t allDocuments =
      c.queryInt(
           "SELECT COUNT(*) FROM document_attachments WHERE owner_type = 'stage'"
           " AND owner_id = " +
           std::to_string(stage.id))
          .value_or(0);
  std::string why;
  if (stage.status != "not_started")
    why = "its status is " + stage.status;
  else if (stage.actualStart || stage.actualEnd)
    why = "it has actual dates";
  else if (stage.decisionCount > 0)
    why = "it has gate decisions";
  else if (allDocuments > 0)
    why = "it has evidence documents";
  if (!why.empty()) {
    throw failedPrecondition("stage '" + key + "' has history (" + why +
                                 ") and cannot be removed; rename it or leave it",
                             {{"field", "key"}, {"rule", "stage_history"}});
  }
  auto before = snapshotRow(c, "product_stages", stage.id);
  Statement st(c, "DELETE FROM product_stages WHERE id = ?");
  st.bind(1, stage.id).run();
  std::vector<std::int64_t> order;
  for (const auto& s : stages) {
    if (s.id != stage.id) order.push_back(s.id);
  }
  renumber(c, productId, order);
  appendAudit(c, clock, actor,
              {"delete", "product_stage", stageRecordId(productId, key), before, std::nullopt,
               std::nullopt});
}

std::vector<Stage> reorderStages(Connection& c, const Clock& clock, const Principal& actor,
                                 std::int64_t productId, const std::vector<std::string>& keys) {
  requireWritableProduct(c, actor, productId);
  auto stages = listStages(c, productId);
  std::set<std::string> given(keys.begin(), keys.end());
  std::set<std::string> existing;
  for (const auto& s : stages) existing.insert(s.key);
  if (given.size() != keys.size() || given != existing) {
    throw invalidArgument("keys must name every stage of " + productCode(productId) +
                              " exactly once: " + keyList(c, productId),
                          {{"field", "keys"}});
  }
  auto before = snapshotProduct(c, productId);
  std::vector<std::int64_t> order;
  for (const auto& key : keys) {
    for (const auto& s : stages) {
      if (s.key == key) order.push_back(s.id);
    }
  }
  renumber(c, productId, order);
  appendAudit(c, clock, actor,
              {"reorder_stages", "product", productCode(productId), before,
               snapshotProduct(c, productId), std::nullopt});
  return listStages(c, productId);
}

GateDecision addDecision(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t productId, const std::string& key,
                         const DecisionInput& input) {
  if (!isValidDecision(input.decision)) {
    throw fieldError("decision must be go, hold, stop or rework, got '" + input.decision + "'",
                     "decision");
  }
  if (trimmed(input.rationale).empty() || input.rationale.size() > 5000) {
    throw fieldError("a gate decision needs a rationale (1 to 5000 characters)", "rationale");
  }
  if (input.decidedBy && (trimmed(*input.decidedBy).empty() || input.decidedBy->size() > 200)) {
    throw fieldError("decided_by has 1 to 200 characters", "decided_by");
  }
  std::string now = clock.nowIso();
  std::string today = dateOf(now);
  std::string decidedOn = input.decidedOn.value_or(today);
  if (!isCalendarDate(decidedOn)) {
    throw fieldError("decided_on must be a date written YYYY-MM-DD", "decided_on");
  }
  if (decidedOn > today) {
    throw invalidArgument(
        "decided_on (" + decidedOn + ") lies in the future (today is " + today + ")",
        {{"field", "decided_on"}, {"rule", "actual_not_future"}});
  }
  requireWritableProduct(c, actor, productId);
  Stage stage = requireStage(c, productId, key);
  std::string decidedBy = input.decidedBy ? trimmed(*input.decidedBy)
                                          : (actor.email.empty() ? actor.label() : actor.email);
  Statement st(c,
               "INSERT INTO stage_decisions(stage_id, decision, rationale, decided_by,"
               " decided_on, recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?)");
  st.bind(1, stage.id)
      .bind(2, input.decision)
      .bind(3, input.rationale)
      .bind(4, decidedBy)
      .bind(5, decidedOn)
      .bind(6, now);
  if (actor.userId) {
    st.bind(7, actor.userId);
  } else {
    st.bindNull(7);
  }
  st.run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "gate_decision",
               stageRecordId(productId, key) + "/decisions/" + std::to_string(id), std::nullopt,
               snapshotRow(c, "stage_decisions", id), std::nullopt});
  return *findDecision(c, id);
}

std::string decidedByFor(const Principal& viewer, const Product& product,
                         const GateDecision& decision) {
  if (viewer.isAdmin() || viewer.belongsTo(product.startUpId)) return decision.decidedBy;
  if (decision.decidedBy.find('@') == std::string::npos) return decision.decidedBy;
  return decision.recordedBy ? "user:" + std::to_string(*decision.recordedBy) : "a team member";
}

std::vector<GateDecision> listDecisions(Connection& c, std::int64_t productId,
                                        const std::string& key) {
  std::string sql = std::string("SELECT ") + kDecisionColumns +
                    " FROM stage_decisions d JOIN product_stages s ON s.id = d.stage_id"
                    " WHERE s.product_id = ?" +
                    (key.empty() ? "" : " AND s.key = ?") + " ORDER BY d.id";
  Statement st(c, sql);
  st.bind(1, productId);
  if (!key.empty()) st.bind(2, key);
  std::vector<GateDecision> out;
  while (st.step()) out.push_back(readDecision(st));
  return out;
}

}  // namespace argan::db
