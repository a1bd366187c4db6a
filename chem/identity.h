// Identity layers of a parent structure, in the spirit of RDKit's RegistrationHash
// (docs/identity.md §4, §5).
//
//   formula                 Hill formula (hillFormula in standardizer.h: ClH, HKO, C2H6O)
//   canonical_smiles        RDKit canonical isomeric SMILES + the canonical AND/OR groups
//                           (each group inverted or not for the smallest CXSMILES, so every
//                           drawing of one racemate is one string)
//   tautomer_hash           RDKit MolHash HetAtomTautomer, with stereo
//   no_stereo_smiles        canonical SMILES with all stereo removed
//   no_stereo_tautomer_hash HetAtomTautomer hash with all stereo removed
//   full_hash               SHA-256 over the five layers above: unique per parent. For a parent
//                           that holds a metal, SHA-256 over formula, standard InChI and the
//                           stereo groups instead: InChI disconnects metal-ligand bonds one
//                           way, so covalent, ionic and dative drawings of a complex are one
//                           parent; the formula keeps TiO2 apart from Ti + 2 H2O.
// Extra, not part of the full hash:
//   skeleton                formula + element graph (MolHash ElementGraph): equal for every
//                           tautomer, protomer or stereoisomer of a parent; a cheap index
//                           for finding tautomer candidates
//   inchi, inchikey         standard InChI / InChIKey (libinchi), computed without the stereo
//                           of AND/OR-group centres: a racemate's key does not claim an
//                           enantiomer
//
// Stereoisomers: full hashes differ, no_stereo_smiles agree.
// Tautomers: no_stereo_smiles differ, and either the no-stereo tautomer hashes agree or
// (for keto/enol and other C-H tautomers, which HetAtomTautomer does not merge) the RDKit
// canonical tautomers agree. The canonical tautomer costs ~5 ms per ChEMBL molecule, so it
// is computed only for skeleton-matching candidates (areTautomers), not at registration.
#pragma once

#include <GraphMol/ROMol.h>

#include <memory>
#include <string>

#include "chem/structure_types.h"  // IdentityLayers

namespace argan::chem {

struct IdentityOptions {
  // A parent without any stereo (no chiral tags, double-bond stereo, bond directions or
  // stereo groups) is its own no-stereo form: its no-stereo layers are then copied from the
  // stereo ones instead of computed again (identical results, tests/chem/identity_test.cpp;
  // saves a canonical SMILES and a tautomer hash, ~0.25 ms per ChEMBL molecule). When such a
  // parent also has no hydrogen atom in its graph, its stereo-free copy (a copy, removeHs and
  // a second sanitisation) is not made either: the skeleton is hashed from the parent.
  bool reuseLayersWithoutStereo = true;
};

// What the caller already computed for the same parent molecule (StructureAnalyser passes
// the standardiser's work). Each must be exactly what IdentityCalculator would compute.
struct IdentityHints {
  const std::string* canonicalSmiles = nullptr;  // RDKit::MolToSmiles(parent), no suffix
};

// Computes identity layers. Not thread-safe per instance (holds an RDKit
// TautomerEnumerator); use one per thread.
class IdentityCalculator {
 public:
  explicit IdentityCalculator(IdentityOptions options = {});
  ~IdentityCalculator();
  IdentityCalculator(const IdentityCalculator&) = delete;
  IdentityCalculator& operator=(const IdentityCalculator&) = delete;

  // Throws argan::Error(InvalidArgument) when a layer cannot be computed (e.g. InChI).
  IdentityLayers compute(const RDKit::ROMol& parent, const IdentityHints& hints = {});

  // True when two parents, given by their canonical SMILES and already known to share the
  // skeleton layer, are tautomers (see above). Stereo is ignored. Throws InvalidArgument
  // if a SMILES does not parse (stored SMILES always do).
  bool areTautomers(const std::string& canonicalSmilesA, const std::string& canonicalSmilesB);

 private:
  struct Impl;
  IdentityOptions options_;
  std::unique_ptr<Impl> impl_;
};

// The full hash from its layers (exposed for tests and migrations).
std::string fullHashOfLayers(const IdentityLayers& layers);

}  // namespace argan::chem
