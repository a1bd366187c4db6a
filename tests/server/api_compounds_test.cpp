// The registry over real HTTP: outcomes, flags, bad input, visibility, paging, depictions.
#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

struct Lab {
  TestServer server;
  std::int64_t startUp = server.createStartUp("Zitoun");
  std::int64_t otherStartUp = server.createStartUp("Glycera");
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  std::string other = server.userToken("lead@glycera.ma", db::Role::Lead, otherStartUp);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  test::HttpResult registerAs(const std::string& token, const std::string& structure,
                              const std::string& extra = "") {
    return server.call("POST", "/api/compounds", structureBody(structure, extra), token);
  }
};

// Every table a registration touches, counted, plus the audit chain head.
std::string databaseState(TestServer& s) {
  return s.database().read([](db::Connection& c) {
    std::string state;
    for (const char* table : {"compounds", "compound_forms", "batches", "audit_log", "start_ups"}) {
      state += std::string(table) + "=" +
               std::to_string(c.queryInt(std::string("SELECT COUNT(*) FROM ") + table).value_or(-1)) + ";";
    }
    state += c.queryText("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").value_or("");
    return state;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_compounds)

BOOST_AUTO_TEST_CASE(aspirin_and_its_sodium_salt_are_one_parent_two_forms) {
  Lab lab;
  auto acid = lab.registerAs(lab.lead, "CC(=O)Oc1ccccc1C(=O)O",
                             R"("batch": {"amount": 5, "unit": "g", "purity": 99.5,
                                "prepared_on": "2026-11-20", "researcher": "A. Idrissi",
                                "notebook_ref": "ZB-12", "properties": {"colour": "white"}})");
  BOOST_TEST_REQUIRE(acid.status == 201, acid.body);
  auto body = acid.json();
  BOOST_TEST(body->getValue<std::string>("outcome") == "new_compound");
  auto compound = body->getObject("compound");
  const std::string code = compound->getValue<std::string>("id");
  BOOST_TEST(code.rfind("CMP-", 0) == 0u);
  BOOST_TEST(compound->getValue<std::string>("inchikey") == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N");
  BOOST_TEST(compound->getValue<std::string>("canonical_smiles") == "CC(=O)Oc1ccccc1C(=O)O");
  BOOST_TEST(compound->getValue<std::string>("formula") == "C9H8O4");
  BOOST_TEST(compound->getValue<double>("mw") == 180.159, boost::test_tools::tolerance(0.001));
  BOOST_TEST(compound->getValue<std::string>("visibility") == "start-up");
  BOOST_TEST(compound->getObject("standardization")->getValue<std::string>("pipeline").find("RDKit") == 0u);
  auto batch = body->getObject("batch");
  BOOST_TEST(batch->getValue<std::string>("id") == code + "-F1-B001");
  BOOST_TEST(batch->getValue<double>("purity") == 99.5);
  BOOST_TEST(batch->getObject("submitted")->getValue<std::string>("structure") == "CC(=O)Oc1ccccc1C(=O)O");
  BOOST_TEST(batch->getObject("submitted")->getValue<std::string>("standardization").find("RDKit 2022.09") == 0u);

  auto salt = lab.registerAs(lab.lead, "CC(=O)Oc1ccccc1C(=O)[O-].[Na+]");
  BOOST_TEST_REQUIRE(salt.status == 200, salt.body);
  BOOST_TEST(salt.json()->getValue<std::string>("outcome") == "new_form");
  BOOST_TEST(salt.json()->getObject("compound")->getValue<std::string>("id") == code);
  BOOST_TEST(salt.json()->getObject("form")->getValue<std::string>("label") == "sodium salt, 1:1");
  BOOST_TEST(salt.json()->getObject("form")->getValue<std::string>("id") == code + "-F2");
}

BOOST_AUTO_TEST_CASE(the_same_smiles_written_differently_is_a_new_batch) {
  Lab lab;
  auto first = lab.registerAs(lab.lead, "CC(=O)Oc1ccccc1C(=O)O");
  BOOST_TEST_REQUIRE(first.status == 201);
  const std::string code = first.json()->getObject("compound")->getValue<std::string>("id");
  for (const char* variant : {"OC(=O)c1ccccc1OC(C)=O", "CC(=O)OC1=CC=CC=C1C(O)=O"}) {
    auto r = lab.registerAs(lab.lead, variant);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(r.json()->getValue<std::string>("outcome") == "new_batch");
    BOOST_TEST(r.json()->getObject("compound")->getValue<std::string>("id") == code);
  }
  BOOST_TEST(lab.server.count("batches") == 3);
}

BOOST_AUTO_TEST_CASE(enantiomers_are_two_parents_flagged_as_stereoisomers) {
  Lab lab;
  auto l = lab.registerAs(lab.lead, "N[C@@H](C)C(=O)O");
  auto d = lab.registerAs(lab.lead, "N[C@H](C)C(=O)O");
  BOOST_TEST_REQUIRE(d.status == 201, d.body);
  BOOST_TEST(l.json()->getObject("compound")->getValue<std::string>("id") !=
             d.json()->getObject("compound")->getValue<std::string>("id"));
  auto flags = d.json()->getArray("flags");
  BOOST_REQUIRE_EQUAL(flags->size(), 1u);
  BOOST_TEST(flags->getObject(0)->getValue<std::string>("relation") == "stereoisomer");
  BOOST_TEST(flags->getObject(0)->getValue<std::string>("message") ==
             "stereoisomer of " + l.json()->getObject("compound")->getValue<std::string>("id"));
}

BOOST_AUTO_TEST_CASE(keto_and_enol_are_two_parents_flagged_as_tautomers) {
  Lab lab;
  auto keto = lab.registerAs(lab.lead, "CC(=O)C");
  auto enol = lab.registerAs(lab.lead, "CC(O)=C");
  BOOST_TEST_REQUIRE(enol.status == 201, enol.body);
  auto flags = enol.json()->getArray("flags");
  BOOST_REQUIRE_EQUAL(flags->size(), 1u);
  const std::string ketoCode = keto.json()->getObject("compound")->getValue<std::string>("id");
  const std::string enolCode = enol.json()->getObject("compound")->getValue<std::string>("id");
  BOOST_TEST(flags->getObject(0)->getValue<std::string>("message") == "tautomer of " + ketoCode);
  // The compound page shows the relation from the other side too.
  auto page = lab.server.call("GET", "/api/compounds/" + ketoCode, "", lab.lead);
  auto related = page.json()->getArray("related");
  BOOST_REQUIRE_EQUAL(related->size(), 1u);
  BOOST_TEST(related->getObject(0)->getValue<std::string>("message") == "tautomer of " + enolCode);
}

BOOST_AUTO_TEST_CASE(bad_input_answers_4xx_and_changes_nothing) {
  Lab lab;
  lab.registerAs(lab.lead, "CCO");
  const std::string before = databaseState(lab.server);
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  struct Case {
    std::string name;
    std::string body;
    int status;
    std::string mustMention;
  };
  std::vector<Case> cases = {
      {"empty structure", structureBody(""), 400, "empty"},
      {"garbage", structureBody("this is not chemistry"), 400, "after whitespace"},
      {"garbage word", structureBody("hello"), 400, "unknown aromatic"},
      {"lower-case element", structureBody("CNaC"), 400, "organic subset"},
      {"unclosed ring", structureBody("C1CCC"), 400, "unclosed ring"},
      {"unclosed branch", structureBody("CC(C"), 400, "unclosed branch"},
      {"bad valence", structureBody("CC(C)(C)(C)(C)C"), 400, "valence"},
      {"unknown element", structureBody("C[Xx]C"), 400, "unknown element"},
      {"aromaticity", structureBody("c1cccc1"), 400, "kekulize"},
      {"non-ASCII", structureBody("CC\xc3\xa9" "C"), 400, "non-ASCII"},
      {"five megabyte string", structureBody(std::string(5 * 1024 * 1024, 'C')), 413, "limit"},
      {"600 carbons", structureBody(std::string(600, 'C')), 400, "heavy atoms"},
      {"binary body", binary, 400, "UTF-8"},
      {"binary in JSON", "{\"structure\": \"C\\u0000C\"}", 400, "structure"},
      {"not JSON", "{structure: CCO}", 400, "JSON"},
      {"JSON array", "[\"CCO\"]", 400, "object"},
      {"missing structure", "{\"start_up\": 1}", 400, "'structure' is required"},
      {"structure not a string", "{\"structure\": 12}", 400, "must be a string"},
      {"unknown field", structureBody("CCO", "\"colour\": \"red\""), 400, "unknown field"},
      {"dummy atom", structureBody("*CC"), 400, "star atom"},
      {"bad format", structureBody("CCO", "\"format\": \"pdb\""), 400, "format"},
      {"molfile garbage", structureBody("line1\nline2\nline3\n  2  1\nM  END\n", "\"format\": \"molfile\""), 400, "Molfile"},
      {"molfile huge counts", structureBody("\n\n\n  0  0  0     0  0            999 V3000\nM  V30 COUNTS 50000000 0 0 0 0\nM  END\n"), 400, "too many atoms"},
      {"negative amount", structureBody("CCO", "\"batch\": {\"amount\": -2, \"unit\": \"g\"}"), 400, "amount"},
      {"purity over 100", structureBody("CCO", "\"batch\": {\"purity\": 120}"), 400, "purity"},
      {"bad unit", structureBody("CCO", "\"batch\": {\"amount\": 2, \"unit\": \"spoons\"}"), 400, "unit"},
      {"bad date", structureBody("CCO", "\"batch\": {\"prepared_on\": \"31/12/2026\"}"), 400, "YYYY-MM-DD"},
      {"unknown start-up", structureBody("CCO", "\"start_up\": 999"), 403, "own start-up"},
      {"huge amount", structureBody("CCO", "\"batch\": {\"amount\": 1e308, \"unit\": \"t\"}"), 400, "at most"},
      {"unit without amount", structureBody("CCO", "\"batch\": {\"unit\": \"g\"}"), 400, "without an amount"},
      {"molfile bond to a missing atom",
       structureBody("\n\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
                     "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
                     "    1.5000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
                     "  1  9  1  0\nM  END\n"),
       400, "Molfile line 7: bond 1 joins atom 9"},
  };
  for (const auto& c : cases) {
    auto r = lab.server.call("POST", "/api/compounds", c.body, lab.lead);
    BOOST_TEST(r.status == c.status, c.name << ": " << r.status << " " << r.body.substr(0, 300));
    if (r.status >= 400 && r.status < 500) {
      BOOST_TEST(r.errorMessage().find(c.mustMention) != std::string::npos,
                 c.name << ": " << r.errorMessage());
    }
    BOOST_TEST(databaseState(lab.server) == before, c.name);
  }
  // The structure errors say which field they concern.
  auto r = lab.registerAs(lab.lead, "C1CC");
  BOOST_TEST(r.json()->getObject("error")->getObject("details")->getValue<std::string>("field") ==
             "structure");
}

BOOST_AUTO_TEST_CASE(registration_needs_a_member_of_that_start_up) {
  Lab lab;
  auto anonymous = lab.server.call("POST", "/api/compounds", structureBody("CCO"));
  BOOST_TEST(anonymous.status == 401);
  BOOST_TEST(anonymous.errorCode() == "UNAUTHENTICATED");
  auto partner = lab.registerAs(lab.partner, "CCO");
  BOOST_TEST(partner.status == 403);
  auto wrong = lab.registerAs(lab.other, "CCO", "\"start_up\": " + std::to_string(lab.startUp));
  BOOST_TEST(wrong.status == 403);
  auto badToken = lab.server.call("GET", "/api/compounds", "", "argan_nonsense");
  BOOST_TEST(badToken.status == 401);
  auto admin = lab.registerAs(lab.admin, "CCO", "\"start_up\": " + std::to_string(lab.startUp));
  BOOST_TEST(admin.status == 201);
  auto adminWithoutStartUp = lab.registerAs(lab.admin, "CCC");
  BOOST_TEST(adminWithoutStartUp.status == 400);
}

BOOST_AUTO_TEST_CASE(other_start_ups_and_partners_see_nothing_private) {
  Lab lab;
  auto r = lab.registerAs(lab.lead, "OCCc1ccc(O)c(O)c1");
  std::string id = r.json()->getObject("compound")->getValue<std::string>("id");
  for (const std::string& token : {lab.other, lab.partner, std::string()}) {
    BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id + "/depiction.svg", "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id + "/batches", "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", "/api/batches/" + id + "-F1-B001", "", token).status == 404);
    auto list = lab.server.call("GET", "/api/compounds", "", token);
    BOOST_TEST(list.json()->getValue<int>("total") == 0);
  }
  // Registering the same structure elsewhere does not reveal the first holder.
  auto mine = lab.registerAs(lab.other, "OCCc1ccc(O)c(O)c1");
  BOOST_TEST(mine.status == 201);
  BOOST_TEST(mine.json()->getArray("flags")->size() == 0u);
  // A 404 for a record that exists looks exactly like one that does not.
  auto missing = lab.server.call("GET", "/api/compounds/CMP-999999", "", lab.other);
  auto hidden = lab.server.call("GET", "/api/compounds/" + id, "", lab.other);
  BOOST_TEST(missing.status == hidden.status);
  BOOST_TEST(missing.errorCode() == hidden.errorCode());
}

BOOST_AUTO_TEST_CASE(list_pages_and_filters) {
  Lab lab;
  for (const char* s : {"CCO", "CCCO", "CCCCO", "c1ccccc1O", "OCC(O)CO"}) {
    BOOST_TEST(lab.registerAs(lab.lead, s).status == 201);
  }
  auto page = lab.server.call("GET", "/api/compounds?page=0&page_size=2", "", lab.lead);
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.json()->getValue<int>("total") == 5);
  BOOST_TEST(page.json()->getArray("items")->size() == 2u);
  auto last = lab.server.call("GET", "/api/compounds?page=2&page_size=2", "", lab.lead);
  BOOST_TEST(last.json()->getArray("items")->size() == 1u);
  auto heavy = lab.server.call("GET", "/api/compounds?mw_min=80", "", lab.lead);
  BOOST_TEST(heavy.json()->getValue<int>("total") == 2);
  // A closed MW range: propanol 60.10 and butanol 74.12, not ethanol 46.07 or phenol 94.11.
  auto range = lab.server.call("GET", "/api/compounds?mw_min=50&mw_max=75", "", lab.lead);
  BOOST_TEST(range.json()->getValue<int>("total") == 2);
  // An empty range is a mistake in the query, not a search that found nothing.
  auto inverted = lab.server.call("GET", "/api/compounds?mw_min=90&mw_max=80", "", lab.lead);
  BOOST_TEST(inverted.status == 400, inverted.body);
  BOOST_TEST(inverted.errorMessage().find("mw_min") != std::string::npos, inverted.body);
  auto formula = lab.server.call("GET", "/api/compounds?formula=C3H8O", "", lab.lead);
  BOOST_TEST(formula.json()->getValue<int>("total") == 1);
  auto byStartUp = lab.server.call(
      "GET", "/api/compounds?start_up=" + std::to_string(lab.otherStartUp), "", lab.lead);
  BOOST_TEST(byStartUp.json()->getValue<int>("total") == 0);
  BOOST_TEST(lab.server.call("GET", "/api/compounds?page=x", "", lab.lead).status == 400);
  BOOST_TEST(lab.server.call("GET", "/api/compounds?page_size=100000", "", lab.lead).status == 400);
}

// An empty text filter (formula=, inchikey=, visibility=, as an HTML form sends them) is no
// filter, like an empty start_up or mw_min: the whole list, not 0 results or 400.
BOOST_AUTO_TEST_CASE(empty_text_filters_are_ignored) {
  Lab lab;
  for (const char* s : {"CCO", "CCCO", "c1ccccc1O"}) {
    BOOST_TEST_REQUIRE(lab.registerAs(lab.lead, s).status == 201);
  }
  for (const char* query :
       {"formula=", "formula=%20", "inchikey=", "visibility=", "formula=&inchikey=&visibility=",
        "formula=&start_up=&mw_min=&mw_max="}) {
    auto r = lab.server.call("GET", std::string("/api/compounds?") + query, "", lab.lead);
    BOOST_TEST_REQUIRE(r.status == 200, std::string(query) + ": " + r.body);
    BOOST_TEST(r.json()->getValue<int>("total") == 3, std::string(query) + ": " + r.body);
  }
  // A value still filters.
  auto formula = lab.server.call("GET", "/api/compounds?formula=C2H6O&inchikey=", "", lab.lead);
  BOOST_TEST(formula.json()->getValue<int>("total") == 1, formula.body);
}

BOOST_AUTO_TEST_CASE(compound_page_depiction_and_preview) {
  Lab lab;
  auto made = lab.registerAs(lab.lead, "CC(=O)Oc1ccccc1C(=O)O");
  const std::string code = made.json()->getObject("compound")->getValue<std::string>("id");
  auto page = lab.server.call("GET", "/api/compounds/" + code, "", lab.lead);
  BOOST_TEST_REQUIRE(page.status == 200);
  BOOST_TEST(page.json()->getArray("forms")->size() == 1u);
  BOOST_TEST(page.json()->getArray("batches")->size() == 1u);
  BOOST_TEST(page.json()->getObject("properties")->getValue<int>("hbd") == 1);
  // The bare number works too.
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + std::to_string(std::stoll(code.substr(4))),
                             "", lab.lead).status == 200);
  auto svg = lab.server.call("GET", "/api/compounds/" + code + "/depiction.svg?highlight=0,1,2", "", lab.lead);
  BOOST_TEST(svg.status == 200);
  BOOST_TEST(svg.headers["Content-Type"] == "image/svg+xml");
  BOOST_TEST(svg.body.find("<svg") != std::string::npos);
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + code + "/depiction.svg?highlight=99", "", lab.lead).status == 400);
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + code + "/depiction.svg?width=5", "", lab.lead).status == 400);

  auto preview = lab.server.call("POST", "/api/compounds/preview",
                                 structureBody("CC(=O)Oc1ccccc1C(=O)[O-].[K+]"), lab.lead);
  BOOST_TEST_REQUIRE(preview.status == 200, preview.body);
  BOOST_TEST(preview.json()->getValue<std::string>("outcome") == "new_form");
  BOOST_TEST(preview.json()->getObject("form")->getValue<std::string>("label") == "potassium salt, 1:1");
  BOOST_TEST(preview.json()->getValue<std::string>("depiction_svg").find("<svg") != std::string::npos);
  BOOST_TEST(lab.server.count("compound_forms") == 1);  // nothing saved
}

BOOST_AUTO_TEST_CASE(molfile_registration) {
  Lab lab;
  std::string molfile =
      "ethanol\n  test\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    2.5981    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "  1  2  1  0\n  2  3  1  0\nM  END\n";
  auto r = lab.registerAs(lab.lead, molfile);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  BOOST_TEST(r.json()->getObject("compound")->getValue<std::string>("inchikey") == "LFQSCWFLJHTTHZ-UHFFFAOYSA-N");
  BOOST_TEST(r.json()->getObject("batch")->getObject("submitted")->getValue<std::string>("format") == "molfile");
  BOOST_TEST(lab.registerAs(lab.lead, "OCC").json()->getValue<std::string>("outcome") == "new_batch");
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods) {
  Lab lab;
  auto missing = lab.server.call("GET", "/api/nothing-here");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.errorCode() == "NOT_FOUND");
  BOOST_TEST(lab.server.call("DELETE", "/api/compounds", "", lab.admin).status == 405);
  auto health = lab.server.call("GET", "/api/health");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(health.json()->getValue<std::string>("status") == "ok");
}

BOOST_AUTO_TEST_SUITE_END()
