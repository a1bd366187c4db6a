// libFuzzer target: Argan's checks on raw structure text (chem/input_check.h), which stand
// between untrusted text and RDKit. The first byte picks the entry point. Properties checked
// beyond "no crash, no sanitizer report": an accepted SMILES is printable ASCII, within the
// limits, and taken from the input; every refusal is argan::Error(InvalidArgument).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chem/input_check.h"
#include "common/error.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace argan;
  const chem::StructureLimits limits;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
      case 1: {
        chem::SmilesScan scan = chem::checkSmiles(text, limits, /*allowSmarts=*/data[0] % 4 == 1);
        require(scan.smiles.size() <= limits.maxSmilesLength);
        require(scan.cxExtension.size() <= limits.maxCxExtensionLength);
        require(scan.heavyAtoms <= scan.atoms && scan.atoms <= limits.maxAtoms);
        require(scan.heavyAtoms <= limits.maxHeavyAtoms);
        require(scan.fragments <= limits.maxFragments);
        require(scan.ringClosures <= limits.maxRingClosures);
        require(text.find(scan.smiles) != std::string::npos);
        for (char c : scan.smiles) require(c > ' ' && c < 0x7f);
        break;
      }
      case 2:
        chem::checkMolfile(text, limits);
        require(text.size() <= limits.maxMolfileBytes);
        break;
      case 3: {
        static const char* formats[] = {"", "smiles", "molfile", "SMILES", "sdf"};
        chem::resolveFormat(formats[text.size() % 5], text);
        break;
      }
    }
  } catch (const Error& e) {
    require(e.code() == ErrorCode::InvalidArgument);
  }
  return 0;
}
