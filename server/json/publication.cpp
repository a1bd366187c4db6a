#include "server/json/publication.h"

#include "common/error.h"

namespace argan::server {

db::VisibilityChange readVisibilityChange(const JsonFields& body) {
  body.allowOnly({"visibility", "reason"});
  db::VisibilityChange change;
  const std::string text = body.reqString("visibility", 20);
  auto visibility = db::parseVisibility(text);
  if (!visibility) {
    throw invalidArgument("visibility must be start-up, cluster or public",
                          {{"field", "visibility"}});
  }
  change.to = *visibility;
  change.reason = body.optString("reason", 2000);
  return change;
}

std::string readRetireReason(const JsonFields& body) {
  body.allowOnly({"reason"});
  std::string reason = body.reqString("reason", 2000);
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw invalidArgument("retiring needs a reason (1 to 2000 characters)", {{"field", "reason"}});
  }
  return reason;
}

}  // namespace argan::server
