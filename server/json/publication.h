// Request parsing shared by every PATCH /api/{kind}/{id} visibility change and every
// POST /api/{kind}/{id}/retire, so routes, products and documents read them the same way:
//
//   db::VisibilityChange change = readVisibilityChange(body);   // {"visibility", "reason"?}
//   change.record = db::RecordRef{"routes", "route", code, id, ownerStartUpId};
//   runtime.db.write([&](db::Connection& c) {
//     /* load the record with the caller's visibility: 404 if hidden */
//     db::changeVisibility(c, runtime.clock, ctx.principal(), change);
//   });
#pragma once

#include <string>

#include "db/lifecycle.h"
#include "server/json/json_fields.h"

namespace argan::server {

// {"visibility": "start-up"|"cluster"|"public", "reason"?: text}; other keys are refused.
// Throws InvalidArgument naming the field.
db::VisibilityChange readVisibilityChange(const JsonFields& body);

// {"reason": text} (1..2000 bytes). Throws InvalidArgument naming the field.
std::string readRetireReason(const JsonFields& body);

}  // namespace argan::server
