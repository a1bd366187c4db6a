// Substances: registration under the composition rules and the identity rule, specification
// changes, batches with their certificate of analysis checked against the specification.
// The API handlers, the importer and the demo loader all register through here, so a
// substance gets the same verdict whichever door it comes in by. docs/substances.md.
//
// Composition rules (checkComposition; InvalidArgument naming the field):
//   * mono_constituent: one main constituent (role "constituent") of at least 80 % (ECHA);
//   * multi_constituent: at least two main constituents of 10 % or more, none of 80 % or more;
//   * uvcb and material: a source (species, waste stream or process) — they are identified
//     by where they come from and how they are made;
//   * polymer: monomers (their mol % summing to 100) or a repeat unit;
//   * mono, multi and uvcb need constituents; a composition is in one unit; the typical
//     values sum to 100 within kSumTolerance points, the minimums to at most 100, and, when
//     every constituent has a maximum, the maximums to at least 100.
// Identity rule (identityVerdict): within the start-up, a registration with the same kind,
// the same constituents (registered ones by full hash, named ones by name) and monomers,
// every typical value inside the existing substance's ranges, and the same source and process
// *is* that substance: it becomes a new batch of it. A near duplicate (same constituents out
// of range, or another source or process, most constituents shared, the same name) is
// registered as a new substance and flagged, never merged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/lifecycle.h"
#include "db/substance_store.h"
#include "server/core/runtime.h"

namespace argan::server {

constexpr double kSumTolerance = 5.0;         // points of percentage around 100
constexpr double kRangeTolerance = 0.5;       // points around an existing typical value
constexpr double kMonomerRatioTolerance = 2;  // mol % points

// A substance as submitted: the specification, plus for constituents given as drawn
// structures (SMILES or Molfile) their text, registered or linked by the compound rule.
struct SubstanceSubmission {
  db::SubstanceSpec spec;
  std::vector<std::string> constituentStructures;  // parallel to spec.constituents; "" = none
  std::vector<std::string> constituentFormats;
  std::string repeatUnitFormat;
  std::optional<db::SubstanceBatchInput> batch;  // a first (or, if the same, the next) batch
  // Imports: a submission without batch data that is the same substance as one of the
  // start-up's under the same name is reported as already registered (nothing stored), so a
  // file can be imported twice.
  bool sameNameIsExisting = false;
};

// Throws InvalidArgument naming the field (see the file comment).
void checkComposition(const db::SubstanceSpec& spec);

// What an existing substance is to a registration.
struct IdentityVerdict {
  enum Kind { Different, Same, NearDuplicate } kind = Different;
  std::string reason;  // for Same and NearDuplicate, in words
};

// The constituent keys compared by the identity rule and the composition key; `fullHashes`
// maps compound ids to full hashes (compounds of other start-ups compare by structure).
IdentityVerdict identityVerdict(const db::SubstanceSpec& submitted, const db::Substance& existing,
                                const std::vector<std::pair<std::int64_t, std::string>>& fullHashes);
std::string compositionKey(const db::SubstanceSpec& spec,
                           const std::vector<std::pair<std::int64_t, std::string>>& fullHashes);

struct SubstanceFlag {
  std::string relation;  // "near_duplicate"
  std::int64_t substanceId = 0;
  std::string substanceCode;
  std::string message;
};

enum class SubstanceOutcome { NewSubstance, NewBatch, AlreadyRegistered };
// "new_substance" | "new_batch" | "already_registered"
const char* substanceOutcomeName(SubstanceOutcome outcome);

struct SubstanceRegistration {
  SubstanceOutcome outcome = SubstanceOutcome::NewSubstance;
  db::Substance substance;
  std::optional<db::SubstanceBatch> batch;
  std::vector<SubstanceFlag> flags;
  std::vector<std::string> registeredConstituents;  // CMP codes registered on the way
  std::string message;
};

// Registers a substance of `startUpId` (authorised: members of it, administrators), in one
// write transaction with its audit entries: drawn constituents are linked to the start-up's
// parent with the same full hash or registered by the compound rule; a repeat unit is
// analysed; then the identity rule decides new substance or new batch. Throws argan::Error
// (InvalidArgument naming the field, NotFound, PermissionDenied, FailedPrecondition).
SubstanceRegistration registerSubstance(Runtime& runtime, const db::Principal& who,
                                        std::int64_t startUpId, SubstanceSubmission submission);

// Replaces a substance's specification (same rules; the identity rule is not applied to an
// existing record). Returns the substance and the near-duplicate flags it now has.
SubstanceRegistration reviseSubstance(Runtime& runtime, const db::Principal& who,
                                      std::int64_t substanceId, SubstanceSubmission submission);

// Publishing: a substance is never more visible than the registered compounds it names
// (a public substance shows its constituents). Throws as db::changeVisibility.
db::Substance publishSubstance(db::Connection& c, const Clock& clock, const db::Principal& who,
                               const db::Substance& substance, db::VisibilityChange change);

// ---- Certificates of analysis against the specification -------------------------------

struct ResultCheck {
  std::size_t result = 0;     // index in the batch's results
  std::string status;         // within | below | above | no_range | not_in_specification |
                              // unit_differs
  std::optional<double> typical;  // the specification's
  std::optional<double> min;
  std::optional<double> max;
};

struct CertificateCheck {
  std::vector<ResultCheck> results;      // one per result, in order
  std::vector<std::string> notMeasured;  // specification entries without a result ("hydroxytyrosol")
  bool outOfSpecification = false;       // a result below or above its range
};

// Flags, never refuses: out of specification is information about the lot.
CertificateCheck checkCertificate(const db::Substance& substance, const db::SubstanceBatch& batch);

}  // namespace argan::server
