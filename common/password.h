// Password hashing (PBKDF2-HMAC-SHA256) and random secrets, on OpenSSL.
//
// Stored form: "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>", 16-byte random salt,
// 32-byte hash. The default iteration count follows OWASP's Password Storage Cheat Sheet
// (600 000 for PBKDF2-HMAC-SHA256); the count is stored with each hash, so it can be raised
// later without invalidating old ones. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace argan {

constexpr int kDefaultPasswordIterations = 600000;

// Hashes `password` with a fresh random salt. Throws Internal if the system RNG fails.
std::string hashPassword(const std::string& password, int iterations = kDefaultPasswordIterations);

// Constant-time comparison of `password` against a stored hash; false for malformed hashes.
bool verifyPassword(const std::string& password, const std::string& stored);

// The iteration count recorded in a stored hash (0 if malformed).
int passwordHashIterations(const std::string& stored);

// The password policy for new passwords: at least 10 and at most 1024 bytes, not only
// whitespace. Throws InvalidArgument with details {"field": field}.
constexpr std::size_t kMinPasswordLength = 10;
constexpr std::size_t kMaxPasswordLength = 1024;
void checkPasswordPolicy(const std::string& password, const std::string& field);

// A stored-hash string in the format above that no password matches, costing the same
// work to check as a real hash at `iterations` (sign-in with an unknown e-mail verifies
// against it, so the answer takes as long as for a real account).
std::string unmatchableHash(int iterations);

// `bytes` cryptographically random bytes, hex-encoded (2*bytes characters).
std::string randomHex(int bytes);

}  // namespace argan
