#include "db/database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "common/clock.h"
#include "common/error.h"

namespace argan::db {
namespace {

// The file behind a path given to SQLite: "file:/x/y.db?vfs=..." -> "/x/y.db".
std::string plainPath(const std::string& path) {
  if (path.rfind("file:", 0) != 0) return path;
  std::string rest = path.substr(5);
  auto query = rest.find('?');
  if (query != std::string::npos) rest = rest.substr(0, query);
  return rest;
}

bool isMemoryPath(const std::string& path) {
  return path.empty() || path == ":memory:" || path.find(":memory:") != std::string::npos ||
         path.find("mode=memory") != std::string::npos;
}

std::string directoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string hex32(std::int64_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(value & 0xFFFFFFFF));
  return buffer;
}

// Writes and syncs a small file beside the database, then removes it: can the file system
// take new data now? "" when it can, else why not.
std::string probeDiskWrite(const std::string& databasePath) {
  const std::string probe = databasePath + "-probe";
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::string("cannot create a file beside the database: ") + std::strerror(errno);
  std::string block(64 * 1024, '\0');
  std::string why;
  if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
    why = std::string("cannot write beside the database: ") +
          (errno ? std::strerror(errno) : "short write");
  } else if (::fsync(fd) != 0) {
    why = std::string("cannot sync a file beside the database: ") + std::strerror(errno);
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return why;
}

}  // namespace

FileKind classifyDatabaseFile(Connection& c, std::string* why) {
  std::int64_t applicationId = 0;
  std::vector<std::string> tables;
  try {
    applicationId = c.queryInt("PRAGMA application_id").value_or(0);
    Statement st(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (st.step()) tables.push_back(st.getText(0));
  } catch (const Error& e) {
    throw failedPrecondition("'" + c.path() + "' is not an SQLite database file (" + e.what() +
                             "); nothing was changed");
  }
  if (applicationId == kArganApplicationId) return FileKind::kArgan;
  auto listTables = [&] {
    std::string list;
    for (std::size_t i = 0; i < tables.size() && i < 5; ++i) list += (i ? ", " : "") + tables[i];
    if (tables.size() > 5) list += ", ... (" + std::to_string(tables.size()) + " tables)";
    return list;
  };
  if (applicationId != 0) {
    if (why) {
      *why = "its SQLite application_id is " + hex32(applicationId) + ", not Argan's " +
             hex32(kArganApplicationId);
    }
    return FileKind::kForeign;
  }
  if (tables.empty()) return FileKind::kEmpty;
  // Argan databases made before migration 0090 carry no application_id: they are known by
  // their first migration, recorded in schema_version.
  bool hasSchemaVersion = false;
  for (const auto& t : tables) hasSchemaVersion = hasSchemaVersion || t == "schema_version";
  if (hasSchemaVersion) {
    auto first = c.queryText("SELECT name FROM schema_version WHERE version = 1");
    if (first && *first == builtInMigrations().front().name) return FileKind::kArgan;
  }
  if (why) *why = "it holds tables no Argan database has (" + listTables() + ")";
  return FileKind::kForeign;
}

Database::Database(DatabaseOptions options) : options_(std::move(options)) {}

Database::~Database() = default;

std::unique_ptr<Connection> Database::openConnection(bool forWriting) {
  auto c = std::make_unique<Connection>(options_.path, /*readOnly=*/false,
                                        /*create=*/forWriting && options_.createIfMissing);
  c->exec("PRAGMA busy_timeout=" + std::to_string(options_.busyTimeoutMs));
  c->exec("PRAGMA foreign_keys=ON");
  c->exec(std::string("PRAGMA synchronous=") + (options_.synchronousFull ? "FULL" : "NORMAL"));
  c->setAuditKey(auditKey_.get());
  return c;
}

void Database::enableWal(Connection& w) {
  std::optional<std::string> mode;
  try {
    mode = w.queryText("PRAGMA journal_mode=WAL");
  } catch (const Error& e) {
    throw unavailable("cannot switch the database '" + w.path() + "' to WAL mode: " + e.what(),
                      e.details());
  }
  if (!mode || (*mode != "wal" && *mode != "memory")) {
    throw unavailable("cannot switch the database '" + w.path() +
                      "' to WAL mode (journal_mode=" + mode.value_or("?") +
                      "; SQLite needs to create its -wal and -shm files beside it)");
  }
}

std::unique_ptr<Database> Database::open(const DatabaseOptions& options) {
  const std::string file = plainPath(options.path);
  const bool memory = isMemoryPath(options.path);
  struct stat before {};
  const bool existed = !memory && ::stat(file.c_str(), &before) == 0;
  if (!memory && !existed && !options.createIfMissing) {
    throw notFound("no database file '" + file + "'");
  }
  if (existed && S_ISDIR(before.st_mode)) {
    throw unavailable("cannot open the database '" + file + "': it is a directory");
  }
  try {
    return openFile(options, file, memory, existed, before);
  } catch (const Error& e) {
    // Start-up errors name the file, and the directory when SQLite could not create its
    // -wal and -shm files there (a read-only mount, an immutable directory): SQLite's own
    // errno is then that of its last fallback attempt, not the cause.
    const std::string message = e.what();
    if (e.code() != ErrorCode::Unavailable || memory || message.find(file) != std::string::npos) {
      throw;
    }
    std::string why = "cannot open the database '" + file + "': " + message;
    if (std::string beside = probeDiskWrite(file); !beside.empty()) {
      why += "; its directory '" + directoryOf(file) + "' does not take new files (" + beside +
             "), and SQLite needs to create its -wal and -shm files there";
    }
    throw Error(e.code(), why, e.details());
  }
}

std::unique_ptr<Database> Database::openFile(const DatabaseOptions& options,
                                             const std::string& file, bool memory, bool existed,
                                             const struct stat& before) {
  std::unique_ptr<Database> db(new Database(options));
  db->writer_ = db->openConnection(/*forWriting=*/true);
  Connection& w = *db->writer_;
  // SQLite opens a file it may not write read-only, silently.
  db->readOnly_ = sqlite3_db_readonly(w.handle(), "main") == 1;
  // Judge the file before anything (WAL mode, migrations) changes it.
  std::string why;
  switch (classifyDatabaseFile(w, &why)) {
    case FileKind::kArgan:
      break;
    case FileKind::kForeign:
      throw failedPrecondition("'" + file + "' is not an Argan database: " + why +
                               "; nothing was changed");
    case FileKind::kEmpty:
      if (existed && !options.adoptEmptyFile) {
        throw failedPrecondition(
            "'" + file + "' is an empty file, not an Argan database (" +
            std::to_string(before.st_size) +
            " bytes, no tables: was it truncated or replaced?); nothing was changed. To start a "
            "new registry in it, run `argan migrate --db " + file + " --create`");
      }
      if (!options.applyMigrations) {
        throw failedPrecondition("'" + file + "' holds no Argan database (no tables)");
      }
      break;
  }
  if (!db->readOnly_) enableWal(w);
  if (options.checkIntegrityOnOpen) {
    auto check = w.queryText("PRAGMA quick_check");
    if (!check || *check != "ok") {
      throw internalError("the database file '" + options.path +
                          "' failed its integrity check: " + check.value_or("no answer") +
                          "; restore it from a backup (argan restore)");
    }
  }
  if (options.applyMigrations) db->migrate();
  if (!memory) {
    db->filePath_ = sqlite3_db_filename(w.handle(), "main") ? sqlite3_db_filename(w.handle(), "main")
                                                            : file;
    db->rememberFiles();
  }
  db->prepareAuditKey();
  return db;
}

void Database::prepareAuditKey() {
  checkpointFile_ = options_.auditCheckpointFile.empty() ? defaultCheckpointPath(options_.path)
                                                         : options_.auditCheckpointFile;
  const bool memory = isInMemoryDatabase(options_.path);
  const std::string keyPath =
      options_.auditKeyFile.empty() ? defaultAuditKeyPath(options_.path) : options_.auditKeyFile;
  Connection& w = *writer_;
  const bool hasTrail = w.queryInt("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").has_value();
  if (memory && options_.auditKeyFile.empty()) {
    auditKey_ = std::make_unique<const AuditKey>(AuditKey::generate());
  } else if (auto loaded = AuditKey::load(keyPath)) {
    auditKey_ = std::make_unique<const AuditKey>(*loaded);
  } else if (options_.auditKeyMode == AuditKeyMode::CreateIfNew && !readOnly_) {
    const bool keyed =
        hasTrail && w.queryInt("SELECT 1 FROM audit_log WHERE scheme = 2 LIMIT 1").has_value();
    if (keyed) {
      throw failedPrecondition("the audit trail of '" + options_.path +
                               "' is sealed with a key, and the key file '" + keyPath +
                               "' is missing; give the key file's path (argan.audit_key_file, "
                               "--audit-key) or restore it from where it is kept");
    }
    auditKey_ = std::make_unique<const AuditKey>(AuditKey::create(keyPath));
  }
  w.setAuditKey(auditKey_.get());
  if (!auditKey_ || readOnly_ || !hasTrail || options_.auditKeyMode != AuditKeyMode::CreateIfNew) {
    return;
  }
  checkAuditKeyMatches(w);
  // Sealing writes: only a trail still ending with a legacy entry takes the write lock (another
  // process may hold it, and opening a sealed database must not wait for it).
  auto lastScheme = w.queryInt("SELECT scheme FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!lastScheme || *lastScheme != 1) return;
  SystemClock clock;
  std::lock_guard<std::timed_mutex> lock(writeMutex_);
  w.takeAuditAppended();
  {
    Transaction tx(w);
    sealLegacyChain(w, clock);
    tx.commit();
  }
  afterCommit(w);
}

void Database::afterCommit(Connection& w) {
  lastFailure_.clear();
  if (!filePath_.empty() && mainFile_.present) {
    try {
      checkFilesInPlace();
    } catch (const Error&) {
      // The commit is in the database file when the rescue worked; otherwise it may be lost.
      if (replaced_.find("every acknowledged write was saved") == std::string::npos) throw;
    }
  }
  if (!w.takeAuditAppended() || checkpointFile_.empty() || !auditKey_) return;
  std::string error;
  try {
    AuditHead head = auditHead(w);
    SystemClock clock;
    appendCheckpointLine(checkpointFile_, checkpointLine(*auditKey_, "checkpoint", head.entries,
                                                         head.hash, clock.nowIso()));
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard<std::mutex> lock(checkpointErrorMutex_);
  checkpointError_ = error;
}

std::string Database::lastCheckpointError() {
  std::lock_guard<std::mutex> lock(checkpointErrorMutex_);
  return checkpointError_;
}

AuditVerification Database::verifyAudit() {
  std::vector<AuditCheckpoint> checkpoints;
  if (!checkpointFile_.empty()) checkpoints = currentCheckpoints(readCheckpoints(checkpointFile_));
  return snapshot([&](Connection& c) {
    AuditVerifyOptions options;
    options.key = auditKey_.get();
    options.checkpoints = &checkpoints;
    return db::verifyAudit(c, options);
  });
}

void Database::migrate() {
  Connection& w = *writer_;
  if (readOnly_) {
    // Nothing can be created or upgraded: serve the file as it is if its schema is current.
    std::set<int> applied;
    Statement st(w, "SELECT version FROM schema_version");
    while (st.step()) applied.insert(static_cast<int>(st.getInt(0)));
    for (const auto& m : builtInMigrations()) {
      if (!applied.count(m.version)) {
        throw unavailable("the database '" + options_.path +
                          "' is read-only and needs migration " + std::to_string(m.version) +
                          " (" + m.name + "); make it writable");
      }
    }
    return;
  }
  // Only a new file needs this write: another process may hold the write lock (a running
  // server), and opening an up-to-date database must not wait for it.
  if (!w.queryInt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")) {
    w.exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
  }
  std::set<int> applied;
  {
    Statement st(w, "SELECT version FROM schema_version");
    while (st.step()) applied.insert(static_cast<int>(st.getInt(0)));
  }
  const auto& migrations = builtInMigrations();
  std::set<int> known;
  for (const auto& m : migrations) known.insert(m.version);
  for (int version : applied) {
    if (!known.count(version)) {
      throw internalError("the database has schema version " + std::to_string(version) +
                          ", which this build of Argan does not know; use a newer argan");
    }
  }
  // Every migration not yet recorded, in version order (so a migration merged late still runs).
  for (const auto& m : migrations) {
    if (applied.count(m.version)) continue;
    Transaction tx(w);
    w.exec(m.sql);
    Statement st(w, "INSERT INTO schema_version(version, name) VALUES (?, ?)");
    st.bind(1, m.version).bind(2, m.name).run();
    tx.commit();
  }
}

Database::FileId Database::fileIdOf(const std::string& path) {
  FileId id;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    id.present = true;
    id.device = st.st_dev;
    id.inode = st.st_ino;
  }
  return id;
}

void Database::rememberFiles() {
  if (filePath_.empty()) return;
  mainFile_ = fileIdOf(filePath_);
  // The -wal exists while a connection has the database open in WAL mode (the writer does).
  walFile_ = readOnly_ ? FileId{} : fileIdOf(filePath_ + "-wal");
}

void Database::checkFilesInPlace() {
  if (!replaced_.empty()) {
    throw unavailable(replaced_, {{"retry_after_s", std::int64_t{60}}, {"cause", "replaced"}});
  }
  if (filePath_.empty() || !mainFile_.present) return;
  FileId main = fileIdOf(filePath_);
  FileId wal = walFile_.present ? fileIdOf(filePath_ + "-wal") : FileId{};
  auto same = [](const FileId& a, const FileId& b) {
    return a.present == b.present && a.device == b.device && a.inode == b.inode;
  };
  bool mainOk = same(main, mainFile_);
  bool walOk = !walFile_.present || same(wal, walFile_);
  if (mainOk && walOk) return;
  // The file's name only: the message reaches API callers, the directory is the server's.
  const std::string name = filePath_.substr(filePath_.rfind('/') + 1);
  std::string what;
  if (!mainOk) {
    what = main.present ? "the database file '" + name + "' was replaced by another file"
                        : "the database file '" + name + "' was deleted";
  } else {
    what = wal.present ? "the file '" + name + "-wal' was replaced by another file"
                       : "the file '" + name + "-wal' was deleted";
  }
  std::string saved;
  if (mainOk && writer_ && !readOnly_) {
    // The commits still in the deleted -wal live on in the open descriptor: copy them into
    // the database file (and sync it), so that nothing acknowledged is lost.
    try {
      Statement st(*writer_, "PRAGMA wal_checkpoint(TRUNCATE)");
      if (st.step() && st.getInt(0) == 0 && st.getInt(1) == st.getInt(2)) {
        saved = "; every acknowledged write was saved into the database file";
      }
    } catch (const Error&) {
    }
  }
  replaced_ = what + " while the server was running: writes are refused, because they could "
              "not survive a restart" + saved + ". Restart the server (argan serve)";
  throw unavailable(replaced_, {{"retry_after_s", std::int64_t{60}}, {"cause", "replaced"}});
}

void Database::noteWriteFailure(const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  if (!error || error->code() != ErrorCode::Unavailable) return;
  auto cause = error->details().find("cause");
  if (cause == error->details().end()) return;
  const auto* name = std::get_if<std::string>(&cause->second);
  if (name && (*name == "disk_full" || *name == "io_error" || *name == "read_only")) {
    lastFailure_ = error->what();
  }
}

Database::ShortBusyTimeout::ShortBusyTimeout(Database& database, int ms) : db(database) {
  if (db.writer_) sqlite3_busy_timeout(db.writer_->handle(), ms < 1 ? 1 : ms);
}

Database::ShortBusyTimeout::~ShortBusyTimeout() {
  if (db.writer_) sqlite3_busy_timeout(db.writer_->handle(), db.options_.busyTimeoutMs);
}

Connection& Database::writableConnection() {
  checkFilesInPlace();
  if (!readOnly_) return *writer_;
  auto now = std::chrono::steady_clock::now();
  if (now >= nextWritableAttempt_) {
    nextWritableAttempt_ = now + std::chrono::seconds(1);
    try {
      auto fresh = openConnection(/*forWriting=*/true);
      if (sqlite3_db_readonly(fresh->handle(), "main") == 0) {
        enableWal(*fresh);
        writer_ = std::move(fresh);
        readOnly_ = false;
        if (!filePath_.empty()) walFile_ = fileIdOf(filePath_ + "-wal");
        return *writer_;
      }
    } catch (const Error&) {
      // Still not writable.
    }
  }
  throw unavailable("the database is read-only: writes are refused",
                    {{"retry_after_s", std::int64_t{30}}, {"cause", "read_only"}});
}

bool Database::writable() {
  std::unique_lock<std::timed_mutex> lock(writeMutex_, std::chrono::milliseconds(200));
  if (!lock.owns_lock()) return true;  // a write is in progress
  return !readOnly_ && replaced_.empty() && lastFailure_.empty();
}

StorageHealth Database::storageHealth() {
  StorageHealth health;
  health.path = filePath_.empty() ? options_.path : filePath_;
  if (!filePath_.empty()) {
    struct statvfs fs {};
    if (::statvfs(directoryOf(filePath_).c_str(), &fs) == 0) {
      health.freeBytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
      health.totalBytes = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
    }
  }
  std::unique_lock<std::timed_mutex> lock(writeMutex_, std::chrono::milliseconds(200));
  if (!lock.owns_lock()) return health;  // a write is in progress: the writer works
  try {
    checkFilesInPlace();
  } catch (const Error&) {
    health.writable = false;
    health.reason =
        "the database file or its -wal was deleted or replaced while the server was running: "
        "writes are refused until the server is restarted";
    return health;
  }
  if (readOnly_) {
    try {
      writableConnection();  // tries to reopen for writing (at most once a second)
    } catch (const Error& e) {
      health.writable = false;
      health.reason = e.what();
      return health;
    }
  }
  if (!lastFailure_.empty()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= nextProbe_ && !filePath_.empty()) {
      nextProbe_ = now + std::chrono::seconds(5);
      if (probeDiskWrite(filePath_).empty()) lastFailure_.clear();
    }
    if (!lastFailure_.empty()) {
      health.writable = false;
      health.reason = "the last write failed: " + lastFailure_;
    }
  }
  return health;
}

void Database::releaseMemory() {
  {
    std::lock_guard<std::mutex> lock(poolMutex_);
    for (auto& reader : idleReaders_) sqlite3_db_release_memory(reader->handle());
  }
  std::unique_lock<std::timed_mutex> lock(writeMutex_, std::try_to_lock);
  if (lock.owns_lock() && writer_) sqlite3_db_release_memory(writer_->handle());
}

int Database::schemaVersion() {
  return read([](Connection& c) {
    return static_cast<int>(c.queryInt("SELECT MAX(version) FROM schema_version").value_or(0));
  });
}

Database::ReaderLease::ReaderLease(Database& database) : db(database) {
  std::unique_lock<std::mutex> lock(db.poolMutex_);
  db.poolAvailable_.wait(lock, [&] {
    return !db.idleReaders_.empty() || db.openReaders_ < db.options_.maxReaders;
  });
  if (!db.idleReaders_.empty()) {
    connection = std::move(db.idleReaders_.back());
    db.idleReaders_.pop_back();
    return;
  }
  ++db.openReaders_;
  lock.unlock();
  try {
    connection = db.openConnection(/*forWriting=*/false);
  } catch (...) {
    std::lock_guard<std::mutex> relock(db.poolMutex_);
    --db.openReaders_;
    db.poolAvailable_.notify_one();
    throw;
  }
}

Database::ReaderLease::~ReaderLease() {
  if (!connection) return;
  // A reader left inside a transaction (by a throwing callback) is rolled back first.
  if (!sqlite3_get_autocommit(connection->handle())) {
    sqlite3_exec(connection->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  std::lock_guard<std::mutex> lock(db.poolMutex_);
  db.idleReaders_.push_back(std::move(connection));
  db.poolAvailable_.notify_one();
}

void Database::backupTo(const std::string& destination) {
  Connection target(destination, /*readOnly=*/false, /*create=*/true);
  ReaderLease lease(*this);
  sqlite3_backup* backup =
      sqlite3_backup_init(target.handle(), "main", lease.connection->handle(), "main");
  if (!backup) throwSqliteError(target.handle(), sqlite3_errcode(target.handle()), "backup");
  // All pages in one step: the step holds one read transaction on the source, so in WAL mode
  // writers go on and the copy is a consistent snapshot. (Copying a few pages per step
  // would restart the copy after every write by another connection, forever under load.)
  int rc;
  int attempts = 0;
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while ((rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++attempts < 1000);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throwSqliteError(target.handle(), rc, "backup");
}

}  // namespace argan::db
