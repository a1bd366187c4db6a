#include "server/transfer/import_report.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "db/identifiers.h"

namespace argan::server {
namespace {

Poco::Dynamic::Var optionalText(const std::optional<std::string>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var parsedOptions(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(json);
  } catch (...) {
    return Poco::Dynamic::Var(json);
  }
}

std::string compoundOf(const db::ImportRecord& r) {
  return r.compoundId ? db::compoundCode(*r.compoundId) : "";
}
std::string formOf(const db::ImportRecord& r) {
  return r.compoundId && r.formNumber ? db::formCode(*r.compoundId, *r.formNumber) : "";
}
std::string batchOf(const db::ImportRecord& r) {
  return r.compoundId && r.formNumber && r.batchNumber
             ? db::batchCode(*r.compoundId, *r.formNumber, *r.batchNumber)
             : "";
}

}  // namespace

Poco::JSON::Object::Ptr importCountsJson(const db::ImportCounts& n) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("registered", n.registered);
  o->set("new_form", n.newForm);
  o->set("new_batch", n.newBatch);
  o->set("already_imported", n.alreadyImported);
  o->set("rejected", n.rejected);
  o->set("total", n.total());
  return o;
}

Poco::JSON::Object::Ptr importJson(const db::Import& i) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", i.id);
  o->set("start_up", i.startUpId);
  o->set("status", i.status);
  o->set("source", i.source);
  o->set("file_name", i.fileName);
  o->set("file_sha256", i.fileSha256);
  o->set("file_bytes", i.fileBytes);
  o->set("format", i.format);
  o->set("options", parsedOptions(i.optionsJson));
  o->set("records_done", i.recordsDone);
  o->set("bytes_done", i.bytesDone);
  double progress = i.status == "finished" ? 1.0
                    : i.fileBytes > 0
                        ? static_cast<double>(i.bytesDone) / static_cast<double>(i.fileBytes)
                        : 0.0;
  o->set("progress", progress > 1.0 ? 1.0 : progress);
  o->set("counts", importCountsJson(i.counts));
  o->set("error", optionalText(i.error));
  // Set while a passing failure (disk full, database busy) holds it: why, and when it is
  // tried again.
  o->set("waiting", optionalText(i.waiting));
  o->set("retry_at", optionalText(i.retryAt));
  o->set("created_by", i.createdBy ? Poco::Dynamic::Var(*i.createdBy) : Poco::Dynamic::Var());
  o->set("actor", i.actorLabel);
  o->set("created_at", i.createdAt);
  o->set("started_at", optionalText(i.startedAt));
  o->set("finished_at", optionalText(i.finishedAt));
  Poco::JSON::Object::Ptr links = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  std::string self = "/api/imports/" + std::to_string(i.id);
  links->set("self", self);
  links->set("report_json", self + "/report.json");
  links->set("report_csv", self + "/report.csv");
  o->set("links", links);
  return o;
}

Poco::JSON::Object::Ptr importRecordJson(const db::ImportRecord& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("record", r.recordNumber);
  o->set("line", r.line);
  o->set("verdict", db::verdictName(r.verdict));
  o->set("title", r.title);
  auto orNull = [](const std::string& s) {
    return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s);
  };
  o->set("compound", orNull(compoundOf(r)));
  o->set("form", orNull(formOf(r)));
  o->set("batch", orNull(batchOf(r)));
  o->set("field", optionalText(r.field));
  o->set("message", r.message);
  return o;
}

std::string verdictCountsLine(const db::ImportCounts& n) {
  std::ostringstream out;
  out << "{\"registered\": " << n.registered << ", \"new_form\": " << n.newForm
      << ", \"new_batch\": " << n.newBatch << ", \"rejected\": " << n.rejected << "}";
  return out.str();
}

ReportFormat reportFormatForPath(const std::string& path) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == "csv" ? ReportFormat::Csv : ReportFormat::Json;
}

std::string csvCell(const std::string& text, bool guardFormulas) {
  std::string t = text;
  if (guardFormulas && !t.empty() &&
      (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@')) {
    t = "'" + t;
  }
  if (t.find_first_of(",\"\r\n") == std::string::npos && (t.empty() || (t.front() != ' ' &&
                                                                         t.back() != ' '))) {
    return t;
  }
  std::string out = "\"";
  for (char c : t) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void writeImportReport(db::Connection& c, const db::Import& import, ReportFormat format,
                       std::ostream& out, std::optional<db::ImportVerdict> verdict) {
  if (format == ReportFormat::Csv) {
    out << "record,line,verdict,compound,form,batch,field,message,title\r\n";
    db::forEachImportRecord(c, import.id, verdict, 0, 0, [&](const db::ImportRecord& r) {
      out << r.recordNumber << ',' << r.line << ',' << db::verdictName(r.verdict) << ','
          << compoundOf(r) << ',' << formOf(r) << ',' << batchOf(r) << ','
          << csvCell(r.field.value_or(""), true) << ',' << csvCell(r.message, true) << ','
          << csvCell(r.title, true) << "\r\n";
    });
    return;
  }
  out << "{\"import\": ";
  importJson(import)->stringify(out);
  out << ",\n\"counts\": ";
  importCountsJson(import.counts)->stringify(out);
  out << ",\n\"records\": [";
  bool first = true;
  db::forEachImportRecord(c, import.id, verdict, 0, 0, [&](const db::ImportRecord& r) {
    out << (first ? "\n" : ",\n");
    first = false;
    importRecordJson(r)->stringify(out);
  });
  out << "\n]}\n";
}

}  // namespace argan::server
