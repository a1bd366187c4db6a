// Durability over HTTP: a full disk, a failing file system or a held write lock answer 503
// with Retry-After for writes while reads and sign-in keep answering, health says so, and
// writes work again as soon as the cause is gone, without a restart. A deleted -wal stops
// writes before they can be lost; one server per database; SIGTERM stops the server within
// seconds even during a runaway search.
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <thread>

#include "../db/fault_vfs.h"
#include "db/audit.h"
#include "db/audit_seal.h"
#include "db/user_store.h"
#include "raw_http.h"
#include "server_process.h"
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

// Sets or clears the immutable attribute (chattr +i): even root cannot write the file (nor
// through a descriptor opened before). False when the file system does not allow it.
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

std::string loginBody(const std::string& email, const std::string& password) {
  return R"({"email": ")" + email + R"(", "password": ")" + password + R"("})";
}

// Signs in; returns the "argan_session=..." cookie ("" when refused).
std::string signIn(TestServer& server, const std::string& email, const std::string& password,
                   int* status = nullptr) {
  auto r = server.call("POST", "/api/session", loginBody(email, password));
  if (status) *status = r.status;
  for (const auto& c : r.setCookies) {
    if (c.rfind("argan_session=", 0) == 0) return c.substr(0, c.find(';'));
  }
  return "";
}

Poco::JSON::Object::Ptr storage(TestServer& server) {
  auto health = server.call("GET", "/api/health");
  BOOST_TEST_REQUIRE(health.status == 200);
  return health.json()->getObject("storage");
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

// A database that can only be read (an immutable file; a read-only mount behaves alike): reads
// with a token and sign-in still work (the "last used" stamps are skipped, the session is
// held in memory), health says writes are refused and why; once the file is writable again,
// writes resume and the sign-in's audit entry is written with the time it happened.
BOOST_AUTO_TEST_CASE(a_read_only_database_keeps_serving_reads_and_sign_in) {
  test::TempDir dir;
  std::string path = dir.file("argan.db");
  const std::string password = "correct horse battery staple";
  std::string token;
  {
    TestServer setup({}, nullptr, nullptr, [&] {
      db::DatabaseOptions o;
      o.path = path;
      return o;
    }());
    setup.createUser("admin@cise.ma", db::Role::Admin, std::nullopt, password);
    token = setup.userToken("reader@cise.ma", db::Role::Admin);
    BOOST_TEST(setup.call("POST", "/api/start-ups", startUpBody("Zitoun"), token).status == 201);
  }
  if (!setImmutable(path, true)) {
    BOOST_TEST_MESSAGE("skipped: cannot make a file immutable here (needs CAP_LINUX_IMMUTABLE)");
    return;
  }
  struct Restore {
    std::string path;
    ~Restore() { setImmutable(path, false); }
  } restore{path};
  db::DatabaseOptions options;
  options.path = path;
  TestServer server({}, nullptr, nullptr, options);
  auto list = server.call("GET", "/api/start-ups", "", token);
  BOOST_TEST(list.status == 200, list.body);
  BOOST_TEST(list.body.find("Zitoun") != std::string::npos);
  auto disk = storage(server);
  BOOST_TEST(!disk->getValue<bool>("writable"));
  BOOST_TEST(disk->getValue<std::string>("reason").find("read-only") != std::string::npos);
  BOOST_TEST(disk->getValue<std::int64_t>("free_bytes") > 0);
  int status = 0;
  std::string cookie = signIn(server, "admin@cise.ma", password, &status);
  BOOST_TEST(status == 200);
  BOOST_TEST_REQUIRE(!cookie.empty());
  auto session = server.call("GET", "/api/session", "", "", "application/json", {{"Cookie", cookie}});
  BOOST_TEST(session.status == 200, session.body);
  auto refused = server.call("POST", "/api/start-ups", startUpBody("Refused"), token);
  BOOST_TEST(refused.status == 503);
  BOOST_TEST(refused.headers.count("Retry-After") == 1u);
  // Writable again: writes resume without a restart, and the sign-in is in the audit trail.
  setImmutable(path, false);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  BOOST_TEST(server.call("POST", "/api/start-ups", startUpBody("Glycera"), token).status == 201);
  server.call("GET", "/api/session", "", "", "application/json", {{"Cookie", cookie}});
  auto logins = server.database().read([](db::Connection& c) {
    return *c.queryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'login'"
                       " AND reason LIKE '%held in memory%'");
  });
  BOOST_TEST(logins == 1);
  BOOST_TEST(storage(server)->getValue<bool>("writable"));
  expectConsistent(server);
}

// A full file system (a small tmpfs): sign-in and reads keep working, health reports the disk
// as not writable with its free space, and writable again once space is freed (it probes).
BOOST_AUTO_TEST_CASE(a_full_disk_keeps_sign_in_and_health_tells_the_truth) {
  test::TempDir mountPoint;
  if (::mount("tmpfs", mountPoint.path().c_str(), "tmpfs", 0, "size=2m") != 0) {
    BOOST_TEST_MESSAGE("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << ")");
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mountPoint.path()};
  db::DatabaseOptions options;
  options.path = mountPoint.file("argan.db");
  const std::string password = "correct horse battery staple";
  TestServer server({}, nullptr, nullptr, options);
  server.createUser("lead@cise.ma", db::Role::Admin, std::nullopt, password);
  auto admin = server.userToken("admin@cise.ma", db::Role::Admin);
  BOOST_TEST(storage(server)->getValue<bool>("writable"));
  std::string filler = mountPoint.file("filler");
  {
    std::FILE* out = std::fopen(filler.c_str(), "wb");
    BOOST_TEST_REQUIRE(out != nullptr);
    std::string block(16384, '\0');
    while (std::fwrite(block.data(), 1, block.size(), out) == block.size()) {
    }
    std::fclose(out);
  }
  std::string description(3000, 'd');
  int status = 0;
  for (int i = 0; i < 500 && status != 503; ++i) {
    status = server.call("POST", "/api/start-ups",
                         R"({"name": "Fill )" + std::to_string(i) +
                             R"(", "sector": "green_chemicals", "description": ")" + description +
                             R"("})",
                         admin)
                 .status;
  }
  BOOST_TEST_REQUIRE(status == 503);
  auto disk = storage(server);
  BOOST_TEST(!disk->getValue<bool>("writable"));
  BOOST_TEST(disk->getValue<std::string>("reason").find("disk is full") != std::string::npos,
             disk->getValue<std::string>("reason"));
  BOOST_TEST(disk->getValue<std::int64_t>("free_bytes") < 64 * 1024);
  // Reads with a token and sign-in work on the full disk.
  BOOST_TEST(server.call("GET", "/api/start-ups", "", admin).status == 200);
  std::string cookie = signIn(server, "lead@cise.ma", password, &status);
  BOOST_TEST(status == 200);
  BOOST_TEST(server.call("GET", "/api/session", "", "", "application/json", {{"Cookie", cookie}})
                 .status == 200);
  std::remove(filler.c_str());
  bool writable = false;
  for (int i = 0; i < 80 && !writable; ++i) {  // the probe runs at most every 5 s
    writable = storage(server)->getValue<bool>("writable");
    if (!writable) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(writable);
  BOOST_TEST(server.call("POST", "/api/start-ups", startUpBody("Argania"), admin).status == 201);
  expectConsistent(server);
}

// `rm argan.db-wal` under the running server: the next write answers 503 instead of 201, and
// a kill -9 afterwards loses nothing that was acknowledged.
BOOST_AUTO_TEST_CASE(a_deleted_wal_refuses_writes_and_loses_nothing_acknowledged) {
  test::TempDir dir;
  test::ServerProcess server(dir);
  std::string admin = server.prepareAdmin();
  server.start();
  auto post = [&](const std::string& name) {
    test::RawClient c(server.port());
    std::string body = startUpBody(name);
    c.send("POST /api/start-ups HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + admin +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
    return c.read();
  };
  for (int i = 0; i < 10; ++i) BOOST_TEST_REQUIRE(post("Acknowledged " + std::to_string(i)).status == 201);
  BOOST_TEST_REQUIRE(std::remove((server.dbPath() + "-wal").c_str()) == 0);
  for (int i = 0; i < 5; ++i) {
    auto refused = post("After " + std::to_string(i));
    BOOST_TEST(refused.status == 503, refused.body);
    BOOST_TEST(refused.body.find(dir.path()) == std::string::npos);  // no server path
  }
  test::RawClient health(server.port());
  health.send("GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n");
  auto answer = health.read();
  BOOST_TEST(answer.status == 200);
  BOOST_TEST(answer.body.find("\"writable\":false") != std::string::npos, answer.body);
  server.kill9();
  std::remove((server.dbPath() + "-shm").c_str());
  db::Connection c(server.dbPath(), /*readOnly=*/true, /*create=*/false);
  BOOST_TEST(*c.queryInt("SELECT COUNT(*) FROM start_ups WHERE name LIKE 'Acknowledged %'") == 10);
  BOOST_TEST(*c.queryInt("SELECT COUNT(*) FROM start_ups WHERE name LIKE 'After %'") == 0);
  BOOST_TEST(*c.queryText("PRAGMA integrity_check") == "ok");
  // The trail is keyed: checked with the key file the server made beside the database.
  auto key = db::AuditKey::load(server.dbPath() + ".audit-key");
  BOOST_TEST_REQUIRE(key.has_value());
  c.setAuditKey(&*key);
  auto audit = db::verifyAuditChain(c);
  BOOST_TEST(audit.ok, audit.reason);
}

BOOST_AUTO_TEST_CASE(a_second_server_on_one_database_exits_naming_the_first) {
  test::TempDir dir;
  test::ServerProcess first(dir);
  first.prepareAdmin();
  first.start();
  auto second = test::runArgan(dir, {"serve", "--port", "0", "--host", "127.0.0.1", "--db",
                                     first.dbPath()});
  BOOST_TEST(second.exitCode == 1);
  // The message names the database and the pid of the server that holds it.
  BOOST_TEST(second.err.find(first.dbPath()) != std::string::npos, second.err);
  BOOST_TEST(second.err.find("pid " + std::to_string(first.pid())) != std::string::npos,
             second.err);
  BOOST_TEST(first.running());
}

// A runaway substructure match (a long SMARTS path on C60) used to run on after its budget
// and keep the server from stopping. The budget holds; SIGTERM stops the server in seconds.
BOOST_AUTO_TEST_CASE(sigterm_stops_the_server_within_seconds_during_a_runaway_search) {
  test::TempDir dir;
  test::ServerProcess server(dir, {{"argan.shutdown_grace_s", "2"}});
  std::string admin = server.prepareAdmin();
  server.start();
  auto call = [&](const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token) {
    test::RawClient c(server.port(), 120);
    c.send(method + " " + path + " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
    return c.read();
  };
  BOOST_TEST_REQUIRE(call("POST", "/api/start-ups", startUpBody("Fullerene"), admin).status == 201);
  std::string lead = server.prepareMember("lead@fullerene.ma", 1);
  const std::string c60 =
      "C12=C3C4=C5C6=C1C7=C8C9=C1C%10=C%11C(=C29)C3=C2C3=C4C4=C5C5=C9C6=C7C6=C7C8=C1C1=C8C%10="
      "C%10C%11=C2C2=C3C3=C4C4=C5C5=C%11C%12=C(C6=C95)C7=C1C1=C%12C5=C%11C4=C3C3=C5C(=C81)C%10="
      "C23";
  auto registered = call("POST", "/api/compounds", test::structureBody(c60), lead);
  BOOST_TEST_REQUIRE(registered.status == 201, registered.body);
  std::string path;
  for (int i = 0; i < 23; ++i) path += i ? "~c" : "c";
  path += "~[c;D4]";  // no atom of C60 has four neighbours: every 23-atom path is explored
  // The budget holds: the answer comes after about a second, marked incomplete.
  auto started = std::chrono::steady_clock::now();
  auto bounded = call("POST", "/api/search",
                      R"({"type":"substructure","format":"smarts","query":")" + path +
                          R"(","time_budget_ms":1000})",
                      lead);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  BOOST_TEST(bounded.status == 200, bounded.body);
  BOOST_TEST(bounded.body.find("\"complete\":false") != std::string::npos, bounded.body);
  BOOST_TEST(seconds < 5.0, seconds << " s");
  // A search with the longest budget, then SIGTERM: the server is gone within seconds.
  std::thread search([&] {
    call("POST", "/api/search",
         R"({"type":"substructure","format":"smarts","query":")" + path +
             R"(","time_budget_ms":60000})",
         lead);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  started = std::chrono::steady_clock::now();
  int code = server.stop();
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  search.join();
  BOOST_TEST(code == 0);
  BOOST_TEST(seconds < 10.0, "stopped after " << seconds << " s");
}

BOOST_AUTO_TEST_SUITE_END()
