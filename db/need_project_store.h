// Research projects against needs (PRJ-000001): a start-up's work because of a need, with
// the records it links (routes, compounds, batches, products), a stage and a TRL.
//
// Who sees a project (projectSql): the members of its start-up and administrators, fully;
// the partner who posted the need, at the level the start-up chose (`disclosure`): 'hidden'
// (nothing — the project does not exist for the partner), 'exists', 'stage', 'stage_trl';
// the start-up's name only with `showStartUp`. Links are never shown to the partner (records
// reach the partner only through a response's grants). Anybody else: NotFound.
//
// Writers run in the caller's transaction and audit (record type "need_project").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/need_store.h"
#include "db/sqlite.h"

namespace argan::db {

bool isProjectStage(const std::string& stage);  // framing, lab, pilot, industrial_trial, delivered

struct ProjectLink {
  std::int64_t id = 0;
  std::string recordType;
  std::int64_t recordId = 0;
  std::string recordCode;
  std::string recordLabel;
  std::string linkedAt;
  std::optional<std::string> removedAt;
};

struct NeedProject {
  std::int64_t id = 0;
  std::int64_t needId = 0;
  std::string needTitle;
  std::int64_t partnerId = 0;
  std::int64_t startUpId = 0;
  std::string startUpName;
  std::string title;
  std::string summary;
  std::string stage;
  std::int64_t trl = 1;
  std::string disclosure;  // hidden | exists | stage | stage_trl
  bool showStartUp = false;
  std::string status;      // active | paused | stopped | completed
  std::string createdAt;
  std::string updatedAt;
  std::vector<ProjectLink> links;  // live links, filled by findProject

  std::string code() const { return projectCode(id); }
  // Does `viewer` see the whole project (the start-up, administrators) or only what the
  // start-up disclosed to the need's partner?
  bool fullViewFor(const Principal& viewer) const {
    return viewer.isAdmin() || viewer.belongsTo(startUpId);
  }
};

struct ProjectInput {
  std::optional<std::string> title;
  std::optional<std::string> summary;
  std::optional<std::string> stage;
  std::optional<std::int64_t> trl;
  std::optional<std::string> disclosure;
  std::optional<bool> showStartUp;
  std::optional<std::string> status;
};

std::string projectSql(const Principal& viewer, const std::string& p, const std::string& n);

// Opens a project of `startUpId` against a need it may see. PermissionDenied (not its
// member / admin), NotFound (need), FailedPrecondition (closed need), InvalidArgument.
NeedProject createProject(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t needId, std::int64_t startUpId, const ProjectInput& input);
NeedProject updateProject(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t id, const ProjectInput& input);
std::optional<NeedProject> findProject(Connection& c, const Principal& viewer, std::int64_t id);
NeedProject requireProject(Connection& c, const Principal& viewer, std::int64_t id);

struct ProjectFilter {
  std::optional<std::int64_t> needId;
};
// Projects `viewer` may see (newest first, without links).
std::vector<NeedProject> listProjects(Connection& c, const Principal& viewer,
                                      const ProjectFilter& filter);

// Links one of the start-up's live records. NotFound (project, record), PermissionDenied,
// AlreadyExists (linked already), InvalidArgument (kind).
ProjectLink linkProjectRecord(Connection& c, const Clock& clock, const Principal& actor,
                              std::int64_t projectId, const std::string& kind,
                              std::int64_t recordId);
// Removes a link (kept with its removal date). NotFound, PermissionDenied.
void unlinkProjectRecord(Connection& c, const Clock& clock, const Principal& actor,
                         std::int64_t projectId, std::int64_t linkId);

}  // namespace argan::db
