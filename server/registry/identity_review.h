// Re-examining stored records under the identity rule of docs/identity.md (§7): every
// batch's submitted structure is analysed again and compared with the parent and form it
// was registered to. Reports, never rewrites: merging is the owning start-up's decision
// (db::supersedeCompound, `argan identity merge`).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "server/core/runtime.h"

namespace argan::server {

// One finding, written as a JSON line by the CLI.
struct IdentityFinding {
  std::string kind;         // identity_changed | now_same_parent_as | form_changed |
                            // now_refused | stored_unreadable
  std::string compound;     // CMP-000123
  std::string batch;        // CMP-000123-F1-B001 (empty for parent-level findings)
  std::string detail;       // what differs, in words
  std::string other;        // now_same_parent_as: the other parent's code
  std::string explainedBy;  // the docs/identity.md section
};

struct IdentityReviewSummary {
  std::int64_t parents = 0;
  std::int64_t batches = 0;
  std::map<std::string, std::int64_t> findings;  // by kind
};

struct IdentityReviewOptions {
  // Fill the InChIKeys added by migration 0042 (forms and submitted structures) where they
  // are empty; the only write the review makes, one transaction per 200 batches.
  bool backfillKeys = false;
};

// Walks every parent and batch (administrator's view); calls `report` for each finding, in
// parent order. Chemistry runs through runtime.chem (a structure that fails is a finding,
// never an exception). Throws argan::Error only on database failure.
IdentityReviewSummary reviewIdentities(Runtime& runtime, const IdentityReviewOptions& options,
                                       const std::function<void(const IdentityFinding&)>& report);

}  // namespace argan::server
