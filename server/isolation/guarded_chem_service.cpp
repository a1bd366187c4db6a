#include "server/isolation/guarded_chem_service.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <cstring>
#include <optional>
#include <thread>

#include "common/digest.h"
#include "common/error.h"

extern char** environ;

namespace argan::server {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string describeStatus(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = ::strsignal(sig);
    return "was killed by signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
  }
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

int remainingMs(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 60'000 ? 60'000 : static_cast<int>(left.count());
}

}  // namespace

// One worker process and the parent's end of its socket. Used by one thread at a time.
class GuardedChemService::Worker {
 public:
  enum class Outcome { kAnswered, kDied, kTimedOut };

  Worker(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  ~Worker() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    // Closing the socket asks the worker to exit; one that does not within a second is killed.
    if (!reaped_ && !waitFor(std::chrono::milliseconds(1000))) kill();
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  pid_t pid() const { return pid_; }
  int calls = 0;
  bool ready = false;  // answered "ping": started up (RDKit loaded, limits set)

  // True when an idle worker has died or written something unasked (it must be replaced).
  bool broken() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) return true;
    return waitFor(std::chrono::milliseconds(0));
  }

  // Sends one request frame and waits for the whole response frame until `deadline`.
  Outcome exchange(std::string_view frame, SteadyClock::time_point deadline, std::string& reply) {
    wire::WireWriter header;
    header.u32(static_cast<std::uint32_t>(frame.size()));
    std::string out = header.take();
    out.append(frame.data(), frame.size());
    std::size_t written = 0;
    std::string in;
    for (;;) {
      pollfd p{fd_, static_cast<short>(POLLIN | (written < out.size() ? POLLOUT : 0)), 0};
      int ready = ::poll(&p, 1, remainingMs(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return Outcome::kDied;
      if (ready == 0) return Outcome::kTimedOut;
      if ((p.revents & POLLOUT) && written < out.size()) {
        ssize_t n = ::send(fd_, out.data() + written, out.size() - written, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return Outcome::kDied;
        if (n > 0) written += static_cast<std::size_t>(n);
      }
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[65536];
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n == 0) return Outcome::kDied;
        if (n < 0 && errno != EAGAIN && errno != EINTR) return Outcome::kDied;
        if (n > 0) in.append(buffer, static_cast<std::size_t>(n));
        if (in.size() >= 4) {
          wire::WireReader r(std::string_view(in).substr(0, 4));
          std::uint32_t length = r.u32();
          // A worker that breaks the protocol is treated as crashed.
          if (length > wire::kMaxFrameBytes || in.size() > 4 + std::size_t{length}) {
            return Outcome::kDied;
          }
          if (in.size() == 4 + std::size_t{length}) {
            if (written < out.size()) return Outcome::kDied;  // answered a request it never read
            reply = in.substr(4);
            return Outcome::kAnswered;
          }
        }
      }
    }
  }

  // SIGKILL and reap. Returns the wait status.
  int kill() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      status_ = status;
    }
    return status_;
  }

  // After the worker closed its end: how it ended (waits up to a second, then kills it).
  std::string endDescription() {
    if (!reaped_ && !waitFor(std::chrono::milliseconds(1000))) kill();
    return describeStatus(status_);
  }
  int status() const { return status_; }

 private:
  // Reaps the process if it exits within `wait`. True when it is gone.
  bool waitFor(std::chrono::milliseconds wait) {
    if (reaped_) return true;
    auto until = SteadyClock::now() + wait;
    for (;;) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) {
        reaped_ = true;
        status_ = status;
        return true;
      }
      if (SteadyClock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  pid_t pid_;
  int fd_;
  bool reaped_ = false;
  int status_ = 0;
};

GuardedChemService::GuardedChemService(ChemWorkerOptions options) : options_(std::move(options)) {
  if (options_.workers < 1) options_.workers = 1;
  if (options_.timeoutMs < 1) options_.timeoutMs = 1;
  std::vector<std::unique_ptr<Worker>> started;
  for (int i = 0; i < options_.workers; ++i) started.push_back(spawnWorker());
  // Every worker must come up before the server accepts requests.
  for (auto& worker : started) awaitReady(*worker);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& worker : started) idle_.push_back(std::move(worker));
}

GuardedChemService::~GuardedChemService() {
  std::vector<std::unique_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workers.swap(idle_);
  }
  workers.clear();  // each closes its socket, waits for the exit, kills a straggler
}

void GuardedChemService::awaitReady(Worker& worker) {
  if (worker.ready) return;
  wire::WireWriter ping;
  wire::put(ping, std::string("ping"));
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.startTimeoutMs);
  std::string reply;
  if (worker.exchange(ping.data(), deadline, reply) != Worker::Outcome::kAnswered ||
      reply.empty() || reply[0] != static_cast<char>(wire::Status::kOk)) {
    std::string how = worker.endDescription();
    std::cerr << "argan: the chemistry worker (" << options_.executable << " chem-worker) " << how
              << " instead of starting" << std::endl;
    throw unavailable("the chemistry worker " + how + " instead of starting; try again shortly",
                      {{"retry_after_s", std::int64_t{2}}});
  }
  worker.ready = true;
}

std::unique_ptr<GuardedChemService::Worker> GuardedChemService::spawnWorker() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    throw unavailable(std::string("cannot create a chemistry worker socket: ") +
                          std::strerror(errno),
                      {{"retry_after_s", std::int64_t{2}}});
  }
  std::vector<std::string> args = {"argan", "chem-worker", "--memory-mb",
                                   std::to_string(options_.memoryMb), "--cpu-seconds",
                                   std::to_string(options_.cpuSeconds)};
  if (options_.testMethods) args.push_back("--test-methods");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // no listening socket, no db file
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGXCPU, SIGXFSZ, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  // Own process group: a Ctrl-C at the terminal stops the server, which then closes them.
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                            POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, options_.executable.c_str(), &actions, &attributes, argv.data(),
                         environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    std::cerr << "argan: cannot start the chemistry worker " << options_.executable << ": "
              << std::strerror(rc) << std::endl;
    throw unavailable(std::string("cannot start a chemistry worker: ") + std::strerror(rc),
                      {{"retry_after_s", std::int64_t{2}}});
  }
  ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  count(&ChemWorkerStats::spawned);
  auto worker = std::make_unique<Worker>(pid, sv[0]);
  return worker;
}

void GuardedChemService::count(std::uint64_t ChemWorkerStats::*field) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++(stats_.*field);
}

std::unique_ptr<GuardedChemService::Worker> GuardedChemService::lease() {
  std::unique_ptr<Worker> worker;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    bool free = available_.wait_for(lock, std::chrono::milliseconds(options_.queueTimeoutMs),
                                    [&] { return !idle_.empty(); });
    if (!free) {
      ++stats_.busyRefusals;
      throw unavailable("every chemistry worker is busy; try again shortly",
                        {{"retry_after_s", std::int64_t{2}}});
    }
    worker = std::move(idle_.back());
    idle_.pop_back();
  }
  try {
    if (!worker || worker->broken()) {
      worker.reset();  // an idle worker that died, or the slot of a failed restart
      worker = spawnWorker();
    }
    // A replacement starts up before the call's deadline begins.
    awaitReady(*worker);
  } catch (...) {
    worker.reset();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle_.push_back(nullptr);
      available_.notify_one();
    }
    throw;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  busyPids_.push_back(worker->pid());
  return worker;
}

void GuardedChemService::release(std::unique_ptr<Worker> worker, bool replace) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = busyPids_.begin(); it != busyPids_.end(); ++it) {
      if (*it == worker->pid()) {
        busyPids_.erase(it);
        break;
      }
    }
  }
  if (replace || worker->calls >= options_.maxCallsPerWorker) {
    worker.reset();  // closes the socket, reaps (kills a straggler)
    try {
      worker = spawnWorker();
    } catch (...) {
      // The slot stays empty; the next lease tries again.
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(worker));
  available_.notify_one();
}

Error GuardedChemService::failure(Worker& worker, bool timedOut, const std::string& request) {
  if (timedOut) {
    worker.kill();
    count(&ChemWorkerStats::timedOut);
    return invalidArgument(
        "the structure could not be processed within the limits (no answer within " +
            std::to_string(options_.timeoutMs) + " ms); nothing was saved",
        {{"limit", "chem_time_limit_ms"},
         {"value", static_cast<std::int64_t>(options_.timeoutMs)}});
  }
  worker.endDescription();
  count(&ChemWorkerStats::crashed);
  const int status = worker.status();
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (sig == SIGXCPU) {
    return invalidArgument(
        "the structure could not be processed within the limits (more than " +
            std::to_string(options_.cpuSeconds) + " CPU seconds); nothing was saved",
        {{"limit", "chem_cpu_seconds"},
         {"value", static_cast<std::int64_t>(options_.cpuSeconds)}});
  }
  const bool crashSignal =
      sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
  const std::string digest = sha256Hex(request);
  bool again = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (crashSignal) {
      auto seen = std::find(crashedRequests_.begin(), crashedRequests_.end(), digest);
      again = seen != crashedRequests_.end();
      if (!again) {
        if (crashedRequests_.size() >= kRememberedCrashes) crashedRequests_.erase(crashedRequests_.begin());
        crashedRequests_.push_back(digest);
      }
    }
  }
  if (again) {
    return invalidArgument(
        "the structure could not be processed within the limits (it made the chemistry "
        "toolkit crash twice); nothing was saved",
        {{"limit", "chem_worker_crash"}});
  }
  // Not known to be the input's fault (killed from outside, out of memory, a first crash):
  // the worker has been replaced; the same request may well succeed now.
  return unavailable(
      "the chemistry worker stopped while handling this request (" + describeStatus(status) +
          "); it has been restarted: try again; nothing was saved",
      {{"retry_after_s", std::int64_t{1}}, {"reason", "chem_worker_died"}});
}

std::string GuardedChemService::call(const std::string& method, const std::string& arguments) {
  wire::WireWriter request;
  wire::put(request, method);
  request.raw(arguments);

  std::unique_ptr<Worker> worker = lease();
  count(&ChemWorkerStats::calls);
  std::string reply;
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.timeoutMs);
  Worker::Outcome outcome;
  try {
    outcome = worker->exchange(request.data(), deadline, reply);
  } catch (...) {
    release(std::move(worker), /*replace=*/true);
    throw;
  }
  ++worker->calls;
  if (outcome != Worker::Outcome::kAnswered) {
    Error error = failure(*worker, outcome == Worker::Outcome::kTimedOut, request.data());
    release(std::move(worker), /*replace=*/true);
    throw error;
  }
  std::optional<Error> error;
  std::string result;
  bool replace = false;
  try {
    wire::WireReader r(reply);
    switch (static_cast<wire::Status>(r.u8())) {
      case wire::Status::kOk:
        result = std::string(r.rest());
        break;
      case wire::Status::kError:
        error = wire::getError(r);
        break;
      case wire::Status::kErrorWorkerExits:
        count(&ChemWorkerStats::memoryExits);
        error = wire::getError(r);
        replace = true;  // it is exiting: reap it, start a fresh one
        break;
      default:
        throw internalError("malformed message from the chemistry worker: bad status");
    }
  } catch (const Error& e) {
    error = e;  // a worker that breaks the protocol is replaced
    replace = true;
  }
  release(std::move(worker), replace);
  if (error) throw *error;
  return result;
}

ChemWorkerStats GuardedChemService::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

std::vector<pid_t> GuardedChemService::workerPids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<pid_t> pids = busyPids_;
  for (const auto& w : idle_) {
    if (w) pids.push_back(w->pid());
  }
  return pids;
}

chem::StructureAnalysis GuardedChemService::analyse(const std::string& text,
                                                    const std::string& format) {
  return invoke<chem::StructureAnalysis>("analyse", text, format);
}

bool GuardedChemService::areTautomers(const std::string& smilesA, const std::string& smilesB) {
  return invoke<bool>("are_tautomers", smilesA, smilesB);
}

std::string GuardedChemService::depictPickle(const std::string& pickle,
                                             const chem::DepictionOptions& options) {
  return invoke<std::string>("depict_pickle", pickle, options);
}

std::string GuardedChemService::depictStructure(const std::string& text,
                                                const std::string& format,
                                                const chem::DepictionOptions& options) {
  return invoke<std::string>("depict_structure", text, format, options);
}

chem::SubstructureQuerySpec GuardedChemService::prepareSubstructureQuery(
    const std::string& text, const std::string& format) {
  return invoke<chem::SubstructureQuerySpec>("prepare_substructure_query", text, format);
}

chem::RepeatUnitAnalysis GuardedChemService::analyseRepeatUnit(const std::string& text,
                                                               const std::string& format) {
  return invoke<chem::RepeatUnitAnalysis>("analyse_repeat_unit", text, format);
}

chem::SimilarityQuerySpec GuardedChemService::prepareSimilarityQuery(const std::string& text,
                                                                     const std::string& format) {
  return invoke<chem::SimilarityQuerySpec>("prepare_similarity_query", text, format);
}

chem::ReactionAnalysis GuardedChemService::analyseReaction(const chem::ReactionInput& input) {
  return invoke<chem::ReactionAnalysis>("analyse_reaction", input);
}

chem::RouteAnalysis GuardedChemService::analyseRoute(const chem::RouteInput& input) {
  return invoke<chem::RouteAnalysis>("analyse_route", input);
}

}  // namespace argan::server
