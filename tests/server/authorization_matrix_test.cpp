// The authorization matrix: every route of buildApiRouter() x every role x own / other
// start-up's / public record, over real HTTP.
//
// The test walks the route table, so a route without a row here FAILS, naming the route
// (and a row for a route that no longer exists fails too). To cover a new route:
//
//  1. Add a row to kMatrix below:
//       {"PATCH /api/routes/{id}", "route", R"({"visibility": "cluster"})",
//        //  anon  partner memberA leadA memberB admin
//        {401, 403, OK, OK, 404, OK},    // A:      a private record of start-up A
//        {{401, 403, 404, 404, OK, OK}},  // B:      a private record of start-up B
//        {{401, 403, 403, 403, 403, OK}}},  // public: a public record of start-up B
//     The key is "METHOD pattern" exactly as registered. The roles, in this order, are:
//     anonymous; a partner; a member and the lead of start-up A (the owning start-up of
//     the "A" record); a member of start-up B (another start-up); an administrator. They
//     call with API tokens (sessions and CSRF are tested in api_session_test.cpp).
//     OK stands for any 2xx; other numbers are exact statuses.
//  2. A route without a path parameter has only the first list (leave the others out).
//     A route with one names a subject kind (the second field); the first list is then
//     for start-up A's private record, the optional second for start-up B's private
//     record, the optional third for a public record of start-up B. Give every list that
//     makes sense for the kind ("start-up" has no public variant: all start-ups are).
//  3. If the kind is new, register a factory in Fixture::subjects(): it creates a FRESH
//     record for each call (so a write in one cell never changes what the next cell sees)
//     and returns the values for the path parameters ({"id": "CMP-000012"}); they are
//     also substituted into the body. Bodies may use {A} and {B} (the start-ups' ids),
//     {compoundA} (a compound of start-up A) and {n} (a number unique to the call).
//
// Object-level rule checked throughout: a record the caller may not see answers 404, the
// same as a record that does not exist.
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "db/document_store.h"
#include "db/inquiry_store.h"
#include "db/import_store.h"
#include "db/lifecycle.h"
#include "db/need_project_store.h"
#include "db/need_response_store.h"
#include "db/need_store.h"
#include "db/notification_store.h"
#include "db/product_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/substance_store.h"
#include "db/waste_flow_store.h"
#include "db/waste_store.h"
#include "server/registry/registration.h"
#include "server/registry/synthesis_routes.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

constexpr int OK = 200;  // any 2xx
constexpr int kRoles = 6;
const char* const kRoleNames[kRoles] = {"anonymous", "partner",     "member of A",
                                        "lead of A", "member of B", "admin"};
enum RoleIndex { kAnonymous, kPartner, kMemberA, kLeadA, kMemberB, kAdmin };

using Statuses = std::array<int, kRoles>;
enum class Variant { A, B, Public };
const char* variantName(Variant v) {
  switch (v) {
    case Variant::A:
      return "start-up A's private record";
    case Variant::B:
      return "start-up B's private record";
    case Variant::Public:
      return "start-up B's public record";
  }
  return "";
}

struct MatrixRow {
  std::string route;    // "METHOD /api/pattern"
  std::string subject;  // the kind of record {id} names; "" when the path has no parameter
  std::string body;     // request body ("" for none)
  Statuses a;           // for start-up A's private record (or the only list)
  std::optional<Statuses> b = std::nullopt;
  std::optional<Statuses> pub = std::nullopt;
};

// clang-format off
const std::vector<MatrixRow> kMatrix = {
  //                                                                       anon partner mbrA leadA mbrB admin
  {"GET /api/health", "", "",                                             {OK,  OK,  OK,  OK,  OK,  OK}},

  // Start-ups: a public directory; administrators create; a lead edits the description.
  {"GET /api/start-ups", "", "",                                          {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/start-ups", "", R"({"name": "New {n}", "sector": "valorisation"})",
                                                                          {401, 403, 403, 403, 403, OK}},
  {"GET /api/start-ups/{id}", "start-up", "",                             {OK,  OK,  OK,  OK,  OK,  OK},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/start-ups/{id}", "start-up", R"({"description": "d {n}"})",
                                                                          {401, 403, 403, OK,  403, OK},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"GET /api/start-ups/{id}/history", "start-up", "",                     {OK,  OK,  OK,  OK,  OK,  OK},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},

  // The registry.
  {"POST /api/compounds", "", R"({"structure": "CCO", "start_up": {A}})", {401, 403, OK,  OK,  403, OK}},
  {"POST /api/compounds/preview", "", R"({"structure": "CCO", "start_up": {A}})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  {"GET /api/compounds", "", "",                                          {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/compounds/{id}", "compound", "",                             {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/compounds/{id}/depiction.svg", "compound", "",               {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/compounds/{id}/forms", "compound", "",                       {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/compounds/{id}/batches", "compound", "",                     {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/compounds/{id}/history", "compound", "",                     {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  // Members share with the cluster; only leads and admins touch public (B's public record:
  // A's people see it but may not change it; B's member may not withdraw it from public).
  {"PATCH /api/compounds/{id}", "compound", R"({"visibility": "cluster"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"POST /api/compounds/{id}/retire", "compound", R"({"reason": "duplicate of another entry"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  // Names: the owning start-up (and administrators) name a parent; others see it or not.
  {"POST /api/compounds/{id}/names", "compound", R"({"synonyms": ["name {n}"]})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  // Structure search: anyone; the visibility rule filters inside the scan (search_test.cpp).
  {"POST /api/search", "", R"({"type": "substructure", "query": "CCO"})",   {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/compounds/{id}/neighbours", "compound", "",                  {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  // The cross-start-up comparison: start-up people and administrators (compare_test.cpp
  // checks that unshared compounds of other start-ups never appear).
  {"GET /api/compare/start-ups", "", "",                                  {401, 403, OK,  OK,  OK,  OK}},
  {"GET /api/overlaps", "", "",                                           {401, 403, 403, 403, 403, OK}},
  {"GET /api/batches/{id}", "batch", "",                                  {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/batches/{id}/history", "batch", "",                          {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/batches/{id}", "batch", R"({"visibility": "cluster"})",    {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"POST /api/batches/{id}/retire", "batch", R"({"reason": "spilled"})",  {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},

  // Sessions. Sign-in ignores the caller's credentials (the body carries them); the others
  // work for token callers too (GET answers who they are; DELETE has no session to end).
  {"POST /api/session", "", R"({"email": "signin@cise.ma", "password": "matrix password"})",
                                                                          {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/session", "", "",                                            {401, OK,  OK,  OK,  OK,  OK}},
  {"DELETE /api/session", "", "",                                         {401, 400, 400, 400, 400, 400}},
  {"POST /api/session/password", "",
   R"({"current_password": "matrix password", "new_password": "matrix password {n}"})",
                                                                          {401, OK,  OK,  OK,  OK,  OK}},

  // Users: administrators manage everyone, a lead their own team; a user's own display name.
  {"GET /api/users", "", "",                                              {401, 403, 403, OK,  403, OK}},
  {"POST /api/users", "", R"({"email": "new{n}@zitoun.ma", "role": "member", "start_up": {A}})",
                                                                          {401, 403, 403, OK,  403, OK}},
  {"PATCH /api/users/{id}", "user", R"({"display_name": "Name {n}"})",    {401, 404, 404, OK,  404, OK},
                                                                         {{401, 404, 404, 404, 404, OK}}},

  // API tokens: one's own; administrators anyone's. "A" = a token of the caller,
  // "B" = a token of somebody else (a member of start-up B).
  {"GET /api/tokens", "", "",                                             {401, OK,  OK,  OK,  OK,  OK}},
  {"POST /api/tokens", "", R"({"label": "script {n}"})",                  {401, OK,  OK,  OK,  OK,  OK}},
  {"DELETE /api/tokens/{id}", "token", "",                                {401, OK,  OK,  OK,  OK,  OK},
                                                                         {{401, 404, 404, 404, 404, OK}}},

  // Synthesis routes (route records: a draft with one step, 1; its target compound is shared
  // with the cluster, or public for the public route). The calculator needs a signed-in user.
  {"POST /api/reactions/metrics", "", R"({"reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})",
                                                                          {401, OK,  OK,  OK,  OK,  OK}},
  {"GET /api/routes", "", "",                                             {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/solvents", "", "",                                           {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/routes", "", R"({"start_up": {A}, "target_compound": "{compoundA}", "name": "Route {n}"})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  // Without ids the comparison is a 400 for everyone; visibility is checked per id
  // (api_synthesis_test.cpp).
  {"GET /api/routes/compare", "", "",                                     {400, 400, 400, 400, 400, 400}},
  {"GET /api/routes/{id}", "route", "",                                   {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/routes/{id}", "route", R"({"visibility": "cluster"})",     {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"PUT /api/routes/{id}", "route", R"({"steps": [{"reaction_smiles": "CC=O.[H][H]>[Ni]>CCO"}]})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"POST /api/routes/{id}/retire", "route", R"({"reason": "superseded"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/routes/{id}/history", "route", "",                           {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/routes/{id}/versions", "route", "",                         {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/routes/{id}/metrics", "route", "",                           {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/routes/{id}/steps", "route", "",                             {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/routes/{id}/steps", "route", R"({"reaction_smiles": "C=CC=C.C=C>>C1=CCCCC1"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/routes/{id}/steps/{number}", "route", "",                    {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/routes/{id}/steps/{number}/depiction.svg", "route", "",        {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PUT /api/routes/{id}/steps/{number}", "route", R"({"reaction_smiles": "CC=O.[H][H]>[Ni]>CCO"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"POST /api/routes/{id}/steps/{number}/retire", "route", R"({"reason": "not needed"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/compounds/{id}/routes", "compound", "",                      {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  // Products. "A"/"B": a private product of start-up A/B; "public": B's product in the
  // catalogue, whose pipeline (stages, decisions, customers, TRL, timeline, history) stays
  // within the cluster. {key} is an untouched stage, {cid} a customer record.
  {"GET /api/products", "", "",                                           {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/products", "",
   R"({"name": "New {n}", "start_up": {A}, "formulation": [{"name": "water", "percentage": 100}]})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  {"GET /api/products/{id}", "product", "",                               {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/products/{id}", "product", R"({"trl": 3})",                {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"POST /api/products/{id}/retire", "product", R"({"reason": "discontinued"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/products/{id}/history", "product", "",                       {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"GET /api/catalogue", "", "",                                          {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/compounds/{id}/products", "compound", "",                    {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/routes/{id}/products", "route", "",                          {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/pipeline/defaults", "", "",                                  {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/trl", "", "",                                                {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/products/{id}/trl", "product", "",                           {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"GET /api/products/{id}/stages", "product", "",                        {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"POST /api/products/{id}/stages", "product", R"({"name": "Extra {n}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/products/{id}/stages/{key}", "product", "",                  {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"PATCH /api/products/{id}/stages/{key}", "product", R"({"owner": "Owner {n}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"DELETE /api/products/{id}/stages/{key}", "product", "",               {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"PUT /api/products/{id}/stage-order", "product",
   R"({"keys": ["proof_of_concept", "lab_discovery", "scale_up", "regulatory_safety", "market_launch", "commercial_sales"]})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/products/{id}/decisions", "product", "",                     {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"GET /api/products/{id}/stages/{key}/decisions", "product", "",        {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"POST /api/products/{id}/stages/{key}/decisions", "product",
   R"({"decision": "go", "rationale": "gate {n} passed"})",               {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  // Customers: the owning start-up and administrators only, even on a public product
  // (docs/threat-model.md, finding 8).
  {"GET /api/products/{id}/customers", "product", "",                     {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, 404, 404, OK,  OK}}},
  {"POST /api/products/{id}/customers", "product", R"({"name": "Customer {n}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"PATCH /api/products/{id}/customers/{cid}", "product", R"({"notes": "note {n}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"DELETE /api/products/{id}/customers/{cid}", "product", "",            {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/products/{id}/timeline", "product", "",                      {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},

  // Documents: a product's files follow the product; stage evidence stays within the cluster;
  // batch analyses follow the batch. "document" is a product document.
  {"POST /api/products/{id}/documents", "product", "evidence {n}",       {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/products/{id}/documents", "product", "",                     {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/products/{id}/stages/{key}/documents", "product", "evidence {n}",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/products/{id}/stages/{key}/documents", "product", "",        {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{404, 404, OK,  OK,  OK,  OK}}},
  {"POST /api/batches/{id}/documents", "batch", "analysis {n}",          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/batches/{id}/documents", "batch", "",                        {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/documents/{id}", "document", "",                             {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/documents/{id}/content", "document", "",                     {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  // A document's own visibility: the publishing rule of its owning start-up.
  {"PATCH /api/documents/{id}", "document", R"({"visibility": "cluster"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"POST /api/documents/{id}/retire", "document", R"({"reason": "superseded"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},

  // Inquiries: only partners ask, about products they can see. "inquiry" A: the matrix
  // partner's inquiry about start-up A's catalogue product; B: another partner's about B's.
  {"POST /api/products/{id}/inquiries", "product", R"({"subject": "s {n}", "message": "m"})",
                                                                          {401, 404, 403, 403, 403, 403},
                                                                         {{401, 404, 403, 403, 403, 403}},
                                                                         {{401, OK,  403, 403, 403, 403}}},
  {"GET /api/products/{id}/inquiries", "product", "",                     {401, 404, OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}},
                                                                         {{401, OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/inquiries", "", "",                                          {401, OK,  OK,  OK,  OK,  OK}},
  {"GET /api/inquiries/{id}", "inquiry", "",                              {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"POST /api/inquiries/{id}/messages", "inquiry", R"({"message": "m {n}"})",
                                                                          {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"POST /api/inquiries/{id}/read", "inquiry", "",                         {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"PATCH /api/inquiries/{id}", "inquiry", R"({"status": "closed"})",     {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},

  // Pipeline overviews.
  {"GET /api/overview/funnel", "", "",                                    {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/overview/start-ups/{id}", "start-up", "",                    {401, 403, OK,  OK,  OK,  OK},
                                                                         {{401, 403, OK,  OK,  OK,  OK}}},
  {"GET /api/overview/stages/{key}/compounds", "stage", "",               {OK,  OK,  OK,  OK,  OK,  OK}},

  {"GET /api/audit/verify", "", "",                                       {401, 403, 403, 403, 403, OK}},

  // Imports: members import into their own start-up (the body is the file; its format is read
  // from the content); an administrator must name the start-up (400 without it). An import
  // is seen by its start-up and the administrators only.
  {"POST /api/imports", "", "CCO ethanol {n}\n",                         {401, 403, OK,  OK,  OK,  400}},
  {"GET /api/imports", "", "",                                            {401, 403, OK,  OK,  OK,  OK}},
  {"GET /api/imports/{id}", "import", "",                                 {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"GET /api/imports/{id}/report.json", "import", "",                     {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"GET /api/imports/{id}/report.csv", "import", "",                      {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  // Export: anyone; the file holds what the caller may see.
  {"GET /api/export/compounds", "", "",                                   {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/export/routes", "", "",                                      {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/export/substances", "", "",                                  {OK,  OK,  OK,  OK,  OK,  OK}},

  // Substances (the compounds' rules). "substance": A's/B's private substance, B's public
  // one; "substance-batch": a private batch of a substance shared with the cluster (public
  // batch of a public substance for "public"). Leads and administrators extend the vocabulary.
  {"POST /api/substances", "",
   R"({"name": "Char {n}", "kind": "material", "start_up": {A}, "source": {"species": "Argania spinosa", "process": "p {n}"}})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  {"POST /api/substances/import", "", "substance,name,kind,source_process\nx,Char {n},material,pyrolysis {n}\n",
                                                                          {401, 403, OK,  OK,  OK,  400}},
  {"GET /api/substances", "", "",                                         {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/substances/{id}", "substance", "",                           {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PUT /api/substances/{id}", "substance",
   R"({"name": "Revised {n}", "kind": "material", "source": {"species": "Argania spinosa", "process": "r {n}"}})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"PATCH /api/substances/{id}", "substance", R"({"visibility": "cluster"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"POST /api/substances/{id}/retire", "substance", R"({"reason": "superseded"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/substances/{id}/history", "substance", "",                   {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/substances/{id}/batches", "substance", "",                   {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/substances/{id}/batches", "substance", R"({"amount": {n}, "unit": "kg"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/substances/{id}/products", "substance", "",                  {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/substance-batches/{id}", "substance-batch", "",              {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/substance-batches/{id}", "substance-batch", R"({"visibility": "cluster"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"POST /api/substance-batches/{id}/certificate", "substance-batch",
   R"({"certificate_number": "C{n}", "results": [{"name": "carbon", "value": 90}]})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"POST /api/substance-batches/{id}/retire", "substance-batch", R"({"reason": "spilled"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/substance-batches/{id}/history", "substance-batch", "",      {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/substance-batches/{id}/documents", "substance-batch", "certificate {n}",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/substance-batches/{id}/documents", "substance-batch", "",    {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/substance-properties", "", "",                               {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/substance-properties", "", R"({"key": "term_{n}", "name": "Term {n}", "unit": "%"})",
                                                                          {401, 403, 403, OK,  403, OK}},

  // The waste side. Streams are a public vocabulary kept by administrators. Sources, lots,
  // transformations belong to their start-up ("A"/"B"); a lot of B published ("public") is
  // read by everyone and written by B only. "transfer-out" is a transfer from the variant's
  // start-up to a third one, "transfer-in" one from a third start-up to it: the sender
  // cancels, the receiver accepts or refuses, and only the parties see it. {lotA} is a large
  // lot of start-up A; a lot's {batch} is a batch of the lot's holder, {to} a third start-up.
  {"GET /api/waste-streams", "", "",                                      {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/waste-streams", "", R"({"key": "stream_{n}", "name_fr": "Flux {n}", "name_en": "Stream {n}"})",
                                                                          {401, 403, 403, 403, 403, OK}},
  {"PATCH /api/waste-streams/{key}", "stream", R"({"hazards": "h {n}"})", {401, 403, 403, 403, 403, OK}},
  {"GET /api/waste/vocabulary", "", "",                                   {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/waste/emission-factors", "", "",                             {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/sources", "", "",                                            {401, 403, OK,  OK,  OK,  OK}},
  {"POST /api/sources", "", R"({"name": "Source {n}", "kind": "restaurant", "region": "souss_massa", "start_up": {A}})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  {"GET /api/sources/{id}", "source", "",                                 {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"PATCH /api/sources/{id}", "source", R"({"notes": "n {n}"})",          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"GET /api/lots", "", "",                                               {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/lots", "",
   R"({"stream": "used_cooking_oil", "start_up": {A}, "collected_on": "2026-01-02", "net_mass": {"amount": 5, "unit": "kg"}})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  {"GET /api/lots/stock", "", "",                                         {401, 403, OK,  OK,  OK,  OK}},
  // Imports into the caller's own start-up; administrators must name one (400).
  {"POST /api/lots/import", "", "collected_on,stream,net_mass\n2026-01-02,used_cooking_oil,{n}\n",
                                                                          {401, 403, OK,  OK,  OK,  400}},
  {"GET /api/lots/{id}", "lot", "",                                       {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/lots/{id}", "lot", R"({"notes": "n {n}"})",                {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"POST /api/lots/{id}/retire", "lot", R"({"reason": "weighed twice"})", {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/lots/{id}/history", "lot", "",                               {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/lots/{id}/documents", "lot", "photo {n}",                   {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/lots/{id}/documents", "lot", "",                             {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/lots/{id}/transfers", "lot", R"({"to_start_up": {to}, "amount": 1, "unit": "kg"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"POST /api/lots/{id}/uses", "lot", R"({"amount": 1, "unit": "kg", "batch": "{batch}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}},
                                                                         {{401, 403, 403, 403, OK,  OK}}},
  {"GET /api/lots/{id}/genealogy", "lot", "",                             {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/transformations", "", "",                                    {401, 403, OK,  OK,  OK,  OK}},
  {"POST /api/transformations", "",
   R"({"start_up": {A}, "kind": "drying", "performed_on": "2026-01-05", "inputs": [{"lot": "{lotA}", "amount": 1, "unit": "kg"}], "outputs": [{"amount": 0.5, "unit": "kg"}]})",
                                                                          {401, 403, OK,  OK,  403, OK}},
  {"GET /api/transformations/{id}", "transformation", "",                 {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"GET /api/transfers", "", "",                                          {401, 403, OK,  OK,  OK,  OK}},
  {"GET /api/transfers/{id}", "transfer-out", "",                         {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"POST /api/transfers/{id}/accept", "transfer-in", "",                  {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"POST /api/transfers/{id}/refuse", "transfer-in", "",                  {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"POST /api/transfers/{id}/cancel", "transfer-out", "",                 {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"GET /api/batches/{id}/genealogy", "batch", "",                        {404, 404, OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"GET /api/circularity", "", "",                                        {401, 403, OK,  OK,  OK,  OK}},
  // The needs board (issue 17). "need": A = shown to start-up A only, posted by the matrix
  // partner; B = shown to start-up B only, posted by another partner; public = a public need
  // of another partner. "response"/"response-document": A = start-up A's answer to the
  // partner's need sharing a compound (a document); B = start-up B's answer to another
  // partner's need. "project": A/B the same owners, disclosed at stage level, one link.
  {"GET /api/needs", "", "",                                              {OK,  OK,  OK,  OK,  OK,  OK}},
  {"POST /api/needs", "", R"({"title": "Need {n}", "statement": "s", "partner": "partner@industry.ma"})",
                                                                          {401, OK,  403, 403, 403, OK}},
  {"GET /api/needs/vocabulary", "", "",                                   {OK,  OK,  OK,  OK,  OK,  OK}},
  {"GET /api/needs/{id}", "need", "",                                     {404, OK,  OK,  OK,  404, OK},
                                                                         {{404, 404, 404, 404, OK,  OK}},
                                                                         {{OK,  OK,  OK,  OK,  OK,  OK}}},
  {"PATCH /api/needs/{id}", "need", R"({"title": "Renamed {n}"})",        {401, OK,  403, 403, 404, OK},
                                                                         {{401, 404, 404, 404, 403, OK}},
                                                                         {{401, 403, 403, 403, 403, OK}}},
  {"GET /api/needs/{id}/matches", "need", "",                             {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}},
                                                                         {{401, 403, OK,  OK,  OK,  OK}}},
  {"GET /api/needs/{id}/responses", "need", "",                           {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}},
                                                                         {{401, OK,  OK,  OK,  OK,  OK}}},
  // Administrators answer for a start-up they name (start_up): without it, 400.
  {"POST /api/needs/{id}/responses", "need", R"({"summary": "Answer {n}"})",
                                                                          {401, 403, OK,  OK,  404, 400},
                                                                         {{401, 403, 404, 404, OK,  400}},
                                                                         {{401, 403, OK,  OK,  OK,  400}}},
  {"GET /api/needs/{id}/projects", "need", "",                            {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}},
                                                                         {{401, OK,  OK,  OK,  OK,  OK}}},
  {"POST /api/needs/{id}/projects", "need", R"({"title": "Project {n}"})",
                                                                          {401, 403, OK,  OK,  404, 400},
                                                                         {{401, 403, 404, 404, OK,  400}},
                                                                         {{401, 403, OK,  OK,  OK,  400}}},
  {"GET /api/overview/needs", "", "",                                     {401, 403, 403, 403, 403, OK}},
  {"GET /api/responses", "", "",                                          {401, OK,  OK,  OK,  OK,  OK}},
  {"GET /api/responses/{id}", "response", "",                             {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"PATCH /api/responses/{id}", "response", R"({"status": "shortlisted"})",
                                                                          {401, OK,  403, 403, 404, OK},
                                                                         {{401, 404, 404, 404, 403, OK}}},
  {"POST /api/responses/{id}/messages", "response", R"({"message": "Question {n}"})",
                                                                          {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  // {compoundA} belongs to start-up A: B's people cannot share it, nor can anyone in B's name.
  {"POST /api/responses/{id}/shares", "response", R"({"type": "compound", "id": "{compoundA}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, 404, 404}}},
  {"POST /api/responses/{id}/shares/{share}/revoke", "response", "",      {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"GET /api/responses/{id}/shares/{share}", "response", "",              {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"GET /api/responses/{id}/shares/{share}/content", "response-document", "",
                                                                          {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"GET /api/responses/{id}/shares/{share}/depiction.svg", "response", "",
                                                                          {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"GET /api/projects", "", "",                                           {401, OK,  OK,  OK,  OK,  OK}},
  {"GET /api/projects/{id}", "project", "",                               {401, OK,  OK,  OK,  404, OK},
                                                                         {{401, 404, 404, 404, OK,  OK}}},
  {"PATCH /api/projects/{id}", "project", R"({"trl": 4})",                {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  {"POST /api/projects/{id}/links", "project", R"({"type": "compound", "id": "{compoundA}"})",
                                                                          {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, 404, 404}}},
  {"DELETE /api/projects/{id}/links/{link}", "project", "",               {401, 403, OK,  OK,  404, OK},
                                                                         {{401, 403, 404, 404, OK,  OK}}},
  // The inbox: numbers count per user. A = one of the caller's; B = a number nobody has.
  {"GET /api/notifications", "", "",                                      {401, OK,  OK,  OK,  OK,  OK}},
  {"GET /api/notifications/unread", "", "",                               {401, OK,  OK,  OK,  OK,  OK}},
  {"POST /api/notifications/read-all", "", "",                            {401, OK,  OK,  OK,  OK,  OK}},
  {"PATCH /api/notifications/{number}", "notification", R"({"read": true})",
                                                                          {401, OK,  OK,  OK,  OK,  OK},
                                                                         {{401, 404, 404, 404, 404, 404}}},
};
// clang-format on

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

bool matches(int expected, int actual);

struct Fixture {
  using Params = std::map<std::string, std::string>;
  // Creates a fresh record of the kind for `variant`, as seen by `role`; returns the path
  // parameters that name it.
  using SubjectFactory = std::function<Params(Fixture&, Variant, RoleIndex)>;

  TestServer server;
  std::int64_t startUpA = server.createStartUp("Zitoun");
  std::int64_t startUpB = server.createStartUp("Glycera");
  std::int64_t startUpC = server.createStartUp("Recycl'Oil");  // a third party to transfers
  std::array<std::string, kRoles> tokens;
  std::array<std::int64_t, kRoles> userIds{};
  db::CompoundIdentity baseIdentity;
  int counter = 0;

  Fixture() {
    const std::string password = "matrix password";
    const std::pair<const char*, std::pair<db::Role, std::optional<std::int64_t>>> people[] = {
        {"", {db::Role::Anonymous, std::nullopt}},
        {"partner@industry.ma", {db::Role::Partner, std::nullopt}},
        {"member@zitoun.ma", {db::Role::Member, startUpA}},
        {"lead@zitoun.ma", {db::Role::Lead, startUpA}},
        {"member@glycera.ma", {db::Role::Member, startUpB}},
        {"admin@cise.ma", {db::Role::Admin, std::nullopt}},
    };
    for (int r = 1; r < kRoles; ++r) {
      userIds[r] = server.createUser(people[r].first, people[r].second.first,
                                     people[r].second.second, password);
      tokens[r] = tokenFor(userIds[r]);
    }
    server.createUser("signin@cise.ma", db::Role::Partner, std::nullopt, password);
    baseIdentity = server::toCompoundIdentity(server.services().chem.analyse("CCO", "smiles"));
  }

  std::string tokenFor(std::int64_t userId) {
    std::string token = server::newApiToken();
    server.database().write([&](db::Connection& c) {
      db::createApiToken(c, server.services().clock, db::Principal::system("matrix"), userId,
                         server::tokenDigest(token), "matrix");
    });
    return token;
  }

  std::int64_t ownerOf(Variant v) const { return v == Variant::A ? startUpA : startUpB; }

  // A new parent (real structure, unique full hash) with batch B001, owned and shared per
  // the variant (`shareCompound`: the parent of a private batch is shared with the cluster).
  db::Registration registerFresh(Variant v, bool shareCompound = false) {
    db::CompoundIdentity identity = baseIdentity;
    identity.fullHash = "matrix-" + std::to_string(++counter);
    db::FormIdentity form;
    form.key = "1|";
    form.label = "free form";
    db::BatchInput batch;
    batch.submittedStructure = "CCO";
    batch.submittedFormat = "smiles";
    return server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("matrix");
      auto r = db::registerCompound(c, clock, system, ownerOf(v), identity, form, batch);
      if (shareCompound && v != Variant::Public) {
        db::changeVisibility(
            c, clock, system,
            {{"compounds", "compound", r.compound.code(), r.compound.id, ownerOf(v)},
             db::Visibility::Cluster});
      }
      if (v == Variant::Public) {
        db::changeVisibility(
            c, clock, system,
            {{"compounds", "compound", r.compound.code(), r.compound.id, ownerOf(v)},
             db::Visibility::Public});
        db::changeVisibility(
            c, clock, system,
            {{"batches", "batch", r.batch.code(), r.batch.id, ownerOf(v)}, db::Visibility::Public});
      }
      return r;
    });
  }

  // A draft route of the variant's start-up with one step (acetaldehyde -> ethanol, the
  // target), its target shared with the cluster (public for the public variant).
  std::int64_t createRoute(Variant v) {
    db::Registration target = registerFresh(v, /*shareCompound=*/true);
    server::RouteCreation creation;
    creation.startUpId = ownerOf(v);
    creation.targetCompound = target.compound.code();
    creation.name = "Route " + std::to_string(++counter);
    server::StepDraft step;
    step.reaction.reactionSmiles = "CC=O.[H][H]>[Ni]>CCO";
    creation.steps.push_back(step);
    db::Principal system = db::Principal::system("matrix");
    db::Route route = server::createRoute(server.services(), system, creation);
    if (v == Variant::Public) {
      server.database().write([&](db::Connection& c) {
        db::changeVisibility(c, server.services().clock, system,
                             {{"routes", "route", std::to_string(route.id), route.id, ownerOf(v)},
                              db::Visibility::Public});
      });
    }
    return route.id;
  }

  // A new material substance of the variant's start-up: `shared` for A and B, public for the
  // public variant. Returns its id.
  using Visibility = db::Visibility;
  std::int64_t freshSubstance(Variant v, Visibility shared) {
    return server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("matrix");
      db::SubstanceSpec spec;
      spec.kind = "material";
      spec.name = "Matrix char " + std::to_string(++counter);
      spec.source.species = "Argania spinosa";
      spec.source.process = "pyrolysis " + std::to_string(counter);
      db::Substance s = db::createSubstance(c, clock, system, ownerOf(v), spec, "key");
      Visibility to = v == Variant::Public ? Visibility::Public : shared;
      if (to != Visibility::StartUp) {
        db::changeVisibility(c, clock, system,
                             {{"substances", "substance", s.code(), s.id, ownerOf(v)}, to});
      }
      return s.id;
    });
  }

  // A compound of start-up A for bodies that name one ({compoundA}), registered once.
  std::string compoundA;
  // A lot of start-up A large enough for every cell that takes from it ({lotA}).
  std::string lotA;

  // A fresh collection lot of `startUp`, published when asked.
  db::Lot freshLot(std::int64_t startUp, double kg, bool publish = false) {
    return server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("matrix");
      db::NewLot in;
      in.startUpId = startUp;
      in.streamId = db::findWasteStreamByKey(c, "used_cooking_oil")->id;
      in.collectedOn = "2026-01-01";
      in.netMassMg = static_cast<std::int64_t>(kg * 1e6);
      in.netAmount = kg;
      in.netUnit = "kg";
      db::Lot lot = db::insertLot(c, clock, system, in);
      if (publish) {
        db::changeVisibility(c, clock, system,
                             {{"lots", "lot", lot.code(), lot.id, startUp}, db::Visibility::Public});
      }
      return lot;
    });
  }

  // A pending transfer of 1 kg between two start-ups.
  std::string freshTransfer(std::int64_t from, std::int64_t to) {
    db::Lot lot = freshLot(from, 10);
    return server.database().write([&](db::Connection& c) {
      db::NewTransfer t;
      t.lotId = lot.id;
      t.fromStartUpId = from;
      t.toStartUpId = to;
      t.massMg = 1000000;
      t.amount = 1;
      t.unit = "kg";
      return db::insertTransfer(c, server.services().clock, db::Principal::system("matrix"), t)
          .code();
    });
  }

  // A new product of the variant's start-up (B's for "public", which is then published),
  // made of a fresh compound, with one customer record: params id, key (an untouched
  // stage) and cid. `owner` overrides the start-up.
  Params freshProduct(Variant v, std::optional<std::int64_t> owner = std::nullopt) {
    std::int64_t startUp = owner ? *owner : ownerOf(v);
    db::Registration reg = registerFresh(startUp == startUpA ? Variant::A : Variant::B);
    return server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("matrix");
      db::ProductInput in;
      in.name = "Product " + std::to_string(++counter);
      in.compoundId = reg.compound.id;
      db::Product product = db::createProduct(c, clock, system, startUp, in);
      db::CustomerInput customer;
      customer.name = "Customer " + std::to_string(counter);
      db::Customer record = db::addCustomer(c, clock, system, product.id, customer);
      if (v == Variant::Public) {
        db::ProductInput publish;
        publish.visibility = "public";
        db::updateProduct(c, clock, system, product.id, publish);
      }
      return Params{{"id", product.code()}, {"key", "scale_up"}, {"cid", std::to_string(record.id)}};
    });
  }

  // A need shown to the variant's start-up only (named), posted by the matrix partner for A
  // and by another partner for B; a public need of another partner for "public".
  std::int64_t freshNeed(Variant v) {
    db::Principal poster;
    poster.role = db::Role::Partner;
    poster.userId = v == Variant::A ? userIds[kPartner]
                                    : server.createUser("poster" + std::to_string(++counter) +
                                                            "@industry.ma",
                                                        db::Role::Partner, std::nullopt,
                                                        "matrix password");
    return server.database().write([&](db::Connection& c) {
      db::NeedInput in;
      in.title = "Need " + std::to_string(++counter);
      in.statement = "A statement";
      in.visibility = v == Variant::Public ? "public" : "named";
      if (v != Variant::Public) in.audience = std::vector<std::int64_t>{ownerOf(v)};
      return db::createNeed(c, server.services().clock, poster, in).id;
    });
  }

  // The variant's start-up answers a fresh need of its variant, sharing a fresh compound (or a
  // document of a fresh product): params id and share.
  Params freshResponse(Variant v, bool document) {
    std::int64_t need = freshNeed(v);
    std::string kind = document ? "document" : "compound";
    std::int64_t record = 0;
    if (document) {
      Params product = freshProduct(v);
      record = server.database().write([&](db::Connection& c) {
        db::NewDocument doc;
        doc.filename = "proposal.pdf";
        doc.bytes = "%PDF proposal " + std::to_string(++counter);
        return db::attachDocument(c, server.services().clock, db::Principal::system("matrix"),
                                  {db::DocumentOwnerType::Product,
                                   *db::parsePrefixedCode("PRD", product["id"])},
                                  doc)
            .id;
      });
    } else {
      record = registerFresh(v).compound.id;
    }
    return server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("matrix");
      auto r = db::createResponse(c, clock, system, need, ownerOf(v), "Answer");
      auto share = db::addShare(c, clock, system, r.id, kind, record, "");
      return Params{{"id", r.code()}, {"share", std::to_string(share.id)}};
    });
  }

  // The variant's start-up's project on a fresh need of its variant, disclosed at stage level,
  // linking a fresh compound: params id and link.
  Params freshProject(Variant v) {
    std::int64_t need = freshNeed(v);
    std::int64_t compound = registerFresh(v).compound.id;
    return server.database().write([&](db::Connection& c) {
      const Clock& clock = server.services().clock;
      db::Principal system = db::Principal::system("matrix");
      db::ProjectInput in;
      in.title = "Project " + std::to_string(++counter);
      in.disclosure = "stage";
      auto p = db::createProject(c, clock, system, need, ownerOf(v), in);
      auto link = db::linkProjectRecord(c, clock, system, p.id, "compound", compound);
      return Params{{"id", p.code()}, {"link", std::to_string(link.id)}};
    });
  }

  static const std::map<std::string, SubjectFactory>& subjects() {
    static const std::map<std::string, SubjectFactory> factories = {
        {"compound",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", f.registerFresh(v).compound.code()}};
         }},
        {"batch",  // A and B: the compound is shared with the cluster, the batch is not
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", f.registerFresh(v, /*shareCompound=*/true).batch.code()}};
         }},
        {"route",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", std::to_string(f.createRoute(v))}, {"number", "1"}};
         }},
        {"product",
         [](Fixture& f, Variant v, RoleIndex) { return f.freshProduct(v); }},
        {"document",
         [](Fixture& f, Variant v, RoleIndex) {
           Params product = f.freshProduct(v);
           return f.server.database().write([&](db::Connection& c) {
             db::NewDocument doc;
             doc.filename = "datasheet.pdf";
             doc.bytes = "%PDF datasheet " + std::to_string(++f.counter);
             auto id = db::parsePrefixedCode("PRD", product["id"]);
             auto d = db::attachDocument(c, f.server.services().clock,
                                         db::Principal::system("matrix"),
                                         {db::DocumentOwnerType::Product, *id}, doc);
             if (v == Variant::Public) {  // documents are published on their own
               db::changeDocumentVisibility(c, f.server.services().clock,
                                            db::Principal::system("matrix"), d.id,
                                            db::Visibility::Public, std::nullopt);
             }
             return Params{{"id", d.code()}};
           });
         }},
        {"inquiry",
         [](Fixture& f, Variant v, RoleIndex) {
           Params product = f.freshProduct(Variant::Public, f.ownerOf(v));
           db::Principal partner;
           partner.role = db::Role::Partner;
           partner.userId = v == Variant::A
                                ? f.userIds[kPartner]
                                : f.server.createUser("asker" + std::to_string(++f.counter) +
                                                          "@industry.ma",
                                                      db::Role::Partner, std::nullopt,
                                                      "matrix password");
           return f.server.database().write([&](db::Connection& c) {
             auto q = db::createInquiry(c, f.server.services().clock, partner,
                                        *db::parsePrefixedCode("PRD", product["id"]),
                                        "Matrix inquiry", "Price?");
             return Params{{"id", q.code()}};
           });
         }},
        {"stage",
         [](Fixture&, Variant, RoleIndex) { return Params{{"key", "lab_discovery"}}; }},
        {"substance",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", db::substanceCode(f.freshSubstance(v, Visibility::StartUp))}};
         }},
        {"substance-batch",  // A and B: the substance is shared with the cluster, the batch is not
         [](Fixture& f, Variant v, RoleIndex) {
           std::int64_t id = f.freshSubstance(v, Visibility::Cluster);
           return f.server.database().write([&](db::Connection& c) {
             const Clock& clock = f.server.services().clock;
             db::Principal system = db::Principal::system("matrix");
             db::SubstanceBatch b = db::createSubstanceBatch(c, clock, system, id, {});
             if (v == Variant::Public) {
               db::changeVisibility(c, clock, system,
                                    {{"substance_batches", "substance_batch", b.code(), b.id,
                                      f.ownerOf(v)},
                                     db::Visibility::Public});
             }
             return Params{{"id", b.code()}};
           });
         }},
        {"stream",
         [](Fixture& f, Variant, RoleIndex) {
           std::string key = "matrix_stream_" + std::to_string(++f.counter);
           f.server.database().write([&](db::Connection& c) {
             db::WasteStreamInput in;
             in.key = key;
             in.nameFr = "Flux " + key;
             in.nameEn = "Stream " + key;
             db::createWasteStream(c, f.server.services().clock, db::Principal::system("matrix"),
                                   in);
           });
           return Params{{"key", key}};
         }},
        {"source",
         [](Fixture& f, Variant v, RoleIndex) {
           return f.server.database().write([&](db::Connection& c) {
             db::SourceInput in;
             in.name = "Source " + std::to_string(++f.counter);
             in.kind = "olive_mill";
             in.region = "fes_meknes";
             auto s = db::createSource(c, f.server.services().clock,
                                       db::Principal::system("matrix"), f.ownerOf(v), in);
             return Params{{"id", s.code()}};
           });
         }},
        {"lot",  // with a batch of the lot's holder ({batch}) and a third start-up ({to})
         [](Fixture& f, Variant v, RoleIndex) {
           db::Lot lot = f.freshLot(f.ownerOf(v), 100, v == Variant::Public);
           std::string batch =
               f.registerFresh(v == Variant::A ? Variant::A : Variant::B, true).batch.code();
           return Params{{"id", lot.code()}, {"batch", batch}, {"to", std::to_string(f.startUpC)}};
         }},
        {"transformation",
         [](Fixture& f, Variant v, RoleIndex) {
           db::Lot lot = f.freshLot(f.ownerOf(v), 10);
           return f.server.database().write([&](db::Connection& c) {
             const Clock& clock = f.server.services().clock;
             db::Principal system = db::Principal::system("matrix");
             db::NewTransformation t;
             t.startUpId = f.ownerOf(v);
             t.kind = "filtration";
             t.performedOn = "2026-01-02";
             t.inputs.push_back({lot.id, 5000000, 5, "kg"});
             std::int64_t id = db::insertTransformation(c, clock, system, t);
             db::NewLot out;
             out.startUpId = f.ownerOf(v);
             out.streamId = lot.streamId;
             out.origin = "transformation";
             out.transformationId = id;
             out.collectedOn = "2026-01-02";
             out.netMassMg = 4000000;
             out.netAmount = 4;
             db::insertLot(c, clock, system, out);
             db::auditTransformation(c, clock, system, id);
             return Params{{"id", db::transformationCode(id)}};
           });
         }},
        {"transfer-out",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", f.freshTransfer(f.ownerOf(v), f.startUpC)}};
         }},
        {"transfer-in",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", f.freshTransfer(f.startUpC, f.ownerOf(v))}};
         }},
        {"import",
         [](Fixture& f, Variant v, RoleIndex) {
           db::NewImport in;
           in.startUpId = f.ownerOf(v);
           in.fileName = "plate.sdf";
           in.fileSha256 = std::string(64, 'a');
           in.format = "sdf";
           auto job = f.server.database().write([&](db::Connection& c) {
             return db::createImport(c, f.server.services().clock,
                                     db::Principal::system("matrix"), in);
           });
           return Params{{"id", std::to_string(job.id)}};
         }},
        {"need",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", db::needCode(f.freshNeed(v))}};
         }},
        {"response",
         [](Fixture& f, Variant v, RoleIndex) { return f.freshResponse(v, /*document=*/false); }},
        {"response-document",
         [](Fixture& f, Variant v, RoleIndex) { return f.freshResponse(v, /*document=*/true); }},
        {"project", [](Fixture& f, Variant v, RoleIndex) { return f.freshProject(v); }},
        {"notification",
         [](Fixture& f, Variant v, RoleIndex role) {
           if (v != Variant::A) return Params{{"number", "999999"}};
           std::int64_t user = role == kAnonymous ? f.userIds[kMemberA] : f.userIds[role];
           return f.server.database().write([&](db::Connection& c) {
             db::NewNotification n;
             n.kind = "new_match";
             return Params{{"number", std::to_string(db::addNotification(
                                          c, f.server.services().clock, user, n))}};
           });
         }},
        {"start-up",
         [](Fixture& f, Variant v, RoleIndex) {
           return Params{{"id", std::to_string(f.ownerOf(v))}};
         }},
        {"user",
         [](Fixture& f, Variant v, RoleIndex) {
           std::int64_t id = f.server.createUser("user" + std::to_string(++f.counter) + "@team.ma",
                                                 db::Role::Member, f.ownerOf(v), "matrix password");
           return Params{{"id", std::to_string(id)}};
         }},
        {"token",
         [](Fixture& f, Variant v, RoleIndex role) {
           std::int64_t owner = 0;
           if (v == Variant::A) {
             owner = role == kAnonymous ? f.userIds[kMemberA] : f.userIds[role];
           } else {
             owner = f.server.createUser("owner" + std::to_string(++f.counter) + "@glycera.ma",
                                         db::Role::Member, f.startUpB, "matrix password");
           }
           f.tokenFor(owner);
           auto id = f.server.database().read(
               [](db::Connection& c) { return c.queryInt("SELECT MAX(id) FROM api_tokens"); });
           return Params{{"id", std::to_string(*id)}};
         }},
    };
    return factories;
  }

  // Runs one cell; returns the status.
  test::HttpResult run(const MatrixRow& row, Variant v, RoleIndex role) {
    const auto space = row.route.find(' ');
    const std::string method = row.route.substr(0, space);
    std::string path = row.route.substr(space + 1);
    std::string body = row.body;
    Params params;
    if (!row.subject.empty()) params = subjects().at(row.subject)(*this, v, role);
    if (compoundA.empty()) compoundA = registerFresh(Variant::A).compound.code();
    params["compoundA"] = compoundA;
    if (lotA.empty()) lotA = freshLot(startUpA, 1000000).code();
    params["lotA"] = lotA;
    params["A"] = std::to_string(startUpA);
    params["B"] = std::to_string(startUpB);
    params["n"] = std::to_string(++counter);
    for (const auto& [name, value] : params) {
      path = replaceAll(path, "{" + name + "}", value);
      body = replaceAll(body, "{" + name + "}", value);
    }
    auto result = server.call(method, path, body, tokens[role]);
    // A password change revokes every token of the user, the caller's own included
    // (docs/threat-model.md, "Credentials"): the next rows need a new one.
    if (row.route == "POST /api/session/password" && matches(OK, result.status)) {
      tokens[role] = tokenFor(userIds[role]);
    }
    return result;
  }
};

bool matches(int expected, int actual) {
  if (expected == OK) return actual >= 200 && actual < 300;
  return expected == actual;
}

std::string routeKey(const server::Endpoint& r) {
  return r.method + " " + r.pattern;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(authorization_matrix)

BOOST_AUTO_TEST_CASE(every_route_has_a_row_and_every_row_a_route) {
  server::Router router = server::buildApiRouter();
  std::map<std::string, const MatrixRow*> rows;
  for (const auto& row : kMatrix) {
    BOOST_TEST(rows.emplace(row.route, &row).second, "two matrix rows for " << row.route);
  }
  std::set<std::string> routes;
  for (const auto& route : router.endpoints()) {
    const std::string key = routeKey(route);
    routes.insert(key);
    auto it = rows.find(key);
    if (it == rows.end()) {
      BOOST_ERROR("route " << key << " (" << server::accessName(route.access)
                           << ") has no row in the authorization matrix: add one to kMatrix in "
                              "tests/server/authorization_matrix_test.cpp");
      continue;
    }
    const bool hasParameter = route.pattern.find('{') != std::string::npos;
    BOOST_TEST(hasParameter == !it->second->subject.empty(),
               key << ": a route with a path parameter names a subject kind, and only then");
    if (hasParameter) {
      BOOST_TEST(Fixture::subjects().count(it->second->subject) == 1u,
                 key << ": no subject factory for '" << it->second->subject << "'");
    } else {
      BOOST_TEST(!it->second->b.has_value(), key << ": B/public lists need a subject");
    }
  }
  for (const auto& row : kMatrix) {
    BOOST_TEST(routes.count(row.route) == 1u,
               "the matrix has a row for " << row.route << ", which is not a route");
  }
}

BOOST_AUTO_TEST_CASE(every_role_on_every_route) {
  Fixture f;
  server::Router router = server::buildApiRouter();
  std::map<std::string, const MatrixRow*> rows;
  for (const auto& row : kMatrix) rows[row.route] = &row;
  int cells = 0;
  for (const auto& route : router.endpoints()) {
    auto it = rows.find(routeKey(route));
    if (it == rows.end()) continue;  // reported by the test above
    const MatrixRow& row = *it->second;
    const std::pair<Variant, const std::optional<Statuses>> variants[] = {
        {Variant::A, row.a}, {Variant::B, row.b}, {Variant::Public, row.pub}};
    for (const auto& [variant, statuses] : variants) {
      if (!statuses) continue;
      for (int r = 0; r < kRoles; ++r) {
        auto result = f.run(row, variant, static_cast<RoleIndex>(r));
        ++cells;
        const int expected = (*statuses)[r];
        BOOST_TEST(
            matches(expected, result.status),
            row.route << " as " << kRoleNames[r]
                      << (row.subject.empty() ? "" : std::string(" on ") + variantName(variant))
                      << ": expected " << (expected == OK ? "2xx" : std::to_string(expected))
                      << ", got " << result.status << " " << result.body.substr(0, 200));
        // Every refusal is a JSON error body.
        if (result.status >= 400) {
          BOOST_TEST(result.body.find("\"error\"") != std::string::npos, row.route);
        }
      }
    }
  }
  BOOST_TEST_MESSAGE("authorization matrix: " << cells << " cells");
  BOOST_TEST(cells > 100);
}

// A hidden record answers exactly like a missing one: same status, same error code, and a
// message that only repeats the id the caller sent.
BOOST_AUTO_TEST_CASE(a_guessed_id_of_another_start_up_looks_missing) {
  Fixture f;
  std::string hidden = f.registerFresh(Variant::B).compound.code();
  std::string hiddenBatch = hidden + "-F1-B001";
  for (const std::string& suffix : {std::string(""), std::string("/history"), std::string("/forms"),
                                    std::string("/depiction.svg")}) {
    auto seen = f.server.call("GET", "/api/compounds/" + hidden + suffix, "", f.tokens[kMemberA]);
    auto missing =
        f.server.call("GET", "/api/compounds/CMP-999999" + suffix, "", f.tokens[kMemberA]);
    BOOST_TEST(seen.status == 404);
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(seen.errorCode() == missing.errorCode());
    BOOST_TEST(replaceAll(seen.errorMessage(), hidden, "X") ==
               replaceAll(missing.errorMessage(), "CMP-999999", "X"));
  }
  auto patchHidden = f.server.call("PATCH", "/api/batches/" + hiddenBatch,
                                   R"({"visibility": "public"})", f.tokens[kLeadA]);
  auto patchMissing = f.server.call("PATCH", "/api/batches/CMP-999999-F1-B001",
                                    R"({"visibility": "public"})", f.tokens[kLeadA]);
  BOOST_TEST(patchHidden.status == 404);
  BOOST_TEST(replaceAll(patchHidden.errorMessage(), hiddenBatch, "X") ==
             replaceAll(patchMissing.errorMessage(), "CMP-999999-F1-B001", "X"));
}

BOOST_AUTO_TEST_SUITE_END()
