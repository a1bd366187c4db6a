// The Argan database: one SQLite file in WAL mode, migrated on open.
//
// Durability: journal_mode=WAL, synchronous=FULL (every commit reaches the disk before it is
// acknowledged), foreign_keys=ON, busy_timeout. open() runs `PRAGMA quick_check` and refuses
// a damaged file (Internal), then applies every migration (db/migrations/NNNN_*.sql) not yet
// recorded in schema_version, in version order, each in its own transaction. A database
// carrying a version this build does not know is refused (Internal).
//
// Threads: read() and write() may be called from any thread. Readers get a pooled
// connection of their own and run concurrently (WAL); writers are serialised by a mutex
// and run inside BEGIN IMMEDIATE ... COMMIT, rolled back if the callback throws.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <string>
#include <vector>

#include "db/audit.h"
#include "db/audit_seal.h"
#include "db/sqlite.h"

namespace argan::db {

// How a database gets the key that seals its audit trail (db/audit_seal.h).
enum class AuditKeyMode {
  // Load the key file; create it (0600) when it is missing and the trail has no keyed entry
  // yet. A trail already keyed with the key file missing is refused (FailedPrecondition):
  // a new key would fork it. The default for everything that writes.
  CreateIfNew,
  // Load the key file if there is one; never create it, never seal (read-only tools: backups,
  // verification of copies). Writes that append audit entries then fail.
  Optional,
};

struct DatabaseOptions {
  std::string path;                 // file path, or ":memory:"-like URI for tests
  int busyTimeoutMs = 5000;
  bool synchronousFull = true;      // synchronous=FULL (else NORMAL)
  bool checkIntegrityOnOpen = true; // PRAGMA quick_check
  unsigned maxReaders = 8;          // pooled read connections
  bool applyMigrations = true;      // false: open as is (backups of a live file)
  // The audit key file ("": "<path>.audit-key"; in-memory databases get a key of their own
  // that lives as long as the Database) and the checkpoint file ("": "<path>.audit-checkpoints";
  // none for in-memory databases).
  std::string auditKeyFile;
  std::string auditCheckpointFile;
  AuditKeyMode auditKeyMode = AuditKeyMode::CreateIfNew;
};

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// All migrations compiled into the binary, ordered by version.
const std::vector<Migration>& builtInMigrations();

class Database {
 public:
  // Opens or creates the file and migrates it. Throws argan::Error (Unavailable when the
  // file cannot be opened, Internal when it is damaged or newer than this binary). A file
  // that can only be read is opened read-only if its schema is current (reads work, writes
  // answer Unavailable until it becomes writable); Unavailable if it would need migrating.
  static std::unique_ptr<Database> open(const DatabaseOptions& options);
  ~Database();

  // Runs `fn(Connection&)` on a read connection (no transaction: each statement sees a
  // consistent snapshot; snapshot() gives several statements one state).
  template <typename Fn>
  auto read(Fn&& fn) {
    ReaderLease lease(*this);
    return fn(*lease.connection);
  }

  // Runs `fn(Connection&)` on a read connection inside one read transaction: every statement
  // sees the same state of the database, whatever writers commit meanwhile.
  template <typename Fn>
  auto snapshot(Fn&& fn) {
    ReaderLease lease(*this);
    ReadSnapshot snap(*lease.connection);
    if constexpr (std::is_void_v<decltype(fn(*lease.connection))>) {
      fn(*lease.connection);
      snap.end();
    } else {
      auto result = fn(*lease.connection);
      snap.end();
      return result;
    }
  }

  // Runs `fn(Connection&)` inside one write transaction; commits when fn returns, rolls back
  // and rethrows when it throws. When the transaction appended audit entries, a signed
  // checkpoint of the trail's head is appended to the checkpoint file after the commit (a
  // failure to write it is kept in lastCheckpointError(), never reported as a failed write:
  // the write did happen).
  //
  // A database that could only be opened read-only (file permissions, a read-only mount)
  // refuses writes with Unavailable; each write retries opening it for writing (at most once
  // a second), so writes resume without a restart once the file is writable again.
  template <typename Fn>
  auto write(Fn&& fn) {
    std::lock_guard<std::mutex> lock(writeMutex_);
    Connection& w = writableConnection();
    w.takeAuditAppended();
    Transaction tx(w);
    if constexpr (std::is_void_v<decltype(fn(w))>) {
      fn(w);
      tx.commit();
      afterCommit(w);
    } else {
      auto result = fn(w);
      tx.commit();
      afterCommit(w);
      return result;
    }
  }

  // False while the database file can only be read.
  bool writable();

  int schemaVersion();
  const DatabaseOptions& options() const { return options_; }

  // The audit key (null when none could be loaded: AuditKeyMode::Optional without a file).
  const AuditKey* auditKey() const { return auditKey_.get(); }
  // The checkpoint file in use ("" for none).
  const std::string& checkpointFile() const { return checkpointFile_; }
  // Verifies the audit trail: the chain under the key, the checkpoint file's checkpoints
  // (those since the last restore) and the protected tables against the trail.
  AuditVerification verifyAudit();
  // The last failure to append a checkpoint ("" when the last one was written).
  std::string lastCheckpointError();

  // Copies the live database to `destination` with SQLite's online backup API, in one step
  // over one read snapshot: readers and writers continue meanwhile (WAL), and writes made
  // during the copy do not restart it. Throws Unavailable on I/O failure.
  void backupTo(const std::string& destination);

 private:
  explicit Database(DatabaseOptions options);
  std::unique_ptr<Connection> openConnection(bool forWriting);
  void migrate();
  // The writer, reopened if it was read-only (writeMutex_ held). Throws Unavailable.
  Connection& writableConnection();
  // Switches a fresh writable connection to WAL. Throws Unavailable.
  static void enableWal(Connection& w);
  // Loads (or creates) the audit key and seals a legacy trail (open()).
  void prepareAuditKey();
  // Appends a checkpoint when the committed transaction appended audit entries.
  void afterCommit(Connection& w);

  struct ReaderLease {
    explicit ReaderLease(Database& db);
    ~ReaderLease();
    Database& db;
    std::unique_ptr<Connection> connection;
  };

  DatabaseOptions options_;
  std::mutex writeMutex_;
  std::unique_ptr<Connection> writer_;
  bool readOnly_ = false;  // the writer could only open the file read-only
  std::chrono::steady_clock::time_point nextWritableAttempt_;
  std::mutex poolMutex_;
  std::condition_variable poolAvailable_;
  std::vector<std::unique_ptr<Connection>> idleReaders_;
  unsigned openReaders_ = 0;
  std::unique_ptr<const AuditKey> auditKey_;
  std::string checkpointFile_;
  std::mutex checkpointErrorMutex_;
  std::string checkpointError_;
};

}  // namespace argan::db
