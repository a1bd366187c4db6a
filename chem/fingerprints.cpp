#include "chem/fingerprints.h"

#include <DataStructs/ExplicitBitVect.h>
#include <GraphMol/Fingerprints/Fingerprints.h>
#include <GraphMol/Fingerprints/MorganFingerprints.h>

#include <cstring>
#include <memory>
#include <vector>

#include "chem/structure_parser.h"

namespace argan::chem {
namespace {

std::string pack(const ExplicitBitVect& bits) {
  std::string out(bits.getNumBits() / 8, '\0');
  std::vector<int> on;
  bits.getOnBits(on);
  for (int i : on) out[static_cast<std::size_t>(i) >> 3] |= static_cast<char>(1u << (i & 7));
  return out;
}

}  // namespace

std::string morganFingerprint(const RDKit::ROMol& mol) {
  try {
    std::unique_ptr<ExplicitBitVect> fp(
        RDKit::MorganFingerprints::getFingerprintAsBitVect(mol, 2, kFingerprintBits));
    return pack(*fp);
  } catch (...) {
    rethrowRdkitError("Morgan fingerprint");
  }
}

std::string patternFingerprint(const RDKit::ROMol& mol) {
  try {
    std::unique_ptr<ExplicitBitVect> fp(RDKit::PatternFingerprintMol(mol, kFingerprintBits));
    return pack(*fp);
  } catch (...) {
    rethrowRdkitError("pattern fingerprint");
  }
}

unsigned popcount(const std::string& packed) {
  unsigned n = 0;
  for (unsigned char c : packed) n += static_cast<unsigned>(__builtin_popcount(c));
  return n;
}

double tanimoto(const std::string& a, const std::string& b) {
  unsigned both = 0;
  unsigned either = 0;
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    both += static_cast<unsigned>(__builtin_popcount(x & y));
    either += static_cast<unsigned>(__builtin_popcount(x | y));
  }
  return either == 0 ? 0.0 : static_cast<double>(both) / either;
}

}  // namespace argan::chem
