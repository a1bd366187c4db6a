#include "server/http/product_requests.h"

#include "common/error.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/substance_store.h"

namespace argan::server {

std::int64_t productIdFrom(const std::string& text) {
  auto id = db::parsePrefixedCode("PRD", text);
  if (!id) throw notFound("no product '" + text + "'");
  return *id;
}

db::Product visibleProduct(RequestContext& ctx) {
  std::int64_t id = productIdFrom(ctx.param("id"));
  auto product = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findProduct(c, ctx.principal(), id); });
  if (!product) throw notFound("no product " + db::productCode(id));
  return *product;
}

db::Product pipelineProduct(RequestContext& ctx) {
  db::Product product = visibleProduct(ctx);
  if (!db::canSeePipeline(ctx.principal(), product)) {
    throw notFound("no pipeline for " + product.code() +
                   " (a catalogue product shows its pipeline to cluster members only)");
  }
  return product;
}

std::string today(RequestContext& ctx) {
  return db::dateOf(ctx.runtime().clock.nowIso());
}

std::int64_t compoundIdValue(const Poco::Dynamic::Var& value, const std::string& field) {
  std::optional<db::ParsedCode> code;
  if (value.isString()) {
    code = db::parseCode(value.extract<std::string>());
  } else if (auto number = jsonInt64(value)) {
    code = db::parseCode(std::to_string(*number));
  }
  if (!code || code->formNumber) {
    throw invalidArgument("'" + field + "' must name a registered compound such as CMP-000123",
                          {{"field", field}});
  }
  return code->compoundId;
}

std::int64_t substanceIdValue(const Poco::Dynamic::Var& value, const std::string& field) {
  std::optional<db::SubstanceCodeParts> code;
  if (value.isString()) {
    code = db::parseSubstanceCode(value.extract<std::string>());
  } else if (auto number = jsonInt64(value)) {
    code = db::parseSubstanceCode(std::to_string(*number));
  }
  if (!code || code->batchNumber) {
    throw invalidArgument("'" + field + "' must name a registered substance such as SUB-000123",
                          {{"field", field}});
  }
  return code->substanceId;
}

std::optional<std::vector<std::string>> readStringList(const JsonFields& body,
                                                       const std::string& key,
                                                       std::size_t maxItems) {
  auto array = body.optArray(key);
  if (!array) return std::nullopt;
  std::string field = body.fieldPath(key);
  if (array->size() > maxItems) {
    throw invalidArgument("'" + field + "' has more than " + std::to_string(maxItems) + " entries",
                          {{"field", field}});
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    Poco::Dynamic::Var v = array->get(i);
    if (!v.isString()) {
      throw invalidArgument("'" + field + "' must be a list of strings", {{"field", field}});
    }
    std::string s = v.extract<std::string>();
    if (s.size() > 200 || !isCleanUtf8(s)) {
      throw invalidArgument("each entry of '" + field + "' is clean text of at most 200 bytes",
                            {{"field", field}});
    }
    out.push_back(s);
  }
  return out;
}

namespace {

std::vector<db::FormulationComponent> readFormulation(const JsonFields& body) {
  auto array = body.optArray("formulation");
  if (array->size() > 50) {
    throw invalidArgument("a formulation has at most 50 components", {{"field", "formulation"}});
  }
  std::vector<db::FormulationComponent> parts;
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string path = "formulation[" + std::to_string(i) + "]";
    Poco::JSON::Object::Ptr item = array->getObject(i);
    if (!item) {
      throw invalidArgument("'" + path + "' must be an object {compound_id | name, percentage}",
                            {{"field", path}});
    }
    JsonFields f(item, path);
    f.allowOnly({"compound_id", "substance_id", "name", "function", "percentage"});
    db::FormulationComponent part;
    if (f.has("compound_id")) {
      part.compoundId = compoundIdValue(item->get("compound_id"), f.fieldPath("compound_id"));
    }
    if (f.has("substance_id")) {
      part.substanceId = substanceIdValue(item->get("substance_id"), f.fieldPath("substance_id"));
    }
    part.name = f.optString("name", 200).value_or("");
    part.function = f.optString("function", 200).value_or("");
    auto percentage = f.optNumber("percentage");
    if (!percentage) {
      throw invalidArgument("'" + f.fieldPath("percentage") + "' is required",
                            {{"field", f.fieldPath("percentage")}});
    }
    part.percentage = *percentage;
    parts.push_back(part);
  }
  return parts;
}

// "route_ids": [12, "13"]: synthesis route ids (numbers, or their decimal text).
std::vector<std::int64_t> readRouteIds(const JsonFields& body) {
  auto array = body.optArray("route_ids");
  if (array->size() > db::kMaxProductRoutes) {
    throw invalidArgument(
        "a product lists at most " + std::to_string(db::kMaxProductRoutes) + " routes",
        {{"field", "route_ids"}});
  }
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string field = "route_ids[" + std::to_string(i) + "]";
    Poco::Dynamic::Var v = array->get(i);
    std::optional<std::int64_t> id;
    if (v.isInteger() && v.type() != typeid(bool)) {
      id = jsonInt64(v);
    } else if (v.isString()) {
      std::string text = v.extract<std::string>();
      if (!text.empty() && text.size() <= 18 &&
          text.find_first_not_of("0123456789") == std::string::npos) {
        id = std::stoll(text);
      }
    }
    if (!id || *id < 1) {
      throw invalidArgument("'" + field + "' must be a synthesis route id such as 12",
                            {{"field", field}});
    }
    ids.push_back(*id);
  }
  return ids;
}

db::MarketData readMarket(const JsonFields& m) {
  m.allowOnly({"unit", "price_min", "price_max", "currency", "capacity", "capacity_unit"});
  db::MarketData market;
  market.unit = m.optString("unit", 50);
  market.priceMin = m.optNumber("price_min");
  market.priceMax = m.optNumber("price_max");
  market.currency = m.optString("currency", 3);
  market.capacity = m.optNumber("capacity");
  market.capacityUnit = m.optString("capacity_unit", 50);
  return market;
}

db::Update<std::string> optionalDate(const JsonFields& body, const std::string& key) {
  if (!body.object()->has(key)) return std::nullopt;
  if (body.object()->isNull(key)) return db::Update<std::string>(std::in_place, std::nullopt);
  return db::Update<std::string>(std::in_place, body.optString(key, 20));
}

}  // namespace

db::ProductInput readProductInput(const JsonFields& body, bool creating) {
  if (creating) {
    body.allowOnly({"name", "start_up", "description", "compound_id", "substance_id",
                    "formulation", "target_sectors", "intended_uses", "catalogue_name",
                    "catalogue_summary", "trl", "trl_note", "market", "visibility", "route_ids"});
  } else {
    body.allowOnly({"name", "description", "compound_id", "substance_id", "formulation",
                    "target_sectors", "intended_uses", "catalogue_name", "catalogue_summary",
                    "trl", "trl_note", "market", "visibility", "reason", "route_ids"});
  }
  db::ProductInput in;
  in.name = body.optString("name", 1000);
  in.description = body.optString("description", 20000);
  if (body.has("compound_id")) {
    in.compoundId = compoundIdValue(body.object()->get("compound_id"), "compound_id");
  }
  if (body.has("substance_id")) {
    in.substanceId = substanceIdValue(body.object()->get("substance_id"), "substance_id");
  }
  if (body.has("formulation")) in.formulation = readFormulation(body);
  in.targetSectors = readStringList(body, "target_sectors", 30);
  in.intendedUses = readStringList(body, "intended_uses", 30);
  in.catalogueName = body.optString("catalogue_name", 1000);
  in.catalogueSummary = body.optString("catalogue_summary", 5000);
  in.trl = body.optInt("trl");
  in.trlNote = body.optString("trl_note", 2000).value_or("");
  if (auto market = body.optObject("market")) in.market = readMarket(*market);
  if (body.has("route_ids")) in.routeIds = readRouteIds(body);
  in.visibility = body.optString("visibility", 20);
  if (!creating) in.visibilityReason = body.optString("reason", 2000);
  return in;
}

db::StageInput readStageInput(const JsonFields& body) {
  db::StageInput in;
  in.name = body.optString("name", 200);
  in.description = body.optString("description", 5000);
  in.status = body.optString("status", 40);
  in.owner = body.optString("owner", 200);
  in.notes = body.optString("notes", 20000);
  in.plannedStart = optionalDate(body, "planned_start");
  in.plannedEnd = optionalDate(body, "planned_end");
  in.actualStart = optionalDate(body, "actual_start");
  in.actualEnd = optionalDate(body, "actual_end");
  return in;
}

}  // namespace argan::server
