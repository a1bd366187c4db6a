// Publishing, retiring, record histories and the audit verification endpoint over HTTP.
#include "db/audit.h"
#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

struct Lab {
  TestServer server;
  std::int64_t zitoun = server.createStartUp("Zitoun");
  std::int64_t glycera = server.createStartUp("Glycera");
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, zitoun);
  std::string member = server.userToken("member@zitoun.ma", db::Role::Member, zitoun);
  std::string other = server.userToken("member@glycera.ma", db::Role::Member, glycera);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  // Registers a structure for Zitoun; returns the parent's code.
  std::string registerCompound(const std::string& smiles) {
    auto r = server.call("POST", "/api/compounds", structureBody(smiles), member);
    BOOST_TEST_REQUIRE(r.status < 300, r.body);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }

  test::HttpResult setVisibility(const std::string& kind, const std::string& id,
                                 const std::string& visibility, const std::string& token) {
    return server.call("PATCH", "/api/" + kind + "/" + id,
                       R"({"visibility": ")" + visibility + "\"}", token);
  }
};

std::string visibilityOf(const test::HttpResult& r) {
  return r.json()->getValue<std::string>("visibility");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_lifecycle)

BOOST_AUTO_TEST_CASE(members_share_with_the_cluster_leads_publish) {
  Lab lab;
  const std::string id = lab.registerCompound("OCC(O)CO");
  // Nobody outside Zitoun sees it yet.
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", lab.other).status == 404);

  auto shared = lab.setVisibility("compounds", id, "cluster", lab.member);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(visibilityOf(shared) == "cluster");
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", lab.other).status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", lab.partner).status == 404);
  // Another start-up sees it now but may not change it.
  BOOST_TEST(lab.setVisibility("compounds", id, "start-up", lab.other).status == 403);

  auto memberPublic = lab.setVisibility("compounds", id, "public", lab.member);
  BOOST_TEST(memberPublic.status == 403);
  BOOST_TEST(memberPublic.errorMessage().find("lead or an administrator") != std::string::npos);
  auto published =
      lab.server.call("PATCH", "/api/compounds/" + id,
                      R"({"visibility": "public", "reason": "in the catalogue"})", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  BOOST_TEST(visibilityOf(published) == "public");
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id).status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", lab.partner).status == 200);
  // A member may not take it back out of the public catalogue; the lead or an admin may.
  BOOST_TEST(lab.setVisibility("compounds", id, "cluster", lab.member).status == 403);
  BOOST_TEST(lab.setVisibility("compounds", id, "start-up", lab.admin).status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", lab.partner).status == 404);
  // Setting the same visibility again is a no-op (no audit entry).
  BOOST_TEST(lab.setVisibility("compounds", id, "start-up", lab.member).status == 200);

  // Publishing is an audited act with before and after.
  auto entries = lab.server.database().read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "compound", id); });
  std::vector<std::string> publishes;
  for (const auto& e : entries) {
    if (e.action != "publish") continue;
    auto before = e.beforeJson->find("\"visibility\":\"");
    auto after = e.afterJson->find("\"visibility\":\"");
    publishes.push_back(
        e.beforeJson->substr(before + 14, e.beforeJson->find('"', before + 14) - before - 14) +
        ">" + e.afterJson->substr(after + 14, e.afterJson->find('"', after + 14) - after - 14));
    if (publishes.back() == "cluster>public")
      BOOST_TEST(e.reason.value_or("") == "in the catalogue");
  }
  BOOST_TEST((publishes ==
              std::vector<std::string>{"start-up>cluster", "cluster>public", "public>start-up"}));

  // Bad requests.
  BOOST_TEST(lab.setVisibility("compounds", id, "everyone", lab.lead).status == 400);
  BOOST_TEST(
      lab.server.call("PATCH", "/api/compounds/" + id, R"({"name": "x"})", lab.lead).status == 400);
  BOOST_TEST(lab.setVisibility("compounds", "CMP-999999", "public", lab.lead).status == 404);
  BOOST_TEST(lab.setVisibility("compounds", id, "public", lab.partner).status == 403);
  BOOST_TEST(lab.setVisibility("compounds", id, "public", "").status == 401);
}

BOOST_AUTO_TEST_CASE(a_batch_is_published_no_further_than_its_compound) {
  Lab lab;
  const std::string id = lab.registerCompound("CCCCO");
  const std::string batch = id + "-F1-B001";
  auto tooFar = lab.setVisibility("batches", batch, "public", lab.lead);
  BOOST_TEST(tooFar.status == 422);
  BOOST_TEST(tooFar.errorMessage().find("publish " + id + " first") != std::string::npos);
  BOOST_TEST(lab.setVisibility("compounds", id, "public", lab.lead).status == 200);
  // The compound is public, its batch is still the start-up's.
  BOOST_TEST(lab.server.call("GET", "/api/batches/" + batch, "", lab.partner).status == 404);
  auto published = lab.setVisibility("batches", batch, "public", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  BOOST_TEST(visibilityOf(published) == "public");
  BOOST_TEST(lab.server.call("GET", "/api/batches/" + batch, "", lab.partner).status == 200);
  BOOST_TEST(lab.setVisibility("batches", batch, "cluster", lab.member).status == 403);
  BOOST_TEST(lab.setVisibility("batches", batch, "start-up", lab.lead).status == 200);
  BOOST_TEST(lab.setVisibility("batches", batch, "cluster", lab.member).status == 200);
}

BOOST_AUTO_TEST_CASE(retiring_keeps_the_record_and_its_reason) {
  Lab lab;
  const std::string id = lab.registerCompound("CC(C)O");
  const std::string batch = id + "-F1-B001";
  BOOST_TEST(lab.server.call("POST", "/api/compounds/" + id + "/retire", "{}", lab.member).status ==
             400);
  BOOST_TEST(
      lab.server.call("POST", "/api/compounds/" + id + "/retire", R"({"reason": "  "})", lab.member)
          .status == 400);
  BOOST_TEST(
      lab.server
          .call("POST", "/api/compounds/" + id + "/retire", R"({"reason": "wrong"})", lab.other)
          .status == 404);
  auto retiredBatch = lab.server.call("POST", "/api/batches/" + batch + "/retire",
                                      R"({"reason": "contaminated"})", lab.member);
  BOOST_TEST_REQUIRE(retiredBatch.status == 200, retiredBatch.body);
  auto retired = lab.server.call("POST", "/api/compounds/" + id + "/retire",
                                 R"({"reason": "registered by mistake"})", lab.member);
  BOOST_TEST_REQUIRE(retired.status == 200, retired.body);
  BOOST_TEST(retired.body.find("registered by mistake") != std::string::npos);
  auto again = lab.server.call("POST", "/api/compounds/" + id + "/retire", R"({"reason": "again"})",
                               lab.member);
  BOOST_TEST(again.status == 422);
  BOOST_TEST(again.errorMessage().find("already retired") != std::string::npos);
  // Nothing was deleted: the record answers, with its batch.
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + id, "", lab.member).status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/batches/" + batch, "", lab.member).status == 200);
  BOOST_TEST(lab.server.count("compounds") == 1);
  // A retired record is not published.
  auto publish = lab.setVisibility("compounds", id, "cluster", lab.lead);
  BOOST_TEST(publish.status == 422);
  BOOST_TEST(publish.errorMessage().find("retired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(history_shows_versions_to_whoever_may_see_the_record) {
  Lab lab;
  const std::string id = lab.registerCompound("CC(=O)O");
  lab.server.call("POST", "/api/compounds", structureBody("CC(=O)[O-].[Na+]"), lab.member);
  const std::string path = "/api/compounds/" + id + "/history";
  auto mine = lab.server.call("GET", path, "", lab.member);
  BOOST_TEST_REQUIRE(mine.status == 200, mine.body);
  auto body = mine.json();
  BOOST_TEST(body->getObject("record")->getValue<std::string>("id") == id);
  auto items = body->getArray("items");
  BOOST_REQUIRE_EQUAL(items->size(), 3u);  // the parent, form 1, form 2
  auto first = items->getObject(0);
  BOOST_TEST(first->getValue<std::string>("action") == "create");
  BOOST_TEST(first->getValue<std::string>("record_id") == id);
  BOOST_TEST(first->isNull("before"));
  BOOST_TEST(first->getObject("after")->getValue<std::string>("visibility") == "start-up");
  BOOST_TEST(first->getObject("actor")->getValue<std::string>("label").find("member@zitoun.ma") !=
             std::string::npos);
  BOOST_TEST(items->getObject(2)->getValue<std::string>("record_id") == id + "-F2");
  BOOST_TEST(first->getValue<std::string>("hash").size() == 64u);

  // Hidden from those who may not see the record, exactly like a missing one.
  for (const std::string& token : {lab.other, lab.partner, std::string()}) {
    auto hidden = lab.server.call("GET", path, "", token);
    BOOST_TEST(hidden.status == 404);
  }
  BOOST_TEST(
      lab.server.call("GET", "/api/batches/" + id + "-F1-B001/history", "", lab.other).status ==
      404);

  // Published with its first batch: outsiders see the parent and form 1, never form 2 (made
  // by a batch that is still the start-up's own).
  lab.setVisibility("compounds", id, "public", lab.lead);
  lab.setVisibility("batches", id + "-F1-B001", "public", lab.lead);
  lab.server.call("POST", "/api/compounds/" + id + "/retire", R"({"reason": "superseded"})",
                  lab.lead);
  auto outsider = lab.server.call("GET", path, "", lab.partner);
  BOOST_TEST_REQUIRE(outsider.status == 200, outsider.body);
  auto outsiderItems = outsider.json()->getArray("items");
  BOOST_REQUIRE_EQUAL(outsiderItems->size(), 4u);  // parent, form 1, publish, retire
  BOOST_TEST(outsiderItems->getObject(1)->getValue<std::string>("record_id") == id + "-F1");
  BOOST_TEST(outsider.body.find(id + "-F2") == std::string::npos);
  auto publish = outsiderItems->getObject(2);
  BOOST_TEST(publish->getValue<std::string>("action") == "publish");
  BOOST_TEST(publish->getObject("before")->getValue<std::string>("visibility") == "start-up");
  BOOST_TEST(publish->getObject("after")->getValue<std::string>("visibility") == "public");
  auto retire = outsiderItems->getObject(3);
  BOOST_TEST(retire->getValue<std::string>("action") == "retire");
  BOOST_TEST(retire->getValue<std::string>("reason") == "superseded");
  // Outsiders see who acted by user id, not by e-mail.
  BOOST_TEST(outsider.body.find("@zitoun.ma") == std::string::npos);
  BOOST_TEST(lab.server.call("GET", path).status == 200);

  // Start-ups are a public directory; their history is public too.
  auto startUp =
      lab.server.call("GET", "/api/start-ups/" + std::to_string(lab.zitoun) + "/history");
  BOOST_TEST_REQUIRE(startUp.status == 200);
  BOOST_TEST(startUp.json()->getArray("items")->getObject(0)->getValue<std::string>("action") ==
             "create");
  BOOST_TEST(lab.server.call("GET", "/api/start-ups/999/history").status == 404);
}

BOOST_AUTO_TEST_CASE(audit_verify_reports_the_first_tampered_entry) {
  Lab lab;
  lab.registerCompound("CCO");
  auto ok = lab.server.call("GET", "/api/audit/verify", "", lab.admin);
  BOOST_TEST_REQUIRE(ok.status == 200, ok.body);
  BOOST_TEST(ok.json()->getValue<bool>("ok") == true);
  const auto entries = ok.json()->getValue<std::int64_t>("entries");
  BOOST_TEST(entries == lab.server.count("audit_log"));
  BOOST_TEST(ok.json()->isNull("first_break"));
  BOOST_TEST(lab.server.call("GET", "/api/audit/verify", "", lab.lead).status == 403);
  BOOST_TEST(lab.server.call("GET", "/api/audit/verify").status == 401);

  // Someone with the database file drops the guard and edits a row in the middle.
  lab.server.database().write([](db::Connection& c) {
    c.exec("DROP TRIGGER audit_log_no_update");
    c.exec("UPDATE audit_log SET actor_label = 'mallory' WHERE id = 4");
  });
  auto broken = lab.server.call("GET", "/api/audit/verify", "", lab.admin);
  BOOST_TEST_REQUIRE(broken.status == 200);
  BOOST_TEST(broken.json()->getValue<bool>("ok") == false);
  BOOST_TEST(broken.json()->getValue<std::int64_t>("entries") == entries);
  BOOST_TEST(broken.json()->getValue<std::int64_t>("first_break") == 4);
  BOOST_TEST(broken.json()->getValue<std::string>("reason").find("modified") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
