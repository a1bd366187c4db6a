#include "chem/salt_formers.h"

#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Charge.h>
#include <GraphMol/MolStandardize/Normalize.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "common/error.h"

namespace argan {
extern const char* const kSaltFormersTsv;  // chem/data/salt_formers.tsv, embedded
}

namespace argan::chem {
namespace {

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

SaltFormerRole parseRole(const std::string& word, int line) {
  if (word == "cation") return SaltFormerRole::Cation;
  if (word == "base") return SaltFormerRole::Base;
  if (word == "acid") return SaltFormerRole::Acid;
  if (word == "anion") return SaltFormerRole::Anion;
  if (word == "solvent") return SaltFormerRole::Solvent;
  throw internalError("salt_formers.tsv line " + std::to_string(line) + ": unknown role '" + word +
                      "'");
}

struct Table {
  std::vector<SaltFormer> entries;
  std::multimap<std::string, std::size_t> byKey;  // no-stereo neutral key -> entry
  std::vector<std::string> exact;                 // canonical SMILES of each entry
};

const Table& table() {
  static const Table built = [] {
    Table t;
    RDKit::MolStandardize::Normalizer normalizer;
    RDKit::MolStandardize::Uncharger uncharger(/*canonicalOrdering=*/true);
    std::istringstream in(kSaltFormersTsv);
    std::string line;
    int number = 0;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      std::vector<std::string> f = splitTabs(line);
      if (header.empty()) {
        header = f;
        if (f.size() < 4 || f[0] != "smiles" || f[1] != "name" || f[2] != "role" ||
            f[3] != "class") {
          throw internalError("salt_formers.tsv: unexpected header");
        }
        continue;
      }
      if (f.size() < 4) {
        throw internalError("salt_formers.tsv line " + std::to_string(number) +
                            ": fewer than 4 columns");
      }
      std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(f[0]));
      if (!mol) {
        throw internalError("salt_formers.tsv line " + std::to_string(number) +
                            ": RDKit cannot read '" + f[0] + "'");
      }
      std::unique_ptr<RDKit::ROMol> normal(normalizer.normalize(*mol));
      std::unique_ptr<RDKit::ROMol> neutral(uncharger.uncharge(*normal));
      std::string exact = RDKit::MolToSmiles(*neutral);
      RDKit::RWMol flat(*neutral);
      RDKit::MolOps::removeStereochemistry(flat);
      std::string key = RDKit::MolToSmiles(flat);
      SaltFormer e;
      e.smiles = f[0];
      e.name = f[1];
      e.role = parseRole(f[2], number);
      if (f[3] != "organic" && f[3] != "inorganic") {
        throw internalError("salt_formers.tsv line " + std::to_string(number) +
                            ": class must be organic or inorganic");
      }
      e.inorganic = f[3] == "inorganic";
      t.byKey.emplace(key, t.entries.size());
      t.exact.push_back(exact);
      t.entries.push_back(std::move(e));
    }
    if (t.entries.empty()) throw internalError("salt_formers.tsv: no entries");
    return t;
  }();
  return built;
}

}  // namespace

const char* saltFormerRoleName(SaltFormerRole role) {
  switch (role) {
    case SaltFormerRole::Cation:
      return "cation";
    case SaltFormerRole::Base:
      return "base";
    case SaltFormerRole::Acid:
      return "acid";
    case SaltFormerRole::Anion:
      return "anion";
    case SaltFormerRole::Solvent:
      return "solvent";
  }
  return "acid";
}

const SaltFormer* findSaltFormer(const std::string& noStereoNeutralSmiles,
                                 const std::string& exactSmiles) {
  const Table& t = table();
  auto [begin, end] = t.byKey.equal_range(noStereoNeutralSmiles);
  if (begin == end) return nullptr;
  for (auto it = begin; it != end; ++it) {
    if (!exactSmiles.empty() && t.exact[it->second] == exactSmiles) return &t.entries[it->second];
  }
  return &t.entries[begin->second];
}

std::size_t saltFormerCount() {
  return table().entries.size();
}

}  // namespace argan::chem
