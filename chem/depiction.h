// SVG depictions (RDKit MolDraw2DSVG), optionally with highlighted atoms.
// Pure; any thread. The SVG is self-contained (no fonts or scripts fetched).
#pragma once

#include <GraphMol/ROMol.h>

#include <string>
#include <vector>

namespace argan::chem {

struct DepictionOptions {
  int width = 300;    // pixels, 50..2000
  int height = 200;   // pixels, 50..2000
  std::vector<int> highlightAtoms;  // atom indices of the molecule drawn
  std::string legend;
  bool transparentBackground = false;
};

// Throws argan::Error(InvalidArgument) on bad sizes or out-of-range highlight indices.
std::string depictSvg(const RDKit::ROMol& mol, const DepictionOptions& options);

}  // namespace argan::chem
