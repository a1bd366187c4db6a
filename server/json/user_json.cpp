#include "server/json/user_json.h"

#include "server/json/json_output.h"

namespace argan::server {

Poco::JSON::Object::Ptr userJson(const db::User& u, bool administrator) {
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("id", u.id);
  o->set("email", u.shownEmail());
  o->set("display_name", u.displayName);
  o->set("role", db::roleName(u.role));
  setOptional(o, "start_up", u.startUpId);
  o->set("disabled", u.disabled());
  setOptional(o, "disabled_at", u.disabledAt);
  o->set("must_change_password", u.mustChangePassword);
  o->set("created_at", u.createdAt);
  // Only administrators learn that a member is a placeholder for an account elsewhere.
  if (administrator && u.claimedEmail) o->set("placeholder", true);
  return o;
}

Poco::JSON::Object::Ptr tokenJson(const db::ApiToken& t) {
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("id", t.id);
  o->set("user", t.userId);
  o->set("label", t.label);
  o->set("created_at", t.createdAt);
  setOptional(o, "last_used_at", t.lastUsedAt);
  setOptional(o, "revoked_at", t.revokedAt);
  o->set("active", !t.revokedAt.has_value());
  return o;
}

}  // namespace argan::server
