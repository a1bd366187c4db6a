// A clock passed to the code that stamps records, so tests can fix time.
#pragma once

#include <cstdint>
#include <string>

namespace argan {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch, UTC, with microseconds.
  virtual std::int64_t nowMicros() const = 0;
  // ISO 8601 UTC with milliseconds, e.g. "2026-11-28T05:51:37.123Z".
  std::string nowIso() const;
};

class SystemClock : public Clock {
 public:
  std::int64_t nowMicros() const override;
};

// A clock that tests move by hand. Not thread-safe: set it before concurrent use.
class ManualClock : public Clock {
 public:
  explicit ManualClock(std::int64_t micros) : micros_(micros) {}
  std::int64_t nowMicros() const override { return micros_; }
  void advanceSeconds(std::int64_t s) { micros_ += s * 1000000; }

 private:
  std::int64_t micros_;
};

// Formats microseconds since the epoch as ISO 8601 UTC with milliseconds.
std::string isoFromMicros(std::int64_t micros);

}  // namespace argan
