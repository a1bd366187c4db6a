#include "db/sqlite.h"

#include <cstring>

#include "common/error.h"

namespace argan::db {

std::string sqliteCodeName(int code) {
  switch (code) {
    case SQLITE_BUSY: return "SQLITE_BUSY";
    case SQLITE_LOCKED: return "SQLITE_LOCKED";
    case SQLITE_FULL: return "SQLITE_FULL";
    case SQLITE_READONLY: return "SQLITE_READONLY";
    case SQLITE_READONLY_RECOVERY: return "SQLITE_READONLY_RECOVERY";
    case SQLITE_READONLY_CANTLOCK: return "SQLITE_READONLY_CANTLOCK";
    case SQLITE_READONLY_ROLLBACK: return "SQLITE_READONLY_ROLLBACK";
    case SQLITE_READONLY_DBMOVED: return "SQLITE_READONLY_DBMOVED";
    case SQLITE_READONLY_CANTINIT: return "SQLITE_READONLY_CANTINIT";
    case SQLITE_READONLY_DIRECTORY: return "SQLITE_READONLY_DIRECTORY";
    case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN";
    case SQLITE_CANTOPEN_ISDIR: return "SQLITE_CANTOPEN_ISDIR";
    case SQLITE_CANTOPEN_FULLPATH: return "SQLITE_CANTOPEN_FULLPATH";
    case SQLITE_CANTOPEN_NOTEMPDIR: return "SQLITE_CANTOPEN_NOTEMPDIR";
    case SQLITE_PERM: return "SQLITE_PERM";
    case SQLITE_NOTADB: return "SQLITE_NOTADB";
    case SQLITE_CORRUPT: return "SQLITE_CORRUPT";
    case SQLITE_IOERR: return "SQLITE_IOERR";
    case SQLITE_IOERR_READ: return "SQLITE_IOERR_READ";
    case SQLITE_IOERR_SHORT_READ: return "SQLITE_IOERR_SHORT_READ";
    case SQLITE_IOERR_WRITE: return "SQLITE_IOERR_WRITE";
    case SQLITE_IOERR_FSYNC: return "SQLITE_IOERR_FSYNC";
    case SQLITE_IOERR_TRUNCATE: return "SQLITE_IOERR_TRUNCATE";
    case SQLITE_IOERR_FSTAT: return "SQLITE_IOERR_FSTAT";
    case SQLITE_IOERR_LOCK: return "SQLITE_IOERR_LOCK";
    case SQLITE_IOERR_SHMOPEN: return "SQLITE_IOERR_SHMOPEN";
    case SQLITE_IOERR_SHMSIZE: return "SQLITE_IOERR_SHMSIZE";
    case SQLITE_IOERR_SHMMAP: return "SQLITE_IOERR_SHMMAP";
    case SQLITE_IOERR_NOMEM: return "SQLITE_IOERR_NOMEM";
    case SQLITE_IOERR_DELETE: return "SQLITE_IOERR_DELETE";
    case SQLITE_IOERR_ACCESS: return "SQLITE_IOERR_ACCESS";
    default: return "SQLite code " + std::to_string(code);
  }
}

std::string sqliteCause(sqlite3* db, int rc) {
  int extended = db ? sqlite3_extended_errcode(db) : rc;
  if ((extended & 0xFF) != (rc & 0xFF)) extended = rc;  // the handle's code is stale
  std::string cause = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  cause += " (" + sqliteCodeName(extended);
  int osError = db ? sqlite3_system_errno(db) : 0;
  if (osError != 0) {
    cause += ", errno " + std::to_string(osError) + ": " + std::strerror(osError);
  }
  return cause + ")";
}

void throwSqliteError(sqlite3* db, int rc, const std::string& context) {
  int extended = db ? sqlite3_extended_errcode(db) : rc;
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string file = db && sqlite3_db_filename(db, "main") ? sqlite3_db_filename(db, "main") : "";
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        throw alreadyExists("a record with the same unique key already exists (" + message + ")");
      }
      if (extended == SQLITE_CONSTRAINT_TRIGGER) {
        throw failedPrecondition(message);
      }
      throw failedPrecondition("the change violates a database rule (" + message + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw unavailable("the database is busy; try again",
                        {{"retry_after_s", std::int64_t{1}}, {"cause", "busy"}});
    case SQLITE_FULL:
      throw unavailable("the disk is full: writes are refused until space is freed",
                        {{"retry_after_s", std::int64_t{30}}, {"cause", "disk_full"}});
    case SQLITE_READONLY:
      if (extended == SQLITE_READONLY_DIRECTORY) {
        throw unavailable("the directory of the database '" + file +
                              "' cannot be written: SQLite needs to create its -wal and -shm "
                              "files beside it (" +
                              sqliteCause(db, rc) + ")",
                          {{"retry_after_s", std::int64_t{30}}, {"cause", "read_only"}});
      }
      if (extended == SQLITE_READONLY_DBMOVED) {
        throw unavailable("the database file '" + file +
                              "' was moved or deleted while it was open: writes are refused",
                          {{"retry_after_s", std::int64_t{30}}, {"cause", "replaced"}});
      }
      throw unavailable("the database is read-only: writes are refused",
                        {{"retry_after_s", std::int64_t{30}}, {"cause", "read_only"}});
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      throw unavailable("the database cannot be written or read right now (" +
                            sqliteCause(db, rc) + ")",
                        {{"retry_after_s", std::int64_t{30}}, {"cause", "io_error"}});
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw internalError("the database file is damaged (" + message + ") while " + context);
    case SQLITE_TOOBIG:
      throw Error(ErrorCode::PayloadTooLarge, "value too large for the database");
    default:
      throw internalError("database error while " + context + ": " + message);
  }
}

Statement::Statement(Connection& connection, std::string_view sql) : connection_(&connection) {
  auto& cache = connection.statements_;
  std::string key(sql);
  auto cached = cache.find(key);
  if (cached != cache.end() && !cached->second.inUse) {
    stmt_ = cached->second.stmt;
    cached->second.inUse = true;
    cachedInUse_ = &cached->second.inUse;
    return;
  }
  int rc = sqlite3_prepare_v2(connection.handle(), sql.data(), static_cast<int>(sql.size()),
                              &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    throwSqliteError(connection.handle(), rc, "preparing: " + std::string(sql.substr(0, 80)));
  }
  if (stmt_ && cached == cache.end() && cache.size() < Connection::kMaxCachedStatements) {
    auto& entry = cache[std::move(key)];
    entry.stmt = stmt_;
    entry.inUse = true;
    cachedInUse_ = &entry.inUse;
  }
}

Statement::~Statement() {
  if (!stmt_) return;
  connection_->vmSteps_ += sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, /*reset=*/1);
  if (cachedInUse_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *cachedInUse_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), stmt_(other.stmt_), cachedInUse_(other.cachedInUse_) {
  other.stmt_ = nullptr;
  other.cachedInUse_ = nullptr;
}

#define ARGAN_BIND_CHECK(expr)                                                         \
  do {                                                                                 \
    int rc_ = (expr);                                                                  \
    if (rc_ != SQLITE_OK) throwSqliteError(connection_->handle(), rc_, "binding value"); \
  } while (0)

Statement& Statement::bind(int index, std::int64_t value) {
  ARGAN_BIND_CHECK(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}
Statement& Statement::bind(int index, double value) {
  ARGAN_BIND_CHECK(sqlite3_bind_double(stmt_, index, value));
  return *this;
}
Statement& Statement::bind(int index, const std::string& value) {
  ARGAN_BIND_CHECK(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                     SQLITE_TRANSIENT));
  return *this;
}
Statement& Statement::bindBlob(int index, const std::string& bytes) {
  ARGAN_BIND_CHECK(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                                     SQLITE_TRANSIENT));
  return *this;
}
Statement& Statement::bindNull(int index) {
  ARGAN_BIND_CHECK(sqlite3_bind_null(stmt_, index));
  return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, *value) : bindNull(index);
}
Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bindNull(index);
}
Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bindNull(index);
}
#undef ARGAN_BIND_CHECK

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throwSqliteError(connection_->handle(), rc, "running a statement");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::parameterIndex(const std::string& name) const {
  return sqlite3_bind_parameter_index(stmt_, name.c_str());
}

int Statement::columnCount() const { return sqlite3_column_count(stmt_); }
std::string Statement::columnName(int column) const { return sqlite3_column_name(stmt_, column); }
bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int Statement::columnType(int column) const { return sqlite3_column_type(stmt_, column); }
std::int64_t Statement::getInt(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::getDouble(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Statement::getText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n))
              : std::string();
}
std::string_view Statement::getBlobView(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (!data || size <= 0) return {};
  return std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::string Statement::getBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return blob ? std::string(static_cast<const char*>(blob), static_cast<std::size_t>(n))
              : std::string();
}
std::optional<std::string> Statement::getOptionalText(int column) const {
  if (isNull(column)) return std::nullopt;
  return getText(column);
}
std::optional<double> Statement::getOptionalDouble(int column) const {
  if (isNull(column)) return std::nullopt;
  return getDouble(column);
}
std::optional<std::int64_t> Statement::getOptionalInt(int column) const {
  if (isNull(column)) return std::nullopt;
  return getInt(column);
}

Connection::Connection(const std::string& path, bool readOnly, bool create) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX | (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (create && !readOnly) flags |= SQLITE_OPEN_CREATE;
  if (path.rfind("file:", 0) == 0) flags |= SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string cause = sqliteCause(db_, rc);
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    throw unavailable("cannot open the database '" + path + "': " + cause,
                      {{"cause", "cannot_open"}});
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
  for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.stmt);
  if (db_) sqlite3_close_v2(db_);
}

void Connection::exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (error) sqlite3_free(error);
  if (rc != SQLITE_OK) throwSqliteError(db_, rc, "executing: " + sql.substr(0, 80));
}

std::int64_t Connection::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }

std::optional<std::int64_t> Connection::queryInt(const std::string& sql) {
  Statement st(*this, sql);
  if (!st.step() || st.isNull(0)) return std::nullopt;
  return st.getInt(0);
}

std::optional<std::string> Connection::queryText(const std::string& sql) {
  Statement st(*this, sql);
  if (!st.step() || st.isNull(0)) return std::nullopt;
  return st.getText(0);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) {
    sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN");
}

ReadSnapshot::~ReadSnapshot() {
  if (!done_) sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void ReadSnapshot::end() {
  done_ = true;
  connection_.exec("COMMIT");
}

Savepoint::Savepoint(Connection& connection, std::string name)
    : connection_(connection), name_(std::move(name)) {
  connection_.exec("SAVEPOINT " + name_);
}

Savepoint::~Savepoint() {
  if (done_) return;
  const std::string undo = "ROLLBACK TO " + name_ + "; RELEASE " + name_;
  sqlite3_exec(connection_.handle(), undo.c_str(), nullptr, nullptr, nullptr);
}

void Savepoint::release() {
  done_ = true;
  connection_.exec("RELEASE " + name_);
}

void Savepoint::rollback() {
  done_ = true;
  connection_.exec("ROLLBACK TO " + name_);
  connection_.exec("RELEASE " + name_);
}

}  // namespace argan::db
