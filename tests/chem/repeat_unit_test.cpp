// Polymers' repeat units drawn with star atoms: formula and mass without the stars; inputs
// that are not a repeat unit are refused, naming the problem.
#include "chem/repeat_unit.h"

#include "common/error.h"
#include "test_support.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(repeat_unit)

BOOST_AUTO_TEST_CASE(formula_and_mass_of_the_unit) {
  auto pla = chem::analyseRepeatUnit("*OC(C)C(=O)*", "smiles");
  BOOST_TEST(pla.formula == "C3H4O2");
  BOOST_TEST(pla.mass == 72.063, boost::test_tools::tolerance(0.001));
  BOOST_TEST(pla.starAtoms == 2);
  auto pe = chem::analyseRepeatUnit("*CC*", "");
  BOOST_TEST(pe.formula == "C2H4");
  auto pet = chem::analyseRepeatUnit("*OCCOC(=O)c1ccc(cc1)C(=O)*", "smiles");
  BOOST_TEST(pet.formula == "C10H8O4");
  BOOST_TEST(pet.mass == 192.17, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(what_is_not_a_repeat_unit) {
  for (const char* text : {"OC(C)C(=O)O", "*OC(C)C(=O)O", "**", "C*C", "not smiles"}) {
    BOOST_CHECK_THROW(chem::analyseRepeatUnit(text, "smiles"), Error);
  }
}

BOOST_AUTO_TEST_SUITE_END()
