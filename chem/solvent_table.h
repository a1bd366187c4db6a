// The CHEM21 classical solvents as a list to choose from: names (English, the guide's other
// name, French), structure, ranking and scores (chem/data/chem21_solvents.csv) with each
// solvent's density (chem/data/solvent_properties.csv), so a volume can be turned into a
// mass. Plain data: parsing needs no RDKit (recognising a solvent by structure is
// chem/solvent_guide.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace argan::chem {

struct SolventListing {
  int number = 0;           // chem21_number
  std::string name;         // English, as in the guide
  std::string altName;      // the guide's other name, "" when the same
  std::string nameFr;       // French
  std::string family;
  std::string cas;
  std::string smiles;
  std::string formula;
  std::optional<double> molarMass;       // g/mol
  std::optional<double> boilingPointC;
  std::optional<double> density;         // g/mL of the liquid at densityTemperatureC
  std::optional<double> densityTemperatureC;
  std::string ranking;                   // after discussion
  std::string rankingDefault;
  int safetyScore = 0;
  int healthScore = 0;
  int environmentScore = 0;
};

// The 53 solvents, by chem21_number, from the tables embedded at build time. Built on first
// use (thread-safe), then immutable. Throws argan::Error(Internal) if a table is malformed
// (a solvent without a density row, a density that is not a positive number).
const std::vector<SolventListing>& solventListing();

// Parses the two tables (exposed for tests).
std::vector<SolventListing> parseSolventListing(const std::string& guideCsv,
                                                const std::string& propertiesCsv);

}  // namespace argan::chem
