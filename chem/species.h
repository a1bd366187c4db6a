// One reaction species (or component) as RDKit sees it: identity, formula, molar mass and
// element counts. Used by the reaction analysis and the solvent guide.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "chem/structure_limits.h"

namespace argan::chem {

struct SpeciesDescription {
  std::string canonicalSmiles;  // RDKit canonical isomeric SMILES, atom maps removed
  std::string inchiKey;         // standard InChIKey; empty when libinchi cannot represent it
  std::string formula;          // Hill formula with charge (RDKit calcMolFormula)
  double molarMass = 0;         // g/mol, RDKit average molecular weight (implicit H included)
  int carbonAtoms = 0;
  int charge = 0;  // net formal charge
  // An acid or a base by its structure (carboxylic, sulfonic, phosphoric and mineral acids;
  // amines, pyridines, amidines), or a species holding a metal (hydroxides, carbonates,
  // catalysts): reagents by default when written as agents, never "solvent".
  bool reagentByChemistry = false;
  // Atoms per element symbol, implicit and explicit hydrogens included, Hill order.
  std::vector<std::pair<std::string, int>> elementCounts;

  // The key two structures are "the same species" by: the InChIKey, or the canonical SMILES
  // when there is no InChIKey.
  std::string identityKey() const;
};

// Parses (input checks first; see structure_parser.h) and describes one species given as
// SMILES or as a Molfile. Throws argan::Error(InvalidArgument) with RDKit's reason.
SpeciesDescription describeSpecies(const std::string& text, bool molfile,
                                   const StructureLimits& limits);

// The same structure up to stereo and isotopes: equal InChIKey first block (connectivity)
// and equal protonation flag (last character). CDCl3 ~ chloroform, (R)-2-MeTHF ~ 2-MeTHF,
// but hydroxide is not water and acetate is not acetic acid.
bool sameSkeletonInchiKey(const std::string& a, const std::string& b);

// The standard InChIKey of H2O (not D2O or HTO, whose keys carry the isotopes).
inline constexpr const char* kWaterInchiKey = "XLYOFNOQVPJJNP-UHFFFAOYSA-N";

// True for water (H2O, D2O, HTO) by InChIKey skeleton.
bool isWaterInchiKey(const std::string& inchiKey);

}  // namespace argan::chem
