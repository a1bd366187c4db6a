// Checks on untrusted reaction text (reaction SMILES, V2000 RXN files) before RDKit sees it.
//
// A reaction SMILES is "reactants>agents>products": exactly two '>' outside brackets and
// branches; each part is a '.'-separated list of species (the agents part may be empty).
// A species written twice counts twice. A species made of several ions is written as one
// group in parentheses, Daylight style: "([Na+].[OH-])". Atom maps ("[CH3:1]") are allowed.
// CXSMILES extensions, reaction names after a space, and SMARTS are not accepted.
//
// Each species is then checked with checkSmiles (input_check.h). Every error is
// argan::Error(InvalidArgument) naming the species ("reactant 2") and the 0-based position
// in the whole reaction text (details "position", "species"), or the line of an RXN file
// (details "line"). Linear time, no RDKit, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "chem/structure_limits.h"

namespace argan::chem {

struct ReactionLimits {
  std::size_t maxReactionSmilesLength = 20000;  // characters in a reaction SMILES
  std::size_t maxRxnBytes = 2 * 1024 * 1024;    // bytes in an RXN file
  unsigned maxSpecies = 60;                     // species in the three parts together
  unsigned maxComponents = 100;                 // species + components outside the reaction
  unsigned maxTotalHeavyAtoms = 3000;           // heavy atoms over all species
  StructureLimits structure;                    // applied to every species
};

// Which part of the reaction a species is written in.
enum class ReactionPart { Reactants, Agents, Products };
const char* reactionPartName(ReactionPart part);  // "reactant", "agent", "product"

struct SpeciesText {
  ReactionPart part = ReactionPart::Reactants;
  unsigned ordinal = 0;       // 1-based within its part ("reactant 2")
  std::string text;           // SMILES (group parentheses removed) or Molfile
  bool molfile = false;       // from an RXN file
  std::size_t position = 0;   // reaction SMILES: 0-based offset of `text` in the input
  std::size_t firstLine = 0;  // RXN file: 1-based line where the Molfile starts
  std::string label() const;  // "reactant 2"
};

// Splits and checks a reaction SMILES. Throws InvalidArgument (see above).
std::vector<SpeciesText> checkReactionSmiles(const std::string& text, const ReactionLimits& limits);

// Splits and checks a V2000 RXN file ("$RXN", counts line "rrrppp[aaa]", one "$MOL" block
// per species). V3000 RXN files are refused with a message saying so. The Molfiles
// themselves are checked by checkMolfile when parsed. Throws InvalidArgument.
std::vector<SpeciesText> checkRxnFile(const std::string& text, const ReactionLimits& limits);

// True when the text looks like an RXN file (first line starts with "$RXN").
bool looksLikeRxnFile(const std::string& text);

}  // namespace argan::chem
