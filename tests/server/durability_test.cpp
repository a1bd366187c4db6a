// Durability over HTTP: a full disk, a failing file system or a held write lock answer 503
// with Retry-After for writes while reads keep answering, and writes work again as soon as
// the cause is gone, without a restart.
#include <sys/mount.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

#include "../db/fault_vfs.h"
#include "db/audit.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

std::string startUpBody(const std::string& name) {
  return R"({"name": ")" + name + R"(", "sector": "green_chemicals"})";
}

void expectWritesRefusedReadsServed(TestServer& server, const std::string& admin,
                                    std::int64_t expectedStartUps) {
  auto refused = server.call("POST", "/api/start-ups", startUpBody("Refused"), admin);
  BOOST_TEST(refused.status == 503, refused.body);
  BOOST_TEST(refused.errorCode() == "UNAVAILABLE");
  BOOST_TEST(refused.headers.count("Retry-After") == 1u);
  auto list = server.call("GET", "/api/start-ups");
  BOOST_TEST(list.status == 200, list.body);
  BOOST_TEST(list.body.find("Refused") == std::string::npos);
  BOOST_TEST(server.count("start_ups") == expectedStartUps);
  BOOST_TEST(server.call("GET", "/api/health").status == 200);
}

void expectConsistent(TestServer& server) {
  server.database().read([](db::Connection& c) {
    BOOST_TEST(*c.queryText("PRAGMA integrity_check") == "ok");
    auto audit = db::verifyAuditChain(c);
    BOOST_TEST(audit.ok, audit.reason);
    return 0;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(durability)

BOOST_AUTO_TEST_CASE(a_full_disk_or_failing_disk_answers_503_for_writes_only) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = test::faultVfsPath(dir.file("argan.db"));
  TestServer server({}, nullptr, nullptr, options);
  auto admin = server.userToken("admin@cise.ma", db::Role::Admin);
  BOOST_TEST(server.call("POST", "/api/start-ups", startUpBody("Zitoun"), admin).status == 201);
  for (auto fault : {test::Fault::kDiskFull, test::Fault::kIoError}) {
    {
      test::ScopedFault on(fault);
      expectWritesRefusedReadsServed(server, admin, server.count("start_ups"));
    }
    auto again = server.call("POST", "/api/start-ups",
                             startUpBody("Back " + std::to_string(static_cast<int>(fault))), admin);
    BOOST_TEST(again.status == 201, again.body);
  }
  BOOST_TEST(server.count("start_ups") == 3);
  expectConsistent(server);
}

BOOST_AUTO_TEST_CASE(a_held_write_lock_answers_503_then_writes_resume) {
  db::DatabaseOptions options;
  options.busyTimeoutMs = 200;
  TestServer server({}, nullptr, nullptr, options);
  auto admin = server.userToken("admin@cise.ma", db::Role::Admin);
  db::Connection other(server.dbPath(), /*readOnly=*/false, /*create=*/false);
  other.exec("BEGIN IMMEDIATE");  // e.g. a long `argan import` holding the writer lock
  expectWritesRefusedReadsServed(server, admin, 0);
  other.exec("ROLLBACK");
  BOOST_TEST(server.call("POST", "/api/start-ups", startUpBody("Zitoun"), admin).status == 201);
}

// A real file system that fills up: a small tmpfs (needs CAP_SYS_ADMIN; skipped otherwise).
BOOST_AUTO_TEST_CASE(a_real_full_tmpfs_answers_503_and_recovers_when_space_is_freed) {
  test::TempDir mountPoint;
  if (::mount("tmpfs", mountPoint.path().c_str(), "tmpfs", 0, "size=2m") != 0) {
    BOOST_TEST_MESSAGE("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << ")");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mountPoint.path()};
  {
    db::DatabaseOptions options;
    options.path = mountPoint.file("argan.db");
    TestServer server({}, nullptr, nullptr, options);
    auto admin = server.userToken("admin@cise.ma", db::Role::Admin);
    BOOST_TEST(server.call("POST", "/api/start-ups", startUpBody("Zitoun"), admin).status == 201);
    // Fill the file system.
    std::string filler = mountPoint.file("filler");
    {
      std::FILE* out = std::fopen(filler.c_str(), "wb");
      BOOST_TEST_REQUIRE(out != nullptr);
      std::string block(16384, '\0');
      while (std::fwrite(block.data(), 1, block.size(), out) == block.size()) {
      }
      std::fclose(out);
    }
    // Writes that still fit in pages SQLite already owns may succeed; the first one that
    // needs a new page must answer 503, and every acknowledged one must stay.
    std::int64_t acknowledged = server.count("start_ups");
    int status = 0;
    std::string description(3000, 'd');
    for (int i = 0; i < 500 && status != 503; ++i) {
      auto r = server.call("POST", "/api/start-ups",
                           R"({"name": "Fill )" + std::to_string(i) +
                               R"(", "sector": "green_chemicals", "description": ")" +
                               description + R"("})",
                           admin);
      status = r.status;
      if (status == 201) ++acknowledged;
      BOOST_TEST_REQUIRE((status == 201 || status == 503), r.body);
    }
    BOOST_TEST_REQUIRE(status == 503);
    expectWritesRefusedReadsServed(server, admin, acknowledged);
    std::remove(filler.c_str());
    auto again = server.call("POST", "/api/start-ups", startUpBody("Argania"), admin);
    BOOST_TEST(again.status == 201, again.body);
    BOOST_TEST(server.count("start_ups") == acknowledged + 1);
    expectConsistent(server);
  }
}

BOOST_AUTO_TEST_SUITE_END()
