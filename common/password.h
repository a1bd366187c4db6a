// Password hashing (PBKDF2-HMAC-SHA256) and random secrets, on OpenSSL.
//
// Stored form: "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>", 16-byte random salt,
// 32-byte hash. The default iteration count follows OWASP's Password Storage Cheat Sheet
// (600 000 for PBKDF2-HMAC-SHA256); the count is stored with each hash, so it can be raised
// later without invalidating old ones. Thread-safe.
#pragma once

#include <string>

namespace argan {

constexpr int kDefaultPasswordIterations = 600000;

// Hashes `password` with a fresh random salt. Throws Internal if the system RNG fails.
std::string hashPassword(const std::string& password, int iterations = kDefaultPasswordIterations);

// Constant-time comparison of `password` against a stored hash; false for malformed hashes.
bool verifyPassword(const std::string& password, const std::string& stored);

// The iteration count recorded in a stored hash (0 if malformed).
int passwordHashIterations(const std::string& stored);

// `bytes` cryptographically random bytes, hex-encoded (2*bytes characters).
std::string randomHex(int bytes);

}  // namespace argan
