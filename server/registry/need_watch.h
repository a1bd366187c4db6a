// The match watcher: announces new matches between open needs and the cluster's records.
//
// Matches themselves are recomputed on every read (need_matching.h); what needs state is
// "new": the watcher remembers every (need, audience, record) it has announced
// (need_match_notices) and, after any change, computes every audience's matches again and
// notifies the audience of the ones it has not seen: the need's partner about public
// records, each start-up that may see the need about its own records ("your private
// CMP-000123 matches NEED-000007"), nobody about anybody else's.
//
// When it runs: a background thread looks every `argan.match_watch_ms` (2 s) at the head of
// the audit trail — every write to a record, need or grant appends an entry there — and
// sweeps when it moved, so any door (API, CLI import, another module's records) is seen
// without hooks. The sweep never runs inside a partner's request: the partner's requests
// cost the same whatever start-ups register meanwhile. sweep() can also be called directly
// (tests, the demo loader).
//
// Cost: one structure scan per open need with a criterion (as an administrator), then per
// audience a filter of those hits and one query over its products.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "server/core/runtime.h"

namespace argan::server {

struct SweepReport {
  bool ran = false;            // false: nothing had changed since the last sweep
  std::int64_t needs = 0;      // open needs looked at
  std::int64_t announced = 0;  // (audience, record) pairs seen for the first time
  std::int64_t notified = 0;   // notifications written
};

class NeedWatch {
 public:
  explicit NeedWatch(Runtime& runtime);
  ~NeedWatch();
  NeedWatch(const NeedWatch&) = delete;
  NeedWatch& operator=(const NeedWatch&) = delete;

  void start();  // the background thread (every runtime.config.matchWatchMs)
  void stop();   // joins it; idempotent

  // One sweep now: when the audit trail moved since the last one, or always with `force`.
  // Serialised with the background thread. Throws argan::Error on database failure.
  SweepReport sweep(bool force = false);

 private:
  void loop();
  Runtime& runtime_;
  std::mutex sweepMutex_;
  std::int64_t lastHead_ = -1;
  std::mutex stateMutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace argan::server
