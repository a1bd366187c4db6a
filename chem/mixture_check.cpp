#include "chem/mixture_check.h"

#include <regex>

#include "common/error.h"

namespace argan::chem {
namespace {

// A Hill formula (RDKit's calcMolFormula) holds carbon when it starts with "C" that is not
// the start of Cl, Ca, Co, Cu, ...
bool formulaHasCarbon(const std::string& formula) {
  return !formula.empty() && formula[0] == 'C' &&
         (formula.size() == 1 || !(formula[1] >= 'a' && formula[1] <= 'z'));
}

// Could the fragment be a salt former the counter-ion table does not know (an oxalate, a
// tosylate, an amine)? An acid group (carboxylic, sulfonic, sulfuric, phosphonic) or a
// nitrogen in its canonical SMILES says it may; the identity rule's list of salt formers
// decides precisely.
bool maySaltFormer(const std::string& smiles) {
  static const std::regex acid(
      R"(C\(=O\)O(?![A-Za-z\[])|O=C\(O\)|C\(O\)=O|S\(=O\)\(=O\)O(?![A-Za-z\[])|O=S\(=O\)\(O\)|P\(=O\)\(O\)|O=P\(O\))");
  static const std::regex nitrogen(R"(N(?![aeib])|n|\[N|\[n)");
  return std::regex_search(smiles, acid) || std::regex_search(smiles, nitrogen);
}

}  // namespace

MixtureVerdict classifyMixture(const StructureAnalysis& analysis) {
  MixtureVerdict verdict;
  for (const auto& c : analysis.formComponents) {
    if (c.kind == "other" && formulaHasCarbon(c.name) && !maySaltFormer(c.smiles)) {
      verdict.mixture = true;
    }
  }
  if (verdict.mixture) {
    verdict.components.push_back(analysis.identity.canonicalSmiles);
    for (const auto& c : analysis.formComponents) verdict.components.push_back(c.smiles);
  }
  return verdict;
}

void throwMixture(const std::string& what, const std::vector<std::string>& components) {
  std::string joined;
  for (const auto& c : components) joined += (joined.empty() ? "" : ".") + c;
  throw invalidArgument(
      what + "; register it as a substance (POST /api/substances, kind multi_constituent or "
             "uvcb) with each component as a constituent, or register the components one by one",
      {{"field", "structure"}, {"reason", "mixture"}, {"components", joined},
       {"register_as", "/api/substances"}});
}

void refuseMixture(const StructureAnalysis& analysis) {
  MixtureVerdict verdict = classifyMixture(analysis);
  if (!verdict.mixture) return;
  std::string listed;
  for (const auto& c : verdict.components) listed += (listed.empty() ? "" : ", ") + c;
  throwMixture("this structure is a mixture of " + std::to_string(verdict.components.size()) +
                   " components that are not a compound with its counter-ions or solvents (" +
                   listed + ")",
               verdict.components);
}

}  // namespace argan::chem
