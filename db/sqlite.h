// A thin RAII layer over the SQLite C API: Connection, Statement, Transaction.
//
// Every SQLite failure becomes argan::Error (see translateSqliteError): constraint
// violations are AlreadyExists / FailedPrecondition, a busy, read-only or full database is
// Unavailable (the server answers 503 and reads keep working), corruption is Internal.
// A Connection is used by one thread at a time; Database (database.h) hands them out.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace argan::db {

class Connection;

// A prepared statement. Bind with 1-based indices; step() returns true while a row is ready.
//
// Statements are reused: the connection keeps the prepared form of each SQL text (up to
// Connection::kMaxCachedStatements texts); a Statement takes it when it is free, and on
// destruction resets it and clears its bindings instead of finalising it. A second Statement
// of the same text while the first is alive prepares its own. Preparing is most of the cost
// of a small statement (bulk registration runs ~20 per record).
class Statement {
 public:
  Statement(Connection& connection, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
  Statement& bindBlob(int index, const std::string& bytes);
  Statement& bindNull(int index);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  // The index of a named parameter (":name"), 0 when the statement has none of that name.
  int parameterIndex(const std::string& name) const;

  // Advances; true when a row is available, false when done. Throws argan::Error on failure.
  bool step();
  // Runs a statement that returns no rows (INSERT/UPDATE/DELETE/DDL).
  void run();
  void reset();

  int columnCount() const;
  std::string columnName(int column) const;
  bool isNull(int column) const;
  int columnType(int column) const;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, ...
  std::int64_t getInt(int column) const;
  double getDouble(int column) const;
  std::string getText(int column) const;
  std::string getBlob(int column) const;
  // The bytes of a BLOB/TEXT column without a copy; valid until the next step() or reset().
  std::string_view getBlobView(int column) const;
  std::optional<std::string> getOptionalText(int column) const;
  std::optional<double> getOptionalDouble(int column) const;
  std::optional<std::int64_t> getOptionalInt(int column) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_ = nullptr;
  bool* cachedInUse_ = nullptr;  // the cache entry's flag when stmt_ belongs to the cache
};

class AuditKey;

class Connection {
 public:
  // Opens (creating if asked) the database file. Throws Unavailable if it cannot.
  Connection(const std::string& path, bool readOnly, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);  // one or more statements, no results
  std::int64_t lastInsertId() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Convenience: first column of the first row, or nullopt.
  std::optional<std::int64_t> queryInt(const std::string& sql);
  std::optional<std::string> queryText(const std::string& sql);

  static constexpr std::size_t kMaxCachedStatements = 256;

  // The virtual-machine steps of the statements finished on this connection so far: work
  // done, which grows with every row a query visits (tests check that queries do not visit
  // rows the caller may not see).
  std::int64_t vmSteps() const { return vmSteps_; }

  // The key that seals audit entries written on this connection (db/audit_seal.h); set by
  // Database on the connections it opens, null elsewhere (appendAudit then refuses).
  void setAuditKey(const AuditKey* key) { auditKey_ = key; }
  const AuditKey* auditKey() const { return auditKey_; }
  // Set by appendAudit; Database::write reads and clears it to write a checkpoint after the
  // transaction that appended entries commits.
  void noteAuditAppended() { auditAppended_ = true; }
  bool takeAuditAppended() {
    bool was = auditAppended_;
    auditAppended_ = false;
    return was;
  }

 private:
  friend class Statement;
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool inUse = false;
  };
  sqlite3* db_ = nullptr;
  std::string path_;
  // SQL text -> its prepared statement (element references stay valid: never erased before
  // the destructor finalises them all).
  std::unordered_map<std::string, CachedStatement> statements_;
  const AuditKey* auditKey_ = nullptr;
  bool auditAppended_ = false;
  std::int64_t vmSteps_ = 0;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// A read snapshot: BEGIN (deferred) on construction, so every statement until end() sees one
// state of the database; ends (COMMIT of nothing) on end() or destruction. For readers of
// several statements that must agree (exports, index builds, comparisons).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& connection);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  void end();

 private:
  Connection& connection_;
  bool done_ = false;
};

// A savepoint inside a write transaction: what runs after construction is undone by
// rollback() (the savepoint is then released) and kept by release(); destroyed without
// either, it is rolled back. For one record of a chunk that may fail alone.
class Savepoint {
 public:
  Savepoint(Connection& connection, std::string name);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();
  void rollback();

 private:
  Connection& connection_;
  std::string name_;
  bool done_ = false;
};

// Throws the argan::Error matching an SQLite result code. `context` says what was being done.
// Unavailable errors carry details.cause: "busy", "disk_full", "read_only", "io_error",
// "replaced" (what Database::write remembers to report health truthfully).
[[noreturn]] void throwSqliteError(sqlite3* db, int rc, const std::string& context);

// SQLite's message with the extended code's name and the operating system's error, e.g.
// "unable to open database file (SQLITE_CANTOPEN, errno 30: Read-only file system)".
std::string sqliteCause(sqlite3* db, int rc);
// "SQLITE_READONLY_DIRECTORY", ... ("SQLite code N" for codes without a name here).
std::string sqliteCodeName(int code);

}  // namespace argan::db
