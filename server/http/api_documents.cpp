// Documents: evidence files attached to products, stages, batches (analyses) and substance
// batches (certificates of analysis).
//   POST /api/products/{id}/documents               upload (raw body or multipart/form-data)
//   POST /api/products/{id}/stages/{key}/documents
//   POST /api/batches/{id}/documents
//   POST /api/lots/{id}/documents                   photos and papers of a waste lot
//   GET  the same paths                              the visible attachments of that owner
//   GET  /api/documents/{id}                         metadata
//   GET  /api/documents/{id}/content                 the bytes, with their content type
//   PATCH /api/documents/{id}                        {visibility, reason?}: the document's own
//                                                    visibility (audited "publish"); the
//                                                    narrower of it and the owner's applies
//   POST /api/documents/{id}/retire                  retire ({reason})
//
// A raw upload sends the file as the body with its Content-Type; the file name, kind and
// title come from the query (?filename=sds.pdf&kind=sds&title=...) or a Content-Disposition
// header. A multipart upload has one file part (the part with a filename, or named "file")
// and optional text parts "kind", "title", "filename". Over config.maxUploadBytes: 413;
// an empty file: 400.
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <set>
#include <sstream>

#include "common/error.h"
#include "db/document_store.h"
#include "db/identifiers.h"
#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/substance_store.h"
#include "db/waste_store.h"
#include "server/http/endpoints.h"
#include "server/json/json_fields.h"
#include "server/json/product_json.h"
#include "server/http/product_requests.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Room for multipart boundaries and part headers on top of the file-size limit.
constexpr std::size_t kMultipartOverhead = 64 * 1024;

struct Upload {
  std::string filename;
  std::string contentType;
  std::string kind = "other";
  std::string title;
  std::string bytes;
};

std::string lowered(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string basename(const std::string& name) {
  auto slash = name.find_last_of("/\\");
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::string dispositionFilename(const std::string& header) {
  if (header.empty()) return "";
  std::string value;
  Poco::Net::NameValueCollection params;
  Poco::Net::MessageHeader::splitParameters(header, value, params);
  return params.get("filename", "");
}

void checkText(const std::string& value, const char* field, std::size_t max) {
  if (value.size() > max || !isCleanUtf8(value)) {
    throw invalidArgument(
        std::string(field) + " must be clean text of at most " + std::to_string(max) + " bytes",
        {{"field", field}});
  }
}

void readMultipart(const std::string& body, const std::string& contentType, Upload& up) {
  std::string boundary;
  try {
    boundary = Poco::Net::MediaType(contentType).getParameter("boundary");
  } catch (const Poco::Exception&) {
    throw invalidArgument("a multipart/form-data upload needs a boundary parameter",
                          {{"field", "file"}});
  }
  bool gotFile = false;
  try {
    std::istringstream in(body);
    Poco::Net::MultipartReader reader(in, boundary);
    while (reader.hasNextPart()) {
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      std::string disposition;
      Poco::Net::NameValueCollection params;
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition,
                                                params);
      std::string name = params.get("name", "");
      std::string data;
      Poco::StreamCopier::copyToString(reader.stream(), data);
      if (params.has("filename") || name == "file") {
        if (gotFile) {
          throw invalidArgument("send one file per upload", {{"field", "file"}});
        }
        gotFile = true;
        up.bytes = std::move(data);
        if (up.filename.empty()) up.filename = params.get("filename", "");
        up.contentType = header.get("Content-Type", "");
      } else if (name == "kind") {
        up.kind = data;
      } else if (name == "title") {
        up.title = data;
      } else if (name == "filename") {
        up.filename = data;
      } else {
        throw invalidArgument("unknown form field '" + name +
                                  "'; allowed: file, kind, title, "
                                  "filename",
                              {{"field", name}});
      }
    }
  } catch (const Poco::Exception& e) {
    throw invalidArgument("the multipart body cannot be read: " + e.message(), {{"field", "file"}});
  }
  if (!gotFile) {
    throw invalidArgument(
        "the multipart upload has no file part (a part with a filename, or "
        "named 'file')",
        {{"field", "file"}});
  }
}

Upload readUpload(RequestContext& ctx) {
  std::size_t limit = ctx.runtime().config.maxUploadBytes;
  Upload up;
  up.kind = ctx.query("kind").value_or("other");
  up.title = ctx.query("title").value_or("");
  up.filename = ctx.query("filename").value_or("");
  const std::string& body = ctx.body(limit + kMultipartOverhead);
  std::string contentType = ctx.request().getContentType();
  if (lowered(contentType).rfind("multipart/form-data", 0) == 0) {
    readMultipart(body, contentType, up);
  } else {
    up.bytes = body;
    up.contentType = contentType;
    if (up.filename.empty()) {
      up.filename = dispositionFilename(ctx.request().get("Content-Disposition", ""));
    }
  }
  if (up.bytes.empty()) {
    throw invalidArgument("the uploaded file is empty; nothing to store", {{"field", "file"}});
  }
  if (up.bytes.size() > limit) {
    throw Error(ErrorCode::PayloadTooLarge,
                "the file has " + std::to_string(up.bytes.size()) +
                    " bytes, more than the upload limit of " + std::to_string(limit),
                {{"field", "file"}, {"limit", static_cast<std::int64_t>(limit)}});
  }
  up.filename = basename(up.filename);
  if (up.filename.empty()) up.filename = "document";
  checkText(up.filename, "filename", 255);
  checkText(up.kind, "kind", 40);
  checkText(up.title, "title", 500);
  checkText(up.contentType, "content_type", 200);
  return up;
}

db::NewDocument toNewDocument(Upload&& up) {
  db::NewDocument doc;
  doc.filename = std::move(up.filename);
  doc.contentType = std::move(up.contentType);
  doc.kind = std::move(up.kind);
  doc.title = std::move(up.title);
  doc.bytes = std::move(up.bytes);
  return doc;
}

Object::Ptr createdJson(const db::Document& doc) {
  Object::Ptr out = documentJson(doc);
  out->set("stored_before", doc.storedBefore);
  return out;
}

Object::Ptr listJson(const std::vector<db::Document>& docs) {
  Array::Ptr items = new Array;
  for (const auto& d : docs) items->add(documentJson(d));
  return itemsJson(items);
}

bool includeRetired(RequestContext& ctx) {
  return ctx.query("include_retired") == std::optional<std::string>("true");
}

// ---- products ----

void uploadProductHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  Upload up = readUpload(ctx);
  std::size_t limit = ctx.runtime().config.maxUploadBytes;
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    db::requireWritableProduct(c, ctx.principal(), id);
    return db::attachDocument(c, ctx.runtime().clock, ctx.principal(),
                              {db::DocumentOwnerType::Product, id}, toNewDocument(std::move(up)),
                              limit);
  });
  ctx.sendJson(201, createdJson(doc));
}

void listProductHandler(RequestContext& ctx) {
  db::Product product = visibleProduct(ctx);
  auto docs = ctx.runtime().db.read([&](db::Connection& c) {
    return db::listDocuments(c, ctx.principal(), {db::DocumentOwnerType::Product, product.id},
                             includeRetired(ctx));
  });
  ctx.sendJson(200, listJson(docs));
}

// ---- stages ----

void uploadStageHandler(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  std::string key = ctx.param("key");
  Upload up = readUpload(ctx);
  std::size_t limit = ctx.runtime().config.maxUploadBytes;
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    db::requireWritableProduct(c, ctx.principal(), id);
    auto stage = db::findStage(c, id, key);
    if (!stage) {
      throw notFound("no stage '" + key + "' in " + db::productCode(id), {{"field", "key"}});
    }
    return db::attachDocument(c, ctx.runtime().clock, ctx.principal(),
                              {db::DocumentOwnerType::Stage, stage->id},
                              toNewDocument(std::move(up)), limit);
  });
  ctx.sendJson(201, createdJson(doc));
}

void listStageHandler(RequestContext& ctx) {
  db::Product product = pipelineProduct(ctx);
  const std::string& key = ctx.param("key");
  auto docs = ctx.runtime().db.read([&](db::Connection& c) {
    auto stage = db::findStage(c, product.id, key);
    if (!stage) {
      throw notFound("no stage '" + key + "' in " + product.code(), {{"field", "key"}});
    }
    return db::listDocuments(c, ctx.principal(), {db::DocumentOwnerType::Stage, stage->id},
                             includeRetired(ctx));
  });
  ctx.sendJson(200, listJson(docs));
}

// ---- batches (analyses) ----

db::Batch visibleBatch(db::Connection& c, RequestContext& ctx) {
  const std::string& text = ctx.param("id");
  auto code = db::parseCode(text);
  if (!code || !code->batchNumber) throw notFound("no batch '" + text + "'");
  auto batch =
      db::findBatch(c, ctx.principal(), code->compoundId, *code->formNumber, *code->batchNumber);
  if (!batch) throw notFound("no batch '" + text + "'");
  return *batch;
}

void uploadBatchHandler(RequestContext& ctx) {
  Upload up = readUpload(ctx);
  std::size_t limit = ctx.runtime().config.maxUploadBytes;
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    db::Batch batch = visibleBatch(c, ctx);
    if (!db::canWriteFor(ctx.principal(), batch.startUpId)) {
      throw permissionDenied("only members of the start-up that owns " + batch.code() +
                             " (or administrators) may attach analyses to it");
    }
    if (batch.retiredAt) {
      throw failedPrecondition(batch.code() + " is retired; it takes no new documents");
    }
    return db::attachDocument(c, ctx.runtime().clock, ctx.principal(),
                              {db::DocumentOwnerType::Batch, batch.id},
                              toNewDocument(std::move(up)), limit);
  });
  ctx.sendJson(201, createdJson(doc));
}

void listBatchHandler(RequestContext& ctx) {
  auto docs = ctx.runtime().db.read([&](db::Connection& c) {
    db::Batch batch = visibleBatch(c, ctx);
    return db::listDocuments(c, ctx.principal(), {db::DocumentOwnerType::Batch, batch.id},
                             includeRetired(ctx));
  });
  ctx.sendJson(200, listJson(docs));
}

// ---- substance batches (certificates of analysis, chromatograms) ----

db::SubstanceBatch visibleSubstanceBatch(db::Connection& c, RequestContext& ctx) {
  const std::string& text = ctx.param("id");
  auto code = db::parseSubstanceCode(text);
  if (!code || !code->batchNumber) throw notFound("no substance batch '" + text + "'");
  auto batch = db::findSubstanceBatch(c, ctx.principal(), code->substanceId, *code->batchNumber);
  if (!batch) throw notFound("no substance batch '" + text + "'");
  return *batch;
}

void uploadSubstanceBatchHandler(RequestContext& ctx) {
  Upload up = readUpload(ctx);
  std::size_t limit = ctx.runtime().config.maxUploadBytes;
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    db::SubstanceBatch batch = visibleSubstanceBatch(c, ctx);
    if (!db::canWriteFor(ctx.principal(), batch.startUpId)) {
      throw permissionDenied("only members of the start-up that owns " + batch.code() +
                             " (or administrators) may attach documents to it");
    }
    if (batch.retiredAt) {
      throw failedPrecondition(batch.code() + " is retired; it takes no new documents");
    }
    return db::attachDocument(c, ctx.runtime().clock, ctx.principal(),
                              {db::DocumentOwnerType::SubstanceBatch, batch.id},
                              toNewDocument(std::move(up)), limit);
  });
  ctx.sendJson(201, createdJson(doc));
}

// ---- waste lots (photos, weighing tickets, analyses) ----

std::int64_t lotIdParam(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("LOT", ctx.param("id"));
  if (!id) throw notFound("no lot '" + ctx.param("id") + "'");
  return *id;
}

void uploadLotHandler(RequestContext& ctx) {
  std::int64_t id = lotIdParam(ctx);
  Upload up = readUpload(ctx);
  std::size_t limit = ctx.runtime().config.maxUploadBytes;
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    auto lot = db::findLot(c, ctx.principal(), id);
    if (!lot) throw notFound("no lot " + db::lotCode(id));
    if (!db::canWriteFor(ctx.principal(), lot->startUpId)) {
      throw permissionDenied("only the start-up that holds " + lot->code() +
                             " (or administrators) may attach files to it");
    }
    if (lot->retiredAt) throw failedPrecondition(lot->code() + " is retired; it takes no new files");
    return db::attachDocument(c, ctx.runtime().clock, ctx.principal(),
                              {db::DocumentOwnerType::Lot, lot->id}, toNewDocument(std::move(up)),
                              limit);
  });
  ctx.sendJson(201, createdJson(doc));
}

void listSubstanceBatchHandler(RequestContext& ctx) {
  auto docs = ctx.runtime().db.read([&](db::Connection& c) {
    db::SubstanceBatch batch = visibleSubstanceBatch(c, ctx);
    return db::listDocuments(c, ctx.principal(),
                             {db::DocumentOwnerType::SubstanceBatch, batch.id},
                             includeRetired(ctx));
  });
  ctx.sendJson(200, listJson(docs));
}

void listLotHandler(RequestContext& ctx) {
  std::int64_t id = lotIdParam(ctx);
  auto docs = ctx.runtime().db.read([&](db::Connection& c) {
    auto lot = db::findLot(c, ctx.principal(), id);
    if (!lot) throw notFound("no lot " + db::lotCode(id));
    return db::listDocuments(c, ctx.principal(), {db::DocumentOwnerType::Lot, lot->id},
                             includeRetired(ctx));
  });
  ctx.sendJson(200, listJson(docs));
}

// ---- one document ----

db::Document visibleDocument(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("DOC", ctx.param("id"));
  if (!id) throw notFound("no document '" + ctx.param("id") + "'");
  auto doc = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findDocument(c, ctx.principal(), *id); });
  if (!doc) throw notFound("no document " + db::documentCode(*id));
  return *doc;
}

void getHandler(RequestContext& ctx) {
  ctx.sendJson(200, documentJson(visibleDocument(ctx)));
}

// RFC 6266: an ASCII fallback and the UTF-8 name percent-encoded.
std::string contentDisposition(const std::string& filename, bool inlineView) {
  std::string ascii;
  std::string encoded;
  static const char* hex = "0123456789ABCDEF";
  for (char ch : filename) {
    auto u = static_cast<unsigned char>(ch);
    ascii.push_back(u >= 0x20 && u < 0x7F && ch != '"' && ch != '\\' && ch != '%' ? ch : '_');
    if (std::isalnum(u) || ch == '.' || ch == '-' || ch == '_') {
      encoded.push_back(ch);
    } else {
      encoded += '%';
      encoded += hex[u >> 4];
      encoded += hex[u & 0xF];
    }
  }
  return std::string(inlineView ? "inline" : "attachment") + "; filename=\"" + ascii +
         "\"; filename*=UTF-8''" + encoded;
}

void contentHandler(RequestContext& ctx) {
  db::Document doc = visibleDocument(ctx);
  std::string bytes =
      ctx.runtime().db.read([&](db::Connection& c) { return db::documentContent(c, doc); });
  // Inline only for types a browser shows without running anything.
  static const std::set<std::string> inlineTypes = {"application/pdf", "image/png",  "image/jpeg",
                                                    "image/gif",       "image/webp", "text/plain"};
  bool inlineView = ctx.query("inline") == std::optional<std::string>("true") &&
                    inlineTypes.count(doc.contentType.substr(0, doc.contentType.find(';')));
  auto& response = ctx.response();
  response.set("Content-Disposition", contentDisposition(doc.filename, inlineView));
  response.set("Content-Security-Policy", "sandbox; default-src 'none'");
  response.set("ETag", "\"" + doc.sha256 + "\"");
  ctx.sendText(200, doc.contentType, bytes);
}

void patchHandler(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("DOC", ctx.param("id"));
  if (!id) throw notFound("no document '" + ctx.param("id") + "'");
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"visibility", "reason"});
  const std::string text = body.reqString("visibility", 20);
  auto to = db::parseVisibility(text);
  if (!to) {
    throw invalidArgument("visibility must be start-up, cluster or public",
                          {{"field", "visibility"}});
  }
  std::optional<std::string> reason = body.optString("reason", 2000);
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    return db::changeDocumentVisibility(c, ctx.runtime().clock, ctx.principal(), *id, *to, reason);
  });
  ctx.sendJson(200, documentJson(doc));
}

void retireHandler(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("DOC", ctx.param("id"));
  if (!id) throw notFound("no document '" + ctx.param("id") + "'");
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"reason"});
  std::string reason = body.reqString("reason", 2000);
  auto doc = ctx.runtime().db.write([&](db::Connection& c) {
    return db::retireDocument(c, ctx.runtime().clock, ctx.principal(), *id, reason);
  });
  ctx.sendJson(200, documentJson(doc));
}

}  // namespace

void addDocumentEndpoints(Router& router) {
  router.add({"POST", "/api/products/{id}/documents", Access::StartUpMember, uploadProductHandler,
              "attach a file to a product (raw body + ?filename=&kind=&title=, or multipart)"});
  router.add({"GET", "/api/products/{id}/documents", Access::Public, listProductHandler,
              "files attached to a product"});
  router.add({"POST", "/api/products/{id}/stages/{key}/documents", Access::StartUpMember,
              uploadStageHandler, "attach evidence to a stage (raw body or multipart)"});
  router.add({"GET", "/api/products/{id}/stages/{key}/documents", Access::Public, listStageHandler,
              "evidence attached to a stage"});
  router.add({"POST", "/api/batches/{id}/documents", Access::StartUpMember, uploadBatchHandler,
              "attach an analysis to a batch (raw body or multipart)"});
  router.add({"GET", "/api/batches/{id}/documents", Access::Public, listBatchHandler,
              "analyses attached to a batch"});
  router.add({"POST", "/api/substance-batches/{id}/documents", Access::StartUpMember,
              uploadSubstanceBatchHandler,
              "attach a certificate of analysis or another file to a substance batch"});
  router.add({"GET", "/api/substance-batches/{id}/documents", Access::Public,
              listSubstanceBatchHandler, "files attached to a substance batch"});
  router.add({"POST", "/api/lots/{id}/documents", Access::StartUpMember, uploadLotHandler,
              "attach a photo or paper to a waste lot (raw body or multipart)"});
  router.add({"GET", "/api/lots/{id}/documents", Access::Public, listLotHandler,
              "files attached to a waste lot"});
  router.add({"GET", "/api/documents/{id}", Access::Public, getHandler, "a document's metadata"});
  router.add({"GET", "/api/documents/{id}/content", Access::Public, contentHandler,
              "a document's bytes with its content type (?inline=true for PDF and images)"});
  router.add({"PATCH", "/api/documents/{id}", Access::StartUpMember, patchHandler,
              "a document's own visibility {visibility, reason?}; the narrower of it and its "
              "owner's applies (audited as publish)"});
  router.add({"POST", "/api/documents/{id}/retire", Access::StartUpMember, retireHandler,
              "retire a document ({reason}); its bytes stay stored"});
}

}  // namespace argan::server
