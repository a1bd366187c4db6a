// Browser sessions over HTTP: sign-in, cookie attributes, expiry (ManualClock), logout,
// CSRF, sign-in throttling, generic failures, one-time passwords.
#include "db/audit.h"
#include "test_server.h"

using namespace argan;
using test::HttpResult;
using test::TestServer;

namespace {

constexpr std::int64_t kStart = 1795000000LL * 1000000;
const std::string kPassword = "a long enough password";

std::string loginBody(const std::string& email, const std::string& password) {
  Poco::JSON::Object o;
  o.set("email", email);
  o.set("password", password);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

// A browser: keeps the session cookie and the CSRF token.
struct Browser {
  TestServer& server;
  std::string cookie;  // "argan_session=..."
  std::string csrf;

  HttpResult login(const std::string& email, const std::string& password) {
    auto r = call("POST", "/api/session", loginBody(email, password), /*withCsrf=*/false);
    for (const auto& c : r.setCookies) {
      if (c.rfind("argan_session=", 0) == 0) cookie = c.substr(0, c.find(';'));
    }
    if (r.status == 200) csrf = r.json()->getValue<std::string>("csrf_token");
    return r;
  }

  HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                  bool withCsrf = true, const std::string& csrfOverride = "") {
    std::map<std::string, std::string> headers;
    if (!cookie.empty()) headers["Cookie"] = cookie;
    if (withCsrf && !csrf.empty()) headers["X-CSRF-Token"] = csrf;
    if (!csrfOverride.empty()) headers["X-CSRF-Token"] = csrfOverride;
    return server.call(method, path, body, "", "application/json", headers);
  }
};

struct Site {
  ManualClock clock{kStart};
  TestServer server{server::AppConfig{}, &clock};
  std::int64_t startUp = server.createStartUp("Zitoun");
  std::int64_t leadId = server.createUser("lead@zitoun.ma", db::Role::Lead, startUp, kPassword);

  Browser browser() { return Browser{server, "", ""}; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(api_session)

BOOST_AUTO_TEST_CASE(sign_in_sets_a_strict_http_only_cookie_and_answers_the_session) {
  Site site;
  Browser b = site.browser();
  auto r = b.login("LEAD@zitoun.ma", kPassword);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_REQUIRE_EQUAL(r.setCookies.size(), 1u);
  const std::string& cookie = r.setCookies[0];
  BOOST_TEST(cookie.rfind("argan_session=", 0) == 0u);
  BOOST_TEST(cookie.find("; HttpOnly") != std::string::npos);
  BOOST_TEST(cookie.find("; SameSite=Strict") != std::string::npos);
  BOOST_TEST(cookie.find("; Path=/") != std::string::npos);
  BOOST_TEST(cookie.find("Secure") == std::string::npos);  // off unless configured
  std::string secret = b.cookie.substr(std::string("argan_session=").size());
  BOOST_TEST(secret.size() == 64u);

  auto body = r.json();
  auto user = body->getObject("user");
  BOOST_TEST(user->getValue<std::int64_t>("id") == site.leadId);
  BOOST_TEST(user->getValue<std::string>("email") == "lead@zitoun.ma");
  BOOST_TEST(user->getValue<std::string>("role") == "lead");
  BOOST_TEST(user->getValue<std::int64_t>("start_up") == site.startUp);
  BOOST_TEST(user->has("display_name"));
  BOOST_TEST(body->getValue<bool>("must_change_password") == false);
  BOOST_TEST(body->getValue<std::string>("csrf_token").size() == 64u);
  BOOST_TEST(body->getValue<std::string>("csrf_token") != secret);

  // The database holds neither the secret nor the CSRF token.
  auto stored = site.server.database().read(
      [](db::Connection& c) { return c.queryText("SELECT secret_hash FROM sessions"); });
  BOOST_TEST(*stored != secret);
  BOOST_TEST(*stored == server::tokenDigest(secret));

  auto again = b.call("GET", "/api/session");
  BOOST_TEST_REQUIRE(again.status == 200, again.body);
  BOOST_TEST(again.json()->getValue<std::string>("csrf_token") == b.csrf);
  BOOST_TEST(again.json()->getObject("user")->getValue<std::string>("email") == "lead@zitoun.ma");
  // The session authenticates API calls like a token does.
  BOOST_TEST(b.call("GET", "/api/users").status == 200);
  // Without the cookie there is no session.
  BOOST_TEST(site.server.call("GET", "/api/session").status == 401);
}

BOOST_AUTO_TEST_CASE(secure_cookies_when_configured) {
  server::AppConfig config;
  config.secureCookies = true;
  TestServer server(config);
  server.createUser("p@industry.ma", db::Role::Partner, std::nullopt, kPassword);
  Browser b{server, "", ""};
  auto r = b.login("p@industry.ma", kPassword);
  BOOST_TEST_REQUIRE(r.status == 200);
  BOOST_TEST(r.setCookies.at(0).find("; Secure") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failures_are_generic_whether_or_not_the_account_exists) {
  Site site;
  site.server.createUser("gone@zitoun.ma", db::Role::Member, site.startUp, kPassword);
  site.server.database().write([&](db::Connection& c) {
    c.exec(
        "UPDATE users SET disabled_at = '2026-01-01T00:00:00.000Z' WHERE email = 'gone@zitoun.ma'");
  });
  Browser b = site.browser();
  auto wrongPassword = b.login("lead@zitoun.ma", "not the password");
  auto unknown = b.login("nobody@zitoun.ma", "not the password");
  auto disabled = b.login("gone@zitoun.ma", kPassword);
  for (const auto* r : {&wrongPassword, &unknown, &disabled}) {
    BOOST_TEST(r->status == 401);
    BOOST_TEST(r->errorCode() == "UNAUTHENTICATED");
    BOOST_TEST(r->errorMessage() == "the e-mail or password is incorrect");
    BOOST_TEST(r->setCookies.empty());
  }
  BOOST_TEST(site.server.count("sessions") == 0);
  // Malformed requests say what is wrong with the request, not with the account.
  BOOST_TEST(site.server.call("POST", "/api/session", R"({"email": "lead@zitoun.ma"})").status ==
             400);
  BOOST_TEST(site.server.call("POST", "/api/session", "not json").status == 400);
}

BOOST_AUTO_TEST_CASE(sign_in_is_throttled_per_account) {
  Site site;
  Browser b = site.browser();
  for (int i = 0; i < 5; ++i) BOOST_TEST(b.login("lead@zitoun.ma", "wrong guess").status == 401);
  // The sixth attempt is refused before the password is checked, even the right one.
  auto blocked = b.login("lead@zitoun.ma", kPassword);
  BOOST_TEST_REQUIRE(blocked.status == 429, blocked.body);
  BOOST_TEST(blocked.errorCode() == "RESOURCE_EXHAUSTED");
  int retryAfter = std::stoi(blocked.headers.at("Retry-After"));
  BOOST_TEST(retryAfter > 0);
  BOOST_TEST(retryAfter <= 15 * 60);
  // The same answer for an unknown account that failed as often (nothing revealed).
  for (int i = 0; i < 5; ++i) b.login("ghost@zitoun.ma", "wrong guess");
  BOOST_TEST(b.login("ghost@zitoun.ma", "wrong guess").status == 429);
  // Other accounts are not affected by one account's limit.
  site.server.createUser("member@zitoun.ma", db::Role::Member, site.startUp, kPassword);
  BOOST_TEST(b.login("member@zitoun.ma", kPassword).status == 200);
  // After the window, the account may sign in again, and success clears its failures.
  site.clock.advanceSeconds(retryAfter);
  BOOST_TEST(b.login("lead@zitoun.ma", kPassword).status == 200);
  BOOST_TEST(b.login("lead@zitoun.ma", "wrong guess").status == 401);
  BOOST_TEST(b.login("lead@zitoun.ma", kPassword).status == 200);
}

BOOST_AUTO_TEST_CASE(sign_in_is_throttled_per_client_address) {
  Site site;
  Browser b = site.browser();
  // 20 failures spread over many e-mails (each under its own limit) from one address.
  for (int i = 0; i < 20; ++i) {
    auto r = b.login("guess" + std::to_string(i % 5) + "-" + std::to_string(i) + "@x.ma", "pw");
    BOOST_TEST(r.status == 401, i);
  }
  auto blocked = b.login("lead@zitoun.ma", kPassword);
  BOOST_TEST(blocked.status == 429);
  BOOST_TEST(blocked.headers.count("Retry-After") == 1u);
  site.clock.advanceSeconds(15 * 60 + 1);
  BOOST_TEST(b.login("lead@zitoun.ma", kPassword).status == 200);
}

BOOST_AUTO_TEST_CASE(sessions_expire_when_idle_and_at_their_absolute_end) {
  Site site;
  Browser b = site.browser();
  BOOST_TEST_REQUIRE(b.login("lead@zitoun.ma", kPassword).status == 200);
  // Idle timeout (30 min by default), renewed by activity.
  site.clock.advanceSeconds(29 * 60);
  BOOST_TEST(b.call("GET", "/api/session").status == 200);
  site.clock.advanceSeconds(29 * 60);
  BOOST_TEST(b.call("GET", "/api/session").status == 200);
  site.clock.advanceSeconds(31 * 60);
  auto idle = b.call("GET", "/api/session");
  BOOST_TEST(idle.status == 401);
  BOOST_TEST(idle.errorMessage().find("session has ended") != std::string::npos);
  // The answer also makes the browser forget the dead cookie, so it continues as anonymous.
  BOOST_REQUIRE_EQUAL(idle.setCookies.size(), 1u);
  BOOST_TEST(idle.setCookies[0].rfind("argan_session=;", 0) == 0u);
  BOOST_TEST(idle.setCookies[0].find("Max-Age=0") != std::string::npos);
  // An ended session is an error on every route, not a silent fall-back to anonymous.
  BOOST_TEST(b.call("GET", "/api/compounds").status == 401);

  // Absolute end (12 h by default), however active the session is.
  BOOST_TEST_REQUIRE(b.login("lead@zitoun.ma", kPassword).status == 200);
  for (int i = 0; i < 28; ++i) {  // 28 x 25 min = 11 h 40 min
    site.clock.advanceSeconds(25 * 60);
    BOOST_TEST_REQUIRE(b.call("GET", "/api/session").status == 200,
                       "after " << (i + 1) * 25 << " min");
  }
  site.clock.advanceSeconds(25 * 60);  // 12 h 05 min
  BOOST_TEST(b.call("GET", "/api/session").status == 401);
}

BOOST_AUTO_TEST_CASE(logout_revokes_the_session_server_side) {
  Site site;
  Browser b = site.browser();
  BOOST_TEST_REQUIRE(b.login("lead@zitoun.ma", kPassword).status == 200);
  Browser other = site.browser();
  BOOST_TEST_REQUIRE(other.login("lead@zitoun.ma", kPassword).status == 200);
  // Logging out is state-changing: it needs the CSRF token too.
  BOOST_TEST(b.call("DELETE", "/api/session", "", /*withCsrf=*/false).status == 403);
  auto out = b.call("DELETE", "/api/session");
  BOOST_TEST_REQUIRE(out.status == 204, out.body);
  BOOST_REQUIRE_EQUAL(out.setCookies.size(), 1u);
  BOOST_TEST(out.setCookies[0].find("Max-Age=0") != std::string::npos);
  // Replaying the old cookie does not work: the session is revoked in the database.
  BOOST_TEST(b.call("GET", "/api/session").status == 401);
  BOOST_TEST(b.call("DELETE", "/api/session").status == 401);
  // The other session of the same user is untouched.
  BOOST_TEST(other.call("GET", "/api/session").status == 200);
  // Sign-in and sign-out are in the audit trail.
  auto entries = site.server.database().read([&](db::Connection& c) {
    return db::auditEntriesFor(c, "user", std::to_string(site.leadId));
  });
  int logins = 0, logouts = 0;
  for (const auto& e : entries) {
    logins += e.action == "login";
    logouts += e.action == "logout";
  }
  BOOST_TEST(logins == 2);
  BOOST_TEST(logouts == 1);
  // Signing in again from a browser holding a session replaces (revokes) the old one.
  std::string oldCookie = other.cookie;
  BOOST_TEST(other.login("lead@zitoun.ma", kPassword).status == 200);
  Browser stale{site.server, oldCookie, other.csrf};
  BOOST_TEST(stale.call("GET", "/api/session").status == 401);
}

BOOST_AUTO_TEST_CASE(csrf_token_is_required_on_state_changing_cookie_requests) {
  Site site;
  Browser b = site.browser();
  BOOST_TEST_REQUIRE(b.login("lead@zitoun.ma", kPassword).status == 200);
  const std::string body = R"({"label": "from the browser"})";
  auto missing = b.call("POST", "/api/tokens", body, /*withCsrf=*/false);
  BOOST_TEST(missing.status == 403);
  BOOST_TEST(missing.errorMessage().find("X-CSRF-Token") != std::string::npos);
  BOOST_TEST(missing.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "reason") == "csrf");
  auto wrong = b.call("POST", "/api/tokens", body, true, std::string(64, 'a'));
  BOOST_TEST(wrong.status == 403);
  // Another session's token does not fit this session.
  Browser other = site.browser();
  other.login("lead@zitoun.ma", kPassword);
  BOOST_TEST(b.call("POST", "/api/tokens", body, true, other.csrf).status == 403);
  BOOST_TEST(site.server.count("api_tokens") == 0);
  BOOST_TEST(b.call("DELETE", "/api/tokens/1", "", false).status == 403);
  BOOST_TEST(b.call("PATCH", "/api/users/" + std::to_string(site.leadId),
                    R"({"display_name": "Changed"})", false)
                 .status == 403);
  // With the token, it works; reads never need it.
  BOOST_TEST(b.call("POST", "/api/tokens", body).status == 201);
  BOOST_TEST(b.call("GET", "/api/tokens", "", false).status == 200);
  // Bearer-token requests are exempt (no browser adds that header by itself).
  auto created = b.call("POST", "/api/tokens", R"({"label": "script"})");
  std::string token = created.json()->getValue<std::string>("token");
  BOOST_TEST(site.server.call("POST", "/api/tokens", body, token).status == 201);
}

BOOST_AUTO_TEST_CASE(a_one_time_password_allows_only_choosing_a_new_one) {
  Site site;
  site.server.createUser("admin@cise.ma", db::Role::Admin, std::nullopt, "printed once 123",
                         /*mustChangePassword=*/true);
  Browser b = site.browser();
  auto r = b.login("admin@cise.ma", "printed once 123");
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_TEST(r.json()->getValue<bool>("must_change_password") == true);
  // Everything else answers 403 saying what to do.
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/compounds"},
                                                        {"GET", "/api/users"},
                                                        {"POST", "/api/tokens"},
                                                        {"GET", "/api/audit/verify"}}) {
    auto refused = b.call(method, path, method == "POST" ? "{}" : "");
    BOOST_TEST(refused.status == 403, method << " " << path);
    BOOST_TEST(refused.errorMessage().find("change your one-time password") != std::string::npos);
  }
  BOOST_TEST(b.call("GET", "/api/session").status == 200);
  // The change needs the current password and a policy-conforming new one.
  auto wrongCurrent =
      b.call("POST", "/api/session/password",
             R"({"current_password": "guess", "new_password": "my own long password"})");
  BOOST_TEST(wrongCurrent.status == 400);
  BOOST_TEST(wrongCurrent.errorMessage().find("current password") != std::string::npos);
  auto tooShort = b.call("POST", "/api/session/password",
                         R"({"current_password": "printed once 123", "new_password": "short"})");
  BOOST_TEST(tooShort.status == 400);
  BOOST_TEST(tooShort.errorMessage().find("at least 10") != std::string::npos);
  auto same =
      b.call("POST", "/api/session/password",
             R"({"current_password": "printed once 123", "new_password": "printed once 123"})");
  BOOST_TEST(same.status == 400);
  auto noCsrf = b.call(
      "POST", "/api/session/password",
      R"({"current_password": "printed once 123", "new_password": "my own long password"})", false);
  BOOST_TEST(noCsrf.status == 403);
  auto changed =
      b.call("POST", "/api/session/password",
             R"({"current_password": "printed once 123", "new_password": "my own long password"})");
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  BOOST_TEST(changed.json()->getValue<bool>("must_change_password") == false);
  BOOST_TEST(b.call("GET", "/api/audit/verify").status == 200);
  // The old password no longer works, the new one does.
  Browser fresh = site.browser();
  BOOST_TEST(fresh.login("admin@cise.ma", "printed once 123").status == 401);
  BOOST_TEST(fresh.login("admin@cise.ma", "my own long password").status == 200);
  // The change is audited without any hash in the trail.
  auto audit = site.server.database().read([](db::Connection& c) {
    return c.queryText(
        "SELECT group_concat(COALESCE(after_json, '')) FROM audit_log"
        " WHERE action = 'change_password'");
  });
  BOOST_TEST(audit->find("must_change_password") != std::string::npos);
  BOOST_TEST(audit->find("pbkdf2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(changing_the_password_ends_the_other_sessions) {
  Site site;
  Browser laptop = site.browser();
  Browser phone = site.browser();
  BOOST_TEST_REQUIRE(laptop.login("lead@zitoun.ma", kPassword).status == 200);
  BOOST_TEST_REQUIRE(phone.login("lead@zitoun.ma", kPassword).status == 200);
  auto changed = laptop.call("POST", "/api/session/password",
                             R"({"current_password": "a long enough password",
                                 "new_password": "another long password"})");
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  BOOST_TEST(laptop.call("GET", "/api/session").status == 200);
  BOOST_TEST(phone.call("GET", "/api/session").status == 401);
}

BOOST_AUTO_TEST_CASE(token_callers_have_no_session_and_no_csrf) {
  Site site;
  std::string token = site.server.userToken("script@zitoun.ma", db::Role::Member, site.startUp);
  auto who = site.server.call("GET", "/api/session", "", token);
  BOOST_TEST_REQUIRE(who.status == 200);
  BOOST_TEST(who.json()->getValue<std::string>("credential") == "api_token");
  BOOST_TEST(who.json()->isNull("csrf_token"));
  BOOST_TEST(site.server.call("DELETE", "/api/session", "", token).status == 400);
  // A garbled cookie is an error, not anonymity.
  Browser forged{site.server, "argan_session=" + std::string(64, '0'), ""};
  BOOST_TEST(forged.call("GET", "/api/compounds").status == 401);
  Browser junk{site.server, "argan_session=<script>", ""};
  BOOST_TEST(junk.call("GET", "/api/compounds").status == 401);
  // ...except on sign-in, which ignores the cookie it replaces.
  BOOST_TEST(forged.login("lead@zitoun.ma", kPassword).status == 200);
}

BOOST_AUTO_TEST_CASE(disabling_a_user_ends_their_sessions_and_tokens) {
  Site site;
  std::string admin = site.server.userToken("admin@cise.ma", db::Role::Admin);
  std::int64_t memberId =
      site.server.createUser("member@zitoun.ma", db::Role::Member, site.startUp, kPassword);
  Browser b = site.browser();
  BOOST_TEST_REQUIRE(b.login("member@zitoun.ma", kPassword).status == 200);
  auto token = b.call("POST", "/api/tokens", "{}").json()->getValue<std::string>("token");
  BOOST_TEST(site.server.call("GET", "/api/tokens", "", token).status == 200);
  auto disabled = site.server.call("PATCH", "/api/users/" + std::to_string(memberId),
                                   R"({"disabled": true})", admin);
  BOOST_TEST_REQUIRE(disabled.status == 200, disabled.body);
  BOOST_TEST(b.call("GET", "/api/session").status == 401);
  BOOST_TEST(site.server.call("GET", "/api/tokens", "", token).status == 401);
  BOOST_TEST(site.browser().login("member@zitoun.ma", kPassword).status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
