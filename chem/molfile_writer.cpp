#include "chem/molfile_writer.h"

#include <GraphMol/Depictor/RDDepictor.h>
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/RWMol.h>

#include "chem/structure_parser.h"

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

}  // namespace argan::chem
