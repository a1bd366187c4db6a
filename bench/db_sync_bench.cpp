// What synchronous=FULL costs on this disk: write transactions (a start-up + its audit entry,
// as the API commits them) with SQLite WAL at synchronous=FULL and NORMAL.
//   build/bench/db_sync_bench [transactions] [directory]   (default 500, the working directory)
// FULL fsyncs the WAL at every commit: an acknowledged write survives a power cut. NORMAL
// fsyncs only at checkpoints: the last commits can be lost on power loss (never on a crash
// of the process). Prints commits per second and latency percentiles for both.
#include <Poco/File.h>
#include <Poco/Path.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/database.h"
#include "db/start_up_store.h"

using namespace argan;
using SteadyClock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int transactions = argc > 1 ? std::atoi(argv[1]) : 500;
  std::string directory = argc > 2 ? argv[2] : Poco::Path::current();
  std::printf("%d write transactions (start-up + audit entry) in %s\n", transactions,
              directory.c_str());
  std::printf("%-16s %10s %10s %10s %10s\n", "synchronous", "commits/s", "p50 ms", "p99 ms",
              "max ms");
  for (bool full : {true, false}) {
    std::string path = directory + "/sync-bench-" + std::to_string(::getpid()) + ".db";
    SystemClock clock;
    std::vector<double> ms;
    {
      db::DatabaseOptions options;
      options.path = path;
      options.synchronousFull = full;
      auto database = db::Database::open(options);
      auto start = SteadyClock::now();
      for (int i = 0; i < transactions; ++i) {
        auto t0 = SteadyClock::now();
        database->write([&](db::Connection& c) {
          db::StartUpInput in;
          in.name = "Bench " + std::to_string(i);
          in.sector = "green_chemicals";
          db::createStartUp(c, clock, db::Principal::system("bench"), in);
        });
        ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
      }
      double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
      std::sort(ms.begin(), ms.end());
      std::printf("%-16s %10.0f %10.2f %10.2f %10.2f\n", full ? "FULL" : "NORMAL",
                  transactions / seconds, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
      Poco::File f(path + suffix);
      if (f.exists()) f.remove();
    }
  }
  return 0;
}
