// Boost.Test entry point shared by every test executable.
#define BOOST_TEST_MODULE argan
#include <boost/test/unit_test.hpp>

#include "chem/structure_analysis.h"

struct ChemistryInitialised {
  ChemistryInitialised() { argan::chem::initialise(); }
};
BOOST_TEST_GLOBAL_FIXTURE(ChemistryInitialised);
