// The identity reference table (tests/data/identity/substances.tsv) through the real API:
// every row is POSTed to /api/compounds, in order, into one start-up. Checked per row:
//   * 2xx exactly when something was stored (compounds, forms and batches counted before
//     and after; a refusal changes no row), and a refusal is a clean 4xx with its reason;
//   * the answer's compound is the parent the verdict names (same CMP code as the row it
//     refers to, a new code for "parent"), with the reference InChIKey and Hill formula;
//   * the relation flags the row lists are raised;
//   * GET /api/compounds/{id} answers 200 for every stored parent (ferrocene, then
//     cyclopentadiene: both readable), and exact search by the row's reference keys finds it.
// A bad-input corpus (syntax errors, valences, polymers, mixtures, oversized text) gets the
// same "2xx <=> stored" check.
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/RWMol.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "db/compound_names.h"
#include "db/identifiers.h"
#include "server/registry/identity_review.h"
#include "server/transfer/export.h"
#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

using Row = std::map<std::string, std::string>;

std::vector<Row> table() {
  auto lines = test::readTsv(test::testData("identity/substances.tsv"));
  std::vector<Row> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    Row r;
    for (std::size_t c = 0; c < lines[0].size(); ++c) {
      r[lines[0][c]] = c < lines[i].size() ? lines[i][c] : "";
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string inputOf(const Row& row) {
  const std::string& input = row.at("input");
  if (!input.empty() && input[0] == '@') {
    return test::readFile(test::testData("identity/" + input.substr(1)));
  }
  return input;
}

struct Counts {
  std::int64_t compounds = 0, forms = 0, batches = 0;
  bool operator==(const Counts& o) const {
    return compounds == o.compounds && forms == o.forms && batches == o.batches;
  }
};

Counts counts(TestServer& s) {
  return s.database().read([](db::Connection& c) {
    Counts n;
    n.compounds = c.queryInt("SELECT COUNT(*) FROM compounds").value_or(-1);
    n.forms = c.queryInt("SELECT COUNT(*) FROM compound_forms").value_or(-1);
    n.batches = c.queryInt("SELECT COUNT(*) FROM batches").value_or(-1);
    return n;
  });
}

std::string detail(const test::HttpResult& r, const std::string& key) {
  auto details = r.json()->getObject("error")->getObject("details");
  return details && details->has(key) ? details->getValue<std::string>(key) : "";
}

std::set<std::string> exactSearch(TestServer& s, const std::string& token, const std::string& key) {
  auto r = s.call("POST", "/api/search",
                  R"({"type": "exact", "format": "inchikey", "query": ")" + key + R"("})", token);
  std::set<std::string> codes;
  if (r.status != 200) return codes;
  auto hits = r.json()->getArray("hits");
  for (std::size_t i = 0; i < hits->size(); ++i) {
    codes.insert(hits->getObject(static_cast<unsigned>(i))
                     ->getObject("compound")
                     ->getValue<std::string>("id"));
  }
  return codes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(identity_table_api)

BOOST_AUTO_TEST_CASE(every_row_gets_its_verdict_and_2xx_means_stored) {
  TestServer server;
  const std::int64_t startUp = server.createStartUp("Identity Lab");
  const std::string lead = server.userToken("lead@identity.ma", db::Role::Lead, startUp);
  const auto rows = table();
  BOOST_TEST_REQUIRE(rows.size() >= 180u);

  std::map<std::string, std::string> codeOf;  // row id -> CMP code of its parent
  std::set<std::string> seenCodes;
  for (const auto& row : rows) {
    const std::string id = row.at("id");
    const std::string verdict = row.at("verdict");
    BOOST_TEST_CONTEXT(id << ": " << row.at("input").substr(0, 80)) {
      const Counts before = counts(server);
      auto r = server.call("POST", "/api/compounds", structureBody(inputOf(row)), lead);
      const Counts after = counts(server);
      const bool stored = !(after == before);
      BOOST_TEST((r.status >= 200 && r.status < 300) == stored,
                 "status " << r.status << " but stored: " << stored << " " << r.body);
      BOOST_TEST(r.status < 500, r.body);
      if (verdict.rfind("refused:", 0) == 0) {
        BOOST_TEST(r.status == 400, r.body);
        BOOST_TEST(!stored);
        const std::string reason = verdict.substr(8);
        if (reason != "invalid" && r.status == 400)
          BOOST_TEST(detail(r, "reason") == reason, r.body);
        continue;
      }
      BOOST_TEST_REQUIRE((r.status == 200 || r.status == 201), r.body);
      BOOST_TEST(after.batches == before.batches + 1);
      auto compound = r.json()->getObject("compound");
      const std::string code = compound->getValue<std::string>("id");
      codeOf[id] = code;
      BOOST_TEST(compound->getValue<std::string>("inchikey") == row.at("parent_inchikey"));
      BOOST_TEST(compound->getValue<std::string>("formula") == row.at("parent_formula_hill"));
      const auto colon = verdict.find(':');
      if (verdict == "parent") {
        BOOST_TEST(r.json()->getValue<std::string>("outcome") == "new_compound");
        BOOST_TEST(seenCodes.insert(code).second, "parent " << code << " seen before");
      } else {
        const std::string ref = verdict.substr(colon + 1);
        BOOST_TEST(code == codeOf[ref], "not the parent of " << ref);
      }
      // The relation flags the chemist expects.
      std::set<std::string> flags;
      auto flagArray = r.json()->getArray("flags");
      for (std::size_t i = 0; i < flagArray->size(); ++i) {
        auto f = flagArray->getObject(static_cast<unsigned>(i));
        flags.insert(f->getValue<std::string>("relation") + ":" +
                     f->getValue<std::string>("compound"));
      }
      std::string expected = row.at("flags");
      std::size_t start = 0;
      while (start < expected.size()) {
        std::size_t end = expected.find(';', start);
        if (end == std::string::npos) end = expected.size();
        const std::string flag = expected.substr(start, end - start);
        const auto sep = flag.find(':');
        const std::string want = flag.substr(0, sep) + ":" + codeOf[flag.substr(sep + 1)];
        BOOST_TEST(flags.count(want) == 1u, "missing flag " << flag << " (" << want << ")");
        start = end + 1;
      }
    }
  }

  // The exported SD file of this registry (inorganics, organometallics, racemates) reads
  // back record by record in RDKit, and in Open Babel when it is installed.
  {
    server::ExportOptions options;
    std::ostringstream out;
    server::exportCompounds(server.database(), server.services().clock, db::Principal::system("t"),
                            options, out);
    const std::string sd = out.str();
    std::size_t records = 0, start = 0;
    while ((start = sd.find("$$$$\n", start)) != std::string::npos) {
      ++records;
      start += 5;
    }
    BOOST_TEST(records == seenCodes.size());
    std::size_t from = 0;
    while (from < sd.size()) {
      std::size_t end = sd.find("$$$$\n", from);
      if (end == std::string::npos) break;
      const std::string block = sd.substr(from, end - from);
      std::unique_ptr<RDKit::RWMol> mol;
      try {
        mol.reset(RDKit::MolBlockToMol(block));
      } catch (...) {
      }
      BOOST_TEST((mol != nullptr), "RDKit cannot read back:\n" << block.substr(0, 300));
      from = end + 5;
    }
    if (std::system("obabel -V >/dev/null 2>&1") == 0) {
      test::TempDir dir;
      std::ofstream(dir.file("table.sdf")) << sd;
      std::system(("obabel -isdf " + dir.file("table.sdf") + " -osmi -O " + dir.file("table.smi") +
                   " 2>/dev/null")
                      .c_str());
      std::ifstream back(dir.file("table.smi"));
      std::size_t lines = 0;
      std::string line;
      while (std::getline(back, line)) ++lines;
      BOOST_TEST(lines == records);
    }
  }

  // Every stored parent reads back, and is found by its reference keys.
  for (const auto& row : rows) {
    auto it = codeOf.find(row.at("id"));
    if (it == codeOf.end()) continue;
    BOOST_TEST_CONTEXT(row.at("id")) {
      auto get = server.call("GET", "/api/compounds/" + it->second, "", lead);
      BOOST_TEST(get.status == 200, get.body);
      BOOST_TEST(exactSearch(server, lead, row.at("parent_inchikey")).count(it->second) == 1u);
      const std::string& asDrawn = row.at("input_inchikey_obabel");
      // The key of the input as drawn finds the record when Argan computes the same key
      // for the submission (Open Babel and libinchi agree on these inputs).
      if (!asDrawn.empty() && row.at("class") != "molfile") {
        BOOST_TEST(exactSearch(server, lead, asDrawn).count(it->second) == 1u, asDrawn);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_input_answers_4xx_and_stores_nothing) {
  TestServer server;
  const std::int64_t startUp = server.createStartUp("Bad Input Lab");
  const std::string lead = server.userToken("lead@bad.ma", db::Role::Lead, startUp);
  const std::vector<std::string> corpus = {
      "",
      " ",
      "C1CC",
      "c1cccc1",
      "CC(C)(C)(C)(C)C",
      "[Xx]",
      "C(((((C",
      "*CC*",
      "C*",
      "*CC(*)c1ccccc1 |Sg:n:1,2::ht|",
      "CC(O) |Sg:n:0,1,2::ht|",
      "CCO.O",
      "C[C@H](N)C(=O)O.C[C@@H](N)C(=O)O",
      "C[N+](C)(C)CCO.[Cl-].NC(N)=O",
      "C1=CC=CC=C1C1=CC=CC=C1C1=C" /* unclosed */,
      "CN(C)(C)C",
      "[Na+].[Na+].[Cl-]x",
      std::string(3000, 'C') + "(" /* limits */,
      "\xff\xfe",
      "C |&1:99|",
      "\n  bad\n\n  1  0  0  0  0  0            999 V2000\nM  END\n"};
  for (const auto& text : corpus) {
    BOOST_TEST_CONTEXT(text.substr(0, 60)) {
      const Counts before = counts(server);
      auto r = server.call("POST", "/api/compounds", structureBody(text), lead);
      const Counts after = counts(server);
      BOOST_TEST(r.status >= 400);
      BOOST_TEST(r.status < 500, r.body);
      BOOST_TEST((after == before));
    }
  }
}

BOOST_AUTO_TEST_CASE(names_synonyms_and_cas_are_stored_and_searchable) {
  TestServer server;
  const std::int64_t startUp = server.createStartUp("Souss Bio-Solvents");
  const std::string lead = server.userToken("lead@souss.ma", db::Role::Lead, startUp);
  auto r = server.call(
      "POST", "/api/compounds",
      structureBody(
          "CCCCCCCC/C=C\\CCCCCCCC(=O)OC",
          R"("name": "methyl oleate", "synonyms": ["oleic acid methyl ester", "FAME C18:1"],
                       "cas": "112-62-9", "external_ids": [{"source": "pubchem_cid", "value": "5364509"}])"),
      lead);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  const std::string code = r.json()->getObject("compound")->getValue<std::string>("id");
  BOOST_TEST(r.json()->getObject("compound")->getValue<std::string>("name") == "methyl oleate");
  auto get = server.call("GET", "/api/compounds/" + code, "", lead);
  BOOST_TEST_REQUIRE(get.status == 200, get.body);
  BOOST_TEST(get.json()->getValue<std::string>("cas") == "112-62-9");
  BOOST_TEST(get.json()->getArray("synonyms")->size() == 2u);
  BOOST_TEST(get.json()->getArray("external_ids")->size() == 1u);
  for (const std::string& q :
       std::vector<std::string>{"methyl%20oleate", "Oleic%20acid%20methyl", "112-62-9", "C19H36O2",
                                "QYDYPVFESGNLHU-KHPPLWFESA-N", code}) {
    auto found = server.call("GET", "/api/compounds?q=" + q, "", lead);
    BOOST_TEST_REQUIRE(found.status == 200, found.body);
    BOOST_TEST(found.json()->getValue<std::int64_t>("total") == 1, q << ": " << found.body);
  }
  // A wrong check digit is refused, with nothing stored; a second CAS number conflicts.
  auto bad =
      server.call("POST", "/api/compounds", structureBody("CCO", R"("cas": "64-17-6")"), lead);
  BOOST_TEST(bad.status == 400, bad.body);
  BOOST_TEST(detail(bad, "field") == "cas");
  auto conflict =
      server.call("POST", "/api/compounds/" + code + "/names", R"({"cas": "7732-18-5"})", lead);
  BOOST_TEST(conflict.status == 409, conflict.body);
  auto more = server.call("POST", "/api/compounds/" + code + "/names",
                          R"({"name": "Methyl cis-9-octadecenoate"})", lead);
  BOOST_TEST_REQUIRE(more.status == 200, more.body);
  BOOST_TEST(more.json()->getValue<std::string>("name") == "methyl oleate");  // kept
  BOOST_TEST(more.json()->getArray("synonyms")->size() == 3u);                // the new one added

  // The text search keeps the list's filters; a LIKE wildcard in the text is a character.
  auto other = server.call("GET", "/api/compounds?q=oleate&start_up=" + std::to_string(startUp + 1),
                           "", lead);
  BOOST_TEST_REQUIRE(other.status == 200, other.body);
  BOOST_TEST(other.json()->getValue<std::int64_t>("total") == 0, other.body);
  auto heavy = server.call("GET", "/api/compounds?q=oleate&mw_min=300", "", lead);
  BOOST_TEST(heavy.json()->getValue<std::int64_t>("total") == 0, heavy.body);
  auto light = server.call("GET", "/api/compounds?q=oleate&mw_max=300", "", lead);
  BOOST_TEST(light.json()->getValue<std::int64_t>("total") == 1, light.body);
  auto wildcard = server.call("GET", "/api/compounds?q=methyl%25oleate", "", lead);
  BOOST_TEST(wildcard.json()->getValue<std::int64_t>("total") == 0, wildcard.body);
  auto both = server.call("GET", "/api/compounds?q=oleate&formula=C19H36O2", "", lead);
  BOOST_TEST(both.status == 400, both.body);
  BOOST_TEST(detail(both, "field") == "formula");

  // GET /api/compounds?inchikey= finds a parent by the key of a form it holds: sodium
  // acetate's own key (Open Babel: VMHLLURERBWHNL-UHFFFAOYSA-M) finds acetic acid.
  auto salt = server.call("POST", "/api/compounds", structureBody("CC(=O)[O-].[Na+]"), lead);
  BOOST_TEST_REQUIRE(salt.status == 201, salt.body);
  const std::string acetic = salt.json()->getObject("compound")->getValue<std::string>("id");
  for (const char* key : {"VMHLLURERBWHNL-UHFFFAOYSA-M", "QTBSBXVTEAMEQO-UHFFFAOYSA-N"}) {
    auto byKey = server.call("GET", std::string("/api/compounds?inchikey=") + key, "", lead);
    BOOST_TEST_REQUIRE(byKey.status == 200, byKey.body);
    BOOST_TEST_REQUIRE(byKey.json()->getValue<std::int64_t>("total") == 1, key << byKey.body);
    BOOST_TEST(byKey.json()->getArray("items")->getObject(0)->getValue<std::string>("id") == acetic);
  }
}

BOOST_AUTO_TEST_CASE(cas_numbers_are_checked_by_their_check_digit) {
  for (const char* good :
       {"7732-18-5", "64-17-5", "112-62-9", "5614-37-9", "53716-82-8", "1330-20-7"}) {
    BOOST_TEST(db::isValidCas(good), good);
  }
  for (const char* bad :
       {"7732-18-4", "64-17-6", "7732185", "7-18-5", "12345678-12-3", "64-1a-5", "", "--"}) {
    BOOST_TEST(!db::isValidCas(bad), bad);
  }
  BOOST_TEST(db::normaliseName("  Methyl-Oleate ") == "methyl oleate");
}

// The review re-analyses what is stored: a registry built under the current rule has no
// finding; a parent the rule would now refuse (stored by an older version) is reported,
// never rewritten; merging retires one parent with a pointer to the other.
BOOST_AUTO_TEST_CASE(the_identity_review_reports_and_merge_retires) {
  TestServer server;
  const std::int64_t startUp = server.createStartUp("Review Lab");
  const std::string lead = server.userToken("lead@review.ma", db::Role::Lead, startUp);
  // The parents' codes as registration answers them (numbers are creation times).
  std::vector<std::string> codes;
  for (const char* smiles : {"CCO", "CC(=O)[O-].[Na+]", "[K+].[OH-]", "C[C@H](N)C(=O)O |&1:1|"}) {
    auto registered = server.call("POST", "/api/compounds", structureBody(smiles), lead);
    BOOST_TEST_REQUIRE(registered.status < 300);
    codes.push_back(registered.json()->getObject("compound")->getValue<std::string>("id"));
  }
  auto idOf = [](const std::string& code) { return db::parseCode(code)->compoundId; };
  std::vector<server::IdentityFinding> findings;
  auto summary = server::reviewIdentities(
      server.services(), {}, [&](const server::IdentityFinding& f) { findings.push_back(f); });
  BOOST_TEST(summary.parents == 4);
  BOOST_TEST(summary.batches == 4);
  BOOST_TEST(findings.empty());

  // A record an older version stored: an ethanol/water "hydrate" of ethanol (a mixture now).
  server.database().write([&](db::Connection& c) {
    db::Statement st(c,
                     "UPDATE batches SET submitted_structure = 'CCO.O' WHERE form_id IN"
                     " (SELECT id FROM compound_forms WHERE compound_id = ?)");
    st.bind(1, idOf(codes[0])).run();
    return 0;
  });
  findings.clear();
  server::reviewIdentities(server.services(), {},
                           [&](const server::IdentityFinding& f) { findings.push_back(f); });
  BOOST_TEST_REQUIRE(findings.size() == 1u);
  BOOST_TEST(findings[0].kind == "now_refused");
  BOOST_TEST(findings[0].detail.find("mixture") != std::string::npos, findings[0].detail);
  const auto unchanged = server.call("GET", "/api/compounds/" + codes[0], "", lead);
  BOOST_TEST(unchanged.json()->getValue<std::string>("canonical_smiles") == "CCO");

  server.database().write([&](db::Connection& c) {
    db::supersedeCompound(c, server.services().clock, db::Principal::system("t"),
                          idOf(codes[2]), idOf(codes[0]), "registered twice");
    return 0;
  });
  auto merged = server.call("GET", "/api/compounds/" + codes[2], "", lead);
  BOOST_TEST_REQUIRE(merged.status == 200, merged.body);
  BOOST_TEST(merged.json()->getValue<std::string>("superseded_by") == codes[0]);
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    server.database().write([&](db::Connection& c) {
      db::supersedeCompound(c, server.services().clock, db::Principal::system("t"),
                            idOf(codes[2]), idOf(codes[0]), "again");
      return 0;
    });
  });
}

BOOST_AUTO_TEST_SUITE_END()
