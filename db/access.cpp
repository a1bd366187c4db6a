#include "db/access.h"

namespace argan::db {

const char* roleName(Role role) {
  switch (role) {
    case Role::Admin: return "admin";
    case Role::Lead: return "lead";
    case Role::Member: return "member";
    case Role::Partner: return "partner";
    case Role::Anonymous: return "anonymous";
  }
  return "anonymous";
}

std::optional<Role> parseRole(const std::string& name) {
  if (name == "admin") return Role::Admin;
  if (name == "lead") return Role::Lead;
  if (name == "member") return Role::Member;
  if (name == "partner") return Role::Partner;
  return std::nullopt;
}

std::string Principal::label() const {
  if (role == Role::Anonymous) return "anonymous";
  if (userId == 0) return "system" + (email.empty() ? "" : " (" + email + ")");
  return "user:" + std::to_string(userId) + (email.empty() ? "" : " (" + email + ")");
}

const char* visibilityName(Visibility v) {
  switch (v) {
    case Visibility::StartUp: return "start-up";
    case Visibility::Cluster: return "cluster";
    case Visibility::Public: return "public";
  }
  return "start-up";
}

std::optional<Visibility> parseVisibility(const std::string& name) {
  if (name == "start-up") return Visibility::StartUp;
  if (name == "cluster") return Visibility::Cluster;
  if (name == "public") return Visibility::Public;
  return std::nullopt;
}

std::string visibleSql(const Principal& who, const std::string& alias) {
  return visibleSqlColumns(who, alias + ".start_up_id", alias + ".visibility");
}

std::string ReadScope::sql(const std::string& startUpColumn,
                           const std::string& visibilityColumn) const {
  if (everything) return "1";
  std::string admitted = "'public'";
  if (cluster) admitted += ",'cluster'";
  std::string out = "(" + visibilityColumn + " IN (" + admitted + ")";
  if (ownStartUp >= 0) out += " OR " + startUpColumn + " = " + std::to_string(ownStartUp);
  return out + ")";
}

std::string ReadScope::sqlForOwner(std::int64_t owner, const std::string& visibilityColumn) const {
  if (everything || owner == ownStartUp) return "1";
  return visibilityColumn + (cluster ? " IN ('public','cluster')" : " = 'public'");
}

std::string visibleSqlColumns(const Principal& who, const std::string& startUpColumn,
                              const std::string& visibilityColumn) {
  return readScope(who).sql(startUpColumn, visibilityColumn);
}

bool canSee(const Principal& who, std::int64_t ownerStartUp, const std::string& visibility) {
  return readScope(who).admits(ownerStartUp,
                               parseVisibility(visibility).value_or(Visibility::StartUp));
}

bool canWriteFor(const Principal& who, std::int64_t startUp) {
  return who.isAdmin() || who.belongsTo(startUp);
}

bool canChangeVisibility(const Principal& who, std::int64_t startUp, Visibility from,
                         Visibility to) {
  if (who.isAdmin()) return true;
  if (!who.belongsTo(startUp)) return false;
  if (who.role == Role::Lead) return true;
  return from != Visibility::Public && to != Visibility::Public;
}

}  // namespace argan::db
