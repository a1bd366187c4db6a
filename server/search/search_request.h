// A structure search as plain data: the request, the filters resolved for a caller, running
// it, and the answer (compounds and hits). JSON parsing and presentation are in
// json/search_json.h; POST /api/search (http/api_search.cpp) is a thin handler over both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/compound_search.h"
#include "db/substance_store.h"
#include "db/sqlite.h"
#include "server/search/search_engine.h"
#include "server/core/runtime.h"

namespace argan::server {

struct SearchFilters {
  std::vector<std::int64_t> startUps;  // sorted
  std::optional<std::string> visibility;
  std::optional<double> mwMin;
  std::optional<double> mwMax;
  bool includeRetired = false;
  std::optional<std::string> productStage;  // pluggable (compoundIdsForFilter)
  // Substance searches only (scope "substances"): the substance's kind, source text, a
  // property range, and the matched constituent's typical percentage.
  std::optional<std::string> kind;
  std::optional<std::string> source;
  std::optional<std::string> propertyKey;
  std::optional<double> propertyMin;
  std::optional<double> propertyMax;
  std::optional<double> constituentMin;
  std::optional<double> constituentMax;
  bool substanceOnly() const {
    return kind || source || propertyKey || propertyMin || propertyMax || constituentMin ||
           constituentMax;
  }
};

struct SearchRequest {
  std::string scope = "compounds";  // compounds | substances (whose constituents match)
  std::string type;                 // exact | substructure | similarity
  std::string query;
  std::string format;               // smiles | smarts | molfile | inchikey | identifier | ""
  std::string match = "full";       // exact: full | stereo | tautomer | stereo_tautomer
  std::optional<double> threshold;  // similarity (default 0.7 without k)
  std::size_t k = 0;                // similarity top-k
  SearchFilters filters;
  std::int64_t page = 0;
  std::int64_t pageSize = 50;
  std::size_t maxHits = 10000;      // hit cap
  std::int64_t timeBudgetMs = 5000; // substructure budget
  bool countAll = false;            // substructure: scan past the page for an exact total
};

struct ResolvedFilters {
  db::CompoundSearchFilter sql;  // for SQL (exact search)
  ScanFilter scan;               // for index scans
};

// A substance found through its constituents (scope "substances").
struct SubstanceHit {
  std::int64_t substanceId = 0;
  double score = 0;                          // similarity: the best constituent's
  std::vector<db::ConstituentRow> matched;   // the constituents that matched, in order
  std::vector<double> scores;                // parallel to matched (similarity)
};

struct SearchResponse {
  std::string scope = "compounds";
  std::vector<SubstanceHit> substanceHits;   // scope substances: the page, in result order
  std::vector<db::Substance> substances;     // parallel to substanceHits
  std::vector<db::Compound> constituentCompounds;  // the matched constituents the caller sees
  std::string type;
  std::vector<db::Compound> compounds;  // the page, in result order
  std::vector<SearchHit> hits;          // parallel to compounds
  std::int64_t total = 0;
  bool complete = true;
  std::string stoppedBy;
  bool withScores = false;
  std::size_t candidates = 0;
  unsigned screenBits = 0;
  std::string queryFormat;
  std::string queryCanonicalSmiles;
  double elapsedMs = 0;
};

ResolvedFilters resolveFilters(Runtime& runtime, const db::Principal& viewer,
                               const SearchFilters& filters);

// An exact query resolved: the identity layer and its value (the query standardised as at
// registration, or an InChIKey), or a compound identifier. Throws InvalidArgument.
struct ExactQuery {
  db::ExactLayer layer = db::ExactLayer::FullHash;
  std::string value;
  std::optional<std::int64_t> compoundId;  // format "identifier"
  std::string canonicalSmiles;             // of the standardised query, when analysed
  std::string noStereoSmiles;              // of the standardised query, when analysed
  std::string skeleton;                    // its skeleton layer (the tautomer modes' candidates)
};
ExactQuery resolveExactQuery(Runtime& runtime, const SearchRequest& request);

// Runs a search for `viewer`. Throws argan::Error (InvalidArgument for bad queries,
// Unavailable when structure search is not enabled).
SearchResponse runSearch(Runtime& runtime, const db::Principal& viewer,
                         const SearchRequest& request);

// The substance search (scope "substances"): the registered constituents and monomers of
// the substances `viewer` may see (visibility and the substance filters in the SQL), scanned
// with the same engine and the compound visibility inside the scan, grouped by substance.
// Hits order: substance id (exact, substructure), best score then id (similarity; k = the
// k best substances). Called by runSearch for that scope.
SearchResponse runSubstanceSearch(Runtime& runtime, const db::Principal& viewer,
                                  const SearchRequest& request);

// Pluggable filters contributed by other modules: the compound ids that filter `name` with
// `value` admits for `viewer`, sorted. Throws InvalidArgument for an unknown filter or one
// whose module is not installed in this build.
std::vector<std::int64_t> compoundIdsForFilter(db::Connection& c, const db::Principal& viewer,
                                               const std::string& name,
                                               const std::string& value);

}  // namespace argan::server
