#include "db/database.h"

#include <set>

#include "common/clock.h"
#include "common/error.h"

namespace argan::db {

Database::Database(DatabaseOptions options) : options_(std::move(options)) {}

Database::~Database() = default;

std::unique_ptr<Connection> Database::openConnection(bool forWriting) {
  auto c = std::make_unique<Connection>(options_.path, /*readOnly=*/false,
                                        /*create=*/forWriting);
  c->exec("PRAGMA busy_timeout=" + std::to_string(options_.busyTimeoutMs));
  c->exec("PRAGMA foreign_keys=ON");
  c->exec(std::string("PRAGMA synchronous=") + (options_.synchronousFull ? "FULL" : "NORMAL"));
  c->setAuditKey(auditKey_.get());
  return c;
}

void Database::enableWal(Connection& w) {
  auto mode = w.queryText("PRAGMA journal_mode=WAL");
  if (!mode || (*mode != "wal" && *mode != "memory")) {
    throw unavailable("cannot switch the database to WAL mode (journal_mode=" +
                      mode.value_or("?") + ")");
  }
}

std::unique_ptr<Database> Database::open(const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database(options));
  db->writer_ = db->openConnection(/*forWriting=*/true);
  Connection& w = *db->writer_;
  // SQLite opens a file it may not write read-only, silently.
  db->readOnly_ = sqlite3_db_readonly(w.handle(), "main") == 1;
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
  SystemClock clock;
  std::lock_guard<std::mutex> lock(writeMutex_);
  w.takeAuditAppended();
  Transaction tx(w);
  sealLegacyChain(w, clock);
  tx.commit();
  afterCommit(w);
}

void Database::afterCommit(Connection& w) {
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
  w.exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
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

Connection& Database::writableConnection() {
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
        return *writer_;
      }
    } catch (const Error&) {
      // Still not writable.
    }
  }
  throw unavailable("the database is read-only: writes are refused",
                    {{"retry_after_s", std::int64_t{30}}});
}

bool Database::writable() {
  std::lock_guard<std::mutex> lock(writeMutex_);
  return !readOnly_;
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
