// The attacks of issue 18, replayed: each finding of docs/threat-model.md has a test here (or
// in the file it names) that runs the attack and shows it now learns nothing.
//
// Most of them compare two worlds built request for request on a clock only the test moves,
// one of which holds the victim's secret: whatever the attacker asks must answer the same in
// both (the leak test, tests/server/leak_test.cpp, does this for every outsider request).
#include <algorithm>
#include <regex>
#include <set>

#include "db/audit.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/product_store.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "raw_http.h"
#include "server/registry/bulk_registration.h"
#include "test_server.h"

using namespace argan;
using test::HttpResult;
using test::TestServer;

namespace {

constexpr std::int64_t kDay = 86400;
const std::int64_t kStart = 1795000000LL * 1000000;

std::string idOf(const HttpResult& r, const std::string& object = "") {
  auto json = r.json();
  if (!object.empty()) json = json->getObject(object);
  return json->getValue<std::string>("id");
}

// 704 guesses: 22 chain lengths x 32 end groups (a combinatorial library, all distinct).
std::vector<std::string> guesses() {
  const char* groups[] = {"O", "N", "C(=O)O", "C(=O)N", "Cl", "Br", "F", "C#N",
                          "OC", "NC", "C(=O)OC", "c1ccccc1", "S", "SC", "C=C", "C#C",
                          "N(C)C", "[N+](=O)[O-]", "C(F)(F)F", "I", "C(C)C", "C1CC1", "C1CCCC1",
                          "C1CCCCC1", "c1ccncc1", "c1ccco1", "c1cccs1", "C(=O)C", "C=O",
                          "P(=O)(O)O", "C(=O)Cl", "S(=O)(=O)O"};
  std::vector<std::string> out;
  for (int n = 1; n <= 22; ++n) {
    for (const char* g : groups) out.push_back(std::string(n, 'C') + g);
  }
  return out;
}

// The victim's secrets: three of the guesses, held privately.
const std::vector<std::string> kSecrets = {"CCCCCC(=O)O", "CCCCCCCCN", "CCCc1ccncc1"};

std::vector<server::BulkRecord> records(const std::vector<std::string>& smiles) {
  std::vector<server::BulkRecord> out;
  for (const auto& s : smiles) out.push_back({s, "smiles", {}});
  return out;
}

// Findings 1 and 2: a start-up (the prober) guesses; another (the victim) may hold secrets.
struct GuessWorld {
  ManualClock clock{kStart};
  TestServer server{server::AppConfig{}, &clock};
  std::int64_t victim = server.createStartUp("Biocactus");
  std::int64_t prober = server.createStartUp("Cedar Labs");
  std::int64_t third = server.createStartUp("Dattes");
  std::string victimLead = server.userToken("lead@biocactus.ma", db::Role::Lead, victim);
  std::string prober_ = server.userToken("member@cedar.ma", db::Role::Member, prober);
  std::string thirdLead = server.userToken("lead@dattes.ma", db::Role::Lead, third);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::vector<std::string> guessCodes;

  explicit GuessWorld(bool secretsHeld) {
    clock.advanceSeconds(1);
    // The victim's published work: it shows in comparisons in both worlds.
    auto naphthalene = server.call("POST", "/api/compounds",
                                   test::structureBody("c1ccc2ccccc2c1"), victimLead);
    server.call("PATCH", "/api/compounds/" + idOf(naphthalene, "compound"),
                R"({"visibility": "cluster"})", victimLead);
    clock.advanceSeconds(1);
    if (secretsHeld) {
      db::Principal lead = db::Principal::system("victim");
      server::registerBulk(server.services(), lead, victim, records(kSecrets));
    }
    // A month later, one import of 704 guesses (one request, as in the attack).
    clock.advanceSeconds(30 * kDay);
    auto result = server::registerBulk(server.services(), db::Principal::system("prober's import"),
                                       prober, records(guesses()));
    BOOST_TEST_REQUIRE(result.newCompounds == 704u);
    for (const auto& v : result.verdicts) guessCodes.push_back(v.compoundCode);
    server.search().compoundsChanged();
  }
};

std::string normalised(const HttpResult& r) {
  static const std::regex elapsed(R"("elapsed_ms":\s*[0-9.]+)");
  return std::to_string(r.status) + " " + std::regex_replace(r.body, elapsed, "");
}

// S with five shared compounds, products and routes, and `hidden` private ones of each.
struct ListWorld {
  TestServer server;
  std::int64_t s = server.createStartUp("Zitoun");
  std::int64_t t = server.createStartUp("Glycera");
  explicit ListWorld(int hidden) {
    server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("test");
      auto make = [&](const std::string& key, db::Visibility v) {
        db::CompoundIdentity id;
        id.fullHash = "hash-" + key;
        id.formula = "C2H6O";
        id.canonicalSmiles = id.noStereoSmiles = key;
        id.tautomerHash = id.noStereoTautomerHash = id.skeleton = "t-" + key;
        id.inchi = "InChI=1S/" + key;
        id.inchiKey = "KEY-" + key;
        id.standardizer = "test";
        db::FormIdentity form;
        form.key = "1|";
        form.label = "free form";
        db::BatchInput batch;
        batch.submittedStructure = key;
        batch.submittedFormat = "smiles";
        auto r = db::registerCompound(c, clock, system, s, id, form, batch);
        if (v != db::Visibility::StartUp) {
          db::changeVisibility(c, clock, system,
                               {{"compounds", "compound", r.compound.code(), r.compound.id, s}, v});
        }
        db::ProductInput p;
        p.name = "P " + key;
        p.compoundId = r.compound.id;
        auto product = db::createProduct(c, clock, system, s, p);
        if (v != db::Visibility::StartUp) {
          db::ProductInput publish;
          publish.visibility = db::visibilityName(v);
          db::updateProduct(c, clock, system, product.id, publish);
        }
        db::RouteDraft draft;
        draft.startUpId = s;
        draft.targetCompoundId = r.compound.id;
        draft.name = "R " + key;
        auto route = db::createRoute(c, clock, system, draft, {});
        if (v != db::Visibility::StartUp) {
          db::changeVisibility(
              c, clock, system,
              {{"routes", "route", std::to_string(route.id), route.id, s}, v});
        }
      };
      for (int i = 0; i < 5; ++i) make("shared-" + std::to_string(i), db::Visibility::Public);
      for (int i = 0; i < hidden; ++i) make("hidden-" + std::to_string(i), db::Visibility::StartUp);
    });
  }
  // SQLite steps spent by `fn` on one connection.
  template <typename Fn>
  std::int64_t steps(Fn fn) {
    return server.database().read([&](db::Connection& c) {
      const std::int64_t before = c.vmSteps();
      fn(c);
      return c.vmSteps() - before;
    });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(attack)

// docs/threat-model.md, "Overlap signals" (findings 1 and 2).
BOOST_AUTO_TEST_CASE(overlap_guessing_learns_nothing) {
  GuessWorld clean(false);
  GuessWorld secret(true);
  BOOST_TEST_REQUIRE(clean.guessCodes == secret.guessCodes);
  // The comparison, whole and narrowed in every way the bisection used.
  std::vector<std::string> paths = {"/api/compare/start-ups",
                                    "/api/compare/start-ups?threshold=0.5"};
  for (std::int64_t a : {clean.victim, clean.prober, clean.third}) {
    paths.push_back("/api/compare/start-ups?start_ups=" + std::to_string(a));
    paths.push_back("/api/compare/start-ups?start_ups=" + std::to_string(clean.prober) + "," +
                    std::to_string(a));
  }
  for (const auto& path : paths) {
    auto a = clean.server.call("GET", path, "", clean.prober_);
    auto b = secret.server.call("GET", path, "", secret.prober_);
    BOOST_TEST_REQUIRE(a.status == 200, a.body);
    BOOST_TEST(normalised(a) == normalised(b), path);
  }
  // One neighbours call per guess: the same answer, secret held or not.
  std::size_t same = 0;
  for (const auto& code : clean.guessCodes) {
    const std::string path = "/api/compounds/" + code + "/neighbours?k=5";
    same += normalised(clean.server.call("GET", path, "", clean.prober_)) ==
            normalised(secret.server.call("GET", path, "", secret.prober_));
  }
  BOOST_TEST(same == 704u);
  // Asking for the old signal's knob is refused with the same answer in both worlds.
  const std::string knob = "/api/compounds/" + clean.guessCodes[0] + "/neighbours?signal_threshold=0.5";
  BOOST_TEST(clean.server.call("GET", knob, "", clean.prober_).status == 400);

  // The administrators see the three overlaps, held back (a bulk import), and an alert.
  auto report = secret.server.call("GET", "/api/overlaps", "", secret.admin);
  BOOST_TEST_REQUIRE(report.status == 200, report.body);
  auto overlaps = report.json()->getArray("overlaps");
  std::size_t identical = 0;
  for (std::size_t i = 0; i < overlaps->size(); ++i) {
    auto o = overlaps->getObject(static_cast<unsigned>(i));
    if (!o->getValue<bool>("identical")) continue;
    ++identical;
    BOOST_TEST(o->getObject("a")->getValue<std::int64_t>("start_up") == secret.victim);
    BOOST_TEST(o->getObject("b")->getValue<std::int64_t>("start_up") == secret.prober);
    BOOST_TEST(!o->getValue<bool>("brokerable"));
    BOOST_TEST(o->getValue<std::string>("held_because") == "bulk");
  }
  BOOST_TEST(identical == kSecrets.size());
  auto alerts = report.json()->getArray("alerts");
  BOOST_TEST_REQUIRE(alerts->size() == 1u, report.body);
  BOOST_TEST(alerts->getObject(0)->getValue<std::int64_t>("start_up") == secret.prober);
  BOOST_TEST(alerts->getObject(0)->getValue<int>("unshared_compounds_hit") == 3);
  // Nobody else reads the report.
  BOOST_TEST(secret.server.call("GET", "/api/overlaps", "", secret.victimLead).status == 403);
  BOOST_TEST(secret.server.call("GET", "/api/overlaps", "", secret.prober_).status == 403);

  // A single registration, once it is a week old, is an overlap the administrator may broker.
  secret.clock.advanceSeconds(kDay);
  auto single = secret.server.call("POST", "/api/compounds", test::structureBody(kSecrets[0]),
                                   secret.thirdLead);
  BOOST_TEST_REQUIRE(single.status == 201, single.body);
  const std::string singleCode = idOf(single, "compound");
  auto held = [&](const std::string& code) {
    auto r = secret.server.call("GET", "/api/overlaps", "", secret.admin).json();
    auto list = r->getArray("overlaps");
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto o = list->getObject(static_cast<unsigned>(i));
      if (o->getObject("b")->getValue<std::string>("compound") == code &&
          o->getObject("a")->getValue<std::int64_t>("start_up") == secret.victim) {
        return o->isNull("held_because") ? std::string("brokerable")
                                         : o->getValue<std::string>("held_because");
      }
    }
    return std::string("absent");
  };
  BOOST_TEST(held(singleCode) == "recent");
  secret.clock.advanceSeconds(8 * kDay);
  BOOST_TEST(held(singleCode) == "brokerable");
}

// docs/threat-model.md, "Documents" (finding 3).
BOOST_AUTO_TEST_CASE(uploading_a_rivals_bytes_learns_nothing) {
  TestServer server;
  std::int64_t a = server.createStartUp("Atlas");
  std::int64_t b = server.createStartUp("Rival");
  std::string leadA = server.userToken("lead@atlas.ma", db::Role::Lead, a);
  std::string leadB = server.userToken("lead@rival.ma", db::Role::Lead, b);
  auto product = [&](std::int64_t s, const std::string& token, const std::string& smiles) {
    auto c = server.call("POST", "/api/compounds", test::structureBody(smiles), token);
    return idOf(server.call("POST", "/api/products",
                            R"({"name": "P )" + smiles + R"(", "start_up": )" +
                                std::to_string(s) + R"(, "compound_id": ")" +
                                idOf(c, "compound") + R"("})",
                            token));
  };
  std::string pa = product(a, leadA, "CCO");
  std::string pb = product(b, leadB, "CCCO");
  const std::string dossier = "%PDF-1.7 Atlas internal dossier, do not share";
  auto upload = [&](const std::string& p, const std::string& token, const std::string& bytes) {
    auto r = server.call("POST", "/api/products/" + p + "/documents?filename=x.pdf", bytes, token,
                         "application/pdf");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json();
  };
  upload(pa, leadA, dossier);
  // The rival uploads the very bytes: nothing says they were known.
  auto probe = upload(pb, leadB, dossier);
  BOOST_TEST(!probe->getValue<bool>("stored_before"));
  auto fresh = upload(pb, leadB, "%PDF-1.7 something new");
  BOOST_TEST(!fresh->getValue<bool>("stored_before"));
  // Within one start-up, de-duplication still says so.
  BOOST_TEST(upload(pb, leadB, dossier)->getValue<bool>("stored_before"));
}

// docs/threat-model.md, "Documents" (finding 8).
BOOST_AUTO_TEST_CASE(publishing_a_product_publishes_no_document) {
  TestServer server;
  std::int64_t a = server.createStartUp("Atlas");
  std::int64_t b = server.createStartUp("Rival");
  std::string leadA = server.userToken("lead@atlas.ma", db::Role::Lead, a);
  std::string memberB = server.userToken("member@rival.ma", db::Role::Member, b);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);
  auto c = server.call("POST", "/api/compounds", test::structureBody("CCO"), leadA);
  server.call("PATCH", "/api/compounds/" + idOf(c, "compound"), R"({"visibility": "public"})",
              leadA);
  std::string p = idOf(server.call("POST", "/api/products",
                                   R"({"name": "Bio-ethanol", "start_up": )" + std::to_string(a) +
                                       R"(, "compound_id": ")" + idOf(c, "compound") + R"("})",
                                   leadA));
  std::string doc = idOf(server.call("POST", "/api/products/" + p + "/documents?filename=d.pdf",
                                     "%PDF internal", leadA, "application/pdf"));
  auto customer = server.call("POST", "/api/products/" + p + "/customers",
                              R"({"name": "Huilerie Atlas"})", leadA);
  BOOST_TEST_REQUIRE(customer.status == 201, customer.body);
  BOOST_TEST_REQUIRE(
      server.call("PATCH", "/api/products/" + p, R"({"visibility": "public"})", leadA).status == 200);
  for (const std::string& who : {std::string(), partner, memberB}) {
    BOOST_TEST(server.call("GET", "/api/documents/" + doc, "", who).status == 404);
    BOOST_TEST(server.call("GET", "/api/documents/" + doc + "/content", "", who).status == 404);
    auto list = server.call("GET", "/api/products/" + p + "/documents", "", who);
    BOOST_TEST(list.json()->getValue<int>("total") == 0, list.body);
    BOOST_TEST(server.call("GET", "/api/products/" + p + "/customers", "", who).status == 404);
  }
  auto history = server.call("GET", "/api/products/" + p + "/history", "", memberB);
  BOOST_TEST_REQUIRE(history.status == 200, history.body);
  BOOST_TEST(history.body.find(doc) == std::string::npos);
  BOOST_TEST(history.body.find("Huilerie") == std::string::npos);
  BOOST_TEST(server.call("GET", "/api/products/" + p + "/history", "", leadA).body.find("Huilerie") !=
             std::string::npos);
  // Published on its own, the document is public; the narrower of the two applies.
  auto published =
      server.call("PATCH", "/api/documents/" + doc, R"({"visibility": "public"})", leadA);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  BOOST_TEST(published.json()->getValue<std::string>("visibility") == "public");
  BOOST_TEST(server.call("GET", "/api/documents/" + doc + "/content").body == "%PDF internal");
  server.call("PATCH", "/api/products/" + p, R"({"visibility": "start-up"})", leadA);
  BOOST_TEST(server.call("GET", "/api/documents/" + doc).status == 404);
}

// docs/threat-model.md, "Credentials" (finding 5).
BOOST_AUTO_TEST_CASE(credentials_die_with_the_password_and_the_account) {
  TestServer server;
  std::int64_t a = server.createStartUp("Atlas");
  std::string lead = server.userToken("lead@atlas.ma", db::Role::Lead, a);
  const std::string password = "first long password";
  std::int64_t member = server.createUser("member@atlas.ma", db::Role::Member, a, password);
  auto signIn = server.call("POST", "/api/session",
                            R"({"email": "member@atlas.ma", "password": ")" + password + R"("})");
  BOOST_TEST_REQUIRE(signIn.status == 200, signIn.body);
  const std::string cookie = signIn.setCookies.at(0).substr(0, signIn.setCookies.at(0).find(';'));
  const std::string csrf = signIn.json()->getValue<std::string>("csrf_token");
  auto withCookie = [&](const std::string& method, const std::string& path,
                        const std::string& body = "") {
    return server.call(method, path, body, "", "application/json",
                       {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  };
  auto token = [&] {
    auto r = withCookie("POST", "/api/tokens", R"({"label": "script"})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("token");
  };
  std::string stolen = token();
  BOOST_TEST(server.call("GET", "/api/session", "", stolen).status == 200);
  auto changed = withCookie("POST", "/api/session/password",
                            R"({"current_password": ")" + password +
                                R"(", "new_password": "second long password"})");
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  BOOST_TEST(server.call("GET", "/api/session", "", stolen).status == 401);

  std::string second = token();
  BOOST_TEST(withCookie("GET", "/api/session").status == 200);
  const std::string path = "/api/users/" + std::to_string(member);
  BOOST_TEST_REQUIRE(server.call("PATCH", path, R"({"disabled": true})", lead).status == 200);
  BOOST_TEST(server.call("GET", "/api/session", "", second).status == 401);
  BOOST_TEST(withCookie("GET", "/api/session").status == 401);
  BOOST_TEST_REQUIRE(server.call("PATCH", path, R"({"disabled": false})", lead).status == 200);
  // Enabled again: no old credential comes back.
  BOOST_TEST(server.call("GET", "/api/session", "", stolen).status == 401);
  BOOST_TEST(server.call("GET", "/api/session", "", second).status == 401);
  BOOST_TEST(withCookie("GET", "/api/session").status == 401);
  auto tokens = server.call("GET", "/api/tokens?user=" + std::to_string(member), "",
                            server.userToken("admin@cise.ma", db::Role::Admin));
  auto items = tokens.json()->getArray("items");
  BOOST_TEST(items->size() == 2u);
  for (std::size_t i = 0; i < items->size(); ++i) {
    BOOST_TEST(!items->getObject(static_cast<unsigned>(i))->getValue<bool>("active"));
  }
}

// docs/threat-model.md, "Record numbers" (finding 6).
BOOST_AUTO_TEST_CASE(refusals_name_no_id_and_numbers_count_nothing) {
  struct NumberWorld {
    ManualClock clock{kStart};
    TestServer server{server::AppConfig{}, &clock};
    std::int64_t s = server.createStartUp("Zitoun");
    std::int64_t t = server.createStartUp("Glycera");
    std::string memberS = server.userToken("member@zitoun.ma", db::Role::Member, s);
    std::string leadT = server.userToken("lead@glycera.ma", db::Role::Lead, t);
    std::vector<std::string> visible;
    std::string refusal;
    std::int64_t routesBefore = 0, routesAfter = 0;

    explicit NumberWorld(bool privateWork) {
      auto shared = [&](const std::string& smiles) {
        clock.advanceSeconds(1);
        auto r = server.call("POST", "/api/compounds", test::structureBody(smiles), leadT);
        clock.advanceSeconds(1);
        server.call("PATCH", "/api/compounds/" + idOf(r, "compound"), R"({"visibility": "public"})",
                    leadT);
        visible.push_back(idOf(r, "compound"));
      };
      shared("CCO");
      clock.advanceSeconds(1);
      auto target = server.call("POST", "/api/compounds", test::structureBody("CC(=O)O"), memberS);
      const std::string targetCode = idOf(target, "compound");
      server.call("PATCH", "/api/compounds/" + targetCode, R"({"visibility": "cluster"})", memberS);
      const std::int64_t resume = clock.nowMicros() + 600LL * 1000000;
      if (privateWork) {
        for (const char* smiles : {"c1ccccc1O", "c1ccccc1N", "c1ccccc1C", "OCC(O)CO"}) {
          clock.advanceSeconds(1);
          server.call("POST", "/api/compounds", test::structureBody(smiles), memberS);
          clock.advanceSeconds(1);
          server.call("POST", "/api/routes",
                      R"({"target_compound": ")" + targetCode + R"(", "name": "private"})",
                      memberS);
        }
      }
      clock.advanceSeconds((resume - clock.nowMicros()) / 1000000);
      shared("CCCO");
      routesBefore = server.count("routes");
      // A member may not create a public route: refused before anything is numbered.
      auto refused = server.call("POST", "/api/routes",
                                 R"({"target_compound": ")" + targetCode +
                                     R"(", "name": "R", "visibility": "public"})",
                                 memberS);
      BOOST_TEST(refused.status == 403, refused.body);
      refusal = refused.body;
      routesAfter = server.count("routes");
      shared("CCCCO");
    }
  };
  NumberWorld clean(false);
  NumberWorld busy(true);
  BOOST_TEST(busy.routesBefore == clean.routesBefore + 4);
  BOOST_TEST(clean.routesAfter == clean.routesBefore);
  BOOST_TEST(clean.refusal == busy.refusal);
  BOOST_TEST(!std::regex_search(busy.refusal, std::regex("[0-9]")), busy.refusal);
  // The numbers T's public compounds got: the same, whatever S did privately in between.
  BOOST_TEST(clean.visible == busy.visible, boost::test_tools::per_element());
  // They are creation times (ms since 2025), not a count.
  BOOST_TEST(std::stoll(clean.visible[0].substr(4)) > 1000000000LL);
  // Codes made before the rule keep working (a table numbered 1, 2, 3...).
  BOOST_TEST(db::compoundCode(123) == "CMP-000123");
}

// docs/threat-model.md, "Timing" (finding 7).
// One hidden row against 300: the time to list S does not grow with S's hidden records. (The
// scan stops on the first index entry past the visible range, so whether S has any hidden
// record at all is one SQLite step, a few nanoseconds: accepted in the threat model.)
BOOST_AUTO_TEST_CASE(listing_a_start_up_visits_no_hidden_row) {
  ListWorld few(1);
  ListWorld many(300);
  db::Principal outsider;
  outsider.userId = 7;
  outsider.role = db::Role::Member;
  outsider.startUpId = few.t;
  auto listCompounds = [&](db::Connection& c, std::int64_t s) {
    db::CompoundFilter f;
    f.startUpId = s;
    auto page = db::listCompounds(c, outsider, f, 0, 50);
    BOOST_TEST(page.total == 5);
  };
  auto listProducts = [&](db::Connection& c, std::int64_t s) {
    db::ProductFilter f;
    f.startUpId = s;
    auto page = db::listProducts(c, outsider, f, 0, 50);
    BOOST_TEST(page.total == 5);
  };
  auto listRoutes = [&](db::Connection& c, std::int64_t s) {
    db::RouteFilter f;
    f.startUpId = s;
    auto page = db::listRoutes(c, outsider, f, 0, 50);
    BOOST_TEST(page.total == 5);
  };
  const std::int64_t compoundsFew = few.steps([&](db::Connection& c) { listCompounds(c, few.s); });
  const std::int64_t compoundsMany = many.steps([&](db::Connection& c) { listCompounds(c, many.s); });
  BOOST_TEST(compoundsFew == compoundsMany);
  const std::int64_t productsFew = few.steps([&](db::Connection& c) { listProducts(c, few.s); });
  const std::int64_t productsMany = many.steps([&](db::Connection& c) { listProducts(c, many.s); });
  BOOST_TEST(productsFew == productsMany);
  const std::int64_t routesFew = few.steps([&](db::Connection& c) { listRoutes(c, few.s); });
  const std::int64_t routesMany = many.steps([&](db::Connection& c) { listRoutes(c, many.s); });
  BOOST_TEST(routesFew == routesMany);
  // The rule as it was (the general predicate) visits every row of S: the measure can tell.
  const std::string general = "SELECT COUNT(*) FROM compounds c WHERE " +
                              db::visibleSql(outsider, "c") + " AND +c.start_up_id = " +
                              std::to_string(few.s);
  BOOST_TEST(few.steps([&](db::Connection& c) { c.queryInt(general); }) <
             many.steps([&](db::Connection& c) { c.queryInt(general); }));
  // And the plan names the index on owner and visibility.
  std::string plan = many.server.database().read([&](db::Connection& c) {
    db::Statement st(c, "EXPLAIN QUERY PLAN SELECT id FROM compounds c WHERE c.start_up_id = " +
                            std::to_string(many.s) + " AND " +
                            db::readScope(outsider).sqlForOwner(many.s, "c.visibility"));
    std::string text;
    while (st.step()) text += st.getText(3) + "\n";
    return text;
  });
  BOOST_TEST(plan.find("compounds_owner_visibility") != std::string::npos, plan);
  // Search answers give whole milliseconds.
  TestServer searching;
  auto search = searching.call("POST", "/api/search", R"({"type": "exact", "query": "CCO"})");
  BOOST_TEST(std::regex_search(search.body, std::regex(R"("elapsed_ms":[0-9]+[,}])")), search.body);
}

// docs/threat-model.md, "Accounts" (finding 7).
BOOST_AUTO_TEST_CASE(a_lead_learns_nothing_about_e_mails_elsewhere) {
  struct AccountWorld {
    ManualClock clock{kStart};
    TestServer server{server::AppConfig{}, &clock};
    std::int64_t s = server.createStartUp("Zitoun");
    std::int64_t t = server.createStartUp("Glycera");
    std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, s);
    std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
    explicit AccountWorld(bool elsewhere) {
      clock.advanceSeconds(1);
      if (elsewhere) {
        server.createUser("bob@glycera.ma", db::Role::Member, t, "bob's own password");
        server.createUser("carol@industry.ma", db::Role::Partner, std::nullopt, "carol's password");
      }
      clock.advanceSeconds(60);
    }
  };
  static const std::regex password(R"("one_time_password":"[0-9a-f]+")");
  AccountWorld clean(false);
  AccountWorld taken(true);
  for (const char* email : {"bob@glycera.ma", "carol@industry.ma"}) {
    const std::string body = std::string(R"({"email": ")") + email + R"(", "role": "member"})";
    clean.clock.advanceSeconds(1);
    taken.clock.advanceSeconds(1);
    auto a = clean.server.call("POST", "/api/users", body, clean.lead);
    auto b = taken.server.call("POST", "/api/users", body, taken.lead);
    BOOST_TEST(a.status == 201, a.body);
    BOOST_TEST(std::regex_replace(a.body, password, "") == std::regex_replace(b.body, password, ""));
    // Asked again, the e-mail is in the team: 409 in both worlds.
    BOOST_TEST(clean.server.call("POST", "/api/users", body, clean.lead).status == 409);
    BOOST_TEST(taken.server.call("POST", "/api/users", body, taken.lead).status == 409);
  }
  auto team = [](AccountWorld& w) { return w.server.call("GET", "/api/users", "", w.lead).body; };
  BOOST_TEST(team(clean) == team(taken));
  // Bob still signs in with his own password, into his own start-up.
  auto bob = taken.server.call("POST", "/api/session",
                               R"({"email": "bob@glycera.ma", "password": "bob's own password"})");
  BOOST_TEST_REQUIRE(bob.status == 200, bob.body);
  BOOST_TEST(bob.json()->getObject("user")->getValue<std::int64_t>("start_up") == taken.t);
  // The administrators see the placeholders.
  auto all = taken.server.call("GET", "/api/users?start_up=" + std::to_string(taken.s), "",
                               taken.admin);
  BOOST_TEST(all.body.find("\"placeholder\":true") != std::string::npos, all.body);
  BOOST_TEST(clean.server.call("GET", "/api/users?start_up=" + std::to_string(clean.s), "",
                               clean.admin)
                 .body.find("placeholder") == std::string::npos);
}

// docs/threat-model.md, "Sign-in" (finding 7).
BOOST_AUTO_TEST_CASE(an_outsider_cannot_lock_someone_out) {
  TestServer server;
  std::int64_t a = server.createStartUp("Atlas");
  server.createUser("owner@atlas.ma", db::Role::Member, a, "the owner's password");
  auto signIn = [&](const std::string& from, const std::string& password) {
    test::RawClient client(server.port(), 30, from);
    const std::string body =
        R"({"email": "owner@atlas.ma", "password": ")" + password + R"("})";
    client.send("POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return client.read().status;
  };
  for (int i = 0; i < 5; ++i) BOOST_TEST(signIn("127.0.0.2", "wrong guess") == 401);
  BOOST_TEST(signIn("127.0.0.2", "wrong guess") == 429);  // the attacker waits
  BOOST_TEST(signIn("127.0.0.2", "the owner's password") == 429);
  BOOST_TEST(signIn("127.0.0.1", "the owner's password") == 200);  // the owner does not
}

// docs/threat-model.md, "Inquiries" (finding 7).
BOOST_AUTO_TEST_CASE(inquiry_messages_are_in_the_audit_trail) {
  TestServer server;
  std::int64_t a = server.createStartUp("Atlas");
  std::string lead = server.userToken("lead@atlas.ma", db::Role::Lead, a);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);
  auto c = server.call("POST", "/api/compounds", test::structureBody("CCO"), lead);
  server.call("PATCH", "/api/compounds/" + idOf(c, "compound"), R"({"visibility": "public"})", lead);
  std::string p = idOf(server.call("POST", "/api/products",
                                   R"({"name": "Ethanol", "start_up": )" + std::to_string(a) +
                                       R"(, "compound_id": ")" + idOf(c, "compound") + R"("})",
                                   lead));
  server.call("PATCH", "/api/products/" + p, R"({"visibility": "public"})", lead);
  auto q = server.call("POST", "/api/products/" + p + "/inquiries",
                       R"({"subject": "Price", "message": "What is your price per tonne?"})",
                       partner);
  BOOST_TEST_REQUIRE(q.status == 201, q.body);
  server.call("POST", "/api/inquiries/" + idOf(q) + "/messages",
              R"({"message": "About 900 EUR, ex works."})", lead);
  auto entries = server.database().read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "inquiry", idOf(q)); });
  BOOST_TEST_REQUIRE(entries.size() == 2u);
  BOOST_TEST(entries[0].afterJson->find("What is your price per tonne?") != std::string::npos);
  BOOST_TEST(entries[1].afterJson->find("About 900 EUR, ex works.") != std::string::npos);
}

// docs/threat-model.md, "The browser" (finding 9).
BOOST_AUTO_TEST_CASE(every_answer_carries_the_security_headers) {
  TestServer server;
  auto check = [](const std::map<std::string, std::string>& headers, const std::string& what) {
    auto get = [&](const std::string& name) {
      for (const auto& [k, v] : headers) {
        std::string lower = k;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lower == name) return v;
      }
      return std::string();
    };
    const std::string csp = get("content-security-policy");
    BOOST_TEST(csp.find("default-src 'self'") != std::string::npos, what);
    BOOST_TEST(csp.find("frame-ancestors 'none'") != std::string::npos, what);
    BOOST_TEST(csp.find("'unsafe-eval'") == std::string::npos, what);
    BOOST_TEST(get("x-content-type-options") == "nosniff", what);
    BOOST_TEST(get("referrer-policy") == "no-referrer", what);
    BOOST_TEST(get("x-frame-options") == "DENY", what);
  };
  check(server.call("GET", "/api/health").headers, "health");
  check(server.call("GET", "/api/compounds/CMP-999999").headers, "404");
  check(server.call("POST", "/api/compounds", "{", "bad").headers, "401");
  check(server.call("GET", "/").headers, "static file or its absence");
  // The connection gate's own refusal (a request head over 64 KiB: 431).
  test::RawClient raw(server.port());
  raw.send("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n");
  auto refused = raw.read();
  BOOST_TEST(refused.status == 431);
  check(refused.headers, "gate refusal");
}

BOOST_AUTO_TEST_SUITE_END()
