// Parsing structure text (SMILES, CXSMILES, Molfile V2000/V3000) into an RDKit molecule.
//
// parseStructure runs the input checks of input_check.h first, then RDKit, and turns every
// way RDKit reports bad input (a null molecule, MolSanitizeException, FileParseException,
// Invariant violations) into argan::Error(InvalidArgument) whose message is RDKit's, with
// the atom index (details "atom_index"/"atom_indices") or line ("line") where RDKit gives
// one. Safe from any thread (RDKit parsers are re-entrant; messages are captured per thread).
#pragma once

#include <GraphMol/RWMol.h>

#include <memory>
#include <string>
#include <vector>

#include "chem/input_check.h"
#include "chem/structure_limits.h"

namespace argan::chem {

struct ParsedStructure {
  std::unique_ptr<RDKit::RWMol> mol;  // sanitised, explicit H removed (stereo H kept)
  StructureFormat format = StructureFormat::Smiles;
  std::vector<std::string> warnings;  // RDKit warnings raised while parsing
};

// Throws argan::Error(InvalidArgument) on any problem; never returns a null molecule.
ParsedStructure parseStructure(const std::string& text, StructureFormat format,
                               const StructureLimits& limits);

// Parses a SMARTS query after checkSmiles(..., allowSmarts=true). Throws InvalidArgument.
std::unique_ptr<RDKit::RWMol> parseSmartsQuery(const std::string& text,
                                               const StructureLimits& limits);

// Translates an exception thrown by RDKit while handling user input into argan::Error.
// `what` names the input ("SMILES", "Molfile", "reaction") for the message.
[[noreturn]] void rethrowRdkitError(const std::string& what);

}  // namespace argan::chem
