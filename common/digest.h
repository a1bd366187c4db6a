// Cryptographic digests used for identity hashes, audit chains and token storage.
// Pure functions; safe from any thread.
#pragma once

#include <string>

namespace argan {

// Lower-case hex SHA-256 of the bytes of `data`.
std::string sha256Hex(const std::string& data);

// Lower-case hex SHA-1 (used only where a published scheme asks for it).
std::string sha1Hex(const std::string& data);

// Lower-case hex HMAC-SHA256 of `data` under `key` (RFC 2104; OpenSSL).
std::string hmacSha256Hex(const std::string& key, const std::string& data);

// Constant-time equality of two strings of the same length (false when lengths differ).
bool constantTimeEquals(const std::string& a, const std::string& b);

// Hex encoding of arbitrary bytes, and its inverse (throws InvalidArgument on bad hex).
std::string toHex(const std::string& bytes);
std::string fromHex(const std::string& hex);

}  // namespace argan
