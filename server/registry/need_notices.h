// Notifications of the needs board: who is told what, in the inbox and (when SMTP is
// configured) by e-mail, written in the caller's write transaction with the change itself.
//
// Recipients: a start-up means its active leads and members; a partner the user who posted
// the need. What a start-up is told about a need never names a partner that has not
// disclosed its company; what a partner is told about matches only ever concerns public
// records (the watcher computes it with the partner's visibility).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "db/need_store.h"
#include "db/sqlite.h"
#include "server/core/runtime.h"

namespace argan::server {

struct Notice {
  std::string kind;  // new_match | need_invited | new_response | response_status | message |
                     // new_share | need_closed | project_update
  std::optional<std::int64_t> needId;
  std::optional<std::int64_t> responseId;
  std::optional<std::int64_t> projectId;
  Poco::JSON::Object::Ptr params;  // codes and names for the page (need, title, ...)
  std::string textFr;              // one sentence for the e-mail, in French
  std::string textEn;              // and in English
  std::string link;                // the page, from the site's root ("/needs/NEED-000001")
};

// Adds the notice to each user's inbox (and the outbox when SMTP is set).
void notifyUsers(db::Connection& c, const Runtime& runtime, const std::vector<std::int64_t>& users,
                 const Notice& notice);
// To every active member of a start-up.
void notifyStartUp(db::Connection& c, const Runtime& runtime, std::int64_t startUpId,
                   const Notice& notice);

// The params every need notice starts with: need code and title, and the company only for
// recipients who may see it (`forPartner`: the need's own partner).
Poco::JSON::Object::Ptr needParams(const db::Need& need, bool forPartner);

}  // namespace argan::server
