// Start-ups over HTTP: public directory, administrator creation, the team rule.
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

// The administrator creates the start-up both cases start from; 201 is required.
test::HttpResult createAtlasFuranics(TestServer& server, const std::string& admin) {
  auto created = server.call("POST", "/api/start-ups",
                             R"({"name": "Atlas Furanics", "sector": "green_chemicals",
                                 "description": "furfural from residues"})",
                             admin);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  return created;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_start_ups)

BOOST_AUTO_TEST_CASE(create_list_and_update) {
  TestServer server;
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  auto created = createAtlasFuranics(server, admin);
  std::int64_t id = created.json()->getValue<std::int64_t>("id");
  BOOST_TEST(id > 0);
  BOOST_TEST(created.json()->getValue<std::string>("status") == "incubating");

  auto list = server.call("GET", "/api/start-ups");
  BOOST_TEST(list.status == 200);
  BOOST_TEST(list.json()->getArray("items")->size() == 1u);
  BOOST_TEST(server.call("GET", "/api/start-ups/" + std::to_string(id)).status == 200);
  BOOST_TEST(server.call("GET", "/api/start-ups/999").status == 404);
  BOOST_TEST(server.call("GET", "/api/start-ups/abc").status == 404);
  // Ids are decimal digits only: a sign, a space, a suffix or an overflow names no start-up.
  for (std::string raw : {"0", "-1", "%2B1", "%201", "1x", "99999999999999999999"}) {
    auto res = server.call("GET", "/api/start-ups/" + raw);
    BOOST_TEST(res.status == 404, raw);
    BOOST_TEST(res.errorMessage().find("no start-up") != std::string::npos, raw);
  }

  auto duplicate = server.call("POST", "/api/start-ups",
                               R"({"name": "atlas furanics", "sector": "valorisation"})", admin);
  BOOST_TEST(duplicate.status == 409);
  // The answer names the field and the start-up that holds the name, not SQLite's words.
  BOOST_TEST(duplicate.errorMessage().find("'Atlas Furanics' already exists") != std::string::npos,
             duplicate.body);
  BOOST_TEST(duplicate.errorMessage().find("UNIQUE") == std::string::npos, duplicate.body);
  BOOST_TEST(duplicate.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "field") == "name");
  auto second = server.call("POST", "/api/start-ups",
                            R"({"name": "Glycera", "sector": "valorisation"})", admin);
  BOOST_TEST_REQUIRE(second.status == 201);
  auto renamed = server.call("PATCH",
                             "/api/start-ups/" +
                                 std::to_string(second.json()->getValue<std::int64_t>("id")),
                             R"({"name": " ATLAS furanics "})", admin);
  BOOST_TEST(renamed.status == 409);
  BOOST_TEST(renamed.errorMessage().find("already exists") != std::string::npos, renamed.body);
  auto badSector = server.call("POST", "/api/start-ups", R"({"name": "X", "sector": "oil"})", admin);
  BOOST_TEST(badSector.status == 400);
  BOOST_TEST(badSector.errorMessage().find("sector") != std::string::npos);
  auto noName = server.call("POST", "/api/start-ups", R"({"sector": "valorisation"})", admin);
  BOOST_TEST(noName.status == 400);
}

// A PATCH that changes nothing ({} or the values the start-up already has) answers 200 with
// the unchanged record and writes nothing: no audit entry, the same updated_at.
BOOST_AUTO_TEST_CASE(a_patch_that_changes_nothing_writes_nothing) {
  TestServer server;
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  auto created = createAtlasFuranics(server, admin);
  std::string path = "/api/start-ups/" + std::to_string(created.json()->getValue<std::int64_t>("id"));
  std::string updatedAt = created.json()->getValue<std::string>("updated_at");
  const std::int64_t audits = server.count("audit_log");
  for (const std::string& body :
       {std::string("{}"), std::string(R"({"status": "incubating"})"),
        std::string(R"({"name": "Atlas Furanics", "sector": "green_chemicals",
                        "description": "furfural from residues", "status": "incubating"})")}) {
    auto r = server.call("PATCH", path, body, admin);
    BOOST_TEST_REQUIRE(r.status == 200, body + ": " + r.body);
    BOOST_TEST(r.json()->getValue<std::string>("name") == "Atlas Furanics");
    BOOST_TEST(r.json()->getValue<std::string>("description") == "furfural from residues");
    BOOST_TEST(r.json()->getValue<std::string>("updated_at") == updatedAt, body);
    BOOST_TEST(server.count("audit_log") == audits, body);
  }
  // A real change is still written and audited.
  auto changed = server.call("PATCH", path, R"({"description": "furfural"})", admin);
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  BOOST_TEST(server.count("audit_log") == audits + 1);
}

BOOST_AUTO_TEST_CASE(only_admins_create_and_leads_edit_their_description) {
  TestServer server;
  std::int64_t s = server.createStartUp("Glycera");
  std::int64_t t = server.createStartUp("Zaatar");
  std::string lead = server.userToken("lead@glycera.ma", db::Role::Lead, s);
  std::string member = server.userToken("m@glycera.ma", db::Role::Member, s);
  std::string partner = server.userToken("p@industry.ma", db::Role::Partner);
  std::string body = R"({"name": "New", "sector": "valorisation"})";
  BOOST_TEST(server.call("POST", "/api/start-ups", body).status == 401);
  BOOST_TEST(server.call("POST", "/api/start-ups", body, lead).status == 403);
  BOOST_TEST(server.call("POST", "/api/start-ups", body, partner).status == 403);
  std::string path = "/api/start-ups/" + std::to_string(s);
  BOOST_TEST(server.call("PATCH", path, R"({"description": "glycerol carbonate"})", lead).status == 200);
  BOOST_TEST(server.call("PATCH", path, R"({"status": "graduated"})", lead).status == 403);
  BOOST_TEST(server.call("PATCH", path, R"({"description": "x"})", member).status == 403);
  BOOST_TEST(server.call("PATCH", "/api/start-ups/" + std::to_string(t),
                         R"({"description": "x"})", lead).status == 403);
}

BOOST_AUTO_TEST_CASE(active_status_needs_two_members) {
  TestServer server;
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::int64_t s = server.createStartUp("Souss Solvents");
  std::string path = "/api/start-ups/" + std::to_string(s);
  server.userToken("one@souss.ma", db::Role::Lead, s);
  auto refused = server.call("PATCH", path, R"({"status": "active"})", admin);
  BOOST_TEST(refused.status == 422);
  BOOST_TEST(refused.errorMessage().find("at least 2 members") != std::string::npos);
  server.userToken("two@souss.ma", db::Role::Member, s);
  auto accepted = server.call("PATCH", path, R"({"status": "active"})", admin);
  BOOST_TEST(accepted.status == 200);
  BOOST_TEST(accepted.json()->getValue<std::string>("status") == "active");
}

BOOST_AUTO_TEST_SUITE_END()
