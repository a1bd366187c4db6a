// Exports read back: the registry built from 10 000 lines of the ChEMBL/ZINC union
// (../shared/data) is exported as SD, and every record must read back in RDKit and, when
// `obabel` is installed (scripts/setup installs it), in Open Babel. Slow (about ten
// minutes on a busy 2-core machine): scripts/soak.
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/RWMol.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "../server/test_server.h"
#include "server/registry/bulk_registration.h"
#include "server/transfer/export.h"

using namespace argan;

namespace {

std::vector<std::string> sdRecords(const std::string& text) {
  std::vector<std::string> records;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("$$$$\n", start);
    if (end == std::string::npos) break;
    records.push_back(text.substr(start, end - start));
    start = end + 5;
  }
  return records;
}

bool haveObabel() {
  return std::system("obabel -V >/dev/null 2>&1") == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(export_readback)

BOOST_AUTO_TEST_CASE(ten_thousand_zinc_and_chembl_parents_export_readable_sd,
                     *test::needsSharedData()) {
  test::TestServer server;
  const std::int64_t startUp = server.createStartUp("Export Lab");
  // The union (1.1 M lines, gzipped) is sorted by source: ChEMBL first, ZINC, PubChem, MOSES
  // and NCI after line 540 000. Every 110th line gives 10 000 lines from all of them.
  test::TempDir dir;
  const std::string lines = dir.file("lines.smi");
  BOOST_TEST_REQUIRE(
      std::system(("zcat " + test::sharedData("molecules/chembl_zinc_union_1.1M.smi.gz") + " 2>/dev/null" +
                   " | awk 'NR % 110 == 1' 2>/dev/null | head -n 10000 > " + lines)
                      .c_str()) == 0);
  std::vector<server::BulkRecord> records;
  std::ifstream smi(lines);
  std::string line;
  while (std::getline(smi, line))
    records.push_back({line.substr(0, line.find('\t')), "smiles", {}});
  BOOST_TEST_REQUIRE(records.size() == 10000u);
  auto result =
      server::registerBulk(server.services(), db::Principal::system("t"), startUp, records);
  BOOST_TEST(result.newCompounds > 9000u);

  server::ExportOptions options;
  options.format = server::ExportFormat::Sdf;
  std::ostringstream out;
  server::exportCompounds(server.database(), server.services().clock, db::Principal::system("t"),
                          options, out);
  const std::string sd = out.str();
  auto blocks = sdRecords(sd);
  BOOST_TEST(blocks.size() == static_cast<std::size_t>(result.newCompounds));
  std::size_t unreadable = 0;
  for (const auto& block : blocks) {
    std::unique_ptr<RDKit::RWMol> mol;
    try {
      mol.reset(RDKit::MolBlockToMol(block));
    } catch (...) {
    }
    if (!mol) {
      ++unreadable;
      if (unreadable <= 3) BOOST_TEST_MESSAGE("RDKit cannot read:\n" << block.substr(0, 400));
    }
  }
  BOOST_TEST(unreadable == 0u);
  if (haveObabel()) {
    const std::string file = dir.file("export.sdf");
    std::ofstream(file) << sd;
    const std::string errors = dir.file("obabel.err");
    std::system(
        ("obabel -isdf " + file + " -osmi -O " + dir.file("export.smi") + " 2> " + errors).c_str());
    std::ifstream back(dir.file("export.smi"));
    std::size_t read = 0;
    while (std::getline(back, line)) ++read;
    BOOST_TEST(read == blocks.size(), test::readFile(errors).substr(0, 2000));
    BOOST_TEST_MESSAGE(blocks.size() << " SD records exported from " << records.size()
                                     << " lines; RDKit read " << blocks.size() - unreadable
                                     << ", Open Babel read " << read);
  } else {
    BOOST_TEST_MESSAGE("obabel not installed: Open Babel read-back skipped");
  }
}

BOOST_AUTO_TEST_SUITE_END()
