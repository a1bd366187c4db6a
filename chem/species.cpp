#include "chem/species.h"

#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <algorithm>
#include <map>

#include "chem/inchi.h"
#include "chem/input_check.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

std::string SpeciesDescription::identityKey() const {
  return inchiKey.empty() ? "smiles:" + canonicalSmiles : inchiKey;
}

SpeciesDescription describeSpecies(const std::string& text, bool molfile,
                                   const StructureLimits& limits) {
  ParsedStructure parsed =
      parseStructure(text, molfile ? StructureFormat::Molfile : StructureFormat::Smiles, limits);
  RDKit::RWMol& mol = *parsed.mol;
  SpeciesDescription d;
  std::map<std::string, int> counts;
  try {
    for (auto* atom : mol.atoms()) {
      atom->setAtomMapNum(0);
      if (atom->getAtomicNum() == 0) {
        throw invalidArgument(
            "dummy atoms (*) have no mass: a reaction species must be a complete structure");
      }
      counts[atom->getSymbol()] += 1;
      int hydrogens = static_cast<int>(atom->getTotalNumHs());
      if (hydrogens > 0) counts["H"] += hydrogens;
      d.charge += atom->getFormalCharge();
    }
    d.canonicalSmiles = RDKit::MolToSmiles(mol);
    d.formula = RDKit::Descriptors::calcMolFormula(mol);
    d.molarMass = RDKit::Descriptors::calcAMW(mol);
  } catch (...) {
    rethrowRdkitError("species");
  }
  try {
    d.inchiKey = computeStandardInchi(mol).inchiKey;
  } catch (const Error&) {
    d.inchiKey.clear();  // identity falls back to the canonical SMILES
  }
  d.carbonAtoms = counts.count("C") ? counts["C"] : 0;
  // Hill order: C, H, then alphabetical; without carbon, all alphabetical.
  if (counts.count("C")) {
    d.elementCounts.emplace_back("C", counts["C"]);
    if (counts.count("H")) d.elementCounts.emplace_back("H", counts["H"]);
    for (const auto& [symbol, n] : counts) {
      if (symbol != "C" && symbol != "H") d.elementCounts.emplace_back(symbol, n);
    }
  } else {
    for (const auto& [symbol, n] : counts) d.elementCounts.emplace_back(symbol, n);
  }
  return d;
}

bool sameSkeletonInchiKey(const std::string& a, const std::string& b) {
  if (a.size() != 27 || b.size() != 27) return false;
  return a.compare(0, 14, b, 0, 14) == 0 && a[26] == b[26];
}

bool isWaterInchiKey(const std::string& inchiKey) {
  return sameSkeletonInchiKey(inchiKey, "XLYOFNOQVPJJNP-UHFFFAOYSA-N");
}

}  // namespace argan::chem
