// The argan executable: exit codes, user add, token create, verify-audit.
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <string>
#include <vector>

#include "run_argan.h"
#include "test_support.h"

using argan::test::runArgan;

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  BOOST_TEST(runArgan({}).exitCode == 2);
  BOOST_TEST(runArgan({"frobnicate"}).exitCode == 2);
  BOOST_TEST(runArgan({"migrate"}).exitCode == 2);
  BOOST_TEST(runArgan({"migrate", "--db"}).exitCode == 2);
  BOOST_TEST(runArgan({"migrate", "--bogus", "x"}).exitCode == 2);
  auto help = runArgan({"--help"});
  BOOST_TEST(help.exitCode == 0);
  BOOST_TEST(help.out.find("user add") != std::string::npos);
  BOOST_TEST(runArgan({"user", "add", "--help"}).exitCode == 0);
  // serve follows the same codes (it answered 70, 64 and 78, Poco's sysexits values).
  argan::test::TempDir dir;
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"serve", "--port", "abc", "--db", dir.file("a.db")},
           {"serve", "--port", "99999", "--db", dir.file("a.db")},
           {"serve", "--threads", "0", "--db", dir.file("a.db")},
           {"serve", "--bogus", "--db", dir.file("a.db")}}) {
    auto r = runArgan(bad);
    BOOST_TEST(r.exitCode == 2, bad[1] << " " << bad[2] << ": " << r.exitCode << " " << r.err);
    BOOST_TEST(!r.err.empty(), bad[1]);
  }
}

// `serve` keeps the exit codes of every other command: 2 for a usage error (unknown option,
// missing or malformed value, value out of range), 1 when it cannot start, 0 for --help.
BOOST_AUTO_TEST_CASE(serve_usage_errors_exit_2_and_failures_exit_1) {
  argan::test::TempDir dir;
  std::string db = dir.file("serve.db");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"serve", "--bogus"},
           {"serve", "--db"},
           {"serve", "--port", "abc", "--db", db},
           {"serve", "--port", "99999", "--db", db},
           {"serve", "--threads", "0", "--db", db}}) {
    auto run = runArgan(args);
    BOOST_TEST(run.exitCode == 2, args[1] << " " << (args.size() > 2 ? args[2] : "") << ": "
                                          << run.err);
  }
  std::ofstream(dir.file("garbage.db")) << "this is not an SQLite database, just text";
  auto broken = runArgan({"serve", "--port", "0", "--db", dir.file("garbage.db")});
  BOOST_TEST(broken.exitCode == 1, broken.err);
  auto help = runArgan({"serve", "--help"});
  BOOST_TEST(help.exitCode == 0);
  BOOST_TEST(help.out.find("argan serve") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(user_add_token_create_verify_audit) {
  argan::test::TempDir dir;
  std::string db = dir.file("cli.db");
  auto migrated = runArgan({"migrate", "--db", db});
  BOOST_TEST_REQUIRE(migrated.exitCode == 0, migrated.err);
  BOOST_TEST(migrated.out.find("schema_version") != std::string::npos);

  auto added = runArgan({"user", "add", "--db", db, "--email", "admin@cise.ma", "--role", "admin"},
                        "a sufficiently long password\n");
  BOOST_TEST_REQUIRE(added.exitCode == 0, added.err);
  BOOST_TEST(added.out.find("\"role\": \"admin\"") != std::string::npos);

  auto shortPassword = runArgan(
      {"user", "add", "--db", db, "--email", "x@cise.ma", "--role", "partner"}, "short\n");
  BOOST_TEST(shortPassword.exitCode == 1);
  auto duplicate = runArgan({"user", "add", "--db", db, "--email", "ADMIN@cise.ma", "--role", "admin"},
                            "another long password\n");
  BOOST_TEST(duplicate.exitCode == 1);
  BOOST_TEST(duplicate.err.find("already exists") != std::string::npos);
  auto badRole = runArgan({"user", "add", "--db", db, "--email", "y@cise.ma", "--role", "king"},
                          "another long password\n");
  BOOST_TEST(badRole.exitCode == 2);

  auto token = runArgan({"token", "create", "--db", db, "--email", "admin@cise.ma"});
  BOOST_TEST_REQUIRE(token.exitCode == 0, token.err);
  BOOST_TEST(token.out.rfind("argan_", 0) == 0u);
  BOOST_TEST(token.out.size() == 6 + 64 + 1);
  BOOST_TEST(runArgan({"token", "create", "--db", db, "--email", "nobody@cise.ma"}).exitCode == 1);

  auto verified = runArgan({"verify-audit", "--db", db});
  BOOST_TEST(verified.exitCode == 0);
  BOOST_TEST(verified.out.find("\"ok\": true") != std::string::npos);
  BOOST_TEST(verified.out.find("\"entries\": 2") != std::string::npos);

  // A start-up id that is not a whole number is a usage error, not "5".
  auto badStartUp = runArgan({"user", "add", "--db", db, "--email", "m@cise.ma", "--role",
                              "member", "--start-up", "5x"},
                             "another long password\n");
  BOOST_TEST(badStartUp.exitCode == 2, badStartUp.out << badStartUp.err);
  // The answer is JSON whatever the e-mail holds.
  auto quoted = runArgan({"user", "add", "--db", db, "--email", "o\"brien\\@cise.ma", "--role",
                          "partner"},
                         "another long password\n");
  if (quoted.exitCode == 0) {
    Poco::JSON::Parser parser;
    auto user = parser.parse(quoted.out).extract<Poco::JSON::Object::Ptr>();
    BOOST_TEST(user->getValue<std::string>("email") == "o\"brien\\@cise.ma");
    BOOST_TEST(user->getValue<std::string>("role") == "partner");
  }
}

BOOST_AUTO_TEST_SUITE_END()
