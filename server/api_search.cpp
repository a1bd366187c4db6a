// POST /api/search — exact, substructure and similarity search over the registry.
//
// Request:  {type, query, format?, match?, threshold?, k?, filters?, page?, page_size?,
//            max_hits?, time_budget_ms?, count_all?}
// Answer:   {type, hits: [{compound, score?, matched_atoms?, depiction}], total, complete,
//            stopped_by?, page, page_size, elapsed_ms, query: {...}}
// The query text is untrusted: it is checked and parsed through ChemService. Filters and the
// caller's visibility apply inside the scan (search_engine.h) or the SQL (compound_search.h).
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/error.h"
#include "db/compound_search.h"
#include "db/identifiers.h"
#include "server/api_routes.h"
#include "server/compound_json.h"
#include "server/json_fields.h"
#include "server/request_context.h"
#include "server/search_api.h"
#include "server/search_service.h"

namespace argan::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxQueryBytes = 64 * 1024;

std::string highlightLink(const std::string& code, const std::vector<int>& atoms) {
  std::string link = "/api/compounds/" + code + "/depiction.svg";
  if (atoms.empty()) return link;
  link += "?highlight=";
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (i) link += ",";
    link += std::to_string(atoms[i]);
  }
  return link;
}

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
  }
  return id.fullHash;
}

bool isInchiKeyBlock(const std::string& s, std::size_t from, std::size_t len) {
  for (std::size_t i = from; i < from + len; ++i) {
    if (s[i] < 'A' || s[i] > 'Z') return false;
  }
  return true;
}

Poco::JSON::Object::Ptr hitJson(const db::Compound& compound, const SearchHit* hit,
                                bool withScore) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Object::Ptr c = compoundSummaryJson(compound);
  Poco::JSON::Object::Ptr links = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  links->set("self", "/api/compounds/" + compound.code());
  links->set("depiction", "/api/compounds/" + compound.code() + "/depiction.svg");
  c->set("links", links);
  o->set("compound", c);
  if (withScore && hit) o->set("score", std::round(hit->score * 1e6) / 1e6);
  if (hit && !hit->matchedAtoms.empty()) {
    Poco::JSON::Array::Ptr atoms = new Poco::JSON::Array;
    for (int a : hit->matchedAtoms) atoms->add(a);
    o->set("matched_atoms", atoms);
  }
  o->set("depiction", highlightLink(compound.code(), hit ? hit->matchedAtoms : std::vector<int>{}));
  return o;
}

}  // namespace

SearchRequest parseSearchRequest(const Poco::JSON::Object::Ptr& json) {
  JsonFields body(json);
  body.allowOnly({"type", "query", "format", "match", "threshold", "k", "filters", "page",
                  "page_size", "max_hits", "time_budget_ms", "count_all"});
  SearchRequest r;
  r.type = body.reqString("type", 20);
  if (r.type != "exact" && r.type != "substructure" && r.type != "similarity") {
    throw invalidArgument("type must be exact, substructure or similarity", {{"field", "type"}});
  }
  r.query = body.reqString("query", kMaxQueryBytes);
  if (r.query.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw invalidArgument("the query is empty", {{"field", "query"}});
  }
  r.format = body.optString("format", 20).value_or("");
  r.match = body.optString("match", 20).value_or("full");
  r.threshold = body.optNumber("threshold");
  if (r.threshold && !(*r.threshold >= 0 && *r.threshold <= 1)) {
    throw invalidArgument("threshold must be between 0 and 1", {{"field", "threshold"}});
  }
  if (auto k = body.optInt("k")) {
    if (*k < 1 || *k > 1000) throw invalidArgument("k must be between 1 and 1000", {{"field", "k"}});
    r.k = static_cast<std::size_t>(*k);
  }
  r.page = body.optInt("page").value_or(0);
  r.pageSize = body.optInt("page_size").value_or(50);
  if (r.page < 0 || r.page > 100000) {
    throw invalidArgument("page must be between 0 and 100000", {{"field", "page"}});
  }
  if (r.pageSize < 1 || r.pageSize > 500) {
    throw invalidArgument("page_size must be between 1 and 500", {{"field", "page_size"}});
  }
  if (auto cap = body.optInt("max_hits")) {
    if (*cap < 1 || *cap > 100000) {
      throw invalidArgument("max_hits must be between 1 and 100000", {{"field", "max_hits"}});
    }
    r.maxHits = static_cast<std::size_t>(*cap);
  }
  if (auto budget = body.optInt("time_budget_ms")) {
    if (*budget < 1 || *budget > 60000) {
      throw invalidArgument("time_budget_ms must be between 1 and 60000",
                            {{"field", "time_budget_ms"}});
    }
    r.timeBudgetMs = *budget;
  }
  r.countAll = body.optBool("count_all").value_or(false);
  if (auto filters = body.optObject("filters")) r.filters = parseSearchFilters(*filters);
  return r;
}

SearchFilters parseSearchFilters(const JsonFields& f) {
  f.allowOnly({"start_up", "visibility", "mw_min", "mw_max", "include_retired",
               "product_stage"});
  SearchFilters out;
  if (f.has("start_up")) {
    if (f.object()->isArray("start_up")) {
      auto list = f.optArray("start_up");
      for (std::size_t i = 0; i < list->size(); ++i) {
        Poco::Dynamic::Var v = list->get(static_cast<unsigned>(i));
        if (!v.isInteger()) {
          throw invalidArgument("filters.start_up must be a start-up id or a list of ids",
                                {{"field", "filters.start_up"}});
        }
        out.startUps.push_back(v.convert<Poco::Int64>());
      }
      if (out.startUps.size() > 1000) {
        throw invalidArgument("filters.start_up lists too many start-ups",
                              {{"field", "filters.start_up"}});
      }
    } else {
      out.startUps.push_back(f.reqInt("start_up"));
    }
    std::sort(out.startUps.begin(), out.startUps.end());
  }
  out.visibility = f.optString("visibility", 20);
  if (out.visibility && !db::parseVisibility(*out.visibility)) {
    throw invalidArgument("filters.visibility must be start-up, cluster or public",
                          {{"field", "filters.visibility"}});
  }
  out.mwMin = f.optNumber("mw_min");
  out.mwMax = f.optNumber("mw_max");
  out.includeRetired = f.optBool("include_retired").value_or(false);
  out.productStage = f.optString("product_stage", 40);
  return out;
}

ResolvedFilters resolveFilters(Services& services, const db::Principal& viewer,
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
    auto ids = services.db.read([&](db::Connection& c) {
      return compoundIdsForFilter(c, viewer, "product_stage", *filters.productStage);
    });
    r.sql.compoundIds = ids;
    r.scan.compoundIds = std::make_shared<const std::vector<std::int64_t>>(std::move(ids));
  }
  return r;
}

SearchResponse runSearch(Services& services, const db::Principal& viewer,
                         const SearchRequest& request) {
  const auto started = Clock::now();
  SearchResponse response;
  response.type = request.type;
  ResolvedFilters filters = resolveFilters(services, viewer, request.filters);
  const std::size_t pageStart = static_cast<std::size_t>(request.page * request.pageSize);
  const std::size_t pageEnd = pageStart + static_cast<std::size_t>(request.pageSize);

  if (request.type == "exact") {
    db::ExactLayer layer = db::ExactLayer::FullHash;
    std::string value;
    if (request.format == "inchikey") {
      const std::string& key = request.query;
      if (key.size() == 27 && key[14] == '-' && key[25] == '-' && isInchiKeyBlock(key, 0, 14) &&
          isInchiKeyBlock(key, 15, 10) && isInchiKeyBlock(key, 26, 1)) {
        layer = db::ExactLayer::InchiKey;
      } else if (key.size() == 14 && isInchiKeyBlock(key, 0, 14)) {
        layer = db::ExactLayer::InchiKeySkeleton;
      } else {
        throw invalidArgument("not an InChIKey (27 characters, or its first block of 14)",
                              {{"field", "query"}});
      }
      value = key;
    } else if (request.format == "identifier") {
      auto code = db::parseCode(request.query);
      if (!code) {
        throw invalidArgument("not a compound identifier (CMP-000123 or a number)",
                              {{"field", "query"}});
      }
      auto compounds = services.db.read([&](db::Connection& c) {
        return db::loadCompounds(c, viewer, {code->compoundId});
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
    } else {
      layer = parseMatch(request.match);
      chem::StructureAnalysis analysis = services.chem.analyse(request.query, request.format);
      response.queryCanonicalSmiles = analysis.identity.canonicalSmiles;
      db::CompoundIdentity identity;
      identity.fullHash = analysis.identity.fullHash;
      identity.noStereoSmiles = analysis.identity.noStereoSmiles;
      identity.tautomerHash = analysis.identity.tautomerHash;
      identity.noStereoTautomerHash = analysis.identity.noStereoTautomerHash;
      identity.inchiKey = analysis.identity.inchiKey;
      value = layerValue(identity, layer);
    }
    auto page = services.db.read([&](db::Connection& c) {
      return db::findCompoundsByLayer(c, viewer, layer, value, filters.sql, request.page,
                                      request.pageSize);
    });
    response.compounds = std::move(page.items);
    response.hits.resize(response.compounds.size());
    response.total = page.total;
    response.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return response;
  }

  if (!services.search) throw unavailable("structure search is not enabled on this server");
  SearchService& search = *services.search;
  search.index().trySync();
  auto snapshot = search.index().snapshot();
  SearchOutcome outcome;
  if (request.type == "substructure") {
    chem::SubstructureQuerySpec spec = services.chem.prepareSubstructureQuery(request.query, request.format);
    // A lone atom (or a pattern that sets no screening bit) is an element filter that
    // matches (almost) every structure: refused rather than scanned to the cap.
    if (spec.screenBits == 0 || spec.atoms < 2) {
      throw invalidArgument(
          "the query is too general to search: it would match (almost) every structure; "
          "give at least two atoms and a bond",
          {{"field", "query"}, {"limit", "query_too_general"}});
    }
    response.queryFormat = spec.format;
    response.screenBits = spec.screenBits;
    SubstructureOptions options;
    options.maxHits = request.maxHits;
    options.stopAfter = request.countAll ? 0 : pageEnd + 1;
    options.deadline = started + std::chrono::milliseconds(request.timeBudgetMs);
    options.atomsFrom = pageStart;
    options.atomsTo = pageEnd;
    outcome = search.engine().substructure(*snapshot, spec, filters.scan, options);
  } else {
    chem::SimilarityQuerySpec spec = services.chem.prepareSimilarityQuery(request.query, request.format);
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
  auto compounds = services.db.read([&](db::Connection& c) {
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

Poco::JSON::Object::Ptr searchResponseJson(const SearchRequest& request,
                                           const SearchResponse& response) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("type", response.type);
  Poco::JSON::Array::Ptr hits = new Poco::JSON::Array;
  for (std::size_t i = 0; i < response.compounds.size(); ++i) {
    const SearchHit* hit = i < response.hits.size() ? &response.hits[i] : nullptr;
    hits->add(hitJson(response.compounds[i], hit, response.withScores));
  }
  out->set("hits", hits);
  out->set("total", response.total);
  out->set("complete", response.complete);
  if (!response.stoppedBy.empty()) out->set("stopped_by", response.stoppedBy);
  out->set("page", request.page);
  out->set("page_size", request.pageSize);
  out->set("elapsed_ms", std::round(response.elapsedMs * 1000) / 1000);
  Poco::JSON::Object::Ptr query = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (!response.queryFormat.empty()) query->set("format", response.queryFormat);
  if (!response.queryCanonicalSmiles.empty()) {
    query->set("canonical_smiles", response.queryCanonicalSmiles);
  }
  if (request.type == "substructure") {
    query->set("screen_bits", response.screenBits);
    query->set("candidates", static_cast<std::int64_t>(response.candidates));
  }
  out->set("query", query);
  return out;
}

namespace {

void searchHandler(RequestContext& ctx) {
  SearchRequest request = parseSearchRequest(ctx.jsonBody());
  SearchResponse response;
  try {
    response = runSearch(ctx.services(), ctx.principal(), request);
  } catch (Error& e) {
    if (e.code() == ErrorCode::InvalidArgument && !e.details().count("field")) {
      e.with("field", "query");
    }
    throw;
  }
  ctx.sendJson(200, searchResponseJson(request, response));
}

}  // namespace

void addSearchRoutes(Router& router) {
  router.add({"POST", "/api/search", Access::Public, searchHandler,
              "structure search: exact, substructure or similarity, filtered and paged"});
}

}  // namespace argan::server
