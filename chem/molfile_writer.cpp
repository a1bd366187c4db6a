#include "chem/molfile_writer.h"

#include <GraphMol/Depictor/RDDepictor.h>
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <memory>
#include <vector>

#include "chem/reaction_input_check.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

namespace {

// Hydrogens as a reader will count them: an atom marked "no implicit H" whose explicit count
// is what its default valence gives anyway is written like any other atom. The V2000 writer
// puts a valence column on every "no implicit H" atom, and a stale one (a nitrogen
// neutralised by the standardiser) makes RDKit itself refuse the record on reading.
void rebuildHydrogenState(RDKit::RWMol& mol) {
  mol.updatePropertyCache(false);
  for (auto* atom : mol.atoms()) {
    if (!atom->getNoImplicit() || atom->getNumRadicalElectrons() != 0) continue;
    const unsigned hydrogens = atom->getTotalNumHs();
    atom->setNoImplicit(false);
    atom->setNumExplicitHs(0);
    atom->updatePropertyCache(false);
    if (atom->getTotalNumHs() != hydrogens) {  // the explicit count is needed: keep it
      atom->setNoImplicit(true);
      atom->setNumExplicitHs(hydrogens);
      atom->updatePropertyCache(false);
    }
  }
}

std::string writeBlock(RDKit::RWMol& mol, const std::string& title) {
  if (mol.getNumConformers() == 0) RDDepict::compute2DCoords(mol);
  mol.setProp(RDKit::common_properties::_Name, title);
  const bool v3000 =
      !mol.getStereoGroups().empty() || mol.getNumAtoms() > 999 || mol.getNumBonds() > 999;
  return RDKit::MolToMolBlock(mol, /*includeStereo=*/true, /*confId=*/-1, /*kekulize=*/true,
                              /*forceV3000=*/v3000);
}

bool readsBack(const std::string& block) {
  try {
    std::unique_ptr<RDKit::RWMol> back(RDKit::MolBlockToMol(block));
    return back != nullptr;
  } catch (...) {
    return false;
  }
}

}  // namespace

std::string molBlockFromPickle(const std::string& pickle, const std::string& title) {
  try {
    RDKit::RWMol mol(pickle);
    rebuildHydrogenState(mol);
    std::string block = writeBlock(mol, title);
    if (readsBack(block)) return block;
    // Last resort: the structure rebuilt from its own canonical SMILES (fresh H state).
    std::unique_ptr<RDKit::RWMol> fresh(RDKit::SmilesToMol(RDKit::MolToCXSmiles(RDKit::RWMol(pickle))));
    if (fresh) {
      block = writeBlock(*fresh, title);
      if (readsBack(block)) return block;
    }
    throw internalError("the Molfile written for '" + title + "' does not read back in RDKit");
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrowRdkitError("stored structure");
  }
}

namespace {

// One species of a reaction as a Molfile: sanitised when RDKit can (so aromatic rings are
// written as Kekulé bonds, which every reader takes), with 2D coordinates.
std::string speciesMolBlock(const RDKit::ROMol& species) {
  RDKit::RWMol mol(species);
  try {
    RDKit::MolOps::sanitizeMol(mol);
  } catch (const std::exception&) {
    mol = RDKit::RWMol(species);  // written as given
  }
  RDDepict::compute2DCoords(mol);
  return RDKit::MolToMolBlock(mol, /*includeStereo=*/true, /*confId=*/-1,
                              /*kekulize=*/mol.getRingInfo()->isInitialized());
}

std::string count3(std::size_t n) {
  std::string s = std::to_string(n);
  return std::string(s.size() < 3 ? 3 - s.size() : 0, ' ') + s;
}

}  // namespace

std::string rxnBlockFromReactionSmiles(const std::string& reactionSmiles,
                                       const std::string& title) {
  // Split with our own reader: RDKit's reaction parser refuses a parenthesised group
  // ("([Zn+2].[O-]S([O-])(=O)=O)") among the agents, which route steps may hold.
  std::vector<SpeciesText> species = checkReactionSmiles(reactionSmiles, ReactionLimits{});
  std::vector<std::string> blocks[3];
  std::size_t counts[3] = {0, 0, 0};
  try {
    for (const auto& s : species) {
      RDKit::SmilesParserParams params;
      params.sanitize = false;  // speciesMolBlock sanitises when it can
      std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(s.text, params));
      if (!mol) {
        throw invalidArgument("RDKit cannot read " + s.label() + " '" + s.text +
                                  "' of the reaction SMILES",
                              {{"field", "reaction_smiles"}});
      }
      // RXN order: reactants, products, then agents.
      std::size_t k = s.part == ReactionPart::Reactants ? 0
                      : s.part == ReactionPart::Products ? 1
                                                         : 2;
      blocks[k].push_back("$MOL\n" + speciesMolBlock(*mol));
      ++counts[k];
    }
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrowRdkitError("reaction SMILES");
  }
  // V2000 RXN: counts line "rrrppp[aaa]".
  std::string out = "$RXN\n" + title.substr(0, 80) + "\n      Argan\n\n" + count3(counts[0]) +
                    count3(counts[1]);
  if (counts[2] > 0) out += count3(counts[2]);
  out += "\n";
  for (const auto& part : blocks) {
    for (const auto& block : part) out += block;
  }
  return out;
}

}  // namespace argan::chem
