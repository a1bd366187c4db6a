// JSON for users and API tokens: the one place they become JSON. Never includes password
// hashes or token hashes.
#pragma once

#include <Poco/JSON/Object.h>

#include "db/user_store.h"

namespace argan::server {

// {"id", "email", "display_name", "role", "start_up" (id or null), "disabled",
//  "disabled_at", "must_change_password", "created_at"}
Poco::JSON::Object::Ptr userJson(const db::User& user);

// {"id", "user", "label", "created_at", "last_used_at", "revoked_at", "active"}
Poco::JSON::Object::Ptr tokenJson(const db::ApiToken& token);

}  // namespace argan::server
