#include "db/document_store.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/digest.h"
#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/record_codes.h"
#include "db/row_snapshot.h"
#include "db/substance_store.h"

namespace argan::db {
namespace {

// The visibility that governs an attachment: the narrower of its own and its owner's.
constexpr const char* kEffectiveVisibility =
    "(CASE WHEN dr.document_visibility = 'start-up' OR dr.visibility = 'start-up' THEN 'start-up'"
    " WHEN dr.document_visibility = 'cluster' OR dr.visibility = 'cluster' THEN 'cluster'"
    " ELSE 'public' END)";

std::string columns() {
  return std::string(
             "dr.id, dr.sha256, d.size, dr.filename, dr.content_type, dr.kind, dr.title,"
             " dr.owner_type, dr.owner_id, dr.start_up_id, ") +
         kEffectiveVisibility +
         ", dr.product_id, dr.stage_key, dr.batch_id, dr.batch_compound_id, dr.batch_form_number,"
         " dr.batch_number, dr.created_at, dr.created_by, dr.retired_at, dr.retired_reason,"
         " dr.document_visibility, dr.visibility, dr.substance_id, dr.lot_id";
}

// What `viewer` may read, on the effective visibility (db::visibleSqlColumns: the one rule).
std::string visibleDocumentSql(const Principal& viewer) {
  return visibleSqlColumns(viewer, "dr.start_up_id", kEffectiveVisibility);
}

Document readDocument(Statement& st) {
  Document doc;
  int i = 0;
  doc.id = st.getInt(i++);
  doc.sha256 = st.getText(i++);
  doc.size = st.getInt(i++);
  doc.filename = st.getText(i++);
  doc.contentType = st.getText(i++);
  doc.kind = st.getText(i++);
  doc.title = st.getText(i++);
  doc.ownerType = st.getText(i++);
  doc.ownerId = st.getInt(i++);
  doc.startUpId = st.getInt(i++);
  doc.visibility = st.getText(i++);
  doc.productId = st.getOptionalInt(i++);
  doc.stageKey = st.getOptionalText(i++);
  doc.batchId = st.getOptionalInt(i++);
  auto compoundId = st.getOptionalInt(i++);
  auto formNumber = st.getOptionalInt(i++);
  auto batchNumber = st.getOptionalInt(i++);
  if (compoundId && formNumber && batchNumber) {
    doc.batchCode = batchCode(*compoundId, *formNumber, *batchNumber);
  }
  doc.createdAt = st.getText(i++);
  doc.createdBy = st.getOptionalInt(i++);
  doc.retiredAt = st.getOptionalText(i++);
  doc.retiredReason = st.getOptionalText(i++);
  doc.documentVisibility = st.getText(i++);
  doc.ownerVisibility = st.getText(i++);
  auto substanceId = st.getOptionalInt(i++);
  if (substanceId && batchNumber) doc.batchCode = substanceBatchCode(*substanceId, *batchNumber);
  doc.lotId = st.getOptionalInt(i++);
  return doc;
}

bool isTokenChar(char ch) {
  auto u = static_cast<unsigned char>(ch);
  return std::isalnum(u) || std::string("!#$&^_.+-").find(ch) != std::string::npos;
}

// "type/subtype" with optional "; parameter=value" pairs, lower-cased; nullopt if malformed.
std::optional<std::string> normaliseContentType(const std::string& raw) {
  std::string value = raw;
  auto semicolon = value.find(';');
  std::string params;
  if (semicolon != std::string::npos) {
    params = value.substr(semicolon);
    value = value.substr(0, semicolon);
  }
  while (!value.empty() && value.back() == ' ') value.pop_back();
  auto slash = value.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == value.size() || value.size() > 127) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i != slash && !isTokenChar(value[i])) return std::nullopt;
  }
  if (params.size() > 100) return std::nullopt;
  for (char ch : params) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u >= 0x7F) return std::nullopt;
  }
  std::string out;
  for (char ch : value)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out + params;
}

void checkFilename(const std::string& name) {
  if (name.empty() || name.size() > 255) {
    throw invalidArgument("a document needs a file name of 1 to 255 bytes",
                          {{"field", "filename"}});
  }
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7F || ch == '/' || ch == '\\' || ch == '"') {
      throw invalidArgument(
          "the file name contains a path separator, quote or control "
          "character",
          {{"field", "filename"}});
    }
  }
  if (name == "." || name == "..") {
    throw invalidArgument("'" + name + "' is not a file name", {{"field", "filename"}});
  }
}

std::string ownerKey(const DocumentOwner& owner) {
  return std::string(documentOwnerTypeName(owner.type)) + ":" + std::to_string(owner.id);
}

}  // namespace

std::string Document::code() const {
  return documentCode(id);
}

const char* documentOwnerTypeName(DocumentOwnerType type) {
  switch (type) {
    case DocumentOwnerType::Product:
      return "product";
    case DocumentOwnerType::Stage:
      return "stage";
    case DocumentOwnerType::Batch:
      return "batch";
    case DocumentOwnerType::SubstanceBatch:
      return "substance_batch";
    case DocumentOwnerType::Lot:
      return "lot";
  }
  return "product";
}

bool isValidDocumentKind(const std::string& kind) {
  static const char* kinds[] = {"analysis",     "certificate", "datasheet", "ghs_classification",
                                "registration", "report",      "sds",       "photo",
                                "weighing_ticket", "transport_document", "other"};
  return std::any_of(std::begin(kinds), std::end(kinds), [&](const char* k) { return kind == k; });
}

const char* documentKindList() {
  return "analysis, certificate, datasheet, ghs_classification, registration, report, sds, photo, "
         "weighing_ticket, transport_document, other";
}

std::string contentTypeForFilename(const std::string& filename) {
  static const std::map<std::string, std::string> types = {
      {"pdf", "application/pdf"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"svg", "image/svg+xml"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"txt", "text/plain"},
      {"csv", "text/csv"},
      {"tsv", "text/tab-separated-values"},
      {"json", "application/json"},
      {"xml", "application/xml"},
      {"html", "text/html"},
      {"md", "text/markdown"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"zip", "application/zip"},
      {"mol", "chemical/x-mdl-molfile"},
      {"sdf", "chemical/x-mdl-sdfile"},
      {"rxn", "chemical/x-mdl-rxnfile"},
      {"jdx", "chemical/x-jcamp-dx"},
      {"dx", "chemical/x-jcamp-dx"},
      {"cif", "chemical/x-cif"},
  };
  auto dot = filename.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string ext;
  for (char ch : filename.substr(dot + 1)) {
    ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

Document attachDocument(Connection& c, const Clock& clock, const Principal& actor,
                        const DocumentOwner& owner, const NewDocument& document,
                        std::size_t maxBytes) {
  if (document.bytes.empty()) {
    throw invalidArgument("the uploaded file is empty; nothing to store", {{"field", "file"}});
  }
  if (maxBytes && document.bytes.size() > maxBytes) {
    throw Error(ErrorCode::PayloadTooLarge,
                "the file has " + std::to_string(document.bytes.size()) +
                    " bytes, more than the limit of " + std::to_string(maxBytes),
                {{"field", "file"}, {"limit", static_cast<std::int64_t>(maxBytes)}});
  }
  checkFilename(document.filename);
  if (!isValidDocumentKind(document.kind)) {
    throw invalidArgument("kind must be one of: " + std::string(documentKindList()) + " (got '" +
                              document.kind + "')",
                          {{"field", "kind"}});
  }
  if (document.title.size() > 500) {
    throw invalidArgument("title is longer than 500 characters", {{"field", "title"}});
  }
  std::string contentType = contentTypeForFilename(document.filename);
  if (!document.contentType.empty()) {
    auto declared = normaliseContentType(document.contentType);
    if (!declared) {
      throw invalidArgument("'" + document.contentType + "' is not a content type (type/subtype)",
                            {{"field", "content_type"}});
    }
    // A generic declaration says nothing; the file name's extension knows better.
    if (declared->rfind("application/octet-stream", 0) != 0) contentType = *declared;
  }
  std::string sha = sha256Hex(document.bytes);
  std::string now = clock.nowIso();
  // The attachments' foreign key names `documents`; the bytes themselves go to the owning
  // start-up's store below (a placeholder row costs the same whether or not the hash is known).
  Statement placeholder(c,
                        "INSERT OR IGNORE INTO documents(sha256, size, content, created_at)"
                        " VALUES (?,?,X'',?)");
  placeholder.bind(1, sha)
      .bind(2, static_cast<std::int64_t>(document.bytes.size()))
      .bind(3, now)
      .run();
  const std::int64_t id = allocateRecordId(c, clock, "document_attachments");
  Statement attach(c,
                   "INSERT INTO document_attachments(sha256, owner_type, owner_id, filename,"
                   " content_type, kind, title, created_at, created_by, id)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?)");
  attach.bind(1, sha)
      .bind(2, documentOwnerTypeName(owner.type))
      .bind(3, owner.id)
      .bind(4, document.filename)
      .bind(5, contentType)
      .bind(6, document.kind)
      .bind(7, document.title);
  if (actor.userId) {
    attach.bind(8, now).bind(9, actor.userId);
  } else {
    attach.bind(8, now).bindNull(9);
  }
  attach.bind(10, id);
  attach.run();
  auto doc = findDocument(c, Principal::system("document store"), id);
  if (!doc) throw internalError("the owner " + ownerKey(owner) + " of a new document is missing");
  // De-duplication within the owning start-up only (docs/threat-model.md): whether another
  // start-up holds the same bytes changes nothing in this answer or in the work done.
  bool storedBefore = false;
  {
    Statement before(c,
                     "SELECT 1 FROM document_records dr WHERE dr.sha256 = ? AND dr.start_up_id = ?"
                     " AND dr.id <> ? LIMIT 1");
    before.bind(1, sha).bind(2, doc->startUpId).bind(3, id);
    storedBefore = before.step();
  }
  Statement store(c,
                  "INSERT OR IGNORE INTO document_contents(start_up_id, sha256, size, content,"
                  " created_at) VALUES (?,?,?,?,?)");
  store.bind(1, doc->startUpId)
      .bind(2, sha)
      .bind(3, static_cast<std::int64_t>(document.bytes.size()))
      .bindBlob(4, document.bytes)
      .bind(5, now)
      .run();
  appendAudit(c, clock, actor,
              {"create", "document", documentCode(id), std::nullopt,
               snapshotRow(c, "document_attachments", id), std::nullopt});
  doc->storedBefore = storedBefore;
  return *doc;
}

std::optional<Document> findDocument(Connection& c, const Principal& viewer, std::int64_t id) {
  Statement st(c, "SELECT " + columns() +
                      " FROM document_records dr JOIN documents d ON d.sha256 = dr.sha256"
                      " WHERE dr.id = ? AND " +
                      visibleDocumentSql(viewer));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readDocument(st);
}

std::vector<Document> listDocuments(Connection& c, const Principal& viewer,
                                    const DocumentOwner& owner, bool includeRetired) {
  Statement st(c, "SELECT " + columns() +
                      " FROM document_records dr JOIN documents d ON d.sha256 = dr.sha256"
                      " WHERE dr.owner_type = ? AND dr.owner_id = ? AND " +
                      visibleDocumentSql(viewer) +
                      (includeRetired ? "" : " AND dr.retired_at IS NULL") + " ORDER BY dr.id");
  st.bind(1, documentOwnerTypeName(owner.type)).bind(2, owner.id);
  std::vector<Document> out;
  while (st.step()) out.push_back(readDocument(st));
  return out;
}

std::string documentContent(Connection& c, const Document& document) {
  {
    Statement st(c, "SELECT content FROM document_contents WHERE start_up_id = ? AND sha256 = ?");
    st.bind(1, document.startUpId).bind(2, document.sha256);
    if (st.step()) return st.getBlob(0);
  }
  // Attachments made before migration 0081 keep their bytes in `documents`.
  Statement st(c, "SELECT content FROM documents WHERE sha256 = ? AND length(content) > 0");
  st.bind(1, document.sha256);
  if (!st.step()) throw internalError("stored document " + document.code() + " is missing");
  return st.getBlob(0);
}

Document changeDocumentVisibility(Connection& c, const Clock& clock, const Principal& actor,
                                  std::int64_t id, Visibility to,
                                  const std::optional<std::string>& reason) {
  auto doc = findDocument(c, actor, id);
  if (!doc) throw notFound("no document " + documentCode(id));
  VisibilityChange change;
  change.record = RecordRef{"document_attachments", "document", documentCode(id), id,
                            doc->startUpId};
  change.record.hasUpdatedAt = false;
  change.record.visibilityColumn = "document_visibility";
  change.to = to;
  change.reason = reason;
  changeVisibility(c, clock, actor, change);
  return *findDocument(c, actor, id);
}

Document retireDocument(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                        const std::string& reason) {
  auto doc = findDocument(c, actor, id);
  if (!doc) throw notFound("no document " + documentCode(id));
  if (doc->retiredAt) throw failedPrecondition(documentCode(id) + " is already retired");
  RecordRef ref{"document_attachments", "document", documentCode(id), id, doc->startUpId};
  ref.hasUpdatedAt = false;
  retireRecord(c, clock, actor, ref, reason);
  return *findDocument(c, actor, id);
}

}  // namespace argan::db
