// SVG depictions.
#include "chem/depiction.h"

#include <GraphMol/SmilesParse/SmilesParse.h>

#include "test_support.h"

using namespace argan;
using namespace argan::chem;

BOOST_AUTO_TEST_SUITE(depiction)

BOOST_AUTO_TEST_CASE(draws_svg_with_highlights) {
  std::unique_ptr<RDKit::ROMol> mol(RDKit::SmilesToMol("OCCc1ccc(O)c(O)c1"));
  DepictionOptions options;
  std::string plain = depictSvg(*mol, options);
  BOOST_TEST(plain.find("<svg") != std::string::npos);
  BOOST_TEST(plain.find("</svg>") != std::string::npos);
  options.highlightAtoms = {3, 4, 5};
  std::string highlighted = depictSvg(*mol, options);
  BOOST_TEST(highlighted != plain);
}

BOOST_AUTO_TEST_CASE(refuses_bad_sizes_and_atoms) {
  std::unique_ptr<RDKit::ROMol> mol(RDKit::SmilesToMol("CCO"));
  DepictionOptions options;
  options.width = 10;
  test::expectError(ErrorCode::InvalidArgument, [&] { depictSvg(*mol, options); });
  options.width = 300;
  options.highlightAtoms = {7};
  test::expectError(ErrorCode::InvalidArgument, [&] { depictSvg(*mol, options); });
}

BOOST_AUTO_TEST_SUITE_END()
