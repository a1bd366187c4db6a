#include "chem/solvent_table.h"

#include <cctype>
#include <map>

#include "chem/csv.h"
#include "common/error.h"

namespace argan {
extern const char* const kChem21SolventsCsv;     // chem/data/chem21_solvents.csv, embedded
extern const char* const kSolventPropertiesCsv;  // chem/data/solvent_properties.csv, embedded
}

namespace argan::chem {
namespace {

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

int integer(const std::string& s) {
  auto v = number(s);
  return v ? static_cast<int>(*v) : 0;
}

bool sameText(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<SolventListing> parseSolventListing(const std::string& guideCsv,
                                                const std::string& propertiesCsv) {
  struct Properties {
    std::string nameFr;
    double density = 0;
    std::optional<double> temperature;
  };
  std::map<int, Properties> properties;
  {
    std::vector<CsvRow> rows = parseCsv(propertiesCsv);
    if (rows.empty()) throw internalError("solvent properties: no header");
    const CsvRow& h = rows[0];
    std::size_t cNumber = csvColumn(h, "chem21_number");
    std::size_t cFr = csvColumn(h, "name_fr");
    std::size_t cDensity = csvColumn(h, "density_g_ml");
    std::size_t cTemperature = csvColumn(h, "temperature_c");
    for (std::size_t r = 1; r < rows.size(); ++r) {
      const CsvRow& row = rows[r];
      if (row.size() < h.size()) {
        throw internalError("solvent properties: row " + std::to_string(r + 1) + " is short");
      }
      auto density = number(row[cDensity]);
      if (!density || *density <= 0 || *density > 30) {
        throw internalError("solvent properties: row " + std::to_string(r + 1) +
                            " has no valid density");
      }
      properties[integer(row[cNumber])] = {row[cFr], *density, number(row[cTemperature])};
    }
  }
  std::vector<CsvRow> rows = parseCsv(guideCsv);
  if (rows.empty()) throw internalError("CHEM21 table: no header");
  const CsvRow& h = rows[0];
  std::size_t cNumber = csvColumn(h, "chem21_number"), cName = csvColumn(h, "name"),
              cAlt = csvColumn(h, "alt_name"), cFamily = csvColumn(h, "family"),
              cCas = csvColumn(h, "cas"), cSmiles = csvColumn(h, "smiles"),
              cFormula = csvColumn(h, "formula"), cMw = csvColumn(h, "mw_rdkit"),
              cBp = csvColumn(h, "bp_c"), cSafety = csvColumn(h, "safety_score"),
              cHealth = csvColumn(h, "health_score"), cEnv = csvColumn(h, "environment_score"),
              cDefault = csvColumn(h, "ranking_default"),
              cFinal = csvColumn(h, "ranking_after_discussion");
  std::vector<SolventListing> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.size() < h.size()) {
      throw internalError("CHEM21 table: row " + std::to_string(r + 1) + " is short");
    }
    SolventListing s;
    s.number = integer(row[cNumber]);
    s.name = row[cName];
    s.altName = sameText(row[cAlt], s.name) ? "" : row[cAlt];
    s.family = row[cFamily];
    s.cas = row[cCas];
    s.smiles = row[cSmiles];
    s.formula = row[cFormula];
    s.molarMass = number(row[cMw]);
    s.boilingPointC = number(row[cBp]);
    s.ranking = row[cFinal];
    s.rankingDefault = row[cDefault];
    s.safetyScore = integer(row[cSafety]);
    s.healthScore = integer(row[cHealth]);
    s.environmentScore = integer(row[cEnv]);
    auto p = properties.find(s.number);
    if (p == properties.end()) {
      throw internalError("solvent properties: no row for CHEM21 solvent " +
                          std::to_string(s.number) + " (" + s.name + ")");
    }
    s.nameFr = p->second.nameFr;
    s.density = p->second.density;
    s.densityTemperatureC = p->second.temperature;
    out.push_back(std::move(s));
  }
  return out;
}

const std::vector<SolventListing>& solventListing() {
  static const std::vector<SolventListing> listing =
      parseSolventListing(kChem21SolventsCsv, kSolventPropertiesCsv);
  return listing;
}

}  // namespace argan::chem
