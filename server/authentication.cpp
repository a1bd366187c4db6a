#include "server/authentication.h"

#include "common/digest.h"
#include "common/error.h"
#include "common/password.h"
#include "db/user_store.h"

namespace argan::server {

std::string newApiToken() { return "argan_" + randomHex(32); }

std::string tokenDigest(const std::string& token) { return sha256Hex(token); }

db::Principal authenticate(const Poco::Net::HTTPServerRequest& request, Services& services) {
  if (!request.has("Authorization")) return db::Principal::anonymous();
  const std::string& header = request.get("Authorization");
  const std::string prefix = "Bearer ";
  if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) {
    throw unauthenticated("the Authorization header must be \"Bearer <token>\"");
  }
  std::string token = header.substr(prefix.size());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  if (token.size() > 200) throw unauthenticated("invalid or revoked API token");
  auto user = services.db.read([&](db::Connection& c) {
    return db::findUserByTokenHash(c, tokenDigest(token));
  });
  if (!user) throw unauthenticated("invalid or revoked API token");
  return user->principal();
}

}  // namespace argan::server
