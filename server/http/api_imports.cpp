// Bulk imports as background jobs:
//   POST /api/imports                  upload a file + options -> 202 with the import (job id)
//   GET  /api/imports                  the caller's start-up's imports (all, for admins)
//   GET  /api/imports/{id}             progress and counts, then the verdicts (paged)
//   GET  /api/imports/{id}/report.json the full report
//   GET  /api/imports/{id}/report.csv
// An import is visible only to its start-up's members and the administrators; anyone else
// gets 404 as for a missing one.
//
// Upload: either multipart/form-data with a "file" part and the fields "start_up", "format",
// "options" (JSON: {"fields": {name: batch field}, "default_mapping", "structure_column",
// "delimiter"}), or the raw file as the body with the same names as query parameters (plus
// "file_name"). The file is streamed to disk (at most config.maxImportBytes), never held in
// memory.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/SHA2Engine.h>
#include <Poco/TemporaryFile.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/error.h"
#include "db/import_store.h"
#include "server/http/connection_gate.h"
#include "server/http/endpoints.h"
#include "server/transfer/import_jobs.h"
#include "server/transfer/import_report.h"
#include "server/transfer/importer.h"
#include "server/json/json_fields.h"
#include "server/registry/registration.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

ImportJobs& jobs(RequestContext& ctx) {
  if (!ctx.runtime().imports) throw unavailable("imports are not enabled on this server");
  return *ctx.runtime().imports;
}

// A received upload: a temporary file removed unless kept.
struct Upload {
  std::string path;
  std::string sha256;
  std::int64_t bytes = 0;
  std::string fileName;
  bool received = false;
  bool kept = false;
  ~Upload() {
    if (!path.empty() && !kept) std::remove(path.c_str());
  }
};

// Reads an upload to its end. `expected` (the request's Content-Length, for a raw body) must
// all arrive: a body cut short is refused, never imported as if it were the whole file.
void receive(std::istream& in, Upload& upload, std::uint64_t limit,
             std::optional<std::uint64_t> expected = std::nullopt) {
  std::ofstream out(upload.path, std::ios::binary | std::ios::trunc);
  if (!out) throw unavailable("cannot store the upload");
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::vector<char> buffer(1 << 16);
  std::uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = in.gcount();
    if (got <= 0) break;
    total += static_cast<std::uint64_t>(got);
    if (total > limit) {
      throw Error(ErrorCode::PayloadTooLarge,
                  "the file is larger than the import limit of " + std::to_string(limit) +
                      " bytes",
                  {{"limit", "max_import_bytes"}, {"maximum", static_cast<std::int64_t>(limit)}});
    }
    engine.update(buffer.data(), static_cast<unsigned>(got));
    out.write(buffer.data(), got);
  }
  out.flush();
  if (!out) throw unavailable("could not store the upload (disk full?)");
  if (expected && total < *expected) {
    throw invalidArgument("the upload ended after " + std::to_string(total) + " of the " +
                              std::to_string(*expected) + " bytes announced by Content-Length",
                          {{"field", "file"}});
  }
  upload.sha256 = Poco::DigestEngine::digestToHex(engine.digest());
  upload.bytes = static_cast<std::int64_t>(total);
  upload.received = true;
}

class FilePart : public Poco::Net::PartHandler {
 public:
  FilePart(Upload& upload, std::uint64_t limit) : upload_(upload), limit_(limit) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition;
    Poco::Net::NameValueCollection params;
    Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition,
                                              params);
    if (params.get("name", "") != "file") {
      char sink[4096];
      while (stream.read(sink, sizeof sink) || stream.gcount() > 0) {
      }
      return;
    }
    if (upload_.received) throw invalidArgument("send one file per import", {{"field", "file"}});
    upload_.fileName = params.get("filename", "");
    receive(stream, upload_, limit_);
  }

 private:
  Upload& upload_;
  std::uint64_t limit_;
};

std::string baseName(const std::string& name) {
  auto slash = name.find_last_of("/\\");
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  return base.substr(0, 200);
}

void submitHandler(RequestContext& ctx) {
  ImportJobs& runner = jobs(ctx);
  Upload upload;
  upload.path = runner.temporaryUploadPath();
  const std::uint64_t limit = ctx.runtime().config.maxImportBytes;
  std::map<std::string, std::string> fields;  // start_up, format, options, file_name

  const std::string contentType = ctx.request().getContentType();
  if (contentType.rfind("multipart/form-data", 0) == 0) {
    Poco::Net::HTMLForm form;
    form.setFieldLimit(20);
    form.setValueLengthLimit(64 * 1024);
    FilePart part(upload, limit);
    try {
      form.load(ctx.request(), ctx.request().stream(), part);
    } catch (const Error&) {
      throw;
    } catch (const SlowBodyException&) {
      throw;  // answered 408
    } catch (const Poco::Exception& e) {
      throw invalidArgument("malformed multipart upload: " + e.displayText());
    }
    for (const char* name : {"start_up", "format", "options", "file_name"}) {
      if (form.has(name)) fields[name] = form.get(name);
    }
    if (!upload.received) {
      throw invalidArgument("the upload has no \"file\" part", {{"field", "file"}});
    }
  } else {
    for (const char* name : {"start_up", "format", "options", "file_name"}) {
      if (auto v = ctx.query(name)) fields[name] = *v;
    }
    std::optional<std::uint64_t> expected;
    if (ctx.request().hasContentLength()) {
      expected = static_cast<std::uint64_t>(ctx.request().getContentLength64());
    }
    receive(ctx.request().stream(), upload, limit, expected);
  }
  if (upload.bytes == 0) throw invalidArgument("the file is empty", {{"field", "file"}});
  if (fields.count("file_name")) upload.fileName = fields["file_name"];
  upload.fileName = baseName(upload.fileName);
  if (!isCleanUtf8(upload.fileName)) upload.fileName = "upload";

  std::int64_t startUp = 0;
  if (fields.count("start_up")) {
    try {
      std::size_t used = 0;
      startUp = std::stoll(fields["start_up"], &used);
      if (used != fields["start_up"].size()) startUp = 0;
    } catch (...) {
      startUp = 0;
    }
    if (startUp <= 0) {
      throw invalidArgument("start_up must be a start-up id", {{"field", "start_up"}});
    }
  } else if (ctx.principal().startUpId) {
    startUp = *ctx.principal().startUpId;
  } else {
    throw invalidArgument("'start_up' is required (the start-up to import into)",
                          {{"field", "start_up"}});
  }
  authorizeRegistration(ctx.principal(), startUp);

  Poco::JSON::Object::Ptr optionsObject = fields.count("options")
                                               ? parseJsonObject(fields["options"])
                                               : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  if (fields.count("format")) {
    optionsObject->set("format", fields["format"]);
  } else if (!optionsObject->has("format")) {
    // From the file name's extension, else from the content.
    auto guessed = chem::formatFromFileName(upload.fileName);
    chem::RecordFileFormat format = guessed ? *guessed : detectFileFormat(upload.path);
    optionsObject->set("format", chem::recordFileFormatName(format));
  }
  std::ostringstream optionsText;
  optionsObject->stringify(optionsText);
  ImportOptions options = ImportOptions::fromJson(optionsText.str());

  db::NewImport in;
  in.startUpId = startUp;
  in.source = "api";
  in.fileName = upload.fileName.empty() ? "upload" : upload.fileName;
  in.fileSha256 = upload.sha256;
  in.fileBytes = upload.bytes;
  in.format = chem::recordFileFormatName(options.format);
  in.optionsJson = options.toJson();
  Runtime& runtime = ctx.runtime();
  db::Import created = runtime.db.write([&](db::Connection& c) {
    db::Import job = db::createImport(c, runtime.clock, ctx.principal(), in);
    // Moved into place inside the transaction: if the rename fails, there is no import.
    if (std::rename(upload.path.c_str(), runner.uploadPath(job.id).c_str()) != 0) {
      throw unavailable("cannot store the upload");
    }
    upload.kept = true;
    return job;
  });
  runner.wake();
  ctx.response().set("Location", "/api/imports/" + std::to_string(created.id));
  ctx.sendJson(202, importJson(created));
}

db::Import visibleImport(RequestContext& ctx) {
  const std::string& text = ctx.param("id");
  std::int64_t id = 0;
  try {
    std::size_t used = 0;
    id = std::stoll(text, &used);
    if (used != text.size()) id = 0;
  } catch (...) {
    id = 0;
  }
  std::optional<db::Import> found;
  if (id > 0) {
    found = ctx.runtime().db.read(
        [&](db::Connection& c) { return db::findImport(c, ctx.principal(), id); });
  }
  if (!found) throw notFound("no import '" + text + "'");
  return *found;
}

void getHandler(RequestContext& ctx) {
  db::Import job = visibleImport(ctx);
  std::int64_t after = ctx.queryInt("after").value_or(0);
  std::int64_t limit = ctx.queryInt("limit").value_or(100);
  if (limit < 1 || limit > 1000) {
    throw invalidArgument("limit must be between 1 and 1000", {{"field", "limit"}});
  }
  std::optional<db::ImportVerdict> verdict;
  if (auto v = ctx.query("verdict")) {
    verdict = db::parseVerdict(*v);
    if (!verdict) {
      throw invalidArgument(
          "verdict must be registered, new_form, new_batch, already_imported or rejected",
          {{"field", "verdict"}});
    }
  }
  Poco::JSON::Array::Ptr records = new Poco::JSON::Array;
  std::int64_t last = 0;
  ctx.runtime().db.read([&](db::Connection& c) {
    db::forEachImportRecord(c, job.id, verdict, after, limit, [&](const db::ImportRecord& r) {
      records->add(importRecordJson(r));
      last = r.recordNumber;
    });
  });
  Poco::JSON::Object::Ptr out = importJson(job);
  out->set("records", records);
  out->set("next_after", static_cast<std::int64_t>(records->size()) == limit
                             ? Poco::Dynamic::Var(last)
                             : Poco::Dynamic::Var());
  ctx.sendJson(200, out);
}

void listHandler(RequestContext& ctx) {
  std::int64_t limit = ctx.queryInt("limit").value_or(50);
  if (limit < 1 || limit > 500) {
    throw invalidArgument("limit must be between 1 and 500", {{"field", "limit"}});
  }
  auto imports = ctx.runtime().db.read([&](db::Connection& c) {
    return db::listImports(c, ctx.principal(), ctx.queryInt("start_up"), limit);
  });
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& i : imports) items->add(importJson(i));
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  out->set("items", items);
  ctx.sendJson(200, out);
}

void reportHandler(RequestContext& ctx, ReportFormat format) {
  db::Import job = visibleImport(ctx);
  Poco::TemporaryFile spool;
  {
    std::ofstream out(spool.path(), std::ios::binary);
    ctx.runtime().db.read([&](db::Connection& c) { writeImportReport(c, job, format, out); });
    out.flush();
    if (!out) throw unavailable("the report could not be written");
  }
  bool csv = format == ReportFormat::Csv;
  ctx.sendFile(200, csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
               spool.path(),
               "import-" + std::to_string(job.id) + "-report." + (csv ? "csv" : "json"));
}

}  // namespace

void addImportEndpoints(Router& router) {
  router.add({"POST", "/api/imports", Access::StartUpMember, submitHandler,
              "upload an SD/SMILES/CSV file to import into a start-up (background job)"});
  router.add({"GET", "/api/imports", Access::StartUpMember, listHandler,
              "imports of the caller's start-up (all for administrators)"});
  router.add({"GET", "/api/imports/{id}", Access::StartUpMember, getHandler,
              "an import's progress and counts, then its verdicts (after, limit, verdict)"});
  router.add({"GET", "/api/imports/{id}/report.json", Access::StartUpMember,
              [](RequestContext& ctx) { reportHandler(ctx, ReportFormat::Json); },
              "an import's full report as JSON"});
  router.add({"GET", "/api/imports/{id}/report.csv", Access::StartUpMember,
              [](RequestContext& ctx) { reportHandler(ctx, ReportFormat::Csv); },
              "an import's full report as CSV"});
}

}  // namespace argan::server
