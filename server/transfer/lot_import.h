// CSV import of collection records: a collector's spreadsheet, one collection per row, into
// lots of one start-up (through server/registry/waste.h recordLotIn, the API's rule).
//
// The file: a header row, then one row per collection. The delimiter is detected from the
// header (';' as spreadsheets write it in French, ',' or a tab); with ';' a decimal comma is
// accepted ("1 250,5"). Columns, by name (case, accents and spaces ignored; French names
// accepted):
//   collected_on (date, date_collecte)        YYYY-MM-DD or DD/MM/YYYY          required
//   stream (flux)                              key, or the French or English name required
//   net_mass (masse_nette, poids_net)          number                            required
//   unit (unite)                               g | kg | t (default kg)
//   source (point_de_collecte, fournisseur)    a source name or SRC-000001
//   source_kind (type_source), region, locality (ville)   to create a source named in the
//                                              file that the start-up does not have yet
//   gross_mass (masse_brute, poids_brut), container (contenant), container_count
//   (nombre_contenants), vehicle (vehicule), distance_km (distance), notes (remarques), and
//   any characterisation property key (moisture, oil_content, free_fatty_acids, ...).
// An unknown column is refused (its data would be lost otherwise).
//
// All or nothing: every row is checked; if any is wrong nothing is stored and the error
// (InvalidArgument, 400) names the first wrong line and column (details.line, details.field)
// and counts the others (details.rejected); its message lists up to ten. A row already
// imported by the start-up (same content: SHA-256 of its cells) is skipped, so running the
// same file twice stores it once. A dry run checks everything and stores nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "server/core/runtime.h"

namespace argan::server {

struct LotImportOptions {
  std::optional<std::int64_t> startUpId;  // default: the caller's start-up
  bool dryRun = false;
};

struct LotImportRow {
  std::int64_t line = 0;
  std::string status;  // created | already_imported | valid (dry run)
  std::optional<std::string> lot;
};

struct LotImportReport {
  std::int64_t startUpId = 0;
  std::int64_t rows = 0;
  std::int64_t created = 0;
  std::int64_t alreadyImported = 0;
  std::vector<std::string> sourcesCreated;  // SRC codes
  std::string delimiter;
  std::vector<std::string> columns;  // as understood
  bool dryRun = false;
  std::vector<LotImportRow> items;
};

inline constexpr std::size_t kMaxLotImportRows = 5000;

LotImportReport importLots(Runtime& runtime, const db::Principal& who, const std::string& csv,
                           const LotImportOptions& options);

}  // namespace argan::server
