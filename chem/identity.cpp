#include "chem/identity.h"

#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/MolHash/MolHash.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Tautomer.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <GraphMol/StereoGroup.h>

#include <algorithm>
#include <regex>
#include <vector>

#include "chem/inchi.h"
#include "chem/standardizer.h"
#include "chem/structure_parser.h"
#include "common/digest.h"
#include "common/error.h"
#include <GraphMol/SmilesParse/SmilesParse.h>

namespace argan::chem {

struct IdentityCalculator::Impl {
  RDKit::MolStandardize::TautomerEnumerator tautomers;
  Impl() {
    tautomers.setMaxTautomers(200);
    tautomers.setMaxTransforms(500);
  }
};

namespace {

std::string hetAtomTautomerHash(const RDKit::ROMol& mol) {
  RDKit::RWMol copy(mol);
  return RDKit::MolHash::MolHash(&copy, RDKit::MolHash::HashFunction::HetAtomTautomer);
}

// Enhanced stereo groups ("&1:3,5" ...) as a sorted suffix, so that a racemate and the
// pure enantiomer are different parents. Empty when the molecule has none.
std::string enhancedStereoSuffix(const RDKit::ROMol& mol) {
  const auto& groups = mol.getStereoGroups();
  if (groups.empty()) return "";
  RDKit::ROMol copy(mol);
  copy.clearConformers();
  std::string cx = RDKit::MolToCXSmiles(copy);
  auto bar = cx.find('|');
  if (bar == std::string::npos) return "";
  static const std::regex groupRe(R"(((?:a|[&o]\d+):\d+(?:,\d+)*))");
  std::vector<std::string> found;
  std::string ext = cx.substr(bar);
  for (std::sregex_iterator it(ext.begin(), ext.end(), groupRe), end; it != end; ++it) {
    found.push_back(it->str());
  }
  if (found.empty()) return "";
  std::sort(found.begin(), found.end());
  std::string out = " |";
  for (std::size_t i = 0; i < found.size(); ++i) out += (i ? "," : "") + found[i];
  return out + "|";
}

bool hasAnyStereo(const RDKit::ROMol& mol) {
  if (!mol.getStereoGroups().empty()) return true;
  for (const auto* a : mol.atoms()) {
    if (a->getChiralTag() != RDKit::Atom::CHI_UNSPECIFIED) return true;
  }
  for (const auto* b : mol.bonds()) {
    if (b->getStereo() != RDKit::Bond::STEREONONE ||
        b->getBondDir() != RDKit::Bond::NONE) {
      return true;
    }
  }
  return false;
}

bool hasHydrogenAtom(const RDKit::ROMol& mol) {
  for (const auto* a : mol.atoms()) {
    if (a->getAtomicNum() == 1) return true;
  }
  return false;
}

}  // namespace

IdentityCalculator::IdentityCalculator(IdentityOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {}
IdentityCalculator::~IdentityCalculator() = default;

std::string fullHashOfLayers(const IdentityLayers& l) {
  // A parent that holds a metal is identified by its standard InChI and formula, so the
  // covalent, ionic and dative drawings of one complex are one parent (docs/identity.md §4).
  if (l.containsMetal) {
    return sha256Hex("formula=" + l.formula + "\ninchi=" + l.inchi + "\nstereo_groups=" +
                     l.stereoGroups);
  }
  return sha256Hex("formula=" + l.formula + "\ncanonical_smiles=" + l.canonicalSmiles +
                   "\ntautomer_hash=" + l.tautomerHash + "\nno_stereo_smiles=" +
                   l.noStereoSmiles + "\nno_stereo_tautomer_hash=" + l.noStereoTautomerHash);
}

IdentityLayers IdentityCalculator::compute(const RDKit::ROMol& input, const IdentityHints& hints) {
  IdentityLayers layers;
  RDKit::RWMol parent(input);
  bool metal = false;
  try {
    canonicaliseStereoGroups(parent);
    for (const auto* a : parent.atoms()) metal = metal || isMetalElement(a->getAtomicNum());
    layers.formula = hillFormula(parent);
    // The standardiser's parent has its stereo groups canonical already, so its SMILES is
    // the one computed here (StructureAnalyser checks this on every molecule it is tested with).
    layers.canonicalSmiles =
        (hints.canonicalSmiles ? *hints.canonicalSmiles : RDKit::MolToSmiles(parent)) +
        enhancedStereoSuffix(parent);
    layers.tautomerHash = hetAtomTautomerHash(parent);

    const bool stereoFree = options_.reuseLayersWithoutStereo && !hasAnyStereo(parent);
    std::unique_ptr<RDKit::RWMol> elements;
    if (stereoFree && !hasHydrogenAtom(parent)) {
      // Removing stereo and hydrogens would leave the same graph: the element graph hash
      // (elements and connectivity only) is taken from the parent itself.
      layers.noStereoSmiles = layers.canonicalSmiles;
      layers.noStereoTautomerHash = layers.tautomerHash;
      elements = std::make_unique<RDKit::RWMol>(parent);
    } else {
      RDKit::RWMol flat(parent);
      RDKit::MolOps::removeStereochemistry(flat);
      flat.clearConformers();
      RDKit::MolOps::removeHs(flat);
      if (stereoFree && flat.getNumAtoms() == parent.getNumAtoms()) {
        layers.noStereoSmiles = layers.canonicalSmiles;
        layers.noStereoTautomerHash = layers.tautomerHash;
      } else {
        layers.noStereoSmiles = RDKit::MolToSmiles(flat);
        layers.noStereoTautomerHash = hetAtomTautomerHash(flat);
      }
      elements = std::make_unique<RDKit::RWMol>(flat);
    }
    layers.skeleton = layers.formula + "|" +
                      RDKit::MolHash::MolHash(elements.get(),
                                              RDKit::MolHash::HashFunction::ElementGraph);
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrowRdkitError("identity");
  }
  InchiOptions inchiOptions;
  inchiOptions.withoutStereoOf = stereoGroupAtoms(parent);
  InchiResult inchi = computeStandardInchi(parent, inchiOptions);
  layers.inchi = inchi.inchi;
  layers.inchiKey = inchi.inchiKey;
  // A parent that holds a metal is identified by its standard InChI and formula, so the
  // covalent, ionic and dative drawings of one complex are one parent (docs/identity.md §4).
  layers.containsMetal = metal;
  layers.stereoGroups = enhancedStereoSuffix(parent);
  layers.fullHash = fullHashOfLayers(layers);
  return layers;
}

bool IdentityCalculator::areTautomers(const std::string& smilesA, const std::string& smilesB) {
  try {
    std::unique_ptr<RDKit::RWMol> a(RDKit::SmilesToMol(smilesA));
    std::unique_ptr<RDKit::RWMol> b(RDKit::SmilesToMol(smilesB));
    if (!a || !b) throw invalidArgument("stored SMILES could not be parsed");
    RDKit::MolOps::removeStereochemistry(*a);
    RDKit::MolOps::removeStereochemistry(*b);
    if (RDKit::MolToSmiles(*a) == RDKit::MolToSmiles(*b)) return false;  // same or stereo
    if (hetAtomTautomerHash(*a) == hetAtomTautomerHash(*b)) return true;
    std::unique_ptr<RDKit::ROMol> ca(impl_->tautomers.canonicalize(*a));
    std::unique_ptr<RDKit::ROMol> cb(impl_->tautomers.canonicalize(*b));
    return RDKit::MolToSmiles(*ca, false) == RDKit::MolToSmiles(*cb, false);
  } catch (...) {
    rethrowRdkitError("tautomer comparison");
  }
}

}  // namespace argan::chem
