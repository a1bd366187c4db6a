// JSON for substances: request bodies read into the registry's plain structs, and the one
// place substances, their batches and certificates, and the property vocabulary become JSON.
//
// Request (POST /api/substances; PUT /api/substances/{id} takes the same fields but start_up
// and batch, and replaces the specification):
//   {name, kind, start_up, synonyms?, cas_number?, description?,
//    source?: {species?, part?, waste_stream?, process?},
//    constituents?: [{compound_id | structure (+ format?) | name, name?, role?, typical,
//                     min?, max?, unit? (w/w), method?}],
//    properties?: [{key, typical?, min?, max?, method?}] or {key: typical | {typical, min, ...}},
//    monomers?: [{compound_id, ratio}], repeat_unit?, repeat_unit_format?, mn?, mw?,
//    batch?: {amount?, unit?, prepared_on?, researcher?, notebook_ref?, storage?, notes?,
//             certificate_number?, analysed_on?, laboratory?,
//             results?: [{compound_id | name | property, value, unit?, method?}]}}
// Every reader throws InvalidArgument naming the field.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <vector>

#include "db/sqlite.h"
#include "db/substance_store.h"
#include "server/json/json_fields.h"
#include "server/registry/substances.h"

namespace argan::server {

// creating: POST (start_up and batch allowed); otherwise PUT.
SubstanceSubmission readSubstanceSubmission(const JsonFields& body, bool creating);
db::SubstanceBatchInput readSubstanceBatch(const JsonFields& body, const std::string& path);
db::PropertyTerm readPropertyTerm(const JsonFields& body);

// The full record: specification with the constituents' compounds the viewer may see (a
// hidden one shows its percentages with "compound": null), polymer data, links.
Poco::JSON::Object::Ptr substanceJson(db::Connection& c, const db::Principal& viewer,
                                      const db::Substance& substance);
// id, name, kind, start_up, visibility, links: for lists inside other resources.
Poco::JSON::Object::Ptr substanceSummaryJson(const db::Substance& substance);
// A batch with its certificate checked against the specification.
Poco::JSON::Object::Ptr substanceBatchJson(db::Connection& c, const db::Principal& viewer,
                                           const db::Substance& substance,
                                           const db::SubstanceBatch& batch);
Poco::JSON::Object::Ptr propertyTermJson(const db::PropertyTerm& term);
Poco::JSON::Array::Ptr substanceFlagsJson(const std::vector<SubstanceFlag>& flags);
// {outcome, message, flags, registered_constituents, batch} merged into substanceJson.
Poco::JSON::Object::Ptr substanceRegistrationJson(db::Connection& c, const db::Principal& viewer,
                                                  const SubstanceRegistration& registration);

}  // namespace argan::server
