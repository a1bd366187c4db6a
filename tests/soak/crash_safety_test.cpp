// Crash safety (slow; scripts/soak): kill -9 the real server at random points of concurrent
// API writes, 100 times. After each kill the database must pass PRAGMA integrity_check, hold
// every write the server acknowledged, and its audit chain must verify.
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

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_safety)

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
