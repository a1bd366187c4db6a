#include "chem/solvent_guide.h"

#include <map>

#include "chem/csv.h"
#include "chem/species.h"
#include "common/error.h"

namespace argan {
extern const char* const kChem21SolventsCsv;  // chem/data/chem21_solvents.csv, embedded
}

namespace argan::chem {
namespace {

int toInt(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoi(s);
  } catch (...) {
    return 0;
  }
}

// Structures that belong to a row but are not its SMILES: xylenes are sold as the isomer
// mixture (CAS 1330-20-7) and the table writes o-xylene.
const std::map<int, std::vector<std::string>>& aliases() {
  static const std::map<int, std::vector<std::string>> table = {
      {32, {"Cc1cccc(C)c1", "Cc1ccc(C)cc1"}},
  };
  return table;
}

}  // namespace

SolventGuide SolventGuide::fromCsv(const std::string& csv) {
  std::vector<CsvRow> rows = parseCsv(csv);
  if (rows.size() < 2) throw internalError("CHEM21 table: no rows");
  const CsvRow& header = rows[0];
  std::size_t cNumber = csvColumn(header, "chem21_number");
  std::size_t cName = csvColumn(header, "name");
  std::size_t cFamily = csvColumn(header, "family");
  std::size_t cCas = csvColumn(header, "cas");
  std::size_t cSmiles = csvColumn(header, "smiles");
  std::size_t cSafety = csvColumn(header, "safety_score");
  std::size_t cHealth = csvColumn(header, "health_score");
  std::size_t cEnv = csvColumn(header, "environment_score");
  std::size_t cDefault = csvColumn(header, "ranking_default");
  std::size_t cFinal = csvColumn(header, "ranking_after_discussion");
  SolventGuide guide;
  StructureLimits limits;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.size() < header.size()) {
      throw internalError("CHEM21 table: row " + std::to_string(r + 1) + " has " +
                          std::to_string(row.size()) + " columns");
    }
    Chem21Solvent s;
    s.number = toInt(row[cNumber]);
    s.name = row[cName];
    s.family = row[cFamily];
    s.cas = row[cCas];
    s.smiles = row[cSmiles];
    s.safetyScore = toInt(row[cSafety]);
    s.healthScore = toInt(row[cHealth]);
    s.environmentScore = toInt(row[cEnv]);
    s.rankingDefault = row[cDefault];
    s.ranking = row[cFinal];
    std::vector<std::string> structures = {s.smiles};
    auto extra = aliases().find(s.number);
    if (extra != aliases().end()) {
      structures.insert(structures.end(), extra->second.begin(), extra->second.end());
    }
    for (const auto& smiles : structures) {
      SpeciesDescription d;
      try {
        d = describeSpecies(smiles, /*molfile=*/false, limits);
      } catch (const Error& e) {
        throw internalError("CHEM21 table: the SMILES of '" + s.name +
                            "' does not parse: " + e.what());
      }
      if (d.inchiKey.empty()) {
        throw internalError("CHEM21 table: no InChIKey for '" + s.name + "'");
      }
      s.inchiKeys.push_back(d.inchiKey);
    }
    guide.solvents_.push_back(std::move(s));
  }
  return guide;
}

const Chem21Solvent* SolventGuide::find(const std::string& inchiKey) const {
  if (inchiKey.empty()) return nullptr;
  for (const auto& s : solvents_) {
    for (const auto& key : s.inchiKeys) {
      if (sameSkeletonInchiKey(key, inchiKey)) return &s;
    }
  }
  return nullptr;
}

const SolventGuide& chem21Guide() {
  static const SolventGuide guide = SolventGuide::fromCsv(kChem21SolventsCsv);
  return guide;
}

SolventClass classifySolvent(const std::string& inchiKey) {
  SolventClass c;
  const Chem21Solvent* s = chem21Guide().find(inchiKey);
  if (!s) return c;
  c.recognised = true;
  c.chem21Number = s->number;
  c.name = s->name;
  c.family = s->family;
  c.rankingDefault = s->rankingDefault;
  c.ranking = s->ranking;
  c.safetyScore = s->safetyScore;
  c.healthScore = s->healthScore;
  c.environmentScore = s->environmentScore;
  return c;
}

const char* chem21Reference() {
  return "D. Prat et al., \"CHEM21 selection guide of classical- and less classical-solvents\", "
         "Green Chem., 2016, 18, 288-296, doi:10.1039/C5GC01008J";
}

}  // namespace argan::chem
