// Streaming record readers: SD (V2000/V3000), SMILES and CSV files, record and line numbers,
// data fields, per-record problems for malformed input, bounded memory for huge records.
#include "chem/record_reader.h"

#include <sstream>

#include "test_support.h"

using namespace argan;
using namespace argan::chem;

namespace {

const char* kEthanolMolfile =
    "ethanol\n"
    "  test\n"
    "\n"
    "  3  2  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    2.5981   -0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0\n"
    "  2  3  1  0\n"
    "M  END\n";

const char* kV3000Molfile =
    "methanol v3000\n"
    "  test\n"
    "\n"
    "  0  0  0     0  0            999 V3000\n"
    "M  V30 BEGIN CTAB\n"
    "M  V30 COUNTS 2 1 0 0 0\n"
    "M  V30 BEGIN ATOM\n"
    "M  V30 1 C 0 0 0 0\n"
    "M  V30 2 O 1.3 0.75 0 0\n"
    "M  V30 END ATOM\n"
    "M  V30 BEGIN BOND\n"
    "M  V30 1 1 1 2\n"
    "M  V30 END BOND\n"
    "M  V30 END CTAB\n"
    "M  END\n";

std::string sdRecord(const std::string& molfile, const std::string& data = "") {
  return molfile + data + "$$$$\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_reader)

BOOST_AUTO_TEST_CASE(reads_sd_records_with_data_items_and_line_numbers) {
  std::string file = sdRecord(kEthanolMolfile,
                              ">  <AMOUNT>  (1)\n12.5 g\n\n> <NOTES>\nfirst line\nsecond line\n\n") +
                     sdRecord(kV3000Molfile, "> <ID>\nM-2\n\n");
  auto records = readRecords(RecordFileFormat::Sdf, file);
  BOOST_TEST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].number == 1u);
  BOOST_TEST(records[0].line == 1u);
  BOOST_TEST(records[0].title == "ethanol");
  BOOST_TEST(!records[0].problem);
  BOOST_TEST(records[0].structure == kEthanolMolfile);
  BOOST_TEST_REQUIRE(records[0].fields.size() == 2u);
  BOOST_TEST(records[0].fields[0].name == "AMOUNT");
  BOOST_TEST(records[0].fields[0].value == "12.5 g");
  BOOST_TEST(records[0].fields[0].line == 11u);
  BOOST_TEST(records[0].fields[1].value == "first line\nsecond line");
  BOOST_TEST(records[1].number == 2u);
  BOOST_TEST(records[1].line == 19u);
  BOOST_TEST(records[1].title == "methanol v3000");
  BOOST_TEST(!records[1].problem);
  BOOST_TEST(records[1].fields.at(0).value == "M-2");
}

BOOST_AUTO_TEST_CASE(accepts_crlf_a_bom_a_missing_final_terminator_and_trailing_blanks) {
  std::string molfile = kEthanolMolfile;
  std::string crlf;
  for (char c : molfile) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto records = readRecords(RecordFileFormat::Sdf,
                             "\xEF\xBB\xBF" + crlf + "$$$$\r\n" + std::string(kEthanolMolfile) +
                                 "\n\n");
  BOOST_TEST_REQUIRE(records.size() == 2u);
  BOOST_TEST(!records[0].problem);
  BOOST_TEST(records[0].title == "ethanol");
  BOOST_TEST(!records[1].problem);
  BOOST_TEST(readRecords(RecordFileFormat::Sdf, "").empty());
  BOOST_TEST(readRecords(RecordFileFormat::Sdf, "\n\n  \n").empty());
}

BOOST_AUTO_TEST_CASE(malformed_sd_records_are_returned_with_a_problem_and_the_rest_is_read) {
  std::string molfile = kEthanolMolfile;
  // truncated: the bond block and M  END are missing
  std::string truncated = molfile.substr(0, molfile.find("  1  2  1  0"));
  // a counts line that is not one
  std::string badCounts = molfile;
  badCounts.replace(badCounts.find("  3  2  0"), 9, "  x  y  0");
  std::string garbage = std::string("\x7f" "ELF\x02\x01\x01") + std::string(3, '\0') +
                        "binary" + std::string(1, '\0') + "\xff\xfe garbage\n\x01\x02\x03\n";
  std::string file = sdRecord(kEthanolMolfile) + sdRecord(truncated) + sdRecord(badCounts) +
                     sdRecord(garbage) + "$$$$\n" + sdRecord(kEthanolMolfile) + truncated;
  auto records = readRecords(RecordFileFormat::Sdf, file);
  BOOST_TEST_REQUIRE(records.size() == 7u);
  BOOST_TEST(!records[0].problem);
  BOOST_TEST_REQUIRE(records[1].problem.has_value());
  BOOST_TEST(records[1].line == 12u);
  BOOST_TEST(records[1].problem->message.find("lines follow") != std::string::npos);
  BOOST_TEST_REQUIRE(records[2].problem.has_value());
  BOOST_TEST(records[2].problem->message.find("counts line") != std::string::npos);
  BOOST_TEST(records[2].problem->line == records[2].line + 3);
  BOOST_TEST_REQUIRE(records[3].problem.has_value());
  BOOST_TEST_REQUIRE(records[4].problem.has_value());
  BOOST_TEST(records[4].problem->message.find("empty record") != std::string::npos);
  BOOST_TEST(!records[5].problem);
  BOOST_TEST(records[5].number == 6u);
  BOOST_TEST_REQUIRE(records[6].problem.has_value());  // truncated, without a terminator
}

BOOST_AUTO_TEST_CASE(an_oversized_record_is_skipped_without_holding_it) {
  RecordReaderOptions options;
  options.maxRecordBytes = 4096;
  options.limits.maxMolfileBytes = 2048;
  std::string huge(100000, 'C');  // one line without a break, then many lines
  std::string many;
  for (int i = 0; i < 500; ++i) many += "M  V30 filler line " + std::to_string(i) + "\n";
  std::string file = sdRecord("big\n" + huge + "\n" + many) + sdRecord(kEthanolMolfile) +
                     sdRecord(std::string(kEthanolMolfile),
                              "> <BLOB>\n" + std::string(8000, 'x') + "\n\n") +
                     sdRecord(kEthanolMolfile);
  auto records = readRecords(RecordFileFormat::Sdf, file, options);
  BOOST_TEST_REQUIRE(records.size() == 4u);
  BOOST_TEST_REQUIRE(records[0].problem.has_value());
  BOOST_TEST(records[0].problem->limit == "max_molfile_bytes");
  BOOST_TEST(records[0].structure.empty());
  BOOST_TEST(!records[1].problem);
  BOOST_TEST_REQUIRE(records[2].problem.has_value());
  BOOST_TEST(records[2].problem->limit == "max_record_bytes");
  BOOST_TEST(!records[3].problem);
  BOOST_TEST(records[3].number == 4u);
}

BOOST_AUTO_TEST_CASE(applies_the_molfile_limits_of_input_check) {
  RecordReaderOptions options;
  options.limits.maxAtoms = 2;
  auto records = readRecords(RecordFileFormat::Sdf, sdRecord(kEthanolMolfile), options);
  BOOST_TEST_REQUIRE(records.size() == 1u);
  BOOST_TEST_REQUIRE(records[0].problem.has_value());
  BOOST_TEST(records[0].problem->limit == "max_atoms");
}

BOOST_AUTO_TEST_CASE(reads_smiles_files_with_names_headers_and_cx_suffixes) {
  std::string file =
      "# a comment\n"
      "CCO\tethanol\n"
      "\n"
      "c1ccccc1 benzene ring\n"
      "C[C@H](O)CC |&1:1| racemic butanol\n"
      "C1CC\tbroken\n"
      "CCé\n";
  auto records = readRecords(RecordFileFormat::Smiles, file);
  BOOST_TEST_REQUIRE(records.size() == 5u);
  BOOST_TEST(records[0].structure == "CCO");
  BOOST_TEST(records[0].title == "ethanol");
  BOOST_TEST(records[0].line == 2u);
  BOOST_TEST(records[0].fields.at(0).name == "name");
  BOOST_TEST(records[1].structure == "c1ccccc1");
  BOOST_TEST(records[1].title == "benzene ring");
  BOOST_TEST(records[2].structure == "C[C@H](O)CC |&1:1|");
  BOOST_TEST(records[2].title == "racemic butanol");
  BOOST_TEST(!records[2].problem);
  BOOST_TEST_REQUIRE(records[3].problem.has_value());
  BOOST_TEST(records[3].problem->message.find("unclosed ring") != std::string::npos);
  BOOST_TEST(records[3].problem->line == 6u);
  BOOST_TEST_REQUIRE(records[4].problem.has_value());
  BOOST_TEST(records[4].number == 5u);

  auto withHeader = readRecords(RecordFileFormat::Smiles,
                                "SMILES\tID\tamount\tunit\nCCO\tE-1\t5\tg\nCCN\tE-2\n");
  BOOST_TEST_REQUIRE(withHeader.size() == 2u);
  BOOST_TEST(withHeader[0].number == 1u);
  BOOST_TEST(withHeader[0].line == 2u);
  BOOST_TEST_REQUIRE(withHeader[0].fields.size() == 3u);
  BOOST_TEST(withHeader[0].fields[1].name == "amount");
  BOOST_TEST(withHeader[0].fields[2].value == "g");
  BOOST_TEST(withHeader[1].fields.size() == 1u);
}

BOOST_AUTO_TEST_CASE(reads_csv_with_quotes_multiline_molfiles_and_detected_delimiters) {
  std::string molfile = kEthanolMolfile;
  std::string quoted;
  for (char c : molfile) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  std::string file =
      "id,smiles,amount,notes\n"
      "A-1,CCO,12.5,\"ethanol, dry\"\n"
      "\n"
      "A-2,\"" + quoted + "\",3,\"two\nlines\"\n"
      "A-3,C1CC,1,\n"
      "A-4,CCN,1,x,extra\n"
      "A-5,CCC,1,\"never closed\n"
      "more\n";
  auto records = readRecords(RecordFileFormat::Csv, file);
  BOOST_TEST_REQUIRE(records.size() == 5u);
  BOOST_TEST(records[0].structure == "CCO");
  BOOST_TEST(records[0].title == "A-1");
  BOOST_CHECK(records[0].structureFormat == StructureFormat::Smiles);
  BOOST_TEST_REQUIRE(records[0].fields.size() == 3u);
  BOOST_TEST(records[0].fields[2].value == "ethanol, dry");
  BOOST_TEST(records[1].line == 4u);
  BOOST_CHECK(records[1].structureFormat == StructureFormat::Molfile);
  BOOST_TEST(records[1].structure == molfile);
  BOOST_TEST(!records[1].problem);
  BOOST_TEST(records[1].fields.back().value == "two\nlines");
  BOOST_TEST(records[2].line == 16u);
  BOOST_TEST_REQUIRE(records[2].problem.has_value());
  BOOST_TEST_REQUIRE(records[3].problem.has_value());
  BOOST_TEST(records[3].problem->message.find("5 cells") != std::string::npos);
  BOOST_TEST_REQUIRE(records[4].problem.has_value());
  BOOST_TEST(records[4].problem->message.find("never closed") != std::string::npos);

  auto semicolons = readRecords(RecordFileFormat::Csv, "Structure;Purity\nCCO;99,5\n");
  BOOST_TEST_REQUIRE(semicolons.size() == 1u);
  BOOST_TEST(semicolons[0].structure == "CCO");
  BOOST_TEST(semicolons[0].fields.at(0).value == "99,5");
}

BOOST_AUTO_TEST_CASE(a_csv_without_a_structure_column_is_refused_as_a_whole) {
  argan::test::expectError(ErrorCode::InvalidArgument, [] {
    readRecords(RecordFileFormat::Csv, "name,amount\nx,1\n");
  });
  RecordReaderOptions options;
  options.structureColumn = "SMILES_CODE";
  auto records = readRecords(RecordFileFormat::Csv, "name,smiles_code\nx,CCO\n", options);
  BOOST_TEST_REQUIRE(records.size() == 1u);
  BOOST_TEST(records[0].structure == "CCO");
  BOOST_TEST(readRecords(RecordFileFormat::Csv, "").empty());
}

BOOST_AUTO_TEST_CASE(formats_from_names_and_file_names) {
  BOOST_CHECK(parseRecordFileFormat("SDF") == RecordFileFormat::Sdf);
  BOOST_TEST(!parseRecordFileFormat("xlsx"));
  BOOST_CHECK(formatFromFileName("lab/plate 3.SD.gz") == RecordFileFormat::Sdf);
  BOOST_CHECK(formatFromFileName("x.smi") == RecordFileFormat::Smiles);
  BOOST_CHECK(formatFromFileName("x.tsv") == RecordFileFormat::Csv);
  BOOST_TEST(!formatFromFileName("README"));
  BOOST_CHECK(detectRecordFileFormat(kEthanolMolfile) == RecordFileFormat::Sdf);
  BOOST_CHECK(detectRecordFileFormat(kV3000Molfile) == RecordFileFormat::Sdf);
  BOOST_CHECK(detectRecordFileFormat("\n\"ID\";\"SMILES\";amount\nx;CCO;1\n") ==
              RecordFileFormat::Csv);
  BOOST_CHECK(detectRecordFileFormat("CCO\tethanol\nCCN\tethylamine\n") ==
              RecordFileFormat::Smiles);
  BOOST_CHECK(detectRecordFileFormat("C(C)O,ethanol\n") == RecordFileFormat::Smiles);
  // Molfiles in a CSV cell: still CSV (the header says so).
  BOOST_CHECK(detectRecordFileFormat("id,molfile\n1,\"" + std::string(kEthanolMolfile) +
                                     "\"\n") == RecordFileFormat::Csv);
  // A Molfile without a counts-line tag is still found by its "M  END" line.
  BOOST_CHECK(detectRecordFileFormat("x\n\n\n  0  0\nM  END\n$$$$\n") == RecordFileFormat::Sdf);
  BOOST_CHECK(detectRecordFileFormat("") == RecordFileFormat::Smiles);
}

BOOST_AUTO_TEST_CASE(streams_and_counts_bytes) {
  std::string file;
  for (int i = 0; i < 200; ++i) file += sdRecord(kEthanolMolfile);
  std::istringstream in(file);
  auto reader = RecordReader::create(RecordFileFormat::Sdf, in);
  std::size_t n = 0;
  while (auto r = reader->next()) {
    BOOST_TEST(!r->problem);
    ++n;
  }
  BOOST_TEST(n == 200u);
  BOOST_TEST(reader->bytesRead() == file.size());
}

// Tests on ../shared/data (ctest chem.record_reader.shared_data; skipped when it is absent).
BOOST_AUTO_TEST_SUITE(shared_data, *argan::test::needsSharedData())

BOOST_AUTO_TEST_CASE(reads_rdkit_test_sd_files_with_their_record_counts) {
  const std::pair<const char*, std::size_t> files[] = {
      {"sdf/bzr.sdf", 163}, {"sdf/cdk2.sdf", 47}, {"sdf/first_200.props.sdf", 200},
      {"sdf/pubchem.200.sdf", 200}};
  for (const auto& [name, count] : files) {
    auto records = readRecords(RecordFileFormat::Sdf,
                               argan::test::readFile(argan::test::sharedData(name)));
    BOOST_TEST(records.size() == count, name);
    for (const auto& r : records) {
      BOOST_TEST(!r.problem, name << " record " << r.number << ": "
                                  << (r.problem ? r.problem->message : ""));
      BOOST_TEST(!r.fields.empty(), name << " record " << r.number);
    }
  }
  auto smiles = readRecords(RecordFileFormat::Smiles, argan::test::readFile(
                                                          argan::test::sharedData(
                                                              "molecules/nci_first_5k.smi")));
  BOOST_TEST(smiles.size() == 4894u);
  BOOST_TEST(smiles.front().title == "NCI:1");
}

BOOST_AUTO_TEST_SUITE_END()  // shared_data

BOOST_AUTO_TEST_SUITE_END()
