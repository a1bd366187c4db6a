// The CHEM21 solvent selection guide (classical solvents), recognised by structure.
//
// Source: D. Prat, A. Wells, J. Hayler, H. Sneddon, C. R. McElroy, S. Abou-Shehada and
// P. J. Dunn, "CHEM21 selection guide of classical- and less classical-solvents",
// Green Chem., 2016, 18, 288-296, doi:10.1039/C5GC01008J (table of classical solvents;
// see chem/data/README.md for the copy shipped in chem/data/chem21_solvents.csv).
//
// The table is embedded at build time; the InChIKey of every row is computed from its
// SMILES with chem/inchi.h when the guide is first used. A solvent matches a row when the
// InChIKey connectivity block and protonation flag agree (sameSkeletonInchiKey), so
// deuterated solvents and stereoisomers map to their parent solvent. The xylenes row
// (a mixture, written as o-xylene) also matches m- and p-xylene.
#pragma once

#include <string>
#include <vector>

#include "chem/reaction_types.h"

namespace argan::chem {

struct Chem21Solvent {
  int number = 0;
  std::string name;
  std::string family;
  std::string cas;
  std::string smiles;
  std::vector<std::string> inchiKeys;  // of the SMILES (and aliases)
  std::string rankingDefault;
  std::string ranking;  // after discussion
  int safetyScore = 0;
  int healthScore = 0;
  int environmentScore = 0;
};

class SolventGuide {
 public:
  // Parses the CSV (header row with the columns of chem21_solvents.csv) and computes the
  // InChIKeys. Throws argan::Error(Internal) if the table is malformed.
  static SolventGuide fromCsv(const std::string& csv);

  // The row matching this InChIKey, or nullptr.
  const Chem21Solvent* find(const std::string& inchiKey) const;
  const std::vector<Chem21Solvent>& solvents() const { return solvents_; }

 private:
  std::vector<Chem21Solvent> solvents_;
};

// The guide built from the embedded table. Built on first use (thread-safe), then
// immutable; safe to use from any thread.
const SolventGuide& chem21Guide();

// What the guide says about a structure (recognised=false when it is not in the guide).
SolventClass classifySolvent(const std::string& inchiKey);

// Citation for the guide, as shown in API answers.
const char* chem21Reference();

}  // namespace argan::chem
