#include "chem/counter_ions.h"

#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <map>
#include <memory>

namespace argan::chem {
namespace {

struct Entry {
  const char* smiles;
  const char* name;
  const char* kind;
};

// Written as the Standardizer leaves them: acids neutral, metal cations charged.
constexpr Entry kComponents[] = {
    {"[Li+]", "lithium", "cation"},
    {"[Na+]", "sodium", "cation"},
    {"[K+]", "potassium", "cation"},
    {"[Cs+]", "caesium", "cation"},
    {"[Mg+2]", "magnesium", "cation"},
    {"[Ca+2]", "calcium", "cation"},
    {"[Ba+2]", "barium", "cation"},
    {"[Zn+2]", "zinc", "cation"},
    {"[Fe+2]", "iron(II)", "cation"},
    {"[Fe+3]", "iron(III)", "cation"},
    {"[Cu+2]", "copper(II)", "cation"},
    {"[Al+3]", "aluminium", "cation"},
    {"[Ag+]", "silver", "cation"},
    {"N", "ammonium", "base"},
    {"CN(C)C", "trimethylammonium", "base"},
    {"CCN(CC)CC", "triethylammonium", "base"},
    {"NCCO", "ethanolammonium", "base"},
    {"Cl", "hydrochloride", "acid"},
    {"Br", "hydrobromide", "acid"},
    {"I", "hydroiodide", "acid"},
    {"F", "hydrofluoride", "acid"},
    {"O=S(=O)(O)O", "sulfate", "acid"},
    {"O=P(O)(O)O", "phosphate", "acid"},
    {"O=[N+]([O-])O", "nitrate", "acid"},
    {"O=C(O)O", "carbonate", "acid"},
    {"CS(=O)(=O)O", "mesylate", "acid"},
    {"Cc1ccc(S(=O)(=O)O)cc1", "tosylate", "acid"},
    {"O=S(=O)(O)c1ccccc1", "besylate", "acid"},
    {"O=C(O)C(F)(F)F", "trifluoroacetate", "acid"},
    {"CC(=O)O", "acetate", "acid"},
    {"O=CO", "formate", "acid"},
    {"O=C(O)C(=O)O", "oxalate", "acid"},
    {"O=C(O)CCC(=O)O", "succinate", "acid"},
    {"O=C(O)/C=C/C(=O)O", "fumarate", "acid"},
    {"O=C(O)/C=C\\C(=O)O", "maleate", "acid"},
    {"O=C(O)CC(O)(CC(=O)O)C(=O)O", "citrate", "acid"},
    {"O=C(O)C(O)C(O)C(=O)O", "tartrate", "acid"},
    {"CC(O)C(=O)O", "lactate", "acid"},
    {"O", "water", "solvent"},
    {"CO", "methanol", "solvent"},
    {"CCO", "ethanol", "solvent"},
    {"CC(C)O", "isopropanol", "solvent"},
    {"CC(C)=O", "acetone", "solvent"},
    {"CC#N", "acetonitrile", "solvent"},
    {"CCOC(C)=O", "ethyl acetate", "solvent"},
    {"CS(C)=O", "dimethyl sulfoxide", "solvent"},
    {"CN(C)C=O", "dimethylformamide", "solvent"},
    {"ClCCl", "dichloromethane", "solvent"},
    {"ClC(Cl)Cl", "chloroform", "solvent"},
    {"C1CCOC1", "tetrahydrofuran", "solvent"},
    {"C1COCCO1", "1,4-dioxane", "solvent"},
    {"CCOCC", "diethyl ether", "solvent"},
    {"Cc1ccccc1", "toluene", "solvent"},
    {"c1ccccc1", "benzene", "solvent"},
    {"CCCCCC", "hexane", "solvent"},
};

const std::map<std::string, KnownComponent>& table() {
  static const std::map<std::string, KnownComponent> built = [] {
    std::map<std::string, KnownComponent> t;
    for (const auto& e : kComponents) {
      std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(e.smiles));
      if (!mol) continue;  // table entries are all valid; guard anyway
      t.emplace(RDKit::MolToSmiles(*mol), KnownComponent{e.name, e.kind});
    }
    return t;
  }();
  return built;
}

}  // namespace

bool lookupKnownComponent(const std::string& canonicalSmiles, KnownComponent& out) {
  const auto& t = table();
  auto it = t.find(canonicalSmiles);
  if (it == t.end()) return false;
  out = it->second;
  return true;
}

}  // namespace argan::chem
