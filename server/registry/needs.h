// The needs board's verbs: posting and changing needs (with a structure criterion checked by
// the chemistry workers), responding, sharing, the question thread, projects — each a store
// call (db/need_store.h, need_response_store.h, need_project_store.h) and the notifications
// it causes, in one write transaction.
//
// Errors: argan::Error as the stores throw them; a structure criterion the chemistry cannot
// read is InvalidArgument naming "structure.query" (or "structure.query[i]" for a list).
// Thread-safe (as the Runtime handles are).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/need_project_store.h"
#include "db/need_response_store.h"
#include "db/need_store.h"
#include "server/core/runtime.h"

namespace argan::server {

// A structure criterion as submitted: type, the molecules (text and format), threshold.
struct StructureCriterionDraft {
  std::string type;  // substructure | similarity | replace
  std::vector<std::string> queries;
  std::string format;  // smiles | smarts | molfile | "" (guessed)
  std::optional<double> threshold;
  bool listed = false;  // the query came as a list (error fields name the item)
};

struct NeedDraft {
  db::NeedInput input;  // everything but the structure
  // Set: replace the criterion (nullopt inside removes it).
  std::optional<std::optional<StructureCriterionDraft>> structure;
};

// Runs each molecule through the chemistry workers (prepared substructure query, or the
// standardised reference with its fingerprint). InvalidArgument naming the field.
db::NeedStructureCriterion prepareCriterion(Runtime& runtime, const StructureCriterionDraft& draft);

db::Need postNeed(Runtime& runtime, const db::Principal& who, const NeedDraft& draft);
db::Need changeNeed(Runtime& runtime, const db::Principal& who, std::int64_t id,
                    const NeedDraft& draft);
// Closing tells every start-up that answered (not withdrawn); reopening tells nobody.
db::Need closeNeed(Runtime& runtime, const db::Principal& who, std::int64_t id,
                   const std::string& outcome, std::optional<std::int64_t> responseId,
                   const std::string& note);
db::Need reopenNeed(Runtime& runtime, const db::Principal& who, std::int64_t id);

struct ShareDraft {
  std::string kind;
  std::int64_t recordId = 0;
  std::string note;
};

// A response with its first grants, in one transaction; tells the partner.
db::NeedResponse respondToNeed(Runtime& runtime, const db::Principal& who, std::int64_t needId,
                               std::int64_t startUpId, const std::string& summary,
                               const std::vector<ShareDraft>& shares);
// Status changes tell the other side.
db::NeedResponse changeResponse(Runtime& runtime, const db::Principal& who, std::int64_t id,
                                const std::optional<std::string>& summary,
                                const std::optional<std::string>& status);
db::NeedResponse postResponseMessage(Runtime& runtime, const db::Principal& who, std::int64_t id,
                                     const std::string& body);
db::ResponseShare shareRecord(Runtime& runtime, const db::Principal& who, std::int64_t responseId,
                              const ShareDraft& share);
db::ResponseShare revokeSharedRecord(Runtime& runtime, const db::Principal& who,
                                     std::int64_t responseId, std::int64_t shareId);

struct LinkDraft {
  std::string kind;
  std::int64_t recordId = 0;
};
db::NeedProject openProject(Runtime& runtime, const db::Principal& who, std::int64_t needId,
                            std::int64_t startUpId, const db::ProjectInput& input,
                            const std::vector<LinkDraft>& links);
// A change of stage, TRL or status is told to the partner when the project is disclosed.
db::NeedProject changeProject(Runtime& runtime, const db::Principal& who, std::int64_t id,
                              const db::ProjectInput& input);
db::ProjectLink linkToProject(Runtime& runtime, const db::Principal& who, std::int64_t projectId,
                              const LinkDraft& link);
void unlinkFromProject(Runtime& runtime, const db::Principal& who, std::int64_t projectId,
                       std::int64_t linkId);

}  // namespace argan::server
