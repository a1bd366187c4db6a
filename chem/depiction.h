// SVG depictions (RDKit MolDraw2DSVG), optionally with highlighted atoms.
// Pure; any thread. The SVG is self-contained (no fonts or scripts fetched).
// The options are plain data in depiction_options.h.
#pragma once

#include <GraphMol/ROMol.h>

#include <string>

#include "chem/depiction_options.h"
#include "chem/reaction_input_check.h"

namespace argan::chem {

// Throws argan::Error(InvalidArgument) on bad sizes or out-of-range highlight indices.
std::string depictSvg(const RDKit::ROMol& mol, const DepictionOptions& options);

// SVG of a reaction (reaction SMILES, or a V2000 RXN file when it starts with "$RXN"):
// reactants, the arrow with the agents above it, products. The text is checked
// (reaction_input_check.h) and every species parsed as for the metrics; throws
// InvalidArgument (bad text, bad size) like them.
std::string depictReactionSvg(const std::string& text, const DepictionOptions& options,
                              const ReactionLimits& limits);

}  // namespace argan::chem
