// The registration standardisation pipeline and the parent/form split.
//
// Steps, in order (RDKit MolStandardize 2022.09, objects built once per Standardizer):
//   1. remove explicit H (stereo-defining H kept)      4. reionize (strongest acid ionised first)
//   2. disconnect metals (MetalDisconnector)            5. split into fragments
//   3. normalise functional groups (Normalizer)         6. parent = largest organic fragment,
//                                                          neutralised (Uncharger)
// Every other fragment is a form component (counter-ion or solvent), neutralised the same
// way so that "CN.Cl" and "C[NH3+].[Cl-]" are the same form, and counted. Ratios are
// reduced by their common divisor (2 parent : 2 Na = 1:1).
//
// A Standardizer is not thread-safe (RDKit's catalog objects keep state); use one per
// thread. Construction parses RDKit's transform catalogues (~10 ms): build once, reuse.
#pragma once

#include <GraphMol/ROMol.h>

#include <memory>
#include <string>
#include <vector>

#include "chem/structure_types.h"  // FormComponent

namespace argan::chem {

struct StandardizedStructure {
  std::unique_ptr<RDKit::ROMol> parent;   // neutralised parent fragment
  std::string parentSmiles;               // RDKit canonical SMILES of `parent` (computed
                                          // to group fragments; identity reuses it)
  int parentCount = 1;                    // how many copies of the parent in the form
  std::vector<FormComponent> components;  // sorted by SMILES
  std::string formKey;                    // "1|[Na+]*1" — unique per form of one parent
  std::string formLabel;                  // "free form", "sodium salt, 1:1", "hydrate, 2:1"
  std::vector<std::string> stepsApplied;  // human-readable log of what changed
};

// The options recorded with every registration (with the RDKit version).
struct StandardizationOptions {
  bool disconnectMetals = true;
  bool normalize = true;
  bool reionize = true;
  bool keepLargestOrganicFragment = true;
  bool neutralize = true;
  // Skip a step when a cheap check proves none of its RDKit rules can apply (no metal atom,
  // no charge or nitro/N-oxide/azide/sulfoxide pattern, no charged or isolated atom). The
  // result is identical either way (tests/chem/standardizer_test.cpp compares both on real
  // molecules); it saves about half of the standardisation time on typical molecules.
  // Not part of description(): it changes speed, not results.
  bool skipInapplicableSteps = true;
};

class Standardizer {
 public:
  explicit Standardizer(StandardizationOptions options = {});
  ~Standardizer();
  Standardizer(const Standardizer&) = delete;
  Standardizer& operator=(const Standardizer&) = delete;

  // Throws argan::Error(InvalidArgument) when RDKit rejects the molecule mid-way.
  StandardizedStructure standardize(const RDKit::ROMol& mol);

  // "RDKit 2022.09.3; MolStandardize: disconnect_metals, normalize, ..." for the record.
  std::string description() const;
  const StandardizationOptions& options() const { return options_; }

 private:
  struct Impl;
  StandardizationOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace argan::chem
