// One server per database: the lock, its holder's pid, and its release.
#include "db/server_lock.h"

#include <unistd.h>

#include "test_support.h"

using namespace argan;

BOOST_AUTO_TEST_SUITE(server_lock)

BOOST_AUTO_TEST_CASE(a_second_lock_on_one_database_names_the_holder) {
  test::TempDir dir;
  std::string path = dir.file("argan.db");
  BOOST_TEST(!db::ServerLock::holder(path).has_value());
  {
    auto lock = db::ServerLock::acquire(path);
    BOOST_TEST(lock->path() == path + ".lock");
    BOOST_TEST(db::ServerLock::holder(path).value_or(0) == ::getpid());
    // flock(2) locks are per open file: a second acquire in this process is refused like one
    // in another process would be.
    std::string m = test::expectError(ErrorCode::FailedPrecondition,
                                      [&] { db::ServerLock::acquire(path); });
    BOOST_TEST(m.find("pid " + std::to_string(::getpid())) != std::string::npos, m);
    BOOST_TEST(m.find("already served") != std::string::npos, m);
    // Another database is not affected.
    BOOST_CHECK_NO_THROW(db::ServerLock::acquire(dir.file("other.db")));
  }
  BOOST_TEST(!db::ServerLock::holder(path).has_value());
  BOOST_CHECK_NO_THROW(db::ServerLock::acquire(path));  // released with its owner
}

BOOST_AUTO_TEST_SUITE_END()
