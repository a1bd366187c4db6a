// Users, teams and API tokens over HTTP: administrator vs lead powers, the team rule,
// one-time passwords for new accounts, token creation and revocation.
#include <set>

#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

struct Cluster {
  TestServer server;
  std::int64_t zitoun = server.createStartUp("Zitoun");
  std::int64_t glycera = server.createStartUp("Glycera");
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, zitoun);
  std::string member = server.userToken("member@zitoun.ma", db::Role::Member, zitoun);
  std::string otherLead = server.userToken("lead@glycera.ma", db::Role::Lead, glycera);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  std::int64_t idOf(const std::string& email) {
    return server.database().read(
        [&](db::Connection& c) { return db::findUserByEmail(c, email)->id; });
  }
  std::string userPath(const std::string& email) {
    return "/api/users/" + std::to_string(idOf(email));
  }
  // A new API token for an existing user (what signing in again and creating one gives).
  std::string newToken(const std::string& email) {
    std::string token = server::newApiToken();
    server.database().write([&](db::Connection& c) {
      db::createApiToken(c, server.services().clock, db::Principal::system("test"), idOf(email),
                         server::tokenDigest(token), "test");
    });
    return token;
  }
};

std::set<std::string> emails(const test::HttpResult& r) {
  std::set<std::string> out;
  auto items = r.json()->getArray("items");
  for (std::size_t i = 0; i < items->size(); ++i) {
    out.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("email"));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_users)

BOOST_AUTO_TEST_CASE(admins_list_everyone_leads_their_team) {
  Cluster c;
  auto all = c.server.call("GET", "/api/users", "", c.admin);
  BOOST_TEST_REQUIRE(all.status == 200);
  BOOST_TEST(emails(all).size() == 5u);
  BOOST_TEST(all.body.find("pbkdf2") == std::string::npos);
  auto team = c.server.call("GET", "/api/users", "", c.lead);
  BOOST_TEST((emails(team) == std::set<std::string>{"lead@zitoun.ma", "member@zitoun.ma"}));
  BOOST_TEST(
      c.server.call("GET", "/api/users?start_up=" + std::to_string(c.glycera), "", c.lead).status ==
      403);
  auto filtered =
      c.server.call("GET", "/api/users?start_up=" + std::to_string(c.glycera), "", c.admin);
  BOOST_TEST((emails(filtered) == std::set<std::string>{"lead@glycera.ma"}));
  BOOST_TEST(c.server.call("GET", "/api/users", "", c.member).status == 403);
  BOOST_TEST(c.server.call("GET", "/api/users", "", c.partner).status == 403);
}

BOOST_AUTO_TEST_CASE(a_lead_adds_members_to_their_own_start_up_only) {
  Cluster c;
  auto added = c.server.call(
      "POST", "/api/users",
      R"({"email": "new@zitoun.ma", "role": "member", "display_name": "New"})", c.lead);
  BOOST_TEST_REQUIRE(added.status == 201, added.body);
  auto body = added.json();
  BOOST_TEST(body->getValue<std::int64_t>("start_up") == c.zitoun);  // the lead's own
  BOOST_TEST(body->getValue<bool>("must_change_password") == true);
  const std::string oneTime = body->getValue<std::string>("one_time_password");
  BOOST_TEST(oneTime.size() >= 10u);
  // The new member signs in with it and must choose their own.
  auto session = c.server.call("POST", "/api/session",
                               R"({"email": "new@zitoun.ma", "password": ")" + oneTime + "\"}");
  BOOST_TEST_REQUIRE(session.status == 200, session.body);
  BOOST_TEST(session.json()->getValue<bool>("must_change_password") == true);

  BOOST_TEST(
      c.server.call("POST", "/api/users", R"({"email": "l2@zitoun.ma", "role": "lead"})", c.lead)
          .status == 201);
  auto admin =
      c.server.call("POST", "/api/users", R"({"email": "boss@cise.ma", "role": "admin"})", c.lead);
  BOOST_TEST(admin.status == 403);
  BOOST_TEST(admin.errorMessage().find("not administrators") != std::string::npos);
  BOOST_TEST(
      c.server.call("POST", "/api/users", R"({"email": "p2@x.ma", "role": "partner"})", c.lead)
          .status == 403);
  auto elsewhere = c.server.call("POST", "/api/users",
                                 R"({"email": "spy@glycera.ma", "role": "member", "start_up": )" +
                                     std::to_string(c.glycera) + "}",
                                 c.lead);
  BOOST_TEST(elsewhere.status == 403);
  BOOST_TEST(
      c.server
          .call("POST", "/api/users", R"({"email": "m3@zitoun.ma", "role": "member"})", c.member)
          .status == 403);
  // Input errors name the field.
  auto badRole =
      c.server.call("POST", "/api/users", R"({"email": "x@zitoun.ma", "role": "king"})", c.lead);
  BOOST_TEST(badRole.status == 400);
  auto weak =
      c.server.call("POST", "/api/users",
                    R"({"email": "x@zitoun.ma", "role": "member", "password": "short"})", c.lead);
  BOOST_TEST(weak.status == 400);
  auto taken = c.server.call("POST", "/api/users",
                             R"({"email": "MEMBER@zitoun.ma", "role": "member"})", c.lead);
  BOOST_TEST(taken.status == 409);
}

BOOST_AUTO_TEST_CASE(admins_create_any_role) {
  Cluster c;
  for (const std::string& body :
       {std::string(
            R"({"email": "a2@cise.ma", "role": "admin", "password": "chosen by the admin"})"),
        std::string(R"({"email": "p2@industry.ma", "role": "partner"})"),
        R"({"email": "m@glycera.ma", "role": "member", "start_up": )" + std::to_string(c.glycera) +
            "}"}) {
    auto r = c.server.call("POST", "/api/users", body, c.admin);
    BOOST_TEST(r.status == 201, body << " -> " << r.body);
  }
  auto chosen = c.server.call("POST", "/api/session",
                              R"({"email": "a2@cise.ma", "password": "chosen by the admin"})");
  BOOST_TEST(chosen.status == 200);
  BOOST_TEST(chosen.json()->getValue<bool>("must_change_password") == true);
  auto noTeam =
      c.server.call("POST", "/api/users", R"({"email": "m4@x.ma", "role": "member"})", c.admin);
  BOOST_TEST(noTeam.status == 400);
}

BOOST_AUTO_TEST_CASE(a_lead_manages_their_team_but_nobody_else) {
  Cluster c;
  const std::string memberPath = c.userPath("member@zitoun.ma");
  auto renamed = c.server.call("PATCH", memberPath, R"({"display_name": "Amal"})", c.lead);
  BOOST_TEST_REQUIRE(renamed.status == 200, renamed.body);
  BOOST_TEST(renamed.json()->getValue<std::string>("display_name") == "Amal");
  auto promoted = c.server.call("PATCH", memberPath, R"({"role": "lead"})", c.lead);
  BOOST_TEST(promoted.status == 200);
  BOOST_TEST(promoted.json()->getValue<std::string>("role") == "lead");
  BOOST_TEST(c.server.call("PATCH", memberPath, R"({"role": "member"})", c.lead).status == 200);
  BOOST_TEST(c.server.call("PATCH", memberPath, R"({"role": "admin"})", c.lead).status == 403);
  BOOST_TEST(
      c.server
          .call("PATCH", memberPath, R"({"start_up": )" + std::to_string(c.glycera) + "}", c.lead)
          .status == 403);
  auto disabled = c.server.call("PATCH", memberPath, R"({"disabled": true})", c.lead);
  BOOST_TEST_REQUIRE(disabled.status == 200, disabled.body);
  BOOST_TEST(disabled.json()->getValue<bool>("disabled") == true);
  BOOST_TEST(c.server.call("GET", "/api/compounds", "", c.member).status == 401);
  BOOST_TEST(c.server.call("PATCH", memberPath, R"({"disabled": false})", c.lead).status == 200);
  // Disabling revoked the member's tokens; re-enabling brings none back (docs/threat-model.md):
  // the old token stays refused, a new one works.
  BOOST_TEST(c.server.call("GET", "/api/compounds", "", c.member).status == 401);
  c.member = c.newToken("member@zitoun.ma");
  BOOST_TEST(c.server.call("GET", "/api/compounds", "", c.member).status == 200);

  // Another start-up's people, administrators and partners are invisible to a lead: 404.
  for (const char* email : {"lead@glycera.ma", "admin@cise.ma", "buyer@industry.ma"}) {
    BOOST_TEST(
        c.server.call("PATCH", c.userPath(email), R"({"display_name": "x"})", c.lead).status == 404,
        email);
  }
  BOOST_TEST(
      c.server.call("PATCH", "/api/users/99999", R"({"display_name": "x"})", c.lead).status == 404);
  // A member manages nobody but their own display name.
  BOOST_TEST(c.server.call("PATCH", c.userPath("lead@zitoun.ma"), R"({"disabled": true})", c.member)
                 .status == 404);
  BOOST_TEST(
      c.server.call("PATCH", c.userPath("member@zitoun.ma"), R"({"display_name": "Me"})", c.member)
          .status == 200);
  BOOST_TEST(
      c.server
          .call("PATCH", c.userPath("buyer@industry.ma"), R"({"display_name": "Buyer"})", c.partner)
          .status == 200);
  // Nobody disables themselves or changes their own role (no lock-out by accident).
  BOOST_TEST(c.server.call("PATCH", c.userPath("lead@zitoun.ma"), R"({"disabled": true})", c.lead)
                 .status == 403);
  BOOST_TEST(c.server.call("PATCH", c.userPath("member@zitoun.ma"), R"({"role": "lead"})", c.member)
                 .status == 403);
  BOOST_TEST(c.server.call("PATCH", c.userPath("admin@cise.ma"), R"({"role": "partner"})", c.admin)
                 .status == 403);
  // Administrators can do what leads cannot.
  BOOST_TEST(
      c.server.call("PATCH", c.userPath("lead@glycera.ma"), R"({"display_name": "G"})", c.admin)
          .status == 200);
  auto moved = c.server.call("PATCH", memberPath,
                             R"({"start_up": )" + std::to_string(c.glycera) + "}", c.admin);
  BOOST_TEST(moved.status == 200);
  BOOST_TEST(moved.json()->getValue<std::int64_t>("start_up") == c.glycera);
  auto toPartner = c.server.call("PATCH", memberPath, R"({"role": "partner"})", c.admin);
  BOOST_TEST(toPartner.status == 200);
  BOOST_TEST(toPartner.json()->isNull("start_up"));
}

BOOST_AUTO_TEST_CASE(an_active_team_keeps_two_members) {
  Cluster c;
  auto active = c.server.call("PATCH", "/api/start-ups/" + std::to_string(c.zitoun),
                              R"({"status": "active"})", c.admin);
  BOOST_TEST_REQUIRE(active.status == 200, active.body);
  const std::string memberPath = c.userPath("member@zitoun.ma");
  auto refused = c.server.call("PATCH", memberPath, R"({"disabled": true})", c.lead);
  BOOST_TEST(refused.status == 422);
  BOOST_TEST(refused.errorMessage().find("at least 2 members") != std::string::npos);
  BOOST_TEST(refused.errorMessage().find("Zitoun") != std::string::npos);
  BOOST_TEST(refused.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "rule") == "minimum_team");
  // Moving the member out, or making them a partner, breaks the same rule.
  BOOST_TEST(c.server.call("PATCH", memberPath, R"({"role": "partner"})", c.admin).status == 422);
  BOOST_TEST(
      c.server
          .call("PATCH", memberPath, R"({"start_up": )" + std::to_string(c.glycera) + "}", c.admin)
          .status == 422);
  // With a third member, one may leave.
  BOOST_TEST(
      c.server
          .call("POST", "/api/users", R"({"email": "third@zitoun.ma", "role": "member"})", c.lead)
          .status == 201);
  BOOST_TEST(c.server.call("PATCH", memberPath, R"({"disabled": true})", c.lead).status == 200);
  // Every change is in the audit trail, with before and after.
  auto history = c.server.database().read([&](db::Connection& conn) {
    return conn.queryInt(
        "SELECT COUNT(*) FROM audit_log WHERE record_type = 'user' AND action = 'disable'");
  });
  BOOST_TEST(*history == 1);
}

BOOST_AUTO_TEST_CASE(tokens_are_shown_once_listed_and_revocable) {
  Cluster c;
  auto created = c.server.call("POST", "/api/tokens", R"({"label": "nightly export"})", c.member);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  const std::string token = created.json()->getValue<std::string>("token");
  const std::int64_t id = created.json()->getValue<std::int64_t>("id");
  BOOST_TEST(token.rfind("argan_", 0) == 0u);
  BOOST_TEST(c.server.call("GET", "/api/compounds", "", token).status == 200);

  auto list = c.server.call("GET", "/api/tokens", "", c.member);
  BOOST_TEST_REQUIRE(list.status == 200);
  BOOST_TEST(list.json()->getValue<int>("total") == 2);    // the test token + the new one
  BOOST_TEST(list.body.find(token) == std::string::npos);  // never shown again
  BOOST_TEST(list.body.find("nightly export") != std::string::npos);
  // Use is recorded (at most once a minute): the new token was used above.
  auto newest = list.json()->getArray("items")->getObject(0);
  BOOST_TEST(newest->getValue<std::int64_t>("id") == id);
  BOOST_TEST(!newest->isNull("last_used_at"));

  // Somebody else's token looks missing; an administrator may revoke it.
  BOOST_TEST(c.server.call("DELETE", "/api/tokens/" + std::to_string(id), "", c.lead).status ==
             404);
  BOOST_TEST(
      c.server
          .call("GET", "/api/tokens?user=" + std::to_string(c.idOf("member@zitoun.ma")), "", c.lead)
          .status == 403);
  BOOST_TEST(c.server
                 .call("GET", "/api/tokens?user=" + std::to_string(c.idOf("member@zitoun.ma")), "",
                       c.admin)
                 .status == 200);
  auto revoked = c.server.call("DELETE", "/api/tokens/" + std::to_string(id), "", c.member);
  BOOST_TEST(revoked.status == 204);
  auto after = c.server.call("GET", "/api/compounds", "", token);
  BOOST_TEST(after.status == 401);
  BOOST_TEST(after.errorMessage().find("revoked") != std::string::npos);
  BOOST_TEST(c.server.call("DELETE", "/api/tokens/" + std::to_string(id), "", c.member).status ==
             422);
  BOOST_TEST(c.server.call("DELETE", "/api/tokens/abc", "", c.member).status == 404);

  // Administrators create tokens for others; others may not.
  std::string partnerId = std::to_string(c.idOf("buyer@industry.ma"));
  auto forPartner = c.server.call("POST", "/api/tokens", R"({"user": )" + partnerId + "}", c.admin);
  BOOST_TEST(forPartner.status == 201);
  BOOST_TEST(forPartner.json()->getValue<std::int64_t>("user") == std::stoll(partnerId));
  BOOST_TEST(
      c.server.call("POST", "/api/tokens", R"({"user": )" + partnerId + "}", c.lead).status == 403);
  auto revokedByAdmin = c.server.call(
      "DELETE", "/api/tokens/" + std::to_string(forPartner.json()->getValue<std::int64_t>("id")),
      "", c.admin);
  BOOST_TEST(revokedByAdmin.status == 204);
  // Revocations are audited.
  auto audited = c.server.database().read([](db::Connection& conn) {
    return conn.queryInt(
        "SELECT COUNT(*) FROM audit_log WHERE record_type = 'api_token' AND action = 'revoke'");
  });
  BOOST_TEST(*audited == 2);
}

BOOST_AUTO_TEST_SUITE_END()
