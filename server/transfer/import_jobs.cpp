#include "server/transfer/import_jobs.h"

#include <Poco/File.h>
#include <Poco/Logger.h>

#include <atomic>
#include <cstdio>

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

}  // namespace

ImportJobs::ImportJobs(Runtime& runtime, std::string directory)
    : runtime_(runtime), directory_(std::move(directory)) {
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

void ImportJobs::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wakeUp_.wait(lock, [&] { return stopping_ || pending_; });
      if (stopping_) return;
      pending_ = false;
    }
    try {
      while (runOne()) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
      }
    } catch (const std::exception& e) {
      // The database is unavailable: try again at the next wake-up.
      Poco::Logger::get("argan.imports").error("import worker: %s", std::string(e.what()));
    }
  }
}

bool ImportJobs::runOne() {
  auto queued = runtime_.db.read([](db::Connection& c) { return db::unfinishedImports(c, "api"); });
  if (queued.empty()) return false;
  const db::Import& job = queued.front();
  auto fail = [&](const std::string& message) {
    runtime_.db.write([&](db::Connection& c) {
      db::finishImport(c, runtime_.clock, db::Principal::system("imports"), job.id, message);
    });
    std::remove(uploadPath(job.id).c_str());
  };
  db::Principal actor = db::Principal::system("imports");
  if (job.createdBy) {
    auto user = runtime_.db.read([&](db::Connection& c) { return db::findUser(c, *job.createdBy); });
    if (!user || user->disabledAt) {
      fail("the user who submitted the import is disabled");
      return true;
    }
    actor = user->principal();
  }
  try {
    ImportOptions options = ImportOptions::fromJson(job.optionsJson);
    if (!Poco::File(uploadPath(job.id)).exists()) {
      fail("the uploaded file is missing");
      return true;
    }
    ImportFile file(uploadPath(job.id));
    auto reader = chem::RecordReader::create(options.format, file.stream(), options.reader);
    JobObserver observer(stopping_, mutex_);
    std::function<std::uint64_t()> position;
    if (file.compressed()) {
      position = [&file] { return file.position(); };
    } else {
      position = [&reader] { return reader->bytesRead(); };
    }
    ImportRun run = runImport(runtime_, actor, job, *reader, options, observer, position);
    if (!run.stopped) std::remove(uploadPath(job.id).c_str());
  } catch (const Error& e) {
    if (e.code() == ErrorCode::Unavailable) throw;  // leave it queued; retry later
    // runImport has marked it failed (or it never started: options, permissions).
    auto now = runtime_.db.read([&](db::Connection& c) {
      return db::findImport(c, db::Principal::system("imports"), job.id);
    });
    if (now && (now->status == "queued" || now->status == "running")) fail(e.what());
    std::remove(uploadPath(job.id).c_str());
  }
  return true;
}

}  // namespace argan::server
