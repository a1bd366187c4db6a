// Substances: what is not one molecule (ECHA's mono-constituent, multi-constituent, UVCB,
// polymer, and materials without a defined structure), their specification and their
// batches with certificates of analysis. Identifiers: substance SUB-000123, batch
// SUB-000123-B001.
//
// What this store keeps and checks (field by field, naming the field):
//   * kinds, units, roles and the property vocabulary; numbers in range (percentages 0-100,
//     minimum <= typical <= maximum, property values within the term's physical range);
//   * every registered parent a substance names (constituent, monomer, measured result) is
//     visible to the actor and to the owning start-up's team, and live (InvalidArgument,
//     FailedPrecondition for a retired one);
//   * visibility through db/access.h inside every query; a substance the caller may not see
//     is absent (nullopt), like a missing one; a batch is seen only where its substance is;
//   * nothing is deleted: substances and batches are retired (db/lifecycle.h); a changed
//     specification replaces the constituent, property and monomer rows, audited with the
//     whole specification before and after; certificates of analysis never change;
//   * every write appends its audit entry in the caller's transaction: record types
//     "substance" (SUB-000001), "substance_batch" (SUB-000001-B001) and
//     "substance_property_term" (the key).
// The composition rules (sums, what each kind needs), the identity rule and the check of a
// certificate against the specification are the registry's (server/registry/substances.h).
// Writers must run inside Database::write; readers take any Connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

std::string substanceCode(std::int64_t id);  // "SUB-000123"
std::string substanceBatchCode(std::int64_t substanceId, std::int64_t batchNumber);  // "-B001"

struct SubstanceCodeParts {
  std::int64_t substanceId = 0;
  std::optional<std::int64_t> batchNumber;
};
// "SUB-000123", "SUB-000123-B004" (case-insensitive) or a bare positive number (substance).
std::optional<SubstanceCodeParts> parseSubstanceCode(const std::string& text);

// "mono_constituent" | "multi_constituent" | "uvcb" | "polymer" | "material"
bool isSubstanceKind(const std::string& kind);
const char* substanceKindList();
// "w/w" | "v/v" | "mol/mol"
bool isCompositionUnit(const std::string& unit);
// "constituent" | "impurity" | "additive"
bool isConstituentRole(const std::string& role);

constexpr std::size_t kMaxConstituents = 100;
constexpr std::size_t kMaxSubstanceProperties = 50;
constexpr std::size_t kMaxMonomers = 20;
constexpr std::size_t kMaxSynonyms = 30;

struct Constituent {
  std::optional<std::int64_t> compoundId;  // a registered parent, or
  std::string name;                        // a named (possibly unknown) constituent
  std::string role = "constituent";
  double typical = 0;
  std::optional<double> min;
  std::optional<double> max;
  std::string unit = "w/w";
  std::string method;  // analytical method ("GC-FID, ISO 7609", "HPLC-DAD")
};

struct PropertyValue {
  std::string key;  // a term of the vocabulary
  std::optional<double> typical;
  std::optional<double> min;
  std::optional<double> max;
  std::string method;
};

struct Monomer {
  std::int64_t compoundId = 0;
  double ratio = 0;  // mol %
};

struct SubstanceSource {
  std::string species;      // "Thymus satureioides Coss."
  std::string part;         // "aerial parts"
  std::string wasteStream;  // "olive-mill wastewater"
  std::string process;      // "hydrodistillation, 3 h"
  bool empty() const {
    return species.empty() && part.empty() && wasteStream.empty() && process.empty();
  }
};

struct RepeatUnit {
  std::string text;            // as given (SMILES with * atoms)
  std::string canonicalSmiles;  // computed by chem/
  std::string formula;          // computed, star atoms excluded
  std::optional<double> mass;   // g/mol, star atoms excluded
};

// A substance's specification: everything a registration says about it.
struct SubstanceSpec {
  std::string kind;
  std::string name;
  std::vector<std::string> synonyms;
  std::string casNumber;
  std::string description;
  SubstanceSource source;
  std::vector<Constituent> constituents;
  std::vector<PropertyValue> properties;
  std::vector<Monomer> monomers;
  RepeatUnit repeatUnit;
  std::optional<double> mn;  // number-average molar mass, g/mol
  std::optional<double> mw;  // weight-average molar mass, g/mol
};

struct Substance {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  SubstanceSpec spec;
  std::string compositionKey;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  std::string code() const;
};

// Checks the fields of a specification (see the file comment); InvalidArgument naming the
// field ("constituents[2].max"). Does not look at the database.
void validateSubstanceFields(const SubstanceSpec& spec);

// Creates a substance of `startUpId` (visibility start-up). Throws InvalidArgument,
// NotFound (start-up), PermissionDenied (not a member or administrator), FailedPrecondition
// (a retired compound).
Substance createSubstance(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t startUpId, const SubstanceSpec& spec,
                          const std::string& compositionKey);

// Replaces the specification (the kind never changes: InvalidArgument). NotFound for a
// substance the actor may not see; PermissionDenied; FailedPrecondition when retired.
Substance updateSubstance(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t id, const SubstanceSpec& spec,
                          const std::string& compositionKey);

// The substance if it exists and `viewer` may see it (nullopt otherwise, never a hint).
std::optional<Substance> findSubstance(Connection& c, const Principal& viewer, std::int64_t id);
// Loads a substance `actor` may see and write: NotFound, PermissionDenied, FailedPrecondition
// when retired.
Substance requireWritableSubstance(Connection& c, const Principal& actor, std::int64_t id);

struct SubstanceFilter {
  std::optional<std::int64_t> startUpId;
  std::optional<std::string> kind;
  std::optional<std::string> visibility;
  std::optional<std::string> text;         // name, synonyms, CAS number, description
  std::optional<std::string> source;       // any source field (species, part, stream, process)
  std::optional<std::int64_t> compoundId;  // has it as a constituent or monomer
  std::optional<std::string> propertyKey;  // with a typical value of this property ...
  std::optional<double> propertyMin;       // ... at least
  std::optional<double> propertyMax;       // ... at most
  bool includeRetired = false;
};

struct SubstancePage {
  std::vector<Substance> items;
  std::int64_t total = 0;
};

// Visible substances matching the filter, newest first. page from 0, pageSize 1..500.
SubstancePage listSubstances(Connection& c, const Principal& viewer, const SubstanceFilter& filter,
                             std::int64_t page, std::int64_t pageSize);

// Streams the visible substances matching the filter in id order (exports). `fn` runs while
// the statement is open: it may read with the same connection but must not write.
void forEachSubstance(Connection& c, const Principal& viewer, const SubstanceFilter& filter,
                      const std::function<void(const Substance&)>& fn);

// The live substances of a start-up of one kind (every kind when `kind` is empty), regardless
// of visibility (the identity rule compares a registration with them; the caller is
// authorised for the start-up).
std::vector<Substance> liveSubstancesOfKind(Connection& c, std::int64_t startUpId,
                                            const std::string& kind);

// For the cluster comparison: every live substance (id, owner, visibility, kind, name, key),
// ascending id, of the given start-ups (all when empty).
struct SubstanceScanRow {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::string kind;
  std::string name;
  std::string compositionKey;
};
std::vector<SubstanceScanRow> scanLiveSubstances(Connection& c,
                                                 const std::vector<std::int64_t>& startUps);

// The full hashes of compounds, by id (any visibility: for composition keys).
std::vector<std::pair<std::int64_t, std::string>> compoundFullHashes(
    Connection& c, const std::vector<std::int64_t>& ids);

// ---- Search: constituents of visible substances ------------------------------------------

struct ConstituentSearchFilter {
  std::vector<std::int64_t> startUps;  // empty: any
  std::optional<std::string> kind;
  std::optional<std::string> visibility;
  std::optional<std::string> source;
  std::optional<std::string> propertyKey;
  std::optional<double> propertyMin;
  std::optional<double> propertyMax;
  std::optional<double> percentMin;  // the matched constituent's typical value, at least
  std::optional<double> percentMax;  // at most
  bool includeRetired = false;       // retired substances
};

struct ConstituentRow {
  std::int64_t substanceId = 0;
  std::int64_t startUpId = 0;
  std::int64_t compoundId = 0;
  std::int64_t position = 0;
  std::string role;
  double typical = 0;
  std::optional<double> min;
  std::optional<double> max;
  std::string unit;
  bool monomer = false;  // a polymer's monomer (typical = its mol %)
};

// Registered constituents and monomers of the substances `viewer` may see that pass the
// filter (visibility inside the SQL), ordered by substance then position.
std::vector<ConstituentRow> searchableConstituents(Connection& c, const Principal& viewer,
                                                   const ConstituentSearchFilter& filter);

// ---- Property vocabulary -----------------------------------------------------------------

struct PropertyTerm {
  std::string key;
  std::string name;
  std::string unit;
  std::optional<double> min;  // physical range
  std::optional<double> max;
  std::string description;
  std::string createdAt;
};

std::vector<PropertyTerm> listPropertyTerms(Connection& c);
std::optional<PropertyTerm> findPropertyTerm(Connection& c, const std::string& key);
// Adds a term (leads and administrators). InvalidArgument (key: lower-case letters, digits,
// '_', starting with a letter; name; range), AlreadyExists, PermissionDenied. Audited.
PropertyTerm addPropertyTerm(Connection& c, const Clock& clock, const Principal& actor,
                             const PropertyTerm& term);

// ---- Batches and certificates of analysis ------------------------------------------------

struct BatchResult {
  std::optional<std::int64_t> compoundId;  // a constituent (as in the specification), or
  std::string name;                        // a named constituent, or
  std::string propertyKey;                 // a property of the vocabulary
  double value = 0;
  std::string unit;  // constituents: w/w, v/v or mol/mol; properties: the term's unit
  std::string method;
};

struct SubstanceBatchInput {
  std::optional<double> amount;
  std::optional<std::string> amountUnit;
  std::optional<std::string> preparedOn;  // YYYY-MM-DD
  std::string researcher;
  std::string notebookRef;
  std::string storage;
  std::string notes;
  std::string certificateNumber;
  std::optional<std::string> analysedOn;  // YYYY-MM-DD
  std::string laboratory;
  std::vector<BatchResult> results;  // the certificate (may be empty)
};

struct SubstanceBatch {
  std::int64_t id = 0;
  std::int64_t substanceId = 0;
  std::int64_t batchNumber = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::string substanceVisibility;
  std::optional<double> amount;
  std::optional<std::string> amountUnit;
  std::optional<std::string> preparedOn;
  std::string researcher;
  std::string notebookRef;
  std::string storage;
  std::string notes;
  std::string certificateNumber;
  std::optional<std::string> analysedOn;
  std::string laboratory;
  std::vector<BatchResult> results;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  std::string code() const;
};

// Checks batch fields and result rows (naming the field, "batch.results[1].value").
void validateSubstanceBatchInput(const SubstanceBatchInput& batch);

// Adds a batch (the next number) to a live substance the actor may write. InvalidArgument,
// NotFound, PermissionDenied, FailedPrecondition (retired substance). Audited.
SubstanceBatch createSubstanceBatch(Connection& c, const Clock& clock, const Principal& actor,
                                    std::int64_t substanceId, const SubstanceBatchInput& batch);

// Records the certificate of a batch that has none yet (FailedPrecondition otherwise).
SubstanceBatch addBatchCertificate(Connection& c, const Clock& clock, const Principal& actor,
                                   std::int64_t substanceId, std::int64_t batchNumber,
                                   const SubstanceBatchInput& certificate);

// Batches `viewer` may see (batch and substance both visible), by number.
std::vector<SubstanceBatch> listSubstanceBatches(Connection& c, const Principal& viewer,
                                                 std::int64_t substanceId);
std::optional<SubstanceBatch> findSubstanceBatch(Connection& c, const Principal& viewer,
                                                 std::int64_t substanceId,
                                                 std::int64_t batchNumber);
// By row id (documents).
std::optional<SubstanceBatch> findSubstanceBatchById(Connection& c, const Principal& viewer,
                                                     std::int64_t batchId);

// The substance with its constituents, properties and monomers as one JSON object (audit).
std::optional<std::string> snapshotSubstance(Connection& c, std::int64_t id);
// The batch row with its results as one JSON object (audit).
std::optional<std::string> snapshotSubstanceBatch(Connection& c, std::int64_t batchId);

}  // namespace argan::db
