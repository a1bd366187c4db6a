// Registration: chemistry (ChemService) + storage (registry_store) under the registration
// rule. The API handler and bulk import both register through here, so a structure gets
// the same verdict whichever door it comes in by.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chem/structure_types.h"
#include "db/access.h"
#include "db/compound_names.h"
#include "db/registry_store.h"
#include "server/core/runtime.h"

namespace argan::server {

struct RelationFlag {
  std::string relation;  // "tautomer" | "stereoisomer" | "same_structure"
  std::int64_t compoundId = 0;
  std::string compoundCode;
  std::int64_t startUpId = 0;
  std::string message;   // "tautomer of CMP-000002"
};

struct RegistrationResult {
  db::Registration registration;
  std::vector<RelationFlag> flags;
  std::vector<std::string> warnings;  // from the parser
};

db::CompoundIdentity toCompoundIdentity(const chem::StructureAnalysis& analysis);
db::FormIdentity toFormIdentity(const chem::StructureAnalysis& analysis);

// Throws PermissionDenied unless `who` may register into `startUpId` (its members, admins).
void authorizeRegistration(const db::Principal& who, std::int64_t startUpId);

// Analyses `structure`, finds the parents visible to `who` that are its tautomers /
// stereoisomers / the same structure held by another start-up, then registers it in one
// write transaction (record + audit). Everything that can fail runs before the commit: a
// throw means nothing was stored. Throws argan::Error (InvalidArgument for bad structures
// or batch fields, NotFound for an unknown start-up, PermissionDenied, Unavailable).
// `names` (name, synonyms, CAS, external identifiers) are merged into the parent in the
// same transaction (db::mergeCompoundNames: a different CAS number is AlreadyExists).
RegistrationResult registerStructure(Runtime& runtime, const db::Principal& who,
                                     std::int64_t startUpId, const std::string& structure,
                                     const std::string& format, db::BatchInput batch,
                                     const db::CompoundNames& names = {});

// An analysed structure converted to what the store takes: parent identity, form, and the
// batch with the submitted structure (verbatim), its format and the standardiser filled in.
// A mixture (chem::refuseMixture) throws InvalidArgument (details.reason "mixture") pointing
// to substances.
// Pure data: bulk paths build it on their analysis threads, ahead of the write.
struct PreparedRegistration {
  db::CompoundIdentity identity;
  db::FormIdentity form;
  db::BatchInput batch;
};
PreparedRegistration prepareRegistration(const chem::StructureAnalysis& analysis,
                                         const std::string& submittedStructure,
                                         db::BatchInput batch);

// Registers a prepared structure under the registration rule inside the caller's write
// transaction (record + audit). Does not authorise: the caller has (authorizeRegistration).
// Throws as db::registerCompound (InvalidArgument, NotFound, FailedPrecondition).
db::Registration registerPrepared(db::Connection& c, const Clock& clock, const db::Principal& who,
                                  std::int64_t startUpId, const PreparedRegistration& prepared);

// The write half of registerStructure, for callers that analysed the structure already:
// registerPrepared(prepareRegistration(analysis, submittedStructure, batch)).
db::Registration registerAnalysis(db::Connection& c, const Clock& clock,
                                  const db::Principal& who, std::int64_t startUpId,
                                  const chem::StructureAnalysis& analysis,
                                  const std::string& submittedStructure, db::BatchInput batch);

// Relation flags for an identity, excluding the parent `excludeId` itself, among the parents
// `who` may see.
std::vector<RelationFlag> relationFlags(Runtime& runtime, const db::Principal& who,
                                        const db::CompoundIdentity& identity,
                                        std::int64_t excludeId);
// The same on the caller's connection: inside a write transaction it also sees what that
// transaction registered so far (bulk import computes the flags chunk by chunk).
std::vector<RelationFlag> relationFlags(db::Connection& c, ChemService& chem,
                                        const db::Principal& who,
                                        const db::CompoundIdentity& identity,
                                        std::int64_t excludeId);

}  // namespace argan::server
