// Plain settings of an SVG depiction (depiction.h draws it with RDKit). No RDKit here, so
// that code which only passes the options along (HTTP handlers, the chemistry worker's wire
// format) compiles without RDKit's headers. A value: any thread may copy it.
#pragma once

#include <string>
#include <vector>

namespace argan::chem {

// depictSvg refuses (InvalidArgument) sizes outside 50..2000 and highlight indices outside
// the molecule drawn.
struct DepictionOptions {
  int width = 300;                  // pixels, 50..2000
  int height = 200;                 // pixels, 50..2000
  std::vector<int> highlightAtoms;  // atom indices of the molecule drawn
  std::string legend;
  bool transparentBackground = false;
};

}  // namespace argan::chem
