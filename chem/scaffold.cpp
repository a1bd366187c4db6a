#include "chem/scaffold.h"

#include <GraphMol/ChemTransforms/ChemTransforms.h>
#include <GraphMol/MolPickler.h>
#include <GraphMol/ROMol.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <memory>

#include "chem/structure_parser.h"

namespace argan::chem {

std::string murckoScaffoldOfPickle(std::string_view pickle) {
  try {
    RDKit::ROMol mol;
    RDKit::MolPickler::molFromPickle(std::string(pickle), &mol, RDKit::PicklerOps::NoProps);
    std::unique_ptr<RDKit::ROMol> scaffold(RDKit::MurckoDecompose(mol));
    if (!scaffold || scaffold->getNumAtoms() == 0) return "";
    return RDKit::MolToSmiles(*scaffold);
  } catch (...) {
    rethrowRdkitError("stored structure (scaffold)");
  }
}

}  // namespace argan::chem
