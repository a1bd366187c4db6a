#include "chem/versions.h"

#include <RDGeneral/versions.h>

namespace argan::chem {

std::string rdkitVersion() { return RDKit::rdkitVersion; }

}  // namespace argan::chem
