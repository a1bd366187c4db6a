#include "server/registry/need_watch.h"

#include <Poco/JSON/Array.h>

#include <chrono>
#include <iostream>

#include "db/need_match_store.h"
#include "db/need_store.h"
#include "db/notification_store.h"
#include "server/registry/need_matching.h"
#include "server/registry/need_notices.h"

namespace argan::server {
namespace {

constexpr std::size_t kListedPerNotice = 10;

struct Announcement {
  bool partner = false;
  std::int64_t audienceId = 0;  // the partner's user id or the start-up's id
  std::vector<NeedMatch> fresh;
};

Notice matchNotice(const db::Need& need, const Announcement& a) {
  Notice n;
  n.kind = "new_match";
  n.needId = need.id;
  n.params = needParams(need, a.partner);
  Poco::JSON::Array::Ptr records = new Poco::JSON::Array;
  for (std::size_t i = 0; i < a.fresh.size() && i < kListedPerNotice; ++i) {
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    r->set("kind", a.fresh[i].kind);
    r->set("code", a.fresh[i].code);
    r->set("label", a.fresh[i].label);
    r->set("visibility", a.fresh[i].visibility);
    records->add(r);
  }
  n.params->set("records", records);
  n.params->set("count", static_cast<std::int64_t>(a.fresh.size()));
  n.params->set("scope", a.partner ? "public" : "own");
  // The text names up to three records ("CMP-000001, CMP-000004 (+2)"), so an e-mail tells
  // which ones match.
  constexpr std::size_t kNamed = 3;
  std::string first;
  for (std::size_t i = 0; i < a.fresh.size() && i < kNamed; ++i) {
    first += (i ? ", " : "") + a.fresh[i].code;
  }
  std::string more = a.fresh.size() > kNamed
                         ? " (+" + std::to_string(a.fresh.size() - kNamed) + ")"
                         : "";
  if (a.partner) {
    n.textFr = "Le catalogue public répond à votre besoin " + need.code() + " : " + first + more;
    n.textEn = "The public catalogue matches your need " + need.code() + ": " + first + more;
  } else {
    const bool one = a.fresh.size() == 1;
    n.textFr = (one ? "Votre " : "Vos ") + first + more +
               (one ? " correspond" : " correspondent") + " au besoin " + need.code() + " « " +
               need.title + " »";
    n.textEn = "Your " + first + more + (one ? " matches" : " match") + " need " + need.code() +
               " \"" + need.title + "\"";
  }
  n.link = "/needs/" + need.code();
  return n;
}

}  // namespace

NeedWatch::NeedWatch(Runtime& runtime) : runtime_(runtime) {}

NeedWatch::~NeedWatch() { stop(); }

void NeedWatch::start() {
  std::lock_guard<std::mutex> lock(stateMutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void NeedWatch::stop() {
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NeedWatch::loop() {
  const auto interval = std::chrono::milliseconds(std::max(50, runtime_.config.matchWatchMs));
  while (true) {
    {
      std::unique_lock<std::mutex> lock(stateMutex_);
      if (wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
    }
    try {
      sweep();
    } catch (const std::exception& e) {
      std::cerr << "match watcher: sweep failed (will retry): " << e.what() << std::endl;
    }
  }
}

SweepReport NeedWatch::sweep(bool force) {
  std::lock_guard<std::mutex> lock(sweepMutex_);
  SweepReport report;
  std::int64_t head =
      runtime_.db.read([](db::Connection& c) { return db::newestAuditEntryId(c); });
  if (!force && head == lastHead_) return report;
  report.ran = true;
  auto needs = runtime_.db.read([](db::Connection& c) { return db::openNeedsForMatching(c); });
  auto startUps = runtime_.db.read([](db::Connection& c) { return db::allStartUpIds(c); });
  for (const auto& need : needs) {
    ++report.needs;
    // One scan as an administrator; every audience's view is derived from its hits.
    StructureHits all = findStructureHits(runtime_, need, db::Principal::system("match watcher"));
    runtime_.db.write([&](db::Connection& c) {
      std::vector<Announcement> announcements;
      auto announce = [&](bool partner, std::int64_t audienceId, const MatchAudience& audience) {
        NeedMatches matches = matchesFromHits(c, need, audience, all.visibleTo(audience.viewer));
        Announcement a;
        a.partner = partner;
        a.audienceId = audienceId;
        for (auto& m : matches.items) {
          if (db::noteMatch(c, runtime_.clock, need.id, partner ? "partner" : "start_up",
                            audienceId, m.kind, m.id)) {
            a.fresh.push_back(std::move(m));
          }
        }
        report.announced += static_cast<std::int64_t>(a.fresh.size());
        if (!a.fresh.empty()) announcements.push_back(std::move(a));
      };
      announce(true, need.partnerId, MatchAudience::partner(need.partnerId));
      for (auto startUp : startUps) {
        if (db::startUpSeesNeed(need, startUp)) {
          announce(false, startUp, MatchAudience::startUp(startUp));
        }
      }
      for (const auto& a : announcements) {
        std::vector<std::int64_t> users =
            a.partner ? std::vector<std::int64_t>{a.audienceId} : db::startUpUserIds(c, a.audienceId);
        notifyUsers(c, runtime_, users, matchNotice(need, a));
        report.notified += static_cast<std::int64_t>(users.size());
      }
    });
  }
  lastHead_ = head;
  return report;
}

}  // namespace argan::server
