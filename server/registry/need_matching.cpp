#include "server/registry/need_matching.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "chem/substructure_query.h"
#include "common/error.h"
#include "db/compound_search.h"
#include "db/identifiers.h"
#include "db/need_match_store.h"
#include "db/record_codes.h"
#include "server/search/structure_search.h"

namespace argan::server {
namespace {

constexpr std::size_t kMaxHits = 500;
constexpr double kDefaultSimilarity = 0.6;
constexpr double kDefaultReplace = 0.5;
constexpr auto kScanBudget = std::chrono::seconds(5);

bool inScope(const MatchAudience& audience, std::int64_t owner) {
  return !audience.ownStartUp || *audience.ownStartUp == owner;
}

// Compounds that hit.
class CompoundSource : public NeedMatchSource {
 public:
  const char* kind() const override { return "compound"; }
  void collect(db::Connection& c, const db::Need& need, const MatchAudience& audience,
               const StructureHits& hits, std::vector<NeedMatch>& out) const override {
    std::vector<std::int64_t> ids;
    for (const auto& h : hits.hits) {
      if (inScope(audience, h.startUpId)) ids.push_back(h.compoundId);
    }
    if (ids.empty()) return;
    auto compounds = db::loadCompounds(c, audience.viewer, ids);
    std::vector<NeedMatch> found;
    for (const auto& compound : compounds) {
      if (compound.retiredAt || !inScope(audience, compound.startUpId)) continue;
      const StructureHit* hit = hits.find(compound.id);
      NeedMatch m;
      m.kind = kind();
      m.id = compound.id;
      m.code = compound.code();
      m.label = compound.identity.formula;
      m.smiles = compound.identity.canonicalSmiles;
      m.startUpId = compound.startUpId;
      m.visibility = compound.visibility;
      m.score = hit->score;
      m.replaces = hit->replaces;
      m.reasons.push_back(need.structureType.value_or("substructure") == "replace"
                              ? "replaces"
                              : *need.structureType);
      found.push_back(std::move(m));
    }
    std::sort(found.begin(), found.end(), [](const NeedMatch& a, const NeedMatch& b) {
      double sa = a.score.value_or(1), sb = b.score.value_or(1);
      return sa != sb ? sa > sb : a.id < b.id;
    });
    for (auto& m : found) out.push_back(std::move(m));
  }
};

// Products made of a hit compound, or whose texts name the need's function.
class ProductSource : public NeedMatchSource {
 public:
  const char* kind() const override { return "product"; }
  void collect(db::Connection& c, const db::Need& need, const MatchAudience& audience,
               const StructureHits& hits, std::vector<NeedMatch>& out) const override {
    const std::vector<std::string> words = db::functionWords(need.function);
    if (hits.hits.empty() && words.empty()) return;
    for (auto& cand : db::productMatchCandidates(c, audience.viewer, audience.ownStartUp)) {
      NeedMatch m;
      m.kind = kind();
      m.id = cand.id;
      m.code = db::productCode(cand.id);
      m.startUpId = cand.startUpId;
      m.visibility = cand.visibility;
      m.label = cand.label;
      const StructureHit* best = nullptr;
      for (auto id : cand.compoundIds) {
        const StructureHit* h = hits.find(id);
        if (h && (!best || h->score.value_or(1) > best->score.value_or(1))) best = h;
      }
      if (best) {
        m.reasons.push_back("contains");
        m.via = db::compoundCode(best->compoundId);
        m.score = best->score;
        m.replaces = best->replaces;
      }
      for (const auto& w : words) {
        if (cand.text.find(w) != std::string::npos) {
          m.reasons.push_back("function");
          break;
        }
      }
      if (!m.reasons.empty()) out.push_back(std::move(m));
    }
  }
};

// Fills the visibility of hit compounds (the index knows it, the hit does not carry it).
void fillVisibility(db::Connection& c, std::vector<StructureHit>& hits) {
  std::vector<std::int64_t> ids;
  for (const auto& h : hits) ids.push_back(h.compoundId);
  auto visibilities = db::compoundVisibilities(c, ids);
  for (std::size_t i = 0; i < hits.size(); ++i) hits[i].visibility = visibilities[i];
}

}  // namespace

MatchAudience MatchAudience::of(const db::Principal& caller) {
  MatchAudience a;
  a.viewer = caller;
  if (caller.isStartUpMember()) a.ownStartUp = caller.startUpId;
  return a;
}

MatchAudience MatchAudience::startUp(std::int64_t startUpId) {
  MatchAudience a;
  a.viewer.role = db::Role::Member;
  a.viewer.startUpId = startUpId;
  a.ownStartUp = startUpId;
  return a;
}

MatchAudience MatchAudience::partner(std::int64_t userId) {
  MatchAudience a;
  a.viewer.role = db::Role::Partner;
  a.viewer.userId = userId;
  return a;
}

const char* MatchAudience::scopeName() const {
  if (viewer.isAdmin()) return "all";
  if (ownStartUp) return "own";
  return "public";
}

const StructureHit* StructureHits::find(std::int64_t compoundId) const {
  auto it = std::lower_bound(hits.begin(), hits.end(), compoundId,
                             [](const StructureHit& h, std::int64_t id) {
                               return h.compoundId < id;
                             });
  return it != hits.end() && it->compoundId == compoundId ? &*it : nullptr;
}

StructureHits StructureHits::visibleTo(const db::Principal& viewer) const {
  StructureHits out;
  out.searched = searched;
  out.complete = complete;
  db::ReadScope scope = db::readScope(viewer);
  for (const auto& h : hits) {
    if (scope.admits(h.startUpId, h.visibility)) out.hits.push_back(h);
  }
  return out;
}

const std::vector<const NeedMatchSource*>& needMatchSources() {
  static const CompoundSource compounds;
  static const ProductSource products;
  static const std::vector<const NeedMatchSource*> sources = {&compounds, &products};
  return sources;
}

StructureHits findStructureHits(Runtime& runtime, const db::Need& need,
                                const db::Principal& viewer) {
  StructureHits out;
  if (!need.structureType || need.structures.empty()) return out;
  out.searched = true;
  if (!runtime.search) throw unavailable("structure search is not enabled on this server");
  StructureSearch& search = *runtime.search;
  search.index().trySync();
  auto snapshot = search.index().snapshot();
  ScanFilter filter;
  filter.viewer = viewer;
  std::map<std::int64_t, StructureHit> found;
  if (*need.structureType == "substructure") {
    const db::NeedStructure& s = need.structures.front();
    chem::SubstructureQuerySpec spec;
    spec.format = s.queryFormat;
    spec.text = s.queryText;
    spec.patternFingerprint = s.patternFp;
    spec.atoms = static_cast<unsigned>(s.queryAtoms);
    spec.screenBits = static_cast<unsigned>(s.screenBits);
    SubstructureOptions options;
    options.maxHits = kMaxHits;
    options.deadline = std::chrono::steady_clock::now() + kScanBudget;
    SearchOutcome outcome = search.engine().substructure(*snapshot, spec, filter, options);
    out.complete = outcome.complete;
    for (const auto& h : outcome.hits) {
      StructureHit hit;
      hit.compoundId = h.id;
      hit.startUpId = h.startUpId;
      found[h.id] = hit;
    }
  } else {
    const bool replace = *need.structureType == "replace";
    for (const auto& s : need.structures) {
      SimilarityOptions options;
      options.threshold = need.structureThreshold.value_or(replace ? kDefaultReplace
                                                                   : kDefaultSimilarity);
      options.maxHits = kMaxHits;
      SearchOutcome outcome = search.engine().similarity(*snapshot, s.morganFp, filter, options);
      out.complete = out.complete && outcome.complete;
      for (const auto& h : outcome.hits) {
        // A replacement is another molecule: the molecule to replace itself is not one.
        if (replace && h.score >= 0.999) continue;
        auto it = found.find(h.id);
        if (it != found.end() && it->second.score.value_or(0) >= h.score) continue;
        StructureHit hit;
        hit.compoundId = h.id;
        hit.startUpId = h.startUpId;
        hit.score = h.score;
        if (replace) hit.replaces = s.canonicalSmiles;
        found[h.id] = hit;
      }
    }
  }
  for (auto& [_, hit] : found) out.hits.push_back(hit);
  runtime.db.read([&](db::Connection& c) { fillVisibility(c, out.hits); });
  return out;
}

NeedMatches matchesFromHits(db::Connection& c, const db::Need& need,
                            const MatchAudience& audience, const StructureHits& hits) {
  NeedMatches out;
  out.scope = audience.scopeName();
  out.complete = hits.complete;
  for (const NeedMatchSource* source : needMatchSources()) {
    source->collect(c, need, audience, hits, out.items);
  }
  return out;
}

NeedMatches matchNeed(Runtime& runtime, const db::Need& need, const MatchAudience& audience) {
  StructureHits hits = findStructureHits(runtime, need, audience.viewer);
  return runtime.db.read(
      [&](db::Connection& c) { return matchesFromHits(c, need, audience, hits); });
}

}  // namespace argan::server
