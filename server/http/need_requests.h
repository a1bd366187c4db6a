// Shared steps of the needs board's handlers (api_needs.cpp, api_need_responses.cpp,
// api_need_projects.cpp): resolving a need, response or project from the path with the
// caller's visibility (404 otherwise, as for a missing one).
#pragma once

#include <cstdint>

#include "db/need_project_store.h"
#include "db/need_response_store.h"
#include "db/need_store.h"
#include "server/http/request_context.h"

namespace argan::server {

// "NEED-000001" or "1" in path parameter "id"; NotFound for anything else.
std::int64_t needIdParam(RequestContext& ctx);
// The need named by "id" with its structure molecules, if the caller may see it.
db::Need visibleNeed(RequestContext& ctx);

}  // namespace argan::server
