// The one mapping from argan::Error to HTTP, and the one JSON error body:
//   {"error": {"code": "NOT_FOUND", "message": "...", "details": {...}}}
#pragma once

#include <Poco/JSON/Object.h>

#include "common/error.h"

namespace argan::server {

int httpStatusFor(ErrorCode code);
Poco::JSON::Object::Ptr errorBody(const Error& error);

}  // namespace argan::server
