// JSON for the needs board: the one place needs, matches, responses, grants, projects,
// notifications and the cluster's needs overview become JSON — and where each is cut to
// what its viewer may read:
//   * the partner's company is null (with "anonymous": true) for start-ups and other
//     partners until the partner discloses it; the partner's account only for the owner and
//     administrators; the named start-ups of a need only for the owner and administrators;
//   * a project reaches the partner at the level its start-up chose (no links, ever);
//   * revoked grants are listed to the start-up (and administrators), never to the partner.
// Request bodies are read here too (NeedDraft, shares, project inputs).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/need_overview.h"
#include "db/need_project_store.h"
#include "db/need_response_store.h"
#include "db/need_store.h"
#include "db/notification_store.h"
#include "db/sqlite.h"
#include "server/json/json_fields.h"
#include "server/registry/need_matching.h"
#include "server/registry/needs.h"

namespace argan::server {

// What the detail view adds to a need, computed by the handler for its viewer.
struct NeedView {
  std::optional<std::int64_t> matchCount;  // the viewer's scope
  std::optional<std::string> matchScope;
  std::vector<db::NeedResponse> responses;  // those the viewer may see
  std::vector<db::NeedProject> projects;    // those the viewer may see
  bool detail = false;                      // add responses and projects
};

// `today` (YYYY-MM-DD) marks a passed deadline.
Poco::JSON::Object::Ptr needJson(db::Connection& c, const db::Principal& viewer,
                                 const db::Need& need, const std::string& today,
                                 const NeedView& view = {});

Poco::JSON::Object::Ptr matchesJson(db::Connection& c, const db::Need& need,
                                    const NeedMatches& matches);

Poco::JSON::Object::Ptr responseJson(const db::Principal& viewer, const db::Need& need,
                                     const db::NeedResponse& response, bool withThread);
Poco::JSON::Object::Ptr shareJson(const db::ResponseShare& share, bool withRevocation);

// The partner's view (disclosure applied) or the full one (start-up, administrators).
Poco::JSON::Object::Ptr projectJson(const db::Principal& viewer, const db::NeedProject& project);

Poco::JSON::Object::Ptr notificationJson(const db::Notification& n);

Poco::JSON::Object::Ptr needOverviewJson(const db::NeedOverview& overview);

// The vocabularies for forms: sectors, functions, regulatory constraints, property keys with
// their default units, project stages, response statuses, outcomes.
Poco::JSON::Object::Ptr needVocabularyJson();

// ---- request bodies ----

// POST /api/needs and PATCH /api/needs/{id} (without status). `creating` requires title and
// statement. Start-up ids come as numbers in "start_ups"; "partner" (administrators) as a user
// id or an e-mail, looked up with `c`.
NeedDraft readNeedDraft(db::Connection& c, const JsonFields& body, bool creating);

// {type, id, note?} where id is the record's code (CMP-000012, CMP-000012-F1-B001, route
// number, PRD-000003, DOC-000004) or its number. NotFound (naming the field) for an unknown
// code; the caller's stores check ownership.
ShareDraft readShareDraft(db::Connection& c, const JsonFields& item);
LinkDraft readLinkDraft(db::Connection& c, const JsonFields& item);

db::ProjectInput readProjectInput(const JsonFields& body);

}  // namespace argan::server
