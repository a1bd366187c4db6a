// The registration standardisation: which parent a structure is, and which form of it.
// The rule is docs/identity.md; every step below is one of its paragraphs.
//
//   1. atom maps stripped; polymer brackets and star atoms refused (reason polymer /
//      star_atom); ABS stereo groups dropped (plain absolute stereo)
//   2. explicit H removed (stereo and isotope H kept)
//   3. bonds of Li, Na, K, Rb, Cs, Mg, Ca, Sr, Ba to N, O, S, Se, halogens written as ion
//      pairs, unless the metal is bonded to carbon or sits in a ring
//   4. functional groups normalised (RDKit Normalizer), stereo groups carried across
//   5. fragments sorted with chem/data/salt_formers.tsv: metal compounds and all-inorganic
//      inputs are their own parent (minus solvates); an organic salt's parent is its one
//      unlisted organic fragment (two or more: refused, reason mixture)
//   6. an organic parent is neutralised (inner salt when it keeps a permanent cation), and
//      the H of azole rings and amidines/guanidines is placed canonically
//   7. the parent must read back from its SMILES (reason unreadable_parent otherwise)
// Every other fragment is a form component, counted; ratios are reduced by their common
// divisor (2 parent : 2 Na = 1:1).
//
// A Standardizer is not thread-safe (RDKit's catalog objects keep state); use one per
// thread. Construction parses RDKit's transform catalogues (~10 ms): build once, reuse.
#pragma once

#include <GraphMol/ROMol.h>
#include <GraphMol/RWMol.h>

#include <memory>
#include <string>
#include <vector>

#include "chem/structure_types.h"  // FormComponent

namespace argan::chem {

struct StandardizedStructure {
  std::unique_ptr<RDKit::ROMol> parent;   // neutralised organic parent, or the whole metal /
                                          // inorganic compound as drawn (ionic bonds aside)
  std::string parentSmiles;               // RDKit canonical SMILES of `parent` (identity
                                          // reuses it)
  int parentCount = 1;                    // how many copies of the parent in the form
  std::vector<FormComponent> components;  // sorted by SMILES
  bool containsMetal = false;             // the parent holds a metal atom (identity by InChI)
  std::string formKey;                    // "1|[Na+]*1" — unique per form of one parent
  std::string formLabel;                  // "free form", "sodium salt, 1:1", "hydrate, 2:1"
  std::vector<std::string> stepsApplied;  // human-readable log of what changed
};

// The options recorded with every registration (with the RDKit version).
struct StandardizationOptions {
  // Skip a step when a cheap check proves none of its RDKit rules can apply. The result is
  // identical either way (tests/chem/standardizer_test.cpp compares both on real molecules).
  // Not part of description(): it changes speed, not results.
  bool skipInapplicableSteps = true;
};

// Refusal reasons, in Error details "reason".
inline constexpr const char* kReasonMixture = "mixture";
inline constexpr const char* kReasonPolymer = "polymer";
inline constexpr const char* kReasonStarAtom = "star_atom";
inline constexpr const char* kReasonUnreadableParent = "unreadable_parent";

class Standardizer {
 public:
  explicit Standardizer(StandardizationOptions options = {});
  ~Standardizer();
  Standardizer(const Standardizer&) = delete;
  Standardizer& operator=(const Standardizer&) = delete;

  // Throws argan::Error(InvalidArgument) for input the rule refuses (details "reason":
  // mixture, polymer, star_atom, unreadable_parent) and when RDKit rejects the molecule.
  StandardizedStructure standardize(const RDKit::ROMol& mol);

  // "RDKit 2022.09.3; identity rule 2 (docs/identity.md)" for the record.
  std::string description() const;
  const StandardizationOptions& options() const { return options_; }

 private:
  struct Impl;
  StandardizationOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Each AND/OR stereo group of `mol` inverted or not so that the canonical CXSMILES is the
// smallest: every drawing of one racemate or relative configuration becomes one molecule.
// Throws argan::Error(InvalidArgument) beyond 10 groups (1024 inversions to compare).
void canonicaliseStereoGroups(RDKit::RWMol& mol);

// Throws argan::Error(InvalidArgument) with details.reason "polymer" for a polymer Sgroup
// (SRU, copolymer, ...) and "star_atom" for a star atom (an open valence). Run before any
// other check on the parsed structure: a repeat unit without star atoms reads as a small
// molecule once its bracket is ignored.
void refusePolymersAndStars(const RDKit::ROMol& mol);

// True for the elements Argan treats as metals (everything except H, the noble gases,
// B, C, N, O, F, Si, P, S, Cl, Ge, As, Se, Br, Sb, Te, I, At).
bool isMetalElement(int atomicNumber);

// Hill formula of a molecule: C, H, then the other symbols alphabetically; without carbon,
// every symbol alphabetically (H included). 2H and 3H are written D and T. A net charge is
// appended as RDKit writes it ("+", "-2").
std::string hillFormula(const RDKit::ROMol& mol);

}  // namespace argan::chem
