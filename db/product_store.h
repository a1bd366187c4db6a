// Products: what a start-up sells, made of one registered compound or of a formulation,
// with catalogue fields, TRL (1-9, with history), market data and customer records.
// The pipeline of stages lives in pipeline_store.h; files in document_store.h.
//
// Rules:
//   * A product belongs to one start-up; only its members (and administrators) write it
//     (PermissionDenied), and a product the caller may not see is NotFound.
//   * Exactly one composition: `compoundId` (a registered parent), `substanceId` (a
//     registered substance: an extract, an oil, a material...) or `formulation` (components
//     each a registered parent, a registered substance or a named ingredient, percentages in
//     (0, 100] summing to 100 within kPercentTolerance). Every registered compound and
//     substance must be visible to the caller and to the owning start-up, and not retired.
//     (Stored: a product of one substance is a 'formulation' row with substance_id and no
//     components — migration 0052 — and reads as composition "substance".)
//   * The routes that make it (`routeIds`, db/route_store.h): each visible to the caller and
//     to the owning start-up, not retired, and making a registered compound of the product
//     (its compound or a formulation component). A composition change that leaves a linked
//     route making nothing of the product is refused unless route_ids is sent with it.
//   * New products start with visibility 'start-up', TRL 1 unless given, and the default
//     stages (pipeline_store.h defaultStages()).
//   * Every write runs in the caller's transaction and appends its audit entry there.
//
// All functions take a Connection; writers must be called inside Database::write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

// A field of a partial update: absent (leave as is), null (clear) or a value.
template <typename T>
using Update = std::optional<std::optional<T>>;

constexpr double kPercentTolerance = 0.01;
constexpr std::int64_t kMinTrl = 1;
constexpr std::int64_t kMaxTrl = 9;
constexpr std::size_t kMaxProductRoutes = 20;

struct FormulationComponent {
  std::optional<std::int64_t> compoundId;   // a registered parent, or
  std::optional<std::int64_t> substanceId;  // a registered substance (SUB-...), or none for
  std::string name;                         // a named non-registered ingredient
  std::string function;                    // its role, free text ("surfactant", "carrier")
  double percentage = 0;                   // mass percent, (0, 100]
};

struct MarketData {
  std::optional<std::string> unit;  // the unit sold: "kg", "L", "drum of 200 L"
  std::optional<double> priceMin;   // per unit
  std::optional<double> priceMax;
  std::optional<std::string> currency;      // ISO 4217 ("MAD", "EUR"); required with a price
  std::optional<double> capacity;           // production capacity
  std::optional<std::string> capacityUnit;  // "t/year"
};

struct ProductInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::int64_t> compoundId;                        // switches to one compound
  std::optional<std::int64_t> substanceId;                       // switches to one substance
  std::optional<std::vector<FormulationComponent>> formulation;  // switches to a formulation
  std::optional<std::vector<std::string>> targetSectors;
  std::optional<std::vector<std::string>> intendedUses;
  std::optional<std::string> catalogueName;
  std::optional<std::string> catalogueSummary;
  std::optional<std::int64_t> trl;
  std::string trlNote;                                // recorded with a TRL change
  std::optional<MarketData> market;                   // replaces every market field
  std::optional<std::vector<std::int64_t>> routeIds;  // replaces the linked routes, in order
  std::optional<std::string> visibility;
  std::optional<std::string> visibilityReason;  // kept in the "publish" audit entry
};

struct Product {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  std::string visibility;
  std::string name;
  std::string description;
  std::string composition;  // "compound" | "substance" | "formulation"
  std::optional<std::int64_t> compoundId;
  std::optional<std::int64_t> substanceId;
  std::vector<FormulationComponent> components;
  std::vector<std::int64_t> routeIds;  // linked routes in order (any visibility: filter on show)
  std::vector<std::string> targetSectors;
  std::vector<std::string> intendedUses;
  std::string catalogueName;
  std::string catalogueSummary;
  std::int64_t trl = 1;
  MarketData market;
  std::optional<std::string> currentStage;  // key of the first stage not done (or the last)
  bool pipelineComplete = false;            // every stage done
  std::optional<std::string> lastDecision;  // the latest gate decision by decided_on, any stage
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> retiredAt;
  std::optional<std::string> retiredReason;

  std::string code() const;  // "PRD-000001"
  // "stopped" after a stop decision, "on_hold" after hold, "retired", else "active".
  std::string gateStatus() const;
};

// Creates a product of `startUpId` with its default stages and TRL history entry. Throws
// InvalidArgument (naming the field), NotFound (start-up), PermissionDenied, AlreadyExists
// (a live product of the start-up has this name), FailedPrecondition (retired compound).
Product createProduct(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t startUpId, const ProductInput& input);

// Applies the fields that are set (a TRL change is added to the history). A visibility change
// goes through db::changeVisibility (lifecycle.h: the publishing rule, audited as its own
// "publish" entry). Same errors as create, plus NotFound for a product the actor may not
// see and FailedPrecondition for a retired product.
Product updateProduct(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t productId, const ProductInput& input);

// Retires (never deletes) a product through db::retireRecord. NotFound / PermissionDenied /
// FailedPrecondition (already retired) / InvalidArgument (no reason).
Product retireProduct(Connection& c, const Clock& clock, const Principal& actor,
                      std::int64_t productId, const std::string& reason);

// The product if it exists and `viewer` may see it (nullopt otherwise, never a hint).
std::optional<Product> findProduct(Connection& c, const Principal& viewer, std::int64_t productId);

// Loads a product `actor` may see and write: NotFound, PermissionDenied, or
// FailedPrecondition when it is retired. For the pipeline, document and customer stores.
Product requireWritableProduct(Connection& c, const Principal& actor, std::int64_t productId);

struct ProductFilter {
  std::optional<std::int64_t> startUpId;
  std::optional<std::string> stage;        // current stage key
  std::optional<std::int64_t> compoundId;  // made of it (alone or as a component)
  std::optional<std::int64_t> substanceId;  // made of it (alone or as a component)
  std::optional<std::int64_t> routeId;     // made by this linked route
  std::optional<std::string> visibility;
  std::optional<std::string> text;  // in name, catalogue name or description
  bool includeRetired = false;
};

struct ProductPage {
  std::vector<Product> items;
  std::int64_t total = 0;
};

// Visible products matching the filter, newest first. page from 0, pageSize 1..500.
// A compoundId or routeId the viewer may not see matches nothing (as a missing one).
ProductPage listProducts(Connection& c, const Principal& viewer, const ProductFilter& filter,
                         std::int64_t page, std::int64_t pageSize);

// Ids of the registered compounds (alone or as formulation components) of live products
// visible to `viewer` whose current stage is `stageKey`, ascending. For structure search.
std::vector<std::int64_t> compoundIdsAtStage(Connection& c, const Principal& viewer,
                                             const std::string& stageKey);

struct TrlLevel {
  std::int64_t level = 0;
  std::string title;
  std::string source;
  std::string sourceUrl;
};
// The EU Horizon 2020 definitions shipped with the schema, level 1 to 9.
std::vector<TrlLevel> trlLevels(Connection& c);
// The title of one level ("" for a level not in the table).
std::string trlTitle(Connection& c, std::int64_t level);

struct TrlChange {
  std::int64_t id = 0;
  std::int64_t trl = 0;
  std::optional<std::int64_t> previous;
  std::string note;
  std::string changedAt;
  std::optional<std::int64_t> changedBy;
  std::string actorLabel;
};
// Oldest first. The caller has already checked that the product is visible.
std::vector<TrlChange> trlHistory(Connection& c, std::int64_t productId);

// Customers, partners, distributors, prospects: free records about a product's market.
struct Customer {
  std::int64_t id = 0;
  std::int64_t productId = 0;
  std::string name;
  std::string relation;  // customer | partner | distributor | prospect | other
  std::string contact;
  std::optional<std::string> since;  // YYYY-MM-DD
  std::string notes;
  std::string createdAt;
  std::string updatedAt;
};

struct CustomerInput {
  std::optional<std::string> name;
  std::optional<std::string> relation;
  std::optional<std::string> contact;
  Update<std::string> since;
  std::optional<std::string> notes;
};

std::vector<Customer> listCustomers(Connection& c, std::int64_t productId);
Customer addCustomer(Connection& c, const Clock& clock, const Principal& actor,
                     std::int64_t productId, const CustomerInput& input);
Customer updateCustomer(Connection& c, const Clock& clock, const Principal& actor,
                        std::int64_t productId, std::int64_t customerId,
                        const CustomerInput& input);
// Removes a customer record (audited with its last content). NotFound if absent.
void removeCustomer(Connection& c, const Clock& clock, const Principal& actor,
                    std::int64_t productId, std::int64_t customerId);

// The product row with its components and stages as one JSON object, for audit snapshots.
std::optional<std::string> snapshotProduct(Connection& c, std::int64_t productId);

// Every (record type, record id) the audit trail holds about a product: the product, its
// stages, decisions and customer records ("PRD-000001/..."), and its documents.
std::vector<std::pair<std::string, std::string>> productAuditRecords(Connection& c,
                                                                     std::int64_t productId);

}  // namespace argan::db
