#include "common/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

#include "common/digest.h"
#include "common/error.h"

namespace argan {
namespace {

std::string pbkdf2(const std::string& password, const std::string& salt, int iterations) {
  std::string out(32, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw internalError("PBKDF2 failed");
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return parts;
}

}  // namespace

std::string randomHex(int bytes) {
  std::string raw(static_cast<std::size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    throw internalError("the system random number generator failed");
  }
  return toHex(raw);
}

std::string hashPassword(const std::string& password, int iterations) {
  std::string salt = fromHex(randomHex(16));
  return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + toHex(salt) + "$" +
         toHex(pbkdf2(password, salt, iterations));
}

int passwordHashIterations(const std::string& stored) {
  auto parts = split(stored, '$');
  if (parts.size() != 4 || parts[0] != "pbkdf2_sha256") return 0;
  try {
    int n = std::stoi(parts[1]);
    return n > 0 ? n : 0;
  } catch (...) {
    return 0;
  }
}

bool verifyPassword(const std::string& password, const std::string& stored) {
  auto parts = split(stored, '$');
  int iterations = passwordHashIterations(stored);
  if (iterations == 0 || iterations > 10000000) return false;
  std::string salt;
  std::string expected;
  try {
    salt = fromHex(parts[2]);
    expected = fromHex(parts[3]);
  } catch (const Error&) {
    return false;
  }
  if (expected.size() != 32) return false;
  std::string actual = pbkdf2(password, salt, iterations);
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

void checkPasswordPolicy(const std::string& password, const std::string& field) {
  if (password.size() < kMinPasswordLength) {
    throw invalidArgument("the password must have at least " +
                              std::to_string(kMinPasswordLength) + " characters",
                          {{"field", field}});
  }
  if (password.size() > kMaxPasswordLength) {
    throw invalidArgument("the password must have at most " +
                              std::to_string(kMaxPasswordLength) + " characters",
                          {{"field", field}});
  }
  if (password.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw invalidArgument("the password must not be only spaces", {{"field", field}});
  }
}

std::string unmatchableHash(int iterations) {
  // An all-zero hash: PBKDF2 output equal to it is not a practical possibility.
  return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + std::string(32, '0') + "$" +
         std::string(64, '0');
}

}  // namespace argan
