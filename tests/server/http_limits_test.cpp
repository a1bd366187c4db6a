// HTTP limits: connections still sending their request (slow heads, slow bodies) never hold
// a worker thread and never count against the workers' queue; slow ones are answered 408;
// a full queue or a long wait in it answers 503 + Retry-After (never silence), per-client
// caps 429; GET /api/health has a lane of its own; requests being served are cut at their
// deadline; malformed heads get the JSON error body.
#include <chrono>
#include <functional>
#include <thread>

#include "raw_http.h"
#include "test_server.h"

using namespace argan;
using test::RawClient;
using test::TestServer;
using SteadyClock = std::chrono::steady_clock;

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

// One thread, and bodies over 1 000 bytes read by the thread itself without a rate rule: a
// large body that never completes holds the thread (what a slow upload does).
server::AppConfig oneThreadHeldByUploads() {
  server::AppConfig c = oneThread();
  c.maxBodyBytes = 1000;
  c.minBodyRateBytesPerSecond = 0;
  c.bodyIdleTimeoutMs = 60000;
  return c;
}

const std::string kHealth = "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n";
const std::string kStartUps = "GET /api/start-ups HTTP/1.1\r\nHost: t\r\n\r\n";

// A POST whose body never completes (`length` announced, a few bytes sent).
std::string stalledPost(const std::string& token, std::size_t length = 100) {
  return "POST /api/compounds/preview HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) +
         "\r\n\r\n{\"structure\":";
}

// An import upload of 100 000 bytes that stops after its first line: the thread reading it
// waits for the rest (with oneThreadHeldByUploads, for as long as the deadline allows).
std::string stalledUpload(const std::string& token, std::int64_t startUp) {
  return "POST /api/imports?start_up=" + std::to_string(startUp) +
         "&file_name=a.smi HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nCCO\n";
}

std::string errorCode(const test::RawResponse& r) {
  test::HttpResult h;
  h.body = r.body;
  return h.errorCode();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_limits)

// The thread is busy with an upload; one complete request waits in the queue (of one); the
// next is answered 503 at once by the gate.
BOOST_AUTO_TEST_CASE(a_full_queue_answers_503_with_retry_after) {
  server::AppConfig config = oneThreadHeldByUploads();
  config.maxQueued = 1;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);

  RawClient busy(server.port());
  BOOST_TEST_REQUIRE(busy.send(stalledUpload(token, startUp)));
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().serving == 1; }));
  RawClient waiting(server.port());
  waiting.send(kStartUps);
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().queued == 1; }));

  RawClient refused(server.port());
  refused.send(kStartUps);
  auto answer = refused.read();
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.headers["retry-after"] == "1");
  BOOST_TEST(answer.headers["content-type"].find("application/json") == 0u);
  BOOST_TEST(errorCode(answer) == "UNAVAILABLE");
  BOOST_TEST(refused.closedByServer());
  BOOST_TEST(server.gateStats().refusedQueueFull == 1u);

  // Once the upload ends, the waiting request is served.
  busy.socket().close();
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
  auto ok = server.call("GET", "/api/start-ups");
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

// Connections that have not sent a whole request do not count against the workers: with a
// queue of one, forty of them waiting leave the server answering everybody else.
BOOST_AUTO_TEST_CASE(connections_still_sending_do_not_count_against_the_workers) {
  server::AppConfig config = oneThread();
  config.maxQueued = 1;
  config.maxConnectionsPerClient = 0;
  TestServer server(config);
  std::vector<std::unique_ptr<RawClient>> sending;
  for (int i = 0; i < 40; ++i) {
    sending.push_back(std::make_unique<RawClient>(server.port()));
    sending.back()->send(i % 2 ? "GET /api/start-ups HTTP/1.1\r\nHo"
                               : "POST /api/start-ups HTTP/1.1\r\nContent-Length: 50\r\n\r\n{");
  }
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().pending >= 40; }));
  for (int i = 0; i < 5; ++i) BOOST_TEST(server.call("GET", "/api/start-ups").status == 200);
  BOOST_TEST(server.gateStats().refusedBusy == 0u);
  BOOST_TEST(server.gateStats().refusedQueueFull == 0u);
}

// A body trickling in is read by the gate, not a thread; too slow, it is answered 408 (the
// thread never saw it). One arriving at a fair rate is served.
BOOST_AUTO_TEST_CASE(slow_bodies_are_read_by_the_gate_and_answered_408) {
  server::AppConfig config = oneThread();
  config.minBodyRateBytesPerSecond = 1000;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port()));
    slow.back()->send(stalledPost(token, 100000));
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {  // one byte per 100 ms each: 10 bytes/s
    while (!done) {
      for (auto& c : slow) c->send(" ");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // Meanwhile the one thread serves everybody else.
  for (int i = 0; i < 5; ++i) {
    auto started = SteadyClock::now();
    BOOST_TEST(server.call("GET", "/api/start-ups").status == 200);
    BOOST_TEST((SteadyClock::now() - started < std::chrono::seconds(2)));
  }
  for (auto& client : slow) {
    auto answer = client->read();
    BOOST_TEST(answer.status == 408);
    BOOST_TEST(answer.body.find("too slowly") != std::string::npos, answer.body);
  }
  done = true;
  trickle.join();
  BOOST_TEST(server.gateStats().bodyTimeouts == 8u);
  BOOST_TEST(server.gateStats().dispatched == 5u);  // the slow bodies never reached a thread

  // A body in pieces at a fair pace is read whole and served.
  std::string body = test::structureBody("CCO");
  RawClient fair(server.port());
  fair.send("POST /api/compounds/preview HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
            "\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n");
  for (char c : body) {
    fair.send(std::string(1, c));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_TEST(fair.read().status == 200);
  BOOST_TEST(server.gateStats().bodiesBuffered >= 1u);
}

// GET /api/health answers while every other thread is busy.
BOOST_AUTO_TEST_CASE(health_has_a_lane_of_its_own) {
  TestServer server(oneThreadHeldByUploads());
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient busy(server.port());
  busy.send(stalledUpload(token, startUp));
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().serving == 1; }));
  for (int i = 0; i < 5; ++i) {
    auto started = SteadyClock::now();
    RawClient probe(server.port());
    probe.send(kHealth);
    BOOST_TEST(probe.read().status == 200);
    BOOST_TEST((SteadyClock::now() - started < std::chrono::seconds(1)));
  }
  BOOST_TEST(server.gateStats().healthServed >= 5u);
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
        std::string("GET /api/health HTTP/1.1-and-more\r\n\r\n"),
        std::string("POST /api/start-ups HTTP/1.1\r\nContent-Length: 12x\r\n\r\n"),
        std::string("POST /api/start-ups HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"),
        std::string("POST /api/start-ups HTTP/1.1\r\nContent-Length: 2\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n")}) {
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

// A request being served (here: a thread reading an upload that stalls) is cut at its
// deadline; the thread is free again.
BOOST_AUTO_TEST_CASE(a_stalled_upload_is_cut_at_the_request_deadline) {
  server::AppConfig config = oneThreadHeldByUploads();
  config.requestDeadlineSeconds = 1;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient stalled(server.port());
  stalled.send(stalledUpload(token, startUp));
  BOOST_TEST(stalled.closedByServer());
  BOOST_TEST(server.gateStats().requestDeadlines == 1u);
  BOOST_TEST(server.call("GET", "/api/start-ups").status == 200);  // the thread is free again
}

// An upload read by the thread that slows below the minimum rate is answered 408.
BOOST_AUTO_TEST_CASE(a_slow_upload_read_by_a_thread_is_answered_408) {
  server::AppConfig config = oneThread();
  config.maxBodyBytes = 1000;  // larger bodies are read by the thread
  config.minBodyRateBytesPerSecond = 1000;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient slow(server.port());
  slow.send("POST /api/imports?start_up=1&file_name=a.smi HTTP/1.1\r\nHost: t\r\n"
            "Authorization: Bearer " + token +
            "\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nCCO\n");
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done && slow.send("C")) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  });
  auto answer = slow.read();
  done = true;
  trickle.join();
  BOOST_TEST(answer.status == 408, answer.body);
  BOOST_TEST(server.call("GET", "/api/start-ups").status == 200);
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

// Shedding happens while a request waits, not when a thread frees: the thread stays busy,
// and the waiting request is answered 503 after the queue wait anyway.
BOOST_AUTO_TEST_CASE(a_request_that_waits_too_long_is_shed_while_it_waits) {
  server::AppConfig config = oneThreadHeldByUploads();
  config.maxQueueWaitMs = 200;
  TestServer server(config);
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  RawClient busy(server.port());
  busy.send(stalledUpload(token, startUp));
  BOOST_TEST_REQUIRE(waitUntil([&] { return server.gateStats().serving == 1; }));
  RawClient queued(server.port());
  auto started = SteadyClock::now();
  queued.send(kStartUps);
  auto answer = queued.read();
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.headers.count("retry-after") == 1u);
  BOOST_TEST((SteadyClock::now() - started < std::chrono::seconds(3)));
  BOOST_TEST(server.gateStats().shedQueueWait == 1u);
  BOOST_TEST(server.gateStats().serving == 1);  // the upload still holds the thread
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
