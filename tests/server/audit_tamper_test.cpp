// The audit trail under attack (docs/threat-model.md, "The audit trail", finding 4): someone
// with the database file edits and recomputes, truncates, deletes and renumbers, or changes a
// record without an entry. Each is detected by GET /api/audit/verify on the live database and
// by `argan verify-audit` on a copy, with the key and checkpoints kept outside the database.
#include <filesystem>
#include <fstream>
#include <functional>

#include "common/digest.h"
#include "db/audit.h"
#include "db/audit_seal.h"
#include "run_argan.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

std::string idOf(const test::HttpResult& r, const std::string& object = "") {
  auto json = r.json();
  if (!object.empty()) json = json->getObject(object);
  return json->getValue<std::string>("id");
}

// A server with a little history: two start-ups' compounds, one published.
struct Lab {
  TestServer server;
  std::int64_t s = server.createStartUp("Zitoun");
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, s);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string secret;  // a private compound
  Lab() {
    auto a = server.call("POST", "/api/compounds", test::structureBody("CCO"), lead);
    server.call("PATCH", "/api/compounds/" + idOf(a, "compound"), R"({"visibility": "public"})",
                lead);
    secret = idOf(server.call("POST", "/api/compounds", test::structureBody("CCCO"), lead),
                  "compound");
    server.call("POST", "/api/compounds", test::structureBody("CCCCO"), lead);
  }
  std::string keyFile() const { return server.dbPath() + ".audit-key"; }
  std::string checkpointFile() const { return server.dbPath() + ".audit-checkpoints"; }
  std::int64_t entries() { return server.count("audit_log"); }
};

// What someone without the key can do: recompute every hash from entry `from` on with plain
// SHA-256, as the old unkeyed chain was made.
void recomputeChain(db::Connection& c, std::int64_t from) {
  std::string prev(64, '0');
  if (from > 1) {
    prev = *c.queryText("SELECT hash FROM audit_log WHERE id = " + std::to_string(from - 1));
  }
  db::Statement st(c,
                   "SELECT id, at, actor_id, actor_label, action, record_type, record_id,"
                   " before_json, after_json, reason FROM audit_log WHERE id >= ? ORDER BY id");
  st.bind(1, from);
  std::vector<std::pair<std::int64_t, db::AuditEntry>> rows;
  while (st.step()) {
    db::AuditEntry e;
    e.at = st.getText(1);
    e.actorId = st.getOptionalInt(2);
    e.actorLabel = st.getText(3);
    e.action = st.getText(4);
    e.recordType = st.getText(5);
    e.recordId = st.getText(6);
    e.beforeJson = st.getOptionalText(7);
    e.afterJson = st.getOptionalText(8);
    e.reason = st.getOptionalText(9);
    rows.emplace_back(st.getInt(0), e);
  }
  for (const auto& [id, e] : rows) {
    const std::string hash = db::auditEntryHash(prev, id, e);
    db::Statement up(c, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?");
    up.bind(1, prev).bind(2, hash).bind(3, id).run();
    prev = hash;
  }
}

void unguard(db::Connection& c) {
  c.exec("DROP TRIGGER IF EXISTS audit_log_no_update");
  c.exec("DROP TRIGGER IF EXISTS audit_log_no_delete");
}

struct Tampering {
  std::string name;
  std::function<void(db::Connection&, Lab&)> apply;
  std::string reasonHas;                   // a phrase of the reason given
  std::function<bool(const Poco::Dynamic::Var&)> firstBreak;  // the expected first_break
};

const std::vector<Tampering>& tamperings() {
  static const std::vector<Tampering> all = {
      {"edit an entry and recompute the chain",
       [](db::Connection& c, Lab&) {
         unguard(c);
         c.exec("UPDATE audit_log SET after_json = replace(after_json, 'public', 'cluster')"
                " WHERE action = 'publish'");
         auto id = *c.queryInt("SELECT id FROM audit_log WHERE action = 'publish'");
         recomputeChain(c, id);
       },
       "keyed hash",
       [](const Poco::Dynamic::Var& v) { return !v.isEmpty(); }},
      {"delete the last entries",
       [](db::Connection& c, Lab&) {
         unguard(c);
         c.exec("DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 2 FROM audit_log)");
       },
       "removed from the end",
       [](const Poco::Dynamic::Var& v) { return !v.isEmpty(); }},
      {"delete an entry and renumber",
       [](db::Connection& c, Lab&) {
         unguard(c);
         auto id = *c.queryInt("SELECT id FROM audit_log WHERE action = 'publish'");
         c.exec("DELETE FROM audit_log WHERE id = " + std::to_string(id));
         c.exec("UPDATE audit_log SET id = id - 1 WHERE id > " + std::to_string(id));
         recomputeChain(c, id);
       },
       "keyed hash",
       [](const Poco::Dynamic::Var& v) { return !v.isEmpty(); }},
      {"change a visibility with no audit entry",
       [](db::Connection& c, Lab& lab) {
         auto id = std::stoll(lab.secret.substr(4));
         c.exec("UPDATE compounds SET visibility = 'public' WHERE id = " + std::to_string(id));
       },
       "without an audit entry",
       [](const Poco::Dynamic::Var& v) { return v.isEmpty(); }},
      {"rewrite the whole chain as unkeyed",
       [](db::Connection& c, Lab&) {
         unguard(c);
         c.exec("UPDATE audit_log SET scheme = 1");
         recomputeChain(c, 1);
       },
       "",
       [](const Poco::Dynamic::Var& v) { return !v.isEmpty(); }},
  };
  return all;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_tamper)

BOOST_AUTO_TEST_CASE(each_tampering_is_detected_live_and_on_a_copy) {
  for (const auto& t : tamperings()) {
    BOOST_TEST_CONTEXT(t.name) {
      Lab lab;
      auto clean = lab.server.call("GET", "/api/audit/verify", "", lab.admin);
      BOOST_TEST_REQUIRE(clean.json()->getValue<bool>("ok"), clean.body);
      BOOST_TEST(clean.json()->getValue<std::int64_t>("entries") == lab.entries());
      BOOST_TEST(clean.json()->getValue<int>("checkpoints") > 0);

      // A copy (a backup, say), tampered with and checked by the command.
      const std::string copy = lab.server.dbPath() + ".copy";
      lab.server.database().backupTo(copy);
      {
        db::Connection c(copy, false, false);
        t.apply(c, lab);
      }
      auto good = test::runArgan({"verify-audit", "--db", lab.server.dbPath(), "--key",
                                  lab.keyFile(), "--checkpoints", lab.checkpointFile()});
      BOOST_TEST(good.exitCode == 0, good.out << good.err);
      auto run = test::runArgan({"verify-audit", "--db", copy, "--key", lab.keyFile(),
                                 "--checkpoints", lab.checkpointFile()});
      BOOST_TEST(run.exitCode == 1, run.out << run.err);
      BOOST_TEST(run.out.rfind("{\"ok\": false, \"entries\": ", 0) == 0u, run.out);
      BOOST_TEST(run.out.find(t.reasonHas) != std::string::npos, run.out);

      // The same done to the live file while the server runs.
      {
        db::Connection c(lab.server.dbPath(), false, false);
        t.apply(c, lab);
      }
      auto live = lab.server.call("GET", "/api/audit/verify", "", lab.admin);
      BOOST_TEST_REQUIRE(live.status == 200);
      auto body = live.json();
      BOOST_TEST(!body->getValue<bool>("ok"), live.body);
      BOOST_TEST(t.firstBreak(body->get("first_break")), live.body);
      BOOST_TEST(body->getValue<std::string>("reason").find(t.reasonHas) != std::string::npos,
                 live.body);
    }
  }
}

// A backup carries its own signed checkpoint: `argan verify-audit` checks it alone, with the
// key kept apart, and a backup cut short afterwards no longer passes.
BOOST_AUTO_TEST_CASE(a_backup_verifies_against_its_own_checkpoint) {
  Lab lab;
  const std::string backup = lab.server.dbPath() + ".backup";
  auto made = test::runArgan({"backup", "--db", lab.server.dbPath(), backup});
  BOOST_TEST_REQUIRE(made.exitCode == 0, made.out << made.err);
  BOOST_TEST(made.out.find("\"audit_checkpoints\"") != std::string::npos, made.out);
  BOOST_TEST(std::filesystem::exists(backup + ".audit-checkpoints"));
  BOOST_TEST(!std::filesystem::exists(backup + ".audit-key"));  // the key is not in backups
  auto good = test::runArgan({"verify-audit", "--db", backup, "--key", lab.keyFile()});
  BOOST_TEST(good.exitCode == 0, good.out << good.err);
  BOOST_TEST(good.out.find("\"checkpoints\": 1") != std::string::npos, good.out);
  // Without the key, keyed entries cannot be checked: the command says so and fails.
  auto keyless = test::runArgan({"verify-audit", "--db", backup});
  BOOST_TEST(keyless.exitCode == 1, keyless.out << keyless.err);
  BOOST_TEST(keyless.err.find("--key") != std::string::npos, keyless.err);
  {
    db::Connection c(backup, false, false);
    unguard(c);
    c.exec("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)");
  }
  auto cut = test::runArgan({"verify-audit", "--db", backup, "--key", lab.keyFile()});
  BOOST_TEST(cut.exitCode == 1, cut.out << cut.err);
  BOOST_TEST(cut.out.find("removed from the end") != std::string::npos, cut.out);
}

BOOST_AUTO_TEST_CASE(a_record_changed_without_an_entry_is_named) {
  Lab lab;
  {
    db::Connection c(lab.server.dbPath(), false, false);
    c.exec("UPDATE compounds SET visibility = 'cluster' WHERE id = " + lab.secret.substr(4));
  }
  auto body = lab.server.call("GET", "/api/audit/verify", "", lab.admin).json();
  auto mismatches = body->getArray("mismatches");
  BOOST_TEST_REQUIRE(mismatches->size() == 1u);
  auto m = mismatches->getObject(0);
  BOOST_TEST(m->getValue<std::string>("record_type") == "compound");
  BOOST_TEST(m->getValue<std::string>("record_id") == lab.secret);
  BOOST_TEST(m->getValue<std::string>("field") == "visibility");
  BOOST_TEST(m->getValue<std::string>("table") == "cluster");
  BOOST_TEST(m->getValue<std::string>("audit") == "start-up");
}

// Every write path goes through the audited functions: after a run of every kind of write,
// each protected record's row is what its latest audit snapshot says.
BOOST_AUTO_TEST_CASE(every_write_path_leaves_records_matching_the_trail) {
  Lab lab;
  TestServer& s = lab.server;
  std::int64_t t = s.createStartUp("Glycera");
  std::string member = s.userToken("member@zitoun.ma", db::Role::Member, lab.s);
  std::string partner = s.userToken("buyer@industry.ma", db::Role::Partner);
  auto ok = [&](const test::HttpResult& r) {
    BOOST_TEST_REQUIRE(r.status / 100 == 2, r.body);
    return r;
  };
  const std::string cmp = idOf(ok(s.call("POST", "/api/compounds", test::structureBody("CC(=O)O"),
                                        member)), "compound");
  ok(s.call("POST", "/api/compounds", test::structureBody("CC(=O)[O-].[Na+]"), member));
  ok(s.call("PATCH", "/api/compounds/" + cmp, R"({"visibility": "cluster"})", member));
  ok(s.call("PATCH", "/api/compounds/" + cmp, R"({"visibility": "public"})", lab.lead));
  ok(s.call("PATCH", "/api/batches/" + cmp + "-F1-B001", R"({"visibility": "public"})", lab.lead));
  ok(s.call("POST", "/api/batches/" + cmp + "-F2-B001/retire", R"({"reason": "spilt"})", member));
  ok(s.call("POST", "/api/compounds/" + lab.secret + "/retire", R"({"reason": "wrong"})", member));
  auto route = ok(s.call("POST", "/api/routes",
                         R"({"target_compound": ")" + cmp +
                             R"(", "name": "R", "steps": [{"reaction_smiles": "CC=O.O>[Co]>CC(=O)O.[H][H]"}]})",
                         member));
  const std::string r = std::to_string(route.json()->getValue<std::int64_t>("id"));
  ok(s.call("PATCH", "/api/routes/" + r, R"({"visibility": "cluster", "name": "R2"})", member));
  ok(s.call("POST", "/api/routes/" + r + "/versions", "", member));
  ok(s.call("POST", "/api/routes/" + r + "/retire", R"({"reason": "superseded"})", member));
  const std::string p = idOf(ok(s.call("POST", "/api/products",
                                       R"({"name": "Vinegar", "start_up": )" +
                                           std::to_string(lab.s) + R"(, "compound_id": ")" + cmp +
                                           R"("})",
                                       member)));
  ok(s.call("PATCH", "/api/products/" + p, R"({"trl": 4, "description": "d"})", member));
  ok(s.call("PATCH", "/api/products/" + p, R"({"visibility": "public"})", lab.lead));
  ok(s.call("PATCH", "/api/products/" + p + "/stages/scale_up", R"({"status": "in_progress"})",
            member));
  const std::string doc = idOf(ok(s.call("POST", "/api/products/" + p + "/documents?filename=a.pdf",
                                         "%PDF a", member, "application/pdf")));
  ok(s.call("PATCH", "/api/documents/" + doc, R"({"visibility": "public"})", lab.lead));
  const std::string doc2 = idOf(ok(s.call("POST", "/api/products/" + p + "/documents?filename=b.pdf",
                                          "%PDF b", member, "application/pdf")));
  ok(s.call("POST", "/api/documents/" + doc2 + "/retire", R"({"reason": "old"})", member));
  auto customer = ok(s.call("POST", "/api/products/" + p + "/customers", R"({"name": "C"})", member));
  ok(s.call("POST", "/api/products/" + p + "/inquiries", R"({"subject": "s", "message": "m"})",
            partner));
  ok(s.call("POST", "/api/users", R"({"email": "new@zitoun.ma", "role": "member"})", lab.lead));
  auto users = ok(s.call("GET", "/api/users", "", lab.lead)).json()->getArray("items");
  for (std::size_t i = 0; i < users->size(); ++i) {
    auto u = users->getObject(static_cast<unsigned>(i));
    if (u->getValue<std::string>("email") != "new@zitoun.ma") continue;
    const std::string path = "/api/users/" + std::to_string(u->getValue<std::int64_t>("id"));
    ok(s.call("PATCH", path, R"({"role": "lead"})", lab.lead));
    ok(s.call("PATCH", path, R"({"disabled": true})", lab.lead));
    ok(s.call("PATCH", path, R"({"disabled": false})", lab.lead));
  }
  ok(s.call("PATCH", "/api/start-ups/" + std::to_string(t), R"({"description": "x"})", lab.admin));
  (void)customer;
  // Substances and their batches: registered, published, a batch added, retired, a file.
  const std::string sub = idOf(ok(s.call("POST", "/api/substances",
                                         R"({"name": "Vinegar 90", "kind": "uvcb", "start_up": )" +
                                             std::to_string(lab.s) + R"(, "source": {"process": "fermentation"}, "constituents": [
      {"compound_id": ")" + cmp + R"(", "typical": 90}, {"name": "water", "typical": 10}],
      "batch": {"amount": 2, "unit": "kg"}})",
                                         member)));
  ok(s.call("PATCH", "/api/substances/" + sub, R"({"visibility": "cluster"})", lab.lead));
  ok(s.call("PATCH", "/api/substance-batches/" + sub + "-B001", R"({"visibility": "cluster"})",
            lab.lead));
  ok(s.call("POST", "/api/substances/" + sub + "/batches", R"({"amount": 1, "unit": "kg"})", member));
  ok(s.call("POST", "/api/substance-batches/" + sub + "-B002/retire", R"({"reason": "spilt"})",
            member));
  ok(s.call("POST", "/api/substance-batches/" + sub + "-B001/documents?filename=coa.pdf",
            "%PDF coa", member, "application/pdf"));
  ok(s.call("POST", "/api/substances/" + sub + "/retire", R"({"reason": "replaced"})", member));

  auto body = ok(s.call("GET", "/api/audit/verify", "", lab.admin)).json();
  BOOST_TEST(body->getValue<bool>("ok"), s.call("GET", "/api/audit/verify", "", lab.admin).body);
  BOOST_TEST(body->getArray("mismatches")->size() == 0u);
  BOOST_TEST(body->getValue<int>("records") > 18);
  // A substance changed behind the trail's back is named.
  {
    db::Connection c(s.dbPath(), false, false);
    c.exec("UPDATE substance_batches SET visibility = 'public' WHERE batch_number = 1");
  }
  auto tampered = ok(s.call("GET", "/api/audit/verify", "", lab.admin)).json();
  auto mismatches = tampered->getArray("mismatches");
  BOOST_TEST_REQUIRE(mismatches->size() == 1u, tampered->getArray("mismatches")->size());
  BOOST_TEST(mismatches->getObject(0)->getValue<std::string>("record_id") == sub + "-B001");
}

// Chains written before keying: sealed at the first start with a key, the old prefix held by
// the seal from then on (the migration choice of docs/threat-model.md).
BOOST_AUTO_TEST_CASE(a_legacy_chain_is_sealed_and_held_from_then_on) {
  test::TempDir dir;
  const std::string path = dir.file("legacy.db");
  auto makeLegacy = [&](const std::string& file) {
    {
      db::DatabaseOptions options;
      options.path = file;
      auto database = db::Database::open(options);
      for (const char* name : {"Alpha", "Beta", "Gamma"}) {
        database->write([&](db::Connection& c) {
          db::StartUpInput in;
          in.name = name;
          in.sector = "green_chemicals";
          SystemClock clock;
          db::createStartUp(c, clock, db::Principal::system("test"), in);
        });
      }
    }
    // As a database from before keying: plain SHA-256, no key, no checkpoints.
    db::Connection c(file, false, false);
    unguard(c);
    c.exec("UPDATE audit_log SET scheme = 1");
    recomputeChain(c, 1);
    std::filesystem::remove(file + ".audit-key");
    std::filesystem::remove(file + ".audit-checkpoints");
  };
  makeLegacy(path);
  db::DatabaseOptions options;
  options.path = path;
  {
    auto database = db::Database::open(options);  // creates the key and seals
    auto audit = database->verifyAudit();
    BOOST_TEST(audit.ok, audit.reason);
    BOOST_TEST(audit.legacyEntries == 3);
    BOOST_TEST(audit.entries == 4);
    auto seal = database->read(
        [](db::Connection& c) { return db::auditEntriesFor(c, "audit_log", "chain"); });
    BOOST_TEST_REQUIRE(seal.size() == 1u);
    BOOST_TEST(seal[0].action == "seal");
    BOOST_TEST(seal[0].afterJson->find("\"legacy_entries\":3") != std::string::npos);
    BOOST_TEST(seal[0].afterJson->find("\"legacy_chain_ok\":true") != std::string::npos);
    BOOST_TEST(seal[0].afterJson->find(database->auditKey()->id()) != std::string::npos);
  }
  // Reopening does not seal again.
  BOOST_TEST(db::Database::open(options)->verifyAudit().entries == 4);
  // Rewriting the old prefix after the seal (recomputed with plain SHA-256) is detected.
  {
    db::Connection c(path, false, false);
    unguard(c);
    c.exec("UPDATE audit_log SET after_json = replace(after_json, 'Beta', 'Bêta') WHERE id = 2");
    recomputeChain(c, 2);
    c.exec("UPDATE audit_log SET scheme = 2 WHERE id = 4");  // the seal keeps its scheme
  }
  auto broken = db::Database::open([&] {
                  db::DatabaseOptions o = options;
                  o.auditKeyMode = db::AuditKeyMode::Optional;
                  o.applyMigrations = false;
                  return o;
                }())
                    ->verifyAudit();
  BOOST_TEST(!broken.ok);
  BOOST_TEST(*broken.firstBreak == 4, broken.reason);

  // A chain already broken before the upgrade is sealed as it is, and says so.
  const std::string damaged = dir.file("damaged.db");
  makeLegacy(damaged);
  {
    db::Connection c(damaged, false, false);
    c.exec("UPDATE audit_log SET reason = 'edited' WHERE id = 2");
  }
  db::DatabaseOptions o;
  o.path = damaged;
  auto sealed = db::Database::open(o);
  auto entries =
      sealed->read([](db::Connection& c) { return db::auditEntriesFor(c, "audit_log", "chain"); });
  BOOST_TEST_REQUIRE(entries.size() == 1u);
  BOOST_TEST(entries[0].afterJson->find("\"legacy_chain_ok\":false") != std::string::npos);
  BOOST_TEST(entries[0].afterJson->find("\"legacy_first_break\":2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_key_stays_outside_and_must_match) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("a.db");
  {
    auto database = db::Database::open(options);
    database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = "Alpha";
      in.sector = "green_chemicals";
      SystemClock clock;
      db::createStartUp(c, clock, db::Principal::system("test"), in);
    });
  }
  // The key file: 64 hex characters, readable by its owner only; not in the database.
  const std::string key = dir.file("a.db.audit-key");
  BOOST_CHECK(std::filesystem::status(key).permissions() ==
              (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  std::string hex = test::readFile(key);
  BOOST_TEST(hex.size() == 65u);
  BOOST_TEST(test::readFile(options.path).find(hex.substr(0, 64)) == std::string::npos);
  // Another key does not open the database for writing; a missing one neither.
  const std::string other = dir.file("other.key");
  db::AuditKey::create(other);
  db::DatabaseOptions wrong = options;
  wrong.auditKeyFile = other;
  auto message = test::expectError(ErrorCode::FailedPrecondition, [&] { db::Database::open(wrong); });
  BOOST_TEST(message.find("does not seal") != std::string::npos, message);
  std::filesystem::rename(key, dir.file("moved.key"));
  message = test::expectError(ErrorCode::FailedPrecondition, [&] { db::Database::open(options); });
  BOOST_TEST(message.find("is missing") != std::string::npos, message);
  BOOST_TEST(!std::filesystem::exists(key));  // no new key was made
  // A key readable by others is refused.
  std::filesystem::permissions(dir.file("moved.key"), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  db::DatabaseOptions loose = options;
  loose.auditKeyFile = dir.file("moved.key");
  message = test::expectError(ErrorCode::FailedPrecondition, [&] { db::Database::open(loose); });
  BOOST_TEST(message.find("chmod 600") != std::string::npos, message);
}

BOOST_AUTO_TEST_SUITE_END()
