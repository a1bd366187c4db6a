// Polymers' structural repeat units: a structure drawn with star atoms ('*', attachment
// points to the neighbouring units), e.g. poly(lactic acid) "*OC(C)C(=O)*".
//
// analyseRepeatUnit parses the text through the input checks and RDKit (structure_parser.h),
// then requires at least two star atoms, each bonded to exactly one real atom, and no other
// query features. The formula and mass count the unit's real atoms and their implicit
// hydrogens (each star stands for the bond to the next unit, not for an atom). Throws
// argan::Error(InvalidArgument) naming the problem. Thread-safe.
#pragma once

#include <string>

#include "chem/structure_limits.h"
#include "chem/structure_types.h"

namespace argan::chem {

RepeatUnitAnalysis analyseRepeatUnit(const std::string& text, const std::string& format,
                                     const StructureLimits& limits = {});

}  // namespace argan::chem
