// Running a structure search for a caller: filters resolved for the caller, then the exact
// (SQL), substructure or similarity (index scan) search, and the page of compounds it names.
#include "server/search/search_request.h"

#include <algorithm>
#include <chrono>

#include "common/error.h"
#include "db/compound_search.h"
#include "db/identifiers.h"
#include "server/isolation/chem_service.h"
#include "server/search/structure_search.h"

namespace argan::server {
namespace {

using Clock = std::chrono::steady_clock;

// Substructure queries whose screen passes more than this share of a registry of at least
// kMinRowsForSelectivity parents are refused as too general (docs/search.md).
constexpr double kMaxScreenFraction = 0.6;
// Parents sharing a query's skeleton that a tautomer search examines (a skeleton is rare:
// the tautomers, protomers and stereoisomers of one compound).
constexpr std::int64_t kMaxTautomerCandidates = 500;
constexpr std::size_t kMinRowsForSelectivity = 2000;

db::ExactLayer parseMatch(const std::string& match) {
  if (match == "full") return db::ExactLayer::FullHash;
  if (match == "stereo") return db::ExactLayer::NoStereo;
  if (match == "tautomer") return db::ExactLayer::Tautomer;
  if (match == "stereo_tautomer") return db::ExactLayer::NoStereoTautomer;
  throw invalidArgument("match must be full, stereo (stereo-insensitive), tautomer "
                        "(tautomer-insensitive) or stereo_tautomer",
                        {{"field", "match"}});
}

std::string layerValue(const db::CompoundIdentity& id, db::ExactLayer layer) {
  switch (layer) {
    case db::ExactLayer::FullHash: return id.fullHash;
    case db::ExactLayer::NoStereo: return id.noStereoSmiles;
    case db::ExactLayer::Tautomer: return id.tautomerHash;
    case db::ExactLayer::NoStereoTautomer: return id.noStereoTautomerHash;
    case db::ExactLayer::InchiKey:
    case db::ExactLayer::InchiKeySkeleton: return id.inchiKey;
    case db::ExactLayer::Skeleton: return id.skeleton;
  }
  return id.fullHash;
}

bool isInchiKeyBlock(const std::string& s, std::size_t from, std::size_t len) {
  for (std::size_t i = from; i < from + len; ++i) {
    if (s[i] < 'A' || s[i] > 'Z') return false;
  }
  return true;
}
}  // namespace

ExactQuery resolveExactQuery(Runtime& runtime, const SearchRequest& request) {
  ExactQuery q;
  if (request.format == "inchikey") {
    const std::string& key = request.query;
    if (key.size() == 27 && key[14] == '-' && key[25] == '-' && isInchiKeyBlock(key, 0, 14) &&
        isInchiKeyBlock(key, 15, 10) && isInchiKeyBlock(key, 26, 1)) {
      q.layer = db::ExactLayer::InchiKey;
    } else if (key.size() == 14 && isInchiKeyBlock(key, 0, 14)) {
      q.layer = db::ExactLayer::InchiKeySkeleton;
    } else {
      throw invalidArgument("not an InChIKey (27 characters, or its first block of 14)",
                            {{"field", "query"}});
    }
    q.value = key;
    return q;
  }
  if (request.format == "identifier") {
    auto code = db::parseCode(request.query);
    if (!code) {
      throw invalidArgument("not a compound identifier (CMP-000123 or a number)",
                            {{"field", "query"}});
    }
    q.compoundId = code->compoundId;
    return q;
  }
  q.layer = parseMatch(request.match);
  chem::StructureAnalysis analysis = runtime.chem.analyse(request.query, request.format);
  q.canonicalSmiles = analysis.identity.canonicalSmiles;
  db::CompoundIdentity identity;
  identity.fullHash = analysis.identity.fullHash;
  identity.noStereoSmiles = analysis.identity.noStereoSmiles;
  identity.tautomerHash = analysis.identity.tautomerHash;
  identity.noStereoTautomerHash = analysis.identity.noStereoTautomerHash;
  identity.skeleton = analysis.identity.skeleton;
  identity.inchiKey = analysis.identity.inchiKey;
  q.value = layerValue(identity, q.layer);
  q.noStereoSmiles = analysis.identity.noStereoSmiles;
  q.skeleton = analysis.identity.skeleton;
  return q;
}

ResolvedFilters resolveFilters(Runtime& runtime, const db::Principal& viewer,
                               const SearchFilters& filters) {
  ResolvedFilters r;
  r.sql.startUps = filters.startUps;
  r.sql.visibility = filters.visibility;
  r.sql.mwMin = filters.mwMin;
  r.sql.mwMax = filters.mwMax;
  r.sql.includeRetired = filters.includeRetired;
  r.scan.viewer = viewer;
  r.scan.startUps = filters.startUps;
  if (filters.visibility) {
    r.scan.visibility = rowFlags(*filters.visibility, false);
  }
  r.scan.mwMin = filters.mwMin;
  r.scan.mwMax = filters.mwMax;
  r.scan.includeRetired = filters.includeRetired;
  if (filters.productStage) {
    auto ids = runtime.db.read([&](db::Connection& c) {
      return compoundIdsForFilter(c, viewer, "product_stage", *filters.productStage);
    });
    r.sql.compoundIds = ids;
    r.scan.compoundIds = std::make_shared<const std::vector<std::int64_t>>(std::move(ids));
  }
  return r;
}

SearchResponse runSearch(Runtime& runtime, const db::Principal& viewer,
                         const SearchRequest& request) {
  if (request.scope == "substances") return runSubstanceSearch(runtime, viewer, request);
  if (request.filters.substanceOnly()) {
    throw invalidArgument("filters kind, source, property and constituent_min/max apply to "
                          "substance searches (\"scope\": \"substances\")",
                          {{"field", "filters"}});
  }
  const auto started = Clock::now();
  SearchResponse response;
  response.type = request.type;
  ResolvedFilters filters = resolveFilters(runtime, viewer, request.filters);
  const std::size_t pageStart = static_cast<std::size_t>(request.page * request.pageSize);
  const std::size_t pageEnd = pageStart + static_cast<std::size_t>(request.pageSize);

  if (request.type == "exact") {
    ExactQuery exact = resolveExactQuery(runtime, request);
    if (exact.compoundId) {
      auto compounds = runtime.db.read([&](db::Connection& c) {
        return db::loadCompounds(c, viewer, {*exact.compoundId});
      });
      // The identifier path applies the same filters, in C++, to at most one record.
      for (const auto& compound : compounds) {
        bool ok = (filters.sql.includeRetired || !compound.retiredAt) &&
                  (filters.sql.startUps.empty() ||
                   std::binary_search(filters.sql.startUps.begin(), filters.sql.startUps.end(),
                                      compound.startUpId)) &&
                  (!filters.sql.visibility || *filters.sql.visibility == compound.visibility) &&
                  (!filters.sql.mwMin || compound.identity.mw >= *filters.sql.mwMin) &&
                  (!filters.sql.mwMax || compound.identity.mw <= *filters.sql.mwMax) &&
                  (!filters.sql.compoundIds ||
                   std::binary_search(filters.sql.compoundIds->begin(),
                                      filters.sql.compoundIds->end(), compound.id));
        if (ok) response.compounds.push_back(compound);
      }
      response.total = static_cast<std::int64_t>(response.compounds.size());
      if (request.page > 0) response.compounds.clear();
      response.hits.resize(response.compounds.size());
      response.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      return response;
    }
    response.queryCanonicalSmiles = exact.canonicalSmiles;
    const db::ExactLayer layer = exact.layer;
    const std::string& value = exact.value;
    if (layer == db::ExactLayer::Tautomer || layer == db::ExactLayer::NoStereoTautomer) {
      // Tautomer modes find what registration flags as a tautomer: the parents that share
      // the skeleton layer and whose tautomer hash agrees or that RDKit's canonical
      // tautomer says are tautomers (keto/enol, nitroso/oxime), stereo as the mode says.
      auto candidates = runtime.db.read([&](db::Connection& c) {
        return db::findCompoundsByLayer(c, viewer, db::ExactLayer::Skeleton, exact.skeleton,
                                        filters.sql, 0, kMaxTautomerCandidates);
      });
      std::vector<db::Compound> matched;
      for (auto& candidate : candidates.items) {
        const auto& id = candidate.identity;
        bool same = layer == db::ExactLayer::Tautomer ? id.tautomerHash == value
                                                      : id.noStereoTautomerHash == value;
        if (!same) {
          bool tautomers = false;
          try {
            tautomers = runtime.chem.areTautomers(exact.canonicalSmiles, id.canonicalSmiles);
          } catch (const Error& e) {
            if (e.code() != ErrorCode::InvalidArgument) throw;  // an unreadable old record
          }
          // areTautomers ignores stereo: the stereo-keeping mode takes its answer only for
          // two structures without stereo.
          same = tautomers && (layer == db::ExactLayer::NoStereoTautomer ||
                               (id.noStereoSmiles == id.canonicalSmiles &&
                                exact.noStereoSmiles == exact.canonicalSmiles));
        }
        if (same) matched.push_back(std::move(candidate));
      }
      response.total = static_cast<std::int64_t>(matched.size());
      for (std::size_t i = pageStart; i < std::min(pageEnd, matched.size()); ++i) {
        response.compounds.push_back(std::move(matched[i]));
      }
      response.hits.resize(response.compounds.size());
      response.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      return response;
    }
    auto page = runtime.db.read([&](db::Connection& c) {
      return db::findCompoundsByLayer(c, viewer, layer, value, filters.sql, request.page,
                                      request.pageSize);
    });
    response.compounds = std::move(page.items);
    response.hits.resize(response.compounds.size());
    response.total = page.total;
    response.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return response;
  }

  if (!runtime.search) throw unavailable("structure search is not enabled on this server");
  StructureSearch& search = *runtime.search;
  search.index().trySync();
  auto snapshot = search.index().snapshot();
  SearchOutcome outcome;
  if (request.type == "substructure") {
    chem::SubstructureQuerySpec spec = runtime.chem.prepareSubstructureQuery(request.query, request.format);
    // A lone element (C, Cl, [#6], *) or a pattern that sets no screening bit is an element
    // filter that matches (almost) every structure: refused rather than scanned to the cap.
    if (spec.screenBits == 0 || spec.elementOnly) {
      throw invalidArgument(
          "the query is too general to search: a lone element matches (almost) every "
          "structure; give a bond, a charge, a hydrogen count or a ring condition",
          {{"field", "query"}, {"limit", "query_too_general"}});
    }
    // Otherwise by measured selectivity: the share of the registry the screen lets through.
    const std::size_t indexed = snapshot->compounds();
    if (indexed >= kMinRowsForSelectivity) {
      const std::size_t candidates = search.engine().screenCandidates(*snapshot, spec);
      const double fraction = static_cast<double>(candidates) / static_cast<double>(indexed);
      if (fraction > kMaxScreenFraction) {
        throw invalidArgument(
            "the query is too general to search: " + std::to_string(candidates) + " of " +
                std::to_string(indexed) +
                " structures pass its screen; make it more specific",
            {{"field", "query"},
             {"limit", "query_too_general"},
             {"candidate_fraction", fraction}});
      }
    }
    response.queryFormat = spec.format;
    response.screenBits = spec.screenBits;
    SubstructureOptions options;
    options.maxHits = request.maxHits;
    options.stopAfter = request.countAll ? 0 : pageEnd + 1;
    // The budget, and never past the request's deadline (the gate cuts the connection then).
    std::int64_t budgetMs = std::min<std::int64_t>(
        request.timeBudgetMs,
        std::max<std::int64_t>(100, runtime.config.requestDeadlineSeconds * 1000LL - 1000));
    options.deadline = started + std::chrono::milliseconds(budgetMs);
    options.cancel = &search.cancelled();
    options.atomsFrom = pageStart;
    options.atomsTo = pageEnd;
    outcome = search.engine().substructure(*snapshot, spec, filters.scan, options);
  } else {
    chem::SimilarityQuerySpec spec = runtime.chem.prepareSimilarityQuery(request.query, request.format);
    response.queryCanonicalSmiles = spec.canonicalSmiles;
    SimilarityOptions options;
    options.k = request.k;
    options.threshold = request.threshold.value_or(request.k ? 0.0 : 0.7);
    options.maxHits = request.maxHits;
    outcome = search.engine().similarity(*snapshot, spec.morganFingerprint, filters.scan, options);
    response.withScores = true;
  }
  response.total = outcome.total;
  response.complete = outcome.complete;
  response.stoppedBy = outcome.stoppedBy;
  response.candidates = outcome.candidates;

  std::vector<std::int64_t> ids;
  for (std::size_t i = pageStart; i < std::min(pageEnd, outcome.hits.size()); ++i) {
    ids.push_back(outcome.hits[i].id);
    response.hits.push_back(outcome.hits[i]);
  }
  auto compounds = runtime.db.read([&](db::Connection& c) {
    return db::loadCompounds(c, viewer, ids);
  });
  // loadCompounds keeps the order and applies visibility again; a hit that became invisible
  // between the scan and this read is dropped with its compound.
  std::vector<SearchHit> kept;
  std::size_t next = 0;
  for (const auto& hit : response.hits) {
    if (next < compounds.size() && compounds[next].id == hit.id) {
      kept.push_back(hit);
      ++next;
    }
  }
  response.hits = std::move(kept);
  response.compounds = std::move(compounds);
  response.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return response;
}
}  // namespace argan::server
