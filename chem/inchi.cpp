#include "chem/inchi.h"

#include <GraphMol/MolOps.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/StereoGroup.h>
#include <inchi_api.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "common/error.h"

namespace argan::chem {
namespace {

std::mutex& inchiMutex() {
  static std::mutex m;
  return m;
}

// Position of `atom` in the neighbour order RDKit's chiral tag refers to (bond order).
std::vector<int> rdkitNeighbourOrder(const RDKit::ROMol& mol, const RDKit::Atom* atom) {
  std::vector<int> order;
  for (const auto* bond : mol.atomBonds(atom)) {
    order.push_back(static_cast<int>(bond->getOtherAtomIdx(atom->getIdx())));
  }
  return order;
}

void addTetrahedralParities(const RDKit::ROMol& mol, const std::set<unsigned>& skip,
                            std::vector<inchi_Stereo0D>& out) {
  for (const auto* atom : mol.atoms()) {
    if (skip.count(atom->getIdx())) continue;
    auto tag = atom->getChiralTag();
    if (tag != RDKit::Atom::CHI_TETRAHEDRAL_CW && tag != RDKit::Atom::CHI_TETRAHEDRAL_CCW) {
      continue;
    }
    std::vector<int> nbrs = rdkitNeighbourOrder(mol, atom);
    inchi_Stereo0D s{};
    s.central_atom = static_cast<AT_NUM>(atom->getIdx());
    s.type = INCHI_StereoType_Tetrahedral;
    // RDKit: looking from the first neighbour (in bond order), the other three run
    // clockwise for CW; an implicit H (or lone pair) counts as the *last* neighbour.
    // InChI: parity 'e' when, seen from neighbor[0], neighbours 1..3 run clockwise; for a
    // centre with three neighbours the central atom itself stands first for the H.
    // Moving the H from last to first is an odd permutation, hence the flip below.
    // Verified against the inchi_main tool on ChEMBL stereo molecules (tests/chem).
    bool clockwise = tag == RDKit::Atom::CHI_TETRAHEDRAL_CW;
    if (nbrs.size() == 4) {
      for (int k = 0; k < 4; ++k) s.neighbor[k] = static_cast<AT_NUM>(nbrs[k]);
      s.parity = clockwise ? INCHI_PARITY_EVEN : INCHI_PARITY_ODD;
    } else if (nbrs.size() == 3) {
      s.neighbor[0] = static_cast<AT_NUM>(atom->getIdx());
      for (int k = 0; k < 3; ++k) s.neighbor[k + 1] = static_cast<AT_NUM>(nbrs[k]);
      s.parity = clockwise ? INCHI_PARITY_ODD : INCHI_PARITY_EVEN;
    } else {
      continue;
    }
    out.push_back(s);
  }
}

void addDoubleBondParities(const RDKit::ROMol& mol, std::vector<inchi_Stereo0D>& out) {
  for (const auto* bond : mol.bonds()) {
    auto stereo = bond->getStereo();
    if (stereo != RDKit::Bond::STEREOE && stereo != RDKit::Bond::STEREOZ &&
        stereo != RDKit::Bond::STEREOCIS && stereo != RDKit::Bond::STEREOTRANS) {
      continue;
    }
    const auto& ends = bond->getStereoAtoms();
    if (ends.size() != 2) continue;
    inchi_Stereo0D s{};
    s.central_atom = NO_ATOM;
    s.type = INCHI_StereoType_DoubleBond;
    s.neighbor[0] = static_cast<AT_NUM>(ends[0]);
    s.neighbor[1] = static_cast<AT_NUM>(bond->getBeginAtomIdx());
    s.neighbor[2] = static_cast<AT_NUM>(bond->getEndAtomIdx());
    s.neighbor[3] = static_cast<AT_NUM>(ends[1]);
    // The stereo atoms must be attached to the right ends.
    if (!mol.getBondBetweenAtoms(ends[0], bond->getBeginAtomIdx())) {
      std::swap(s.neighbor[1], s.neighbor[2]);
    }
    bool trans = stereo == RDKit::Bond::STEREOE || stereo == RDKit::Bond::STEREOTRANS;
    s.parity = trans ? INCHI_PARITY_EVEN : INCHI_PARITY_ODD;
    out.push_back(s);
  }
}

}  // namespace

InchiResult computeStandardInchi(const RDKit::ROMol& input, const InchiOptions& options) {
  RDKit::RWMol mol(input);
  RDKit::MolOps::Kekulize(mol, /*markAtomsBonds=*/true);
  const unsigned n = mol.getNumAtoms();
  if (n == 0) throw invalidArgument("InChI needs at least one atom");
  if (n > 1023) {
    throw invalidArgument("InChI supports at most 1023 atoms", {{"limit", "max_atoms"}});
  }
  std::vector<inchi_Atom> atoms(n);
  for (const auto* atom : mol.atoms()) {
    if (atom->getAtomicNum() == 0) {
      throw invalidArgument("InChI cannot represent dummy atoms (*, R groups)",
                            {{"atom_index", static_cast<std::int64_t>(atom->getIdx())}});
    }
    inchi_Atom& a = atoms[atom->getIdx()];
    std::memset(&a, 0, sizeof a);
    std::strncpy(a.elname, atom->getSymbol().c_str(), ATOM_EL_LEN - 1);
    a.charge = static_cast<S_CHAR>(atom->getFormalCharge());
    a.isotopic_mass = static_cast<AT_NUM>(atom->getIsotope());
    a.num_iso_H[0] = static_cast<S_CHAR>(atom->getTotalNumHs());
    switch (atom->getNumRadicalElectrons()) {
      case 0: a.radical = INCHI_RADICAL_NONE; break;
      case 1: a.radical = INCHI_RADICAL_DOUBLET; break;
      default: a.radical = INCHI_RADICAL_TRIPLET; break;
    }
  }
  for (const auto* bond : mol.bonds()) {
    if (bond->getBondType() == RDKit::Bond::DATIVE) continue;
    unsigned from = std::max(bond->getBeginAtomIdx(), bond->getEndAtomIdx());
    unsigned to = std::min(bond->getBeginAtomIdx(), bond->getEndAtomIdx());
    inchi_Atom& a = atoms[from];
    if (a.num_bonds >= MAXVAL) {
      throw invalidArgument("an atom has more than 20 bonds",
                            {{"atom_index", static_cast<std::int64_t>(from)}});
    }
    S_CHAR type = INCHI_BOND_TYPE_SINGLE;
    switch (bond->getBondType()) {
      case RDKit::Bond::DOUBLE: type = INCHI_BOND_TYPE_DOUBLE; break;
      case RDKit::Bond::TRIPLE: type = INCHI_BOND_TYPE_TRIPLE; break;
      case RDKit::Bond::AROMATIC: type = INCHI_BOND_TYPE_ALTERN; break;
      default: type = INCHI_BOND_TYPE_SINGLE; break;
    }
    a.neighbor[a.num_bonds] = static_cast<AT_NUM>(to);
    a.bond_type[a.num_bonds] = type;
    a.bond_stereo[a.num_bonds] = INCHI_BOND_STEREO_NONE;
    ++a.num_bonds;
  }
  std::vector<inchi_Stereo0D> stereo;
  addTetrahedralParities(mol, options.withoutStereoOf, stereo);
  addDoubleBondParities(mol, stereo);

  inchi_Input in{};
  in.atom = atoms.data();
  in.num_atoms = static_cast<AT_NUM>(n);
  in.stereo0D = stereo.empty() ? nullptr : stereo.data();
  in.num_stereo0D = static_cast<AT_NUM>(stereo.size());
  char noOptions[1] = {0};  // standard InChI: no options
  in.szOptions = noOptions;

  InchiResult result;
  std::lock_guard<std::mutex> lock(inchiMutex());
  inchi_Output out{};
  int rc = GetStdINCHI(&in, &out);
  if ((rc == inchi_Ret_OKAY || rc == inchi_Ret_WARNING) && out.szInChI) {
    result.inchi = out.szInChI;
    if (out.szMessage) result.message = out.szMessage;
  }
  std::string failure = out.szMessage ? out.szMessage : "";
  FreeStdINCHI(&out);
  if (result.inchi.empty()) {
    throw invalidArgument("InChI could not be computed" +
                          (failure.empty() ? std::string() : ": " + failure));
  }
  char key[32] = {0};
  if (GetStdINCHIKeyFromStdINCHI(result.inchi.c_str(), key) != INCHIKEY_OK) {
    throw internalError("InChIKey could not be computed for " + result.inchi);
  }
  result.inchiKey = key;
  return result;
}

std::set<unsigned> stereoGroupAtoms(const RDKit::ROMol& mol) {
  std::set<unsigned> atoms;
  for (const auto& group : mol.getStereoGroups()) {
    if (group.getGroupType() == RDKit::StereoGroupType::STEREO_ABSOLUTE) continue;
    for (const auto* a : group.getAtoms()) atoms.insert(a->getIdx());
  }
  return atoms;
}

std::string inchiKeyFromInchi(const std::string& inchi) {
  char key[32] = {0};
  std::lock_guard<std::mutex> lock(inchiMutex());
  if (GetStdINCHIKeyFromStdINCHI(inchi.c_str(), key) != INCHIKEY_OK) {
    throw invalidArgument("not a valid standard InChI: " + inchi);
  }
  return key;
}

}  // namespace argan::chem
