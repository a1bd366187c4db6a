// The versions of the chemistry libraries this build runs, for health answers and records.
#pragma once

#include <string>

namespace argan::chem {

// RDKit's version string, e.g. "2022.09.4".
std::string rdkitVersion();

}  // namespace argan::chem
