// Parsing SMILES and Molfiles: RDKit's messages, with atom indices and lines.
#include "chem/structure_parser.h"

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include "test_support.h"

using namespace argan;
using namespace argan::chem;
using argan::test::expectError;

BOOST_AUTO_TEST_SUITE(structure_parser)

BOOST_AUTO_TEST_CASE(parses_smiles_and_both_molfile_versions) {
  StructureLimits limits;
  auto smiles = parseStructure("c1ccccc1O", StructureFormat::Smiles, limits);
  BOOST_TEST(smiles.mol->getNumAtoms() == 7u);

  std::unique_ptr<RDKit::RWMol> phenol(RDKit::SmilesToMol("c1ccccc1O"));
  std::string v2000 = RDKit::MolToMolBlock(*phenol);
  std::string v3000 = RDKit::MolToV3KMolBlock(*phenol);
  BOOST_TEST(v2000.find("V2000") != std::string::npos);
  BOOST_TEST(v3000.find("V3000") != std::string::npos);
  BOOST_TEST(parseStructure(v2000, StructureFormat::Molfile, limits).mol->getNumAtoms() == 7u);
  BOOST_TEST(parseStructure(v3000, StructureFormat::Molfile, limits).mol->getNumAtoms() == 7u);
}

BOOST_AUTO_TEST_CASE(valence_errors_name_the_atom) {
  StructureLimits limits;
  try {
    parseStructure("CC(C)(C)(C)(C)C", StructureFormat::Smiles, limits);
    BOOST_FAIL("expected an error");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("valence") != std::string::npos);
    BOOST_CHECK(e.details().count("atom_index") == 1);
    BOOST_CHECK(std::get<std::int64_t>(e.details().at("atom_index")) == 1);
  }
}

BOOST_AUTO_TEST_CASE(kekulization_and_syntax_errors_carry_rdkit_messages) {
  StructureLimits limits;
  std::string m = expectError(ErrorCode::InvalidArgument,
                              [&] { parseStructure("c1cccc1", StructureFormat::Smiles, limits); });
  BOOST_TEST(m.find("kekulize") != std::string::npos);
  m = expectError(ErrorCode::InvalidArgument,
                  [&] { parseStructure("C=#C", StructureFormat::Smiles, limits); });
  BOOST_TEST(m.find("SMILES") != std::string::npos);
  BOOST_TEST(m.size() > 30u);  // RDKit's own words, not a bare "invalid"
}

BOOST_AUTO_TEST_CASE(molfile_errors_name_the_line) {
  StructureLimits limits;
  std::string bad =
      "\n\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "  1  9  1  0\nM  END\n";
  std::string m = expectError(ErrorCode::InvalidArgument,
                              [&] { parseStructure(bad, StructureFormat::Molfile, limits); });
  BOOST_TEST(m.find("Molfile") != std::string::npos);
  // The Molfile's own line and atom, not RDKit's source file.
  BOOST_TEST(m.find("line 7") != std::string::npos, m);
  BOOST_TEST(m.find("ROMol.cpp") == std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(smarts_queries_parse_and_fail_clearly) {
  StructureLimits limits;
  BOOST_TEST(parseSmartsQuery("[#6]-[OX2H]", limits)->getNumAtoms() == 2u);
  expectError(ErrorCode::InvalidArgument, [&] { parseSmartsQuery("[#6]-[OX2H", limits); });
  std::string nested = "[$(";
  for (int i = 0; i < 200; ++i) nested += "C[$(";
  expectError(ErrorCode::InvalidArgument, [&] { parseSmartsQuery(nested, limits); });
}

BOOST_AUTO_TEST_SUITE_END()
