// POST /api/search as JSON: the request body parsed into a SearchRequest (search/search_request.h)
// and the answer presented. Parsing throws InvalidArgument naming the field.
#pragma once

#include <Poco/JSON/Object.h>

#include "server/json/json_fields.h"
#include "server/search/search_request.h"

namespace argan::server {

SearchRequest parseSearchRequest(const Poco::JSON::Object::Ptr& body);
SearchFilters parseSearchFilters(const JsonFields& filters);

Poco::JSON::Object::Ptr searchResponseJson(const SearchRequest& request,
                                           const SearchResponse& response);

}  // namespace argan::server
