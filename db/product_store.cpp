#include "db/product_store.h"

#include "db/compound_names.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/lifecycle.h"
#include "db/pipeline_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "db/row_snapshot.h"
#include "db/start_up_store.h"
#include "db/substance_store.h"

namespace argan::db {
namespace {

constexpr const char* kProductColumns =
    "pr.id, pr.start_up_id, pr.visibility, pr.name, pr.description, pr.composition,"
    " pr.compound_id, pr.target_sectors, pr.intended_uses, pr.catalogue_name,"
    " pr.catalogue_summary, pr.trl, pr.market_unit, pr.price_min, pr.price_max,"
    " pr.price_currency, pr.capacity, pr.capacity_unit, pr.created_at, pr.created_by,"
    " pr.updated_at, pr.retired_at, pr.retired_reason, pr.current_stage,"
    " pr.pipeline_complete, pr.last_decision, pr.substance_id";

constexpr std::size_t kMaxListItems = 30;
constexpr std::size_t kMaxComponents = 50;

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string lowered(const std::string& s) {
  std::string out;
  for (char ch : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

std::string stringsToJson(const std::vector<std::string>& items) {
  Poco::JSON::Array array;
  for (const auto& item : items) array.add(item);
  std::ostringstream out;
  array.stringify(out);
  return out.str();
}

std::vector<std::string> stringsFromJson(const std::string& text) {
  std::vector<std::string> out;
  try {
    Poco::JSON::Parser parser;
    auto array = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i)
      out.push_back(array->getElement<std::string>(i));
  } catch (...) {
    // A hand-edited row: show nothing rather than fail the read.
  }
  return out;
}

Product readProduct(Statement& st) {
  Product p;
  int i = 0;
  p.id = st.getInt(i++);
  p.startUpId = st.getInt(i++);
  p.visibility = st.getText(i++);
  p.name = st.getText(i++);
  p.description = st.getText(i++);
  p.composition = st.getText(i++);
  p.compoundId = st.getOptionalInt(i++);
  p.targetSectors = stringsFromJson(st.getText(i++));
  p.intendedUses = stringsFromJson(st.getText(i++));
  p.catalogueName = st.getText(i++);
  p.catalogueSummary = st.getText(i++);
  p.trl = st.getInt(i++);
  p.market.unit = st.getOptionalText(i++);
  p.market.priceMin = st.getOptionalDouble(i++);
  p.market.priceMax = st.getOptionalDouble(i++);
  p.market.currency = st.getOptionalText(i++);
  p.market.capacity = st.getOptionalDouble(i++);
  p.market.capacityUnit = st.getOptionalText(i++);
  p.createdAt = st.getText(i++);
  p.createdBy = st.getOptionalInt(i++);
  p.updatedAt = st.getText(i++);
  p.retiredAt = st.getOptionalText(i++);
  p.retiredReason = st.getOptionalText(i++);
  p.currentStage = st.getOptionalText(i++);
  p.pipelineComplete = st.getInt(i++) != 0;
  p.lastDecision = st.getOptionalText(i++);
  p.substanceId = st.getOptionalInt(i++);
  if (p.substanceId) p.composition = "substance";
  return p;
}

std::vector<FormulationComponent> loadComponents(Connection& c, std::int64_t productId) {
  Statement st(c,
               "SELECT compound_id, name, function, percentage, substance_id FROM product_components"
               " WHERE product_id = ? ORDER BY position");
  st.bind(1, productId);
  std::vector<FormulationComponent> out;
  while (st.step()) {
    FormulationComponent f;
    f.compoundId = st.getOptionalInt(0);
    f.name = st.getText(1);
    f.function = st.getText(2);
    f.percentage = st.getDouble(3);
    f.substanceId = st.getOptionalInt(4);
    // The row keeps the substance's code as its name (0004's CHECK); it is not a name.
    if (f.substanceId && f.name == substanceCode(*f.substanceId)) f.name.clear();
    out.push_back(f);
  }
  return out;
}

std::vector<std::int64_t> loadRouteIds(Connection& c, std::int64_t productId) {
  Statement st(c, "SELECT route_id FROM product_routes WHERE product_id = ? ORDER BY position");
  st.bind(1, productId);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.getInt(0));
  return out;
}

void replaceRoutes(Connection& c, std::int64_t productId, const std::vector<std::int64_t>& ids) {
  Statement remove(c, "DELETE FROM product_routes WHERE product_id = ?");
  remove.bind(1, productId).run();
  std::int64_t position = 1;
  for (std::int64_t id : ids) {
    Statement st(c, "INSERT INTO product_routes(product_id, route_id, position) VALUES (?,?,?)");
    st.bind(1, productId).bind(2, id).bind(3, position++).run();
  }
}

Error fieldError(const std::string& message, const std::string& field) {
  return invalidArgument(message, {{"field", field}});
}

void checkText(const std::optional<std::string>& value, std::size_t max, const char* field,
               bool required = false) {
  if (!value) return;
  if (required && trimmed(*value).empty()) {
    throw fieldError(std::string(field) + " must not be empty", field);
  }
  if (value->size() > max) {
    throw fieldError(std::string(field) + " is longer than " + std::to_string(max) + " characters",
                     field);
  }
}

// Trims, drops empties, removes case-insensitive duplicates; checks counts and lengths.
std::vector<std::string> cleanList(const std::vector<std::string>& items, const char* field) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& raw : items) {
    std::string item = trimmed(raw);
    if (item.empty()) continue;
    if (item.size() > 200) {
      throw fieldError(std::string("each entry of ") + field + " must be at most 200 characters",
                       field);
    }
    if (seen.insert(lowered(item)).second) out.push_back(item);
  }
  if (out.size() > kMaxListItems) {
    throw fieldError(
        std::string(field) + " has more than " + std::to_string(kMaxListItems) + " entries", field);
  }
  return out;
}

void checkMarket(const MarketData& m) {
  checkText(m.unit, 50, "market.unit");
  checkText(m.capacityUnit, 50, "market.capacity_unit");
  for (auto [value, field] :
       {std::pair{m.priceMin, "market.price_min"}, std::pair{m.priceMax, "market.price_max"},
        std::pair{m.capacity, "market.capacity"}}) {
    if (value && (!std::isfinite(*value) || *value < 0)) {
      throw fieldError(std::string(field) + " must be a number of 0 or more", field);
    }
  }
  if (m.priceMin && m.priceMax && *m.priceMin > *m.priceMax) {
    throw fieldError("market.price_min is above market.price_max", "market.price_min");
  }
  if ((m.priceMin || m.priceMax) && !m.currency) {
    throw fieldError("a price needs market.currency (an ISO 4217 code such as MAD or EUR)",
                     "market.currency");
  }
  if (m.currency) {
    bool ok =
        m.currency->size() == 3 && std::all_of(m.currency->begin(), m.currency->end(),
                                               [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    if (!ok) {
      throw fieldError("market.currency must be a 3-letter ISO 4217 code such as MAD or EUR",
                       "market.currency");
    }
  }
}

void checkTrl(std::int64_t trl) {
  if (trl < kMinTrl || trl > kMaxTrl) {
    throw invalidArgument(
        "trl must be an integer from 1 to 9 (EU Horizon 2020 scale), got " + std::to_string(trl),
        {{"field", "trl"}, {"min", kMinTrl}, {"max", kMaxTrl}});
  }
}

void validate(const ProductInput& in) {
  if (in.name) {
    if (trimmed(*in.name).empty()) throw fieldError("the product name must not be empty", "name");
    checkText(in.name, 200, "name");
  }
  checkText(in.description, 20000, "description");
  checkText(in.catalogueName, 200, "catalogue_name");
  checkText(in.catalogueSummary, 1000, "catalogue_summary");
  if (in.trl) checkTrl(*in.trl);
  if (in.trlNote.size() > 2000)
    throw fieldError("trl_note is longer than 2000 characters", "trl_note");
  if (in.market) checkMarket(*in.market);
  if (in.visibility && !parseVisibility(*in.visibility)) {
    throw fieldError("visibility must be start-up, cluster or public", "visibility");
  }
  if (in.routeIds) {
    if (in.routeIds->size() > kMaxProductRoutes) {
      throw fieldError("a product lists at most " + std::to_string(kMaxProductRoutes) + " routes",
                       "route_ids");
    }
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < in.routeIds->size(); ++i) {
      std::string field = "route_ids[" + std::to_string(i) + "]";
      if ((*in.routeIds)[i] < 1) throw fieldError(field + " must be a route id", field);
      if (!seen.insert((*in.routeIds)[i]).second) {
        throw fieldError(field + " repeats route " + std::to_string((*in.routeIds)[i]), field);
      }
    }
  }
  if ((in.compoundId ? 1 : 0) + (in.substanceId ? 1 : 0) + (in.formulation ? 1 : 0) > 1) {
    throw invalidArgument(
        "a product is made of one compound (compound_id), one substance (substance_id) or a "
        "formulation, not several",
        {{"field", in.formulation ? "formulation" : "substance_id"}});
  }
  if (in.formulation) {
    const auto& parts = *in.formulation;
    if (parts.empty() || parts.size() > kMaxComponents) {
      throw fieldError("a formulation needs 1 to " + std::to_string(kMaxComponents) + " components",
                       "formulation");
    }
    double sum = 0;
    std::set<std::int64_t> compounds;
    std::set<std::int64_t> substances;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& part = parts[i];
      std::string field = "formulation[" + std::to_string(i) + "]";
      if (part.compoundId && part.substanceId) {
        throw fieldError(field + " is a compound or a substance, not both", field);
      }
      if (!part.compoundId && !part.substanceId && trimmed(part.name).empty()) {
        throw fieldError(field + " needs a compound_id (a registered compound), a substance_id "
                                 "(a registered substance) or a name",
                         field);
      }
      if (part.substanceId && !substances.insert(*part.substanceId).second) {
        throw fieldError(field + " repeats " + substanceCode(*part.substanceId) +
                             "; list each substance once",
                         field + ".substance_id");
      }
      if (part.name.size() > 200 || part.function.size() > 200) {
        throw fieldError(field + ": name and function are at most 200 characters", field);
      }
      if (!std::isfinite(part.percentage) || part.percentage <= 0 || part.percentage > 100) {
        throw fieldError(field + ".percentage must be above 0 and at most 100",
                         field + ".percentage");
      }
      if (part.compoundId && !compounds.insert(*part.compoundId).second) {
        throw fieldError(
            field + " repeats " + compoundCode(*part.compoundId) + "; list each compound once",
            field + ".compound_id");
      }
      sum += part.percentage;
    }
    if (std::fabs(sum - 100.0) > kPercentTolerance) {
      std::ostringstream total;
      total << std::round(sum * 1000) / 1000;
      throw invalidArgument("the formulation's percentages sum to " + total.str() + ", not 100",
                            {{"field", "formulation"}, {"sum", sum}});
    }
  }
}

// The compound must be visible to the actor and to the owning start-up's team, and live.
void checkCompound(Connection& c, const Principal& actor, std::int64_t startUpId,
                   std::int64_t compoundId, const std::string& field) {
  auto compound = findCompound(c, actor, compoundId);
  Principal team;
  team.role = Role::Member;
  team.startUpId = startUpId;
  if (!compound || !canSee(team, compound->startUpId, compound->visibility)) {
    throw invalidArgument(
        "no compound " + compoundCode(compoundId) + " that you and the product's start-up can see",
        {{"field", field}});
  }
  if (compound->retiredAt) {
    throw failedPrecondition(compoundCode(compoundId) + " is retired (" +
                                 compound->retiredReason.value_or("") +
                                 "); a product cannot be made of it",
                             {{"field", field}});
  }
}

// The substance must be visible to the actor and to the owning start-up's team, and live.
void checkSubstance(Connection& c, const Principal& actor, std::int64_t startUpId,
                    std::int64_t substanceId, const std::string& field) {
  auto substance = findSubstance(c, actor, substanceId);
  Principal team;
  team.role = Role::Member;
  team.startUpId = startUpId;
  if (!substance || !canSee(team, substance->startUpId, substance->visibility)) {
    throw invalidArgument("no substance " + substanceCode(substanceId) +
                              " that you and the product's start-up can see",
                          {{"field", field}});
  }
  if (substance->retiredAt) {
    throw failedPrecondition(substanceCode(substanceId) + " is retired (" +
                                 substance->retiredReason.value_or("") +
                                 "); a product cannot be made of it",
                             {{"field", field}});
  }
}

void checkComposition(Connection& c, const Principal& actor, std::int64_t startUpId,
                      const ProductInput& in) {
  if (in.compoundId) checkCompound(c, actor, startUpId, *in.compoundId, "compound_id");
  if (in.substanceId) checkSubstance(c, actor, startUpId, *in.substanceId, "substance_id");
  if (in.formulation) {
    for (std::size_t i = 0; i < in.formulation->size(); ++i) {
      const auto& part = (*in.formulation)[i];
      if (part.compoundId) {
        checkCompound(c, actor, startUpId, *part.compoundId,
                      "formulation[" + std::to_string(i) + "].compound_id");
      }
      if (part.substanceId) {
        checkSubstance(c, actor, startUpId, *part.substanceId,
                       "formulation[" + std::to_string(i) + "].substance_id");
      }
    }
  }
}

// The registered compounds a product is made of, after `in` is applied to `current` (or,
// creating, from `in` alone).
std::set<std::int64_t> madeOf(const ProductInput& in, const Product* current) {
  std::set<std::int64_t> out;
  if (in.substanceId) return out;  // a substance is made by no synthesis route
  if (in.compoundId) {
    out.insert(*in.compoundId);
  } else if (in.formulation) {
    for (const auto& part : *in.formulation) {
      if (part.compoundId) out.insert(*part.compoundId);
    }
  } else if (current) {
    if (current->compoundId) out.insert(*current->compoundId);
    for (const auto& part : current->components) {
      if (part.compoundId) out.insert(*part.compoundId);
    }
  }
  return out;
}

// Every route linked after the change must be one the actor and the owning start-up may see,
// not retired (when newly sent), and make a compound of the product.
void checkRoutes(Connection& c, const Principal& actor, std::int64_t startUpId,
                 const ProductInput& in, const Product* current) {
  bool compositionChanges = in.compoundId || in.substanceId || in.formulation;
  if (!in.routeIds && !(current && compositionChanges && !current->routeIds.empty())) return;
  std::set<std::int64_t> compounds = madeOf(in, current);
  Principal team;
  team.role = Role::Member;
  team.startUpId = startUpId;
  const std::vector<std::int64_t>& ids = in.routeIds ? *in.routeIds : current->routeIds;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::string field = in.routeIds ? "route_ids[" + std::to_string(i) + "]" : "route_ids";
    std::string name = "route " + std::to_string(ids[i]);
    auto route = findRoute(c, actor, ids[i], /*withSteps=*/false);
    if (!route || !canSee(team, route->startUpId, route->visibility)) {
      throw invalidArgument("no " + name + " that you and the product's start-up can see",
                            {{"field", field}});
    }
    bool linkedBefore =
        current && std::count(current->routeIds.begin(), current->routeIds.end(), ids[i]) > 0;
    if (!linkedBefore && (route->retiredAt || route->status == "retired")) {
      throw failedPrecondition(name + " is retired; link a route in use", {{"field", field}});
    }
    if (!compounds.count(route->targetCompoundId)) {
      std::string message = name + " ('" + route->name + "') makes " +
                            compoundCode(route->targetCompoundId) +
                            ", which the product is not made of";
      if (!in.routeIds) {
        message += "; send route_ids with the new composition";
      }
      throw invalidArgument(message, {{"field", field}});
    }
  }
}

void checkNameFree(Connection& c, std::int64_t startUpId, const std::string& name,
                   std::int64_t exceptId) {
  Statement st(c,
               "SELECT id FROM products WHERE start_up_id = ? AND name = ? COLLATE NOCASE"
               " AND retired_at IS NULL AND id <> ?");
  st.bind(1, startUpId).bind(2, name).bind(3, exceptId);
  if (st.step()) {
    throw Error(ErrorCode::AlreadyExists,
                "the start-up already has a product named '" + name + "' (" +
                    productCode(st.getInt(0)) + ")",
                {{"field", "name"}, {"existing", productCode(st.getInt(0))}});
  }
}

void replaceComponents(Connection& c, std::int64_t productId,
                       const std::vector<FormulationComponent>& parts) {
  Statement remove(c, "DELETE FROM product_components WHERE product_id = ?");
  remove.bind(1, productId).run();
  std::int64_t position = 1;
  for (const auto& part : parts) {
    Statement st(c,
                 "INSERT INTO product_components(product_id, position, compound_id, name,"
                 " function, percentage, substance_id) VALUES (?,?,?,?,?,?,?)");
    std::string name = trimmed(part.name);
    if (name.empty() && part.substanceId) name = substanceCode(*part.substanceId);
    st.bind(1, productId)
        .bind(2, position++)
        .bind(3, part.compoundId)
        .bind(4, name)
        .bind(5, trimmed(part.function))
        .bind(6, part.percentage)
        .bind(7, part.substanceId)
        .run();
  }
}

void recordTrl(Connection& c, const Clock& clock, const Principal& actor, std::int64_t productId,
               std::int64_t trl, std::optional<std::int64_t> previous, const std::string& note) {
  Statement st(c,
               "INSERT INTO product_trl_history(product_id, trl, previous, note, changed_at,"
               " changed_by, actor_label) VALUES (?,?,?,?,?,?,?)");
  st.bind(1, productId).bind(2, trl).bind(3, previous).bind(4, note).bind(5, clock.nowIso());
  if (actor.userId) {
    st.bind(6, actor.userId);
  } else {
    st.bindNull(6);
  }
  st.bind(7, actor.label()).run();
}

std::optional<std::int64_t> userOf(const Principal& p) {
  if (p.userId) return p.userId;
  return std::nullopt;
}

Product loadAny(Connection& c, std::int64_t id) {
  auto p = findProduct(c, Principal::system("product store"), id);
  if (!p) throw internalError("product " + productCode(id) + " vanished");
  return *p;
}

RecordRef productRef(const Product& p) {
  return RecordRef{"products", "product", productCode(p.id), p.id, p.startUpId};
}

Customer readCustomer(Statement& st) {
  Customer r;
  r.id = st.getInt(0);
  r.productId = st.getInt(1);
  r.name = st.getText(2);
  r.relation = st.getText(3);
  r.contact = st.getText(4);
  r.since = st.getOptionalText(5);
  r.notes = st.getText(6);
  r.createdAt = st.getText(7);
  r.updatedAt = st.getText(8);
  return r;
}

constexpr const char* kCustomerColumns =
    "id, product_id, name, relation, contact, since, notes, created_at, updated_at";

void validateCustomer(const CustomerInput& in, bool creating) {
  if (creating && !in.name) throw fieldError("a customer record needs a name", "name");
  if (in.name && trimmed(*in.name).empty()) throw fieldError("name must not be empty", "name");
  checkText(in.name, 200, "name");
  checkText(in.contact, 500, "contact");
  checkText(in.notes, 10000, "notes");
  if (in.relation) {
    static const std::set<std::string> relations = {"customer", "partner", "distributor",
                                                    "prospect", "other"};
    if (!relations.count(*in.relation)) {
      throw fieldError("relation must be customer, partner, distributor, prospect or other",
                       "relation");
    }
  }
  if (in.since && *in.since && !isCalendarDate(**in.since)) {
    throw fieldError("since must be a date written YYYY-MM-DD", "since");
  }
}

std::string customerRecordId(std::int64_t productId, std::int64_t customerId) {
  return productCode(productId) + "/customers/" + std::to_string(customerId);
}

}  // namespace

std::string Product::code() const {
  return productCode(id);
}

std::string Product::gateStatus() const {
  if (retiredAt) return "retired";
  if (lastDecision == std::optional<std::string>("stop")) return "stopped";
  if (lastDecision == std::optional<std::string>("hold")) return "on_hold";
  return "active";
}

std::optional<std::string> snapshotProduct(Connection& c, std::int64_t productId) {
  auto row = snapshotRow(c, "products", productId);
  if (!row) return std::nullopt;
  Poco::JSON::Parser parser;
  Poco::JSON::Object snapshot(Poco::JSON_PRESERVE_KEY_ORDER);
  snapshot.set("product", parser.parse(*row));
  Poco::JSON::Array components;
  {
    Statement st(c, "SELECT id FROM product_components WHERE product_id = ? ORDER BY position");
    st.bind(1, productId);
    while (st.step()) {
      parser.reset();
      components.add(parser.parse(*snapshotRow(c, "product_components", st.getInt(0))));
    }
  }
  snapshot.set("components", components);
  Poco::JSON::Array routes;
  for (std::int64_t id : loadRouteIds(c, productId)) routes.add(id);
  snapshot.set("routes", routes);
  Poco::JSON::Array stages;
  {
    Statement st(c, "SELECT key FROM product_stages WHERE product_id = ? ORDER BY position, id");
    st.bind(1, productId);
    while (st.step()) stages.add(st.getText(0));
  }
  snapshot.set("stages", stages);
  std::ostringstream out;
  snapshot.stringify(out);
  return out.str();
}

Product createProduct(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t startUpId, const ProductInput& input) {
  if (!input.name) throw fieldError("a product needs a name", "name");
  if (!input.compoundId && !input.substanceId && !input.formulation) {
    throw invalidArgument(
        "a product is made of a registered compound (compound_id), a registered substance "
        "(substance_id) or a formulation (formulation: [{compound_id | substance_id | name, "
        "percentage}] summing to 100)",
        {{"field", "compound_id"}});
  }
  validate(input);
  if (!findStartUp(c, startUpId)) {
    throw notFound("no start-up " + std::to_string(startUpId), {{"field", "start_up"}});
  }
  if (!canWriteFor(actor, startUpId)) {
    throw permissionDenied("only members of start-up " + std::to_string(startUpId) +
                           " (or administrators) may create its products");
  }
  if (input.visibility && *input.visibility != "start-up") {
    throw fieldError(
        "new products start visible to their own start-up only; publish them afterwards by "
        "changing their visibility",
        "visibility");
  }
  checkComposition(c, actor, startUpId, input);
  checkRoutes(c, actor, startUpId, input, nullptr);
  std::string name = trimmed(*input.name);
  checkNameFree(c, startUpId, name, 0);

  MarketData market = input.market.value_or(MarketData{});
  std::int64_t trl = input.trl.value_or(kMinTrl);
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO products(start_up_id, name, description, composition, compound_id,"
               " target_sectors, intended_uses, catalogue_name, catalogue_summary, trl,"
               " market_unit, price_min, price_max, price_currency, capacity, capacity_unit,"
               " created_at, created_by, updated_at, substance_id, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const std::int64_t id = allocateRecordId(c, clock, "products");
  st.bind(1, startUpId)
      .bind(2, name)
      .bind(3, input.description.value_or(""))
      .bind(4, input.compoundId ? "compound" : "formulation")
      .bind(5, input.compoundId)
      .bind(6, stringsToJson(cleanList(input.targetSectors.value_or(std::vector<std::string>{}),
                                       "target_sectors")))
      .bind(7, stringsToJson(cleanList(input.intendedUses.value_or(std::vector<std::string>{}),
                                       "intended_uses")))
      .bind(8, trimmed(input.catalogueName.value_or("")))
      .bind(9, input.catalogueSummary.value_or(""))
      .bind(10, trl)
      .bind(11, market.unit)
      .bind(12, market.priceMin)
      .bind(13, market.priceMax)
      .bind(14, market.currency)
      .bind(15, market.capacity)
      .bind(16, market.capacityUnit)
      .bind(17, now)
      .bind(18, userOf(actor))
      .bind(19, now)
      .bind(20, input.substanceId)
      .bind(21, id)
      .run();
  if (input.formulation) replaceComponents(c, id, *input.formulation);
  if (input.routeIds) replaceRoutes(c, id, *input.routeIds);
  insertDefaultStages(c, clock, id);
  recordTrl(c, clock, actor, id, trl, std::nullopt, input.trlNote);
  appendAudit(
      c, clock, actor,
      {"create", "product", productCode(id), std::nullopt, snapshotProduct(c, id), std::nullopt});
  return loadAny(c, id);
}

Product updateProduct(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t productId, const ProductInput& input) {
  validate(input);
  Product current = requireWritableProduct(c, actor, productId);
  checkComposition(c, actor, current.startUpId, input);
  checkRoutes(c, actor, current.startUpId, input, &current);
  if (input.name) checkNameFree(c, current.startUpId, trimmed(*input.name), productId);

  bool fieldsChange = input.name || input.description || input.compoundId ||
                      input.substanceId || input.formulation ||
                      input.targetSectors || input.intendedUses || input.catalogueName ||
                      input.catalogueSummary || input.market ||
                      (input.routeIds && *input.routeIds != current.routeIds) ||
                      (input.trl && *input.trl != current.trl);
  if (fieldsChange) {
    auto before = snapshotProduct(c, productId);
    Product next = current;
    if (input.name) next.name = trimmed(*input.name);
    if (input.description) next.description = *input.description;
    if (input.compoundId) {
      next.composition = "compound";
      next.compoundId = input.compoundId;
      next.substanceId.reset();
    }
    if (input.substanceId) {
      next.composition = "formulation";  // stored so; read as "substance" (migration 0052)
      next.compoundId.reset();
      next.substanceId = input.substanceId;
    }
    if (input.formulation) {
      next.composition = "formulation";
      next.compoundId.reset();
      next.substanceId.reset();
    }
    if (next.composition == "substance") next.composition = "formulation";
    if (input.targetSectors) next.targetSectors = cleanList(*input.targetSectors, "target_sectors");
    if (input.intendedUses) next.intendedUses = cleanList(*input.intendedUses, "intended_uses");
    if (input.catalogueName) next.catalogueName = trimmed(*input.catalogueName);
    if (input.catalogueSummary) next.catalogueSummary = *input.catalogueSummary;
    if (input.trl) next.trl = *input.trl;
    if (input.market) next.market = *input.market;
    Statement st(c,
                 "UPDATE products SET name=?, description=?, composition=?, compound_id=?,"
                 " target_sectors=?, intended_uses=?, catalogue_name=?, catalogue_summary=?,"
                 " trl=?, market_unit=?, price_min=?, price_max=?, price_currency=?,"
                 " capacity=?, capacity_unit=?, updated_at=?, substance_id=? WHERE id=?");
    st.bind(1, next.name)
        .bind(2, next.description)
        .bind(3, next.composition)
        .bind(4, next.compoundId)
        .bind(5, stringsToJson(next.targetSectors))
        .bind(6, stringsToJson(next.intendedUses))
        .bind(7, next.catalogueName)
        .bind(8, next.catalogueSummary)
        .bind(9, next.trl)
        .bind(10, next.market.unit)
        .bind(11, next.market.priceMin)
        .bind(12, next.market.priceMax)
        .bind(13, next.market.currency)
        .bind(14, next.market.capacity)
        .bind(15, next.market.capacityUnit)
        .bind(16, clock.nowIso())
        .bind(17, next.substanceId)
        .bind(18, productId)
        .run();
    if (input.compoundId || input.substanceId) replaceComponents(c, productId, {});
    if (input.formulation) replaceComponents(c, productId, *input.formulation);
    if (input.routeIds) replaceRoutes(c, productId, *input.routeIds);
    if (next.trl != current.trl) {
      recordTrl(c, clock, actor, productId, next.trl, current.trl, input.trlNote);
    }
    appendAudit(c, clock, actor,
                {"update", "product", productCode(productId), before, snapshotProduct(c, productId),
                 std::nullopt});
  }
  if (input.visibility) {
    VisibilityChange change;
    change.record = productRef(current);
    change.to = *parseVisibility(*input.visibility);
    change.reason = input.visibilityReason;
    changeVisibility(c, clock, actor, change);
  }
  return loadAny(c, productId);
}

Product retireProduct(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t productId, const std::string& reason) {
  if (trimmed(reason).empty() || reason.size() > 2000) {
    throw fieldError("retiring needs a reason (1 to 2000 characters)", "reason");
  }
  Product current = requireWritableProduct(c, actor, productId);
  retireRecord(c, clock, actor, productRef(current), reason);
  return loadAny(c, productId);
}

std::optional<Product> findProduct(Connection& c, const Principal& viewer, std::int64_t productId) {
  Statement st(c, std::string("SELECT ") + kProductColumns +
                      " FROM product_records pr WHERE pr.id = ? AND " + visibleSql(viewer, "pr"));
  st.bind(1, productId);
  if (!st.step()) return std::nullopt;
  Product p = readProduct(st);
  p.components = loadComponents(c, p.id);
  p.routeIds = loadRouteIds(c, p.id);
  return p;
}

Product requireWritableProduct(Connection& c, const Principal& actor, std::int64_t productId) {
  auto product = findProduct(c, actor, productId);
  if (!product) throw notFound("no product " + productCode(productId));
  if (!canWriteFor(actor, product->startUpId)) {
    throw permissionDenied("only members of the start-up that owns " + productCode(productId) +
                           " (or administrators) may change it");
  }
  if (product->retiredAt) {
    throw failedPrecondition(productCode(productId) + " is retired (" +
                             product->retiredReason.value_or("") + "); it can no longer change");
  }
  return *product;
}

ProductPage listProducts(Connection& c, const Principal& viewer, const ProductFilter& f,
                         std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw fieldError("page must be 0 or more", "page");
  if (pageSize < 1 || pageSize > 500)
    throw fieldError("page_size must be between 1 and 500", "page_size");
  if (f.visibility && !parseVisibility(*f.visibility)) {
    throw fieldError("visibility must be start-up, cluster or public", "visibility");
  }
  // A filter on a compound or route the viewer may not see matches nothing, exactly as one
  // that does not exist: otherwise ?compound= would reveal which hidden compound a public
  // product is made of.
  if ((f.compoundId && !findCompound(c, viewer, *f.compoundId)) ||
      (f.substanceId && !findSubstance(c, viewer, *f.substanceId)) ||
      (f.routeId && !findRoute(c, viewer, *f.routeId, /*withSteps=*/false))) {
    return ProductPage{};
  }
  // Listing one start-up: the rule for its rows alone, so that the (start_up_id, visibility)
  // index skips the rows the viewer may not see instead of visiting and discarding them.
  std::string where = " WHERE " + (f.startUpId ? readScope(viewer).sqlForOwner(*f.startUpId, "pr.visibility")
                                       : visibleSql(viewer, "pr"));
  if (!f.includeRetired) where += " AND pr.retired_at IS NULL";
  if (f.startUpId) where += " AND pr.start_up_id = ?";
  if (f.stage) where += " AND pr.current_stage = ?";
  if (f.compoundId) {
    where +=
        " AND (pr.compound_id = ? OR EXISTS (SELECT 1 FROM product_components pc"
        " WHERE pc.product_id = pr.id AND pc.compound_id = ?))";
  }
  if (f.substanceId) {
    where +=
        " AND (pr.substance_id = ? OR EXISTS (SELECT 1 FROM product_components pc"
        " WHERE pc.product_id = pr.id AND pc.substance_id = ?))";
  }
  if (f.routeId) {
    where +=
        " AND EXISTS (SELECT 1 FROM product_routes x"
        " WHERE x.product_id = pr.id AND x.route_id = ?)";
  }
  if (f.visibility) where += " AND pr.visibility = ?";
  std::string pattern;
  std::string exact;           // the text as typed, trimmed: CAS, formula, InChIKey
  std::string synonymPattern;  // the normalised text, for compound_synonyms.normalised
  if (f.text) {
    for (char ch : *f.text) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
      pattern.push_back(ch);
    }
    pattern = "%" + pattern + "%";
    // The product's own texts, or what chemists call the compound it is made of (name,
    // synonym, CAS number, formula, InChIKey): "methyl oleate" finds the biodiesel.
    where +=
        " AND (pr.name LIKE ? ESCAPE '\\' OR pr.catalogue_name LIKE ? ESCAPE '\\'"
        " OR pr.description LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM compounds cn WHERE"
        " (cn.id = pr.compound_id OR cn.id IN (SELECT pc.compound_id FROM product_components pc"
        " WHERE pc.product_id = pr.id)) AND " + visibleSql(viewer, "cn") +
        " AND (cn.name LIKE ? ESCAPE '\\' OR cn.cas = ?"
        " OR cn.formula = ? OR cn.inchikey = ? OR EXISTS (SELECT 1 FROM compound_synonyms s"
        " WHERE s.compound_id = cn.id AND s.normalised LIKE ? ESCAPE '\\'))))";
    exact = *f.text;
    exact.erase(0, exact.find_first_not_of(" \t"));
    exact.erase(exact.find_last_not_of(" \t") + 1);
    std::string key = normaliseName(*f.text);
    synonymPattern.clear();
    for (char ch : key) {
      if (ch == '%' || ch == '_' || ch == '\\') synonymPattern.push_back('\\');
      synonymPattern.push_back(ch);
    }
    synonymPattern = "%" + synonymPattern + "%";
  }
  auto bindAll = [&](Statement& st) {
    int i = 1;
    if (f.startUpId) st.bind(i++, *f.startUpId);
    if (f.stage) st.bind(i++, *f.stage);
    if (f.compoundId) {
      st.bind(i++, *f.compoundId);
      st.bind(i++, *f.compoundId);
    }
    if (f.substanceId) {
      st.bind(i++, *f.substanceId);
      st.bind(i++, *f.substanceId);
    }
    if (f.routeId) st.bind(i++, *f.routeId);
    if (f.visibility) st.bind(i++, *f.visibility);
    if (f.text) {
      for (int k = 0; k < 4; ++k) st.bind(i++, pattern);
      for (int k = 0; k < 3; ++k) st.bind(i++, exact);
      st.bind(i++, synonymPattern);
    }
    return i;
  };
  ProductPage result;
  {
    Statement count(c, "SELECT COUNT(*) FROM product_records pr" + where);
    bindAll(count);
    count.step();
    result.total = count.getInt(0);
  }
  // Ordered by "+id" when listing one start-up: sorting the visible rows instead of walking
  // the owner's rows in id order (which visits the hidden ones) keeps the planner on the
  // (start_up_id, visibility) index.
  Statement st(c, std::string("SELECT ") + kProductColumns + " FROM product_records pr" + where +
                      (f.startUpId ? " ORDER BY +pr.id DESC" : " ORDER BY pr.id DESC") +
                      " LIMIT ? OFFSET ?");
  int next = bindAll(st);
  st.bind(next, pageSize).bind(next + 1, page * pageSize);
  while (st.step()) result.items.push_back(readProduct(st));
  for (auto& p : result.items) {
    p.components = loadComponents(c, p.id);
    p.routeIds = loadRouteIds(c, p.id);
  }
  return result;
}

std::vector<std::int64_t> compoundIdsAtStage(Connection& c, const Principal& viewer,
                                             const std::string& stageKey) {
  std::string live =
      " pr.retired_at IS NULL AND pr.current_stage = ? AND " + visibleSql(viewer, "pr");
  Statement st(c,
               "SELECT DISTINCT m.cid FROM ("
               " SELECT pr.compound_id AS cid FROM product_records pr"
               "  WHERE pr.compound_id IS NOT NULL AND" +
                   live +
                   " UNION"
                   " SELECT pc.compound_id FROM product_components pc"
                   "  JOIN product_records pr ON pr.id = pc.product_id"
                   "  WHERE pc.compound_id IS NOT NULL AND" +
                   live + ") m JOIN compounds c ON c.id = m.cid WHERE " + visibleSql(viewer, "c") +
                   " ORDER BY m.cid");
  st.bind(1, stageKey).bind(2, stageKey);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.getInt(0));
  return out;
}

std::vector<TrlLevel> trlLevels(Connection& c) {
  Statement st(c, "SELECT level, title, source, source_url FROM trl_levels ORDER BY level");
  std::vector<TrlLevel> out;
  while (st.step()) out.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3)});
  return out;
}

std::string trlTitle(Connection& c, std::int64_t level) {
  Statement st(c, "SELECT title FROM trl_levels WHERE level = ?");
  st.bind(1, level);
  return st.step() ? st.getText(0) : "";
}

std::vector<TrlChange> trlHistory(Connection& c, std::int64_t productId) {
  Statement st(c,
               "SELECT id, trl, previous, note, changed_at, changed_by, actor_label"
               " FROM product_trl_history WHERE product_id = ? ORDER BY id");
  st.bind(1, productId);
  std::vector<TrlChange> out;
  while (st.step()) {
    TrlChange t;
    t.id = st.getInt(0);
    t.trl = st.getInt(1);
    t.previous = st.getOptionalInt(2);
    t.note = st.getText(3);
    t.changedAt = st.getText(4);
    t.changedBy = st.getOptionalInt(5);
    t.actorLabel = st.getText(6);
    out.push_back(t);
  }
  return out;
}

std::vector<Customer> listCustomers(Connection& c, std::int64_t productId) {
  Statement st(c, std::string("SELECT ") + kCustomerColumns +
                      " FROM product_customers WHERE product_id = ? ORDER BY id");
  st.bind(1, productId);
  std::vector<Customer> out;
  while (st.step()) out.push_back(readCustomer(st));
  return out;
}

namespace {
std::optional<Customer> findCustomer(Connection& c, std::int64_t productId,
                                     std::int64_t customerId) {
  Statement st(c, std::string("SELECT ") + kCustomerColumns +
                      " FROM product_customers WHERE product_id = ? AND id = ?");
  st.bind(1, productId).bind(2, customerId);
  if (!st.step()) return std::nullopt;
  return readCustomer(st);
}
}  // namespace

Customer addCustomer(Connection& c, const Clock& clock, const Principal& actor,
                     std::int64_t productId, const CustomerInput& input) {
  validateCustomer(input, true);
  requireWritableProduct(c, actor, productId);
  std::string now = clock.nowIso();
  Statement st(c,
               "INSERT INTO product_customers(product_id, name, relation, contact, since, notes,"
               " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)");
  st.bind(1, productId)
      .bind(2, trimmed(*input.name))
      .bind(3, input.relation.value_or("customer"))
      .bind(4, input.contact.value_or(""))
      .bind(5, input.since ? *input.since : std::nullopt)
      .bind(6, input.notes.value_or(""))
      .bind(7, now)
      .bind(8, now)
      .run();
  std::int64_t id = c.lastInsertId();
  appendAudit(c, clock, actor,
              {"create", "product_customer", customerRecordId(productId, id), std::nullopt,
               snapshotRow(c, "product_customers", id), std::nullopt});
  return *findCustomer(c, productId, id);
}

Customer updateCustomer(Connection& c, const Clock& clock, const Principal& actor,
                        std::int64_t productId, std::int64_t customerId,
                        const CustomerInput& input) {
  validateCustomer(input, false);
  requireWritableProduct(c, actor, productId);
  auto current = findCustomer(c, productId, customerId);
  if (!current) {
    throw notFound("no customer record " + std::to_string(customerId) + " on " +
                   productCode(productId));
  }
  auto before = snapshotRow(c, "product_customers", customerId);
  Customer next = *current;
  if (input.name) next.name = trimmed(*input.name);
  if (input.relation) next.relation = *input.relation;
  if (input.contact) next.contact = *input.contact;
  if (input.since) next.since = *input.since;
  if (input.notes) next.notes = *input.notes;
  Statement st(c,
               "UPDATE product_customers SET name=?, relation=?, contact=?, since=?, notes=?,"
               " updated_at=? WHERE id=?");
  st.bind(1, next.name)
      .bind(2, next.relation)
      .bind(3, next.contact)
      .bind(4, next.since)
      .bind(5, next.notes)
      .bind(6, clock.nowIso())
      .bind(7, customerId)
      .run();
  appendAudit(c, clock, actor,
              {"update", "product_customer", customerRecordId(productId, customerId), before,
               snapshotRow(c, "product_customers", customerId), std::nullopt});
  return *findCustomer(c, productId, customerId);
}

void removeCustomer(Connection& c, const Clock& clock, const Principal& actor,
                    std::int64_t productId, std::int64_t customerId) {
  requireWritableProduct(c, actor, productId);
  if (!findCustomer(c, productId, customerId)) {
    throw notFound("no customer record " + std::to_string(customerId) + " on " +
                   productCode(productId));
  }
  auto before = snapshotRow(c, "product_customers", customerId);
  Statement st(c, "DELETE FROM product_customers WHERE id = ?");
  st.bind(1, customerId).run();
  appendAudit(c, clock, actor,
              {"delete", "product_customer", customerRecordId(productId, customerId), before,
               std::nullopt, std::nullopt});
}

}  // namespace argan::db

namespace argan::db {

std::vector<std::pair<std::string, std::string>> productAuditRecords(Connection& c,
                                                                     std::int64_t productId) {
  std::string code = productCode(productId);
  Statement st(c,
               "SELECT DISTINCT record_type, record_id FROM audit_log"
               " WHERE (record_type = 'product' AND record_id = ?)"
               "    OR (record_type IN ('product_stage', 'gate_decision', 'product_customer')"
               "        AND substr(record_id, 1, length(?) + 1) = ? || '/')"
               " UNION SELECT 'document', printf('DOC-%06d', dr.id) FROM document_records dr"
               "  WHERE dr.product_id = ?");
  st.bind(1, code).bind(2, code).bind(3, code).bind(4, productId);
  std::vector<std::pair<std::string, std::string>> out;
  while (st.step()) out.emplace_back(st.getText(0), st.getText(1));
  return out;
}

}  // namespace argan::db
