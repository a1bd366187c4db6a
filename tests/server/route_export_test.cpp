// Export of synthesis routes (GET /api/export/routes, argan export --routes): metrics CSV,
// reaction SMILES and RXN records that re-read to the same reactions, visibility, exit codes.
#include <Poco/JSON/Parser.h>

#include <set>
#include <sstream>

#include "chem/csv.h"
#include "chem/molfile_writer.h"
#include "run_argan.h"
#include "test_server.h"

using namespace argan;
using test::runArgan;
using test::structureBody;

namespace {

// The three-step convergent route of tests/chem/route_metrics_test.cpp (PMI 19.297 kg/kg,
// overall yield 81 %), as in api_synthesis_test.cpp.
const char* kSteps = R"json(
 {"name": "acid chloride",
  "reaction_smiles": "OC(=O)c1ccccc1.O=S(Cl)Cl>Cc1ccccc1>ClC(=O)c1ccccc1.O=S=O.Cl",
  "components": [
    {"smiles": "OC(=O)c1ccccc1", "amount": 12.21, "unit": "g", "origin": "bio-based"},
    {"smiles": "O=S(Cl)Cl", "amount": 14.28, "unit": "g", "origin": "fossil"},
    {"smiles": "Cc1ccccc1", "amount": 50, "unit": "g"},
    {"smiles": "ClC(=O)c1ccccc1", "amount": 12.65, "unit": "g"}],
  "conditions": {"temperature_c": 80, "time_h": 3, "atmosphere": "N2", "mode": "batch"},
  "workup": ["evaporation"]},
 {"name": "hydrogenation",
  "reaction_smiles": "[O-][N+](=O)c1ccccc1.[H][H].[H][H].[H][H]>[Pd].CCO>Nc1ccccc1.O.O",
  "components": [
    {"smiles": "[O-][N+](=O)c1ccccc1", "amount": 12.31, "unit": "g"},
    {"smiles": "[H][H]", "amount": 0.61, "unit": "g"},
    {"smiles": "[Pd]", "role": "catalyst", "amount": 0.05, "unit": "g"},
    {"smiles": "OCC", "amount": 40, "unit": "g", "origin": "bio-based"},
    {"smiles": "Nc1ccccc1", "amount": 8.38, "unit": "g"}],
  "conditions": {"temperature_c": 25, "pressure_bar": 3, "mode": "flow"},
  "workup": "filtration"},
 {"name": "amide coupling",
  "reaction_smiles": "ClC(=O)c1ccccc1.Nc1ccccc1.CCN(CC)CC>ClCCl>O=C(Nc1ccccc1)c1ccccc1.(CC[NH+](CC)CC.[Cl-])",
  "components": [
    {"smiles": "ClC(=O)c1ccccc1", "from_step": 1, "amount": 11.25, "unit": "g"},
    {"smiles": "Nc1ccccc1", "from_step": 2, "amount": 7.45, "unit": "g"},
    {"smiles": "CCN(CC)CC", "amount": 8.90, "unit": "g"},
    {"smiles": "ClCCl", "amount": 100, "unit": "g"},
    {"smiles": "O", "role": "solvent", "amount": 50, "unit": "mL"},
    {"smiles": "O=C(Nc1ccccc1)c1ccccc1", "amount": 14.20, "unit": "g"}],
  "conditions": {"temperature_c": -20},
  "workup": ["extraction", "crystallisation"], "isolated_yield": 90})json";

// Glycerol carbonate from glycerol and dimethyl carbonate (one step).
const char* kGlycerolCarbonate = "OCC(O)CO.COC(=O)OC>[K+].[K+].[O-]C([O-])=O>O=C1OCC(CO)O1.CO.CO";

std::string jsonString(const std::string& text) {
  Poco::JSON::Object o;
  o.set("s", text);
  std::ostringstream out;
  o.stringify(out);
  std::string s = out.str();
  return s.substr(5, s.size() - 6);  // {"s":"..."} -> "..."
}

struct Lab {
  test::TempDir dir;
  test::TestServer server;
  std::int64_t zitoun = server.createStartUp("Zitoun");
  std::int64_t glycera = server.createStartUp("Glycera");
  std::string zitounLead = server.userToken("lead@zitoun.ma", db::Role::Lead, zitoun);
  std::string glyceraLead = server.userToken("lead@glycera.ma", db::Role::Lead, glycera);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::int64_t amideRoute = 0;
  std::int64_t carbonateRoute = 0;

  std::string registerCompound(const std::string& smiles, const std::string& token) {
    auto r = server.call("POST", "/api/compounds", structureBody(smiles), token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }

  std::string benzanilide;  // the amide route's target

  Lab() {
    benzanilide = registerCompound("O=C(Nc1ccccc1)c1ccccc1", zitounLead);
    auto amide = server.call("POST", "/api/routes",
                             R"({"target_compound": ")" + benzanilide +
                                 R"(", "name": "Benzanilide, convergent", "steps": [)" + kSteps +
                                 "]}",
                             zitounLead);
    BOOST_TEST_REQUIRE(amide.status == 201, amide.body);
    amideRoute = amide.json()->getValue<std::int64_t>("id");

    // The Glycera step is given as an RXN file (written by our own RXN writer).
    std::string carbonate = registerCompound("O=C1OCC(CO)O1", glyceraLead);
    std::string rxn = chem::rxnBlockFromReactionSmiles(kGlycerolCarbonate, "glycerol carbonate");
    auto route = server.call("POST", "/api/routes",
                             R"({"target_compound": ")" + carbonate +
                                 R"(", "name": "=Glycerol carbonate, K2CO3", "steps": [)"
                                 R"({"name": "transesterification", "rxn": )" +
                                 jsonString(rxn) + "}]}",
                             glyceraLead);
    BOOST_TEST_REQUIRE(route.status == 201, route.body);
    carbonateRoute = route.json()->getValue<std::int64_t>("id");
  }

  std::string exportBody(const std::string& query, const std::string& token) {
    auto r = server.call("GET", "/api/export/routes" + query, "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.body;
  }

  // The canonical reaction SMILES the calculator gives for a reaction SMILES or RXN block.
  std::string canonical(const std::string& field, const std::string& text) {
    auto r = server.call("POST", "/api/reactions/metrics",
                         "{\"" + field + "\": " + jsonString(text) + "}", admin);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.json()->getValue<std::string>("reaction_smiles");
  }
};

std::vector<chem::CsvRow> csvRows(const std::string& text) { return chem::parseCsv(text); }

std::string cell(const std::vector<chem::CsvRow>& rows, std::size_t row, const std::string& name) {
  return rows.at(row).at(chem::csvColumn(rows.at(0), name));
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(route_export)

BOOST_AUTO_TEST_CASE(csv_has_a_row_per_step_and_per_route_with_the_metrics) {
  Lab lab;
  auto rows = csvRows(lab.exportBody("?format=csv", lab.zitounLead));
  // Header, three steps, the route row; the other start-up's route is not there.
  BOOST_TEST_REQUIRE(rows.size() == 5u);
  BOOST_TEST(rows[0].front() == "route_id");
  std::set<std::string> routeIds;
  for (std::size_t i = 1; i < rows.size(); ++i) routeIds.insert(cell(rows, i, "route_id"));
  BOOST_TEST(routeIds == std::set<std::string>{std::to_string(lab.amideRoute)});
  BOOST_TEST(cell(rows, 1, "step") == "1");
  BOOST_TEST(cell(rows, 1, "step_name") == "acid chloride");
  BOOST_TEST(cell(rows, 1, "reaction_smiles") ==
             "OC(=O)c1ccccc1.O=S(Cl)Cl>Cc1ccccc1>ClC(=O)c1ccccc1.O=S=O.Cl");
  BOOST_TEST(cell(rows, 1, "analysed") == "yes");
  BOOST_TEST(!cell(rows, 1, "atom_economy").empty());
  BOOST_TEST(cell(rows, 3, "temperature_c") == "-20");  // a number, not guarded as a formula
  BOOST_TEST(cell(rows, 3, "isolated_yield") == "90");
  BOOST_TEST(cell(rows, 3, "traffic_lights").find("temperature") != std::string::npos);
  // The route row: the cumulative PMI and overall yield worked by hand in route_metrics_test.
  BOOST_TEST(cell(rows, 4, "step") == "route");
  BOOST_TEST(cell(rows, 4, "analysed") == "yes");
  BOOST_TEST(std::stod(cell(rows, 4, "pmi")) == 19.297, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(std::stod(cell(rows, 4, "overall_yield")) == 81.0,
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(cell(rows, 4, "step_count") == "3");
  BOOST_TEST(cell(rows, 4, "target_compound") == lab.benzanilide);
  BOOST_TEST(cell(rows, 4, "start_up") == "Zitoun");

  // An administrator sees both routes; the route name starting with '=' is guarded.
  auto all = csvRows(lab.exportBody("", lab.admin));
  BOOST_TEST_REQUIRE(all.size() == 7u);
  BOOST_TEST(cell(all, 5, "route_name") == "'=Glycerol carbonate, K2CO3");
  BOOST_TEST(cell(all, 6, "step") == "route");
  // ... or one start-up's when asked.
  BOOST_TEST(csvRows(lab.exportBody("?start_up=" + std::to_string(lab.glycera), lab.admin))
                 .size() == 3u);
  // Visitors see no private route: the header alone.
  BOOST_TEST(csvRows(lab.exportBody("?format=csv", "")).size() == 1u);
  BOOST_TEST(lab.server.call("GET", "/api/export/routes?format=pdf", "", lab.admin).status ==
             400);
}

BOOST_AUTO_TEST_CASE(reaction_smiles_and_rxn_records_read_back_to_the_same_reactions) {
  Lab lab;
  auto smiles = lines(lab.exportBody("?format=smiles", lab.admin));
  BOOST_TEST_REQUIRE(smiles.size() == 4u);
  BOOST_TEST(smiles[0] == "OC(=O)c1ccccc1.O=S(Cl)Cl>Cc1ccccc1>ClC(=O)c1ccccc1.O=S=O.Cl\t" +
                              std::to_string(lab.amideRoute) +
                              "/1 Benzanilide, convergent: acid chloride");
  std::vector<std::string> expected;
  for (const auto& line : smiles) {
    std::string reaction = line.substr(0, line.find('\t'));
    expected.push_back(lab.canonical("reaction_smiles", reaction));
  }
  // The RXN-given step is exported as its canonical reaction SMILES: the same reaction.
  BOOST_TEST(expected[3] == lab.canonical("reaction_smiles", kGlycerolCarbonate));

  auto rdf = lab.exportBody("?format=rxn", lab.admin);
  BOOST_TEST_REQUIRE(rdf.rfind("$RDFILE 1\n$DATM ", 0) == 0u);
  std::vector<std::string> blocks;
  for (std::size_t at = rdf.find("$RFMT\n"); at != std::string::npos;) {
    std::size_t next = rdf.find("$RFMT\n", at + 1);
    std::string record = rdf.substr(at + 6, next == std::string::npos ? std::string::npos
                                                                      : next - at - 6);
    BOOST_TEST(record.find("$DTYPE route_id\n$DATUM ") != std::string::npos);
    blocks.push_back(record.substr(0, record.find("$DTYPE")));
    at = next;
  }
  BOOST_TEST_REQUIRE(blocks.size() == 4u);
  BOOST_TEST(rdf.find("$DTYPE pmi\n$DATUM ") != std::string::npos);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    BOOST_TEST(blocks[i].rfind("$RXN", 0) == 0u, "record " << i);
    BOOST_TEST(lab.canonical("rxn", blocks[i]) == expected[i], "record " << i);
  }
}

// An ion pair written as one group among the agents ("([Zn+2].[O-]S([O-])(=O)=O)", as in the
// demo's urea route) is one species of the RXN record, and the record reads back to the
// same reaction.
BOOST_AUTO_TEST_CASE(rxn_records_hold_grouped_species_in_every_part) {
  Lab lab;
  const std::string urea = "OCC(O)CO.NC(N)=O>([Zn+2].[O-]S([O-])(=O)=O)>O=C1OCC(CO)O1.N.N";
  std::string carbonate = lab.registerCompound("O=C1OCC(CO)O1", lab.zitounLead);
  auto route = lab.server.call("POST", "/api/routes",
                               R"({"target_compound": ")" + carbonate +
                                   R"(", "name": "Glycerol carbonate, urea", "steps": [)"
                                   R"({"name": "urea glycerolysis", "reaction_smiles": ")" +
                                   urea + R"("}]})",
                               lab.zitounLead);
  BOOST_TEST_REQUIRE(route.status == 201, route.body);

  auto r = lab.server.call("GET", "/api/export/routes?format=rxn&start_up=" +
                                      std::to_string(lab.zitoun),
                           "", lab.zitounLead);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  std::size_t at = r.body.rfind("$RFMT\n");
  BOOST_TEST_REQUIRE(at != std::string::npos);
  std::string record = r.body.substr(at + 6);
  std::string block = record.substr(0, record.find("$DTYPE"));
  BOOST_TEST(block.find("urea glycerolysis") != std::string::npos, block);
  // Two reactants, three products, one agent (the zinc sulfate ion pair).
  BOOST_TEST(block.find("\n  2  3  1\n") != std::string::npos, block);
  BOOST_TEST(lab.canonical("rxn", block) == lab.canonical("reaction_smiles", urea));

  auto cli = runArgan({"export", "--routes", "--db", lab.server.dbPath(), "--format", "rxn",
                       lab.dir.file("all.rdf")});
  BOOST_TEST(cli.exitCode == 0, cli.err);
}

BOOST_AUTO_TEST_CASE(the_command_line_exports_routes) {
  Lab lab;
  std::string out = lab.dir.file("routes.csv");
  auto run = runArgan({"export", "--routes", "--db", lab.server.dbPath(), "--format", "csv", out});
  BOOST_TEST_REQUIRE(run.exitCode == 0, run.err);
  Poco::JSON::Parser parser;
  auto about = parser.parse(run.lastLine()).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(about->getValue<int>("routes") == 2);
  BOOST_TEST(about->getValue<int>("steps") == 4);
  BOOST_TEST(csvRows(test::readFile(out)).size() == 7u);

  auto own = runArgan({"export", "--routes", "--db", lab.server.dbPath(), "--format", "rxn",
                       "--start-up", std::to_string(lab.glycera), lab.dir.file("g.rdf")});
  BOOST_TEST_REQUIRE(own.exitCode == 0, own.err);
  BOOST_TEST(own.lastLine().find("\"routes\":1") != std::string::npos, own.lastLine());

  BOOST_TEST(runArgan({"export", "--routes", "--db", lab.server.dbPath(), "--format", "sdf",
                       lab.dir.file("x")})
                 .exitCode == 2);
  BOOST_TEST(runArgan({"export", "--routes", "--db", lab.server.dbPath(), "--format", "csv",
                       "--start-up", "99", lab.dir.file("x")})
                 .exitCode == 1);
}

BOOST_AUTO_TEST_SUITE_END()
