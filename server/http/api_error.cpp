#include "server/http/api_error.h"

#include <type_traits>

#include "common/text.h"

namespace argan::server {

int httpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return 400;
    case ErrorCode::Unauthenticated: return 401;
    case ErrorCode::PermissionDenied: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::AlreadyExists: return 409;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::FailedPrecondition: return 422;
    case ErrorCode::ResourceExhausted: return 429;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::Internal: return 500;
  }
  return 500;
}

Poco::JSON::Object::Ptr errorBody(const Error& error) {
  // Messages quote what was sent (a line of a Molfile, a name): whatever bytes those were,
  // the body is valid UTF-8 JSON.
  Poco::JSON::Object::Ptr details = new Poco::JSON::Object;
  for (const auto& [key, value] : error.details()) {
    std::visit(
        [&, k = toValidUtf8(key)](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
            details->set(k, toValidUtf8(v));
          } else {
            details->set(k, v);
          }
        },
        value);
  }
  Poco::JSON::Object::Ptr inner = new Poco::JSON::Object;
  inner->set("code", errorCodeName(error.code()));
  inner->set("message", toValidUtf8(error.what()));
  inner->set("details", details);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("error", inner);
  return body;
}

}  // namespace argan::server
