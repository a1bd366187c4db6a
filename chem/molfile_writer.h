// Molfile text for stored parents (export to SD files).
// Pure function on our own data; safe from any thread (RDKit writers are re-entrant).
#pragma once

#include <string>

namespace argan::chem {

// The Molfile of a parent stored as an RDKit pickle, with `title` on its first line.
// 2D coordinates are computed when the pickle has none. V3000 when the molecule has
// enhanced-stereo groups or more than 999 atoms or bonds (V2000 cannot hold them), V2000
// otherwise. Ends with "M  END\n". Throws argan::Error(InvalidArgument) for a pickle RDKit
// cannot read.
std::string molBlockFromPickle(const std::string& pickle, const std::string& title);

}  // namespace argan::chem
