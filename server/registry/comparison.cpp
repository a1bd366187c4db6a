#include "server/registry/comparison.h"

#include <algorithm>
#include <atomic>
#include <cmath>
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
  std::uint64_t fp[chem::kFingerprintWords];
  unsigned bits = 0;
  std::string pickle;
  bool visible = false;  // to the caller
  bool own = false;      // the caller's start-up
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

// The live parents compared, read in one snapshot; `all` receives every start-up.
std::vector<Member> loadMembers(Runtime& runtime, const db::Principal& viewer,
                                const ComparisonOptions& options, std::vector<db::StartUp>& all) {
  std::vector<Member> members;
  runtime.db.snapshot([&](db::Connection& c) {
    all = db::listStartUps(c);
    std::set<std::int64_t> wanted(options.startUps.begin(), options.startUps.end());
    for (std::int64_t id : wanted) {
      if (std::none_of(all.begin(), all.end(), [&](const db::StartUp& s) { return s.id == id; })) {
        throw invalidArgument("no start-up with id " + std::to_string(id),
                              {{"field", "start_ups"}});
      }
    }
    db::scanLiveCompounds(c, {wanted.begin(), wanted.end()}, options.maxCompounds + 1,
                          [&](const db::CompoundScanRow& row) {
                            Member m;
                            m.id = row.id;
                            m.startUp = row.startUpId;
                            m.visibility = std::string(row.visibility);
                            m.fullHash = std::string(row.fullHash);
                            chem::loadFingerprint(std::string(row.morganFp), m.fp);
                            m.bits = chem::popcountWords(m.fp, chem::kFingerprintWords);
                            m.pickle = std::string(row.pickle);
                            m.visible = db::canSee(viewer, m.startUp, m.visibility);
                            m.own = viewer.belongsTo(m.startUp);
                            members.push_back(std::move(m));
                          });
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
                                      [&](const Member& m) { return m.startUp == s.id && m.visible; })
                        : std::find(options.startUps.begin(), options.startUps.end(), s.id) !=
                              options.startUps.end();
    if (!involved) continue;
    column[s.id] = out.startUps.size();
    ComparedStartUp cs;
    cs.id = s.id;
    cs.name = s.name;
    out.startUps.push_back(cs);
  }
  for (const auto& m : members) {
    if (m.visible) ++out.startUps[column[m.startUp]].compounds;
  }
}

// Identical parents by full hash; marks the caller's compounds identical to a hidden one.
std::vector<bool> findIdentical(const std::vector<Member>& members, StartUpComparison& out) {
  const std::size_t n = members.size();
  std::map<std::string, std::vector<std::size_t>> byHash;
  for (std::size_t i = 0; i < n; ++i) byHash[members[i].fullHash].push_back(i);
  std::vector<bool> identicalPrivate(n, false);
  for (const auto& [hash, group] : byHash) {
    std::set<std::int64_t> owners;
    for (std::size_t i : group) owners.insert(members[i].startUp);
    if (owners.size() < 2) continue;
    IdenticalGroup g;
    std::set<std::int64_t> visibleOwners;
    bool hidden = false;
    for (std::size_t i : group) {
      if (members[i].visible) {
        g.compounds.push_back(members[i].id);
        visibleOwners.insert(members[i].startUp);
      } else {
        hidden = true;
      }
    }
    bool ownInGroup = false;
    for (std::size_t i : group) {
      if (!members[i].own) continue;
      ownInGroup = true;
      for (std::size_t j : group) {
        if (!members[j].visible && members[j].startUp != members[i].startUp) {
          identicalPrivate[i] = true;
        }
      }
    }
    g.startUps.assign(visibleOwners.begin(), visibleOwners.end());
    g.heldPrivatelyElsewhere = hidden && ownInGroup;
    if (visibleOwners.size() >= 2 || g.heldPrivatelyElsewhere) out.identical.push_back(std::move(g));
  }

  return identicalPrivate;
}

// All pairs: the best visible neighbour of each visible compound per start-up, the private
// signals of the caller's own compounds, near-duplicates.
struct PairScan {
  struct Best {
    double score = -1;
    std::int64_t id = 0;
  };
  std::vector<std::vector<Best>> best;  // [compound][start-up column]
  std::vector<char> similarPrivate;     // [compound]
};

PairScan scanPairs(const std::vector<Member>& members, const std::map<std::int64_t, std::size_t>& column,
                   const ComparisonOptions& options, StartUpComparison& out) {
  const std::size_t n = members.size();
  const std::size_t nS = out.startUps.size();
  PairScan scan;
  auto& best = scan.best;
  auto& similarPrivate = scan.similarPrivate;
  best.assign(n, std::vector<PairScan::Best>(nS));
  similarPrivate.assign(n, 0);
  std::vector<std::vector<NearDuplicate>> pairsOf(n);
  parallel(n, [&](std::size_t i) {
    const Member& a = members[i];
    if (!a.visible) return;  // rows are reported for visible compounds only
    for (std::size_t j = 0; j < n; ++j) {
      const Member& b = members[j];
      if (b.startUp == a.startUp) continue;
      const double s = tanimoto(a, b);
      if (!b.visible) {
        if (a.own && s >= kOverlapSignalThreshold) similarPrivate[i] = 1;
        continue;
      }
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

// Each visible compound's nearest neighbour per start-up, and the start-up similarity matrix
// (mean of the best similarities).
void neighboursAndMatrix(const std::vector<Member>& members,
                         const std::map<std::int64_t, std::size_t>& column, const PairScan& scan,
                         const std::vector<bool>& identicalPrivate, StartUpComparison& out) {
  const std::size_t n = members.size();
  const std::size_t nS = out.startUps.size();
  const auto& best = scan.best;
  const auto& similarPrivate = scan.similarPrivate;
  out.matrix.assign(nS, std::vector<std::optional<double>>(nS));
  std::vector<std::vector<double>> sums(nS, std::vector<double>(nS, 0));
  std::vector<std::vector<std::size_t>> counts(nS, std::vector<std::size_t>(nS, 0));
  for (std::size_t i = 0; i < n; ++i) {
    const Member& a = members[i];
    if (!a.visible) continue;
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
    if (a.own) {
      row.identicalPrivateElsewhere = identicalPrivate[i];
      row.similarPrivateElsewhere = similarPrivate[i] != 0;
      if (row.identicalPrivateElsewhere || row.similarPrivateElsewhere) ++out.privateSignals;
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
    if (members[i].visible) scaffolds[i] = chem::murckoScaffoldOfPickle(members[i].pickle);
  });
  std::map<std::string, std::map<std::int64_t, std::size_t>> scaffoldOwners;
  std::vector<std::set<std::string>> scaffoldSets(nS);
  for (std::size_t i = 0; i < n; ++i) {
    if (!members[i].visible || scaffolds[i].empty()) continue;
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
// start-ups that differ); and, as for compounds, a signal without identity for each of the
// caller's own substances whose composition another start-up holds privately.
SubstanceComparison compareSubstances(Runtime& runtime, const db::Principal& viewer,
                                      const ComparisonOptions& options) {
  SubstanceComparison out;
  auto rows = runtime.db.read(
      [&](db::Connection& c) { return db::scanLiveSubstances(c, options.startUps); });
  struct Seen {
    const db::SubstanceScanRow* row;
    bool visible;
  };
  std::map<std::string, std::vector<Seen>> byKey;
  for (const auto& r : rows) {
    const bool visible = db::canSee(viewer, r.startUpId, r.visibility);
    if (visible) ++out.perStartUp[r.startUpId];
    byKey[r.kind + "|" + r.compositionKey].push_back({&r, visible});
  }
  for (const auto& [key, group] : byKey) {
    std::set<std::int64_t> owners;
    std::size_t own = 0;
    bool hiddenElsewhere = false;
    for (const auto& m : group) {
      if (m.visible) owners.insert(m.row->startUpId);
      if (viewer.startUpId && m.row->startUpId == *viewer.startUpId) ++own;
      if (!m.visible) hiddenElsewhere = true;
    }
    if (own && hiddenElsewhere) out.privateSignals += own;
    if (owners.size() < 2) continue;
    SubstanceOverlap overlap;
    overlap.kind = group.front().row->kind;
    for (const auto& m : group) {
      if (m.visible) overlap.substances.push_back(m.row->id);
    }
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
  std::vector<Member> members = loadMembers(runtime, viewer, options, all);
  if (members.size() > options.maxCompounds) {
    members.pop_back();
    out.complete = false;
  }
  std::map<std::int64_t, std::size_t> column;
  listComparedStartUps(all, members, options, out, column);
  const std::vector<bool> identicalPrivate = findIdentical(members, out);
  const PairScan scan = scanPairs(members, column, options, out);
  neighboursAndMatrix(members, column, scan, identicalPrivate, out);
  compareScaffolds(members, column, out);
  out.substances = compareSubstances(runtime, viewer, options);
  return out;
}

}  // namespace argan::server
