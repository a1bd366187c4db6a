#include "server/demo/demo_refs.h"

#include "common/error.h"
#include "common/password.h"
#include "db/record_codes.h"
#include "db/user_store.h"

namespace argan::server::demo {

std::string dayFromToday(const Clock& clock, std::int64_t days) {
  constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000LL;
  return db::dateOf(isoFromMicros(clock.nowMicros() + days * kMicrosPerDay));
}

void DemoRefs::unknown(const std::string& what, const std::string& key) const {
  throw internalError(part_ + ": unknown " + what + " " + key);
}

std::int64_t DemoRefs::startUpId(const std::string& key) const {
  auto it = startUps_.find(key);
  if (it == startUps_.end()) unknown("start-up", key);
  return it->second;
}

db::Principal DemoRefs::person(const std::string& email) const {
  auto it = people_.find(email);
  if (it == people_.end()) unknown("person", email);
  return it->second;
}

void createDemoPartner(Runtime& runtime, const JsonFields& p,
                       std::map<std::string, db::Principal>& people, DemoLoadReport& report) {
  db::NewUser user;
  user.email = p.reqString("email");
  user.displayName = p.reqString("name");
  user.role = db::Role::Partner;
  std::string password = randomHex(9);
  user.passwordHash = hashPassword(password, runtime.config.passwordIterations);
  auto made = runtime.db.write([&](db::Connection& c) {
    return db::createUser(c, runtime.clock, db::Principal::system("demo"), user);
  });
  people[made.email] = made.principal();
  report.accounts.push_back(
      {made.email, db::roleName(made.role), p.reqString("organisation"), password});
  ++report.users;
}

}  // namespace argan::server::demo
