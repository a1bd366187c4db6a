// Fingerprints stored for search, as packed little-endian bit arrays.
//
// Layout: bit i of a fingerprint is bit (i % 8) of byte (i / 8), so a 2048-bit fingerprint
// is 256 bytes that read naturally as 32 little-endian 64-bit words (hardware popcount).
// Pure functions; any thread.
#pragma once

#include <GraphMol/ROMol.h>

#include <string>

namespace argan::chem {

constexpr unsigned kFingerprintBits = 2048;
constexpr unsigned kFingerprintBytes = kFingerprintBits / 8;

// Morgan (ECFP4-like) radius 2, 2048 bits: the registration/similarity fingerprint.
std::string morganFingerprint(const RDKit::ROMol& mol);

// RDKit pattern fingerprint, 2048 bits: the substructure screen. For a query molecule
// (SMARTS) too: every bit set in a query's pattern fingerprint is set in any match's.
std::string patternFingerprint(const RDKit::ROMol& mol);

// Number of set bits in a packed fingerprint.
unsigned popcount(const std::string& packed);

// Tanimoto similarity of two packed fingerprints of equal length (0 when both are empty).
double tanimoto(const std::string& a, const std::string& b);

}  // namespace argan::chem
