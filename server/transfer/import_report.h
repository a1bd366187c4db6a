// JSON and CSV for imports: the one place an import, its verdicts and its report become text.
//
// The report of an import is streamed from its verdict rows (db/import_store.h), so a
// 100 000-record report is never held in memory:
//   JSON {"import": {...}, "counts": {...}, "records": [{"record", "line", "verdict", "title",
//         "compound", "form", "batch", "field", "message"}, ...]}
//   CSV  record,line,verdict,compound,form,batch,field,message,title (RFC 4180; text cells
//        starting with = + - @ are prefixed with ' so spreadsheets do not run them)
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <ostream>
#include <string>

#include "db/import_store.h"
#include "db/sqlite.h"

namespace argan::server {

// {"registered", "new_form", "new_batch", "already_imported", "rejected", "total"}
Poco::JSON::Object::Ptr importCountsJson(const db::ImportCounts& counts);
// The import with its progress and counts (no records).
Poco::JSON::Object::Ptr importJson(const db::Import& import);
Poco::JSON::Object::Ptr importRecordJson(const db::ImportRecord& record);

// The command line's last line, exactly:
// {"registered": n, "new_form": n, "new_batch": n, "rejected": n}
std::string verdictCountsLine(const db::ImportCounts& counts);

enum class ReportFormat { Json, Csv };
// From a file name: ".csv" -> Csv, anything else Json.
ReportFormat reportFormatForPath(const std::string& path);

// Writes the whole report of `import` (all its verdict rows, or only `verdict`'s).
void writeImportReport(db::Connection& c, const db::Import& import, ReportFormat format,
                       std::ostream& out, std::optional<db::ImportVerdict> verdict = {});

// One CSV cell, quoted when needed (shared with the export writer).
std::string csvCell(const std::string& text, bool guardFormulas = false);

}  // namespace argan::server
