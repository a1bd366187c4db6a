#include "server/transfer/import_jobs.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/clock.h"
#include "common/error.h"
#include "common/password.h"
#include "db/import_store.h"
#include "db/user_store.h"
#include "server/transfer/importer.h"

namespace argan::server {
namespace {

class JobObserver : public ImportObserver {
 public:
  explicit JobObserver(const bool& stopping, std::mutex& mutex)
      : stopping_(stopping), mutex_(mutex) {}
  bool stopRequested() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
  }

 private:
  const bool& stopping_;
  std::mutex& mutex_;
};

std::string detail(const Error& e, const char* key) {
  auto it = e.details().find(key);
  if (it == e.details().end()) return "";
  const auto* text = std::get_if<std::string>(&it->second);
  return text ? *text : "";
}

}  // namespace

ImportJobs::ImportJobs(Runtime& runtime, std::string directory,
                       std::chrono::milliseconds maxBackoff)
    : runtime_(runtime), directory_(std::move(directory)), maxBackoff_(maxBackoff),
      claimant_(importClaimant("serve")) {
  try {
    Poco::File(directory_).createDirectories();
  } catch (const Poco::Exception& e) {
    throw unavailable("cannot create the import directory '" + directory_ +
                      "': " + e.displayText());
  }
}

ImportJobs::~ImportJobs() { stop(); }

void ImportJobs::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (worker_.joinable()) return;
  stopping_ = false;
  pending_ = true;  // look for imports left unfinished
  worker_ = std::thread([this] { run(); });
}

void ImportJobs::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wakeUp_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ImportJobs::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = true;
  }
  wakeUp_.notify_all();
}

std::string ImportJobs::uploadPath(std::int64_t importId) const {
  return directory_ + "/import-" + std::to_string(importId) + ".upload";
}

std::string ImportJobs::temporaryUploadPath() const {
  return directory_ + "/receiving-" + randomHex(8) + ".tmp";
}

void ImportJobs::removeLeftovers() {
  // Uploads of imports that can still run are kept; everything else this class writes
  // (half-received uploads, uploads of ended or never-committed imports) goes.
  std::set<std::int64_t> live;
  for (const auto& i :
       runtime_.db.read([](db::Connection& c) { return db::unfinishedImports(c, "api"); })) {
    live.insert(i.id);
  }
  std::vector<std::string> doomed;
  try {
    for (Poco::DirectoryIterator it(directory_), end; it != end; ++it) {
      const std::string name = it.name();
      if (name.rfind("receiving-", 0) == 0 && name.size() > 4 &&
          name.compare(name.size() - 4, 4, ".tmp") == 0) {
        doomed.push_back(it->path());
      } else if (name.rfind("import-", 0) == 0 && name.size() > 14 &&
                 name.compare(name.size() - 7, 7, ".upload") == 0) {
        std::int64_t id = 0;
        try {
          id = std::stoll(name.substr(7, name.size() - 14));
        } catch (...) {
          continue;
        }
        if (!live.count(id)) doomed.push_back(it->path());
      }
    }
  } catch (const Poco::Exception&) {
    return;
  }
  for (const auto& path : doomed) {
    if (std::remove(path.c_str()) == 0) {
      Poco::Logger::get("argan.imports").information("removed the leftover upload %s", path);
    }
  }
}

void ImportJobs::run() {
  try {
    removeLeftovers();
  } catch (const std::exception& e) {
    Poco::Logger::get("argan.imports").warning("cannot tidy the import directory: %s",
                                               std::string(e.what()));
  }
  for (;;) {
    SteadyClock::time_point next = SteadyClock::time_point::max();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stopping_) return;
      pending_ = false;
    }
    for (;;) {
      bool ran = false;
      try {
        ran = runOne(next);
      } catch (const std::exception& e) {
        // The database could not even list the imports: try again shortly.
        Poco::Logger::get("argan.imports").error("import worker: %s", std::string(e.what()));
        next = std::min(next, SteadyClock::now() + std::chrono::seconds(1));
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      if (!ran) break;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    auto ready = [&] { return stopping_ || pending_; };
    if (next == SteadyClock::time_point::max()) {
      wakeUp_.wait(lock, ready);
    } else {
      wakeUp_.wait_until(lock, next, ready);
    }
    if (stopping_) return;
  }
}

void ImportJobs::postpone(std::int64_t id, const std::string& why,
                          std::chrono::milliseconds minimum) {
  Backoff& b = backoff_[id];
  ++b.attempts;
  std::chrono::milliseconds delay(1000LL << std::min(b.attempts - 1, 20));
  delay = std::min(delay, maxBackoff_);
  delay = std::max(delay, minimum);
  b.notBefore = SteadyClock::now() + delay;
  std::string retryAt = isoFromMicros(runtime_.clock.nowMicros() + delay.count() * 1000);
  // Told to readers of the import when the database takes it; the disk may not.
  runtime_.db.tryWrite(
      [&](db::Connection& c) { db::postponeImport(c, id, claimant_, retryAt, why); },
      std::chrono::milliseconds(500));
  Poco::Logger::get("argan.imports")
      .warning("import %s waits %s ms (attempt %d): %s", std::to_string(id),
               std::to_string(delay.count()), b.attempts, why);
}

bool ImportJobs::runOne(SteadyClock::time_point& next) {
  auto queued = runtime_.db.read([](db::Connection& c) { return db::unfinishedImports(c, "api"); });
  const auto now = SteadyClock::now();
  const db::Import* job = nullptr;
  for (const auto& candidate : queued) {
    auto b = backoff_.find(candidate.id);
    if (b != backoff_.end() && b->second.notBefore > now) {
      next = std::min(next, b->second.notBefore);
      continue;
    }
    job = &candidate;
    break;
  }
  if (!job) return false;
  const std::int64_t id = job->id;
  const std::string upload = uploadPath(id);
  auto fail = [&](const std::string& message) {
    runtime_.db.write([&](db::Connection& c) {
      db::finishImport(c, runtime_.clock, db::Principal::system("imports"), id, message);
    });
    backoff_.erase(id);
    std::remove(upload.c_str());
  };
  try {
    db::Principal actor = db::Principal::system("imports");
    if (job->createdBy) {
      auto user = runtime_.db.read([&](db::Connection& c) { return db::findUser(c, *job->createdBy); });
      if (!user || user->disabledAt) {
        fail("the user who submitted the import is disabled");
        return true;
      }
      actor = user->principal();
    }
    ImportOptions options = ImportOptions::fromJson(job->optionsJson);
    if (!Poco::File(upload).exists()) {
      fail("the uploaded file is missing");
      return true;
    }
    ImportFile file(upload);
    auto reader = chem::RecordReader::create(options.format, file.stream(), options.reader);
    JobObserver observer(stopping_, mutex_);
    std::function<std::uint64_t()> position;
    if (file.compressed()) {
      position = [&file] { return file.position(); };
    } else {
      position = [&reader] { return reader->bytesRead(); };
    }
    ImportPace pace;
    pace.claimant = claimant_;
    ImportRun run = runImport(runtime_, actor, *job, *reader, options, observer, position, pace);
    backoff_.erase(id);
    if (!run.stopped) std::remove(upload.c_str());
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Unavailable) {
      postpone(id, e.what());  // resumes after its last committed chunk
      return true;
    }
    if (detail(e, "reason") == "claimed" || detail(e, "reason") == "claim_lost") {
      // Another process runs it: look again once its lease may have run out.
      postpone(id, e.what(), std::chrono::seconds(30));
      return true;
    }
    // runImport has marked it failed (or it never started: options, permissions).
    try {
      auto current = runtime_.db.read([&](db::Connection& c) {
        return db::findImport(c, db::Principal::system("imports"), id);
      });
      if (current && (current->status == "queued" || current->status == "running")) {
        fail(e.what());
      }
    } catch (const Error& again) {
      if (again.code() == ErrorCode::Unavailable) {
        postpone(id, again.what());
        return true;
      }
      throw;
    }
    backoff_.erase(id);
    std::remove(upload.c_str());
  }
  return true;
}

}  // namespace argan::server
