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

#include "db/sqlite.h"

namespace argan::db {

struct DatabaseOptions {
  std::string path;                 // file path, or ":memory:"-like URI for tests
  int busyTimeoutMs = 5000;
  bool synchronousFull = true;      // synchronous=FULL (else NORMAL)
  bool checkIntegrityOnOpen = true; // PRAGMA quick_check
  unsigned maxReaders = 8;          // pooled read connections
  bool applyMigrations = true;      // false: open as is (backups of a live file)
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
  // and rethrows when it throws.
  //
  // A database that could only be opened read-only (file permissions, a read-only mount)
  // refuses writes with Unavailable; each write retries opening it for writing (at most once
  // a second), so writes resume without a restart once the file is writable again.
  template <typename Fn>
  auto write(Fn&& fn) {
    std::lock_guard<std::mutex> lock(writeMutex_);
    Connection& w = writableConnection();
    Transaction tx(w);
    if constexpr (std::is_void_v<decltype(fn(w))>) {
      fn(w);
      tx.commit();
    } else {
      auto result = fn(w);
      tx.commit();
      return result;
    }
  }

  // False while the database file can only be read.
  bool writable();

  int schemaVersion();
  const DatabaseOptions& options() const { return options_; }

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
};

}  // namespace argan::db
