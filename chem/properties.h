// Computed properties of a parent structure (RDKit descriptors). Pure; any thread.
#pragma once

#include <GraphMol/ROMol.h>

#include <string>

namespace argan::chem {

struct MolecularProperties {
  std::string formula;
  double averageMass = 0;      // g/mol (RDKit calcAMW)
  double monoisotopicMass = 0; // Da (RDKit calcExactMW)
  double clogp = 0;            // Crippen logP
  double tpsa = 0;             // topological polar surface area, Å²
  unsigned hbd = 0;            // H-bond donors (RDKit NumHBD)
  unsigned hba = 0;            // H-bond acceptors (RDKit NumHBA)
  unsigned rotatableBonds = 0;
  unsigned heavyAtoms = 0;
  unsigned rings = 0;
  unsigned aromaticRings = 0;
  double fractionSp3 = 0;
  int formalCharge = 0;
};

MolecularProperties computeProperties(const RDKit::ROMol& mol);

}  // namespace argan::chem
