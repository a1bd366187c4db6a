// Who is asking, and which records they may see: the one place the visibility rule lives
// (ReadScope; SQL, C++ checks and the search index's scans all derive from it).
//
// Visibility of a record owned by start-up S:
//   'start-up' — members and leads of S, and administrators
//   'cluster'  — every start-up member/lead, and administrators
//   'public'   — everyone, including partners and anonymous visitors
// Every list, search and export filters with visibleSql() inside its query, so a page of
// results is never shortened after the fact, and a record that is not visible answers
// NotFound exactly like one that does not exist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace argan::db {

enum class Role { Anonymous, Admin, Lead, Member, Partner };

const char* roleName(Role role);                  // "anonymous", "admin", "lead", ...
std::optional<Role> parseRole(const std::string& name);  // nullopt if unknown

struct Principal {
  std::int64_t userId = 0;  // 0 for anonymous
  Role role = Role::Anonymous;
  std::optional<std::int64_t> startUpId;  // for leads and members
  std::string email;                      // for audit labels

  static Principal anonymous() { return Principal{}; }
  bool isAdmin() const { return role == Role::Admin; }
  bool isStartUpMember() const { return role == Role::Lead || role == Role::Member; }
  bool belongsTo(std::int64_t startUp) const { return isStartUpMember() && startUpId == startUp; }
  // "user:12 (a@b.c)", "anonymous", or "system (cli)" for command-line actions
  std::string label() const;
  // The actor for command-line and start-up actions: administrator rights, no user.
  static Principal system(const std::string& what) {
    Principal p;
    p.role = Role::Admin;
    p.email = what;
    return p;
  }
};

enum class Visibility { StartUp, Cluster, Public };
const char* visibilityName(Visibility v);                     // "start-up", "cluster", "public"
std::optional<Visibility> parseVisibility(const std::string& name);

// The visibility rule, as data: which records `who` may read. Every form of the rule is
// derived from it — the SQL predicates below, canSee() for loaded records, and the search
// index's scans (server/search/search_engine.cpp) — so there is one rule to read and change.
struct ReadScope {
  bool everything = false;       // administrators: every record
  bool cluster = false;          // 'cluster' records of every start-up (members and leads)
  std::int64_t ownStartUp = -1;  // every record of this start-up (-1: none)
  // 'public' records: everyone.

  bool admits(std::int64_t owner, Visibility visibility) const {
    return everything || visibility == Visibility::Public ||
           (cluster && visibility == Visibility::Cluster) || owner == ownStartUp;
  }
  // SQL boolean expression over the two columns, true exactly for the rows admits() admits.
  // Contains only literals derived from integers.
  std::string sql(const std::string& startUpColumn, const std::string& visibilityColumn) const;
  // The same rule for the rows of one owner (a query already restricted to start_up_id =
  // owner): "1" when every row of it is admitted, else a test on the visibility column alone,
  // which an index on (start_up_id, visibility) answers without visiting the hidden rows.
  std::string sqlForOwner(std::int64_t owner, const std::string& visibilityColumn) const;
};

inline ReadScope readScope(const Principal& who) {
  ReadScope scope;
  switch (who.role) {
    case Role::Admin:
      scope.everything = true;
      break;
    case Role::Lead:
    case Role::Member:
      scope.cluster = true;
      scope.ownStartUp = who.startUpId.value_or(-1);
      break;
    case Role::Partner:
    case Role::Anonymous:
      break;
  }
  return scope;
}

// SQL boolean expression over `<alias>.start_up_id` and `<alias>.visibility` that is true
// exactly for the rows `who` may read (readScope(who).sql).
std::string visibleSql(const Principal& who, const std::string& alias);
// The same, naming the owner and visibility columns explicitly.
std::string visibleSqlColumns(const Principal& who, const std::string& startUpColumn,
                              const std::string& visibilityColumn);

// The same rule for records already loaded (readScope(who).admits). An unknown visibility
// text is treated as 'start-up', the narrowest.
bool canSee(const Principal& who, std::int64_t ownerStartUp, const std::string& visibility);

// May `who` create or change lab records (compounds, batches, routes...) of start-up S?
bool canWriteFor(const Principal& who, std::int64_t startUp);

// Who may publish: may `who` change the visibility of a record of start-up S from `from` to
// `to`? Administrators and leads of S: any change. Members of S: between start-up and
// cluster only (sharing with the cluster and taking it back); never to or from public.
bool canChangeVisibility(const Principal& who, std::int64_t startUp, Visibility from,
                         Visibility to);

}  // namespace argan::db
