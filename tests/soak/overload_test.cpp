// Overload (slow; scripts/soak): wrk drives the real server at 4x the connections it admits.
// The server stays up, answers the excess with 503 (never silence), and its thread count and
// memory return to their baseline afterwards. Skipped when wrk is not installed.
#include <Poco/File.h>

#include <atomic>
#include <cstdio>
#include <regex>
#include <thread>

#include "../server/raw_http.h"
#include "../server/server_process.h"
#include "../server/test_server.h"

using namespace argan;

namespace {

struct WrkResult {
  double requestsPerSecond = 0;
  long non2xx = 0;
  long socketErrors = 0;
  std::string output;
};

WrkResult runWrk(int port, int connections, int seconds, const std::string& path) {
  std::string command = "wrk -t2 -c" + std::to_string(connections) + " -d" +
                        std::to_string(seconds) + "s --latency http://127.0.0.1:" +
                        std::to_string(port) + path + " 2>&1";
  WrkResult r;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) r.output += buffer;
  ::pclose(pipe);
  std::smatch m;
  if (std::regex_search(r.output, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    r.requestsPerSecond = std::stod(m[1]);
  }
  if (std::regex_search(r.output, m, std::regex(R"(Non-2xx or 3xx responses:\s+([0-9]+))"))) {
    r.non2xx = std::stol(m[1]);
  }
  if (std::regex_search(r.output,
                        m, std::regex(R"(connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+))"))) {
    r.socketErrors = std::stol(m[1]) + std::stol(m[3]) + std::stol(m[4]);
  }
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(overload)

BOOST_AUTO_TEST_CASE(four_times_the_admitted_connections_get_503s_and_resources_return) {
  if (!Poco::File("/usr/bin/wrk").exists()) {
    BOOST_TEST_MESSAGE("skipped: wrk is not installed (scripts/setup --soak)");
    return;
  }
  test::TempDir dir;
  const int threads = 4;
  const int queued = 8;
  test::ServerProcess server(dir, {{"argan.threads", std::to_string(threads)},
                                   {"argan.max_queued", std::to_string(queued)},
                                   {"argan.max_connections_per_client", "0"},
                                   {"argan.keep_alive_timeout_ms", "1000"}});
  std::string admin = server.prepareAdmin();
  server.start();
  const std::string path = "/api/compounds?page_size=20";
  // Warm up at the admitted concurrency, then take the baseline.
  WrkResult sustainable = runWrk(server.port(), threads + queued, 5, path);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long threadsBefore = server.threads();
  long rssBefore = server.rssKb();

  // Probes during the overload: every connection gets an answer, 200 or 503.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> silent{0};
  std::atomic<int> unexpected{0};
  std::thread probe([&] {
    while (!stop) {
      try {
        test::RawClient c(server.port(), 15);
        c.send("GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n");
        auto r = c.read();
        if (r.status == 0) {
          ++silent;
        } else if (r.status == 200 || r.status == 503) {
          ++answered;
        } else {
          ++unexpected;
        }
      } catch (const Poco::Exception&) {
        ++silent;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  WrkResult overload = runWrk(server.port(), 4 * (threads + queued), 15, path);
  stop = true;
  probe.join();

  BOOST_TEST_MESSAGE("sustainable (" << threads + queued << " connections): "
                                     << sustainable.requestsPerSecond << " req/s");
  BOOST_TEST_MESSAGE("4x (" << 4 * (threads + queued)
                            << " connections): " << overload.requestsPerSecond << " req/s, "
                            << overload.non2xx << " non-2xx\n"
                            << overload.output);
  BOOST_TEST(server.running());
  BOOST_TEST(overload.non2xx > 0);  // the excess is answered 503
  BOOST_TEST(silent.load() == 0);
  BOOST_TEST(unexpected.load() == 0);
  BOOST_TEST(answered.load() > 0);

  // Idle connections time out; threads and memory go back to where they were.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  test::RawClient after(server.port());
  after.send("GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n");
  BOOST_TEST(after.read().status == 200);
  long threadsAfter = server.threads();
  long rssAfter = server.rssKb();
  BOOST_TEST_MESSAGE("threads " << threadsBefore << " -> " << threadsAfter << ", RSS "
                                << rssBefore / 1024 << " MB -> " << rssAfter / 1024 << " MB");
  BOOST_TEST(threadsAfter == threadsBefore);
  BOOST_TEST(rssAfter - rssBefore < 64 * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
