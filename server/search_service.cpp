#include "server/search_service.h"

#include <iostream>

#include "server/services.h"

namespace argan::server {

SearchService::SearchService(db::Database& database, SearchServiceOptions options)
    : index_(database, options.index), engine_(options.threads) {
  index_.load();
}

void SearchService::compoundsChanged() noexcept {
  try {
    index_.sync();
  } catch (const std::exception& e) {
    std::cerr << "search index: sync failed (will retry at the next search): " << e.what()
              << std::endl;
  }
}

void notifyCompoundsChanged(Services& services) noexcept {
  if (services.search) services.search->compoundsChanged();
}

}  // namespace argan::server
