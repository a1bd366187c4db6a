#include "chem/molfile_writer.h"

#include <GraphMol/ChemReactions/Reaction.h>
#include <GraphMol/ChemReactions/ReactionParser.h>
#include <GraphMol/Depictor/RDDepictor.h>
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/RWMol.h>

#include <memory>

#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

std::string molBlockFromPickle(const std::string& pickle, const std::string& title) {
  try {
    RDKit::RWMol mol(pickle);
    if (mol.getNumConformers() == 0) RDDepict::compute2DCoords(mol);
    mol.setProp(RDKit::common_properties::_Name, title);
    bool v3000 = !mol.getStereoGroups().empty() || mol.getNumAtoms() > 999 ||
                 mol.getNumBonds() > 999;
    return RDKit::MolToMolBlock(mol, /*includeStereo=*/true, /*confId=*/-1, /*kekulize=*/true,
                                /*forceV3000=*/v3000);
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
  std::unique_ptr<RDKit::ChemicalReaction> reaction;
  try {
    reaction.reset(RDKit::RxnSmartsToChemicalReaction(reactionSmiles, nullptr,
                                                      /*useSmiles=*/true));
  } catch (...) {
    rethrowRdkitError("reaction SMILES");
  }
  if (!reaction) {
    throw invalidArgument("RDKit cannot read the reaction SMILES '" + reactionSmiles + "'",
                          {{"field", "reaction_smiles"}});
  }
  try {
    // V2000 RXN: reactants, products, then agents (counts line "rrrpppaaa").
    std::string out = "$RXN\n" + title.substr(0, 80) + "\n      Argan\n\n" +
                      count3(reaction->getReactants().size()) +
                      count3(reaction->getProducts().size());
    if (!reaction->getAgents().empty()) out += count3(reaction->getAgents().size());
    out += "\n";
    for (const auto* part : {&reaction->getReactants(), &reaction->getProducts(),
                             &reaction->getAgents()}) {
      for (const auto& species : *part) out += "$MOL\n" + speciesMolBlock(*species);
    }
    return out;
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrowRdkitError("reaction");
  }
}

}  // namespace argan::chem
