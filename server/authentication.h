// Who is calling: turns request credentials into a db::Principal.
//
// `Authorization: Bearer <token>` — an API token (stored hashed; revocable). No credentials
// means the anonymous principal, which sees only public records. Bad or revoked credentials
// are an error (401), never a silent fall-back to anonymous.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <string>

#include "db/access.h"
#include "server/services.h"

namespace argan::server {

// Throws argan::Error(Unauthenticated) for malformed, unknown or revoked credentials.
db::Principal authenticate(const Poco::Net::HTTPServerRequest& request, Services& services);

// A new API token: "argan_" followed by 64 hex characters (256 random bits).
std::string newApiToken();

// What the database stores for a token.
std::string tokenDigest(const std::string& token);

}  // namespace argan::server
