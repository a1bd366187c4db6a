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

// A reaction scheme: every species drawn (one SVG group of atoms per species), agents above
// the arrow; bad reaction text is refused as the metrics refuse it.
BOOST_AUTO_TEST_CASE(draws_reaction_schemes) {
  DepictionOptions options;
  options.width = 700;
  options.height = 200;
  ReactionLimits limits;
  std::string svg = depictReactionSvg("OCC(O)CO.COC(=O)OC>[Ca]=O>OCC1COC(=O)O1.CO.CO", options, limits);
  BOOST_TEST(svg.find("<svg") != std::string::npos);
  BOOST_TEST(svg.find("width='700px'") != std::string::npos);
  // Without the catalyst above the arrow the drawing has fewer atoms.
  std::string fewer = depictReactionSvg("OCC(O)CO.COC(=O)OC>>OCC1COC(=O)O1.CO.CO", options, limits);
  auto atoms = [](const std::string& text) {
    std::size_t n = 0;
    for (std::size_t at = text.find("<path class='atom-"); at != std::string::npos;
         at = text.find("<path class='atom-", at + 1)) {
      ++n;
    }
    return n;
  };
  BOOST_TEST(atoms(svg) > atoms(fewer));
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { depictReactionSvg("CCO>>C1CC", options, limits); });
  test::expectError(ErrorCode::InvalidArgument, [&] { depictReactionSvg("CCO", options, limits); });
  options.width = 10;
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { depictReactionSvg("CCO>>CC=O.[H][H]", options, limits); });
}

BOOST_AUTO_TEST_SUITE_END()
