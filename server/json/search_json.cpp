// POST /api/search bodies and answers as JSON (search/search_request.h holds the plain request).
#include "server/json/search_json.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <map>
#include <cmath>

#include "common/error.h"
#include "server/json/compound_json.h"
#include "server/json/substance_json.h"

namespace argan::server {
namespace {

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
// Substance hits: the substance and the constituents that matched (a constituent compound
// the caller may not see is never listed; the scan has already left it out).
Poco::JSON::Array::Ptr substanceHitsJson(const SearchResponse& response) {
  std::map<std::int64_t, const db::Compound*> compounds;
  for (const auto& c : response.constituentCompounds) compounds[c.id] = &c;
  Poco::JSON::Array::Ptr hits = new Poco::JSON::Array;
  for (std::size_t i = 0; i < response.substanceHits.size(); ++i) {
    const SubstanceHit& hit = response.substanceHits[i];
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("substance", substanceSummaryJson(response.substances[i]));
    if (response.withScores) o->set("score", std::round(hit.score * 1e6) / 1e6);
    Poco::JSON::Array::Ptr constituents = new Poco::JSON::Array;
    for (std::size_t k = 0; k < hit.matched.size(); ++k) {
      const db::ConstituentRow& row = hit.matched[k];
      auto compound = compounds.find(row.compoundId);
      if (compound == compounds.end()) continue;
      Poco::JSON::Object::Ptr c = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      c->set("compound", compoundSummaryJson(*compound->second));
      c->set("role", row.role);
      c->set("typical", row.typical);
      c->set("min", row.min ? Poco::Dynamic::Var(*row.min) : Poco::Dynamic::Var());
      c->set("max", row.max ? Poco::Dynamic::Var(*row.max) : Poco::Dynamic::Var());
      c->set("unit", row.unit);
      if (response.withScores) c->set("score", std::round(hit.scores[k] * 1e6) / 1e6);
      constituents->add(c);
    }
    o->set("constituents", constituents);
    hits->add(o);
  }
  return hits;
}

}  // namespace

SearchRequest parseSearchRequest(const Poco::JSON::Object::Ptr& json) {
  JsonFields body(json);
  body.allowOnly({"scope", "type", "query", "format", "match", "threshold", "k", "filters",
                  "page", "page_size", "max_hits", "time_budget_ms", "count_all"});
  SearchRequest r;
  r.scope = body.optString("scope", 20).value_or("compounds");
  if (r.scope != "compounds" && r.scope != "substances") {
    throw invalidArgument("scope must be compounds or substances (whose constituents match)",
                          {{"field", "scope"}});
  }
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
               "product_stage", "kind", "source", "property", "property_min", "property_max",
               "constituent_min", "constituent_max"});
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
  out.kind = f.optString("kind", 40);
  out.source = f.optString("source", 200);
  out.propertyKey = f.optString("property", 60);
  out.propertyMin = f.optNumber("property_min");
  out.propertyMax = f.optNumber("property_max");
  out.constituentMin = f.optNumber("constituent_min");
  out.constituentMax = f.optNumber("constituent_max");
  for (auto [value, field] : {std::pair{out.constituentMin, "filters.constituent_min"},
                              std::pair{out.constituentMax, "filters.constituent_max"}}) {
    if (value && (*value < 0 || *value > 100)) {
      throw invalidArgument(std::string(field) + " is a percentage from 0 to 100",
                            {{"field", field}});
    }
  }
  return out;
}
Poco::JSON::Object::Ptr searchResponseJson(const SearchRequest& request,
                                           const SearchResponse& response) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("type", response.type);
  if (response.scope == "substances") {
    out->set("scope", response.scope);
    out->set("hits", substanceHitsJson(response));
  } else {
    Poco::JSON::Array::Ptr hits = new Poco::JSON::Array;
    for (std::size_t i = 0; i < response.compounds.size(); ++i) {
      const SearchHit* hit = i < response.hits.size() ? &response.hits[i] : nullptr;
      hits->add(hitJson(response.compounds[i], hit, response.withScores));
    }
    out->set("hits", hits);
  }
  out->set("total", response.total);
  out->set("complete", response.complete);
  if (!response.stoppedBy.empty()) out->set("stopped_by", response.stoppedBy);
  out->set("page", request.page);
  out->set("page_size", request.pageSize);
  // Whole milliseconds: microsecond timings of scans over rows the caller cannot see would
  // tell how many there are (docs/threat-model.md, "Timing").
  out->set("elapsed_ms", static_cast<std::int64_t>(std::llround(response.elapsedMs)));
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
}  // namespace argan::server
