// libFuzzer target: untrusted reaction text (chem/reaction_input_check.h, then the analysis the
// chemistry worker runs: chem/reaction_analysis.h). The first byte picks the entry point:
//   0, 1  checkReactionSmiles: every species lies inside the input at its position, is
//         printable ASCII, and there are no more than the limit allows
//   2     checkRxnFile
//   3     analyseReaction on the text as a reaction SMILES (RDKit; slow per input)
// Every refusal must be argan::Error(InvalidArgument); nothing else may escape.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chem/reaction_analysis.h"
#include "chem/reaction_input_check.h"
#include "chem/structure_analysis.h"
#include "common/error.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  argan::chem::initialise();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace argan;
  const chem::ReactionLimits limits;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
      case 1: {
        auto species = chem::checkReactionSmiles(text, limits);
        require(text.size() <= limits.maxReactionSmilesLength);
        require(species.size() <= limits.maxSpecies);
        for (const auto& s : species) {
          require(!s.molfile);
          require(s.position <= text.size() && s.text.size() <= text.size() - s.position);
          for (char c : s.text) require(c > ' ' && c < 0x7f);
        }
        break;
      }
      case 2: {
        auto species = chem::checkRxnFile(text, limits);
        require(text.size() <= limits.maxRxnBytes);
        require(species.size() <= limits.maxSpecies);
        for (const auto& s : species) require(s.molfile && s.firstLine >= 1);
        break;
      }
      case 3: {
        chem::ReactionInput input;
        input.reactionSmiles = text;
        chem::ReactionAnalysis a = chem::analyseReaction(input);
        require(a.desiredProduct >= -1 &&
                a.desiredProduct < static_cast<int>(a.components.size()));
        require(a.limitingReactant >= -1 &&
                a.limitingReactant < static_cast<int>(a.components.size()));
        break;
      }
    }
  } catch (const Error& e) {
    require(e.code() == ErrorCode::InvalidArgument);
  }
  return 0;
}
