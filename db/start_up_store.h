// Start-ups: the incubated companies that own lab records.
// All functions take a Connection; writers must be called inside Database::write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct StartUp {
  std::int64_t id = 0;
  std::string name;
  std::string sector;  // green_chemicals | waste_collection | waste_transport |
                       // waste_transformation | valorisation
  std::string status;  // incubating | active | graduated
  std::string description;
  std::string createdAt;
  std::string updatedAt;
  std::int64_t memberCount = 0;  // users with role lead/member
};

struct StartUpInput {
  std::optional<std::string> name;
  std::optional<std::string> sector;
  std::optional<std::string> status;
  std::optional<std::string> description;
};

// The cluster's rule: a team needs at least this many members to be marked active.
constexpr std::int64_t kMinimumActiveTeam = 2;

bool isValidSector(const std::string& sector);
bool isValidStartUpStatus(const std::string& status);

// Creates a start-up (name and sector required; status defaults to incubating).
// Throws InvalidArgument (bad fields), AlreadyExists (name taken), FailedPrecondition
// (status 'active' with fewer than kMinimumActiveTeam members). Audited.
StartUp createStartUp(Connection& c, const Clock& clock, const Principal& actor,
                      const StartUpInput& input);

// Applies the fields that are set. Same errors as create, NotFound if absent. Audited; a
// change that changes nothing writes nothing (no update, no audit entry).
StartUp updateStartUp(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t id, const StartUpInput& input);

std::optional<StartUp> findStartUp(Connection& c, std::int64_t id);
std::vector<StartUp> listStartUps(Connection& c);

}  // namespace argan::db
