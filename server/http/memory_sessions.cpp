#include "server/http/memory_sessions.h"

#include <algorithm>

#include "common/clock.h"

namespace argan::server {

std::int64_t MemorySessions::create(const db::NewSession& in) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.lastSeenUs < b.second.lastSeenUs;
    });
    sessions_.erase(oldest);
  }
  Session s;
  s.id = nextId_--;
  s.userId = in.userId;
  s.secretHash = in.secretHash;
  s.createdUs = in.nowUs;
  s.lastSeenUs = in.nowUs;
  s.expiresUs = in.expiresUs;
  s.address = in.address.substr(0, 100);
  sessions_[in.secretHash] = s;
  return s.id;
}

std::optional<MemorySessions::Session> MemorySessions::find(const std::string& secretHash,
                                                            std::int64_t nowUs,
                                                            std::int64_t idleUs) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(secretHash);
  if (it == sessions_.end()) return std::nullopt;
  Session& s = it->second;
  if (nowUs >= s.expiresUs || nowUs - s.lastSeenUs >= idleUs) {
    sessions_.erase(it);
    return std::nullopt;
  }
  s.lastSeenUs = nowUs;
  return s;
}

void MemorySessions::revoke(std::int64_t sessionId) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sessionId > 0) {
    revokedStored_.insert(sessionId);
    return;
  }
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.id == sessionId) {
      sessions_.erase(it);
      return;
    }
  }
}

void MemorySessions::revokeBySecretHash(const std::string& secretHash) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(secretHash);
}

bool MemorySessions::revokedStored(std::int64_t sessionId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return revokedStored_.count(sessionId) > 0;
}

void MemorySessions::deferAudit(const db::Principal& actor, const db::AuditEvent& event,
                                std::int64_t atUs) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (audit_.size() >= kMaxPending) audit_.pop_front();
  audit_.push_back({actor, event, atUs});
}

void MemorySessions::recordFailure(std::int64_t nowUs, const std::string& email,
                                   const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failures_.size() >= kMaxPending) failures_.pop_front();
  if (failureWindow_.size() >= kMaxPending) failureWindow_.pop_front();
  failures_.push_back({nowUs, email, address});
  failureWindow_.push_back({nowUs, email, address});
}

std::optional<db::LoginBlock> MemorySessions::blocked(const db::LoginLimits& limits,
                                                      std::int64_t nowUs,
                                                      const std::string& email,
                                                      const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!failureWindow_.empty() && failureWindow_.front().atUs <= nowUs - limits.windowUs) {
    failureWindow_.pop_front();
  }
  // The rule of db::loginBlocked: failures of this e-mail from this address (a growing delay
  // after the last one), and of this address on any e-mail.
  std::int64_t pair = 0;
  std::int64_t lastPair = 0;
  std::int64_t fromAddress = 0;
  std::int64_t oldestAddress = nowUs;
  for (const auto& f : failureWindow_) {
    if (f.address != address) continue;
    ++fromAddress;
    oldestAddress = std::min(oldestAddress, f.atUs);
    if (f.email == email) {
      ++pair;
      lastPair = std::max(lastPair, f.atUs);
    }
  }
  std::optional<db::LoginBlock> block;
  if (pair >= limits.maxPerAccount) {
    std::int64_t delay = limits.baseDelayUs;
    for (std::int64_t i = limits.maxPerAccount; i < pair && delay < limits.windowUs; ++i) {
      delay *= 2;
    }
    delay = std::min(delay, limits.windowUs);
    if (lastPair + delay > nowUs) {
      block = db::LoginBlock{std::max<std::int64_t>(1, (lastPair + delay - nowUs + 999999) / 1000000),
                             "account"};
    }
  }
  if (fromAddress >= limits.maxPerAddress) {
    const std::int64_t seconds =
        std::max<std::int64_t>(1, (oldestAddress + limits.windowUs - nowUs) / 1000000);
    if (!block || seconds > block->retryAfterSeconds) block = db::LoginBlock{seconds, "address"};
  }
  return block;
}

void MemorySessions::clearFailures(const std::string& email, const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto samePair = [&](const Failure& f) { return f.email == email && f.address == address; };
  failureWindow_.erase(std::remove_if(failureWindow_.begin(), failureWindow_.end(), samePair),
                       failureWindow_.end());
}

bool MemorySessions::flush(db::Database& database) {
  std::deque<DeferredAudit> audit;
  std::deque<Failure> failures;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (audit_.empty() && failures_.empty()) return true;
    audit.swap(audit_);
    failures.swap(failures_);
  }
  bool written = database.tryWrite([&](db::Connection& c) {
    for (const auto& a : audit) {
      ManualClock at(a.atUs);  // the entry carries the time it happened
      db::appendAudit(c, at, a.actor, a.event);
    }
    for (const auto& f : failures) db::recordLoginFailure(c, f.atUs, f.email, f.address);
  });
  if (written) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  // Put them back in front of anything added meanwhile, in order.
  audit.insert(audit.end(), audit_.begin(), audit_.end());
  audit_.swap(audit);
  while (audit_.size() > kMaxPending) audit_.pop_front();
  failures.insert(failures.end(), failures_.begin(), failures_.end());
  failures_.swap(failures);
  while (failures_.size() > kMaxPending) failures_.pop_front();
  return false;
}

std::size_t MemorySessions::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return audit_.size() + failures_.size();
}

}  // namespace argan::server
