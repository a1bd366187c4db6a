// JSON for users and API tokens: the one place they become JSON. Never includes password
// hashes or token hashes.
#pragma once

#include <Poco/JSON/Object.h>

#include "db/user_store.h"

namespace argan::server {

// {"id", "email", "display_name", "role", "start_up" (id or null), "disabled",
//  "disabled_at", "must_change_password", "created_at"}
// `administrator`: the caller is one (adds "placeholder": true on placeholder members).
Poco::JSON::Object::Ptr userJson(const db::User& user, bool administrator = false);

// {"id", "user", "label", "created_at", "last_used_at", "revoked_at", "active"}
Poco::JSON::Object::Ptr tokenJson(const db::ApiToken& token);

}  // namespace argan::server
