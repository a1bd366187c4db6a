// SVG depictions (RDKit MolDraw2DSVG), optionally with highlighted atoms.
// Pure; any thread. The SVG is self-contained (no fonts or scripts fetched).
// The options are plain data in depiction_options.h.
#pragma once

#include <GraphMol/ROMol.h>

#include <string>

#include "chem/depiction_options.h"

namespace argan::chem {

// Throws argan::Error(InvalidArgument) on bad sizes or out-of-range highlight indices.
std::string depictSvg(const RDKit::ROMol& mol, const DepictionOptions& options);

}  // namespace argan::chem
