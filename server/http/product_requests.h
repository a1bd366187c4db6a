// Shared steps of the product, document, inquiry and overview handlers: resolving a
// product from the path with the caller's visibility, and reading product-shaped bodies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "server/json/json_fields.h"
#include "server/http/request_context.h"

namespace argan::server {

// "PRD-000001" or "1" -> 1; NotFound for anything else.
std::int64_t productIdFrom(const std::string& text);

// The product named by path parameter "id" if the caller may see it; NotFound otherwise.
db::Product visibleProduct(RequestContext& ctx);
// The same, and the caller may also see its pipeline (stages, decisions, customers...);
// NotFound otherwise (a partner looking at a public product sees only its catalogue entry).
db::Product pipelineProduct(RequestContext& ctx);

// Today's UTC date from the Runtime clock ("YYYY-MM-DD").
std::string today(RequestContext& ctx);

// A registered parent given as "CMP-000123" or 123; InvalidArgument naming `field`.
std::int64_t compoundIdValue(const Poco::Dynamic::Var& value, const std::string& field);

// A registered substance given as "SUB-000123" or 123; InvalidArgument naming `field`.
std::int64_t substanceIdValue(const Poco::Dynamic::Var& value, const std::string& field);

// Product fields of a POST (creating: also "start_up") or PATCH body.
db::ProductInput readProductInput(const JsonFields& body, bool creating);
db::StageInput readStageInput(const JsonFields& body);
// A list of strings under `key` (absent: nullopt).
std::optional<std::vector<std::string>> readStringList(const JsonFields& body,
                                                       const std::string& key,
                                                       std::size_t maxItems);

}  // namespace argan::server
