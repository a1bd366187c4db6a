// Opening, migrating and checking the database file.
#include "db/database.h"

#include <fstream>
#include <vector>

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
