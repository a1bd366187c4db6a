// The identity reference table (tests/data/identity/substances.tsv, docs/identity.md):
// one data-driven test case per real substance. Each row is analysed as registration would
// (StructureAnalyser::analyse) and checked against the chemist's verdict and the references
// computed outside Argan (Open Babel InChIKeys, Hill formula):
//   refused:<reason>   -> InvalidArgument, details.reason == <reason> (any reason for invalid)
//   parent             -> a full hash no earlier row had
//   same-parent-as:<id>-> the full hash and form key of row <id>
//   form-of:<id>       -> the full hash of row <id>
// and for every stored row: InChIKey == parent_inchikey, formula == parent_formula_hill,
// and the form's components, compared by InChIKey, == form_inchikeys.
#include <GraphMol/SmilesParse/SmilesParse.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <map>
#include <optional>

#include "chem/inchi.h"
#include "chem/structure_analysis.h"
#include "chem/structure_parser.h"
#include "test_support.h"

using namespace argan;
using namespace argan::chem;
namespace bdata = boost::unit_test::data;

namespace {

struct Row {
  std::map<std::string, std::string> cells;
  const std::string& operator[](const std::string& column) const {
    auto it = cells.find(column);
    if (it == cells.end()) throw std::runtime_error("substances.tsv has no column " + column);
    return it->second;
  }
};

std::vector<Row> readTable() {
  auto lines = test::readTsv(test::testData("identity/substances.tsv"));
  std::vector<Row> rows;
  if (lines.empty()) return rows;
  const auto& header = lines.front();
  for (std::size_t i = 1; i < lines.size(); ++i) {
    Row r;
    for (std::size_t c = 0; c < header.size(); ++c) {
      r.cells[header[c]] = c < lines[i].size() ? lines[i][c] : "";
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

const std::vector<Row>& table() {
  static const std::vector<Row> rows = readTable();
  return rows;
}

std::string inputText(const Row& row) {
  const std::string& input = row["input"];
  if (!input.empty() && input[0] == '@') {
    return test::readFile(test::testData("identity/" + input.substr(1)));
  }
  return input;
}

struct Outcome {
  std::optional<StructureAnalysis> analysis;
  std::string errorReason;  // details.reason of the refusal
  std::string errorMessage;
  bool internal = false;  // anything but InvalidArgument
};

// Every row analysed once, in table order.
const std::vector<Outcome>& outcomes() {
  static const std::vector<Outcome> all = [] {
    std::vector<Outcome> out;
    StructureAnalyser analyser;
    for (const auto& row : table()) {
      Outcome o;
      try {
        o.analysis = analyser.analyse(inputText(row), "");
      } catch (const Error& e) {
        o.errorMessage = e.what();
        o.internal = e.code() != ErrorCode::InvalidArgument;
        auto it = e.details().find("reason");
        if (it != e.details().end()) o.errorReason = std::get<std::string>(it->second);
      } catch (const std::exception& e) {
        o.errorMessage = e.what();
        o.internal = true;
      }
      out.push_back(std::move(o));
    }
    return out;
  }();
  return all;
}

std::size_t indexOf(const std::string& id) {
  for (std::size_t i = 0; i < table().size(); ++i) {
    if (table()[i]["id"] == id) return i;
  }
  throw std::runtime_error("no row " + id);
}

// "2|O*3.[Mg+2]*1" with each component's InChIKey (computed by Argan's libinchi).
std::string formKeysOf(const StructureAnalysis& a) {
  std::vector<std::string> parts;
  for (const auto& c : a.formComponents) {
    std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(c.smiles));
    BOOST_REQUIRE_MESSAGE(mol, "component " << c.smiles << " does not parse");
    parts.push_back(computeStandardInchi(*mol).inchiKey + "*" + std::to_string(c.count));
  }
  std::sort(parts.begin(), parts.end());
  std::string out = std::to_string(a.parentCount) + "|";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out;
}

std::vector<std::size_t> rowIndices() {
  std::vector<std::size_t> v(table().size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(identity_table)

BOOST_AUTO_TEST_CASE(the_table_is_there_and_large_enough) {
  BOOST_TEST(table().size() >= 180u);
}

BOOST_DATA_TEST_CASE(row_matches_the_chemists_verdict, bdata::make(rowIndices()), i) {
  const Row& row = table()[i];
  const Outcome& o = outcomes()[i];
  const std::string id = row["id"];
  const std::string verdict = row["verdict"];
  BOOST_TEST_CONTEXT(id << " (" << row["name"] << "): " << row["input"].substr(0, 80)) {
    BOOST_TEST(!o.internal, "not a clean 400: " << o.errorMessage);
    if (verdict.rfind("refused:", 0) == 0) {
      const std::string reason = verdict.substr(8);
      BOOST_TEST(!o.analysis.has_value(), "stored, but the verdict is " << verdict);
      if (reason != "invalid") BOOST_TEST(o.errorReason == reason, o.errorMessage);
      return;
    }
    BOOST_REQUIRE_MESSAGE(o.analysis.has_value(), "refused: " << o.errorMessage);
    const StructureAnalysis& a = *o.analysis;
    BOOST_TEST(a.identity.inchiKey == row["parent_inchikey"], a.identity.inchi);
    BOOST_TEST(a.identity.formula == row["parent_formula_hill"]);
    BOOST_TEST(formKeysOf(a) == row["form_inchikeys"], a.formKey);
    const auto colon = verdict.find(':');
    if (verdict == "parent") {
      for (std::size_t j = 0; j < i; ++j) {
        const auto& earlier = outcomes()[j];
        if (earlier.analysis && earlier.analysis->identity.fullHash == a.identity.fullHash) {
          BOOST_ERROR("same parent as earlier row " << table()[j]["id"]);
        }
      }
    } else {
      const std::string kind = verdict.substr(0, colon);
      const std::size_t ref = indexOf(verdict.substr(colon + 1));
      const auto& other = outcomes()[ref];
      BOOST_REQUIRE(other.analysis.has_value());
      BOOST_TEST(a.identity.fullHash == other.analysis->identity.fullHash,
                 "not the parent of " << table()[ref]["id"] << ": " << a.identity.canonicalSmiles
                                      << " vs " << other.analysis->identity.canonicalSmiles);
      if (kind == "same-parent-as") BOOST_TEST(a.formKey == other.analysis->formKey);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
