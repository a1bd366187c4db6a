// The compound registry: parents, forms (salts/solvates) and batches (lots).
//
// Registration rule (registerCompound):
//   * same start-up and same full hash  -> the same parent
//       - same form key -> outcome NewBatch  (a new lot of a known form)
//       - new form key  -> outcome NewForm   (a new salt/solvate of a known parent)
//   * otherwise                          -> outcome NewCompound (parent + form 1 + batch 1)
// Every registration creates exactly one batch. Records, forms and batches are inserted and
// audited in the caller's write transaction: all or nothing.
//
// Each start-up has its own registry: the same structure registered by two start-ups is
// two parents that share a full hash (the cluster comparison finds them); a start-up never
// learns from registering that another holds the structure.
//
// Reads take a Principal and apply the visibility rule (access.h) inside the SQL.
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

// What chem/ computed for a parent, as plain data (db/ never sees RDKit).
struct CompoundIdentity {
  std::string fullHash;
  std::string formula;
  std::string canonicalSmiles;
  std::string tautomerHash;
  std::string noStereoSmiles;
  std::string noStereoTautomerHash;
  std::string skeleton;
  std::string inchi;
  std::string inchiKey;
  double mw = 0;
  double exactMass = 0;
  double clogp = 0;
  double tpsa = 0;
  std::int64_t hbd = 0;
  std::int64_t hba = 0;
  std::int64_t rotatableBonds = 0;
  std::int64_t heavyAtoms = 0;
  std::int64_t rings = 0;
  std::int64_t aromaticRings = 0;
  double fractionSp3 = 0;
  std::int64_t formalCharge = 0;
  std::string morganFp;   // packed 2048 bits
  std::string patternFp;  // packed 2048 bits
  std::string molPickle;  // RDKit binary pickle
  std::string standardizer;
  std::string standardizationStepsJson = "[]";
};

struct FormIdentity {
  std::string key;
  std::string label;
  std::string inchiKey;  // of the form as stored (parent x count + components); may be empty
  std::int64_t parentCount = 1;
  std::string componentsJson = "[]";  // [{"smiles","name","kind","count"}]
};

struct BatchInput {
  std::optional<double> amount;
  std::optional<std::string> amountUnit;
  std::optional<double> purity;
  std::optional<std::string> preparedOn;  // YYYY-MM-DD
  std::string researcher;
  std::string notebookRef;
  std::string storage;
  std::string notes;
  std::string propertiesJson = "{}";
  std::string submittedStructure;  // verbatim
  std::string submittedFormat;     // "smiles" | "molfile"
  std::string standardizer;        // RDKit version + pipeline options of this registration
  std::string submittedInchiKey;   // InChIKey of the submitted structure as drawn; may be empty
};

struct Compound {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  CompoundIdentity identity;  // fingerprints and pickle are filled only when asked for
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  std::string name;                          // what chemists call it; "" when not named
  std::optional<std::string> cas;            // CAS Registry Number, check digit validated
  std::optional<std::int64_t> supersededBy;  // set when merged into another parent
  std::string code() const;
};

struct CompoundForm {
  std::int64_t id = 0;
  std::int64_t compoundId = 0;
  std::int64_t formNumber = 0;
  std::string key;
  std::string label;
  std::int64_t parentCount = 1;
  std::string componentsJson;
  std::string createdAt;
  std::string inchiKey;
  std::string code() const;
};

struct Batch {
  std::int64_t id = 0;
  std::int64_t formId = 0;
  std::int64_t compoundId = 0;
  std::int64_t formNumber = 0;
  std::int64_t batchNumber = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::optional<double> amount;
  std::optional<std::string> amountUnit;
  std::optional<double> purity;
  std::optional<std::string> preparedOn;
  std::string researcher;
  std::string notebookRef;
  std::string storage;
  std::string notes;
  std::string propertiesJson;
  std::string submittedStructure;
  std::string submittedFormat;
  std::string standardizer;
  std::string submittedInchiKey;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  std::string code() const;
};

enum class RegistrationOutcome { NewCompound, NewForm, NewBatch };
const char* outcomeName(RegistrationOutcome outcome);  // "new_compound", ...

struct Registration {
  RegistrationOutcome outcome = RegistrationOutcome::NewCompound;
  Compound compound;
  CompoundForm form;
  Batch batch;
};

// Checks batch fields (units, ranges, dates, sizes); throws InvalidArgument naming the field.
void validateBatchInput(const BatchInput& batch);

// Registers in the caller's write transaction. Throws NotFound (start-up),
// FailedPrecondition (the parent is retired), InvalidArgument (batch fields).
Registration registerCompound(Connection& c, const Clock& clock, const Principal& actor,
                              std::int64_t startUpId, const CompoundIdentity& identity,
                              const FormIdentity& form, const BatchInput& batch);

// Loads a parent if it exists and `viewer` may see it (else nullopt — never a hint).
std::optional<Compound> findCompound(Connection& c, const Principal& viewer, std::int64_t id,
                                     bool withBinary = false);

struct CompoundFilter {
  std::optional<std::int64_t> startUpId;
  std::optional<std::string> formula;
  std::optional<double> mwMin;
  std::optional<double> mwMax;
  std::optional<std::string> inchiKey;
  std::optional<std::string> visibility;
  bool includeRetired = false;
};

struct CompoundPage {
  std::vector<Compound> items;
  std::int64_t total = 0;
};

// Visible parents matching the filter, newest first. page from 0, pageSize 1..500.
CompoundPage listCompounds(Connection& c, const Principal& viewer, const CompoundFilter& filter,
                           std::int64_t page, std::int64_t pageSize);

// Forms of a parent that `viewer` may see: those with at least one batch the viewer may see
// (a form made by an unpublished batch is that batch's news, not the public parent's).
std::vector<CompoundForm> listForms(Connection& c, const Principal& viewer,
                                   std::int64_t compoundId);

// Batches of a parent that `viewer` may see (batch and parent both visible).
std::vector<Batch> listBatches(Connection& c, const Principal& viewer, std::int64_t compoundId);
std::optional<Batch> findBatch(Connection& c, const Principal& viewer, std::int64_t compoundId,
                               std::int64_t formNumber, std::int64_t batchNumber);

// Parents visible to `viewer` related to the given identity by a shared layer.
struct RelatedCompound {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string canonicalSmiles;
  std::string relation;  // "same_structure" (other start-up) | "stereoisomer" |
                         // "tautomer_candidate" (same skeleton; confirm in chem/)
  std::string code() const;
};
std::vector<RelatedCompound> findRelatedCompounds(Connection& c, const Principal& viewer,
                                                  const CompoundIdentity& identity,
                                                  std::int64_t excludeId, std::size_t limit = 20);

// Retires a parent (never deleted). NotFound / FailedPrecondition (already retired).
void retireCompound(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                    const std::string& reason);

}  // namespace argan::db

namespace argan::db {

// The parent of `startUpId` with this full hash, regardless of visibility (the caller has
// already been authorised for the start-up). Used by registration previews.
std::optional<Compound> findCompoundByHash(Connection& c, std::int64_t startUpId,
                                           const std::string& fullHash);

// The column list (table alias `c`) and row reader behind every Compound query, for other
// stores that select compounds (db/compound_search.cpp). Binary columns are not included.
const char* compoundColumnsSql();
Compound readCompoundRow(Statement& st);

// The form of a parent with this key, if registered.
std::optional<CompoundForm> findFormByKey(Connection& c, std::int64_t compoundId,
                                          const std::string& formKey);

}  // namespace argan::db

namespace argan::db {

// Streams the parents `viewer` may see that match `filter`, in id order, without paging
// (exports). `fn` runs on each row while the statement is open: it may read with the same
// connection but must not write.
void forEachCompound(Connection& c, const Principal& viewer, const CompoundFilter& filter,
                     bool withBinary, const std::function<void(const Compound&)>& fn);

}  // namespace argan::db
