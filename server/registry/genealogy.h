// Genealogy: a product batch back through its route steps to the waste lots it was made
// from, their transformations and transfers, the sources and the collecting start-ups — and a
// lot forward to what it became (transformed, transferred, used).
//
// The graph holds only what the caller may see: the root is loaded with the caller's
// visibility (NotFound otherwise, like a missing record); every lot, transformation, transfer
// and use on the way is loaded the same way (db/waste_store.h explains why a start-up may
// trace the lots upstream of its own). A source the caller may not see appears with its kind
// and region only, never its name. Edges run with the material: from upstream to downstream.
// Thread-safe; reads one snapshot of the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "server/core/runtime.h"

namespace argan::server {

struct TraceNode {
  std::string id;    // "CMP-000013-F1-B001", "LOT-000004", "TRN-000001", "SRC-000002",
                     // "route:5", "route:5/step:1", "start-up:7"
  std::string kind;  // batch | route_step | lot | transformation | source | start_up
  std::string label;
  std::optional<std::int64_t> startUpId;
  std::optional<std::string> stream;
  std::optional<std::int64_t> massMg;       // a lot's net mass
  std::optional<std::int64_t> remainingMg;  // a lot's mass left (its holder's view)
  std::optional<std::string> date;
  std::optional<std::string> region;        // sources
  std::optional<std::string> detail;        // source kind, transformation kind, lot origin
};

struct TraceEdge {
  std::string from;
  std::string to;
  std::string relation;  // collected_by | collected_at | transfer | input | output | used_in |
                         // input_of | step_of | transferred_to
  std::optional<std::int64_t> massMg;
  std::optional<std::string> reference;  // TRF-..., USE-...
  std::optional<std::string> date;
};

struct Genealogy {
  std::string root;
  std::string rootKind;  // batch | lot
  std::vector<TraceNode> nodes;
  std::vector<TraceEdge> edges;
  bool truncated = false;  // stopped at kMaxTraceNodes
};

inline constexpr std::size_t kMaxTraceNodes = 2000;

// Backward from a batch ("CMP-000001-F1-B001"): NotFound if the caller may not see it.
Genealogy batchGenealogy(Runtime& runtime, const db::Principal& who, const std::string& batch);

// Both ways from a lot: where it came from and what it became. NotFound as above.
Genealogy lotGenealogy(Runtime& runtime, const db::Principal& who, std::int64_t lotId);

}  // namespace argan::server
