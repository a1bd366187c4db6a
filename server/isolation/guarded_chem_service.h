// ChemService on a pool of worker processes: RDKit on untrusted input cannot take the server
// down (docs/architecture.md, "Chemistry on untrusted input").
//
// Each worker is the `argan` executable started as `argan chem-worker` (posix_spawn, so the
// multi-threaded server never forks without exec), with its own memory (RLIMIT_AS) and
// per-request CPU limits, talking length-prefixed frames (chem_wire.h) over a socketpair.
// A call leases an idle worker (waiting at most queueTimeoutMs, then Unavailable/503), sends
// the method name and arguments, and waits at most timeoutMs of wall-clock time for the
// answer. When the worker exceeds a limit or does not answer in time, it is killed and
// replaced, and *that* call throws InvalidArgument ("the structure could not be processed
// within the limits", details.limit = chem_time_limit_ms | chem_memory_mb | chem_cpu_seconds).
// When the worker dies otherwise (a signal, an exit), the call throws Unavailable (503 with
// Retry-After: the worker was replaced, try again) — unless the very same request killed a
// worker with a crash signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL) before, among the
// last kRememberedCrashes: then the input is what crashes the toolkit, and the call throws
// InvalidArgument (details.limit = chem_worker_crash). Other calls, on other workers, are
// not affected. Errors the chemistry raises (bad SMILES, ...) come back as the same
// argan::Error they were in the worker. Messages never name the executable or a path.
//
// Threads: every method may be called from any thread. The service owns its workers: the
// destructor closes their sockets (they exit) and reaps them, killing stragglers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/isolation/chem_service.h"
#include "server/isolation/chem_wire.h"

namespace argan::server {

struct ChemWorkerOptions {
  std::string executable = "/proc/self/exe";  // the argan binary (tests pass its path)
  int workers = 2;                  // processes (and concurrent calls)
  int timeoutMs = 10000;            // wall clock per call; then the worker is killed
  int queueTimeoutMs = 10000;       // waiting for a free worker; then Unavailable (503)
  int startTimeoutMs = 30000;       // a new worker must answer "ping" within this (constructor)
  std::uint64_t memoryMb = 1024;    // RLIMIT_AS of each worker
  std::uint64_t cpuSeconds = 10;    // CPU seconds per call (RLIMIT_CPU, soft)
  int maxCallsPerWorker = 10000;    // a worker is replaced after this many calls (bounds leaks)
  bool testMethods = false;         // serve chemWorkerTestMethods() (tests only)
};

struct ChemWorkerStats {
  std::uint64_t calls = 0;
  std::uint64_t spawned = 0;     // processes started, including the first ones
  std::uint64_t crashed = 0;     // died while serving a call (signal or exit)
  std::uint64_t timedOut = 0;    // killed at the deadline
  std::uint64_t memoryExits = 0; // answered a memory-limit error, then exited
  std::uint64_t busyRefusals = 0;  // calls refused because no worker became free in time
};

class GuardedChemService : public ChemService {
 public:
  // Starts the workers and checks that each answers. Throws Unavailable when a worker
  // cannot be started.
  explicit GuardedChemService(ChemWorkerOptions options);
  ~GuardedChemService() override;
  GuardedChemService(const GuardedChemService&) = delete;
  GuardedChemService& operator=(const GuardedChemService&) = delete;

  chem::StructureAnalysis analyse(const std::string& text, const std::string& format) override;
  bool areTautomers(const std::string& smilesA, const std::string& smilesB) override;
  std::string depictPickle(const std::string& pickle,
                           const chem::DepictionOptions& options) override;
  std::string depictStructure(const std::string& text, const std::string& format,
                              const chem::DepictionOptions& options) override;
  chem::SubstructureQuerySpec prepareSubstructureQuery(const std::string& text,
                                                       const std::string& format) override;
  chem::SimilarityQuerySpec prepareSimilarityQuery(const std::string& text,
                                                   const std::string& format) override;
  chem::ReactionAnalysis analyseReaction(const chem::ReactionInput& input) override;
  chem::RouteAnalysis analyseRoute(const chem::RouteInput& input) override;
  chem::RepeatUnitAnalysis analyseRepeatUnit(const std::string& text,
                                             const std::string& format) override;

  // One call by method name; `arguments` are put() in order, the result is get() from the
  // returned bytes. Throws as described above.
  std::string call(const std::string& method, const std::string& arguments);

  template <typename R, typename... Args>
  R invoke(const std::string& method, const Args&... args) {
    wire::WireWriter w;
    (wire::put(w, args), ...);
    std::string reply = call(method, w.data());
    wire::WireReader r(reply);
    R result{};
    wire::get(r, result);
    r.expectEnd();
    return result;
  }

  ChemWorkerStats stats() const;
  // Process ids of the live workers (tests: a crash replaces exactly one).
  std::vector<pid_t> workerPids() const;
  const ChemWorkerOptions& options() const { return options_; }

 private:
  class Worker;
  std::unique_ptr<Worker> spawnWorker();
  // Waits (startTimeoutMs) for a new worker's answer to "ping". Throws Unavailable.
  void awaitReady(Worker& worker);
  std::unique_ptr<Worker> lease();
  // Returns a leased worker to the pool; `replace` (or too many calls) starts a new one.
  void release(std::unique_ptr<Worker> worker, bool replace);
  // The error for a call whose worker did not answer; kills and reaps it. `request` is the
  // request frame (crashes are remembered by its digest).
  Error failure(Worker& worker, bool timedOut, const std::string& request);
  void count(std::uint64_t ChemWorkerStats::*field);

  ChemWorkerOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Worker>> idle_;
  std::vector<pid_t> busyPids_;  // leased workers
  ChemWorkerStats stats_;
  static constexpr std::size_t kRememberedCrashes = 64;
  std::vector<std::string> crashedRequests_;  // digests of requests that crashed a worker
};

}  // namespace argan::server
