// Crash safety (slow; scripts/soak): kill -9 the real server at random points of concurrent
// API writes, 100 times, and of bulk imports, 100 times. After each kill the database must
// pass PRAGMA integrity_check, hold every write the server acknowledged, and its audit chain
// must verify; an interrupted import resumes after the restart and ends with every record
// judged exactly once.
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "db/audit.h"
#include "db/database.h"
#include "db/identifiers.h"
#include "../server/raw_http.h"
#include "../server/server_process.h"
#include "../server/test_server.h"

using namespace argan;

namespace {

int iterations() {
  const char* n = std::getenv("ARGAN_CRASH_ITERATIONS");
  return n ? std::atoi(n) : 100;
}

std::string post(const std::string& path, const std::string& body, const std::string& token) {
  return "POST " + path + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// What the server acknowledged: batch codes (compound registrations) and start-up names.
struct Acknowledged {
  std::mutex mutex;
  std::set<std::string> batches;
  std::set<std::string> startUps;
};

// Writes until the server goes away. Kept-alive connection; reconnects on failure once.
void writer(int port, const std::string& lead, const std::string& admin, int id,
            std::atomic<int>& counter, Acknowledged& acked) {
  std::unique_ptr<test::RawClient> client;
  for (int failures = 0; failures < 2;) {
    try {
      if (!client) client = std::make_unique<test::RawClient>(port, 10);
    } catch (const Poco::Exception&) {
      return;  // the server is gone
    }
    int n = counter++;
    bool startUp = (n % 5) == 0;
    std::string request;
    if (startUp) {
      request = post("/api/start-ups",
                     R"({"name":"Crash )" + std::to_string(n) + R"(","sector":"green_chemicals"})",
                     admin);
    } else {
      // A different alkane-alcohol each time (new parents), now and then a repeat (new batch).
      std::string smiles = std::string(1 + n % 40, 'C') + (n % 3 ? "O" : "N") +
                           (n % 7 == 0 ? "" : std::string(n % 11, 'C'));
      request = post("/api/compounds",
                     R"({"structure":")" + smiles + R"(","batch":{"notebook_ref":"w)" +
                         std::to_string(id) + "-" + std::to_string(n) + R"("}})",
                     lead);
    }
    if (!client->send(request)) {
      client.reset();
      ++failures;
      continue;
    }
    test::RawResponse r = client->read();
    if (r.status == 0) {
      client.reset();
      ++failures;
      continue;
    }
    if (r.status != 200 && r.status != 201) continue;
    test::HttpResult h;
    h.body = r.body;
    std::lock_guard<std::mutex> lock(acked.mutex);
    if (startUp) {
      acked.startUps.insert(h.json()->getValue<std::string>("name"));
    } else {
      acked.batches.insert(h.json()->getObject("batch")->getValue<std::string>("id"));
    }
  }
}

void verify(const std::string& dbPath, Acknowledged& acked, int iteration) {
  db::DatabaseOptions options;
  options.path = dbPath;
  auto database = db::Database::open(options);  // recovers the WAL, quick_check
  database->read([&](db::Connection& c) {
    auto integrity = c.queryText("PRAGMA integrity_check");
    BOOST_TEST_REQUIRE(*integrity == "ok", "iteration " << iteration << ": " << *integrity);
    auto audit = db::verifyAuditChain(c);
    BOOST_TEST_REQUIRE(audit.ok, "iteration " << iteration << ": " << audit.reason);
    std::lock_guard<std::mutex> lock(acked.mutex);
    for (const std::string& code : acked.batches) {
      auto parsed = db::parseCode(code);
      BOOST_TEST_REQUIRE(parsed.has_value());
      db::Statement st(c,
                       "SELECT COUNT(*) FROM batches b JOIN compound_forms f ON f.id = b.form_id"
                       " WHERE f.compound_id = ? AND f.form_number = ? AND b.batch_number = ?");
      st.bind(1, parsed->compoundId).bind(2, *parsed->formNumber).bind(3, *parsed->batchNumber);
      st.step();
      BOOST_TEST_REQUIRE(st.getInt(0) == 1, "iteration " << iteration << ": lost " << code);
    }
    for (const std::string& name : acked.startUps) {
      db::Statement st(c, "SELECT COUNT(*) FROM start_ups WHERE name = ?");
      st.bind(1, name);
      st.step();
      BOOST_TEST_REQUIRE(st.getInt(0) == 1, "iteration " << iteration << ": lost " << name);
    }
    return 0;
  });
}

// A SMILES file of `n` records; `round` makes its titles (and so its records) new.
std::string importFile(int round, int n) {
  std::string out;
  const char* tails[] = {"O", "N", "Cl", "C(=O)O", "OC", "S"};
  for (int i = 0; i < n; ++i) {
    out += std::string(1 + i % 30, 'C') + tails[(i / 30) % 6] + std::string(i % 4, 'C') +
           " r" + std::to_string(round) + "-" + std::to_string(i) + "\n";
  }
  return out;
}

struct ImportAck {
  std::int64_t id = 0;
  std::atomic<std::int64_t> judged{0};  // records the server reported as done
  std::atomic<bool> finished{false};
  std::string error;  // the import failed (written by the watcher thread before it ends)
};

// Polls the import until the server goes away, keeping the highest count it reported.
void watchImport(int port, const std::string& lead, ImportAck& ack) {
  for (;;) {
    test::RawResponse r;
    try {
      test::RawClient c(port, 10);
      if (!c.send("GET /api/imports/" + std::to_string(ack.id) +
                  "?limit=1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + lead + "\r\n\r\n")) {
        return;
      }
      r = c.read();
    } catch (const Poco::Exception&) {
      return;
    }
    if (r.status != 200) return;
    test::HttpResult h;
    h.body = r.body;
    auto job = h.json();
    std::int64_t total = job->getObject("counts")->getValue<std::int64_t>("total");
    if (total > ack.judged) ack.judged = total;
    std::string status = job->getValue<std::string>("status");
    if (status == "finished" || status == "failed") {
      ack.finished = status == "finished";
      if (!ack.finished) ack.error = r.body;  // read after join()
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// After a kill: integrity, audit chain, the import's judged records all present, numbered
// without gaps, each registered one with its batch.
void verifyImport(const std::string& dbPath, const ImportAck& ack, int iteration) {
  db::DatabaseOptions options;
  options.path = dbPath;
  auto database = db::Database::open(options);
  database->read([&](db::Connection& c) {
    auto integrity = c.queryText("PRAGMA integrity_check");
    BOOST_TEST_REQUIRE(*integrity == "ok", "iteration " << iteration << ": " << *integrity);
    auto audit = db::verifyAuditChain(c);
    BOOST_TEST_REQUIRE(audit.ok, "iteration " << iteration << ": " << audit.reason);
    db::Statement st(c, "SELECT COUNT(*), COALESCE(MAX(record_number), 0) FROM import_records "
                        "WHERE import_id = ?");
    st.bind(1, ack.id);
    st.step();
    std::int64_t count = st.getInt(0);
    BOOST_TEST_REQUIRE(count >= ack.judged.load(),
                       "iteration " << iteration << ": " << ack.judged << " records acknowledged, "
                                    << count << " stored");
    BOOST_TEST_REQUIRE(st.getInt(1) == count, "iteration " << iteration << ": a gap");
    auto orphans = c.queryInt(
        "SELECT COUNT(*) FROM import_records r LEFT JOIN batches b ON b.id = r.batch_id "
        "WHERE r.verdict IN ('registered', 'new_form', 'new_batch') AND b.id IS NULL");
    BOOST_TEST_REQUIRE(*orphans == 0, "iteration " << iteration << ": records without batch");
    return 0;
  });
}

std::int64_t submitImport(int port, const std::string& lead, const std::string& file) {
  test::RawClient c(port, 30);
  c.send("POST /api/imports?start_up=1&file_name=bulk.smi HTTP/1.1\r\nHost: a\r\n"
         "Authorization: Bearer " + lead + "\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(file.size()) + "\r\n\r\n" + file);
  test::RawResponse r = c.read();
  BOOST_TEST_REQUIRE(r.status == 202, r.body);
  test::HttpResult h;
  h.body = r.body;
  return h.json()->getValue<std::int64_t>("id");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_safety)

BOOST_AUTO_TEST_CASE(kill_9_during_bulk_imports_loses_nothing_acknowledged) {
  test::TempDir dir;
  test::ServerProcess server(dir, {{"argan.threads", "4"}});
  std::string admin = server.prepareAdmin();
  server.start();
  {
    test::RawClient c(server.port());
    c.send(post("/api/start-ups", R"({"name":"Zitoun","sector":"green_chemicals"})", admin));
    BOOST_TEST_REQUIRE(c.read().status == 201);
  }
  std::string lead = server.prepareMember("lead@zitoun.ma", 1);
  std::mt19937 random(20261129);
  std::uniform_int_distribution<int> delayMs(50, 1500);
  const int recordsPerImport = 400;
  int round = 0;
  auto ack = std::make_unique<ImportAck>();
  ack->id = submitImport(server.port(), lead, importFile(round, recordsPerImport));
  int total = iterations();
  int interrupted = 0;
  for (int i = 0; i < total; ++i) {
    if (!server.running()) server.start();  // the import resumes on its own
    if (ack->finished) {
      ack = std::make_unique<ImportAck>();
      ack->id = submitImport(server.port(), lead, importFile(++round, recordsPerImport));
    }
    std::thread watcher(watchImport, server.port(), lead, std::ref(*ack));
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(random)));
    server.kill9();
    watcher.join();
    BOOST_TEST_REQUIRE(ack->error.empty(), ack->error);
    if (!ack->finished) ++interrupted;
    verifyImport(server.dbPath(), *ack, i);
  }
  // The last import runs to its end after a final restart: every record judged exactly once.
  if (!server.running()) server.start();
  watchImport(server.port(), lead, *ack);  // until it ends
  BOOST_TEST_REQUIRE(ack->finished, ack->error);
  BOOST_TEST(ack->judged.load() == recordsPerImport);
  verifyImport(server.dbPath(), *ack, total);
  BOOST_TEST_MESSAGE(total << " kills, " << interrupted << " inside an import; " << round + 1
                           << " imports of " << recordsPerImport << " records");
  BOOST_TEST(interrupted > total / 4);  // the kills did land inside imports
}

BOOST_AUTO_TEST_CASE(kill_9_during_concurrent_writes_loses_nothing_acknowledged) {
  test::TempDir dir;
  test::ServerProcess server(dir, {{"argan.threads", "4"}});
  std::string admin = server.prepareAdmin();
  server.start();
  {
    test::RawClient c(server.port());
    c.send(post("/api/start-ups", R"({"name":"Zitoun","sector":"green_chemicals"})", admin));
    BOOST_TEST_REQUIRE(c.read().status == 201);
  }
  std::string lead = server.prepareMember("lead@zitoun.ma", 1);
  std::mt19937 random(20261128);
  std::uniform_int_distribution<int> delayMs(20, 600);
  Acknowledged acked;
  std::atomic<int> counter{0};
  int total = iterations();
  for (int i = 0; i < total; ++i) {
    if (!server.running()) server.start();
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back(writer, server.port(), lead, admin, w, std::ref(counter),
                           std::ref(acked));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(random)));
    server.kill9();
    for (auto& t : writers) t.join();
    verify(server.dbPath(), acked, i);
  }
  BOOST_TEST_MESSAGE(total << " kills; " << acked.batches.size() << " batches and "
                           << acked.startUps.size() << " start-ups acknowledged, all present");
  BOOST_TEST(acked.batches.size() > static_cast<std::size_t>(total));
}

BOOST_AUTO_TEST_SUITE_END()
