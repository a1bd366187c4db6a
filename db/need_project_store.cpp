#include "db/need_project_store.h"

#include <algorithm>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/need_response_store.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

const char* const kStages[] = {"framing", "lab", "pilot", "industrial_trial", "delivered"};

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

constexpr const char* kColumns =
    "p.id, p.need_id, n.title, n.partner_id, p.start_up_id, s.name, p.title, p.summary, p.stage,"
    " p.trl, p.disclosure, p.show_start_up, p.status, p.created_at, p.updated_at";
constexpr const char* kFrom =
    " FROM need_projects p JOIN needs n ON n.id = p.need_id JOIN start_ups s ON s.id = p.start_up_id";

NeedProject readProject(Statement& st) {
  NeedProject p;
  int i = 0;
  p.id = st.getInt(i++);
  p.needId = st.getInt(i++);
  p.needTitle = st.getText(i++);
  p.partnerId = st.getInt(i++);
  p.startUpId = st.getInt(i++);
  p.startUpName = st.getText(i++);
  p.title = st.getText(i++);
  p.summary = st.getText(i++);
  p.stage = st.getText(i++);
  p.trl = st.getInt(i++);
  p.disclosure = st.getText(i++);
  p.showStartUp = st.getInt(i++) != 0;
  p.status = st.getText(i++);
  p.createdAt = st.getText(i++);
  p.updatedAt = st.getText(i++);
  return p;
}

void checkInput(const ProjectInput& in, bool creating) {
  if (creating && !in.title) throw invalidArgument("a project has a title", {{"field", "title"}});
  if (in.title && (trimmed(*in.title).empty() || in.title->size() > 200)) {
    throw invalidArgument("title must have 1 to 200 characters", {{"field", "title"}});
  }
  if (in.summary && in.summary->size() > 20000) {
    throw invalidArgument("summary has at most 20000 characters", {{"field", "summary"}});
  }
  if (in.stage && !isProjectStage(*in.stage)) {
    throw invalidArgument("stage must be framing, lab, pilot, industrial_trial or delivered",
                          {{"field", "stage"}});
  }
  if (in.trl && (*in.trl < 1 || *in.trl > 9)) {
    throw invalidArgument("trl is a technology readiness level from 1 to 9", {{"field", "trl"}});
  }
  if (in.disclosure && *in.disclosure != "hidden" && *in.disclosure != "exists" &&
      *in.disclosure != "stage" && *in.disclosure != "stage_trl") {
    throw invalidArgument("disclosure must be hidden, exists, stage or stage_trl",
                          {{"field", "disclosure"}});
  }
  if (in.status && *in.status != "active" && *in.status != "paused" && *in.status != "stopped" &&
      *in.status != "completed") {
    throw invalidArgument("status must be active, paused, stopped or completed",
                          {{"field", "status"}});
  }
}

void requireStartUpSide(const Principal& actor, const NeedProject& p) {
  if (!p.fullViewFor(actor)) {
    throw permissionDenied("only the start-up that runs " + p.code() +
                           " (or an administrator) may change it");
  }
}

void auditProject(Connection& c, const Clock& clock, const Principal& actor,
                  const std::string& action, std::int64_t id, std::optional<std::string> before,
                  std::optional<std::string> after) {
  appendAudit(c, clock, actor,
              {action, "need_project", projectCode(id), std::move(before), std::move(after),
               std::nullopt});
}

}  // namespace

bool isProjectStage(const std::string& stage) {
  return std::any_of(std::begin(kStages), std::end(kStages),
                     [&](const char* s) { return stage == s; });
}

std::string projectSql(const Principal& viewer, const std::string& p, const std::string& n) {
  switch (viewer.role) {
    case Role::Admin:
      return "1";
    case Role::Partner:
      return "(" + n + ".partner_id = " + std::to_string(viewer.userId) + " AND " + p +
             ".disclosure <> 'hidden')";
    case Role::Lead:
    case Role::Member:
      return "(" + p + ".start_up_id = " + std::to_string(viewer.startUpId.value_or(-1)) + ")";
    case Role::Anonymous:
      return "0";
  }
  return "0";
}

NeedProject createProject(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t needId, std::int64_t startUpId, const ProjectInput& in) {
  if (!actor.isAdmin() && !actor.belongsTo(startUpId)) {
    throw permissionDenied(actor.isStartUpMember()
                               ? "a start-up opens projects in its own name"
                               : "research projects are opened by start-ups");
  }
  Need need = requireNeed(c, actor, needId);
  if (!startUpSeesNeed(need, startUpId)) throw notFound("no need " + need.code());
  if (need.status != "open") {
    throw failedPrecondition(need.code() + " is closed", {{"field", "status"}});
  }
  checkInput(in, true);
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO need_projects(need_id, start_up_id, title, summary, stage, trl,"
               " disclosure, show_start_up, status, created_at, created_by, updated_at, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  // Numbered by creation time, not 1, 2, 3 (db/identifiers.h, allocateRecordId).
  const std::int64_t id = allocateRecordId(c, clock, "need_projects");
  st.bind(1, needId)
      .bind(2, startUpId)
      .bind(3, trimmed(*in.title))
      .bind(4, in.summary.value_or(""))
      .bind(5, in.stage.value_or("framing"))
      .bind(6, in.trl.value_or(1))
      .bind(7, in.disclosure.value_or("hidden"))
      .bind(8, in.showStartUp.value_or(false) ? 1 : 0)
      .bind(9, in.status.value_or("active"))
      .bind(10, now);
  if (actor.userId) st.bind(11, actor.userId); else st.bindNull(11);
  st.bind(12, now).bind(13, id).run();
  auditProject(c, clock, actor, "create", id, std::nullopt, snapshotRow(c, "need_projects", id));
  return requireProject(c, actor, id);
}

NeedProject updateProject(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t id, const ProjectInput& in) {
  NeedProject p = requireProject(c, actor, id);
  requireStartUpSide(actor, p);
  checkInput(in, false);
  auto before = snapshotRow(c, "need_projects", id);
  std::string sql = "UPDATE need_projects SET updated_at = ?";
  if (in.title) sql += ", title = ?";
  if (in.summary) sql += ", summary = ?";
  if (in.stage) sql += ", stage = ?";
  if (in.trl) sql += ", trl = ?";
  if (in.disclosure) sql += ", disclosure = ?";
  if (in.showStartUp) sql += ", show_start_up = ?";
  if (in.status) sql += ", status = ?";
  Statement st(c, sql + " WHERE id = ?");
  int i = 1;
  st.bind(i++, clock.nowIso());
  if (in.title) st.bind(i++, trimmed(*in.title));
  if (in.summary) st.bind(i++, *in.summary);
  if (in.stage) st.bind(i++, *in.stage);
  if (in.trl) st.bind(i++, *in.trl);
  if (in.disclosure) st.bind(i++, *in.disclosure);
  if (in.showStartUp) st.bind(i++, *in.showStartUp ? 1 : 0);
  if (in.status) st.bind(i++, *in.status);
  st.bind(i++, id).run();
  auditProject(c, clock, actor, "update", id, before, snapshotRow(c, "need_projects", id));
  return requireProject(c, actor, id);
}

std::optional<NeedProject> findProject(Connection& c, const Principal& viewer, std::int64_t id) {
  std::optional<NeedProject> p;
  {
    Statement st(c, std::string("SELECT ") + kColumns + kFrom + " WHERE p.id = ? AND " +
                        projectSql(viewer, "p", "n"));
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    p = readProject(st);
  }
  Statement st(c,
               "SELECT id, record_type, record_id, linked_at, removed_at FROM need_project_links"
               " WHERE project_id = ? AND removed_at IS NULL ORDER BY id");
  st.bind(1, id);
  while (st.step()) {
    ProjectLink l;
    l.id = st.getInt(0);
    l.recordType = st.getText(1);
    l.recordId = st.getInt(2);
    l.linkedAt = st.getText(3);
    l.removedAt = st.getOptionalText(4);
    p->links.push_back(l);
  }
  for (auto& l : p->links) {
    try {
      auto rec = requireOwnRecord(c, p->startUpId, l.recordType, l.recordId, "id");
      l.recordCode = rec.code;
      l.recordLabel = rec.label;
    } catch (const Error&) {
      // A linked record retired since: listed with its kind and number, no label.
      l.recordCode = std::to_string(l.recordId);
    }
  }
  return p;
}

NeedProject requireProject(Connection& c, const Principal& viewer, std::int64_t id) {
  auto p = findProject(c, viewer, id);
  if (!p) throw notFound("no project " + projectCode(id));
  return *p;
}

std::vector<NeedProject> listProjects(Connection& c, const Principal& viewer,
                                      const ProjectFilter& filter) {
  std::string sql = std::string("SELECT ") + kColumns + kFrom + " WHERE " +
                    projectSql(viewer, "p", "n");
  if (filter.needId) sql += " AND p.need_id = ?";
  sql += " ORDER BY p.created_at DESC, p.id DESC";
  Statement st(c, sql);
  if (filter.needId) st.bind(1, *filter.needId);
  std::vector<NeedProject> out;
  while (st.step()) out.push_back(readProject(st));
  return out;
}

ProjectLink linkProjectRecord(Connection& c, const Clock& clock, const Principal& actor,
                              std::int64_t projectId, const std::string& kind,
                              std::int64_t recordId) {
  NeedProject p = requireProject(c, actor, projectId);
  requireStartUpSide(actor, p);
  if (!isLinkableKind(kind)) {
    throw invalidArgument("type must be one of: " + std::string(linkableKindList()),
                          {{"field", "type"}});
  }
  OwnRecord rec = requireOwnRecord(c, p.startUpId, kind, recordId, "id");
  {
    Statement st(c,
                 "SELECT id FROM need_project_links WHERE project_id = ? AND record_type = ? AND"
                 " record_id = ? AND removed_at IS NULL");
    st.bind(1, projectId).bind(2, kind).bind(3, recordId);
    if (st.step()) {
      throw alreadyExists(rec.code + " is already linked to " + p.code(), {{"field", "id"}});
    }
  }
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO need_project_links(project_id, record_type, record_id, linked_at,"
               " linked_by, id) VALUES (?,?,?,?,?,?)");
  const std::int64_t linkId = allocateRecordId(c, clock, "need_project_links");
  st.bind(1, projectId).bind(2, kind).bind(3, recordId).bind(4, now);
  if (actor.userId) st.bind(5, actor.userId); else st.bindNull(5);
  st.bind(6, linkId);
  st.run();
  Statement touch(c, "UPDATE need_projects SET updated_at = ? WHERE id = ?");
  touch.bind(1, now).bind(2, projectId).run();
  auditProject(c, clock, actor, "link", projectId, std::nullopt,
               snapshotRow(c, "need_project_links", linkId));
  ProjectLink l;
  l.id = linkId;
  l.recordType = kind;
  l.recordId = recordId;
  l.recordCode = rec.code;
  l.recordLabel = rec.label;
  l.linkedAt = now;
  return l;
}

void unlinkProjectRecord(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t projectId, std::int64_t linkId) {
  NeedProject p = requireProject(c, actor, projectId);
  requireStartUpSide(actor, p);
  auto it = std::find_if(p.links.begin(), p.links.end(),
                         [&](const ProjectLink& l) { return l.id == linkId; });
  if (it == p.links.end()) {
    throw notFound("no link " + std::to_string(linkId) + " in " + p.code());
  }
  auto before = snapshotRow(c, "need_project_links", linkId);
  std::string now = clock.nowIso();
  Statement st(c, "UPDATE need_project_links SET removed_at = ?, removed_by = ? WHERE id = ?");
  st.bind(1, now);
  if (actor.userId) st.bind(2, actor.userId); else st.bindNull(2);
  st.bind(3, linkId).run();
  Statement touch(c, "UPDATE need_projects SET updated_at = ? WHERE id = ?");
  touch.bind(1, now).bind(2, projectId).run();
  auditProject(c, clock, actor, "unlink", projectId, before,
               snapshotRow(c, "need_project_links", linkId));
}

}  // namespace argan::db
