// Compiled by chem/CMakeLists.txt with only the project root on the include path: RDKit's
// headers are not reachable, so this fails to build as soon as one of the plain-data headers
// (or a header it includes) includes RDKit. These are the headers for code that carries chem
// results without computing them (HTTP handlers, the chemistry worker's wire format).
#include "chem/depiction_options.h"
#include "chem/initialise.h"
#include "chem/input_check.h"
#include "chem/reaction_input_check.h"
#include "chem/reaction_types.h"
#include "chem/solvent_table.h"
#include "chem/structure_limits.h"
#include "chem/mixture_check.h"
#include "chem/repeat_unit.h"
#include "chem/structure_types.h"
#include "chem/substructure_query.h"
