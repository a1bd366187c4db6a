#include "chem/depiction.h"

#include <GraphMol/MolDraw2D/MolDraw2DSVG.h>
#include <GraphMol/MolDraw2D/MolDraw2DUtils.h>
#include <GraphMol/ChemReactions/Reaction.h>
#include <GraphMol/Depictor/RDDepictor.h>
#include <GraphMol/RWMol.h>

#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {

std::string depictSvg(const RDKit::ROMol& mol, const DepictionOptions& options) {
  if (options.width < 50 || options.width > 2000 || options.height < 50 ||
      options.height > 2000) {
    throw invalidArgument("depiction size must be between 50 and 2000 pixels",
                          {{"field", "width/height"}});
  }
  for (int idx : options.highlightAtoms) {
    if (idx < 0 || static_cast<unsigned>(idx) >= mol.getNumAtoms()) {
      throw invalidArgument("highlighted atom index " + std::to_string(idx) +
                                " is outside the molecule (" +
                                std::to_string(mol.getNumAtoms()) + " atoms)",
                            {{"field", "highlight"}});
    }
  }
  try {
    RDKit::RWMol copy(mol);
    RDKit::MolDraw2DSVG drawer(options.width, options.height);
    if (options.transparentBackground) drawer.drawOptions().clearBackground = false;
    drawer.drawOptions().addStereoAnnotation = true;
    std::vector<int> highlights = options.highlightAtoms;
    RDKit::MolDraw2DUtils::prepareAndDrawMolecule(
        drawer, copy, options.legend, highlights.empty() ? nullptr : &highlights);
    drawer.finishDrawing();
    return drawer.getDrawingText();
  } catch (...) {
    rethrowRdkitError("depiction");
  }
}

std::string depictReactionSvg(const std::string& text, const DepictionOptions& options,
                              const ReactionLimits& limits) {
  if (options.width < 50 || options.width > 2000 || options.height < 50 ||
      options.height > 2000) {
    throw invalidArgument("depiction size must be between 50 and 2000 pixels",
                          {{"field", "width/height"}});
  }
  std::vector<SpeciesText> species =
      looksLikeRxnFile(text) ? checkRxnFile(text, limits) : checkReactionSmiles(text, limits);
  RDKit::ChemicalReaction reaction;
  for (const auto& s : species) {
    ParsedStructure parsed = parseStructure(
        s.text, s.molfile ? StructureFormat::Molfile : StructureFormat::Smiles, limits.structure);
    try {
      if (!s.molfile || parsed.mol->getNumConformers() == 0) {
        RDDepict::compute2DCoords(*parsed.mol);
      }
    } catch (...) {
      rethrowRdkitError(s.label());
    }
    RDKit::ROMOL_SPTR mol(parsed.mol.release());
    switch (s.part) {
      case ReactionPart::Reactants:
        reaction.addReactantTemplate(mol);
        break;
      case ReactionPart::Agents:
        reaction.addAgentTemplate(mol);
        break;
      case ReactionPart::Products:
        reaction.addProductTemplate(mol);
        break;
    }
  }
  try {
    RDKit::MolDraw2DSVG drawer(options.width, options.height);
    if (options.transparentBackground) drawer.drawOptions().clearBackground = false;
    drawer.drawReaction(reaction);
    drawer.finishDrawing();
    return drawer.getDrawingText();
  } catch (...) {
    rethrowRdkitError("reaction depiction");
  }
}

}  // namespace argan::chem
