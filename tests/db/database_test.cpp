// Opening, migrating and checking the database file.
#include "db/database.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "db/start_up_store.h"
#include "db_fixture.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(database)

BOOST_AUTO_TEST_CASE(creates_migrates_and_reopens) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("nested.db");
  int version = 0;
  {
    auto database = db::Database::open(options);
    version = database->schemaVersion();
    BOOST_TEST(version == db::builtInMigrations().back().version);
    auto mode = database->read([](db::Connection& c) { return c.queryText("PRAGMA journal_mode"); });
    BOOST_TEST(*mode == "wal");
    auto fk = database->read([](db::Connection& c) { return c.queryInt("PRAGMA foreign_keys"); });
    BOOST_TEST(*fk == 1);
  }
  auto again = db::Database::open(options);
  BOOST_TEST(again->schemaVersion() == version);
}

BOOST_AUTO_TEST_CASE(write_rolls_back_when_the_callback_throws) {
  test::DbFixture f;
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
    c.exec("INSERT INTO start_ups(name, sector, created_at, updated_at)"
           " VALUES ('x', 'valorisation', 't', 't')");
    throw std::runtime_error("boom");
  }),
                    std::runtime_error);
  BOOST_TEST(f.count("start_ups") == 0);
}

BOOST_AUTO_TEST_CASE(refuses_a_file_that_is_not_a_database) {
  test::TempDir dir;
  {
    std::ofstream out(dir.file("garbage.db"), std::ios::binary);
    out << std::string(8192, 'x');
  }
  db::DatabaseOptions options;
  options.path = dir.file("garbage.db");
  BOOST_CHECK_THROW(db::Database::open(options), Error);
}

BOOST_AUTO_TEST_CASE(refuses_a_newer_schema) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("newer.db");
  {
    auto database = db::Database::open(options);
    database->write([](db::Connection& c) {
      c.exec("INSERT INTO schema_version(version, name) VALUES (9999, 'future')");
    });
  }
  test::expectError(ErrorCode::Internal, [&] { db::Database::open(options); });
}

// `: > argan.db` (or a truncated copy) must not become a new registry with a new
// administrator; `argan migrate --create` (adoptEmptyFile) says it should.
BOOST_AUTO_TEST_CASE(an_empty_file_is_refused_unless_adopted) {
  test::TempDir dir;
  std::string path = dir.file("empty.db");
  std::ofstream(path).close();
  db::DatabaseOptions options;
  options.path = path;
  std::string m = test::expectError(ErrorCode::FailedPrecondition, [&] { db::Database::open(options); });
  BOOST_TEST(m.find("empty file") != std::string::npos, m);
  BOOST_TEST(m.find("argan migrate --db " + path + " --create") != std::string::npos, m);
  BOOST_TEST(test::readFile(path).empty());
  options.adoptEmptyFile = true;
  auto database = db::Database::open(options);
  BOOST_TEST(database->schemaVersion() == db::builtInMigrations().back().version);
  // A missing file is still created (first start), unless the caller says it must exist.
  db::DatabaseOptions fresh;
  fresh.path = dir.file("fresh.db");
  fresh.createIfMissing = false;
  test::expectError(ErrorCode::NotFound, [&] { db::Database::open(fresh); });
  fresh.createIfMissing = true;
  BOOST_CHECK_NO_THROW(db::Database::open(fresh));
}

// Another application's SQLite file is neither migrated nor switched to WAL: it is refused
// before anything is written to it.
BOOST_AUTO_TEST_CASE(another_applications_file_is_refused_and_left_unchanged) {
  test::TempDir dir;
  for (const std::string& setup :
       {std::string("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT);"
                    "INSERT INTO notes(text) VALUES ('mine')"),
        std::string("PRAGMA application_id = 42; CREATE TABLE schema_version(version, name);"
                    "INSERT INTO schema_version VALUES (1, 'registry')")}) {
    std::string path = dir.file("foreign.db");
    std::remove(path.c_str());
    {
      db::Connection c(path, /*readOnly=*/false, /*create=*/true);
      c.exec(setup);
    }
    std::string before = test::readFile(path);
    db::DatabaseOptions options;
    options.path = path;
    std::string m =
        test::expectError(ErrorCode::FailedPrecondition, [&] { db::Database::open(options); });
    BOOST_TEST(m.find("not an Argan database") != std::string::npos, m);
    BOOST_TEST(test::readFile(path) == before);
    BOOST_TEST(!std::ifstream(path + "-wal").good());
  }
}

// Argan files carry SQLite's application_id; files made before it (0, with Argan's
// schema_version) still open, and get it.
BOOST_AUTO_TEST_CASE(marks_its_files_and_still_opens_older_ones) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("argan.db");
  auto applicationId = [&] {
    db::Connection c(options.path, /*readOnly=*/true, /*create=*/false);
    return *c.queryInt("PRAGMA application_id");
  };
  db::Database::open(options);
  BOOST_TEST(applicationId() == db::kArganApplicationId);
  {
    // As a build before migration 0090 left it.
    db::Connection c(options.path, /*readOnly=*/false, /*create=*/false);
    c.exec("PRAGMA application_id = 0; DELETE FROM schema_version WHERE version = 90");
  }
  BOOST_TEST(applicationId() == 0);
  BOOST_CHECK_NO_THROW(db::Database::open(options));
  BOOST_TEST(applicationId() == db::kArganApplicationId);
}

namespace {

// The schema of the document store: the attachments table, its indexes and triggers, the view,
// and the trigger of product_stages that reads it.
std::string documentSchema(db::Connection& c) {
  std::string out;
  db::Statement st(c,
                   "SELECT type, name, sql FROM sqlite_master"
                   " WHERE tbl_name IN ('document_attachments', 'document_records')"
                   "    OR name = 'product_stages_keep_history' ORDER BY type, name");
  while (st.step()) out += st.getText(0) + " " + st.getText(1) + ": " + st.getText(2) + "\n";
  return out;
}

}  // namespace

// Migration 0120 gives the document store its final owners (products, stages, compound
// batches, substance batches, waste lots) whichever of 0051 (substance batches) and 0060
// (waste lots) a database met first. A database made without the substance migrations (they
// arrive later, and run after 0060) keeps every document with its id, and ends with the schema
// of a new database.
BOOST_AUTO_TEST_CASE(documents_keep_their_rows_when_substances_arrive_after_waste) {
  test::TempDir dir;
  db::DatabaseOptions fresh;
  fresh.path = dir.file("fresh.db");
  std::string expected;
  {
    auto database = db::Database::open(fresh);
    expected = database->read([](db::Connection& c) { return documentSchema(c); });
  }
  BOOST_TEST(expected.find("document_attachments_owner_types") != std::string::npos, expected);

  db::DatabaseOptions options;
  options.path = dir.file("older.db");
  {
    db::Connection c(options.path, /*readOnly=*/false, /*create=*/true);
    c.exec(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
    for (const auto& m : db::builtInMigrations()) {
      if ((m.version >= 50 && m.version <= 59) || m.version >= 120) continue;
      db::Transaction tx(c);
      c.exec(m.sql);
      db::Statement(c, "INSERT INTO schema_version(version, name) VALUES (?, ?)")
          .bind(1, m.version)
          .bind(2, m.name)
          .run();
      tx.commit();
    }
    c.exec("INSERT INTO documents(sha256, size, content, created_at) VALUES ('" +
           std::string(64, 'a') + "', 3, x'616263', '2026-01-01T00:00:00.000Z')");
    int id = 0;
    for (const char* owner : {"product", "stage", "batch", "lot", "product"}) {
      ++id;
      db::Statement(c,
                    "INSERT INTO document_attachments(id, sha256, owner_type, owner_id, filename,"
                    " content_type, kind, title, created_at, retired_at, retired_reason)"
                    " VALUES (?, ?, ?, ?, ?, 'text/plain', 'analysis', ?, ?, ?, ?)")
          .bind(1, id * 10)
          .bind(2, std::string(64, 'a'))
          .bind(3, owner)
          .bind(4, id)
          .bind(5, "file" + std::to_string(id) + ".txt")
          .bind(6, std::string("title ") + owner)
          .bind(7, "2026-01-0" + std::to_string(id) + "T00:00:00.000Z")
          .bind(8, id == 5 ? std::optional<std::string>("2026-02-01T00:00:00.000Z") : std::nullopt)
          .bind(9, id == 5 ? std::optional<std::string>("replaced") : std::nullopt)
          .run();
    }
  }
  auto rows = [](db::Connection& c) {
    std::string out;
    db::Statement st(c,
                     "SELECT id, sha256, owner_type, owner_id, filename, content_type, kind, title,"
                     " created_at, coalesce(retired_at, '-'), coalesce(retired_reason, '-')"
                     " FROM document_attachments ORDER BY id");
    while (st.step()) {
      for (int i = 0; i < st.columnCount(); ++i) out += st.getText(i) + "|";
      out += "\n";
    }
    return out;
  };
  std::string before;
  {
    db::Connection c(options.path, /*readOnly=*/true, /*create=*/false);
    before = rows(c);
  }
  auto database = db::Database::open(options);
  BOOST_TEST(database->schemaVersion() == db::builtInMigrations().back().version);
  database->write([&](db::Connection& c) {
    BOOST_TEST(rows(c) == before);
    BOOST_TEST(*c.queryInt("SELECT COUNT(*) FROM document_attachments") == 5);
    BOOST_TEST(documentSchema(c) == expected);
    // The triggers hold: no delete, no move, no unknown owner; the five owners are taken.
    BOOST_CHECK_THROW(c.exec("DELETE FROM document_attachments WHERE id = 10"), Error);
    BOOST_CHECK_THROW(c.exec("UPDATE document_attachments SET owner_id = 9 WHERE id = 10"), Error);
    const std::string insert =
        "INSERT INTO document_attachments(sha256, owner_type, owner_id, filename, content_type,"
        " created_at) VALUES ('" + std::string(64, 'a') + "', '";
    BOOST_CHECK_THROW(c.exec(insert + "tractor', 1, 'x.txt', 'text/plain', 't')"), Error);
    for (const char* owner : {"product", "stage", "batch", "substance_batch", "lot"}) {
      BOOST_CHECK_NO_THROW(c.exec(insert + owner + "', 1, 'x.txt', 'text/plain', 't')"));
    }
    // The view reads both new owners' columns.
    BOOST_CHECK_NO_THROW(
        c.exec("SELECT lot_id, substance_batch_id, substance_id FROM document_records"));
  });
}

// Start-up errors say which file and what SQLite and the system said.
BOOST_AUTO_TEST_CASE(open_errors_name_the_file_and_the_cause) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("no/such/dir/argan.db");
  std::string m = test::expectError(ErrorCode::Unavailable, [&] { db::Database::open(options); });
  BOOST_TEST(m.find(options.path) != std::string::npos, m);
  BOOST_TEST(m.find("SQLITE_CANTOPEN") != std::string::npos, m);
  BOOST_TEST(m.find("No such file or directory") != std::string::npos, m);
  options.path = dir.path();
  m = test::expectError(ErrorCode::Unavailable, [&] { db::Database::open(options); });
  BOOST_TEST(m.find("directory") != std::string::npos, m);
}

// A database whose directory takes no new files (a read-only mount, an immutable or
// read-only directory): SQLite cannot create its -wal and -shm files. The start-up error names
// the file and the directory, not "the database is read-only" without a path.
BOOST_AUTO_TEST_CASE(a_directory_that_takes_no_new_files_is_named_at_start_up) {
  test::TempDir dir;
  const std::string data = dir.file("data");
  BOOST_TEST_REQUIRE(::mkdir(data.c_str(), 0755) == 0);
  db::DatabaseOptions options;
  options.path = data + "/argan.db";
  { db::Database::open(options); }  // closed cleanly: no -wal, no -shm left
  BOOST_TEST_REQUIRE(::access((options.path + "-wal").c_str(), F_OK) != 0);
  // Root ignores permissions: the directory is made immutable instead (chattr +i).
  auto setImmutable = [&](bool on) {
    int fd = ::open(data.c_str(), O_RDONLY | O_DIRECTORY);
    int flags = 0;
    bool ok = fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (ok) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    if (fd >= 0) ::close(fd);
    return ok;
  };
  const bool root = ::geteuid() == 0;
  if (root ? !setImmutable(true) : ::chmod(data.c_str(), 0555) != 0) {
    BOOST_TEST_MESSAGE("skipped: cannot make a directory read-only here");
    return;
  }
  std::string m = test::expectError(ErrorCode::Unavailable, [&] { db::Database::open(options); });
  if (root) {
    setImmutable(false);
  } else {
    ::chmod(data.c_str(), 0755);
  }
  BOOST_TEST(m.find(options.path) != std::string::npos, m);
  BOOST_TEST(m.find("directory") != std::string::npos, m);
  BOOST_TEST(m.find("-wal") != std::string::npos, m);
  // Writable again: it opens.
  BOOST_TEST(db::Database::open(options)->writable());
}

// `rm argan.db-wal` under a running server: writes that would be lost at the next restart
// are refused; the acknowledged ones, still in the deleted file, are saved into the database.
BOOST_AUTO_TEST_CASE(a_deleted_wal_stops_writes_and_keeps_what_was_acknowledged) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("argan.db");
  ManualClock clock(1795000000LL * 1000000);
  auto add = [&](db::Database& d, const std::string& name) {
    d.write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      db::createStartUp(c, clock, db::Principal::system("test"), in);
    });
  };
  {
    auto database = db::Database::open(options);
    for (int i = 0; i < 10; ++i) add(*database, "Acknowledged " + std::to_string(i));
    BOOST_TEST_REQUIRE(std::remove((options.path + "-wal").c_str()) == 0);
    std::string m = test::expectError(ErrorCode::Unavailable, [&] { add(*database, "Lost"); });
    BOOST_TEST(m.find("-wal' was deleted") != std::string::npos, m);
    BOOST_TEST(m.find("saved") != std::string::npos, m);
    BOOST_TEST(!database->writable());
    db::StorageHealth health = database->storageHealth();
    BOOST_TEST(!health.writable);
    BOOST_TEST(health.reason.find("deleted or replaced") != std::string::npos, health.reason);
    // Reads go on.
    BOOST_TEST(database->read([](db::Connection& c) {
      return *c.queryInt("SELECT COUNT(*) FROM start_ups");
    }) == 10);
  }
  // What a crash would leave: the database file only. Nothing acknowledged is missing.
  std::remove((options.path + "-shm").c_str());
  auto reopened = db::Database::open(options);
  BOOST_TEST(reopened->read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM start_ups");
  }) == 10);
}

BOOST_AUTO_TEST_CASE(a_replaced_database_file_stops_writes) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("argan.db");
  auto database = db::Database::open(options);
  database->write([](db::Connection& c) { c.exec("CREATE TABLE t(x)"); });
  // Another file is moved over the path (a restore done by hand, say).
  {
    db::DatabaseOptions other;
    other.path = dir.file("other.db");
    db::Database::open(other);
  }
  BOOST_TEST_REQUIRE(std::rename(dir.file("other.db").c_str(), options.path.c_str()) == 0);
  std::string m = test::expectError(ErrorCode::Unavailable, [&] {
    database->write([](db::Connection& c) { c.exec("INSERT INTO t VALUES (1)"); });
  });
  BOOST_TEST(m.find("replaced") != std::string::npos, m);
  BOOST_TEST(m.find(dir.path()) == std::string::npos, m);  // the file's name, not the server's path
}

// A stamp (tryWrite) never waits for a writer that holds the lock, and never throws.
BOOST_AUTO_TEST_CASE(try_write_gives_up_instead_of_waiting) {
  test::DbFixture f;
  f.database->write([](db::Connection& c) { c.exec("CREATE TABLE stamps(x)"); });
  db::Connection other(f.dir.file("test.db"), /*readOnly=*/false, /*create=*/false);
  other.exec("BEGIN IMMEDIATE");
  auto started = std::chrono::steady_clock::now();
  bool written = f.database->tryWrite(
      [](db::Connection& c) { c.exec("INSERT INTO stamps VALUES (1)"); },
      std::chrono::milliseconds(100));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started)
                .count();
  BOOST_TEST(!written);
  BOOST_TEST(ms < 2000);
  other.exec("ROLLBACK");
  BOOST_TEST(f.database->tryWrite([](db::Connection& c) { c.exec("INSERT INTO stamps VALUES (2)"); }));
  BOOST_TEST(f.count("stamps") == 1);
  BOOST_TEST(f.database->writable());  // a busy writer is not a storage failure
}

BOOST_AUTO_TEST_CASE(online_backup_copies_everything) {
  test::DbFixture f;
  f.startUp("Backup Test");
  std::string copy = f.dir.file("copy.db");
  f.database->backupTo(copy);
  db::DatabaseOptions options;
  options.path = copy;
  // A copy of a keyed trail opens only with its key.
  test::expectError(ErrorCode::FailedPrecondition, [&] { db::Database::open(options); });
  options.auditKeyFile = f.auditKeyFile();
  auto restored = db::Database::open(options);
  auto n = restored->read([](db::Connection& c) { return c.queryInt("SELECT COUNT(*) FROM start_ups"); });
  BOOST_TEST(*n == 1);
}

BOOST_AUTO_TEST_CASE(reused_statements_start_fresh_and_nest) {
  test::TempDir dir;
  db::Connection c(dir.file("cache.db"), false, true);
  c.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  const std::string insert = "INSERT INTO t(id, v) VALUES (?, ?)";
  for (int i = 1; i <= 3; ++i) {
    db::Statement st(c, insert);
    st.bind(1, i);
    if (i != 2) st.bind(2, "v" + std::to_string(i));  // row 2: v left unbound -> NULL
    st.run();
  }
  BOOST_TEST(*c.queryInt("SELECT COUNT(*) FROM t WHERE v IS NULL") == 1);  // no stale binding
  const std::string select = "SELECT id FROM t ORDER BY id";
  {
    db::Statement outer(c, select);
    BOOST_TEST_REQUIRE(outer.step());
    BOOST_TEST(outer.getInt(0) == 1);
    {
      db::Statement inner(c, select);  // same text while the first is alive: its own
      std::vector<std::int64_t> ids;
      while (inner.step()) ids.push_back(inner.getInt(0));
      BOOST_TEST(ids == (std::vector<std::int64_t>{1, 2, 3}));
    }
    BOOST_TEST_REQUIRE(outer.step());
    BOOST_TEST(outer.getInt(0) == 2);  // left half-read
  }
  db::Statement again(c, select);  // the reused statement starts from the first row
  BOOST_TEST_REQUIRE(again.step());
  BOOST_TEST(again.getInt(0) == 1);
  // A failed statement is reusable: the constraint error does not stick to it.
  {
    db::Statement dup(c, insert);
    dup.bind(1, 1).bind(2, "dup");
    BOOST_CHECK_THROW(dup.run(), argan::Error);
  }
  db::Statement fine(c, insert);
  fine.bind(1, 4).bind(2, "v4");
  fine.run();
  BOOST_TEST(*c.queryInt("SELECT COUNT(*) FROM t") == 4);
}

BOOST_AUTO_TEST_SUITE_END()
