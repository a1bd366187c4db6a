// Checks on raw structure text before RDKit: characters, limits, syntax positions.
#include "chem/input_check.h"

#include <cstdio>

#include "test_support.h"

using namespace argan;
using namespace argan::chem;
using argan::test::expectError;

BOOST_AUTO_TEST_SUITE(input_check)

BOOST_AUTO_TEST_CASE(accepts_ordinary_smiles_and_counts_atoms) {
  StructureLimits limits;
  SmilesScan scan = checkSmiles("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", limits);
  BOOST_TEST(scan.atoms == 14u);
  BOOST_TEST(scan.heavyAtoms == 14u);
  BOOST_TEST(scan.fragments == 2u);
  BOOST_TEST(scan.ringClosures == 1u);
  BOOST_TEST(checkSmiles("  CCO\n", limits).smiles == "CCO");
  BOOST_TEST(checkSmiles("[2H]C([2H])([2H])O", limits).heavyAtoms == 2u);
  BOOST_TEST(checkSmiles("C%10CCCCC%10", limits).ringClosures == 1u);
}

BOOST_AUTO_TEST_CASE(keeps_a_cxsmiles_suffix) {
  SmilesScan scan = checkSmiles("C[C@H](O)CC |&1:1|", StructureLimits{});
  BOOST_TEST(scan.smiles == "C[C@H](O)CC");
  BOOST_TEST(scan.cxExtension == "|&1:1|");
}

BOOST_AUTO_TEST_CASE(refuses_text_that_rdkit_would_silently_truncate) {
  StructureLimits limits;
  std::string m = expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("CC\xC3\xA9" "C", limits); });
  BOOST_TEST(m.find("non-ASCII") != std::string::npos);
  BOOST_TEST(m.find("position 2") != std::string::npos);
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles(std::string("CC\0CC", 5), limits); });
  m = expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("CCO ethanol", limits); });
  BOOST_TEST(m.find("after whitespace") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reports_syntax_errors_with_positions) {
  StructureLimits limits;
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("C1CC", limits); })
                 .find("unclosed ring") != std::string::npos);
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("CC(C", limits); })
                 .find("unclosed branch") != std::string::npos);
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("CC)C", limits); })
                 .find("position 2") != std::string::npos);
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("[Xx]CC", limits); })
                 .find("unknown element symbol 'Xx'") != std::string::npos);
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("CNaC", limits); })
                 .find("organic subset") != std::string::npos);
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("[CH3", limits); });
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("", limits); });
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("   ", limits); });
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("C>>C", limits); });
}

BOOST_AUTO_TEST_CASE(enforces_documented_limits_before_parsing) {
  StructureLimits limits;
  std::string m = expectError(ErrorCode::InvalidArgument,
                              [&] { checkSmiles(std::string(600, 'C'), limits); });
  BOOST_TEST(m.find("heavy atoms") != std::string::npos);
  m = expectError(ErrorCode::InvalidArgument,
                  [&] { checkSmiles(std::string(5 * 1024 * 1024, 'C'), limits); });
  BOOST_TEST(m.find("too long") != std::string::npos);
  std::string deep = "C";
  for (int i = 0; i < 100; ++i) deep += "(C";
  for (int i = 0; i < 100; ++i) deep += ")";
  m = expectError(ErrorCode::InvalidArgument, [&] { checkSmiles(deep, limits); });
  BOOST_TEST(m.find("nested too deeply") != std::string::npos);
  std::string fragments = "C";
  for (int i = 0; i < 40; ++i) fragments += ".C";
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles(fragments, limits); });
}

BOOST_AUTO_TEST_CASE(checks_molfile_counts_against_the_text) {
  StructureLimits limits;
  std::string huge =
      "\n  test\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
      "M  V30 COUNTS 50000000 0 0 0 0\nM  V30 BEGIN ATOM\nM  V30 END ATOM\nM  V30 END CTAB\nM  END\n";
  std::string m = expectError(ErrorCode::InvalidArgument, [&] { checkMolfile(huge, limits); });
  BOOST_TEST(m.find("too many atoms") != std::string::npos);
  std::string lying = "\n\n\n  5  4  0  0  0  0  0  0  0  0999 V2000\n    0.0 0.0 0.0 C   0  0\nM  END\n";
  m = expectError(ErrorCode::InvalidArgument, [&] { checkMolfile(lying, limits); });
  BOOST_TEST(m.find("declares 5 atoms") != std::string::npos);
  expectError(ErrorCode::InvalidArgument, [&] { checkMolfile("garbage", limits); });
  std::string truncated =
      "\n\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\n";
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkMolfile(truncated, limits); })
                 .find("M  END") != std::string::npos);
}

namespace {
// The InvalidArgument error `fn` throws (its details too).
template <typename Fn>
Error invalidArgumentOf(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST((e.code() == ErrorCode::InvalidArgument), e.what());
    return e;
  }
  BOOST_FAIL("expected InvalidArgument, nothing was thrown");
  return Error(ErrorCode::Internal, "unreachable");
}
}  // namespace

// A bond to an atom the Molfile does not have reached RDKit, which answered with its own
// source file and line ("Range Error ... ROMol.cpp"), not the Molfile's line.
BOOST_AUTO_TEST_CASE(molfile_bonds_must_join_declared_atoms) {
  StructureLimits limits;
  std::string atoms =
      "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    3.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n";
  std::string v2000 = "ethanol\n\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n" + atoms +
                      "  1  2  1  0\n  2  9  1  0\nM  END\n";
  Error e = invalidArgumentOf([&] { checkMolfile(v2000, limits); });
  std::string m = e.what();
  BOOST_TEST(m.find("line 9") != std::string::npos, m);
  BOOST_TEST(m.find("atom 9") != std::string::npos, m);
  BOOST_TEST(std::get<std::int64_t>(e.details().at("line")) == 9);
  std::string zero = "\n\n\n  3  1  0  0  0  0  0  0  0  0999 V2000\n" + atoms +
                     "  0  2  1  0\nM  END\n";
  BOOST_TEST(expectError(ErrorCode::InvalidArgument, [&] { checkMolfile(zero, limits); })
                 .find("line 8") != std::string::npos);

  std::string v3000 =
      "\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
      "M  V30 COUNTS 3 2 0 0 0\nM  V30 BEGIN ATOM\nM  V30 1 C 0 0 0 0\n"
      "M  V30 2 C 1.5 0 0 0\nM  V30 3 O 3 0 0 0\nM  V30 END ATOM\nM  V30 BEGIN BOND\n"
      "M  V30 1 1 1 2\nM  V30 2 1 2 7\nM  V30 END BOND\nM  V30 END CTAB\nM  END\n";
  e = invalidArgumentOf([&] { checkMolfile(v3000, limits); });
  m = e.what();
  BOOST_TEST(m.find("line 14") != std::string::npos, m);
  BOOST_TEST(m.find("atom 7") != std::string::npos, m);
  // The same files with the bonds right pass.
  std::string good2000 = v2000;
  good2000.replace(good2000.find("  2  9  1"), 9, "  2  3  1");
  checkMolfile(good2000, limits);
  std::string good3000 = v3000;
  good3000.replace(good3000.find("M  V30 2 1 2 7"), 14, "M  V30 2 1 2 3");
  checkMolfile(good3000, limits);
}

// Limit messages give the real count, not the first number over the limit.
BOOST_AUTO_TEST_CASE(limit_messages_count_to_the_end) {
  StructureLimits limits;
  limits.maxFragments = 4;
  std::string m = expectError(ErrorCode::InvalidArgument,
                              [&] { checkSmiles("C.C.C.C.C.C.C.C.C.C", limits); });
  BOOST_TEST(m.find("10 fragments exceed the limit of 4") != std::string::npos, m);
  m = expectError(ErrorCode::InvalidArgument,
                  [&] { checkSmiles("C.C.C.C.C.C.C.C.C.C", limits, /*allowSmarts=*/true); });
  BOOST_TEST(m.find("10 fragments exceed the limit of 4") != std::string::npos, m);
  limits.maxRingClosures = 2;
  m = expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("C1CC1C1CC1C1CC1C1CC1", limits); });
  BOOST_TEST(m.find("4 ring closures exceed the limit of 2") != std::string::npos, m);
  limits.maxBranchDepth = 3;
  m = expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("C(C(C(C(C(C)))))", limits); });
  BOOST_TEST(m.find("5 levels exceed the limit of 3") != std::string::npos, m);
}

// "C=1CC-1": RDKit keeps one of the two orders (a cyclopropene) without a word.
BOOST_AUTO_TEST_CASE(refuses_conflicting_ring_closure_bond_orders) {
  StructureLimits limits;
  Error e = invalidArgumentOf([&] { checkSmiles("C=1CC-1", limits); });
  std::string m = e.what();
  BOOST_TEST(m.find("ring bond 1") != std::string::npos, m);
  BOOST_TEST(m.find("'='") != std::string::npos, m);
  BOOST_TEST(m.find("'-'") != std::string::npos, m);
  BOOST_TEST(std::get<std::int64_t>(e.details().at("position")) == 5);
  expectError(ErrorCode::InvalidArgument, [&] { checkSmiles("C#%12CCC=%12", limits); });
  // Agreeing, one-sided or directional (single) ring bonds are fine.
  checkSmiles("C=1CC=1", limits);
  checkSmiles("C=1CCC1", limits);
  checkSmiles("C1CCC=1", limits);
  checkSmiles("F/C=C/1.C1", limits);
  checkSmiles("C-1CC/1", limits);
}

BOOST_AUTO_TEST_CASE(checks_cxsmiles_extensions) {
  StructureLimits limits;
  // Accepted: enhanced stereo, coordinates, labels, radicals, wedges, cis/trans.
  checkSmiles("C[C@H](O)[C@@H](C)O |&1:1,3|", limits);
  checkSmiles("CCO |(0,0,0;1.5,0,;2.25,1.3,0)|", limits);
  checkSmiles("C*C |$;R1;$|", limits);
  checkSmiles("[CH2]C |^1:0|", limits);
  checkSmiles("C[C@H](F)Cl |wU:1.0,o1:1|", limits);
  checkSmiles("CC=CC |c:1|", limits);
  checkSmiles("CC=CC |c:1,t:1,r|", limits);
  struct Bad {
    const char* smiles;
    const char* says;
  };
  for (const Bad& b : {Bad{"CCO |&1:7|", "names atom 7"}, Bad{"CC=CC |c:9|", "names bond 9"},
                       Bad{"CCO |wU:1.5|", "names bond 5"}, Bad{"CCO |foo|", "unsupported field 'foo'"},
                       Bad{"CCO |Sg:n:0::ht|", "polymer (CXSMILES S-group 'Sg'"},
                       Bad{"CCO |&1:|", "expected a number"}, Bad{"CCO |&1:1,|", "','"},
                       Bad{"CCO |(0,0,0;1,0,0;2,0,0;3,0,0)|", "coordinates for 4 atoms"},
                       Bad{"CCO |(a,b,c)|", "not a coordinate"}, Bad{"CCO |$;;;;$|", "labels for 5"},
                       Bad{"CCO |$;;|", "never closed"}, Bad{"CCO |(0,0|", "never closed"},
                       Bad{"CCO |&1:1x|", "unexpected 'x'"}, Bad{"CCO ||", "empty"}}) {
    Error e = invalidArgumentOf([&] { checkSmiles(b.smiles, limits); });
    std::string m = e.what();
    BOOST_TEST(m.find(b.says) != std::string::npos, b.smiles << ": " << m);
    BOOST_TEST(m.find("CXSMILES") != std::string::npos, m);
    BOOST_TEST(e.details().count("position") == 1u, m);
  }
}

BOOST_AUTO_TEST_CASE(counts_wildcards_as_query_atoms) {
  StructureLimits limits;
  BOOST_TEST(checkSmiles("*", limits, /*allowSmarts=*/true).atoms == 1u);
  BOOST_TEST(checkSmiles("*~*", limits, /*allowSmarts=*/true).atoms == 2u);
}

namespace {

std::string v2000(const std::string& atomLines, const std::string& bondLines,
                  const std::string& properties, int atoms, int bonds) {
  char counts[64];
  std::snprintf(counts, sizeof counts, "%3d%3d  0  0  0  0  0  0  0  0999 V2000\n", atoms, bonds);
  return "x\n\n\n" + std::string(counts) + atomLines + bondLines + properties + "M  END\n";
}

const std::string kEthaneAtoms =
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.5000    0.0000    0.0000 L   0  0  0  0  0  0  0  0  0  0  0  0\n";

std::string v3000(const std::string& atomLines) {
  return "\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
         "M  V30 COUNTS 2 1 0 0 0\nM  V30 BEGIN ATOM\n" + atomLines +
         "M  V30 END ATOM\nM  V30 BEGIN BOND\nM  V30 1 1 1 2\nM  V30 END BOND\n"
         "M  V30 END CTAB\nM  END\n";
}

}  // namespace

// Molfile lines RDKit misreads: read past their end (quoting the bytes that follow), fail
// with a C++ library error, or accept silently as something else (an empty atom list, an
// out-of-range charge becoming neutral).
BOOST_AUTO_TEST_CASE(checks_molfile_property_and_atom_lines) {
  StructureLimits limits;
  struct Bad {
    std::string molfile;
    std::string says;
    std::int64_t line;
  };
  std::string bond = "  1  2  1  0\n";
  std::vector<Bad> cases = {
      {v2000(kEthaneAtoms, bond, "M  ALS   2  3 F C   N   \n", 2, 1), "fewer", 8},
      {v2000(kEthaneAtoms, bond, "M  ALS   2  0 F \n", 2, 1), "is empty", 8},
      {v2000(kEthaneAtoms, bond, "M  ALS   9  1 F C   \n", 2, 1), "names atom 9", 8},
      {v2000(kEthaneAtoms, bond, "M  ALS   2  1 F Xx  \n", 2, 1), "not an element", 8},
      {v2000(kEthaneAtoms, bond, "M  CHG  3   1   1   2  -1\n", 2, 1), "fewer", 8},
      {v2000(kEthaneAtoms, bond, "M  CHG  1   1  99\n", 2, 1), "between -15 and 15", 8},
      {v2000(kEthaneAtoms, bond, "M  CHG  1   5   1\n", 2, 1), "names atom 5", 8},
      {v2000(kEthaneAtoms, bond, "M  RAD  1   1   9\n", 2, 1), "radical", 8},
      {v2000(kEthaneAtoms, bond, "M  ISO  1   1  xx\n", 2, 1), "atom number and a value", 8},
      {v2000("    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
             "    1.5000    0.0000    0.0000 C\n",
             bond, "", 2, 1),
       "34 columns", 6},
      {v2000("    0.0000    abc         0.0000 C   0  0\n"
             "    1.5000    0.0000    0.0000 C   0  0\n", bond, "", 2, 1), "y coordinate", 5},
      {v2000(kEthaneAtoms, "  1  2  x  0\n", "", 2, 1), "type", 7},  // the bond line
      {v3000("M  V30 1 C 0 0 0 0 CHG=99999\nM  V30 2 C 1.5 0 0 0\n"), "CHG=99999", 8},
      {v3000("M  V30 1 C 0 0 0 0\nM  V30 2 [] 1.5 0 0 0\n"), "empty atom list", 9},
      {v3000("M  V30 1 C 0 0 0 0\nM  V30 2 NOT [] 1.5 0 0 0\n"), "empty atom list", 9},
      {v3000("M  V30 1 C 0 x 0 0\nM  V30 2 C 1.5 0 0 0\n"), "not a coordinate", 8},
      {v3000("M  V30 1 C 0 0 0 0 RAD=7\nM  V30 2 C 1.5 0 0 0\n"), "RAD=7", 8},
  };
  for (const Bad& b : cases) {
    Error e = invalidArgumentOf([&] { checkMolfile(b.molfile, limits); });
    std::string m = e.what();
    BOOST_TEST(m.find(b.says) != std::string::npos, m);
    BOOST_TEST(std::get<std::int64_t>(e.details().at("line")) == b.line, m);
  }
  // The same shapes, right, pass.
  checkMolfile(v2000(kEthaneAtoms, bond, "M  ALS   2  2 F C   N   \nM  CHG  1   1  -1\n", 2, 1),
               limits);
  checkMolfile(v3000("M  V30 1 C 0 0 0 0 CHG=-1\nM  V30 2 [N,O] 1.5 0 0 0\n"), limits);
}

BOOST_AUTO_TEST_CASE(detects_the_format) {
  BOOST_CHECK(resolveFormat("", "CCO") == StructureFormat::Smiles);
  BOOST_CHECK(resolveFormat("", "\n  x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n") ==
              StructureFormat::Molfile);
  BOOST_CHECK(resolveFormat("molfile", "CCO") == StructureFormat::Molfile);
  expectError(ErrorCode::InvalidArgument, [] { resolveFormat("pdb", "CCO"); });
}

BOOST_AUTO_TEST_SUITE_END()
