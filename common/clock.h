// A clock passed to the code that stamps records, so tests can fix time.
#pragma once

#include <atomic>
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

// A clock that tests move by hand (a server test advances it between requests). Reading
// and advancing are atomic, so server threads may read it while the test moves it.
class ManualClock : public Clock {
 public:
  explicit ManualClock(std::int64_t micros) : micros_(micros) {}
  std::int64_t nowMicros() const override { return micros_.load(); }
  void advanceSeconds(std::int64_t s) { micros_ += s * 1000000; }

 private:
  std::atomic<std::int64_t> micros_;
};

// Formats microseconds since the epoch as ISO 8601 UTC with milliseconds.
std::string isoFromMicros(std::int64_t micros);

}  // namespace argan
