// HTTP limits: overload answers 503 + Retry-After (never silence), per-client caps answer 429,
// slow or oversized request heads are answered 408/431 without holding a worker thread, slow
// bodies are cut at the request deadline, malformed heads get the JSON error body.
#include <chrono>
#include <functional>
#include <thread>

#include "raw_http.h"
#include "test_server.h"

using namespace argan;
using test::RawClient;
using test::TestServer;

namespace {

// Waits (up to 20 s) for a condition the server reaches asynchronously.
bool waitUntil(const std::function<bool()>& condition) {
  for (int i = 0; i < 2000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

server::AppConfig oneThread() {
  server::AppConfig c;
  c.threads = 1;
  c.maxQueued = 8;
  return c;
}

const std::string kHealth = "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n";

// A request whose handler blocks reading a body that never completes: it holds the one thread.
std::string stalledPost(const std::string& token) {
  return "POST /api/compounds/preview HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"structure\":";
}

std::string errorCode(const test::RawResponse& r) {
  test::HttpResult h;
  h.body = r.body;
  return h.errorCode();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_limits)

BOOST_AUTO_TEST_CASE(overload_answers_503_with_retry_after) {
  server::AppConfig config = oneThread();
  config.maxQueued = 1;  // two connections admitted in all
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);

  RawClient busy(server.port());
  BOOST_TEST_REQUIRE(busy.send(stalledPost(token)));
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().dispatched == 1; }));
  RawClient waiting(server.port());  // admitted, sends nothing yet
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().open == 2; }));

  RawClient refused(server.port());
  refused.send(kHealth);
  auto answer = refused.read();
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.headers["retry-after"] == "1");
  BOOST_TEST(answer.headers["content-type"].find("application/json") == 0u);
  BOOST_TEST(errorCode(answer) == "UNAVAILABLE");
  BOOST_TEST(refused.closedByServer());
  BOOST_TEST(server.gateStats().refusedBusy == 1u);

  // Once the stalled request ends, the waiting connection is served.
  busy.socket().close();
  waiting.send(kHealth);
  BOOST_TEST(waiting.read().status == 200);
}

BOOST_AUTO_TEST_CASE(the_per_client_cap_answers_429) {
  server::AppConfig config;
  config.maxConnectionsPerClient = 2;
  TestServer server(config);
  RawClient a(server.port());
  RawClient b(server.port());
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().open == 2; }));
  RawClient c(server.port());
  c.send(kHealth);
  auto answer = c.read();
  BOOST_TEST(answer.status == 429);
  BOOST_TEST(answer.headers.count("retry-after") == 1u);
  BOOST_TEST(errorCode(answer) == "RESOURCE_EXHAUSTED");
  a.send(kHealth);
  BOOST_TEST(a.read().status == 200);
}

BOOST_AUTO_TEST_CASE(slow_heads_get_408_and_hold_no_thread) {
  server::AppConfig config = oneThread();
  config.headerTimeoutMs = 400;
  config.maxQueued = 16;
  TestServer server(config);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port()));
    slow.back()->send("GET /api/health HTTP/1.1\r\nHo");
  }
  // The only worker thread is free for a complete request meanwhile.
  auto ok = server.call("GET", "/api/health");
  BOOST_TEST(ok.status == 200);
  std::thread dribble([&] {
    for (int i = 0; i < 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      slow[0]->send("s");
    }
  });
  for (auto& client : slow) {
    auto answer = client->read();
    BOOST_TEST(answer.status == 408);
    BOOST_TEST(errorCode(answer) == "INVALID_ARGUMENT");
  }
  dribble.join();
  BOOST_TEST(server.gateStats().headTimeouts == 8u);
  BOOST_TEST(server.gateStats().dispatched == 1u);  // only the complete request reached a thread
}

BOOST_AUTO_TEST_CASE(an_idle_connection_is_closed_after_the_keep_alive_time) {
  server::AppConfig config;
  config.keepAliveTimeoutMs = 300;
  TestServer server(config);
  RawClient client(server.port());
  client.send(kHealth);
  BOOST_TEST(client.read().status == 200);
  BOOST_TEST(client.closedByServer());  // quietly, without an answer
  BOOST_TEST(waitUntil([&] { return server.gateStats().open == 0; }));
}

BOOST_AUTO_TEST_CASE(an_oversized_head_gets_431) {
  TestServer server;
  RawClient client(server.port());
  client.send("GET /api/health HTTP/1.1\r\nX-Big: " + std::string(70000, 'a'));
  auto answer = client.read();
  BOOST_TEST(answer.status == 431);
  BOOST_TEST(errorCode(answer) == "INVALID_ARGUMENT");
}

BOOST_AUTO_TEST_CASE(malformed_heads_get_the_json_error_body) {
  TestServer server;
  for (const std::string& head :
       {std::string("GET /api/health HTTP/1.1\r\nX-Long: ") + std::string(9000, 'v') + "\r\n\r\n",
        std::string(40, 'G') + " /api/health HTTP/1.1\r\n\r\n",
        std::string("GET /") + std::string(17000, 'p') + " HTTP/1.1\r\n\r\n",
        std::string("GET /api/health HTTP/1.1-and-more\r\n\r\n")}) {
    RawClient client(server.port());
    client.send(head);
    auto answer = client.read();
    BOOST_TEST(answer.status == 400, head.substr(0, 40));
    BOOST_TEST(errorCode(answer) == "INVALID_ARGUMENT");
  }
  std::string manyFields = "GET /api/health HTTP/1.1\r\n";
  for (int i = 0; i < 150; ++i) manyFields += "X-F" + std::to_string(i) + ": v\r\n";
  RawClient client(server.port());
  client.send(manyFields + "\r\n");
  BOOST_TEST(client.read().status == 400);
  BOOST_TEST(server.call("GET", "/api/health").status == 200);
}

BOOST_AUTO_TEST_CASE(a_stalled_body_is_cut_at_the_request_deadline) {
  server::AppConfig config = oneThread();
  config.requestDeadlineSeconds = 1;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient stalled(server.port());
  stalled.send(stalledPost(token));
  BOOST_TEST(stalled.closedByServer());
  BOOST_TEST(server.gateStats().requestDeadlines == 1u);
  BOOST_TEST(server.call("GET", "/api/health").status == 200);  // the thread is free again
}

BOOST_AUTO_TEST_CASE(a_body_shorter_than_announced_is_refused) {
  TestServer server;
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient client(server.port());
  client.send(stalledPost(token));
  client.socket().shutdownSend();  // the client gives up half-way
  auto answer = client.read();
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(answer.body.find("Content-Length") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_connection_that_waited_too_long_for_a_thread_gets_503) {
  server::AppConfig config = oneThread();
  config.maxQueueWaitMs = 100;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient busy(server.port());
  busy.send(stalledPost(token));
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().dispatched == 1; }));
  RawClient queued(server.port());
  queued.send(kHealth);
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().dispatched == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  busy.send(std::string(87, ' '));  // completes the body: the thread is released
  BOOST_TEST(busy.read().status == 400);  // the structure is not a string
  auto answer = queued.read();
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.headers.count("retry-after") == 1u);
  BOOST_TEST(server.gateStats().shedQueueWait == 1u);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
  TestServer server;
  RawClient client(server.port());
  for (int i = 0; i < 20; ++i) {
    BOOST_TEST_REQUIRE(client.send(kHealth));
    auto answer = client.read();
    BOOST_TEST_REQUIRE(answer.status == 200);
  }
  BOOST_TEST(server.gateStats().accepted == 1u);
  BOOST_TEST(server.gateStats().dispatched == 20u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_then_the_connection_closes) {
  TestServer server;
  RawClient client(server.port());
  client.send(kHealth + kHealth);
  BOOST_TEST(client.read().status == 200);
  auto second = client.read();
  BOOST_TEST((second.status == 200 || second.status == 0));
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_honoured) {
  TestServer server;
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  std::string body = test::structureBody("CCO");
  RawClient client(server.port());
  client.send("POST /api/compounds/preview HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
              "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n");
  BOOST_TEST(client.read().status == 100);
  client.send(body);
  BOOST_TEST(client.read().status == 200);
}

BOOST_AUTO_TEST_CASE(stopping_closes_idle_connections) {
  TestServer server;
  RawClient idle(server.port());
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().open == 1; }));
  server.http().stop();
  BOOST_TEST(idle.closedByServer());
}

BOOST_AUTO_TEST_SUITE_END()
