// What chemists call a parent: its name, synonyms, CAS Registry Number and identifiers in
// other databases (PubChem CID, ChEMBL id). Searchable by text; never deleted (a name a
// record was found by stays findable). docs/identity.md §6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/registry_store.h"
#include "db/sqlite.h"

namespace argan::db {

struct CompoundNames {
  std::string name;  // "" when none given
  std::vector<std::string> synonyms;
  std::optional<std::string> cas;                                // "7732-18-5"
  std::vector<std::pair<std::string, std::string>> externalIds;  // (source, value)
  bool empty() const { return name.empty() && synonyms.empty() && !cas && externalIds.empty(); }
};

// True for a CAS Registry Number with a correct check digit: 2-7 digits, '-', 2 digits,
// '-', the check digit (the sum of the other digits, each times its position counted from
// the right, modulo 10).
bool isValidCas(const std::string& cas);

// The form names are compared and searched by: lower case, every run of characters other
// than letters and digits folded to one space, trimmed ("Methyl-Oleate " -> "methyl oleate").
std::string normaliseName(const std::string& name);

// Checks lengths (name and synonyms 1-300 characters, at most 50 synonyms and 20 external
// identifiers, source 1-40, value 1-100) and the CAS check digit. Throws
// argan::Error(InvalidArgument) naming the field ("name", "synonyms", "cas", "external_ids").
void validateCompoundNames(const CompoundNames& names);

// Adds `names` to parent `compoundId` in the caller's write transaction: the name and the
// CAS number are set when the parent has none (a different name becomes a synonym); a
// different CAS number is a conflict (AlreadyExists, both numbers in the message);
// synonyms and external identifiers are added, duplicates ignored. One audit entry
// ("name", before/after) when something changed. Returns whether something changed.
// Throws InvalidArgument (validateCompoundNames), NotFound (no such parent).
bool mergeCompoundNames(Connection& c, const Clock& clock, const Principal& actor,
                        std::int64_t compoundId, const CompoundNames& names);

// Merging two parents that the identity rule says are one substance (docs/identity.md §7):
// retires `fromId` with `reason` and a pointer to `intoId` (superseded_by), audited
// ("merge", before/after). Batches keep their codes. Both parents must belong to the same
// start-up and be current. Throws NotFound, FailedPrecondition (retired, another start-up,
// the same parent), InvalidArgument (reason 1-2000 characters).
void supersedeCompound(Connection& c, const Clock& clock, const Principal& actor,
                       std::int64_t fromId, std::int64_t intoId, const std::string& reason);

// Fills the InChIKey of a form and of a batch's submitted structure where migration 0042
// left them empty (0 or "" skip one); never overwrites a key. Caller's write transaction.
void fillMissingInchiKeys(Connection& c, std::int64_t formId, const std::string& formKey,
                          std::int64_t batchId, const std::string& submittedKey);

// The names of a parent (synonyms and identifiers in the order they were added).
CompoundNames loadCompoundNames(Connection& c, std::int64_t compoundId);

// Visible parents that `text` names: the name or a synonym containing it (normalised), or
// exactly its CAS number, formula, InChIKey (27 or the first 14 characters) or code
// (CMP-000123). Retired parents are left out; of `filter`, visibility (one only: the public
// catalogue), startUpId, mwMin and mwMax narrow the hits, the other fields are not used.
// Newest first; page from 0, pageSize 1..500.
CompoundPage searchCompoundsByText(Connection& c, const Principal& viewer, const std::string& text,
                                   std::int64_t page, std::int64_t pageSize,
                                   const CompoundFilter& filter = {});

}  // namespace argan::db
