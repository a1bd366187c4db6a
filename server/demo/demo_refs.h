// What the demo loaders (products, needs, waste) share: walking a list of the demo file, the
// start-ups and people it names by key, partner accounts it creates, dates in days from today.
// Internal to server/demo. A reference the file gets wrong throws Internal naming the part
// of the demo ("demo needs: unknown person x@y.ma"): the demo file is broken, not the input.
#pragma once

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <map>
#include <string>

#include "common/clock.h"
#include "db/access.h"
#include "server/core/runtime.h"
#include "server/demo/demo_data.h"
#include "server/json/json_fields.h"

namespace argan::server::demo {

// Calls each(item) for every object of the list `key` of f (none when absent); an item's
// errors are located as key[i].
template <typename Each>
void forEach(const JsonFields& f, const std::string& key, Each each) {
  Poco::JSON::Array::Ptr items = f.optArray(key);
  for (std::size_t i = 0; items && i < items->size(); ++i) {
    each(JsonFields(items->getObject(static_cast<unsigned>(i)), key + "[" + std::to_string(i) + "]"));
  }
}

// The date `days` from the Clock's today (negative: in the past), YYYY-MM-DD.
std::string dayFromToday(const Clock& clock, std::int64_t days);

// The start-ups and people of the demo by their keys (start-up key, e-mail).
class DemoRefs {
 public:
  DemoRefs(std::string part, const std::map<std::string, std::int64_t>& startUps,
           const std::map<std::string, db::Principal>& people)
      : part_(std::move(part)), startUps_(startUps), people_(people) {}

  std::int64_t startUpId(const std::string& key) const;
  db::Principal person(const std::string& email) const;
  // Throws Internal "<part>: unknown <what> <key>".
  [[noreturn]] void unknown(const std::string& what, const std::string& key) const;

 private:
  std::string part_;
  const std::map<std::string, std::int64_t>& startUps_;
  const std::map<std::string, db::Principal>& people_;
};

// Creates the partner account described by p ({email, name, organisation}) with a random
// one-time password, adds it to `people` and to `report` (accounts, users).
void createDemoPartner(Runtime& runtime, const JsonFields& p,
                       std::map<std::string, db::Principal>& people, DemoLoadReport& report);

}  // namespace argan::server::demo
