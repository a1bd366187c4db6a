// Inquiries: an industrial partner's question about a catalogue product, and the thread of
// answers between the partner and the start-up that owns the product.
//
// Who sees an inquiry (inquirySql): the partner who sent it, the members of the owning
// start-up, and administrators. Nobody else — not other partners, not other start-ups —
// and for them it answers NotFound like a missing one.
// Who writes: only partners open inquiries, about products they can see (public, live).
// The partner and the owning start-up post messages (administrators post as "cluster");
// a start-up message marks the inquiry answered, a partner message open again. Either side
// closes or reopens it. Messages are append-only. Every write is audited in the caller's
// transaction (record type "inquiry", id "INQ-000001").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct InquiryMessage {
  std::int64_t id = 0;
  std::int64_t inquiryId = 0;
  std::optional<std::int64_t> authorId;
  std::string authorLabel;
  std::string side;  // partner | start_up | cluster
  std::string body;
  std::string createdAt;
};

struct Inquiry {
  std::int64_t id = 0;
  std::int64_t productId = 0;
  std::string productName;  // the catalogue name, or the name when it has none
  std::int64_t startUpId = 0;
  std::int64_t partnerId = 0;
  std::string partnerEmail;
  std::string subject;
  std::string status;  // open | answered | closed
  std::string createdAt;
  std::string updatedAt;
  std::int64_t messageCount = 0;
  // Messages the viewer has not read: newer than the last they saw (markInquiryRead) and not
  // written by them.
  std::int64_t unread = 0;
  std::vector<InquiryMessage> messages;  // filled by findInquiry, oldest first

  std::string code() const;  // "INQ-000001"
};

// PermissionDenied (not a partner), NotFound (product not visible or retired),
// InvalidArgument (subject 1..200, message 1..10000 characters).
Inquiry createInquiry(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t productId, const std::string& subject,
                      const std::string& message);

std::optional<Inquiry> findInquiry(Connection& c, const Principal& viewer, std::int64_t id);

struct InquiryFilter {
  std::optional<std::int64_t> productId;
  std::optional<std::string> status;
};
// The inquiries `viewer` takes part in, newest activity first (without messages).
std::vector<Inquiry> listInquiries(Connection& c, const Principal& viewer,
                                   const InquiryFilter& filter);

// NotFound (not a party), FailedPrecondition (closed), InvalidArgument (empty/long body).
Inquiry addInquiryMessage(Connection& c, const Clock& clock, const Principal& actor,
                          std::int64_t id, const std::string& body);

// Records that `viewer` has read the thread up to its newest message (unread becomes 0 for
// them). NotFound when they are not a party; not audited. Writing a message marks the thread
// read for its author too.
Inquiry markInquiryRead(Connection& c, const Clock& clock, const Principal& viewer,
                        std::int64_t id);

// status "closed" or "open" (reopen). NotFound / InvalidArgument.
Inquiry setInquiryStatus(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                         const std::string& status);

// SQL predicate over inquiries `i` joined with their product `p`: is `viewer` a party?
std::string inquirySql(const Principal& viewer, const std::string& inquiryAlias,
                       const std::string& productAlias);

}  // namespace argan::db
