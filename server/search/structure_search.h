// The server's structure search: the in-memory index (search_index.h) and the scan engine
// (search_engine.h), owned together by main (or a test) and reached through
// Runtime::search. Writers of compounds call compoundsChanged() after their commit.
#pragma once

#include <atomic>
#include <memory>

#include "db/database.h"
#include "server/search/search_engine.h"
#include "server/search/search_index.h"

namespace argan::server {

struct StructureSearchOptions {
  unsigned threads = 2;          // threads per search (the caller + helpers)
  SearchIndexOptions index;
};

class StructureSearch {
 public:
  // Builds the index from the database (load()). Throws argan::Error on database failure.
  StructureSearch(db::Database& database, StructureSearchOptions options = {});

  SearchIndex& index() { return index_; }
  SearchEngine& engine() { return engine_; }

  // Stops every running and future substructure match (the server is stopping): searches
  // answer what they found so far, marked incomplete ("cancelled"). Any thread.
  void cancelAll() noexcept { cancelled_.store(true); }
  const std::atomic<bool>& cancelled() const { return cancelled_; }

  // The hook for every writer of compounds (registration, bulk registration, retirement,
  // visibility changes): brings the index up to date. Never throws: a failure leaves the
  // index to catch up at the next sync (searches sync first).
  void compoundsChanged() noexcept;

 private:
  SearchIndex index_;
  SearchEngine engine_;
  std::atomic<bool> cancelled_{false};
};

// The hook as one call for code that holds Runtime (no-op when search is not configured).
struct Runtime;
void notifyCompoundsChanged(Runtime& runtime) noexcept;

}  // namespace argan::server
