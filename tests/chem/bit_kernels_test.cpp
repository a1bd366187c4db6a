// Fingerprint kernels: every path agrees with a plain bit count, and sketch bounds bound.
#include <random>

#include "chem/bit_kernels.h"
#include "chem/fingerprints.h"
#include "test_support.h"

using namespace argan;

namespace {

std::vector<std::uint64_t> randomFingerprints(std::size_t n, double density, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution bit(density);
  std::vector<std::uint64_t> fps(n * chem::kFingerprintWords, 0);
  for (auto& w : fps) {
    for (int b = 0; b < 64; ++b) {
      if (bit(rng)) w |= 1ULL << b;
    }
  }
  return fps;
}

unsigned naiveAnd(const std::uint64_t* a, const std::uint64_t* b) {
  unsigned n = 0;
  for (std::size_t w = 0; w < chem::kFingerprintWords; ++w) {
    for (int k = 0; k < 64; ++k) n += ((a[w] & b[w]) >> k) & 1;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bit_kernels)

BOOST_AUTO_TEST_CASE(intersections_and_bounds_agree_with_a_plain_count) {
  BOOST_TEST_MESSAGE("popcount implementation: " << chem::popcountImplementation());
  for (double density : {0.02, 0.2, 0.6}) {
    auto fps = randomFingerprints(101, density, 7);
    const std::uint64_t* q = fps.data();
    std::vector<std::uint16_t> counts(100), bounds(100);
    std::vector<std::uint8_t> sketches(100 * chem::kSketchBytes);
    std::uint8_t qs[chem::kSketchBytes];
    chem::makeSketch(q, qs);
    for (std::size_t i = 0; i < 100; ++i) {
      chem::makeSketch(fps.data() + (i + 1) * 32, sketches.data() + i * chem::kSketchBytes);
    }
    chem::intersectionCounts(q, fps.data() + 32, 100, counts.data());
    chem::sketchBounds(qs, sketches.data(), 100, bounds.data());
    for (std::size_t i = 0; i < 100; ++i) {
      const std::uint64_t* f = fps.data() + (i + 1) * 32;
      unsigned expected = naiveAnd(q, f);
      BOOST_TEST(chem::intersectionCount(q, f) == expected);
      BOOST_TEST(counts[i] == expected);
      BOOST_TEST(bounds[i] >= expected);
      unsigned exactBound = 0;
      for (std::size_t w = 0; w < 32; ++w) {
        exactBound += std::min(chem::popcountWords(q + w, 1), chem::popcountWords(f + w, 1));
      }
      BOOST_TEST(bounds[i] == exactBound);
    }
  }
}

BOOST_AUTO_TEST_CASE(and_in_place_reports_whether_bits_remain) {
  std::vector<std::uint64_t> a(70, ~0ULL), b(70, 0);
  BOOST_TEST(!chem::andInPlace(a.data(), b.data(), 70));
  std::vector<std::uint64_t> c(70, ~0ULL), d(70, 0);
  d[69] = 8;  // past the vector loop: the tail counts too
  BOOST_TEST(chem::andInPlace(c.data(), d.data(), 70));
  BOOST_TEST(c[69] == 8u);
  BOOST_TEST(c[0] == 0u);
}

BOOST_AUTO_TEST_CASE(packed_fingerprints_load_as_words) {
  std::string packed(chem::kFingerprintBytes, '\0');
  packed[0] = 1;     // bit 0
  packed[9] = 0x40;  // bit 78 = word 1, bit 14
  std::uint64_t words[32];
  chem::loadFingerprint(packed, words);
  BOOST_TEST(words[0] == 1u);
  BOOST_TEST(words[1] == (1ULL << 14));
  BOOST_TEST(chem::popcountWords(words, 32) == chem::popcount(packed));
}

BOOST_AUTO_TEST_SUITE_END()
