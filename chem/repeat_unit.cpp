#include "chem/repeat_unit.h"

#include <GraphMol/PeriodicTable.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <cstdio>
#include <map>

#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {
namespace {

std::string hillFormula(const std::map<std::string, unsigned>& counts) {
  auto part = [](const std::string& element, unsigned n) {
    return element + (n > 1 ? std::to_string(n) : "");
  };
  std::string out;
  bool carbon = counts.count("C") > 0;
  if (carbon) {
    out += part("C", counts.at("C"));
    if (counts.count("H")) out += part("H", counts.at("H"));
  }
  for (const auto& [element, n] : counts) {
    if (carbon && (element == "C" || element == "H")) continue;
    out += part(element, n);
  }
  return out;
}

}  // namespace

RepeatUnitAnalysis analyseRepeatUnit(const std::string& text, const std::string& format,
                                     const StructureLimits& limits) {
  ParsedStructure parsed = parseStructure(text, resolveFormat(format, text), limits);
  const RDKit::ROMol& mol = *parsed.mol;
  const RDKit::PeriodicTable* table = RDKit::PeriodicTable::getTable();
  RepeatUnitAnalysis out;
  std::map<std::string, unsigned> counts;
  unsigned hydrogens = 0;
  for (const auto* atom : mol.atoms()) {
    if (atom->getAtomicNum() == 0) {
      ++out.starAtoms;
      if (atom->getDegree() != 1) {
        throw invalidArgument("star atom " + std::to_string(atom->getIdx()) +
                                  " must be bonded to exactly one atom of the repeat unit "
                                  "(it stands for the bond to the next unit)",
                              {{"field", "repeat_unit"},
                               {"atom_index", static_cast<std::int64_t>(atom->getIdx())}});
      }
      continue;
    }
    if (atom->hasQuery()) {
      throw invalidArgument("atom " + std::to_string(atom->getIdx()) +
                                " is a query feature; a repeat unit is drawn with real atoms "
                                "and star atoms only",
                            {{"field", "repeat_unit"},
                             {"atom_index", static_cast<std::int64_t>(atom->getIdx())}});
    }
    ++counts[table->getElementSymbol(atom->getAtomicNum())];
    out.mass += table->getAtomicWeight(atom->getAtomicNum());
    hydrogens += atom->getTotalNumHs();
  }
  if (out.starAtoms < 2) {
    throw invalidArgument(
        "a repeat unit needs at least two star atoms ('*') where it bonds to the next unit, "
        "e.g. *OC(C)C(=O)* for poly(lactic acid); found " + std::to_string(out.starAtoms),
        {{"field", "repeat_unit"}});
  }
  if (counts.empty()) {
    throw invalidArgument("the repeat unit has no atoms besides its star atoms",
                          {{"field", "repeat_unit"}});
  }
  if (hydrogens) {
    counts["H"] += hydrogens;
    out.mass += hydrogens * table->getAtomicWeight(1);
  }
  out.formula = hillFormula(counts);
  out.canonicalSmiles = RDKit::MolToSmiles(mol);
  return out;
}

}  // namespace argan::chem
