// The CHEM21 solvent selection guide, classical and less classical solvents, recognised by
// structure and by name.
//
// Source: D. Prat, A. Wells, J. Hayler, H. Sneddon, C. R. McElroy, S. Abou-Shehada and
// P. J. Dunn, "CHEM21 selection guide of classical- and less classical-solvents",
// Green Chem., 2016, 18, 288-296, doi:10.1039/C5GC01008J. chem/data/chem21_solvents.csv is
// the published table of classical solvents; chem/data/chem21_less_classical.csv holds the
// less classical solvents the cluster uses (CPME, dimethyl carbonate, limonene, p-cymene,
// ethyl lactate, gamma-valerolactone, glycerol, Cyrene) with the inputs of the CHEM21 method
// (boiling point, flash point, worst GHS statements, safety extra points), scored by
// chem21Scores below: the method the paper gives for ranking any solvent. The method
// reproduces the published health and environment scores and default rankings of all 53
// classical rows (tests/chem/solvent_guide_test.cpp). chem/data/solvent_names.tsv lists
// the names and abbreviations a solvent is written by (DMF, EtOAc, 2-MeTHF).
//
// The tables are embedded at build time; the InChIKey of every row is computed from its
// SMILES with chem/inchi.h when the guide is first used. A solvent matches a row when the
// InChIKey connectivity block and protonation flag agree (sameSkeletonInchiKey), so
// deuterated solvents and stereoisomers map to their parent solvent. The xylenes row
// (a mixture, written as o-xylene) also matches m- and p-xylene.
#pragma once

#include <optional>
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
  std::string rankingSource;        // "published" | "computed (CHEM21 method)"
  std::vector<std::string> names;   // normalised names and abbreviations (solvent_names.tsv)
};

// The CHEM21 scores of a solvent from the method's inputs (Prat et al. 2016, tables 1-3):
//   safety: flash point > 60 °C 1, 24-60 3, 0-23 4, -1 to -20 5, < -20 7 (none: 1), plus
//           `safetyExtraPoints` (autoignition below 200 °C, peroxides, high resistivity)
//   health: worst H3xx: none 1; H302, H304, H312, H315, H317, H319, H332, H335, H336 2;
//           H318 4; H301, H311, H331, H341, H351, H361 6; H314 7; H300, H310, H330, H340,
//           H350, H360 9; + 1 when the boiling point is at most 85 °C
//   environment: boiling point < 50 or > 200 °C 7, 50-69 or 140-200 5, 70-139 3; H400,
//           H410, H411 7; H412, H413 5; H420 10; the worse of the two
//   default ranking: a score >= 8 or two >= 7 Hazardous; a 7 or two of 4-6 Problematic;
//           else Recommended
struct Chem21Scores {
  int safety = 0;
  int health = 0;
  int environment = 0;
  std::string ranking;
};
// Throws argan::Error(InvalidArgument) for a GHS statement the method does not score.
Chem21Scores chem21Scores(std::optional<double> boilingPointC, std::optional<double> flashPointC,
                          const std::string& worstH3xx, const std::string& worstH4xx,
                          int safetyExtraPoints);

// "DMF" -> "dmf", "N,N-Dimethyl formamide" -> "nndimethylformamide": how names are compared.
std::string normaliseSolventName(const std::string& name);

class SolventGuide {
 public:
  // Parses the CSV (header row with the columns of chem21_solvents.csv) and computes the
  // InChIKeys. Throws argan::Error(Internal) if the table is malformed.
  static SolventGuide fromCsv(const std::string& csv);
  // The published table, the less classical table (scored by chem21Scores) and the names.
  // Throws argan::Error(Internal) if a table is malformed.
  static SolventGuide fromTables(const std::string& classicalCsv,
                                 const std::string& lessClassicalCsv,
                                 const std::string& namesTsv);

  // The row matching this InChIKey, or nullptr.
  const Chem21Solvent* find(const std::string& inchiKey) const;
  // The row one of whose names is `name` (normaliseSolventName), or nullptr.
  const Chem21Solvent* findByName(const std::string& name) const;
  const std::vector<Chem21Solvent>& solvents() const { return solvents_; }

 private:
  std::vector<Chem21Solvent> solvents_;
};

// The guide built from the embedded table. Built on first use (thread-safe), then
// immutable; safe to use from any thread.
const SolventGuide& chem21Guide();

// What the guide says about a structure (recognised=false when it is not in the guide).
SolventClass classifySolvent(const std::string& inchiKey);
// The same for a component given by name only ("DMF", "ethanol", "2-MeTHF").
SolventClass classifySolventByName(const std::string& name);

// Citation for the guide, as shown in API answers.
const char* chem21Reference();

}  // namespace argan::chem
