#include "common/clock.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace argan {

std::string Clock::nowIso() const { return isoFromMicros(nowMicros()); }

std::int64_t SystemClock::nowMicros() const { return Poco::Timestamp().epochMicroseconds(); }

std::string isoFromMicros(std::int64_t micros) {
  Poco::Timestamp ts(micros);
  return Poco::DateTimeFormatter::format(ts, "%Y-%m-%dT%H:%M:%S.%iZ");
}

}  // namespace argan
