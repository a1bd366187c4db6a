// Online backups while writing, and restores that refuse damaged files or a database in use.
#include "db/backup.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "db/audit.h"
#include "db_fixture.h"

using namespace argan;

namespace {

std::int64_t countIn(const std::string& path, const std::string& table) {
  db::Connection c(path, /*readOnly=*/true, /*create=*/false);
  return c.queryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
}

// The names of the files in `directory`, sorted.
std::vector<std::string> filesIn(const std::string& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void addStartUps(test::DbFixture& f, int from, int n) {
  for (int i = from; i < from + n; ++i) f.startUp("Start-up " + std::to_string(i));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backup)

BOOST_AUTO_TEST_CASE(backs_up_a_database_while_another_thread_writes) {
  test::DbFixture f;
  addStartUps(f, 0, 50);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    int i = 1000;
    while (!stop) {
      f.startUp("Busy " + std::to_string(i++));
      ++written;
    }
  });
  while (written < 5) std::this_thread::yield();  // the writer is running
  std::vector<db::BackupResult> results;
  for (int k = 0; k < 3; ++k) {
    results.push_back(db::backupDatabase(*f.database, f.dir.file("b" + std::to_string(k) + ".db")));
  }
  stop = true;
  writer.join();
  BOOST_TEST(written > 5);
  for (const auto& r : results) {
    db::FileCheck check = db::checkDatabaseFile(r.path, f.database->auditKey());
    BOOST_TEST(check.ok, check.integrity);
    BOOST_TEST_REQUIRE(check.audit.has_value());
    BOOST_TEST(check.audit->ok, check.audit->reason);
    // Checked against the checkpoint beside it.
    BOOST_TEST(check.audit->checkpointsChecked == 1u);
    // Without the key, the keyed trail cannot be checked, and says so.
    db::FileCheck unkeyed = db::checkDatabaseFile(r.path);
    BOOST_TEST(!unkeyed.ok);
    BOOST_TEST_REQUIRE(unkeyed.audit.has_value());
    BOOST_TEST(unkeyed.audit->needsKey);
    BOOST_TEST(check.schemaVersion == f.database->schemaVersion());
    // A consistent snapshot: every start-up has its audit entry.
    BOOST_TEST(countIn(r.path, "start_ups") >= 55);
    BOOST_TEST(countIn(r.path, "start_ups") == countIn(r.path, "audit_log"));
    db::Connection c(r.path, true, false);
    c.setAuditKey(f.database->auditKey());
    BOOST_TEST(db::verifyAuditChain(c).ok);
    // Beside it, a checkpoint of its trail signed with the key: the copy verifies on its own.
    BOOST_TEST(r.checkpointFile == r.path + ".audit-checkpoints");
    auto checkpoints = db::readCheckpoints(r.checkpointFile);
    BOOST_TEST_REQUIRE(checkpoints.size() == 1u);
    BOOST_TEST(checkpoints[0].entries == r.auditEntries);
    BOOST_TEST(db::checkpointSigned(*f.database->auditKey(), checkpoints[0]));
  }
  BOOST_TEST(!std::ifstream(f.dir.file("b0.db.partial")).good());
  // An existing backup is not overwritten unless asked.
  test::expectError(ErrorCode::FailedPrecondition,
                    [&] { db::backupDatabase(*f.database, results[0].path); });
  db::backupDatabase(*f.database, results[0].path, /*overwrite=*/true);
}

BOOST_AUTO_TEST_CASE(restore_replaces_a_stopped_database_and_keeps_the_previous_one) {
  test::TempDir dir;
  ManualClock clock(1795000000LL * 1000000);
  std::string live = dir.file("live.db");
  std::string backupPath = dir.file("backup.db");
  const std::string backupKey = dir.file("backup.db.audit-key");
  {
    test::DbFixture f;
    addStartUps(f, 0, 3);
    db::backupDatabase(*f.database, backupPath);
    std::ofstream(backupKey) << test::readFile(f.auditKeyFile());
    ::chmod(backupKey.c_str(), 0600);
  }
  {
    db::DatabaseOptions options;
    options.path = live;
    auto database = db::Database::open(options);
    // Open (a running server) -> refused, nothing changed.
    std::string message = test::expectError(ErrorCode::FailedPrecondition, [&] {
      db::restoreDatabase(backupPath, live, clock, backupKey);
    });
    BOOST_TEST(message.find("in use") != std::string::npos);
  }
  BOOST_TEST(countIn(live, "start_ups") == 0);
  // The live database has a key of its own, which does not seal the backup's trail.
  std::string message = test::expectError(
      ErrorCode::FailedPrecondition, [&] { db::restoreDatabase(backupPath, live, clock); });
  BOOST_TEST(message.find("--audit-key") != std::string::npos);
  BOOST_TEST(countIn(live, "start_ups") == 0);
  db::RestoreResult r = db::restoreDatabase(backupPath, live, clock, backupKey);
  BOOST_TEST(r.checkpointWritten);
  auto lines = db::readCheckpoints(live + ".audit-checkpoints");
  BOOST_TEST_REQUIRE(!lines.empty());
  BOOST_TEST(lines.back().kind == "restore");
  BOOST_TEST(lines.back().entries == 3);
  BOOST_TEST(countIn(live, "start_ups") == 3);
  BOOST_TEST(!r.previous.empty());
  BOOST_TEST(countIn(r.previous, "start_ups") == 0);
  {
    auto key = db::AuditKey::load(backupKey);
    BOOST_TEST_REQUIRE(key.has_value());
    BOOST_TEST(db::checkDatabaseFile(live, &*key).ok);
  }
  // The restored file opens as a normal database, with its key; its trail and the restore
  // checkpoint verify.
  db::DatabaseOptions options;
  options.path = live;
  options.auditKeyFile = backupKey;
  auto restored = db::Database::open(options);
  BOOST_TEST(restored->schemaVersion() > 0);
  auto audit = restored->verifyAudit();
  BOOST_TEST(audit.ok, audit.reason);
  BOOST_TEST(audit.checkpointsChecked >= 1u);
}

BOOST_AUTO_TEST_CASE(restore_refuses_a_damaged_backup_and_changes_nothing) {
  test::TempDir dir;
  ManualClock clock(1795000000LL * 1000000);
  std::string live = dir.file("live.db");
  std::string backupPath = dir.file("backup.db");
  {
    test::DbFixture f;
    addStartUps(f, 0, 200);
    db::backupDatabase(*f.database, backupPath);
  }
  {
    db::DatabaseOptions options;
    options.path = live;
    db::Database::open(options);
  }
  // Damage the backup: overwrite the headers of its b-tree pages after the first.
  std::string bytes = test::readFile(backupPath);
  BOOST_TEST_REQUIRE(bytes.size() > 3 * 4096u);
  for (std::size_t page = 4096; page + 8 < bytes.size(); page += 4096) {
    for (std::size_t i = page; i < page + 8; ++i) bytes[i] = '\x5A';
  }
  std::ofstream(backupPath, std::ios::binary | std::ios::trunc) << bytes;
  std::string before = test::readFile(live);

  db::FileCheck check = db::checkDatabaseFile(backupPath);
  BOOST_TEST(!check.ok);
  BOOST_TEST(check.integrity != "ok");
  std::string message = test::expectError(ErrorCode::FailedPrecondition, [&] {
    db::restoreDatabase(backupPath, live, clock);
  });
  BOOST_TEST(message.find("integrity") != std::string::npos);
  BOOST_TEST(test::readFile(live) == before);
  BOOST_TEST(!std::ifstream(live + ".restoring").good());

  // Not a database at all.
  std::ofstream(dir.file("junk.db")) << "this is not SQLite";
  test::expectError(ErrorCode::FailedPrecondition,
                    [&] { db::restoreDatabase(dir.file("junk.db"), live, clock); });
  BOOST_TEST(test::readFile(live) == before);
}

// A backup whose history was edited (an audit entry changed after the fact) is refused by
// restore, which names the first broken entry; the live database is untouched.
BOOST_AUTO_TEST_CASE(restore_refuses_a_backup_whose_audit_trail_is_broken) {
  test::TempDir dir;
  ManualClock clock(1795000000LL * 1000000);
  std::string live = dir.file("live.db");
  std::string backupPath = dir.file("backup.db");
  const std::string backupKey = dir.file("backup.db.key");
  {
    test::DbFixture f;
    addStartUps(f, 0, 5);
    db::BackupResult made = db::backupDatabase(*f.database, backupPath);
    BOOST_TEST(made.audit.ok, made.audit.reason);
    std::ofstream(backupKey) << test::readFile(f.auditKeyFile());
    ::chmod(backupKey.c_str(), 0600);
  }
  {
    db::DatabaseOptions options;
    options.path = live;
    db::Database::open(options);
  }
  {
    // Someone rewrites history in the copy (the triggers are in the way; they go first).
    db::Connection c(backupPath, /*readOnly=*/false, /*create=*/false);
    c.exec("DROP TRIGGER audit_log_no_update");
    c.exec("UPDATE audit_log SET reason = 'nothing happened' WHERE id = 3");
  }
  std::string before = test::readFile(live);
  auto key = db::AuditKey::load(backupKey);
  BOOST_TEST_REQUIRE(key.has_value());
  db::FileCheck check = db::checkDatabaseFile(backupPath, &*key);
  BOOST_TEST(check.integrity == "ok");
  BOOST_TEST_REQUIRE(check.audit.has_value());
  BOOST_TEST(!check.audit->ok);
  BOOST_TEST(!check.audit->needsKey);
  BOOST_TEST(check.audit->firstBreak.value_or(0) == 3);
  BOOST_TEST(!check.ok);
  std::string message = test::expectError(ErrorCode::FailedPrecondition, [&] {
    db::restoreDatabase(backupPath, live, clock, backupKey);
  });
  BOOST_TEST(message.find("audit trail") != std::string::npos, message);
  BOOST_TEST(message.find("entry 3") != std::string::npos, message);
  BOOST_TEST(test::readFile(live) == before);
}

// A backup in WAL mode (a copy of a stopped server's file, say) is opened read-only to be
// checked and copied; SQLite then leaves -wal and -shm files beside it. The check and the
// restore leave nothing new beside the backup, and remove nothing that was there before.
BOOST_AUTO_TEST_CASE(check_and_restore_leave_nothing_new_beside_the_backup) {
  test::TempDir backups;
  test::TempDir live;
  ManualClock clock(1795000000LL * 1000000);
  std::string backupPath = backups.file("copy.db");
  {
    db::DatabaseOptions options;
    options.path = backupPath;
    db::Database::open(options);  // a migrated database, WAL mode, closed cleanly
  }
  // With its audit key beside it (created on first start).
  const std::vector<std::string> alone = {"copy.db", "copy.db.audit-key"};
  BOOST_TEST_REQUIRE(filesIn(backups.path()) == alone, boost::test_tools::per_element());
  BOOST_TEST(db::checkDatabaseFile(backupPath).ok);
  BOOST_TEST(filesIn(backups.path()) == alone, boost::test_tools::per_element());
  db::restoreDatabase(backupPath, live.file("argan.db"), clock);
  BOOST_TEST(filesIn(backups.path()) == alone, boost::test_tools::per_element());
  BOOST_TEST(db::checkDatabaseFile(live.file("argan.db")).ok);

  // A side file that was already there stays.
  std::ofstream(backupPath + "-wal").close();
  const std::vector<std::string> withWal = {"copy.db", "copy.db-wal", "copy.db.audit-key"};
  db::restoreDatabase(backupPath, live.file("second.db"), clock);
  BOOST_TEST(filesIn(backups.path()) == withWal, boost::test_tools::per_element());
  BOOST_TEST(db::checkDatabaseFile(live.file("second.db")).ok);
}

BOOST_AUTO_TEST_SUITE_END()
