// The real `argan` executable as a child process: `argan serve` on a free port over a
// database in a temporary directory, plus the CLI commands that prepare it. For tests that
// must see what users see: the process id, its memory, its threads, a kill -9.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

extern char** environ;

namespace argan::test {

struct CommandResult {
  int exitCode = -1;
  std::string out;
  std::string err;  // standard error
};

// Runs `argan args...` with `input` on standard input; waits for it.
inline CommandResult runArgan(const TempDir& dir, const std::vector<std::string>& args,
                              const std::string& input = "") {
  static int counter = 0;
  std::string base = dir.file("cmd" + std::to_string(++counter));
  {
    std::ofstream in(base + ".in");
    in << input;
  }
  std::vector<std::string> all = {ARGAN_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, (base + ".in").c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, (base + ".out").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (base + ".err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, ARGAN_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CommandResult result;
  if (rc != 0) return result;
  int status = 0;
  waitpid(pid, &status, 0);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = readFile(base + ".out");
  result.err = readFile(base + ".err");
  while (!result.out.empty() && (result.out.back() == '\n' || result.out.back() == '\r')) {
    result.out.pop_back();
  }
  return result;
}

// Reads "Key:   value kB" fields of /proc/<pid>/status.
inline long procStatus(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

class ServerProcess {
 public:
  // `config` lines are written to a .properties file passed with --config.
  ServerProcess(const TempDir& dir, std::map<std::string, std::string> config = {})
      : dir_(dir), config_(std::move(config)) {
    dbPath_ = dir_.file("argan.db");
  }
  ~ServerProcess() {
    if (pid_ > 0) kill9();
  }

  const std::string& dbPath() const { return dbPath_; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  // The port the next start() asks for (default 0: any free port).
  void requestPort(int port) { requestedPort_ = port; }
  // What the last started process printed (standard output and error).
  std::string log() const { return readFile(logPath_); }

  // Creates the schema, an administrator and returns an API token for them.
  std::string prepareAdmin(const std::string& email = "admin@cise.ma") {
    auto add = runArgan(dir_, {"user", "add", "--db", dbPath_, "--email", email, "--role", "admin"},
                        "correct horse battery staple\n");
    if (add.exitCode != 0) throw std::runtime_error("argan user add failed: " + add.out);
    auto token = runArgan(dir_, {"token", "create", "--db", dbPath_, "--email", email});
    if (token.exitCode != 0) throw std::runtime_error("argan token create failed");
    return token.out;
  }

  // A member of start-up `startUp` and a token for them.
  std::string prepareMember(const std::string& email, std::int64_t startUp,
                            const std::string& role = "lead") {
    auto add = runArgan(dir_,
                        {"user", "add", "--db", dbPath_, "--email", email, "--role", role,
                         "--start-up", std::to_string(startUp)},
                        "correct horse battery staple\n");
    if (add.exitCode != 0) throw std::runtime_error("argan user add failed: " + add.out);
    return runArgan(dir_, {"token", "create", "--db", dbPath_, "--email", email}).out;
  }

  // Starts `argan serve` and waits (up to 120 s) until it listens.
  void start() {
    std::string configPath = dir_.file("argan.properties");
    {
      std::ofstream out(configPath);
      for (const auto& [k, v] : config_) out << k << " = " << v << "\n";
    }
    logPath_ = dir_.file("server" + std::to_string(++starts_) + ".log");
    std::vector<std::string> all = {ARGAN_BINARY, "serve",      "--port", std::to_string(requestedPort_),
                                    "--host",     "127.0.0.1", "--db",   dbPath_,
                                    "--config",   configPath};
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, logPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, ARGAN_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start argan serve");
    const std::string marker = "listening on http://127.0.0.1:";
    for (int i = 0; i < 1200; ++i) {
      std::string log = readFile(logPath_);
      auto at = log.find(marker);
      if (at != std::string::npos && log.find(' ', at + marker.size()) != std::string::npos) {
        port_ = std::stoi(log.substr(at + marker.size()));
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("argan serve exited: " + log);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("argan serve did not start listening: " + readFile(logPath_));
  }

  // True while the process we started is running (not exited, not a zombie).
  bool running() const {
    if (pid_ <= 0) return false;
    int status = 0;
    return waitpid(pid_, &status, WNOHANG) == 0;
  }

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGTERM, then waits for the exit; returns the exit code (-1 if killed by a signal).
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  long rssKb() const { return procStatus(pid_, "VmRSS"); }
  long threads() const { return procStatus(pid_, "Threads"); }

  // Resident memory of the server and its chemistry workers, in kB.
  long rssWithChildrenKb() const {
    long total = rssKb();
    std::ifstream children("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) +
                           "/children");
    pid_t child;
    while (children >> child) total += procStatus(child, "VmRSS");
    return total;
  }

 private:
  const TempDir& dir_;
  std::map<std::string, std::string> config_;
  std::string dbPath_;
  std::string logPath_;
  pid_t pid_ = -1;
  int port_ = 0;
  int requestedPort_ = 0;
  int starts_ = 0;
};

}  // namespace argan::test
