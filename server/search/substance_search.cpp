// Substance search: the substances whose registered constituents (or monomers) match a
// structure query. The constituents of the substances the caller may see, filtered in SQL
// (db::searchableConstituents: visibility, kind, source, property range, the constituent's
// percentage), become the compound-id filter of the same index scans as compound search, where
// each constituent compound's own visibility is checked inside the scan; hits are grouped by
// substance. The compound search path is untouched (search_request.cpp branches on the
// scope first).
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/error.h"
#include "db/compound_search.h"
#include "server/isolation/chem_service.h"
#include "server/search/search_request.h"
#include "server/search/structure_search.h"

namespace argan::server {
namespace {

using Clock = std::chrono::steady_clock;

db::ConstituentSearchFilter constituentFilter(const SearchFilters& f) {
  if (f.productStage) {
    throw invalidArgument("filters.product_stage applies to compound searches, not substances",
                          {{"field", "filters.product_stage"}});
  }
  db::ConstituentSearchFilter out;
  out.startUps = f.startUps;
  out.kind = f.kind;
  out.visibility = f.visibility;
  out.source = f.source;
  out.propertyKey = f.propertyKey;
  out.propertyMin = f.propertyMin;
  out.propertyMax = f.propertyMax;
  out.percentMin = f.constituentMin;
  out.percentMax = f.constituentMax;
  out.includeRetired = f.includeRetired;
  return out;
}

}  // namespace

SearchResponse runSubstanceSearch(Runtime& runtime, const db::Principal& viewer,
                                  const SearchRequest& request) {
  const auto started = Clock::now();
  SearchResponse response;
  response.scope = "substances";
  response.type = request.type;
  const SearchFilters& f = request.filters;
  if ((f.propertyMin || f.propertyMax) && !f.propertyKey) {
    throw invalidArgument("filters.property_min/max need filters.property (e.g. \"acid_value\")",
                          {{"field", "filters.property"}});
  }
  if (f.constituentMin && f.constituentMax && *f.constituentMin > *f.constituentMax) {
    throw invalidArgument("filters.constituent_min is above filters.constituent_max",
                          {{"field", "filters.constituent_min"}});
  }

  // The constituents that may match, with visibility applied in the SQL.
  std::vector<db::ConstituentRow> rows = runtime.db.read([&](db::Connection& c) {
    return db::searchableConstituents(c, viewer, constituentFilter(f));
  });
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.compoundId);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  // Which constituent compounds match the query (and their scores).
  std::map<std::int64_t, double> matched;
  bool withScores = false;
  if (request.type == "exact") {
    ExactQuery exact = resolveExactQuery(runtime, request);
    response.queryCanonicalSmiles = exact.canonicalSmiles;
    if (exact.compoundId) {
      if (std::binary_search(ids.begin(), ids.end(), *exact.compoundId)) {
        auto visible = runtime.db.read([&](db::Connection& c) {
          return db::loadCompounds(c, viewer, {*exact.compoundId});
        });
        if (!visible.empty()) matched[*exact.compoundId] = 1.0;
      }
    } else if (!ids.empty()) {
      db::CompoundSearchFilter sql;
      sql.mwMin = f.mwMin;
      sql.mwMax = f.mwMax;
      sql.includeRetired = true;  // a retired parent is still the substance's constituent
      sql.compoundIds = ids;
      runtime.db.read([&](db::Connection& c) {
        for (std::int64_t page = 0;; ++page) {
          auto found = db::findCompoundsByLayer(c, viewer, exact.layer, exact.value, sql, page, 500);
          for (const auto& compound : found.items) matched[compound.id] = 1.0;
          if ((page + 1) * 500 >= found.total || found.items.empty()) break;
        }
        return 0;
      });
    }
  } else {
    if (!runtime.search) throw unavailable("structure search is not enabled on this server");
    StructureSearch& search = *runtime.search;
    ScanFilter scan;
    scan.viewer = viewer;  // each constituent compound's own visibility, inside the scan
    scan.mwMin = f.mwMin;
    scan.mwMax = f.mwMax;
    scan.includeRetired = true;
    scan.compoundIds = std::make_shared<const std::vector<std::int64_t>>(ids);
    if (request.type == "substructure") {
      chem::SubstructureQuerySpec spec =
          runtime.chem.prepareSubstructureQuery(request.query, request.format);
      if (spec.screenBits == 0 || spec.atoms < 2) {
        throw invalidArgument(
            "the query is too general to search: it would match (almost) every structure; "
            "give at least two atoms and a bond",
            {{"field", "query"}, {"limit", "query_too_general"}});
      }
      response.queryFormat = spec.format;
      response.screenBits = spec.screenBits;
      if (!ids.empty()) {
        search.index().trySync();
        auto snapshot = search.index().snapshot();
        SubstructureOptions options;
        options.maxHits = request.maxHits;
        options.stopAfter = 0;  // every matching constituent: hits are grouped by substance
        options.deadline = started + std::chrono::milliseconds(request.timeBudgetMs);
        SearchOutcome outcome = search.engine().substructure(*snapshot, spec, scan, options);
        for (const auto& hit : outcome.hits) matched[hit.id] = 1.0;
        response.complete = outcome.complete;
        response.stoppedBy = outcome.stoppedBy;
        response.candidates = outcome.candidates;
      }
    } else {
      chem::SimilarityQuerySpec spec =
          runtime.chem.prepareSimilarityQuery(request.query, request.format);
      response.queryCanonicalSmiles = spec.canonicalSmiles;
      withScores = true;
      if (!ids.empty()) {
        search.index().trySync();
        auto snapshot = search.index().snapshot();
        SimilarityOptions options;
        options.threshold = request.threshold.value_or(request.k ? 0.0 : 0.7);
        options.maxHits = std::max<std::size_t>(request.maxHits, ids.size());
        SearchOutcome outcome =
            search.engine().similarity(*snapshot, spec.morganFingerprint, scan, options);
        for (const auto& hit : outcome.hits) matched[hit.id] = hit.score;
        response.candidates = outcome.candidates;
      }
    }
  }
  response.withScores = withScores;

  // Group by substance: rows are ordered by substance, then constituents before monomers.
  std::vector<SubstanceHit> hits;
  for (const auto& r : rows) {
    auto m = matched.find(r.compoundId);
    if (m == matched.end()) continue;
    if (hits.empty() || hits.back().substanceId != r.substanceId) {
      SubstanceHit hit;
      hit.substanceId = r.substanceId;
      hits.push_back(std::move(hit));
    }
    SubstanceHit& hit = hits.back();
    hit.matched.push_back(r);
    hit.scores.push_back(m->second);
    hit.score = std::max(hit.score, m->second);
  }
  if (withScores) {
    std::stable_sort(hits.begin(), hits.end(), [](const SubstanceHit& a, const SubstanceHit& b) {
      return a.score > b.score || (a.score == b.score && a.substanceId < b.substanceId);
    });
    if (request.k && hits.size() > request.k) hits.resize(request.k);
  }
  response.total = static_cast<std::int64_t>(hits.size());

  const std::size_t pageStart = static_cast<std::size_t>(request.page * request.pageSize);
  const std::size_t pageEnd =
      std::min(hits.size(), pageStart + static_cast<std::size_t>(request.pageSize));
  std::set<std::int64_t> compoundIds;
  runtime.db.read([&](db::Connection& c) {
    for (std::size_t i = pageStart; i < pageEnd; ++i) {
      // Loaded with the caller's visibility again (defence in depth): a substance hidden
      // since the scan is dropped with its hit.
      auto substance = db::findSubstance(c, viewer, hits[i].substanceId);
      if (!substance) continue;
      for (const auto& row : hits[i].matched) compoundIds.insert(row.compoundId);
      response.substances.push_back(std::move(*substance));
      response.substanceHits.push_back(std::move(hits[i]));
    }
    response.constituentCompounds =
        db::loadCompounds(c, viewer, {compoundIds.begin(), compoundIds.end()});
    return 0;
  });
  response.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return response;
}

}  // namespace argan::server
