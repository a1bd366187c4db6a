#include "chem/standardizer.h"

#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Charge.h>
#include <GraphMol/MolStandardize/Normalize.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <GraphMol/StereoGroup.h>
#include <GraphMol/SubstanceGroup.h>
#include <GraphMol/Substruct/SubstructMatch.h>
#include <RDGeneral/versions.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "chem/mixture_check.h"
#include "chem/salt_formers.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

struct Standardizer::Impl {
  RDKit::MolStandardize::Normalizer normalizer;
  RDKit::MolStandardize::Reionizer reionizer;
  RDKit::MolStandardize::Uncharger uncharger{/*canonicalOrdering=*/true};
  std::unique_ptr<RDKit::ROMol> acidicH;  // O-H of COOH, SO3H, P(=O)OH: the inner-salt site
  std::unique_ptr<RDKit::ROMol> amidine;  // N(H)-C=N, not an amide/thioamide, not aromatic
  Impl() {
    acidicH.reset(RDKit::SmartsToMol("[OX2H1;$(O-[C,S,P]=O)]"));
    amidine.reset(RDKit::SmartsToMol("[NX3;!H0;!a;!$(N-[C,S]=[O,S])]-[CX3;!a]=[NX2;!a]"));
  }
};

namespace {

constexpr const char* kStereoTag = "_arganInputIndex";

// ---------------------------------------------------------------------------------------
// Elements

bool isCounterIonMetal(int z) {
  switch (z) {
    case 3:
    case 11:
    case 19:
    case 37:
    case 55:  // Li Na K Rb Cs
    case 12:
    case 20:
    case 38:
    case 56:  // Mg Ca Sr Ba
      return true;
    default:
      return false;
  }
}

bool isIonicPartner(int z) {
  switch (z) {
    case 7:
    case 8:
    case 16:
    case 34:
    case 9:
    case 17:
    case 35:
    case 53:
      return true;
    default:
      return false;
  }
}

bool containsMetalAtom(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (isMetalElement(a->getAtomicNum())) return true;
  }
  return false;
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

int netCharge(const RDKit::ROMol& mol) {
  int charge = 0;
  for (const auto* a : mol.atoms()) charge += a->getFormalCharge();
  return charge;
}

bool isChalcogen(int z) {
  return z == 8 || z == 16 || z == 34 || z == 52;
}

// True when one of RDKit's default normalisation rules may match (see the git history of
// this function for the derivation: every rule but five needs a charged atom).
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

bool reionizationMayApply(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (a->getFormalCharge() < 0 || a->getDegree() == 0) return true;
  }
  return false;
}

std::string noStereoSmiles(const RDKit::ROMol& mol) {
  RDKit::RWMol flat(mol);
  RDKit::MolOps::removeStereochemistry(flat);
  return RDKit::MolToSmiles(flat);
}

// ---------------------------------------------------------------------------------------
// Step 1: maps, polymers, stars, ABS groups

bool isPolymerSgroup(const std::string& type) {
  static const std::set<std::string> types = {"SRU", "COP", "MON", "MER", "CRO", "GRA",
                                              "MOD", "ALT", "RAN", "BLO", "ANY"};
  return types.count(type) > 0;
}

bool stripAtomMaps(RDKit::RWMol& mol) {
  bool any = false;
  for (auto* a : mol.atoms()) {
    if (a->getAtomMapNum() != 0) {
      a->setAtomMapNum(0);
      any = true;
    }
  }
  return any;
}

bool dropAbsoluteGroups(RDKit::RWMol& mol) {
  std::vector<RDKit::StereoGroup> kept;
  bool dropped = false;
  for (const auto& g : mol.getStereoGroups()) {
    if (g.getGroupType() == RDKit::StereoGroupType::STEREO_ABSOLUTE) {
      dropped = true;
    } else {
      kept.push_back(g);
    }
  }
  if (dropped) mol.setStereoGroups(std::move(kept));
  return dropped;
}

// Stereo groups survive steps that rebuild the molecule (RDKit's Normalizer does for
// multi-fragment molecules) through an atom property naming each atom's input index.
struct SavedGroups {
  std::vector<std::pair<RDKit::StereoGroupType, std::vector<unsigned>>> groups;
};

SavedGroups tagStereoGroupAtoms(RDKit::RWMol& mol) {
  SavedGroups saved;
  if (mol.getStereoGroups().empty()) return saved;
  for (auto* a : mol.atoms()) a->setProp<unsigned>(kStereoTag, a->getIdx());
  for (const auto& g : mol.getStereoGroups()) {
    std::vector<unsigned> ids;
    for (const auto* a : g.getAtoms()) ids.push_back(a->getIdx());
    saved.groups.emplace_back(g.getGroupType(), std::move(ids));
  }
  return saved;
}

// Rebuilds the groups on `mol` (whose atoms carry the tag) from `saved`; atoms that are not
// in `mol` (another fragment) or lost their tag are left out; empty groups are dropped.
void restoreStereoGroups(RDKit::RWMol& mol, const SavedGroups& saved) {
  if (saved.groups.empty()) return;
  std::map<unsigned, RDKit::Atom*> byInput;
  for (auto* a : mol.atoms()) {
    unsigned input = 0;
    if (a->getPropIfPresent(kStereoTag, input)) byInput[input] = a;
  }
  std::vector<RDKit::StereoGroup> groups;
  for (const auto& [type, ids] : saved.groups) {
    std::vector<RDKit::Atom*> atoms;
    for (unsigned id : ids) {
      auto it = byInput.find(id);
      if (it != byInput.end() && it->second->getChiralTag() != RDKit::Atom::CHI_UNSPECIFIED) {
        atoms.push_back(it->second);
      }
    }
    if (!atoms.empty()) groups.emplace_back(type, std::move(atoms));
  }
  mol.setStereoGroups(std::move(groups));
}

// ---------------------------------------------------------------------------------------
// Step 3: ionic bonds of the alkali and alkaline-earth metals

bool ionicBondsToIons(RDKit::RWMol& mol) {
  if (!mol.getRingInfo()->isInitialized()) RDKit::MolOps::findSSSR(mol);
  struct Cut {
    unsigned metal, partner;
    int order;
  };
  std::vector<Cut> cuts;
  for (const auto* metal : mol.atoms()) {
    if (!isCounterIonMetal(metal->getAtomicNum())) continue;
    if (mol.getRingInfo()->numAtomRings(metal->getIdx()) > 0) continue;  // a chelate
    bool bondedToCarbon = false;
    for (const auto* n : mol.atomNeighbors(metal)) {
      if (n->getAtomicNum() == 6) bondedToCarbon = true;
    }
    if (bondedToCarbon) continue;  // Grignard reagents, alkyllithiums
    for (const auto* b : mol.atomBonds(metal)) {
      const auto* other = b->getOtherAtom(metal);
      if (!isIonicPartner(other->getAtomicNum())) continue;
      int order = 0;
      switch (b->getBondType()) {
        case RDKit::Bond::SINGLE:
          order = 1;
          break;
        case RDKit::Bond::DOUBLE:
          order = 2;
          break;
        case RDKit::Bond::TRIPLE:
          order = 3;
          break;
        default:
          continue;  // dative, aromatic, query: left as drawn
      }
      cuts.push_back({metal->getIdx(), other->getIdx(), order});
    }
  }
  if (cuts.empty()) return false;
  // H counts are fixed before any bond goes, so each atom keeps exactly its hydrogens.
  std::map<unsigned, unsigned> hydrogens;
  for (const auto& c : cuts) {
    hydrogens[c.metal] = mol.getAtomWithIdx(c.metal)->getTotalNumHs();
    hydrogens[c.partner] = mol.getAtomWithIdx(c.partner)->getTotalNumHs();
  }
  for (const auto& c : cuts) {
    mol.removeBond(c.metal, c.partner);
    auto* m = mol.getAtomWithIdx(c.metal);
    auto* p = mol.getAtomWithIdx(c.partner);
    m->setFormalCharge(m->getFormalCharge() + c.order);
    p->setFormalCharge(p->getFormalCharge() - c.order);
  }
  for (const auto& [idx, h] : hydrogens) {
    auto* a = mol.getAtomWithIdx(idx);
    a->setNoImplicit(true);
    a->setNumExplicitHs(h);
  }
  RDKit::MolOps::sanitizeMol(mol);
  return true;
}

// ---------------------------------------------------------------------------------------
// Step 5: fragments

struct Fragment {
  std::unique_ptr<RDKit::RWMol> mol;      // as drawn (after steps 1-4), with its stereo groups
  std::unique_ptr<RDKit::ROMol> neutral;  // Uncharger's neutral form
  std::string smiles;                     // canonical SMILES as drawn
  std::string neutralSmiles;
  std::string key;  // neutral, no stereo: the salt-former key
  const SaltFormer* former = nullptr;
  int charge = 0;
  bool metal = false;
  bool carbanion = false;
  bool organic = false;
  bool solvent = false;  // drawn neutral, and listed as a solvent in exactly this form
  double atomsWithH = 0;
};

bool hasCarbanion(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (a->getAtomicNum() == 6 && a->getFormalCharge() < 0) return true;
  }
  return false;
}

// A ring of twelve or more atoms holding four nitrogens: a porphyrin, chlorin or
// phthalocyanine that holds a metal ion (chlorophyll's magnesium).
bool hasTetrapyrroleMacrocycle(RDKit::ROMol& mol) {
  RDKit::MolOps::symmetrizeSSSR(mol);  // the Normalizer leaves no ring information
  for (const auto& ring : mol.getRingInfo()->atomRings()) {
    if (ring.size() < 12) continue;
    int nitrogens = 0;
    for (int idx : ring) nitrogens += mol.getAtomWithIdx(idx)->getAtomicNum() == 7;
    if (nitrogens >= 4) return true;
  }
  return false;
}

unsigned atomCountWithH(const RDKit::ROMol& mol) {
  unsigned n = mol.getNumAtoms();
  for (const auto* a : mol.atoms()) n += a->getTotalNumHs();
  return n;
}

std::string componentNames(const std::vector<const Fragment*>& fragments) {
  std::set<std::string> seen;
  std::string out;
  for (const auto* f : fragments) {
    if (!seen.insert(f->smiles).second) continue;
    if (!out.empty()) out += ", ";
    out += f->smiles;
  }
  return out;
}

// `named` are the fragments the message names; the details list every distinct fragment of
// `all`, the constituents a substance made of this input would have.
[[noreturn]] void refuseMixture(const std::string& why, const std::vector<const Fragment*>& named,
                                const std::vector<const Fragment*>& all) {
  std::vector<std::string> components;
  for (const auto* f : all) {
    if (std::find(components.begin(), components.end(), f->smiles) == components.end()) {
      components.push_back(f->smiles);
    }
  }
  throwMixture("the structure is a mixture, not one compound: " + why + " (" +
                   componentNames(named) +
                   "); draw a racemate as one molecule with an AND group (CXSMILES |&1:...|)",
               components);
}

[[noreturn]] void refuseMixture(const std::string& why, const std::vector<const Fragment*>& all) {
  refuseMixture(why, all, all);
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

std::string componentLabel(const FormComponent& c) {
  if (c.kind == "cation" || c.kind == "base") return c.name + " salt";
  if (c.kind == "acid" || c.kind == "anion") return c.name;
  if (c.kind == "solvent") return c.name == "water" ? "hydrate" : c.name + " solvate";
  return c.name + " adduct";
}

// ---------------------------------------------------------------------------------------
// Step 6: neutral organic parent, inner salts, canonical mobile H

void setHydrogens(RDKit::Atom* a, unsigned h) {
  a->setNoImplicit(true);
  a->setNumExplicitHs(h);
}

// Moves the H of an aromatic five-membered ring between its ring nitrogens (azole annular
// tautomers): one variant per (donor n-H, acceptor n) pair that RDKit can kekulise.
void azoleVariants(const RDKit::ROMol& mol, std::vector<std::unique_ptr<RDKit::RWMol>>& out) {
  const auto* rings = mol.getRingInfo();
  for (const auto& ring : rings->atomRings()) {
    if (ring.size() != 5) continue;
    std::vector<const RDKit::Atom*> donors, acceptors;
    bool aromatic = true;
    for (int idx : ring) {
      const auto* a = mol.getAtomWithIdx(idx);
      if (!a->getIsAromatic()) aromatic = false;
      if (a->getAtomicNum() != 7 || a->getDegree() != 2 || a->getFormalCharge() != 0) continue;
      (a->getTotalNumHs() == 1 ? donors : acceptors).push_back(a);
    }
    if (!aromatic) continue;
    for (const auto* d : donors) {
      for (const auto* acc : acceptors) {
        auto variant = std::make_unique<RDKit::RWMol>(mol);
        setHydrogens(variant->getAtomWithIdx(d->getIdx()), 0);
        setHydrogens(variant->getAtomWithIdx(acc->getIdx()), 1);
        try {
          RDKit::MolOps::sanitizeMol(*variant);
          out.push_back(std::move(variant));
        } catch (const std::exception&) {
          // not a valid aromatic structure with the H there
        }
      }
    }
  }
}

// N(H)-C=N -> N=C-N(H) on each amidine/guanidine unit (not amides, not in aromatic rings).
void amidineVariants(const RDKit::ROMol& mol, const RDKit::ROMol& pattern,
                     std::vector<std::unique_ptr<RDKit::RWMol>>& out) {
  std::vector<RDKit::MatchVectType> matches;
  RDKit::SubstructMatch(mol, pattern, matches);
  for (const auto& m : matches) {
    const unsigned n1 = m[0].second, c = m[1].second, n2 = m[2].second;
    auto variant = std::make_unique<RDKit::RWMol>(mol);
    auto* b1 = variant->getBondBetweenAtoms(n1, c);
    auto* b2 = variant->getBondBetweenAtoms(c, n2);
    b1->setBondType(RDKit::Bond::DOUBLE);
    b2->setBondType(RDKit::Bond::SINGLE);
    b1->setStereo(RDKit::Bond::STEREONONE);
    b2->setStereo(RDKit::Bond::STEREONONE);
    auto* a1 = variant->getAtomWithIdx(n1);
    auto* a2 = variant->getAtomWithIdx(n2);
    setHydrogens(a1, mol.getAtomWithIdx(n1)->getTotalNumHs() - 1);
    setHydrogens(a2, mol.getAtomWithIdx(n2)->getTotalNumHs() + 1);
    try {
      RDKit::MolOps::sanitizeMol(*variant);
      out.push_back(std::move(variant));
    } catch (const std::exception&) {
    }
  }
}

}  // namespace

void canonicaliseStereoGroups(RDKit::RWMol& mol) {
  std::vector<const RDKit::StereoGroup*> groups;
  for (const auto& g : mol.getStereoGroups()) {
    if (g.getGroupType() != RDKit::StereoGroupType::STEREO_ABSOLUTE) groups.push_back(&g);
  }
  if (groups.empty()) return;
  if (groups.size() > 10) {
    throw invalidArgument("more than 10 AND/OR stereo groups are not supported",
                          {{"limit", "max_stereo_groups"}});
  }
  std::vector<std::vector<unsigned>> atoms;
  for (const auto* g : groups) {
    std::vector<unsigned> ids;
    for (const auto* a : g->getAtoms()) ids.push_back(a->getIdx());
    atoms.push_back(std::move(ids));
  }
  auto invert = [&](RDKit::RWMol& m, unsigned mask) {
    for (std::size_t k = 0; k < atoms.size(); ++k) {
      if (!(mask & (1u << k))) continue;
      for (unsigned idx : atoms[k]) m.getAtomWithIdx(idx)->invertChirality();
    }
  };
  std::string best;
  unsigned bestMask = 0;
  for (unsigned mask = 0; mask < (1u << atoms.size()); ++mask) {
    RDKit::RWMol copy(mol);
    copy.clearConformers();
    invert(copy, mask);
    std::string cx = RDKit::MolToCXSmiles(copy);
    if (mask == 0 || cx < best) {
      best = cx;
      bestMask = mask;
    }
  }
  invert(mol, bestMask);
}

void refusePolymersAndStars(const RDKit::ROMol& mol) {
  for (const auto& sg : RDKit::getSubstanceGroups(mol)) {
    std::string type;
    if (sg.getPropIfPresent("TYPE", type) && isPolymerSgroup(type)) {
      throw invalidArgument(
          "the structure is a polymer (" + type +
              " bracket): polymers are registered as substances, not as compounds",
          {{"reason", std::string(kReasonPolymer)}});
    }
  }
  for (const auto* a : mol.atoms()) {
    if (a->getAtomicNum() == 0) {
      throw invalidArgument(
          "atom " + std::to_string(a->getIdx()) +
              " is a star atom (an open valence: a polymer end or an R group); register "
              "polymers as substances and draw compounds without open valences",
          {{"reason", std::string(kReasonStarAtom)},
           {"atom_index", static_cast<std::int64_t>(a->getIdx())}});
    }
  }
}

bool isMetalElement(int z) {
  switch (z) {
    case 0:
    case 1:
    case 2:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18:
    case 32:
    case 33:
    case 34:
    case 35:
    case 36:
    case 51:
    case 52:
    case 53:
    case 54:
    case 85:
    case 86:
      return false;
    default:
      return z > 0;
  }
}

std::string hillFormula(const RDKit::ROMol& mol) {
  std::map<std::string, unsigned> counts;
  int charge = 0;
  for (const auto* a : mol.atoms()) {
    std::string symbol = a->getSymbol();
    if (a->getAtomicNum() == 1 && a->getIsotope() == 2) symbol = "D";
    if (a->getAtomicNum() == 1 && a->getIsotope() == 3) symbol = "T";
    ++counts[symbol];
    if (unsigned h = a->getTotalNumHs()) counts["H"] += h;
    charge += a->getFormalCharge();
  }
  std::vector<std::string> order;
  const bool carbon = counts.count("C") > 0;
  if (carbon) {
    order.push_back("C");
    if (counts.count("H")) order.push_back("H");
  }
  for (const auto& [symbol, n] : counts) {  // std::map: alphabetical
    if (carbon && (symbol == "C" || symbol == "H")) continue;
    order.push_back(symbol);
  }
  std::string out;
  for (const auto& s : order) {
    out += s;
    if (counts[s] > 1) out += std::to_string(counts[s]);
  }
  if (charge != 0) {
    out += charge > 0 ? "+" : "-";
    if (std::abs(charge) > 1) out += std::to_string(std::abs(charge));
  }
  return out;
}

Standardizer::Standardizer(StandardizationOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}

Standardizer::~Standardizer() = default;

std::string Standardizer::description() const {
  return std::string("RDKit ") + RDKit::rdkitVersion +
         "; identity rule 2 (docs/identity.md): strip maps, remove_hs, ionic bonds of "
         "alkali/alkaline-earth metals, normalize, salt formers and solvates "
         "(chem/data/salt_formers.tsv), uncharge organic parent, canonical azole/amidine H";
}

StandardizedStructure Standardizer::standardize(const RDKit::ROMol& input) {
  StandardizedStructure out;
  refusePolymersAndStars(input);
  try {
    std::unique_ptr<RDKit::RWMol> mol(new RDKit::RWMol(input));
    if (stripAtomMaps(*mol)) out.stepsApplied.push_back("removed atom-map numbers");
    if (dropAbsoluteGroups(*mol)) out.stepsApplied.push_back("absolute stereo group dropped");
    RDKit::MolOps::removeHs(*mol);
    if (ionicBondsToIons(*mol)) {
      out.stepsApplied.push_back("alkali/alkaline-earth metal bonds written as ions");
    }
    const bool skip = options_.skipInapplicableSteps;
    SavedGroups groups = tagStereoGroupAtoms(*mol);
    std::vector<int> fragmentOfAtom;
    if (!(skip && RDKit::MolOps::getMolFrags(*mol, fragmentOfAtom) == 1 &&
          !normalizationMayApply(*mol))) {
      const std::string before = RDKit::MolToSmiles(*mol);
      std::unique_ptr<RDKit::ROMol> normalized(impl_->normalizer.normalize(*mol));
      mol.reset(new RDKit::RWMol(*normalized));
      restoreStereoGroups(*mol, groups);
      if (RDKit::MolToSmiles(*mol) != before) {
        out.stepsApplied.push_back("normalised functional groups");
      }
    }

    // Fragments, each with its share of the stereo groups.
    std::vector<std::vector<int>> mapping;
    std::vector<RDKit::ROMOL_SPTR> parts =
        RDKit::MolOps::getMolFrags(*mol, /*sanitizeFrags=*/true, nullptr, &mapping);
    std::vector<Fragment> fragments;
    for (const auto& part : parts) {
      Fragment f;
      f.mol.reset(new RDKit::RWMol(*part));
      restoreStereoGroups(*f.mol, groups);
      f.smiles = RDKit::MolToSmiles(*f.mol);
      f.charge = netCharge(*f.mol);
      f.metal = containsMetalAtom(*f.mol);
      f.carbanion = hasCarbanion(*f.mol);
      f.neutral.reset(hasCharge(*f.mol) ? impl_->uncharger.uncharge(*f.mol)
                                        : new RDKit::ROMol(*f.mol));
      f.neutralSmiles = RDKit::MolToSmiles(*f.neutral);
      f.key = noStereoSmiles(*f.neutral);
      f.former = findSaltFormer(f.key, f.neutralSmiles);
      f.organic = hasCarbon(*f.mol) && !f.metal && !(f.former && f.former->inorganic);
      f.solvent = f.charge == 0 && !hasCharge(*f.mol) && f.former &&
                  f.former->role == SaltFormerRole::Solvent && f.key == noStereoSmiles(*f.mol);
      f.atomsWithH = atomCountWithH(*f.neutral);
      fragments.push_back(std::move(f));
    }
    if (fragments.empty()) throw invalidArgument("empty structure: no atoms");

    std::vector<const Fragment*> all;
    for (const auto& f : fragments) all.push_back(&f);
    std::set<std::string> distinct;
    for (const auto& f : fragments) distinct.insert(f.smiles);

    // Metal compounds and all-inorganic inputs: the whole input except its solvates.
    bool metalCompound = false;
    bool anyMetal = false;
    for (const auto& f : fragments) {
      for (const auto* a : f.mol->atoms()) {
        if (!isMetalElement(a->getAtomicNum())) continue;
        anyMetal = true;
        if (!isCounterIonMetal(a->getAtomicNum()) || a->getDegree() > 0) metalCompound = true;
      }
    }
    if (anyMetal && !metalCompound) {
      for (const auto& f : fragments) {
        if (f.carbanion || hasTetrapyrroleMacrocycle(*f.mol)) metalCompound = true;
      }
    }
    const bool anyOrganic = std::any_of(fragments.begin(), fragments.end(),
                                        [](const Fragment& f) { return f.organic; });

    std::vector<const Fragment*> parentParts;  // fragments that make the parent
    std::vector<const Fragment*> rest;         // form components
    bool wholeInput = false;
    if (distinct.size() == 1) {
      // One molecule, maybe several copies: it is the parent.
      parentParts = all;
      wholeInput = metalCompound || !fragments[0].organic;
    } else if (metalCompound || !anyOrganic) {
      wholeInput = true;
      for (const auto* f : all) (f->solvent ? rest : parentParts).push_back(f);
      if (parentParts.empty()) refuseMixture("only solvents, no solute", all);
      out.stepsApplied.push_back(metalCompound ? "metal compound: registered whole"
                                               : "inorganic substance: registered whole");
    } else {
      // An organic salt or solvate: the parent is the active part, chosen by the list.
      std::map<std::string, std::vector<const Fragment*>> candidates;  // by neutral SMILES
      for (const auto* f : all) {
        if (f->organic && !f->former) candidates[f->neutralSmiles].push_back(f);
      }
      if (candidates.size() > 1) {
        std::vector<const Fragment*> named;
        for (const auto& [s, fs] : candidates) named.push_back(fs.front());
        refuseMixture("more than one molecule that is neither a salt former nor a solvent", named,
                      all);
      }
      if (candidates.size() == 1) {
        parentParts = candidates.begin()->second;
      } else {
        // Every organic fragment is listed: the acid, base or cation among them (the
        // largest), else the one solvent.
        std::map<std::string, std::vector<const Fragment*>> formers, solvents;
        for (const auto* f : all) {
          if (!f->organic) continue;
          (f->former->role == SaltFormerRole::Solvent ? solvents : formers)[f->neutralSmiles]
              .push_back(f);
        }
        auto& pool = formers.empty() ? solvents : formers;
        if (formers.empty() && pool.size() > 1) refuseMixture("only solvents, no solute", all);
        auto best = std::max_element(pool.begin(), pool.end(), [](const auto& a, const auto& b) {
          return std::make_tuple(a.second.front()->atomsWithH, b.first) <
                 std::make_tuple(b.second.front()->atomsWithH, a.first);
        });
        parentParts = best->second;
      }
      for (const auto* f : all) {
        if (std::find(parentParts.begin(), parentParts.end(), f) == parentParts.end()) {
          rest.push_back(f);
        }
      }
      const Fragment& p = *parentParts.front();
      if (p.solvent &&
          std::any_of(rest.begin(), rest.end(), [](const Fragment* f) { return f->solvent; })) {
        refuseMixture("a solvent beside a solvent is a solution", all);
      }
      int restCharge = 0;
      bool restCharged = false;
      for (const auto* f : rest) {
        restCharge += f->charge;
        restCharged = restCharged || f->charge != 0;
      }
      if (p.charge == 0 && restCharged && restCharge == 0) {
        refuseMixture("a neutral molecule beside a salt of its own", all);
      }
    }

    // The parent.
    const Fragment& p = *parentParts.front();
    out.parentCount = static_cast<int>(parentParts.size());
    std::unique_ptr<RDKit::RWMol> parent;
    std::set<std::string> parentDistinct;
    for (const auto* f : parentParts) parentDistinct.insert(f->smiles);
    if (wholeInput && parentDistinct.size() > 1) {
      // Several different fragments make the parent (NaCl, Pd(OAc)2 drawn ionic): one molecule.
      parent.reset(new RDKit::RWMol(*parentParts.front()->mol));
      for (std::size_t i = 1; i < parentParts.size(); ++i) {
        parent->insertMol(*parentParts[i]->mol);
      }
      parent->getRingInfo()->reset();  // the first fragment's rings only: perceive them all
      RDKit::MolOps::sanitizeMol(*parent);
      restoreStereoGroups(*parent, groups);
      out.parentCount = 1;
    } else if (wholeInput) {
      parent.reset(new RDKit::RWMol(*p.mol));
    } else {
      // Organic parent: reionise (strongest acid ionised first), neutralise, inner salt.
      std::unique_ptr<RDKit::ROMol> reionized(options_.skipInapplicableSteps &&
                                                      !reionizationMayApply(*p.mol)
                                                  ? new RDKit::ROMol(*p.mol)
                                                  : impl_->reionizer.reionize(*p.mol));
      std::unique_ptr<RDKit::ROMol> neutral(impl_->uncharger.uncharge(*reionized));
      parent.reset(new RDKit::RWMol(*neutral));
      restoreStereoGroups(*parent, groups);
      if (p.charge != 0 || hasCharge(*p.mol)) {
        if (RDKit::MolToSmiles(*parent) != p.smiles)
          out.stepsApplied.push_back("neutralised charges");
      }
      int positive = netCharge(*parent);
      if (positive > 0) {
        std::vector<RDKit::MatchVectType> sites;
        RDKit::SubstructMatch(*parent, *impl_->acidicH, sites);
        for (const auto& site : sites) {
          if (positive <= 0) break;
          auto* o = parent->getAtomWithIdx(site[0].second);
          o->setFormalCharge(-1);
          setHydrogens(o, 0);
          --positive;
        }
        if (positive < netCharge(*parent)) {
          RDKit::MolOps::sanitizeMol(*parent);
          out.stepsApplied.push_back("inner salt: the acid H of the cation goes to the form");
        }
      }
      // Canonical H on azole rings and amidines: among the placements reachable by those
      // moves (at most 64 structures), the smallest canonical SMILES without stereo, then
      // with it, so that stereoisomers get the same placement (omeprazole, esomeprazole).
      RDKit::MolOps::symmetrizeSSSR(*parent);
      std::vector<std::unique_ptr<RDKit::RWMol>> firstMoves;
      azoleVariants(*parent, firstMoves);
      amidineVariants(*parent, *impl_->amidine, firstMoves);
      auto placementKey = [](const RDKit::ROMol& m) {
        return noStereoSmiles(m) + " " + RDKit::MolToSmiles(m);
      };
      std::map<std::string, std::unique_ptr<RDKit::RWMol>> seen;
      std::vector<RDKit::RWMol*> queue;
      std::string start = firstMoves.empty() ? "" : placementKey(*parent);
      if (!firstMoves.empty()) {
        seen[start] = std::make_unique<RDKit::RWMol>(*parent);
        queue.push_back(seen[start].get());
      }
      while (!queue.empty() && seen.size() < 64) {
        RDKit::RWMol* current = queue.back();
        queue.pop_back();
        std::vector<std::unique_ptr<RDKit::RWMol>> variants;
        azoleVariants(*current, variants);
        amidineVariants(*current, *impl_->amidine, variants);
        for (auto& v : variants) {
          std::string s = placementKey(*v);
          if (seen.count(s)) continue;
          RDKit::MolOps::symmetrizeSSSR(*v);
          queue.push_back(v.get());
          seen[s] = std::move(v);
        }
      }
      if (!seen.empty() && seen.begin()->first != start) {
        parent = std::move(seen.begin()->second);
        out.stepsApplied.push_back("azole/amidine hydrogen placed canonically");
      }
    }
    RDKit::MolOps::assignStereochemistry(*parent, /*cleanIt=*/true, /*force=*/true);
    canonicaliseStereoGroups(*parent);

    // Form components.
    const int parentCharge = netCharge(*parent) * out.parentCount;
    int anionChargeToKeep = parentCharge > 0 ? parentCharge : 0;
    std::map<std::string, FormComponent> components;
    std::vector<const Fragment*> ordered = rest;
    std::sort(ordered.begin(), ordered.end(),
              [](const Fragment* a, const Fragment* b) { return a->smiles < b->smiles; });
    for (const auto* f : ordered) {
      FormComponent c;
      if (f->charge < 0 && anionChargeToKeep > 0) {
        anionChargeToKeep += f->charge;
        c.smiles = f->smiles;
        c.kind = "anion";
        c.name = f->former ? anionName(f->former->name) : hillFormula(*f->mol);
      } else if (f->metal || (!f->organic && !f->former && f->charge != 0)) {
        c.smiles = f->smiles;  // a metal ion or an unlisted inorganic ion stays as drawn
        c.kind = f->former ? saltFormerRoleName(f->former->role) : "other";
        c.name = f->former ? f->former->name : hillFormula(*f->mol);
      } else {
        c.smiles = f->neutralSmiles;
        c.kind = f->former ? saltFormerRoleName(f->former->role) : "other";
        c.name = f->former ? f->former->name : hillFormula(*f->neutral);
      }
      auto& slot = components[c.smiles];
      if (slot.smiles.empty()) {
        slot = c;
        slot.count = 0;
      }
      ++slot.count;
    }
    int divisor = out.parentCount;
    for (const auto& [s, c] : components) divisor = std::gcd(divisor, c.count);
    if (divisor > 1) out.parentCount /= divisor;
    for (auto& [s, c] : components) {
      if (divisor > 1) c.count /= divisor;
      out.components.push_back(c);
    }
    if (!out.components.empty()) {
      std::string removed;
      for (const auto& c : out.components) removed += (removed.empty() ? "" : ", ") + c.smiles;
      out.stepsApplied.push_back("form components: " + removed);
    }

    // The parent must read back from what is stored.
    const std::string written = RDKit::MolToSmiles(*parent);
    std::unique_ptr<RDKit::RWMol> reread(RDKit::SmilesToMol(written));
    if (!reread || RDKit::MolToSmiles(*reread) != written) {
      throw invalidArgument(
          "the standardised structure '" + written +
              "' cannot be stored readably (RDKit cannot read it back); check the drawing",
          {{"reason", std::string(kReasonUnreadableParent)}});
    }
    out.containsMetal = containsMetalAtom(*parent);
    out.parentSmiles = written;
    out.parent = std::move(parent);

    out.formKey = std::to_string(out.parentCount) + "|";
    for (const auto& c : out.components) {
      if (out.formKey.back() != '|') out.formKey += ".";
      out.formKey += c.smiles + "*" + std::to_string(c.count);
    }
    if (out.components.empty()) {
      out.formLabel = "free form";
    } else {
      auto rank = [](const FormComponent& c) {
        return c.kind == "cation" || c.kind == "base"  ? 0
               : c.kind == "acid" || c.kind == "anion" ? 1
               : c.kind == "other"                     ? 2
                                                       : 3;
      };
      std::vector<FormComponent> labelled = out.components;
      std::stable_sort(
          labelled.begin(), labelled.end(),
          [&](const FormComponent& a, const FormComponent& b) { return rank(a) < rank(b); });
      for (const auto& c : labelled) {
        if (!out.formLabel.empty()) out.formLabel += "; ";
        out.formLabel += componentLabel(c) + ", " + std::to_string(out.parentCount) + ":" +
                         std::to_string(c.count);
      }
    }
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrowRdkitError("standardisation");
  }
  return out;
}

}  // namespace argan::chem
