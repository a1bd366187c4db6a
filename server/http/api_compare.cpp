// Cross-start-up comparison and neighbours, within confidentiality (comparison.h):
//   GET /api/compare/start-ups          ?threshold=0.85&start_ups=1,2,3
//   GET /api/compounds/{id}/neighbours  ?k=10&threshold=0
//   GET /api/overlaps                   administrators: overlaps with unshared work
// Comparison and neighbours are computed over what the caller may see and say nothing about
// the rest (no real-time overlap signal: docs/threat-model.md, "Overlap signals"); overlaps
// with unshared work go to the cluster's administrators, who broker contact.
#include <Poco/JSON/Array.h>

#include <cmath>
#include <sstream>

#include "common/error.h"
#include "db/compound_search.h"
#include "db/identifiers.h"
#include "db/substance_store.h"
#include "server/http/endpoints.h"
#include "server/registry/comparison.h"
#include "server/json/compound_json.h"
#include "server/http/request_context.h"
#include "server/search/structure_search.h"

namespace argan::server {
namespace {

// Said on every answer, whatever the registry holds: where overlaps with unshared work go.
constexpr const char* kOverlapNotice =
    "overlaps with compounds other start-ups have not shared are never shown here; the "
    "cluster's administrators review them and put the two start-ups in touch when both agree";

double rounded(double v) { return std::round(v * 1e4) / 1e4; }

Poco::Dynamic::Var optionalNumber(const std::optional<double>& v) {
  return v ? Poco::Dynamic::Var(rounded(*v)) : Poco::Dynamic::Var();
}

std::vector<std::int64_t> parseIdList(const std::string& text, const std::string& field) {
  std::vector<std::int64_t> ids;
  std::istringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (part.empty()) continue;
    std::size_t used = 0;
    long long value = -1;
    try {
      value = std::stoll(part, &used);
    } catch (...) {
      used = 0;
    }
    if (used != part.size() || value < 1) {
      throw invalidArgument(field + " must be a comma-separated list of ids", {{"field", field}});
    }
    ids.push_back(value);
    if (ids.size() > 100) throw invalidArgument(field + " lists too many ids", {{"field", field}});
  }
  return ids;
}

void compareHandler(RequestContext& ctx) {
  ComparisonOptions options;
  options.threshold = ctx.queryNumber("threshold").value_or(0.85);
  if (auto list = ctx.query("start_ups")) options.startUps = parseIdList(*list, "start_ups");
  StartUpComparison result = compareStartUps(ctx.runtime(), ctx.principal(), options);

  std::map<std::int64_t, db::Compound> compounds;
  {
    std::vector<std::int64_t> ids;
    for (const auto& row : result.neighbours) ids.push_back(row.compound);
    for (const auto& c : ctx.runtime().db.read([&](db::Connection& c) {
           return db::loadCompounds(c, ctx.principal(), ids);
         })) {
      compounds[c.id] = c;
    }
  }
  auto ref = [&](std::int64_t id) -> Poco::Dynamic::Var {
    auto it = compounds.find(id);
    if (it == compounds.end()) return Poco::Dynamic::Var();
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", it->second.code());
    o->set("start_up", it->second.startUpId);
    o->set("canonical_smiles", it->second.identity.canonicalSmiles);
    o->set("visibility", it->second.visibility);
    return o;
  };

  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("threshold", result.threshold);
  out->set("complete", result.complete);
  Poco::JSON::Array::Ptr startUps = new Poco::JSON::Array;
  for (const auto& s : result.startUps) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", s.id);
    o->set("name", s.name);
    o->set("compounds", static_cast<std::int64_t>(s.compounds));
    startUps->add(o);
  }
  out->set("start_ups", startUps);

  Poco::JSON::Array::Ptr identical = new Poco::JSON::Array;
  for (const auto& g : result.identical) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    for (auto id : g.compounds) members->add(ref(id));
    o->set("compounds", members);
    Poco::JSON::Array::Ptr owners = new Poco::JSON::Array;
    for (auto id : g.startUps) owners->add(id);
    o->set("start_ups", owners);
    identical->add(o);
  }
  out->set("identical", identical);

  Poco::JSON::Array::Ptr pairs = new Poco::JSON::Array;
  for (const auto& p : result.nearDuplicates) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("a", ref(p.a));
    o->set("b", ref(p.b));
    o->set("similarity", rounded(p.similarity));
    pairs->add(o);
  }
  out->set("near_duplicates", pairs);
  out->set("near_duplicate_count", static_cast<std::int64_t>(result.nearDuplicateCount));

  Poco::JSON::Array::Ptr neighbours = new Poco::JSON::Array;
  for (const auto& row : result.neighbours) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("compound", ref(row.compound));
    Poco::JSON::Array::Ptr nearest = new Poco::JSON::Array;
    for (const auto& nn : row.nearest) {
      Poco::JSON::Object::Ptr n = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      n->set("start_up", nn.startUp);
      n->set("neighbour", nn.neighbour ? Poco::Dynamic::Var(db::compoundCode(*nn.neighbour))
                                       : Poco::Dynamic::Var());
      n->set("similarity", nn.neighbour ? Poco::Dynamic::Var(rounded(nn.similarity))
                                        : Poco::Dynamic::Var());
      nearest->add(n);
    }
    o->set("nearest", nearest);
    neighbours->add(o);
  }
  out->set("neighbours", neighbours);
  out->set("overlap_notice", kOverlapNotice);

  auto matrixJson = [&](const std::vector<std::vector<std::optional<double>>>& m) {
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    for (const auto& r : m) {
      Poco::JSON::Array::Ptr row = new Poco::JSON::Array;
      for (const auto& v : r) row->add(optionalNumber(v));
      rows->add(row);
    }
    return rows;
  };
  out->set("similarity_matrix", matrixJson(result.matrix));
  Poco::JSON::Object::Ptr scaffolds = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Array::Ptr shared = new Poco::JSON::Array;
  for (const auto& s : result.sharedScaffolds) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("scaffold", s.scaffold);
    Poco::JSON::Object::Ptr counts = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [startUp, count] : s.counts) {
      counts->set(std::to_string(startUp), static_cast<std::int64_t>(count));
    }
    o->set("compounds_per_start_up", counts);
    shared->add(o);
  }
  scaffolds->set("shared", shared);
  scaffolds->set("jaccard_matrix", matrixJson(result.scaffoldJaccard));
  out->set("scaffolds", scaffolds);

  // Substances held by several start-ups (same composition), among those the caller sees.
  Poco::JSON::Object::Ptr substances = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Object::Ptr perStartUp = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [startUp, count] : result.substances.perStartUp) {
    perStartUp->set(std::to_string(startUp), static_cast<std::int64_t>(count));
  }
  substances->set("per_start_up", perStartUp);
  Poco::JSON::Array::Ptr overlaps = new Poco::JSON::Array;
  for (const auto& g : result.substances.overlaps) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", g.kind);
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    for (auto id : g.substances) members->add(db::substanceCode(id));
    o->set("substances", members);
    Poco::JSON::Array::Ptr owners = new Poco::JSON::Array;
    for (auto id : g.startUps) owners->add(id);
    o->set("start_ups", owners);
    overlaps->add(o);
  }
  substances->set("overlaps", overlaps);
  substances->set("overlap_count", static_cast<std::int64_t>(result.substances.overlaps.size()));
  out->set("substances", substances);
  ctx.sendJson(200, out);
}

void neighboursHandler(RequestContext& ctx) {
  const std::string& idText = ctx.param("id");
  auto code = db::parseCode(idText);
  if (!code || code->formNumber) throw notFound("no compound '" + idText + "'");
  auto compound = ctx.runtime().db.read([&](db::Connection& c) {
    return db::findCompound(c, ctx.principal(), code->compoundId, /*withBinary=*/true);
  });
  if (!compound) throw notFound("no compound '" + idText + "'");
  if (!ctx.runtime().search) throw unavailable("structure search is not enabled on this server");
  std::int64_t k = ctx.queryInt("k").value_or(10);
  double threshold = ctx.queryNumber("threshold").value_or(0.0);
  if (ctx.query("signal_threshold")) {
    throw invalidArgument("signal_threshold is not a parameter: overlaps with unshared compounds "
                          "are reviewed by the cluster's administrators, never signalled here",
                          {{"field", "signal_threshold"}});
  }
  if (k < 1 || k > 100) throw invalidArgument("k must be between 1 and 100", {{"field", "k"}});
  if (!(threshold >= 0 && threshold <= 1)) {
    throw invalidArgument("threshold must be between 0 and 1", {{"field", "threshold"}});
  }
  StructureSearch& search = *ctx.runtime().search;
  search.index().trySync();
  auto snapshot = search.index().snapshot();
  ScanFilter filter;
  filter.viewer = ctx.principal();
  filter.excludeId = compound->id;
  SimilarityOptions options;
  options.k = static_cast<std::size_t>(k);
  options.threshold = threshold;
  SearchOutcome found =
      search.engine().similarity(*snapshot, compound->identity.morganFp, filter, options);

  std::vector<std::int64_t> ids;
  for (const auto& hit : found.hits) ids.push_back(hit.id);
  auto loaded = ctx.runtime().db.read([&](db::Connection& c) {
    return db::loadCompounds(c, ctx.principal(), ids);
  });
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("compound", compound->code());
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  std::size_t next = 0;
  for (const auto& hit : found.hits) {
    if (next >= loaded.size() || loaded[next].id != hit.id) continue;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("compound", compoundSummaryJson(loaded[next]));
    o->set("similarity", rounded(hit.score));
    o->set("same_start_up", loaded[next].startUpId == compound->startUpId);
    items->add(o);
    ++next;
  }
  out->set("neighbours", items);

  out->set("overlap_notice", kOverlapNotice);
  ctx.sendJson(200, out);
}

Poco::JSON::Object::Ptr sideJson(const OverlapSide& s) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("compound", db::compoundCode(s.compound));
  o->set("start_up", s.startUp);
  o->set("visibility", s.visibility);
  o->set("created_at", s.createdAt);
  o->set("bulk", s.bulk);
  o->set("recent", s.recent);
  return o;
}

void overlapsHandler(RequestContext& ctx) {
  OverlapReport report = findOverlaps(ctx.runtime(), ctx.principal());
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("threshold", kOverlapThreshold);
  out->set("compounds", static_cast<std::int64_t>(report.compounds));
  out->set("complete", report.complete);
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  std::int64_t brokerable = 0;
  for (const auto& o : report.overlaps) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("a", sideJson(o.a));
    item->set("b", sideJson(o.b));
    item->set("identical", o.identical);
    item->set("similarity", rounded(o.similarity));
    item->set("brokerable", o.brokerable);
    item->set("held_because", o.heldBecause.empty() ? Poco::Dynamic::Var()
                                                     : Poco::Dynamic::Var(o.heldBecause));
    items->add(item);
    if (o.brokerable) ++brokerable;
  }
  out->set("overlaps", items);
  out->set("brokerable", brokerable);
  Poco::JSON::Array::Ptr alerts = new Poco::JSON::Array;
  for (const auto& a : report.alerts) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("start_up", a.startUp);
    o->set("kind", "probing");
    o->set("held_overlaps", static_cast<std::int64_t>(a.heldOverlaps));
    o->set("unshared_compounds_hit", static_cast<std::int64_t>(a.unsharedCompoundsHit));
    o->set("message", "compounds this start-up registered in bulk or recently overlap " +
                          std::to_string(a.unsharedCompoundsHit) +
                          " unshared compounds of other start-ups: possibly guessing; do not "
                          "pass these overlaps on");
    alerts->add(o);
  }
  out->set("alerts", alerts);
  ctx.sendJson(200, out);
}

}  // namespace

void addCompareEndpoints(Router& router) {
  router.add({"GET", "/api/compare/start-ups", Access::StartUpMember, compareHandler,
              "cross-start-up comparison over the compounds the caller may see: identical "
              "parents, near-duplicates, nearest neighbours, similarity matrix, scaffold overlap"});
  router.add({"GET", "/api/compounds/{id}/neighbours", Access::Public, neighboursHandler,
              "most similar visible compounds (k, threshold)"});
  router.add({"GET", "/api/overlaps", Access::Admin, overlapsHandler,
              "overlaps between start-ups involving unshared compounds, for the administrators "
              "who broker contact: bulk or recent registrations held back, probing alerts"});
}

}  // namespace argan::server
