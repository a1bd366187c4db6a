// Export of the compound registry as SD file, CSV or JSON.
//
// Writes the parents `viewer` may see (db::visibleSql inside the query), optionally only
// those of one start-up, one parent at a time (streaming: memory does not grow with the
// registry), inside one read snapshot. Every parent carries its identity layers (InChI,
// InChIKey, canonical SMILES, tautomer hash, no-stereo layers, skeleton, full hash) and its
// computed properties:
//   sdf   one record per parent: the Molfile of the standardised parent (title = its code)
//         and the fields as SD data items
//   csv   one row per parent; the "smiles" column (canonical SMILES, with CXSMILES enhanced
//         stereo) comes first, so the file re-imports as it is
//   json  {"format": "argan-compounds/1", "exported_at", "compounds": [compound JSON as the
//         API gives it, with "start_up_name", its forms and its visible batches], "count"}
// An exported SD or CSV file re-imports to the same parents and identities.
// Throws argan::Error (Unavailable when the database cannot be read).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "common/clock.h"
#include "db/access.h"
#include "db/database.h"

namespace argan::server {

enum class ExportFormat { Sdf, Csv, Json };
const char* exportFormatName(ExportFormat format);
std::optional<ExportFormat> parseExportFormat(const std::string& name);  // sdf | csv | json
const char* exportContentType(ExportFormat format);

struct ExportOptions {
  ExportFormat format = ExportFormat::Sdf;
  std::optional<std::int64_t> startUpId;  // only this start-up's parents
  bool includeRetired = false;
};

struct ExportSummary {
  std::int64_t compounds = 0;
};

ExportSummary exportCompounds(db::Database& database, const Clock& clock,
                              const db::Principal& viewer, const ExportOptions& options,
                              std::ostream& out);

}  // namespace argan::server
