#include "chem/solvent_guide.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "chem/csv.h"
#include "chem/species.h"
#include "common/error.h"

namespace argan {
extern const char* const kChem21SolventsCsv;  // chem/data/chem21_solvents.csv, embedded
extern const char* const kChem21LessClassicalCsv;  // chem/data/chem21_less_classical.csv
extern const char* const kSolventNamesTsv;         // chem/data/solvent_names.tsv
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

std::optional<double> toNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    // ">200" (the table's way of saying "above 200") counts as just above.
    return s[0] == '>' ? std::stod(s.substr(1)) + 1 : std::stod(s);
  } catch (...) {
    return std::nullopt;
  }
}

int healthBase(const std::string& h) {
  static const std::map<std::string, int> scores = {
      {"", 1},     {"H302", 2}, {"H304", 2}, {"H312", 2}, {"H315", 2}, {"H317", 2},
      {"H319", 2}, {"H332", 2}, {"H335", 2}, {"H336", 2}, {"H318", 4}, {"H301", 6},
      {"H311", 6}, {"H331", 6}, {"H341", 6}, {"H351", 6}, {"H361", 6}, {"H314", 7},
      {"H300", 9}, {"H310", 9}, {"H330", 9}, {"H340", 9}, {"H350", 9}, {"H360", 9}};
  auto it = scores.find(h);
  if (it == scores.end()) {
    throw invalidArgument("the CHEM21 method has no health score for '" + h + "'");
  }
  return it->second;
}

}  // namespace

Chem21Scores chem21Scores(std::optional<double> bp, std::optional<double> fp,
                          const std::string& worstH3xx, const std::string& worstH4xx,
                          int safetyExtraPoints) {
  Chem21Scores s;
  if (!fp) {
    s.safety = 1;
  } else if (*fp > 60) {
    s.safety = 1;
  } else if (*fp > 23) {
    s.safety = 3;
  } else if (*fp >= 0) {
    s.safety = 4;
  } else if (*fp >= -20) {
    s.safety = 5;
  } else {
    s.safety = 7;
  }
  s.safety = std::min(10, s.safety + safetyExtraPoints);
  s.health = healthBase(worstH3xx);
  if (!worstH3xx.empty() && bp && *bp <= 85) s.health = std::min(10, s.health + 1);
  if (bp) {
    s.environment = (*bp < 50 || *bp > 200) ? 7 : (*bp < 70 || *bp >= 140) ? 5 : 3;
  } else {
    s.environment = 7;
  }
  if (worstH4xx == "H400" || worstH4xx == "H410" || worstH4xx == "H411") {
    s.environment = std::max(s.environment, 7);
  } else if (worstH4xx == "H412" || worstH4xx == "H413") {
    s.environment = std::max(s.environment, 5);
  } else if (worstH4xx == "H420") {
    s.environment = 10;
  } else if (!worstH4xx.empty()) {
    throw invalidArgument("the CHEM21 method has no environment score for '" + worstH4xx + "'");
  }
  const int scores[] = {s.safety, s.health, s.environment};
  int high = 0, red = 0, yellow = 0;
  for (int v : scores) {
    high += v >= 8;
    red += v >= 7;
    yellow += v >= 4 && v <= 6;
  }
  s.ranking = (high > 0 || red >= 2) ? "Hazardous"
              : (red == 1 || yellow >= 2) ? "Problematic"
                                          : "Recommended";
  return s;
}

std::string normaliseSolventName(const std::string& name) {
  std::string out;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) || ch >= 0x80) out.push_back(static_cast<char>(std::tolower(ch)));
  }
  return out;
}

SolventGuide SolventGuide::fromTables(const std::string& classicalCsv,
                                      const std::string& lessClassicalCsv,
                                      const std::string& namesTsv) {
  SolventGuide guide = fromCsv(classicalCsv);
  SolventGuide more = fromCsv(lessClassicalCsv);
  for (auto& s : more.solvents_) guide.solvents_.push_back(std::move(s));
  std::map<int, Chem21Solvent*> byNumber;
  for (auto& s : guide.solvents_) {
    byNumber[s.number] = &s;
    s.names.push_back(normaliseSolventName(s.name));
  }
  std::istringstream in(namesTsv);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) throw internalError("solvent_names.tsv: no tab in '" + line + "'");
    auto it = byNumber.find(toInt(line.substr(0, tab)));
    if (it == byNumber.end()) {
      throw internalError("solvent_names.tsv: no CHEM21 row " + line.substr(0, tab));
    }
    std::istringstream names(line.substr(tab + 1));
    std::string name;
    while (std::getline(names, name, '|')) {
      std::string key = normaliseSolventName(name);
      if (!key.empty()) it->second->names.push_back(key);
    }
  }
  return guide;
}

SolventGuide SolventGuide::fromCsv(const std::string& csv) {
  std::vector<CsvRow> rows = parseCsv(csv);
  if (rows.size() < 2) throw internalError("CHEM21 table: no rows");
  const CsvRow& header = rows[0];
  std::size_t cNumber = csvColumn(header, "chem21_number");
  std::size_t cName = csvColumn(header, "name");
  std::size_t cFamily = csvColumn(header, "family");
  std::size_t cCas = csvColumn(header, "cas");
  std::size_t cSmiles = csvColumn(header, "smiles");
  // The published table holds the scores; the less classical table the method's inputs.
  const bool published =
      std::find(header.begin(), header.end(), "safety_score") != header.end();
  std::size_t cSafety = 0, cHealth = 0, cEnv = 0, cDefault = 0, cFinal = 0;
  std::size_t cBp = 0, cFp = 0, cH3 = 0, cH4 = 0, cExtra = 0;
  if (published) {
    cSafety = csvColumn(header, "safety_score");
    cHealth = csvColumn(header, "health_score");
    cEnv = csvColumn(header, "environment_score");
    cDefault = csvColumn(header, "ranking_default");
    cFinal = csvColumn(header, "ranking_after_discussion");
  } else {
    cBp = csvColumn(header, "bp_c");
    cFp = csvColumn(header, "fp_c");
    cH3 = csvColumn(header, "worst_h3xx");
    cH4 = csvColumn(header, "worst_h4xx");
    cExtra = csvColumn(header, "safety_extra_points");
  }
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
    if (published) {
      s.safetyScore = toInt(row[cSafety]);
      s.healthScore = toInt(row[cHealth]);
      s.environmentScore = toInt(row[cEnv]);
      s.rankingDefault = row[cDefault];
      s.ranking = row[cFinal];
      s.rankingSource = "published";
    } else {
      Chem21Scores scores;
      try {
        scores = chem21Scores(toNumber(row[cBp]), toNumber(row[cFp]), row[cH3], row[cH4],
                              toInt(row[cExtra]));
      } catch (const Error& e) {
        throw internalError("CHEM21 table: '" + s.name + "': " + e.what());
      }
      s.safetyScore = scores.safety;
      s.healthScore = scores.health;
      s.environmentScore = scores.environment;
      s.rankingDefault = scores.ranking;
      s.ranking = scores.ranking;  // no discussion: the default ranking is the ranking
      s.rankingSource = "computed (CHEM21 method)";
    }
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

const Chem21Solvent* SolventGuide::findByName(const std::string& name) const {
  const std::string key = normaliseSolventName(name);
  if (key.empty()) return nullptr;
  for (const auto& s : solvents_) {
    if (std::find(s.names.begin(), s.names.end(), key) != s.names.end()) return &s;
  }
  return nullptr;
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
  static const SolventGuide guide =
      SolventGuide::fromTables(kChem21SolventsCsv, kChem21LessClassicalCsv, kSolventNamesTsv);
  return guide;
}

namespace {

SolventClass classOf(const Chem21Solvent* s) {
  SolventClass c;
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

}  // namespace

SolventClass classifySolvent(const std::string& inchiKey) {
  return classOf(chem21Guide().find(inchiKey));
}

SolventClass classifySolventByName(const std::string& name) {
  return classOf(chem21Guide().findByName(name));
}

const char* chem21Reference() {
  return "D. Prat et al., \"CHEM21 selection guide of classical- and less classical-solvents\", "
         "Green Chem., 2016, 18, 288-296, doi:10.1039/C5GC01008J";
}

}  // namespace argan::chem
