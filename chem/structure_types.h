// Plain data for structures: what the structure analysis (structure_analysis.h) produces and
// every part of it. Only strings, numbers and vectors, no RDKit here, so that code which only
// carries or presents these results (HTTP handlers, the chemistry worker's wire format, the
// registry) compiles without RDKit's headers. reaction_types.h is the same for reactions.
//
// Who fills what:
//   IdentityLayers        IdentityCalculator::compute (identity.h, which explains the layers)
//   MolecularProperties   computeProperties (properties.h)
//   FormComponent         Standardizer::standardize (standardizer.h)
//   StructureAnalysis     StructureAnalyser::analyse (structure_analysis.h)
//   SimilarityQuerySpec   StructureAnalyser::similarityQuery (structure_analysis.h)
// Values, no invariants beyond the field comments: any thread may copy them.
#pragma once

#include <string>
#include <vector>

#include "chem/input_check.h"  // StructureFormat

namespace argan::chem {

// The identity layers of one parent structure (see identity.h for their meaning).
struct IdentityLayers {
  std::string formula;
  std::string canonicalSmiles;
  std::string tautomerHash;
  std::string noStereoSmiles;
  std::string noStereoTautomerHash;
  std::string skeleton;
  std::string inchi;
  std::string inchiKey;
  std::string fullHash;
  bool containsMetal = false;  // identity by standard InChI + formula (docs/identity.md §4)
  std::string stereoGroups;    // canonical AND/OR groups, " |&1:3|"; empty without
};

// Computed properties of a parent structure (RDKit descriptors).
struct MolecularProperties {
  std::string formula;
  double averageMass = 0;       // g/mol (RDKit calcAMW)
  double monoisotopicMass = 0;  // Da (RDKit calcExactMW)
  double clogp = 0;             // Crippen logP
  double tpsa = 0;              // topological polar surface area, Å²
  unsigned hbd = 0;             // H-bond donors (RDKit NumHBD)
  unsigned hba = 0;             // H-bond acceptors (RDKit NumHBA)
  unsigned rotatableBonds = 0;
  unsigned heavyAtoms = 0;
  unsigned rings = 0;
  unsigned aromaticRings = 0;
  double fractionSp3 = 0;
  int formalCharge = 0;
};

// One counter-ion or solvent of a form, next to `parentCount` parents.
struct FormComponent {
  std::string smiles;  // canonical SMILES as stored (the form key part): acids neutral,
                       // metal cations charged, anions of a cationic parent charged
  std::string name;    // "sodium", "hydrochloride", "water" (chem/data/salt_formers.tsv),
                       // or the Hill formula when the fragment is not listed
  std::string kind;    // "cation" | "acid" | "anion" | "base" | "solvent" | "other"
                       // ("anion": the counter-ion of a parent that stays a cation, kept
                       // charged in `smiles`, e.g. "[Cl-]" of a quaternary ammonium)
  int count = 1;       // per `parentCount` parents, after reduction
};

// Everything registration needs to know about one submitted structure.
struct StructureAnalysis {
  StructureFormat format = StructureFormat::Smiles;
  std::vector<std::string> warnings;          // from the parser
  IdentityLayers identity;                    // of the parent
  MolecularProperties properties;             // of the parent
  std::string morganFingerprint;              // packed, 256 bytes
  std::string patternFingerprint;             // packed, 256 bytes
  std::string parentPickle;                   // RDKit binary pickle of the parent
  int parentCount = 1;                        // parent copies in the form
  std::vector<FormComponent> formComponents;  // counter-ions / solvents
  std::string formKey;                        // unique per form of a parent
  std::string formLabel;                      // "sodium salt, 1:1"
  std::vector<std::string> standardizationSteps;
  std::string standardizer;  // RDKit version + options
  std::string formInchiKey;       // standard InChIKey of the form as stored (parent x count
                                  // + components); empty when libinchi cannot represent it
  std::string submittedInchiKey;  // standard InChIKey of the input as drawn; empty likewise
};

// A similarity query: the submitted structure standardised as at registration, reduced to
// what a similarity search needs.
struct SimilarityQuerySpec {
  std::string canonicalSmiles;    // of the standardised parent
  std::string morganFingerprint;  // packed 2048 bits, as stored for registered parents
};

// A polymer's structural repeat unit (chem/repeat_unit.h): a structure with star atoms
// ('*') where it bonds to the next unit.
struct RepeatUnitAnalysis {
  std::string canonicalSmiles;  // RDKit canonical SMILES, star atoms kept
  std::string formula;          // Hill formula of the unit, star atoms excluded
  double mass = 0;              // g/mol of the unit (average atomic masses), stars excluded
  int starAtoms = 0;            // attachment points (2 for a linear chain)
};

}  // namespace argan::chem
