// The one error type that crosses Argan's layers.
//
// chem/ and db/ throw argan::Error with a code from the small set below; server/ maps the
// code to an HTTP status in exactly one place (server/api_error.cpp) and renders the body
// {"error": {"code": "NOT_FOUND", "message": "...", "details": {...}}}.
// Messages are written for the person who sent the input: what is wrong and where.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>

namespace argan {

enum class ErrorCode {
  InvalidArgument,     // 400: the input is malformed or breaks a documented limit
  Unauthenticated,     // 401: no or bad credentials
  PermissionDenied,    // 403: authenticated but not allowed
  NotFound,            // 404: no such record, or not visible to the caller
  AlreadyExists,       // 409: a unique record already exists
  FailedPrecondition,  // 422: well-formed, but the current state forbids it
  PayloadTooLarge,     // 413: body or upload over the limit
  ResourceExhausted,   // 429: rate limit hit
  Unavailable,         // 503: temporarily cannot serve (overload, read-only disk, ...)
  Internal,            // 500: a bug or an unexpected failure
};

// "INVALID_ARGUMENT", "NOT_FOUND", ... as written in the JSON error body.
const char* errorCodeName(ErrorCode code);

using DetailValue = std::variant<std::string, std::int64_t, double, bool>;
using ErrorDetails = std::map<std::string, DetailValue>;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, ErrorDetails details = {})
      : std::runtime_error(message), code_(code), details_(std::move(details)) {}

  ErrorCode code() const { return code_; }
  const ErrorDetails& details() const { return details_; }

  // Adds or replaces one detail; returns *this so callers can chain before throwing.
  Error& with(const std::string& key, DetailValue value) {
    details_[key] = std::move(value);
    return *this;
  }

 private:
  ErrorCode code_;
  ErrorDetails details_;
};

// Shorthands that read well at the throw site: throw invalidArgument("...", {{"field", "x"}}).
inline Error invalidArgument(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::InvalidArgument, m, std::move(d));
}
inline Error notFound(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::NotFound, m, std::move(d));
}
inline Error alreadyExists(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::AlreadyExists, m, std::move(d));
}
inline Error failedPrecondition(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::FailedPrecondition, m, std::move(d));
}
inline Error permissionDenied(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::PermissionDenied, m, std::move(d));
}
inline Error unauthenticated(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::Unauthenticated, m, std::move(d));
}
inline Error unavailable(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::Unavailable, m, std::move(d));
}
inline Error internalError(const std::string& m, ErrorDetails d = {}) {
  return Error(ErrorCode::Internal, m, std::move(d));
}

}  // namespace argan
