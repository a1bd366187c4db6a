#include "server/registry/comparison.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <thread>
#include <unordered_map>

#include "chem/bit_kernels.h"
#include "chem/scaffold.h"
#include "common/error.h"
#include "db/compound_scan.h"
#include "db/start_up_store.h"
#include "db/substance_store.h"

namespace argan::server {
namespace {

struct Member {
  std::int64_t id = 0;
  std::int64_t startUp = 0;
  std::string visibility;
  std::string fullHash;
  std::string createdAt;
  std::uint64_t fp[chem::kFingerprintWords];
  unsigned bits = 0;
  std::string pickle;
};

double tanimoto(const Member& a, const Member& b) {
  const unsigned c = chem::intersectionCount(a.fp, b.fp);
  const unsigned u = a.bits + b.bits - c;
  return u == 0 ? 0.0 : static_cast<double>(c) / u;
}

template <typename Fn>
void parallel(std::size_t n, Fn fn) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) fn(i);
  };
  std::thread helper(work);
  work();
  helper.join();
}

// The live parents `viewer` may see (administrators: all), read in one snapshot; the others
// are not read at all. `all` receives every start-up.
std::vector<Member> loadMembers(Runtime& runtime, const db::Principal& viewer,
                                const std::vector<std::int64_t>& startUps, std::size_t limit,
                                std::vector<db::StartUp>& all) {
  std::vector<Member> members;
  const db::ReadScope scope = db::readScope(viewer);
  runtime.db.snapshot([&](db::Connection& c) {
    all = db::listStartUps(c);
    std::set<std::int64_t> wanted(startUps.begin(), startUps.end());
    for (std::int64_t id : wanted) {
      if (std::none_of(all.begin(), all.end(), [&](const db::StartUp& s) { return s.id == id; })) {
        throw invalidArgument("no start-up with id " + std::to_string(id),
                              {{"field", "start_ups"}});
      }
    }
    db::scanLiveCompounds(
        c, {wanted.begin(), wanted.end()}, limit + 1,
        [&](const db::CompoundScanRow& row) {
          Member m;
          m.id = row.id;
          m.startUp = row.startUpId;
          m.visibility = std::string(row.visibility);
          m.fullHash = std::string(row.fullHash);
          m.createdAt = std::string(row.createdAt);
          chem::loadFingerprint(std::string(row.morganFp), m.fp);
          m.bits = chem::popcountWords(m.fp, chem::kFingerprintWords);
          m.pickle = std::string(row.pickle);
          members.push_back(std::move(m));
        },
        scope.everything ? nullptr : &scope);
  });
  return members;
}

// The start-ups compared, in id order; `column` maps a start-up to its position.
void listComparedStartUps(const std::vector<db::StartUp>& all, const std::vector<Member>& members,
                          const ComparisonOptions& options, StartUpComparison& out,
                          std::map<std::int64_t, std::size_t>& column) {
  for (const auto& s : all) {
    // Unasked, a start-up is listed when the caller sees one of its compounds (a start-up
    // whose every compound is hidden from the caller is not hinted at by a column).
    bool involved = options.startUps.empty()
                        ? std::any_of(members.begin(), members.end(),
                                      [&](const Member& m) { return m.startUp == s.id; })
                        : std::find(options.startUps.begin(), options.startUps.end(), s.id) !=
                              options.startUps.end();
    if (!involved) continue;
    column[s.id] = out.startUps.size();
    ComparedStartUp cs;
    cs.id = s.id;
    cs.name = s.name;
    out.startUps.push_back(cs);
  }
  for (const auto& m : members) ++out.startUps[column[m.startUp]].compounds;
}

// Identical parents (full hash) held by several start-ups.
void findIdentical(const std::vector<Member>& members, StartUpComparison& out) {
  std::map<std::string, std::vector<std::size_t>> byHash;
  for (std::size_t i = 0; i < members.size(); ++i) byHash[members[i].fullHash].push_back(i);
  for (const auto& [hash, group] : byHash) {
    std::set<std::int64_t> owners;
    for (std::size_t i : group) owners.insert(members[i].startUp);
    if (owners.size() < 2) continue;
    IdenticalGroup g;
    for (std::size_t i : group) g.compounds.push_back(members[i].id);
    g.startUps.assign(owners.begin(), owners.end());
    out.identical.push_back(std::move(g));
  }
}

// All pairs: the best neighbour of each compound per start-up, and near-duplicates.
struct PairScan {
  struct Best {
    double score = -1;
    std::int64_t id = 0;
  };
  std::vector<std::vector<Best>> best;  // [compound][start-up column]
};

PairScan scanPairs(const std::vector<Member>& members,
                   const std::map<std::int64_t, std::size_t>& column,
                   const ComparisonOptions& options, StartUpComparison& out) {
  const std::size_t n = members.size();
  const std::size_t nS = out.startUps.size();
  PairScan scan;
  auto& best = scan.best;
  best.assign(n, std::vector<PairScan::Best>(nS));
  std::vector<std::vector<NearDuplicate>> pairsOf(n);
  parallel(n, [&](std::size_t i) {
    const Member& a = members[i];
    for (std::size_t j = 0; j < n; ++j) {
      const Member& b = members[j];
      if (b.startUp == a.startUp) continue;
      const double s = tanimoto(a, b);
      PairScan::Best& slot = best[i][column.at(b.startUp)];
      if (s > slot.score || (s == slot.score && b.id < slot.id)) slot = {s, b.id};
      if (j > i && s >= options.threshold) {
        pairsOf[i].push_back({a.id, b.id, a.startUp, b.startUp, s});
      }
    }
  });
  std::vector<NearDuplicate> pairs;
  for (auto& p : pairsOf) pairs.insert(pairs.end(), p.begin(), p.end());
  std::sort(pairs.begin(), pairs.end(), [](const NearDuplicate& x, const NearDuplicate& y) {
    return x.similarity > y.similarity || (x.similarity == y.similarity && x.a < y.a) ||
           (x.similarity == y.similarity && x.a == y.a && x.b < y.b);
  });
  out.nearDuplicateCount = pairs.size();
  if (pairs.size() > options.maxPairs) pairs.resize(options.maxPairs);
  out.nearDuplicates = std::move(pairs);
  return scan;
}

// Each compound's nearest neighbour per start-up, and the start-up similarity matrix (mean
// of the best similarities).
void neighboursAndMatrix(const std::vector<Member>& members,
                         const std::map<std::int64_t, std::size_t>& column, const PairScan& scan,
                         StartUpComparison& out) {
  const std::size_t n = members.size();
  const std::size_t nS = out.startUps.size();
  const auto& best = scan.best;
  out.matrix.assign(nS, std::vector<std::optional<double>>(nS));
  std::vector<std::vector<double>> sums(nS, std::vector<double>(nS, 0));
  std::vector<std::vector<std::size_t>> counts(nS, std::vector<std::size_t>(nS, 0));
  for (std::size_t i = 0; i < n; ++i) {
    const Member& a = members[i];
    CompoundNeighbours row;
    row.compound = a.id;
    row.startUp = a.startUp;
    const std::size_t s = column.at(a.startUp);
    for (std::size_t t = 0; t < nS; ++t) {
      if (out.startUps[t].id == a.startUp) continue;
      NeighbourInStartUp nn;
      nn.startUp = out.startUps[t].id;
      if (best[i][t].score >= 0) {
        nn.neighbour = best[i][t].id;
        nn.similarity = best[i][t].score;
        sums[s][t] += best[i][t].score;
        ++counts[s][t];
      }
      row.nearest.push_back(nn);
    }
    out.neighbours.push_back(std::move(row));
  }
  for (std::size_t s = 0; s < nS; ++s) {
    for (std::size_t t = 0; t < nS; ++t) {
      if (s == t) {
        if (out.startUps[s].compounds) out.matrix[s][t] = 1.0;
      } else if (counts[s][t]) {
        out.matrix[s][t] = sums[s][t] / static_cast<double>(counts[s][t]);
      }
    }
  }
}

// Bemis–Murcko scaffolds of the visible compounds: those shared by several start-ups, and
// the Jaccard overlap of the start-ups' scaffold sets.
void compareScaffolds(const std::vector<Member>& members,
                      std::map<std::int64_t, std::size_t>& column, StartUpComparison& out) {
  const std::size_t n = members.size();
  const std::size_t nS = out.startUps.size();
  std::vector<std::string> scaffolds(n);
  parallel(n, [&](std::size_t i) {
    scaffolds[i] = chem::murckoScaffoldOfPickle(members[i].pickle);
  });
  std::map<std::string, std::map<std::int64_t, std::size_t>> scaffoldOwners;
  std::vector<std::set<std::string>> scaffoldSets(nS);
  for (std::size_t i = 0; i < n; ++i) {
    if (scaffolds[i].empty()) continue;
    ++scaffoldOwners[scaffolds[i]][members[i].startUp];
    scaffoldSets[column[members[i].startUp]].insert(scaffolds[i]);
  }
  for (auto& [scaffold, owners] : scaffoldOwners) {
    if (owners.size() >= 2) out.sharedScaffolds.push_back({scaffold, owners});
  }
  std::stable_sort(out.sharedScaffolds.begin(), out.sharedScaffolds.end(),
                   [](const SharedScaffold& x, const SharedScaffold& y) {
                     return x.counts.size() > y.counts.size();
                   });
  if (out.sharedScaffolds.size() > 500) out.sharedScaffolds.resize(500);
  out.scaffoldJaccard.assign(nS, std::vector<std::optional<double>>(nS));
  for (std::size_t s = 0; s < nS; ++s) {
    for (std::size_t t = 0; t < nS; ++t) {
      std::size_t inter = 0;
      for (const auto& sc : scaffoldSets[s]) inter += scaffoldSets[t].count(sc);
      std::size_t uni = scaffoldSets[s].size() + scaffoldSets[t].size() - inter;
      if (uni) out.scaffoldJaccard[s][t] = static_cast<double>(inter) / uni;
    }
  }
}

// Overlapping substances among those the caller may see (the same composition key held by
// start-ups that differ). As for compounds (docs/threat-model.md, "Overlap signals"), a
// substance the caller may not see changes nothing in the answer: no count, no signal.
SubstanceComparison compareSubstances(Runtime& runtime, const db::Principal& viewer,
                                      const ComparisonOptions& options) {
  SubstanceComparison out;
  auto rows = runtime.db.read(
      [&](db::Connection& c) { return db::scanLiveSubstances(c, options.startUps); });
  std::map<std::string, std::vector<const db::SubstanceScanRow*>> byKey;
  for (const auto& r : rows) {
    if (!db::canSee(viewer, r.startUpId, r.visibility)) continue;
    ++out.perStartUp[r.startUpId];
    byKey[r.kind + "|" + r.compositionKey].push_back(&r);
  }
  for (const auto& entry : byKey) {
    const auto& group = entry.second;
    std::set<std::int64_t> owners;
    for (const auto* m : group) owners.insert(m->startUpId);
    if (owners.size() < 2) continue;
    SubstanceOverlap overlap;
    overlap.kind = group.front()->kind;
    for (const auto* m : group) overlap.substances.push_back(m->id);
    overlap.startUps.assign(owners.begin(), owners.end());
    out.overlaps.push_back(std::move(overlap));
  }
  std::sort(out.overlaps.begin(), out.overlaps.end(),
            [](const SubstanceOverlap& a, const SubstanceOverlap& b) {
              return a.substances.front() < b.substances.front();
            });
  return out;
}

}  // namespace

StartUpComparison compareStartUps(Runtime& runtime, const db::Principal& viewer,
                                  const ComparisonOptions& options) {
  if (!(options.threshold > 0 && options.threshold <= 1)) {
    throw invalidArgument("threshold must be above 0 and at most 1", {{"field", "threshold"}});
  }
  StartUpComparison out;
  out.threshold = options.threshold;
  std::vector<db::StartUp> all;
  std::vector<Member> members =
      loadMembers(runtime, viewer, options.startUps, options.maxCompounds, all);
  if (members.size() > options.maxCompounds) {
    members.pop_back();
    out.complete = false;
  }
  std::map<std::int64_t, std::size_t> column;
  listComparedStartUps(all, members, options, out, column);
  findIdentical(members, out);
  const PairScan scan = scanPairs(members, column, options, out);
  neighboursAndMatrix(members, column, scan, out);
  compareScaffolds(members, column, out);
  out.substances = compareSubstances(runtime, viewer, options);
  return out;
}

namespace {

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS(.fff)Z"; 0 when it does not read.
std::int64_t epochSeconds(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year,
                                     &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                                     &tm.tm_sec) != 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

// Marks registrations made in a burst of their start-up (`bulk`, by created_at).
std::vector<bool> bulkRegistrations(const std::vector<Member>& members,
                                    const std::vector<std::int64_t>& created) {
  std::map<std::int64_t, std::vector<std::size_t>> byStartUp;
  for (std::size_t i = 0; i < members.size(); ++i) byStartUp[members[i].startUp].push_back(i);
  std::vector<bool> bulk(members.size(), false);
  const std::int64_t window = kBulkWindowMinutes * 60;
  for (auto& [startUp, rows] : byStartUp) {
    std::sort(rows.begin(), rows.end(),
              [&](std::size_t x, std::size_t y) { return created[x] < created[y]; });
    std::size_t lo = 0, hi = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::int64_t t = created[rows[k]];
      while (created[rows[lo]] < t - window) ++lo;
      while (hi < rows.size() && created[rows[hi]] <= t + window) ++hi;
      bulk[rows[k]] = hi - lo >= kBulkRegistrations;
    }
  }
  return bulk;
}

}  // namespace

OverlapReport findOverlaps(Runtime& runtime, const db::Principal& admin, std::size_t maxCompounds) {
  if (!admin.isAdmin()) {
    throw permissionDenied("overlaps with unshared work are for the cluster's administrators");
  }
  OverlapReport report;
  std::vector<db::StartUp> all;
  std::vector<Member> members = loadMembers(runtime, admin, {}, maxCompounds, all);
  if (members.size() > maxCompounds) {
    members.pop_back();
    report.complete = false;
  }
  report.compounds = members.size();
  const std::size_t n = members.size();
  std::vector<std::int64_t> created(n);
  for (std::size_t i = 0; i < n; ++i) created[i] = epochSeconds(members[i].createdAt);
  const std::vector<bool> bulk = bulkRegistrations(members, created);
  const std::int64_t now = runtime.clock.nowMicros() / 1000000;
  auto side = [&](std::size_t i) {
    OverlapSide s;
    s.compound = members[i].id;
    s.startUp = members[i].startUp;
    s.visibility = members[i].visibility;
    s.createdAt = members[i].createdAt;
    s.bulk = bulk[i];
    s.recent = created[i] > now - kRecentDays * 86400;
    return s;
  };
  std::vector<std::vector<Overlap>> found(n);
  parallel(n, [&](std::size_t i) {
    const Member& a = members[i];
    for (std::size_t j = i + 1; j < n; ++j) {
      const Member& b = members[j];
      if (a.startUp == b.startUp) continue;
      if (a.visibility != "start-up" && b.visibility != "start-up") continue;  // both shared
      const bool identical = a.fullHash == b.fullHash;
      const double s = identical ? 1.0 : tanimoto(a, b);
      if (!identical && s < kOverlapThreshold) continue;
      const bool aFirst = created[i] < created[j] || (created[i] == created[j] && a.id < b.id);
      Overlap o;
      o.a = side(aFirst ? i : j);
      o.b = side(aFirst ? j : i);
      o.identical = identical;
      o.similarity = s;
      o.heldBecause = o.b.bulk ? "bulk" : o.b.recent ? "recent" : "";
      o.brokerable = o.heldBecause.empty();
      found[i].push_back(std::move(o));
    }
  });
  for (auto& f : found) {
    for (auto& o : f) report.overlaps.push_back(std::move(o));
  }
  std::sort(report.overlaps.begin(), report.overlaps.end(), [](const Overlap& x, const Overlap& y) {
    if (x.brokerable != y.brokerable) return x.brokerable;
    if (x.similarity != y.similarity) return x.similarity > y.similarity;
    return std::make_pair(x.a.compound, x.b.compound) < std::make_pair(y.a.compound, y.b.compound);
  });
  std::map<std::int64_t, std::pair<std::size_t, std::set<std::int64_t>>> held;
  for (const auto& o : report.overlaps) {
    if (o.brokerable) continue;
    auto& h = held[o.b.startUp];
    ++h.first;
    if (o.a.visibility == "start-up") h.second.insert(o.a.compound);
  }
  for (const auto& [startUp, h] : held) {
    if (h.second.size() >= kProbingAlertOverlaps) {
      report.alerts.push_back({startUp, h.first, h.second.size()});
    }
  }
  return report;
}

}  // namespace argan::server
