// Background imports for the API (POST /api/imports): one worker thread runs the queued
// imports one at a time, oldest first.
//
// The uploaded file of import N lives in directory()/import-N.upload until the import ends
// (then it is removed; the report stays in the database). Imports left queued or running by
// a stop or a crash resume at the next start(), after the last record they committed (records
// commit in chunks, each verdict with its batch: importer.h). An import runs with the rights of the user who
// submitted it (a disabled user's import fails).
//
// Threads: every method may be called from any thread. stop() waits for the chunk in
// progress to commit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "server/core/runtime.h"

namespace argan::server {

class ImportJobs {
 public:
  // Creates `directory` if needed. Throws Unavailable when it cannot.
  ImportJobs(Runtime& runtime, std::string directory);
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

 private:
  void run();
  bool runOne();  // false when nothing was queued

  Runtime& runtime_;
  std::string directory_;
  std::mutex mutex_;
  std::condition_variable wakeUp_;
  bool stopping_ = false;
  bool pending_ = false;
  std::thread worker_;
};

}  // namespace argan::server
