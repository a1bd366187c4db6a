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
#include <optional>
#include <sys/stat.h>
#include <sys/types.h>
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
  // A missing file is created (and migrated). False: NotFound.
  bool createIfMissing = true;
  // An existing file with no tables (e.g. `: > argan.db`, a truncated copy) is refused unless
  // this is set (`argan migrate --create`): it is more likely a mistake than a new registry.
  bool adoptEmptyFile = false;
};

// SQLite's application_id of an Argan database (header offset 68, "Argn"), set by migration
// 0090. Files made before it carry 0 and are recognised by their schema_version rows.
constexpr std::int32_t kArganApplicationId = 0x4172676E;

// What a file holds, judged without changing it (Database::open refuses the last three).
enum class FileKind {
  kArgan,    // application_id = kArganApplicationId, or an older Argan file (schema_version)
  kEmpty,    // an SQLite file (or a zero-byte file) without any table
  kForeign,  // another application's SQLite file
};
// Classifies the database behind `c`. `why` receives a description for kForeign. Throws
// FailedPrecondition when the file is not an SQLite database at all.
FileKind classifyDatabaseFile(Connection& c, std::string* why = nullptr);

// What GET /api/health reports about storage.
struct StorageHealth {
  bool writable = true;
  std::string reason;  // why not writable ("" when writable)
  std::string path;    // the database file
  std::optional<std::uint64_t> freeBytes;   // available to Argan on the file system
  std::optional<std::uint64_t> totalBytes;
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
  // Opens or creates the file and migrates it. Throws argan::Error: Unavailable when the
  // file cannot be opened (the message names the file and SQLite's extended cause),
  // FailedPrecondition when it is not an Argan database (another application's SQLite
  // file, or an empty file unless options.adoptEmptyFile), Internal when it is damaged or
  // newer than this binary. Nothing is written to a refused file. A file that can only be
  // read is opened read-only if its schema is current (reads work, writes answer Unavailable
  // until it becomes writable); Unavailable if it would need migrating.
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
  //
  // Before and after every write the database file and its -wal are checked to be the ones
  // opened (device and inode): once either was deleted or replaced, writes are refused
  // (Unavailable, details.cause "replaced") until a restart, since what they wrote could not
  // survive one. Acknowledged writes still in a deleted -wal are checkpointed into the
  // database file first. A write that committed while the check failed and could not be
  // saved that way throws instead of returning.
  template <typename Fn>
  auto write(Fn&& fn) {
    std::lock_guard<std::timed_mutex> lock(writeMutex_);
    return runWrite(std::forward<Fn>(fn));
  }

  // Like write(), for writes that may be skipped (a "last used" stamp): gives up at once
  // instead of waiting when another thread or process holds the write lock (waits at most
  // `wait`), and reports every failure as false instead of throwing. Failures still count
  // for storageHealth().
  template <typename Fn>
  bool tryWrite(Fn&& fn, std::chrono::milliseconds wait = std::chrono::milliseconds(50)) {
    std::unique_lock<std::timed_mutex> lock(writeMutex_, wait);
    if (!lock.owns_lock()) return false;
    ShortBusyTimeout shortWait(*this, static_cast<int>(wait.count()));
    try {
      runWrite(std::forward<Fn>(fn));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  // False while writes are refused: the file can only be read, the last write failed for a
  // disk reason (full, I/O error) and nothing has succeeded since, or the files were
  // replaced. Cheap; storageHealth() probes and says why.
  bool writable();

  // Writability (probing the disk when the last write failed: a small file is written and
  // synced beside the database, at most every few seconds) and free space. Never throws;
  // waits at most ~200 ms for a write in progress.
  StorageHealth storageHealth();

  // Frees what SQLite caches for the idle read connections and the writer (page caches):
  // memory a burst of requests used goes back. Skips connections in use. Any thread.
  void releaseMemory();

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
  // open() once the path is known to be a file or absent (`before`: its stat when it existed).
  static std::unique_ptr<Database> openFile(const DatabaseOptions& options,
                                            const std::string& file, bool memory, bool existed,
                                            const struct stat& before);
  std::unique_ptr<Connection> openConnection(bool forWriting);
  void migrate();
  // The writer, reopened if it was read-only (writeMutex_ held). Throws Unavailable.
  Connection& writableConnection();
  // Switches a fresh writable connection to WAL. Throws Unavailable.
  static void enableWal(Connection& w);
  // Loads (or creates) the audit key and seals a legacy trail (open()).
  void prepareAuditKey();

  template <typename Fn>
  auto runWrite(Fn&& fn) {
    Connection& w = writableConnection();
    w.takeAuditAppended();
    if constexpr (std::is_void_v<decltype(fn(w))>) {
      try {
        Transaction tx(w);
        fn(w);
        tx.commit();
      } catch (const std::exception& e) {
        noteWriteFailure(e);
        throw;
      }
      afterCommit(w);
    } else {
      try {
        Transaction tx(w);
        auto result = fn(w);
        tx.commit();
        afterCommit(w);
        return result;
      } catch (const std::exception& e) {
        noteWriteFailure(e);
        throw;
      }
    }
  }

  // The files this database was opened on (writeMutex_ held for the remembered ids).
  struct FileId {
    bool present = false;
    dev_t device = 0;
    ino_t inode = 0;
  };
  static FileId fileIdOf(const std::string& path);
  void rememberFiles();
  // Throws Unavailable ("replaced") when the database or its -wal is not the one opened;
  // rescues a deleted -wal's content into the database file the first time (writeMutex_ held).
  void checkFilesInPlace();
  // After a commit: checks the files are still in place, then appends a signed checkpoint
  // when the committed transaction appended audit entries (writeMutex_ held).
  void afterCommit(Connection& w);
  void noteWriteFailure(const std::exception& e);

  // Lowers the writer's busy timeout for one tryWrite (writeMutex_ held).
  struct ShortBusyTimeout {
    ShortBusyTimeout(Database& db, int ms);
    ~ShortBusyTimeout();
    Database& db;
  };

  struct ReaderLease {
    explicit ReaderLease(Database& db);
    ~ReaderLease();
    Database& db;
    std::unique_ptr<Connection> connection;
  };

  DatabaseOptions options_;
  std::timed_mutex writeMutex_;
  std::unique_ptr<Connection> writer_;
  bool readOnly_ = false;  // the writer could only open the file read-only
  std::chrono::steady_clock::time_point nextWritableAttempt_;
  // Guarded by writeMutex_:
  std::string filePath_;  // the main database file ("" for in-memory databases)
  FileId mainFile_;
  FileId walFile_;
  std::string replaced_;      // why writes are refused for good (files replaced), or ""
  std::string lastFailure_;   // the last write's disk failure, "" after a success
  std::chrono::steady_clock::time_point nextProbe_;
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
