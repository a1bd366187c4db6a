// Background imports for the API (POST /api/imports): one worker thread runs the queued
// imports one at a time, oldest first.
//
// The uploaded file of import N lives in directory()/import-N.upload until the import ends
// (finished or failed: then it is removed; the report stays in the database). Imports left
// queued or running by a stop or a crash resume at the next start(), after the last record
// they committed (records commit in chunks, each verdict with its batch: importer.h); start()
// also removes what a crash left in directory(): half-received uploads and the uploads of
// imports that have ended. An import runs with the rights of the user who submitted it (a
// disabled user's import fails).
//
// An import is claimed before it runs (db::claimImport), so two processes never run it
// twice. One that stops for a passing reason (Unavailable: the disk is full, the database is
// busy or read-only) is not failed: it waits and is tried again with a growing back-off
// (1 s, 2 s, 4 s ... at most maxBackoff), resuming after its last committed chunk; its
// `waiting` and `retry_at` say so. Imports behind it are tried meanwhile.
//
// Threads: every method may be called from any thread. stop() waits for the chunk in
// progress to commit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "server/core/runtime.h"

namespace argan::server {

class ImportJobs {
 public:
  // Creates `directory` if needed. Throws Unavailable when it cannot.
  ImportJobs(Runtime& runtime, std::string directory,
             std::chrono::milliseconds maxBackoff = std::chrono::minutes(5));
  ~ImportJobs();
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  void start();
  void stop();
  // Tells the worker a new import is queued.
  void wake();

  const std::string& directory() const { return directory_; }
  std::string uploadPath(std::int64_t importId) const;
  // A fresh temporary path in directory() for an upload being received.
  std::string temporaryUploadPath() const;
  // The name this process claims imports under (importer.h, importClaimant).
  const std::string& claimant() const { return claimant_; }

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Backoff {
    int attempts = 0;
    SteadyClock::time_point notBefore;
  };
  void run();
  // Runs one runnable import; false when none is runnable now (`next` then says when the
  // earliest waiting one may run, or max() when nothing waits).
  bool runOne(SteadyClock::time_point& next);
  void postpone(std::int64_t id, const std::string& why, std::chrono::milliseconds minimum = {});
  void removeLeftovers();

  Runtime& runtime_;
  std::string directory_;
  std::chrono::milliseconds maxBackoff_;
  std::string claimant_;
  std::mutex mutex_;
  std::condition_variable wakeUp_;
  bool stopping_ = false;
  bool pending_ = false;
  std::map<std::int64_t, Backoff> backoff_;  // worker thread only
  std::thread worker_;
};

}  // namespace argan::server
