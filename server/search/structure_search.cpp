#include "server/search/structure_search.h"

#include <iostream>

#include "server/core/runtime.h"

namespace argan::server {

StructureSearch::StructureSearch(db::Database& database, StructureSearchOptions options)
    : index_(database, options.index), engine_(options.threads) {
  index_.load();
}

void StructureSearch::compoundsChanged() noexcept {
  try {
    index_.sync();
  } catch (const std::exception& e) {
    std::cerr << "search index: sync failed (will retry at the next search): " << e.what()
              << std::endl;
  }
}

void notifyCompoundsChanged(Runtime& runtime) noexcept {
  if (runtime.search) runtime.search->compoundsChanged();
}

}  // namespace argan::server
