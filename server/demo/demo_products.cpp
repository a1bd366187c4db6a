#include "server/demo/demo_products.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/password.h"
#include "db/document_store.h"
#include "db/inquiry_store.h"
#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/user_store.h"
#include "server/demo/demo_refs.h"
#include "server/json/json_fields.h"

namespace argan {
extern const char* const kDemoProductsJson;
}

namespace argan::server {
namespace {

using Array = Poco::JSON::Array;

using demo::dayFromToday;

db::Update<std::string> dateField(const Clock& clock, const JsonFields& f, const std::string& key) {
  auto days = f.optInt(key);
  if (!days) return std::nullopt;
  return db::Update<std::string>(std::in_place, dayFromToday(clock, *days));
}

using demo::forEach;

class Loader {
 public:
  Loader(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
         std::map<std::string, db::Principal>& people, DemoLoadReport& report)
      : runtime_(runtime), refs_("demo products", startUps, people), people_(people),
        report_(report) {}

  void partner(const JsonFields& p) { demo::createDemoPartner(runtime_, p, people_, report_); }

  void product(const JsonFields& p) {
    std::int64_t startUp = startUpId(p.reqString("start_up"));
    db::Principal by = person(p.reqString("by"));
    db::Principal lead = person(p.reqString("lead"));
    const Clock& clock = runtime_.clock;

    db::ProductInput in;
    in.name = p.reqString("name");
    in.description = p.optString("description", 20000);
    if (auto ref = p.optString("compound")) in.compoundId = compoundOf(startUp, *ref);
    if (p.has("formulation")) {
      std::vector<db::FormulationComponent> parts;
      forEach(p, "formulation", [&](const JsonFields& f) {
        db::FormulationComponent part;
        if (auto ref = f.optString("compound")) part.compoundId = compoundOf(startUp, *ref);
        part.name = f.optString("name").value_or("");
        part.function = f.optString("function").value_or("");
        part.percentage = f.optNumber("percentage").value_or(0);
        parts.push_back(part);
      });
      in.formulation = parts;
    }
    in.targetSectors = strings(p, "target_sectors");
    in.intendedUses = strings(p, "intended_uses");
    in.catalogueName = p.optString("catalogue_name");
    in.catalogueSummary = p.optString("catalogue_summary");
    if (auto m = p.optObject("market")) {
      db::MarketData market;
      market.unit = m->optString("unit");
      market.priceMin = m->optNumber("price_min");
      market.priceMax = m->optNumber("price_max");
      market.currency = m->optString("currency");
      market.capacity = m->optNumber("capacity");
      market.capacityUnit = m->optString("capacity_unit");
      in.market = market;
    }

    // The product, its pipeline and market records: one transaction, like one user's work.
    std::int64_t id = runtime_.db.write([&](db::Connection& c) {
      db::Product product = db::createProduct(c, clock, by, startUp, in);
      forEach(p, "stages", [&](const JsonFields& s) {
        db::StageInput stage;
        stage.status = s.optString("status");
        stage.owner = s.optString("owner");
        stage.notes = s.optString("notes", 20000);
        stage.plannedStart = dateField(clock, s, "planned_start");
        stage.plannedEnd = dateField(clock, s, "planned_end");
        stage.actualStart = dateField(clock, s, "actual_start");
        stage.actualEnd = dateField(clock, s, "actual_end");
        db::updateStage(c, clock, by, product.id, s.reqString("key"), stage);
      });
      forEach(p, "decisions", [&](const JsonFields& d) {
        db::DecisionInput decision;
        decision.decision = d.reqString("decision");
        decision.rationale = d.reqString("rationale");
        decision.decidedBy = d.optString("by");
        decision.decidedOn = dayFromToday(clock, d.reqInt("on"));
        db::addDecision(c, clock, lead, product.id, d.reqString("stage"), decision);
      });
      forEach(p, "trl", [&](const JsonFields& t) {
        db::ProductInput step;
        step.trl = t.reqInt("level");
        step.trlNote = t.optString("note").value_or("");
        db::updateProduct(c, clock, by, product.id, step);
      });
      forEach(p, "documents", [&](const JsonFields& d) {
        db::DocumentOwner owner{db::DocumentOwnerType::Product, product.id};
        if (auto key = d.optString("stage")) {
          auto stage = db::findStage(c, product.id, *key);
          if (!stage) throw internalError("demo products: no stage " + *key);
          owner = {db::DocumentOwnerType::Stage, stage->id};
        }
        db::NewDocument doc;
        doc.filename = d.reqString("filename");
        doc.kind = d.reqString("kind");
        doc.title = d.optString("title").value_or("");
        doc.bytes = d.reqString("text");
        db::attachDocument(c, clock, by, owner, doc, runtime_.config.maxUploadBytes);
      });
      forEach(p, "customers", [&](const JsonFields& r) {
        db::CustomerInput customer;
        customer.name = r.reqString("name");
        customer.relation = r.optString("relation");
        customer.contact = r.optString("contact");
        customer.notes = r.optString("notes");
        customer.since = dateField(clock, r, "since");
        db::addCustomer(c, clock, by, product.id, customer);
      });
      if (auto visibility = p.optString("visibility")) {
        db::ProductInput share;
        share.visibility = visibility;
        db::updateProduct(c, clock, lead, product.id, share);
      }
      return product.id;
    });
    ++report_.products;

    forEach(p, "inquiries", [&](const JsonFields& q) {
      db::Principal asker = person(q.reqString("partner"));
      runtime_.db.write([&](db::Connection& c) {
        auto inquiry =
            db::createInquiry(c, clock, asker, id, q.reqString("subject"), q.reqString("message"));
        if (auto answer = q.optObject("answer")) {
          db::addInquiryMessage(c, clock, person(answer->reqString("by")), inquiry.id,
                                answer->reqString("message"));
        }
      });
    });
  }

 private:
  std::int64_t startUpId(const std::string& key) const { return refs_.startUpId(key); }
  db::Principal person(const std::string& email) const { return refs_.person(email); }

  // The compound of the start-up's batch recorded under notebook reference `ref`.
  std::int64_t compoundOf(std::int64_t startUp, const std::string& ref) const {
    return runtime_.db.read([&](db::Connection& c) {
      const db::Principal system = db::Principal::system("demo");
      db::CompoundFilter filter;
      filter.startUpId = startUp;
      db::CompoundPage compounds = db::listCompounds(c, system, filter, 0, 500);
      for (const auto& compound : compounds.items) {
        for (const auto& batch : db::listBatches(c, system, compound.id)) {
          if (batch.notebookRef == ref) return compound.id;
        }
      }
      throw internalError("demo products: no batch with notebook reference " + ref);
    });
  }

  static std::optional<std::vector<std::string>> strings(const JsonFields& f,
                                                         const std::string& key) {
    Array::Ptr items = f.optArray(key);
    if (!items) return std::nullopt;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items->size(); ++i)
      out.push_back(items->getElement<std::string>(i));
    return out;
  }

  Runtime& runtime_;
  demo::DemoRefs refs_;
  std::map<std::string, db::Principal>& people_;
  DemoLoadReport& report_;
};

}  // namespace

void loadDemoProducts(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                      std::map<std::string, db::Principal>& people, DemoLoadReport& report) {
  JsonFields root(parseJsonObject(kDemoProductsJson));
  Loader loader(runtime, startUps, people, report);
  forEach(root, "partners", [&](const JsonFields& p) { loader.partner(p); });
  forEach(root, "products", [&](const JsonFields& p) { loader.product(p); });
}

}  // namespace argan::server
