// JSON for products and their pipeline: the one place products, stages, gate decisions,
// TRL, customers, documents, inquiries and the pipeline overviews become JSON.
//
// A product has two views. "full" (for whoever may see its pipeline: the owning start-up,
// administrators, and cluster members for cluster/public products) carries the stages;
// "catalogue" (partners and visitors looking at a public product) carries the catalogue
// fields, composition, TRL, current stage and market summary, but no pipeline. Registered
// compounds appear only when the viewer may see them (else "compound": null, "hidden": true);
// so do the linked synthesis routes ("routes", the others counted in "hidden_routes").
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

#include "db/document_store.h"
#include "db/inquiry_store.h"
#include "db/pipeline_overview.h"
#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "db/sqlite.h"

namespace argan::server {

// Renders a product for `viewer` (reads the compounds it shows and, with `withStages` on
// the full view, its stages). `today` (YYYY-MM-DD, from the Clock) marks overdue stages.
// `catalogueOnly` forces the catalogue view (the public catalogue endpoint).
Poco::JSON::Object::Ptr productJson(db::Connection& c, const db::Principal& viewer,
                                    const db::Product& product, bool withStages,
                                    const std::string& today, bool catalogueOnly = false);

// Stages and gate decisions as `viewer` may read them (decided_by: db::decidedByFor).
Poco::JSON::Object::Ptr stageJson(const db::Principal& viewer, const db::Product& product,
                                  const db::Stage& stage, const std::string& today);
Poco::JSON::Object::Ptr decisionJson(const db::Principal& viewer, const db::Product& product,
                                     const db::GateDecision& d);
Poco::JSON::Object::Ptr trlLevelJson(const db::TrlLevel& level);
Poco::JSON::Object::Ptr trlChangeJson(const db::TrlChange& change);
Poco::JSON::Object::Ptr customerJson(const db::Customer& customer);
Poco::JSON::Object::Ptr documentJson(const db::Document& document);
Poco::JSON::Object::Ptr inquiryJson(const db::Inquiry& inquiry, bool withMessages);
Poco::JSON::Object::Ptr funnelJson(const db::Funnel& funnel);
Poco::JSON::Object::Ptr overdueJson(const db::OverdueMilestone& m);
Poco::JSON::Object::Ptr timelineEventJson(const db::TimelineEvent& e);

// {"items": [...], "total": n} around an array.
Poco::JSON::Object::Ptr itemsJson(const Poco::JSON::Array::Ptr& items);

}  // namespace argan::server
