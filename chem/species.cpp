#include "chem/species.h"

#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <GraphMol/Substruct/SubstructMatch.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "chem/inchi.h"
#include "chem/input_check.h"
#include "chem/standardizer.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

std::string SpeciesDescription::identityKey() const {
  return inchiKey.empty() ? "smiles:" + canonicalSmiles : inchiKey;
}

namespace {

// Acids and bases a chemist adds as reagents, even where a solvent guide lists them
// (pyridine, acetic acid, triethylamine): docs/metrics.md, component roles.
const std::vector<std::unique_ptr<RDKit::ROMol>>& acidBasePatterns() {
  static const std::vector<std::unique_ptr<RDKit::ROMol>> patterns = [] {
    std::vector<std::unique_ptr<RDKit::ROMol>> out;
    for (const char* smarts : {
             "[CX3](=O)[OX2H1]",                                  // carboxylic acid
             "[SX4](=O)(=O)[OX2H1]",                              // sulfonic, sulfuric acid
             "[PX4](=O)[OX2H1]",                                  // phosphoric, phosphonic acid
             "[NX3+](=O)([O-])[OX2H1]",                           // nitric acid
             "[Cl,Br,I;H1;X1]",                                   // hydrogen halides
             "[F;H1;X1]",
             "[NX3;H3;+0]",                                       // ammonia
             // amines (not amides, sulfonamides, anilines, nitriles, imines)
             "[NX3;!$(N-[C,S,P]=[O,S,N]);!$(N-a);!$(N-[SX4]);!$(N~[!#6;!#1])]([#6])",
             "[nX2;r6]",                                          // pyridines
             "[NX3]-[CX3]=[NX2]",                                 // amidines, guanidines
             "[OX1-,NX2-]",                                       // alkoxides, amides (bases)
         }) {
      out.emplace_back(RDKit::SmartsToMol(smarts));
    }
    return out;
  }();
  return patterns;
}

bool isAcidBaseOrMetal(const RDKit::ROMol& mol) {
  for (const auto* atom : mol.atoms()) {
    if (isMetalElement(atom->getAtomicNum())) return true;
  }
  for (const auto& pattern : acidBasePatterns()) {
    if (pattern && RDKit::SubstructMatch(mol, *pattern).size() > 0) return true;
  }
  return false;
}

}  // namespace

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
  d.reagentByChemistry = isAcidBaseOrMetal(mol);
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
