#include "chem/properties.h"

#include <GraphMol/Descriptors/Crippen.h>
#include <GraphMol/Descriptors/Lipinski.h>
#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/Descriptors/MolSurf.h>
#include <GraphMol/MolOps.h>

#include "chem/structure_parser.h"

namespace argan::chem {

namespace {

MolecularProperties compute(const RDKit::ROMol& mol, const std::string* formula) {
  MolecularProperties p;
  try {
    namespace D = RDKit::Descriptors;
    p.formula = formula ? *formula : D::calcMolFormula(mol);
    p.averageMass = D::calcAMW(mol);
    p.monoisotopicMass = D::calcExactMW(mol);
    double logp = 0;
    double mr = 0;
    D::calcCrippenDescriptors(mol, logp, mr);
    p.clogp = logp;
    p.tpsa = D::calcTPSA(mol);
    p.hbd = D::calcNumHBD(mol);
    p.hba = D::calcNumHBA(mol);
    p.rotatableBonds = D::calcNumRotatableBonds(mol);
    p.heavyAtoms = D::calcNumHeavyAtoms(mol);
    p.rings = D::calcNumRings(mol);
    p.aromaticRings = D::calcNumAromaticRings(mol);
    p.fractionSp3 = D::calcFractionCSP3(mol);
    p.formalCharge = RDKit::MolOps::getFormalCharge(mol);
  } catch (...) {
    rethrowRdkitError("properties");
  }
  return p;
}

}  // namespace

MolecularProperties computeProperties(const RDKit::ROMol& mol) { return compute(mol, nullptr); }

MolecularProperties computeProperties(const RDKit::ROMol& mol, const std::string& formula) {
  return compute(mol, &formula);
}

}  // namespace argan::chem
