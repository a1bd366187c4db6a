// Import and export of substances (docs/substances.md, "Import and export").
//
// CSV: one row per constituent (record "constituent"), per characterising property
// ("property") and per polymer monomer ("monomer"); a substance with none of them has one row
// with an empty record. Rows with the same `substance` value belong to one substance (its
// code on export; any key on import), whose own columns are read from its first row:
//   substance, name, kind, synonyms (separated by '|'), cas_number, description,
//   source_species, source_part, source_waste_stream, source_process, visibility (export),
//   record, compound_id, smiles, constituent_name, role, typical, min, max, unit, method,
//   property, ratio
// JSON: {"format": "argan-substances/1", "exported_at", "count", "substances": [the API's
// substance JSON with its visible batches]}; an import takes that file, or
// {"substances": [POST /api/substances bodies]}.
//
// Export writes what `viewer` may see (a hidden constituent compound as neither id nor
// SMILES, only its percentages and name). Import registers each substance through
// registerSubstance (server/registry/substances.h) into one start-up: a constituent's
// compound_id is used when the start-up may see it, else its SMILES is linked or
// registered; the identity rule applies, and a substance that is the same as one of the
// start-up's under the same name is "already_registered" (nothing stored), so a file can be
// imported twice.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "db/access.h"
#include "server/core/runtime.h"

namespace argan::server {

struct SubstanceExportOptions {
  std::string format = "csv";  // csv | json
  std::optional<std::int64_t> startUpId;
  bool includeRetired = false;
};

// Returns the number of substances written. Throws InvalidArgument for an unknown format.
std::int64_t exportSubstances(Runtime& runtime, const db::Principal& viewer,
                              const SubstanceExportOptions& options, std::ostream& out);

struct SubstanceImportVerdict {
  std::string key;  // the `substance` column (CSV) or the position (JSON, "1", "2", ...)
  std::int64_t line = 0;  // CSV: the first line of the substance's rows
  std::string outcome;    // new_substance | new_batch | already_registered | rejected
  std::string id;         // SUB-... (or SUB-...-B...) when stored or found
  std::string message;
  std::string field;      // for rejected records: the field, as the API names it
};

struct SubstanceImportReport {
  std::vector<SubstanceImportVerdict> verdicts;
  std::int64_t newSubstances = 0;
  std::int64_t newBatches = 0;
  std::int64_t alreadyRegistered = 0;
  std::int64_t rejected = 0;
};

// Parses `text` (format csv | json) and registers each substance; a bad substance is
// rejected alone with its reason. Throws InvalidArgument when the file itself cannot be read
// (no header, unterminated quote, not JSON), PermissionDenied when `who` may not register
// for the start-up.
SubstanceImportReport importSubstances(Runtime& runtime, const db::Principal& who,
                                       std::int64_t startUpId, const std::string& text,
                                       const std::string& format);

}  // namespace argan::server
