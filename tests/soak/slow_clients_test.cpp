// Slow clients (slow; scripts/soak): the attacks of issue #21 against the real server
// process, with GET /api/health probed every 50 ms throughout from an address of its own.
//
//   1. eight slow bodies, one per source address: POST /api/compounds announcing 100 000
//      bytes and sending one byte a second (each reconnects when answered);
//   2. one hundred slow heads from ten addresses, one header byte every 500 ms;
//   3. wrk -c256 on /api/compounds with argan.max_connections_per_client=0 (as behind a
//      proxy; skipped without wrk).
//
// Every health probe must answer 200, 99 % of them within 100 ms (95 % under wrk, which
// takes both cores of the machine), none after a second; during 1 and 2 other clients must be
// served (never 503). The latency figures go to bench/RESULTS.md ("Slow clients").
// Distinct client addresses are loopback addresses 127.0.x.y (the whole /8 reaches the
// server on lo).
#include <Poco/File.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <regex>
#include <thread>

#include "../server/raw_http.h"
#include "../server/server_process.h"
#include "../server/test_server.h"

using namespace argan;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string request(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& token) {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: argan\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty()) {
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + "\r\n" + body;
}

// Health every 50 ms from one address, each on a fresh connection; latency in ms.
class HealthProbe {
 public:
  explicit HealthProbe(int port) : port_(port) {
    thread_ = std::thread([this] {
      while (!stop_) {
        auto started = SteadyClock::now();
        int status = 0;
        try {
          test::RawClient c(port_, 5, "127.0.9.9");
          c.send("GET /api/health HTTP/1.1\r\nHost: probe\r\n\r\n");
          status = c.read().status;
        } catch (const Poco::Exception&) {
          status = 0;
        }
        double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
        {
          std::lock_guard<std::mutex> lock(mutex_);
          latencies_.push_back(ms);
          if (status != 200) ++failures_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~HealthProbe() { finish(); }
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // "n probes, p50/p95/p99/max ms, failures"; checks that every probe was answered 200, that
  // the `quantile` of the latencies is under 100 ms and that none waited a second. (On the
  // test machine, 2 cores shared with builds at load 7-10, a probe now and then waits for a
  // core behind other processes: the maximum is in bench/RESULTS.md with the load.)
  std::string report(const std::string& what, double quantile = 0.99) {
    finish();
    std::vector<double> v = latencies_;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v.empty() ? 0 : v[static_cast<std::size_t>(q * (v.size() - 1))]; };
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s: %zu health probes, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms, "
                  "%d not 200",
                  what.c_str(), v.size(), at(0.5), at(0.95), at(0.99), v.empty() ? 0 : v.back(),
                  failures_);
    BOOST_TEST_MESSAGE(line);
    BOOST_TEST(v.size() > 50u, what);
    BOOST_TEST(failures_ == 0, what);
    BOOST_TEST(at(quantile) < 100.0, line);
    BOOST_TEST((v.empty() ? 0 : v.back()) < 1000.0, line);
    return line;
  }

 private:
  int port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<double> latencies_;
  int failures_ = 0;
};

// Other clients: a listing every 100 ms from addresses of their own; counts what they got.
class Bystanders {
 public:
  Bystanders(int port, int clients) {
    for (int i = 0; i < clients; ++i) {
      threads_.emplace_back([this, port, i] {
        std::string source = "127.0.8." + std::to_string(i + 1);
        while (!stop_) {
          int status = 0;
          try {
            test::RawClient c(port, 10, source);
            c.send("GET /api/compounds?page_size=5 HTTP/1.1\r\nHost: b\r\n\r\n");
            status = c.read().status;
          } catch (const Poco::Exception&) {
          }
          (status == 200 ? served_ : refused_)++;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      });
    }
  }
  ~Bystanders() { finish(); }
  void finish() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int served() const { return served_; }
  int refused() const { return refused_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::atomic<int> refused_{0};
  std::vector<std::thread> threads_;
};

// Runs `attack(i, stop)` on `n` threads for `seconds`.
void attackFor(int n, int seconds, const std::function<void(int, const std::atomic<bool>&)>& attack) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { attack(i, stop); });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
}

struct Lab {
  test::TempDir dir;
  std::unique_ptr<test::ServerProcess> server;
  std::string lead;

  using Config = std::map<std::string, std::string>;
  explicit Lab(Config config) {
    server = std::make_unique<test::ServerProcess>(dir, std::move(config));
    std::string admin = server->prepareAdmin();
    server->start();
    test::RawClient setup(server->port());
    setup.send(request("POST", "/api/start-ups", R"({"name":"Zitoun","sector":"green_chemicals"})",
                       admin));
    BOOST_TEST_REQUIRE(setup.read().status == 201);
    lead = server->prepareMember("lead@zitoun.ma", 1);
    for (const char* smiles : {"CCO", "CC(=O)O", "OCC(O)CO", "c1ccccc1O", "CC(C)O", "CCCCO"}) {
      test::RawClient r(server->port());
      r.send(request("POST", "/api/compounds", test::structureBody(smiles), lead));
      BOOST_TEST_REQUIRE(r.read().status == 201);
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(slow_clients)

BOOST_AUTO_TEST_CASE(eight_slow_bodies_hold_no_thread) {
  Lab lab(Lab::Config{{"argan.threads", "8"}});
  int port = lab.server->port();
  std::atomic<int> answered408{0};
  HealthProbe probe(port);
  Bystanders others(port, 4);
  attackFor(8, 20, [&](int i, const std::atomic<bool>& stop) {
    std::string source = "127.0.1." + std::to_string(i + 1);
    while (!stop) {
      try {
        test::RawClient c(port, 30, source);
        c.send("POST /api/compounds HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + lab.lead +
               "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
        std::atomic<bool> closed{false};
        std::thread reader([&] {
          if (c.read().status == 408) ++answered408;
          closed = true;
        });
        while (!stop && !closed) {
          if (!c.send(" ")) break;
          for (int k = 0; k < 10 && !stop && !closed; ++k) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        }
        c.socket().shutdown();
        reader.join();
      } catch (const Poco::Exception&) {
      }
    }
  });
  std::string line = probe.report("8 slow bodies (1 byte/s, 20 s)");
  others.finish();
  BOOST_TEST_MESSAGE("bystanders: " << others.served() << " served, " << others.refused()
                                    << " refused; slow bodies answered 408: " << answered408);
  BOOST_TEST(others.refused() == 0);
  BOOST_TEST(others.served() > 50);
  BOOST_TEST(answered408.load() >= 8);
  BOOST_TEST(lab.server->running());
}

BOOST_AUTO_TEST_CASE(a_hundred_slow_heads_from_ten_addresses_do_not_starve_anyone) {
  Lab lab(Lab::Config{{"argan.threads", "8"}});
  int port = lab.server->port();
  HealthProbe probe(port);
  Bystanders others(port, 4);
  attackFor(100, 20, [&](int i, const std::atomic<bool>& stop) {
    std::string source = "127.0.3." + std::to_string(i % 10 + 1);
    const std::string head = "GET /api/compounds HTTP/1.1\r\nHost: a\r\nX-Slow: " +
                             std::string(200, 'x') + "\r\n\r\n";
    while (!stop) {
      try {
        test::RawClient c(port, 30, source);
        for (std::size_t k = 0; k < head.size() && !stop; ++k) {
          if (!c.send(head.substr(k, 1))) break;
          for (int w = 0; w < 5 && !stop; ++w) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        }
        c.socket().shutdown();
      } catch (const Poco::Exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  std::string line = probe.report("100 slow heads from 10 addresses (20 s)");
  others.finish();
  BOOST_TEST_MESSAGE("bystanders: " << others.served() << " served, " << others.refused()
                                    << " refused");
  BOOST_TEST(others.refused() == 0);
  BOOST_TEST(others.served() > 50);
  BOOST_TEST(lab.server->running());
}

BOOST_AUTO_TEST_CASE(wrk_with_256_connections_and_no_per_client_cap) {
  if (!Poco::File("/usr/bin/wrk").exists()) {
    BOOST_TEST_MESSAGE("skipped: wrk is not installed (scripts/setup --soak)");
    return;
  }
  Lab lab(Lab::Config{{"argan.threads", "8"}, {"argan.max_connections_per_client", "0"}});
  int port = lab.server->port();
  // wrk runs on this machine, below the server's priority (nice 10): a real load comes from
  // other machines, and the server's CPU is not spent on the load generator.
  auto wrk = [port](int connections, int seconds) {
    std::string command = "nice -n 10 wrk -t2 -c" + std::to_string(connections) + " -d" +
                          std::to_string(seconds) + "s --latency 'http://127.0.0.1:" +
                          std::to_string(port) + "/api/compounds?page_size=20' 2>&1";
    std::string output;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_TEST_REQUIRE(pipe != nullptr);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    ::pclose(pipe);
    return output;
  };
  // Every thread has served once (its stack and allocator arena exist); memory after a quiet
  // moment is the baseline.
  wrk(8, 3);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  long rssBefore = lab.server->rssKb();
  HealthProbe probe(port);
  std::string output = wrk(256, 20);
  // wrk saturates both cores of the test machine: this attack is held to its 95th percentile.
  std::string line = probe.report("wrk -c256, max_connections_per_client=0 (20 s)", 0.95);
  BOOST_TEST_MESSAGE("wrk:\n" << output);
  std::smatch m;
  BOOST_TEST(std::regex_search(output, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")));
  BOOST_TEST(lab.server->running());
  // After the load (and while a monitor keeps probing health), memory goes back: it used to
  // stay 30 MB higher.
  HealthProbe monitor(port);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  long rssAfter = lab.server->rssKb();
  monitor.finish();
  BOOST_TEST_MESSAGE("server memory: " << rssBefore / 1024 << " MB before the load, "
                                       << rssAfter / 1024 << " MB 5 s after it");
  BOOST_TEST(rssAfter - rssBefore < 16 * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
