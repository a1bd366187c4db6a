// The route table: every API endpoint with its method, path pattern, access rule and handler.
//
// The access rule is checked before the handler runs (401 for anonymous callers, 403 for
// signed-in callers without the role); object-level rules (which start-up's record) are the
// handler's job and answer 404 for records the caller may not see. The table is also what
// the authorization-matrix test walks, so a route cannot exist without a rule.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace argan::server {

class RequestContext;

enum class Access {
  Public,         // anyone, including anonymous visitors (results filtered by visibility)
  Authenticated,  // any signed-in user (admin, lead, member, partner)
  StartUpMember,  // leads, members and administrators
  Admin,          // cluster administrators only
};
const char* accessName(Access access);

// How a route treats browser sessions, beyond its access rule (server/authentication.h).
enum class SessionRule {
  Normal,          // state-changing requests authenticated by the session cookie need the
                   // X-CSRF-Token header; refused (403) while the caller must change password
  PasswordChange,  // as Normal, but allowed while a password change is pending
  SignIn,          // credentials are in the body: the session cookie is ignored (no CSRF)
};

using Handler = std::function<void(RequestContext&)>;

struct Endpoint {
  std::string method;   // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string pattern;  // "/api/compounds/{id}/batches"
  Access access = Access::Authenticated;
  Handler handler;
  std::string summary;  // one line for docs/api.md and the route listing
  SessionRule session = SessionRule::Normal;
};

using PathParams = std::map<std::string, std::string>;

class Router {
 public:
  void add(Endpoint route);

  // The route for method+path, filling `params`; nullptr if none. `pathExists` is set when
  // the path matches a route for another method (405 rather than 404).
  const Endpoint* match(const std::string& method, const std::string& path, PathParams& params,
                     bool& pathExists) const;

  const std::vector<Endpoint>& endpoints() const { return endpoints_; }

 private:
  std::vector<Endpoint> endpoints_;
};

}  // namespace argan::server
