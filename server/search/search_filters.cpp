// Pluggable search filters: each maps a filter value to the compound ids it admits.
// To add one, add a branch here that calls the owning module's store (db/), and accept the
// key in parseSearchFilters (api_search.cpp).
#include "common/error.h"
#include "db/product_store.h"
#include "server/search/search_request.h"

namespace argan::server {

std::vector<std::int64_t> compoundIdsForFilter(db::Connection& c, const db::Principal& viewer,
                                               const std::string& name,
                                               const std::string& value) {
  if (name == "product_stage") {
    // Compounds (alone or as formulation components) of the live products the caller may see
    // whose current stage is `value` (a stage key such as "scale_up"; custom keys included).
    if (value.empty()) {
      throw invalidArgument("filters.product_stage must be a stage key",
                            {{"field", "filters.product_stage"}});
    }
    return db::compoundIdsAtStage(c, viewer, value);
  }
  throw invalidArgument("the '" + name + "' filter is not available on this server",
                        {{"field", "filters." + name}});
}

}  // namespace argan::server
