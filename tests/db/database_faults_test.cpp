// The database under faults: a full disk or a failing file system refuses writes with
// Unavailable while reads keep working, loses nothing acknowledged, and recovers without
// reopening; a busy writer lock times out as Unavailable; backups run during writes.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "db/audit.h"
#include "db_fixture.h"
#include "fault_vfs.h"

using namespace argan;

namespace {

struct FaultyDb {
  test::TempDir dir;
  ManualClock clock{1795000000LL * 1000000};
  std::unique_ptr<db::Database> database;

  FaultyDb() {
    db::DatabaseOptions options;
    options.path = test::faultVfsPath(dir.file("faulty.db"));
    database = db::Database::open(options);
  }

  std::int64_t addStartUp(const std::string& name) {
    return database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      return db::createStartUp(c, clock, db::Principal::system("test"), in).id;
    });
  }

  std::int64_t count(const std::string& table) {
    return database->read([&](db::Connection& c) {
      return c.queryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
    });
  }

  void expectConsistent() {
    database->read([&](db::Connection& c) {
      BOOST_TEST(*c.queryText("PRAGMA integrity_check") == "ok");
      auto audit = db::verifyAuditChain(c);
      BOOST_TEST(audit.ok, audit.reason);
      return 0;
    });
  }
};

void refusesWritesThenRecovers(test::Fault fault, const std::string& expectedMessage) {
  FaultyDb f;
  f.addStartUp("Zitoun");
  f.addStartUp("Glycera");
  {
    test::ScopedFault on(fault);
    for (int i = 0; i < 5; ++i) {
      try {
        f.addStartUp("Lost " + std::to_string(i));
        BOOST_ERROR("a write succeeded on a failing disk");
      } catch (const Error& e) {
        BOOST_TEST((e.code() == ErrorCode::Unavailable), e.what());
        BOOST_TEST(std::string(e.what()).find(expectedMessage) != std::string::npos, e.what());
        BOOST_TEST(e.details().count("retry_after_s") == 1u);
      }
      // Reads keep working and see exactly the acknowledged writes.
      BOOST_TEST(f.count("start_ups") == 2);
    }
  }
  // The fault is gone: the same Database writes again, nothing half-written is visible.
  f.addStartUp("Argania");
  BOOST_TEST(f.count("start_ups") == 3);
  f.expectConsistent();
  // And it survives a reopen.
  std::string path = f.database->options().path;
  f.database.reset();
  db::DatabaseOptions options;
  options.path = path;
  auto reopened = db::Database::open(options);
  BOOST_TEST(reopened->read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM start_ups");
  }) == 3);
}

}  // namespace

// Sets or clears the immutable attribute (chattr +i): even root cannot write the file.
// False when the file system or the process does not allow it.
bool setImmutable(const std::string& path, bool on) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok) {
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  ::close(fd);
  return ok;
}

BOOST_AUTO_TEST_SUITE(database_faults)

BOOST_AUTO_TEST_CASE(a_read_only_file_serves_reads_and_becomes_writable_without_reopening) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("readonly.db");
  ManualClock clock{1795000000LL * 1000000};
  auto addStartUp = [&](db::Database& d, const std::string& name) {
    d.write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      db::createStartUp(c, clock, db::Principal::system("test"), in);
    });
  };
  {
    auto database = db::Database::open(options);
    addStartUp(*database, "Zitoun");
  }
  if (!setImmutable(options.path, true)) {
    BOOST_TEST_MESSAGE("skipped: cannot make a file immutable here (needs CAP_LINUX_IMMUTABLE)");
    return;
  }
  struct Restore {
    std::string path;
    ~Restore() { setImmutable(path, false); }
  } restore{options.path};
  auto database = db::Database::open(options);
  BOOST_TEST(!database->writable());
  BOOST_TEST(database->read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM start_ups");
  }) == 1);
  std::string message =
      test::expectError(ErrorCode::Unavailable, [&] { addStartUp(*database, "Refused"); });
  BOOST_TEST(message.find("read-only") != std::string::npos, message);
  setImmutable(options.path, false);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // reopening is tried once a second
  addStartUp(*database, "Glycera");
  BOOST_TEST(database->writable());
  BOOST_TEST(database->read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM start_ups");
  }) == 2);
}

BOOST_AUTO_TEST_CASE(a_full_disk_refuses_writes_keeps_reads_and_recovers) {
  refusesWritesThenRecovers(test::Fault::kDiskFull, "disk is full");
}

BOOST_AUTO_TEST_CASE(a_failing_file_system_refuses_writes_keeps_reads_and_recovers) {
  refusesWritesThenRecovers(test::Fault::kIoError, "cannot be written");
}

BOOST_AUTO_TEST_CASE(a_fault_in_the_middle_of_many_writers_loses_no_acknowledged_write) {
  FaultyDb f;
  std::atomic<int> acknowledged{0};
  std::atomic<int> unexpected{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        try {
          f.addStartUp("w" + std::to_string(t) + "-" + std::to_string(i));
          ++acknowledged;
        } catch (const Error& e) {
          if (e.code() != ErrorCode::Unavailable) ++unexpected;
        }
      }
    });
  }
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    test::setFault(round % 2 ? test::Fault::kIoError : test::Fault::kDiskFull);
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    test::setFault(test::Fault::kNone);
  }
  stop = true;
  for (auto& w : writers) w.join();
  BOOST_TEST(unexpected.load() == 0);
  BOOST_TEST(acknowledged.load() > 0);
  BOOST_TEST(f.count("start_ups") == acknowledged.load());
  f.expectConsistent();
}

BOOST_AUTO_TEST_CASE(a_held_write_lock_times_out_as_unavailable) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("busy.db");
  options.busyTimeoutMs = 200;
  auto database = db::Database::open(options);
  db::Connection other(options.path, /*readOnly=*/false, /*create=*/false);
  other.exec("BEGIN IMMEDIATE");
  ManualClock clock{1795000000LL * 1000000};
  auto write = [&] {
    database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = "Zitoun";
      in.sector = "green_chemicals";
      db::createStartUp(c, clock, db::Principal::system("test"), in);
    });
  };
  try {
    write();
    BOOST_ERROR("the write did not wait for the lock");
  } catch (const Error& e) {
    BOOST_TEST((e.code() == ErrorCode::Unavailable));
    BOOST_TEST(std::string(e.what()).find("busy") != std::string::npos);
  }
  BOOST_TEST(database->read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM start_ups");
  }) == 0);
  other.exec("ROLLBACK");
  write();
  BOOST_TEST(database->read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM start_ups");
  }) == 1);
}

BOOST_AUTO_TEST_CASE(an_online_backup_during_writes_is_consistent) {
  test::DbFixture f;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) f.startUp("s" + std::to_string(i));
  });
  while (f.count("start_ups") < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::string copy = f.dir.file("backup.db");
  f.database->backupTo(copy);
  stop = true;
  writer.join();
  db::DatabaseOptions options;
  options.path = copy;
  options.auditKeyFile = f.auditKeyFile();
  auto restored = db::Database::open(options);
  restored->read([](db::Connection& c) {
    BOOST_TEST(*c.queryText("PRAGMA integrity_check") == "ok");
    auto audit = db::verifyAuditChain(c);
    BOOST_TEST(audit.ok, audit.reason);
    BOOST_TEST(*c.queryInt("SELECT COUNT(*) FROM start_ups") >= 20);
    return 0;
  });
}

// The integrity check at start: a file with a damaged page is refused with a message that
// says so (and what to do), instead of being served.
BOOST_AUTO_TEST_CASE(a_damaged_file_is_refused_at_start) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = dir.file("damaged.db");
  ManualClock clock{1795000000LL * 1000000};
  {
    auto database = db::Database::open(options);
    for (int i = 0; i < 300; ++i) {
      database->write([&](db::Connection& c) {
        db::StartUpInput in;
        in.name = "Start-up number " + std::to_string(i) + std::string(150, 'x');
        in.sector = "green_chemicals";
        db::createStartUp(c, clock, db::Principal::system("test"), in);
      });
    }
  }
  // Closed: the WAL is checkpointed into the file. Scribble over the first half of its last
  // page (a b-tree page of some table or index), header included.
  std::string bytes = test::readFile(options.path);
  BOOST_TEST_REQUIRE(bytes.size() >= 8u * 4096);
  std::size_t page = bytes.size() - 4096;
  for (std::size_t i = page; i < page + 2048; ++i) bytes[i] = static_cast<char>(0xA5 ^ (i & 0xFF));
  {
    std::ofstream out(options.path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::string message = test::expectError(ErrorCode::Internal, [&] { db::Database::open(options); });
  BOOST_TEST(message.find("integrity check") != std::string::npos, message);
  BOOST_TEST(message.find("backup") != std::string::npos, message);
  // Opening without the check (argan restore, diagnostics) is possible.
  options.checkIntegrityOnOpen = false;
  options.applyMigrations = false;
  BOOST_CHECK_NO_THROW(db::Database::open(options));
}

BOOST_AUTO_TEST_SUITE_END()
