// Cryptographic digests used for identity hashes, audit chains and token storage.
// Pure functions; safe from any thread.
#pragma once

#include <string>

namespace argan {

// Lower-case hex SHA-256 of the bytes of `data`.
std::string sha256Hex(const std::string& data);

// Lower-case hex SHA-1 (used only where a published scheme asks for it).
std::string sha1Hex(const std::string& data);

// Hex encoding of arbitrary bytes, and its inverse (throws InvalidArgument on bad hex).
std::string toHex(const std::string& bytes);
std::string fromHex(const std::string& hex);

}  // namespace argan
