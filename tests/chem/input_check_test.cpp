// Checks on raw structure text before RDKit: characters, limits, syntax positions.
#include "chem/input_check.h"

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

BOOST_AUTO_TEST_CASE(detects_the_format) {
  BOOST_CHECK(resolveFormat("", "CCO") == StructureFormat::Smiles);
  BOOST_CHECK(resolveFormat("", "\n  x\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n") ==
              StructureFormat::Molfile);
  BOOST_CHECK(resolveFormat("molfile", "CCO") == StructureFormat::Molfile);
  expectError(ErrorCode::InvalidArgument, [] { resolveFormat("pdb", "CCO"); });
}

BOOST_AUTO_TEST_SUITE_END()
