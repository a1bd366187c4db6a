#include "chem/depiction.h"

#include <GraphMol/MolDraw2D/MolDraw2DSVG.h>
#include <GraphMol/MolDraw2D/MolDraw2DUtils.h>
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

}  // namespace argan::chem
