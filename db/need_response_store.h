// Responses to needs (RSP-000001): a start-up's proposal, the records it shares with the
// need's partner through it, and the question thread between them.
//
// Who sees a response (responseSql): the partner who posted the need, the members of the
// responding start-up, administrators. Nobody else — not other start-ups, not other
// partners — and for them it answers NotFound like a missing one.
//
// Sharing grants (need_response_shares): the start-up names one of its own live records
// (compound, batch, synthesis route, product, document); the partner of the need may then read
// that record through this response (findActiveShare), and nobody else gains anything. A
// grant is not publishing: the record's visibility does not change. Revoking keeps the row
// and makes the record unreadable through the response again. Granting and revoking are
// audited on the response ("share", "revoke_share").
//
// Statuses: submitted -> shortlisted | declined (the partner), withdrawn (the start-up),
// selected (closing the need with this response: need_store.h closeNeed). Messages are
// append-only; a message from the partner is side "partner", from the start-up "start_up",
// from an administrator "cluster".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/need_store.h"
#include "db/sqlite.h"

namespace argan::db {

// The kinds of record a start-up may share or link: "compound, batch, route, product, document".
bool isShareableKind(const std::string& kind);
const char* shareableKindList();
// Kinds a project may link: "compound, batch, route, product".
bool isLinkableKind(const std::string& kind);
const char* linkableKindList();

// The live record of `kind` with row id `id` owned by `startUpId`: its code ("CMP-000012",
// "CMP-000012-F1-B001", "12" for routes, "PRD-000003", "DOC-000004") and a label. NotFound
// (naming the field) when it does not exist, is retired, or belongs to another start-up.
struct OwnRecord {
  std::string kind;
  std::int64_t id = 0;
  std::string code;
  std::string label;
};
OwnRecord requireOwnRecord(Connection& c, std::int64_t startUpId, const std::string& kind,
                           std::int64_t id, const std::string& field);
// The row id of a record code of `kind` ("CMP-000012", "CMP-000012-F1-B001", "12",
// "PRD-000003", "DOC-000004"); nullopt when the text is not such a code.
std::optional<std::int64_t> recordIdFromCode(Connection& c, const std::string& kind,
                                             const std::string& code);

struct ResponseShare {
  std::int64_t id = 0;
  std::int64_t responseId = 0;
  std::string recordType;
  std::int64_t recordId = 0;
  std::string recordCode;
  std::string recordLabel;
  std::string note;
  std::string grantedAt;
  std::optional<std::string> revokedAt;
};

struct ResponseMessage {
  std::int64_t id = 0;
  std::optional<std::int64_t> authorId;
  std::string side;  // partner | start_up | cluster
  std::string body;
  std::string createdAt;
};

struct NeedResponse {
  std::int64_t id = 0;
  std::int64_t needId = 0;
  std::string needTitle;
  std::int64_t partnerId = 0;
  std::int64_t startUpId = 0;
  std::string startUpName;
  std::string summary;
  std::string status;
  std::string createdAt;
  std::string updatedAt;
  std::int64_t messageCount = 0;
  std::vector<ResponseShare> shares;      // filled by findResponse (all, revoked included)
  std::vector<ResponseMessage> messages;  // filled by findResponse, oldest first

  std::string code() const { return responseCode(id); }
};

// SQL predicate over responses `r` joined with their need `n`.
std::string responseSql(const Principal& viewer, const std::string& r, const std::string& n);

// A start-up member (or an administrator naming `startUpId`) answers a need it may see.
// PermissionDenied (partners, anonymous), NotFound (need not visible), FailedPrecondition
// (closed need), AlreadyExists (the start-up already answered: edit that response),
// InvalidArgument (summary 1..20000).
NeedResponse createResponse(Connection& c, const Clock& clock, const Principal& actor,
                            std::int64_t needId, std::int64_t startUpId,
                            const std::string& summary);

std::optional<NeedResponse> findResponse(Connection& c, const Principal& viewer, std::int64_t id);
NeedResponse requireResponse(Connection& c, const Principal& viewer, std::int64_t id);

struct ResponseFilter {
  std::optional<std::int64_t> needId;
  std::optional<std::string> status;
};
// The responses `viewer` may see, newest activity first (with their grants, without messages).
std::vector<NeedResponse> listResponses(Connection& c, const Principal& viewer,
                                        const ResponseFilter& filter);

// The start-up edits its summary or withdraws / resubmits; the partner shortlists, declines
// or sets it back to submitted. NotFound, PermissionDenied (the other side's status),
// FailedPrecondition (closed need, selected response), InvalidArgument.
NeedResponse updateResponse(Connection& c, const Clock& clock, const Principal& actor,
                            std::int64_t id, const std::optional<std::string>& summary,
                            const std::optional<std::string>& status);

// Appends a message; returns the response with its thread. NotFound, FailedPrecondition
// (closed need or withdrawn response), InvalidArgument (1..10000 characters).
NeedResponse addResponseMessage(Connection& c, const Clock& clock, const Principal& actor,
                                std::int64_t id, const std::string& body);

// Grants the partner access to one record of the responding start-up. NotFound (response or
// record), PermissionDenied (not the start-up), AlreadyExists (an active grant of it),
// FailedPrecondition (closed need, withdrawn response).
ResponseShare addShare(Connection& c, const Clock& clock, const Principal& actor,
                       std::int64_t responseId, const std::string& kind, std::int64_t recordId,
                       const std::string& note);
// Revokes a grant. NotFound, PermissionDenied, FailedPrecondition (already revoked).
ResponseShare revokeShare(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t responseId, std::int64_t shareId);

// An active grant of a response `viewer` may see; nullopt for a revoked, unknown or hidden one.
std::optional<ResponseShare> findActiveShare(Connection& c, const Principal& viewer,
                                             std::int64_t responseId, std::int64_t shareId);

}  // namespace argan::db
