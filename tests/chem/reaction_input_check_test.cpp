// Reaction text checks before RDKit: parts, species, groups, positions, limits, RXN files.
#include "chem/reaction_input_check.h"

#include <functional>

#include "test_support.h"

using namespace argan;
using namespace argan::chem;
using test::expectError;

namespace {

std::int64_t positionOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    auto it = e.details().find("position");
    if (it != e.details().end()) return std::get<std::int64_t>(it->second);
    return -2;
  }
  return -1;
}

const char* kRxn =
    "$RXN\n"
    "\n"
    "  test\n"
    "\n"
    "  2  1\n"
    "$MOL\n"
    "\n"
    "  RDKit\n"
    "\n"
    "  2  1  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0\n"
    "    1.0000    0.0000    0.0000 C   0  0\n"
    "  1  2  2  0\n"
    "M  END\n"
    "$MOL\n"
    "\n"
    "  RDKit\n"
    "\n"
    "  4  3  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0\n"
    "    1.0000    0.0000    0.0000 C   0  0\n"
    "    2.0000    0.0000    0.0000 C   0  0\n"
    "    3.0000    0.0000    0.0000 C   0  0\n"
    "  1  2  2  0\n"
    "  2  3  1  0\n"
    "  3  4  2  0\n"
    "M  END\n"
    "$MOL\n"
    "\n"
    "  RDKit\n"
    "\n"
    "  6  6  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0\n"
    "    1.0000    0.0000    0.0000 C   0  0\n"
    "    2.0000    0.0000    0.0000 C   0  0\n"
    "    3.0000    0.0000    0.0000 C   0  0\n"
    "    4.0000    0.0000    0.0000 C   0  0\n"
    "    5.0000    0.0000    0.0000 C   0  0\n"
    "  1  2  2  0\n"
    "  2  3  1  0\n"
    "  3  4  1  0\n"
    "  4  5  1  0\n"
    "  5  6  1  0\n"
    "  6  1  1  0\n"
    "M  END\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(reaction_input_check)

BOOST_AUTO_TEST_CASE(splits_parts_and_species_with_positions) {
  ReactionLimits limits;
  auto s = checkReactionSmiles("CC(=O)O.OCC>[H+]>CC(=O)OCC.O", limits);
  BOOST_TEST_REQUIRE(s.size() == 5u);
  BOOST_TEST(s[0].text == "CC(=O)O");
  BOOST_TEST(s[0].label() == "reactant 1");
  BOOST_TEST(s[1].text == "OCC");
  BOOST_TEST(s[1].position == 8u);
  BOOST_TEST(s[2].label() == "agent 1");
  BOOST_TEST(s[2].text == "[H+]");
  BOOST_TEST(s[3].label() == "product 1");
  BOOST_TEST(s[4].text == "O");
  BOOST_TEST(s[4].label() == "product 2");
}

BOOST_AUTO_TEST_CASE(a_species_written_twice_is_two_species_and_agents_may_be_empty) {
  auto s = checkReactionSmiles("C=C.C=C.O=O>>C1CO1.C1CO1", {});
  BOOST_TEST(s.size() == 5u);
  BOOST_TEST(s[1].text == "C=C");
  BOOST_TEST(s[4].label() == "product 2");
}

BOOST_AUTO_TEST_CASE(groups_atom_maps_and_branches_are_accepted) {
  auto s =
      checkReactionSmiles("[CH3:1][C:2](=O)Cl.([Na+].[OH-])>>[CH3:1][C:2](=O)O.([Na+].[Cl-])", {});
  BOOST_TEST_REQUIRE(s.size() == 4u);
  BOOST_TEST(s[1].text == "[Na+].[OH-]");
  BOOST_TEST(s[3].text == "[Na+].[Cl-]");
  BOOST_TEST(s[2].text == "[CH3:1][C:2](=O)O");
}

BOOST_AUTO_TEST_CASE(malformed_reactions_are_refused_with_where) {
  ReactionLimits limits;
  expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("", limits); });
  std::string one =
      expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("CCO>CC=O", limits); });
  BOOST_TEST(one.find("exactly two") != std::string::npos, one);
  std::string three =
      expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("C>C>C>C", limits); });
  BOOST_TEST(three.find("third '>'") != std::string::npos, three);
  std::string noProduct =
      expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("CCO>>", limits); });
  BOOST_TEST(noProduct.find("at least one product") != std::string::npos, noProduct);
  std::string noReactant =
      expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles(">>CCO", limits); });
  BOOST_TEST(noReactant.find("at least one reactant") != std::string::npos, noReactant);
  BOOST_TEST(positionOf([&] { checkReactionSmiles("CC..O>>C", limits); }) == 3);
  BOOST_TEST(positionOf([&] { checkReactionSmiles("CCO >>C", limits); }) == 3);
  BOOST_TEST(positionOf([&] { checkReactionSmiles("(CC.O>>C", limits); }) == 5);
  BOOST_TEST(positionOf([&] { checkReactionSmiles("(CC.O", limits); }) == 0);
  std::string branch =
      expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("CCO.C(C>>CC", limits); });
  BOOST_TEST(branch.find("unclosed branch") != std::string::npos, branch);
  BOOST_TEST(positionOf([&] { checkReactionSmiles("CCO.C(C>>CC", limits); }) == 5);
}

BOOST_AUTO_TEST_CASE(species_errors_name_the_species_and_the_position_in_the_reaction) {
  ReactionLimits limits;
  std::string message;
  try {
    checkReactionSmiles("CCO.C1CC>>CC", limits);
    BOOST_ERROR("accepted an unclosed ring");
  } catch (const Error& e) {
    message = e.what();
    BOOST_TEST(std::get<std::int64_t>(e.details().at("position")) == 5);
    BOOST_TEST(std::get<std::string>(e.details().at("species")) == "reactant 2");
  }
  BOOST_TEST(message.find("reactant 2") != std::string::npos, message);
  BOOST_TEST(message.find("position 5 of the reaction SMILES") != std::string::npos, message);
  std::string element =
      expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("C>>Xx", limits); });
  BOOST_TEST(element.find("product 1") != std::string::npos, element);
}

BOOST_AUTO_TEST_CASE(limits_are_enforced_before_rdkit) {
  ReactionLimits limits;
  limits.maxSpecies = 3;
  expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("C.C.C>>CCC", limits); });
  ReactionLimits small;
  small.maxReactionSmilesLength = 10;
  expectError(ErrorCode::InvalidArgument, [&] { checkReactionSmiles("CCCCCC>>CCCCCC", small); });
  std::string bytes = expectError(ErrorCode::InvalidArgument,
                                  [&] { checkReactionSmiles("CC\xC3\xA9>>C", ReactionLimits{}); });
  BOOST_TEST(bytes.find("non-ASCII") != std::string::npos, bytes);
}

BOOST_AUTO_TEST_CASE(rxn_files_are_split_into_molfiles) {
  auto s = checkRxnFile(kRxn, {});
  BOOST_TEST_REQUIRE(s.size() == 3u);
  BOOST_TEST(s[0].label() == "reactant 1");
  BOOST_TEST(s[1].label() == "reactant 2");
  BOOST_TEST(s[2].label() == "product 1");
  BOOST_TEST(s[0].molfile);
  BOOST_TEST(s[0].firstLine == 7u);
  BOOST_TEST(looksLikeRxnFile(kRxn));
  BOOST_TEST(!looksLikeRxnFile("C>>C"));
}

BOOST_AUTO_TEST_CASE(bad_rxn_files_are_refused) {
  ReactionLimits limits;
  std::string v3000 = expectError(ErrorCode::InvalidArgument, [&] {
    checkRxnFile("$RXN V3000\n\n\n\nM  V30 COUNTS 1 1\n", limits);
  });
  BOOST_TEST(v3000.find("V3000") != std::string::npos, v3000);
  std::string text(kRxn);
  std::string truncated = text.substr(0, text.rfind("$MOL"));
  std::string missing =
      expectError(ErrorCode::InvalidArgument, [&] { checkRxnFile(truncated, limits); });
  BOOST_TEST(missing.find("declares 3 species") != std::string::npos, missing);
  expectError(ErrorCode::InvalidArgument, [&] { checkRxnFile("not an rxn", limits); });
}

BOOST_AUTO_TEST_SUITE_END()
