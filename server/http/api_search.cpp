// POST /api/search — exact, substructure and similarity search over the registry.
//
// Request:  {type, query, format?, match?, threshold?, k?, filters?, page?, page_size?,
//            max_hits?, time_budget_ms?, count_all?}
// Answer:   {type, hits: [{compound, score?, matched_atoms?, depiction}], total, complete,
//            stopped_by?, page, page_size, elapsed_ms, query: {...}}
// The query text is untrusted: it is checked and parsed through ChemService. Filters and the
// caller's visibility apply inside the scan (search_engine.h) or the SQL (compound_search.h).
#include "common/error.h"
#include "server/http/endpoints.h"
#include "server/json/search_json.h"
#include "server/http/request_context.h"
#include "server/search/search_request.h"

namespace argan::server {
namespace {

void searchHandler(RequestContext& ctx) {
  SearchRequest request = parseSearchRequest(ctx.jsonBody());
  SearchResponse response;
  try {
    response = runSearch(ctx.runtime(), ctx.principal(), request);
  } catch (Error& e) {
    if (e.code() == ErrorCode::InvalidArgument && !e.details().count("field")) {
      e.with("field", "query");
    }
    throw;
  }
  ctx.sendJson(200, searchResponseJson(request, response));
}

}  // namespace

void addSearchEndpoints(Router& router) {
  router.add({"POST", "/api/search", Access::Public, searchHandler,
              "structure search: exact, substructure or similarity, filtered and paged"});
}

}  // namespace argan::server

