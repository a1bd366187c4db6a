#include "db/start_up_store.h"

#include <algorithm>

#include "common/error.h"
#include "db/audit.h"
#include "db/row_snapshot.h"

namespace argan::db {
namespace {

constexpr const char* kSelect =
    "SELECT s.id, s.name, s.sector, s.status, s.description, s.created_at, s.updated_at,"
    " (SELECT COUNT(*) FROM users u WHERE u.start_up_id = s.id AND u.disabled_at IS NULL"
    "   AND u.role IN ('lead','member'))"
    " FROM start_ups s";

StartUp readStartUp(Statement& st) {
  StartUp s;
  s.id = st.getInt(0);
  s.name = st.getText(1);
  s.sector = st.getText(2);
  s.status = st.getText(3);
  s.description = st.getText(4);
  s.createdAt = st.getText(5);
  s.updatedAt = st.getText(6);
  s.memberCount = st.getInt(7);
  return s;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void validate(const StartUpInput& in) {
  if (in.name) {
    std::string n = trimmed(*in.name);
    if (n.empty()) throw invalidArgument("start-up name must not be empty", {{"field", "name"}});
    if (n.size() > 200) {
      throw invalidArgument("start-up name is longer than 200 characters", {{"field", "name"}});
    }
  }
  if (in.sector && !isValidSector(*in.sector)) {
    throw invalidArgument("unknown sector '" + *in.sector +
                              "'; use green_chemicals, waste_collection, waste_transport, "
                              "waste_transformation or valorisation",
                          {{"field", "sector"}});
  }
  if (in.status && !isValidStartUpStatus(*in.status)) {
    throw invalidArgument("unknown status '" + *in.status +
                              "'; use incubating, active or graduated",
                          {{"field", "status"}});
  }
  if (in.description && in.description->size() > 10000) {
    throw invalidArgument("description is longer than 10000 characters",
                          {{"field", "description"}});
  }
}

void checkActiveRule(const StartUp& s) {
  if (s.status == "active" && s.memberCount < kMinimumActiveTeam) {
    throw failedPrecondition(
        "a start-up can be marked active only with a team of at least " +
            std::to_string(kMinimumActiveTeam) + " members; '" + s.name + "' has " +
            std::to_string(s.memberCount),
        {{"field", "status"}, {"rule", "minimum_team"},
         {"members", s.memberCount}, {"required", kMinimumActiveTeam}});
  }
}

// Names are unique regardless of case (the column is COLLATE NOCASE); says which start-up
// holds the name rather than letting the UNIQUE constraint answer in SQLite's words.
void checkNameFree(Connection& c, const std::string& name, std::int64_t exceptId) {
  Statement st(c, "SELECT id, name FROM start_ups WHERE name = ? AND id <> ?");
  st.bind(1, name).bind(2, exceptId);
  if (st.step()) {
    throw alreadyExists("a start-up named '" + st.getText(1) + "' already exists (id " +
                            std::to_string(st.getInt(0)) + "); names are compared ignoring case",
                        {{"field", "name"}, {"start_up", st.getInt(0)}});
  }
}

}  // namespace

bool isValidSector(const std::string& s) {
  static const char* sectors[] = {"green_chemicals", "waste_collection", "waste_transport",
                                  "waste_transformation", "valorisation"};
  return std::any_of(std::begin(sectors), std::end(sectors),
                     [&](const char* x) { return s == x; });
}

bool isValidStartUpStatus(const std::string& s) {
  return s == "incubating" || s == "active" || s == "graduated";
}

StartUp createStartUp(Connection& c, const Clock& clock, const Principal& actor,
                      const StartUpInput& input) {
  if (!input.name) throw invalidArgument("a start-up needs a name", {{"field", "name"}});
  if (!input.sector) throw invalidArgument("a start-up needs a sector", {{"field", "sector"}});
  validate(input);
  if (input.status && *input.status == "active") {
    throw failedPrecondition("a new start-up has no team yet, so it cannot be active; add at "
                             "least " + std::to_string(kMinimumActiveTeam) +
                                 " members first",
                             {{"field", "status"}, {"rule", "minimum_team"}});
  }
  checkNameFree(c, trimmed(*input.name), 0);
  std::string now = clock.nowIso();
  Statement insert(c,
                   "INSERT INTO start_ups(name, sector, status, description, created_at,"
                   " updated_at) VALUES (?,?,?,?,?,?)");
  insert.bind(1, trimmed(*input.name))
      .bind(2, *input.sector)
      .bind(3, input.status.value_or("incubating"))
      .bind(4, input.description.value_or(""))
      .bind(5, now)
      .bind(6, now)
      .run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "start_up", std::to_string(id), std::nullopt,
               snapshotRow(c, "start_ups", id), std::nullopt});
  return *findStartUp(c, id);
}

StartUp updateStartUp(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t id, const StartUpInput& input) {
  validate(input);
  auto current = findStartUp(c, id);
  if (!current) throw notFound("no start-up with id " + std::to_string(id));
  auto before = snapshotRow(c, "start_ups", id);
  StartUp next = *current;
  if (input.name) {
    next.name = trimmed(*input.name);
    checkNameFree(c, next.name, id);
  }
  if (input.sector) next.sector = *input.sector;
  if (input.status) next.status = *input.status;
  if (input.description) next.description = *input.description;
  // Nothing changes (an empty PATCH, or the values it already has): nothing to write or audit.
  if (next.name == current->name && next.sector == current->sector &&
      next.status == current->status && next.description == current->description) {
    return *current;
  }
  checkActiveRule(next);
  Statement update(c,
                   "UPDATE start_ups SET name=?, sector=?, status=?, description=?,"
                   " updated_at=? WHERE id=?");
  update.bind(1, next.name)
      .bind(2, next.sector)
      .bind(3, next.status)
      .bind(4, next.description)
      .bind(5, clock.nowIso())
      .bind(6, id)
      .run();
  appendAudit(c, clock, actor,
              {"update", "start_up", std::to_string(id), before, snapshotRow(c, "start_ups", id),
               std::nullopt});
  return *findStartUp(c, id);
}

std::optional<StartUp> findStartUp(Connection& c, std::int64_t id) {
  Statement st(c, std::string(kSelect) + " WHERE s.id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readStartUp(st);
}

std::vector<StartUp> listStartUps(Connection& c) {
  Statement st(c, std::string(kSelect) + " ORDER BY s.name");
  std::vector<StartUp> out;
  while (st.step()) out.push_back(readStartUp(st));
  return out;
}

}  // namespace argan::db
