#include "chem/standardizer.h"

#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Charge.h>
#include <GraphMol/MolStandardize/Metal.h>
#include <GraphMol/MolStandardize/Normalize.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <RDGeneral/versions.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "chem/counter_ions.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

struct Standardizer::Impl {
  RDKit::MolStandardize::MetalDisconnector metalDisconnector;
  RDKit::MolStandardize::Normalizer normalizer;
  RDKit::MolStandardize::Reionizer reionizer;
  RDKit::MolStandardize::Uncharger uncharger{/*canonicalOrdering=*/true};
};

namespace {

// A cheap order-dependent hash of atoms (element, charge, H count) and bond types, to tell
// whether a step changed anything without writing SMILES.
std::uint64_t structureSignature(const RDKit::ROMol& mol) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  mix(mol.getNumAtoms());
  for (const auto* a : mol.atoms()) {
    mix(static_cast<std::uint64_t>(a->getAtomicNum()));
    mix(static_cast<std::uint64_t>(a->getFormalCharge() + 16));
    mix(a->getTotalNumHs());
  }
  mix(mol.getNumBonds());
  for (const auto* b : mol.bonds()) {
    mix(b->getBeginAtomIdx());
    mix(b->getEndAtomIdx());
    mix(static_cast<std::uint64_t>(b->getBondType()));
  }
  return h;
}

bool hasCarbon(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (a->getAtomicNum() == 6) return true;
  }
  return false;
}

bool hasCharge(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (a->getFormalCharge() != 0) return true;
  }
  return false;
}

// Elements outside this set may be metals for RDKit's MetalDisconnector.
bool onlyNonMetals(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    switch (a->getAtomicNum()) {
      case 1: case 5: case 6: case 7: case 8: case 9: case 14: case 15: case 16: case 17:
      case 33: case 34: case 35: case 52: case 53:
        break;
      default:
        return false;
    }
  }
  return true;
}

bool isChalcogen(int z) { return z == 8 || z == 16 || z == 34 || z == 52; }

// True when one of RDKit's default normalisation rules may match. Every rule but five needs
// a charged atom; the five neutral ones are nitro-like N/P/As/Sb(=X)=X, aromatic n=O,
// N=N#N / *=N#N (a triple bond between nitrogens) and sulfoxides [S;X3](=O).
bool normalizationMayApply(const RDKit::ROMol& mol) {
  if (hasCharge(mol)) return true;
  for (const auto* a : mol.atoms()) {
    const int z = a->getAtomicNum();
    if (z != 7 && z != 15 && z != 33 && z != 51 && z != 16) continue;
    unsigned doubleToChalcogen = 0;
    for (const auto* b : mol.atomBonds(a)) {
      const auto* other = b->getOtherAtom(a);
      if (b->getBondType() == RDKit::Bond::DOUBLE && isChalcogen(other->getAtomicNum())) {
        ++doubleToChalcogen;
      }
      if (z == 7 && b->getBondType() == RDKit::Bond::TRIPLE && other->getAtomicNum() == 7) {
        return true;
      }
    }
    if (z == 16) {
      if (doubleToChalcogen > 0 && a->getTotalDegree() == 3) return true;
    } else if (doubleToChalcogen >= 2 || (z == 7 && a->getIsAromatic() && doubleToChalcogen > 0)) {
      return true;
    }
  }
  return false;
}

// The Reionizer changes nothing unless an atom is negatively charged or isolated (its
// charge corrections apply to lone metal/halogen atoms).
bool reionizationMayApply(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (a->getFormalCharge() < 0 || a->getDegree() == 0) return true;
  }
  return false;
}

unsigned atomCountWithH(const RDKit::ROMol& mol) {
  unsigned n = mol.getNumAtoms();
  for (const auto* a : mol.atoms()) n += a->getTotalNumHs();
  return n;
}

struct FragmentGroup {
  std::string smiles;                   // canonical SMILES, neutralised
  std::unique_ptr<RDKit::ROMol> mol;    // one representative, neutralised
  int count = 0;
  bool organic = false;
  unsigned atoms = 0;
  double mw = 0;
  int charge = 0;                 // net formal charge of the fragment as given
  RDKit::ROMOL_SPTR fragment;     // the fragment as given: its SMILES and formula name an
                                  // anion, computed only for the few forms that need them
};

int netCharge(const RDKit::ROMol& mol) {
  int charge = 0;
  for (const auto* a : mol.atoms()) charge += a->getFormalCharge();
  return charge;
}

// "hydrochloride" -> "chloride": the name of an acid's anion.
std::string anionName(const std::string& acidName) {
  const std::string prefix = "hydro";
  if (acidName.size() > prefix.size() && acidName.compare(0, prefix.size(), prefix) == 0 &&
      acidName.size() >= 3 && acidName.compare(acidName.size() - 3, 3, "ide") == 0) {
    return acidName.substr(prefix.size());
  }
  return acidName;
}

// Parent choice: organic first, then more atoms (with H), then heavier, then SMILES order.
bool betterParent(const FragmentGroup& a, const FragmentGroup& b) {
  return std::make_tuple(!a.organic, -static_cast<long>(a.atoms), -a.mw, a.smiles) <
         std::make_tuple(!b.organic, -static_cast<long>(b.atoms), -b.mw, b.smiles);
}

std::string componentLabel(const FormComponent& c) {
  if (c.kind == "cation" || c.kind == "base") return c.name + " salt";
  if (c.kind == "acid" || c.kind == "anion") return c.name;
  if (c.kind == "solvent") return c.name == "water" ? "hydrate" : c.name + " solvate";
  return c.name + " adduct";
}

}  // namespace

Standardizer::Standardizer(StandardizationOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}

Standardizer::~Standardizer() = default;

std::string Standardizer::description() const {
  std::string steps;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!steps.empty()) steps += ", ";
    steps += name;
  };
  add(true, "remove_hs");
  add(options_.disconnectMetals, "disconnect_metals");
  add(options_.normalize, "normalize");
  add(options_.reionize, "reionize");
  add(options_.keepLargestOrganicFragment, "largest_organic_fragment");
  add(options_.neutralize, "uncharge");
  return std::string("RDKit ") + RDKit::rdkitVersion + "; MolStandardize: " + steps;
}

StandardizedStructure Standardizer::standardize(const RDKit::ROMol& input) {
  StandardizedStructure out;
  try {
    std::unique_ptr<RDKit::RWMol> mol(new RDKit::RWMol(input));
    RDKit::MolOps::removeHs(*mol);
    std::uint64_t before = structureSignature(*mol);
    const bool skip = options_.skipInapplicableSteps;
    if (options_.disconnectMetals && !(skip && onlyNonMetals(*mol))) {
      impl_->metalDisconnector.disconnect(*mol);
      if (structureSignature(*mol) != before) out.stepsApplied.push_back("disconnected metals");
    }
    // RDKit's Normalizer reorders the atoms of multi-fragment molecules even when no rule
    // applies, so it is skipped only for single fragments (identical pickles).
    std::vector<int> fragmentOfAtom;
    if (options_.normalize &&
        !(skip && RDKit::MolOps::getMolFrags(*mol, fragmentOfAtom) == 1 &&
          !normalizationMayApply(*mol))) {
      before = structureSignature(*mol);
      std::unique_ptr<RDKit::ROMol> normalized(impl_->normalizer.normalize(*mol));
      mol.reset(new RDKit::RWMol(*normalized));
      if (structureSignature(*mol) != before) {
        out.stepsApplied.push_back("normalised functional groups");
      }
    }
    if (options_.reionize && !(skip && !reionizationMayApply(*mol))) {
      before = structureSignature(*mol);
      std::unique_ptr<RDKit::ROMol> reionized(impl_->reionizer.reionize(*mol));
      mol.reset(new RDKit::RWMol(*reionized));
      if (structureSignature(*mol) != before) out.stepsApplied.push_back("reionised");
    }
    RDKit::MolOps::assignStereochemistry(*mol, /*cleanIt=*/true, /*force=*/true);

    // Split into fragments and group identical (neutralised) ones.
    std::vector<RDKit::ROMOL_SPTR> fragments = RDKit::MolOps::getMolFrags(*mol);
    std::map<std::string, FragmentGroup> groups;
    bool neutralisedAny = false;
    for (const auto& fragment : fragments) {
      std::unique_ptr<RDKit::ROMol> neutral;
      if (options_.neutralize && !(skip && !hasCharge(*fragment))) {
        neutral.reset(impl_->uncharger.uncharge(*fragment));
        if (structureSignature(*neutral) != structureSignature(*fragment)) neutralisedAny = true;
      } else {
        neutral.reset(new RDKit::ROMol(*fragment));
      }
      std::string smiles = RDKit::MolToSmiles(*neutral);
      auto& group = groups[smiles];
      if (!group.mol) {
        group.smiles = smiles;
        group.organic = hasCarbon(*neutral);
        group.atoms = atomCountWithH(*neutral);
        group.mw = RDKit::Descriptors::calcAMW(*neutral);
        group.mol = std::move(neutral);
        group.charge = netCharge(*fragment);
        group.fragment = fragment;
      }
      ++group.count;
    }
    if (groups.empty()) throw invalidArgument("empty structure: no atoms after standardisation");

    auto parentIt = groups.begin();
    if (options_.keepLargestOrganicFragment) {
      for (auto it = groups.begin(); it != groups.end(); ++it) {
        if (betterParent(it->second, parentIt->second)) parentIt = it;
      }
    }
    out.parentCount = parentIt->second.count;
    out.parent = std::move(parentIt->second.mol);
    out.parentSmiles = parentIt->second.smiles;

    // A parent that stays a cation (a quaternary ammonium) keeps its anions as anions: its
    // chloride is not a hydrochloride, and the form's charges add up.
    const bool cationicParent = netCharge(*out.parent) > 0;
    int divisor = out.parentCount;
    for (auto& [smiles, group] : groups) {
      if (&group == &parentIt->second) continue;
      divisor = std::gcd(divisor, group.count);
      FormComponent component;
      component.smiles = smiles;
      component.count = group.count;
      KnownComponent known;
      bool isKnown = lookupKnownComponent(smiles, known);
      if (cationicParent && group.charge < 0) {
        component.smiles = RDKit::MolToSmiles(*group.fragment);
        component.kind = "anion";
        component.name = isKnown && known.kind == "acid"
                             ? anionName(known.name)
                             : RDKit::Descriptors::calcMolFormula(*group.fragment);
      } else if (isKnown) {
        component.name = known.name;
        component.kind = known.kind;
      } else {
        component.name = RDKit::Descriptors::calcMolFormula(*group.mol);
        component.kind = "other";
      }
      out.components.push_back(std::move(component));
    }
    if (divisor > 1) {
      out.parentCount /= divisor;
      for (auto& c : out.components) c.count /= divisor;
    }
    if (!out.components.empty()) {
      std::string removed;
      for (const auto& c : out.components) removed += (removed.empty() ? "" : ", ") + c.smiles;
      out.stepsApplied.push_back("kept the largest organic fragment as parent; form components: " +
                                 removed);
    }
    if (neutralisedAny) out.stepsApplied.push_back("neutralised charges");

    out.formKey = std::to_string(out.parentCount) + "|";
    for (const auto& c : out.components) {
      if (out.formKey.back() != '|') out.formKey += ".";
      out.formKey += c.smiles + "*" + std::to_string(c.count);
    }
    if (out.components.empty()) {
      out.formLabel = "free form";
    } else {
      // Label salts first, then adducts, then solvates; the key keeps SMILES order.
      auto rank = [](const FormComponent& c) {
        return c.kind == "cation" || c.kind == "base"   ? 0
               : c.kind == "acid" || c.kind == "anion" ? 1
               : c.kind == "other"                   ? 2
                                                     : 3;
      };
      std::vector<FormComponent> ordered = out.components;
      std::stable_sort(ordered.begin(), ordered.end(),
                       [&](const FormComponent& a, const FormComponent& b) {
                         return rank(a) < rank(b);
                       });
      for (const auto& c : ordered) {
        if (!out.formLabel.empty()) out.formLabel += "; ";
        out.formLabel += componentLabel(c) + ", " + std::to_string(out.parentCount) + ":" +
                         std::to_string(c.count);
      }
    }
  } catch (...) {
    rethrowRdkitError("standardisation");
  }
  return out;
}

}  // namespace argan::chem
