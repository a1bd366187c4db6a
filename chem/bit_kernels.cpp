#include "chem/bit_kernels.h"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ARGAN_X86 1
#endif

namespace argan::chem {
namespace {

enum class Level { Portable, Popcnt, Avx512 };

Level detectLevel() {
#ifdef ARGAN_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") &&
      __builtin_cpu_supports("avx512bw")) {
    return Level::Avx512;
  }
  if (__builtin_cpu_supports("popcnt")) return Level::Popcnt;
#endif
  return Level::Portable;
}

Level level() {
  static const Level detected = detectLevel();
  return detected;
}

// ---- portable -------------------------------------------------------------------------
inline unsigned popcount64Portable(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
}

unsigned intersectionPortable(const std::uint64_t* a, const std::uint64_t* b) {
  unsigned n = 0;
  for (std::size_t w = 0; w < kFingerprintWords; ++w) n += popcount64Portable(a[w] & b[w]);
  return n;
}

#ifdef ARGAN_X86
// ---- POPCNT instruction ---------------------------------------------------------------
__attribute__((target("popcnt"))) unsigned intersectionPopcnt(const std::uint64_t* a,
                                                              const std::uint64_t* b) {
  unsigned n = 0;
  for (std::size_t w = 0; w < kFingerprintWords; ++w) {
    n += static_cast<unsigned>(__builtin_popcountll(a[w] & b[w]));
  }
  return n;
}

__attribute__((target("popcnt"))) unsigned popcountWordsPopcnt(const std::uint64_t* words,
                                                               std::size_t count) {
  unsigned n = 0;
  for (std::size_t w = 0; w < count; ++w) n += static_cast<unsigned>(__builtin_popcountll(words[w]));
  return n;
}

// ---- AVX-512 VPOPCNTDQ ----------------------------------------------------------------
#define ARGAN_AVX512 __attribute__((target("avx512f,avx512bw,avx512vpopcntdq")))

// Horizontal sum of eight 64-bit lanes (GCC 12's _mm512_reduce_add_epi64 trips
// -Wmaybe-uninitialized inside its own header).
ARGAN_AVX512 inline unsigned sumLanes(__m512i v) {
  alignas(64) std::uint64_t lanes[8];
  _mm512_store_si512(lanes, v);
  return static_cast<unsigned>(lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] +
                               lanes[6] + lanes[7]);
}

ARGAN_AVX512 unsigned intersectionAvx512(const std::uint64_t* a, const std::uint64_t* b) {
  __m512i sum = _mm512_setzero_si512();
  for (std::size_t w = 0; w < kFingerprintWords; w += 8) {
    __m512i x = _mm512_and_si512(_mm512_loadu_si512(a + w), _mm512_loadu_si512(b + w));
    sum = _mm512_add_epi64(sum, _mm512_popcnt_epi64(x));
  }
  return sumLanes(sum);
}

ARGAN_AVX512 void intersectionCountsAvx512(const std::uint64_t* query,
                                           const std::uint64_t* fps, std::size_t count,
                                           std::uint16_t* counts) {
  const __m512i q0 = _mm512_loadu_si512(query);
  const __m512i q1 = _mm512_loadu_si512(query + 8);
  const __m512i q2 = _mm512_loadu_si512(query + 16);
  const __m512i q3 = _mm512_loadu_si512(query + 24);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t* f = fps + i * kFingerprintWords;
    __m512i s = _mm512_popcnt_epi64(_mm512_and_si512(q0, _mm512_loadu_si512(f)));
    s = _mm512_add_epi64(s, _mm512_popcnt_epi64(_mm512_and_si512(q1, _mm512_loadu_si512(f + 8))));
    s = _mm512_add_epi64(s, _mm512_popcnt_epi64(_mm512_and_si512(q2, _mm512_loadu_si512(f + 16))));
    s = _mm512_add_epi64(s, _mm512_popcnt_epi64(_mm512_and_si512(q3, _mm512_loadu_si512(f + 24))));
    counts[i] = static_cast<std::uint16_t>(sumLanes(s));
  }
}

// Two sketches per 512-bit register: min per byte, then sums of bytes per 64-bit lane.
ARGAN_AVX512 void sketchBoundsAvx512(const std::uint8_t* query, const std::uint8_t* sketches,
                                     std::size_t count, std::uint16_t* bounds) {
  alignas(64) std::uint8_t twice[2 * kSketchBytes];
  std::memcpy(twice, query, kSketchBytes);
  std::memcpy(twice + kSketchBytes, query, kSketchBytes);
  const __m512i qq = _mm512_load_si512(twice);
  const __m512i zero = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 2 <= count; i += 2) {
    __m512i s = _mm512_loadu_si512(sketches + i * kSketchBytes);
    __m512i sums = _mm512_sad_epu8(_mm512_min_epu8(s, qq), zero);  // 8 lanes of partial sums
    alignas(64) std::uint64_t lanes[8];
    _mm512_store_si512(lanes, sums);
    bounds[i] = static_cast<std::uint16_t>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
    bounds[i + 1] = static_cast<std::uint16_t>(lanes[4] + lanes[5] + lanes[6] + lanes[7]);
  }
  for (; i < count; ++i) {
    unsigned b = 0;
    const std::uint8_t* s = sketches + i * kSketchBytes;
    for (std::size_t w = 0; w < kSketchBytes; ++w) b += s[w] < query[w] ? s[w] : query[w];
    bounds[i] = static_cast<std::uint16_t>(b);
  }
}

ARGAN_AVX512 bool andInPlaceAvx512(std::uint64_t* dst, const std::uint64_t* src,
                                   std::size_t count) {
  __m512i any = _mm512_setzero_si512();
  std::size_t w = 0;
  for (; w + 8 <= count; w += 8) {
    __m512i x = _mm512_and_si512(_mm512_loadu_si512(dst + w), _mm512_loadu_si512(src + w));
    _mm512_storeu_si512(dst + w, x);
    any = _mm512_or_si512(any, x);
  }
  std::uint64_t rest = 0;
  for (; w < count; ++w) {
    dst[w] &= src[w];
    rest |= dst[w];
  }
  return rest != 0 || _mm512_test_epi64_mask(any, any) != 0;
}
#endif

}  // namespace

const char* popcountImplementation() {
  switch (level()) {
    case Level::Avx512: return "avx512-vpopcntdq";
    case Level::Popcnt: return "popcnt";
    case Level::Portable: return "portable";
  }
  return "portable";
}

unsigned popcountWords(const std::uint64_t* words, std::size_t count) {
#ifdef ARGAN_X86
  if (level() != Level::Portable) return popcountWordsPopcnt(words, count);
#endif
  unsigned n = 0;
  for (std::size_t w = 0; w < count; ++w) n += popcount64Portable(words[w]);
  return n;
}

unsigned intersectionCount(const std::uint64_t* a, const std::uint64_t* b) {
#ifdef ARGAN_X86
  switch (level()) {
    case Level::Avx512: return intersectionAvx512(a, b);
    case Level::Popcnt: return intersectionPopcnt(a, b);
    case Level::Portable: break;
  }
#endif
  return intersectionPortable(a, b);
}

void makeSketch(const std::uint64_t* fingerprint, std::uint8_t* sketch) {
  for (std::size_t w = 0; w < kFingerprintWords; ++w) {
    sketch[w] = static_cast<std::uint8_t>(popcountWords(fingerprint + w, 1));
  }
}

void sketchBounds(const std::uint8_t* query, const std::uint8_t* sketches, std::size_t count,
                  std::uint16_t* bounds) {
#ifdef ARGAN_X86
  if (level() == Level::Avx512) {
    sketchBoundsAvx512(query, sketches, count, bounds);
    return;
  }
#endif
  for (std::size_t i = 0; i < count; ++i) {
    unsigned b = 0;
    const std::uint8_t* s = sketches + i * kSketchBytes;
    for (std::size_t w = 0; w < kSketchBytes; ++w) b += s[w] < query[w] ? s[w] : query[w];
    bounds[i] = static_cast<std::uint16_t>(b);
  }
}

void intersectionCounts(const std::uint64_t* query, const std::uint64_t* fps, std::size_t count,
                        std::uint16_t* counts) {
#ifdef ARGAN_X86
  switch (level()) {
    case Level::Avx512:
      intersectionCountsAvx512(query, fps, count, counts);
      return;
    case Level::Popcnt:
      for (std::size_t i = 0; i < count; ++i) {
        counts[i] = static_cast<std::uint16_t>(
            intersectionPopcnt(query, fps + i * kFingerprintWords));
      }
      return;
    case Level::Portable: break;
  }
#endif
  for (std::size_t i = 0; i < count; ++i) {
    counts[i] = static_cast<std::uint16_t>(intersectionPortable(query, fps + i * kFingerprintWords));
  }
}

bool andInPlace(std::uint64_t* dst, const std::uint64_t* src, std::size_t count) {
#ifdef ARGAN_X86
  if (level() == Level::Avx512) return andInPlaceAvx512(dst, src, count);
#endif
  std::uint64_t any = 0;
  for (std::size_t w = 0; w < count; ++w) {
    dst[w] &= src[w];
    any |= dst[w];
  }
  return any != 0;
}

void loadFingerprint(const std::string& packed, std::uint64_t* words) {
  std::memset(words, 0, kFingerprintWords * 8);
  std::memcpy(words, packed.data(), packed.size() < kFingerprintWords * 8 ? packed.size()
                                                                          : kFingerprintWords * 8);
  // The packed layout is little-endian; x86-64 is too (static_assert-free: big-endian hosts
  // would need a byte swap here).
}

}  // namespace argan::chem
