// libFuzzer target: the whole analysis of untrusted structure text as the chemistry worker
// runs it (checks -> RDKit parse -> standardise -> identity, properties, fingerprints), in
// process so that a crash in Argan's glue code or in RDKit on input that passes the checks is
// found here rather than in production (where the guarded worker would contain it).
// Slow per input (RDKit); run with -timeout=10 -rss_limit_mb=2048.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chem/structure_analysis.h"
#include "common/error.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  argan::chem::initialise();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argan;
  static chem::StructureAnalyser analyser;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    chem::StructureAnalysis a = analyser.analyse(text, "");
    if (a.identity.fullHash.size() != 64 || a.parentPickle.empty()) std::abort();
  } catch (const Error& e) {
    // Bad structures must be refused as bad input, never as an internal error.
    if (e.code() != ErrorCode::InvalidArgument) std::abort();
  }
  return 0;
}
