// The document store: uploaded files (analyses, safety data sheets, certificates, reports)
// kept once by their SHA-256 and attached to a product, a product stage, a batch or a waste
// lot (photos, weighing tickets, analyses).
//
// Storage: `document_contents` holds each distinct content once *per start-up* (start-up,
// sha256, size, bytes); an attachment (`document_attachments`, code DOC-…) names the owner,
// file name, content type, kind and title. A start-up attaching the same bytes twice stores
// them once; whether another start-up holds them never shows (no "stored before", no shorter
// write: docs/threat-model.md). Contents and attachments are never deleted; an attachment is
// retired with a reason (the bytes stay for the audit trail).
//
// Visibility: an attachment has its own (`document_visibility`, 'start-up' when attached:
// the owning team only, whatever the owner's level) and its owner's — a product's, a batch's
// (the stricter of batch and parent), a lot's, and for stage evidence the product's capped at
// 'cluster' (the pipeline is never public). The narrower of the two applies; reads filter
// with db::visibleSqlColumns over the `document_records` view on that effective visibility.
//
// Writers run in the caller's transaction and append an audit entry (record type
// "document", id "DOC-000001"); the caller has checked that the actor may write the owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

enum class DocumentOwnerType { Product, Stage, Batch, SubstanceBatch, Lot };
// "product", "stage", "batch", "substance_batch", "lot"
const char* documentOwnerTypeName(DocumentOwnerType type);

struct DocumentOwner {
  DocumentOwnerType type = DocumentOwnerType::Product;
  std::int64_t id = 0;  // products.id, product_stages.id, batches.id, substance_batches.id or lots.id
};

// Document kinds: what the file is evidence of.
bool isValidDocumentKind(const std::string& kind);
// "analysis, certificate, datasheet, ghs_classification, registration, report, sds, other"
const char* documentKindList();

struct NewDocument {
  std::string filename;     // 1..255 bytes, no path separators or control characters
  std::string contentType;  // "type/subtype"; empty: guessed from the file name
  std::string kind = "other";
  std::string title;
  std::string bytes;  // the file; must not be empty
};

struct Document {
  std::int64_t id = 0;
  std::string sha256;
  std::int64_t size = 0;
  std::string filename;
  std::string contentType;
  std::string kind;
  std::string title;
  std::string ownerType;
  std::int64_t ownerId = 0;
  std::int64_t startUpId = 0;
  std::string visibility;          // effective: the narrower of the two below
  std::string documentVisibility;  // the attachment's own
  std::string ownerVisibility;     // its owner's (product, stage, batch)
  std::optional<std::int64_t> productId;
  std::optional<std::string> stageKey;
  std::optional<std::int64_t> batchId;
  std::optional<std::string> batchCode;  // "CMP-000001-F1-B001", or "SUB-000001-B001"
  std::optional<std::int64_t> lotId;     // a waste lot's photos and papers (LOT-...)
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;
  bool storedBefore = false;  // the owning start-up already had these bytes (set by attach)

  std::string code() const;  // "DOC-000001"
};

// Stores the bytes (once) and attaches them. Throws InvalidArgument (empty file, bad name,
// content type or kind), PayloadTooLarge when bytes exceed `maxBytes` (if non-zero).
Document attachDocument(Connection& c, const Clock& clock, const Principal& actor,
                        const DocumentOwner& owner, const NewDocument& document,
                        std::size_t maxBytes = 0);

// The attachment if `viewer` may see it (nullopt otherwise, never a hint).
std::optional<Document> findDocument(Connection& c, const Principal& viewer, std::int64_t id);

// Visible attachments of one owner, oldest first.
std::vector<Document> listDocuments(Connection& c, const Principal& viewer,
                                    const DocumentOwner& owner, bool includeRetired = false);

// The stored bytes of an attachment (Internal if missing: the schema forbids that).
std::string documentContent(Connection& c, const Document& document);

// Sets the attachment's own visibility through db::changeVisibility (lifecycle.h): NotFound
// if `actor` cannot see it, PermissionDenied beyond the publishing rule, FailedPrecondition
// when raising a retired one. Audited "publish". The owner's visibility still caps it.
Document changeDocumentVisibility(Connection& c, const Clock& clock, const Principal& actor,
                                  std::int64_t id, Visibility to,
                                  const std::optional<std::string>& reason);

// Retires an attachment through db::retireRecord (lifecycle.h): NotFound if `actor` cannot
// see it, PermissionDenied unless `actor` may write for its start-up, FailedPrecondition if
// already retired, InvalidArgument without a reason. The bytes stay stored.
Document retireDocument(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                        const std::string& reason);

// A content type for a file name from its extension ("application/octet-stream" if unknown).
std::string contentTypeForFilename(const std::string& filename);

}  // namespace argan::db
