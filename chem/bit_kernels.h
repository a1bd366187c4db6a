// Bit-vector kernels for fingerprint search: popcounts, Tanimoto scans and bound sketches
// over packed 2048-bit fingerprints (chem/fingerprints.h layout: 32 little-endian words).
//
// The kernels pick, once per process, the widest popcount the CPU offers at run time
// (AVX-512 VPOPCNTDQ, else the POPCNT instruction, else a portable bit count); code is
// compiled with per-function target attributes, so the binary runs on any x86-64 (and
// builds elsewhere with the portable path). Results are identical on every path.
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace argan::chem {

constexpr std::size_t kFingerprintWords = 32;  // 2048 bits
// A sketch holds the popcount of each 64-bit word of a fingerprint (32 bytes). For two
// fingerprints, sum_w min(sketchA[w], sketchB[w]) is an upper bound of |A & B|: a cheap
// first stage that avoids reading most full fingerprints in similarity scans.
constexpr std::size_t kSketchBytes = kFingerprintWords;

// "avx512-vpopcntdq", "popcnt" or "portable": what the kernels use on this CPU.
const char* popcountImplementation();

// Number of set bits in `words` 64-bit words.
unsigned popcountWords(const std::uint64_t* words, std::size_t count);

// |a & b| for two 2048-bit fingerprints.
unsigned intersectionCount(const std::uint64_t* a, const std::uint64_t* b);

// Fills `sketch` (kSketchBytes) from a 2048-bit fingerprint.
void makeSketch(const std::uint64_t* fingerprint, std::uint8_t* sketch);

// For `count` consecutive sketches (kSketchBytes apart), writes sum_w min(q[w], s[w]) into
// `bounds[i]`.
void sketchBounds(const std::uint8_t* querySketch, const std::uint8_t* sketches,
                  std::size_t count, std::uint16_t* bounds);

// For `count` consecutive fingerprints (kFingerprintWords apart), writes |q & f| into
// `counts[i]`.
void intersectionCounts(const std::uint64_t* query, const std::uint64_t* fingerprints,
                        std::size_t count, std::uint16_t* counts);

// dst[i] &= src[i] for `count` words; returns true when any bit of dst is still set.
bool andInPlace(std::uint64_t* dst, const std::uint64_t* src, std::size_t count);

// Copies a packed fingerprint (kFingerprintBytes bytes) into 32 words (little-endian).
void loadFingerprint(const std::string& packed, std::uint64_t* words);

}  // namespace argan::chem
