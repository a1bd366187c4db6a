// Pluggable search filters: each maps a filter value to the compound ids it admits.
// To add one, add a branch here that calls the owning module's store (db/), and accept the
// key in parseSearchFilters (api_search.cpp).
#include "common/error.h"
#include "server/search_api.h"

namespace argan::server {

std::vector<std::int64_t> compoundIdsForFilter(db::Connection& c, const db::Principal& viewer,
                                               const std::string& name,
                                               const std::string& value) {
  (void)c;
  (void)viewer;
  (void)value;
  // product_stage: wired to the products module's db::compoundIdsAtStage once it is installed.
  throw invalidArgument("the '" + name + "' filter is not available on this server",
                        {{"field", "filters." + name}});
}

}  // namespace argan::server
