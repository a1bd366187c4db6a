#include "common/error.h"

namespace argan {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::Unauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::PermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::NotFound: return "NOT_FOUND";
    case ErrorCode::AlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::FailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::PayloadTooLarge: return "PAYLOAD_TOO_LARGE";
    case ErrorCode::ResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::Unavailable: return "UNAVAILABLE";
    case ErrorCode::Internal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace argan
