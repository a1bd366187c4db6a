// Opening, migrating and checking the database file.
#include "db/database.h"

#include <fstream>

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
  auto restored = db::Database::open(options);
  auto n = restored->read([](db::Connection& c) { return c.queryInt("SELECT COUNT(*) FROM start_ups"); });
  BOOST_TEST(*n == 1);
}

BOOST_AUTO_TEST_SUITE_END()
