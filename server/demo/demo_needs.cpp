#include "server/demo/demo_needs.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "common/error.h"
#include "common/password.h"
#include "db/document_store.h"
#include "db/product_store.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "db/user_store.h"
#include "server/demo/demo_refs.h"
#include "server/json/json_fields.h"
#include "server/json/need_json.h"
#include "server/registry/needs.h"

namespace argan {
extern const char* const kDemoNeedsJson;
}

namespace argan::server {
namespace {

using Poco::JSON::Array;

using demo::forEach;

class Loader {
 public:
  Loader(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
         std::map<std::string, db::Principal>& people, DemoLoadReport& report)
      : runtime_(runtime), refs_("demo needs", startUps, people), people_(people),
        report_(report) {}

  void partner(const JsonFields& p) { demo::createDemoPartner(runtime_, p, people_, report_); }

  void need(const JsonFields& n) {
    db::Principal by = person(n.reqString("partner"));
    // The need's body is the API's (readNeedDraft), with days instead of a deadline and
    // start-up keys instead of ids.
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    for (const char* key : {"title", "statement", "sector", "function", "properties",
                            "regulatory", "structure", "visibility", "company",
                            "company_disclosed"}) {
      if (n.has(key)) body->set(key, n.object()->get(key));
    }
    if (auto days = n.optInt("deadline_days")) {
      body->set("deadline", db::dateOf(isoFromMicros(runtime_.clock.nowMicros() +
                                                     *days * 86400LL * 1000000LL)));
    }
    if (auto keys = n.optArray("start_ups")) {
      Array::Ptr ids = new Array;
      for (std::size_t i = 0; i < keys->size(); ++i) {
        ids->add(startUpId(keys->getElement<std::string>(static_cast<unsigned>(i))));
      }
      body->set("start_ups", ids);
    }
    NeedDraft draft = runtime_.db.read(
        [&](db::Connection& c) { return readNeedDraft(c, JsonFields(body), true); });
    db::Need made = postNeed(runtime_, by, draft);
    needs_[n.reqString("key")] = made.id;
    ++report_.needs;
  }

  void response(const JsonFields& r) {
    std::int64_t needId = needOf(r.reqString("need"));
    std::int64_t startUp = startUpId(r.reqString("start_up"));
    db::Principal by = person(r.reqString("by"));
    std::vector<ShareDraft> shares;
    forEach(r, "shares", [&](const JsonFields& s) {
      ShareDraft d;
      d.kind = s.reqString("type");
      d.note = s.optString("note").value_or("");
      if (d.kind == "product") {
        d.recordId = productOf(startUp, s.reqString("product"));
      } else if (d.kind == "compound") {
        d.recordId = compoundOf(startUp, s.reqString("notebook_ref"));
      } else if (d.kind == "batch") {
        d.recordId = batchOf(startUp, s.reqString("notebook_ref"));
      } else if (d.kind == "document") {
        d.recordId = attachDocument(by, batchOf(startUp, s.reqString("attach_to_batch")), s);
      } else {
        throw internalError("demo needs: cannot share a " + d.kind);
      }
      shares.push_back(d);
    });
    db::NeedResponse made =
        respondToNeed(runtime_, by, needId, startUp, r.reqString("summary", 20000), shares);
    forEach(r, "thread", [&](const JsonFields& m) {
      postResponseMessage(runtime_, person(m.reqString("by")), made.id, m.reqString("message"));
    });
    if (auto status = r.optString("status")) {
      changeResponse(runtime_, person(r.reqString("status_by")), made.id, std::nullopt, *status);
    }
  }

  void project(const JsonFields& p) {
    std::int64_t needId = needOf(p.reqString("need"));
    std::int64_t startUp = startUpId(p.reqString("start_up"));
    db::Principal by = person(p.reqString("by"));
    db::ProjectInput in;
    in.title = p.reqString("title");
    in.summary = p.optString("summary", 20000);
    in.stage = p.optString("stage");
    in.trl = p.optInt("trl");
    in.disclosure = p.optString("disclosure");
    in.showStartUp = p.optBool("show_start_up");
    std::vector<LinkDraft> links;
    forEach(p, "links", [&](const JsonFields& l) {
      LinkDraft d;
      d.kind = l.reqString("type");
      if (d.kind == "route") {
        d.recordId = routeOf(startUp, l.reqString("route"));
      } else if (d.kind == "product") {
        d.recordId = productOf(startUp, l.reqString("product"));
      } else {
        throw internalError("demo needs: cannot link a " + d.kind);
      }
      links.push_back(d);
    });
    openProject(runtime_, by, needId, startUp, in, links);
    ++report_.projects;
  }

 private:
  std::int64_t startUpId(const std::string& key) const { return refs_.startUpId(key); }
  db::Principal person(const std::string& email) const { return refs_.person(email); }

  std::int64_t needOf(const std::string& key) const {
    auto it = needs_.find(key);
    if (it == needs_.end()) throw internalError("demo needs: unknown need " + key);
    return it->second;
  }

  std::int64_t productOf(std::int64_t startUp, const std::string& name) const {
    return runtime_.db.read([&](db::Connection& c) {
      db::ProductFilter filter;
      filter.startUpId = startUp;
      for (const auto& p : db::listProducts(c, system_, filter, 0, 500).items) {
        if (p.name == name) return p.id;
      }
      throw internalError("demo needs: no product " + name);
    });
  }

  std::int64_t routeOf(std::int64_t startUp, const std::string& name) const {
    return runtime_.db.read([&](db::Connection& c) {
      db::RouteFilter filter;
      filter.startUpId = startUp;
      for (const auto& r : db::listRoutes(c, system_, filter, 0, 500).items) {
        if (r.name == name) return r.id;
      }
      throw internalError("demo needs: no route " + name);
    });
  }

  std::int64_t compoundOf(std::int64_t startUp, const std::string& ref) const {
    return runtime_.db.read([&](db::Connection& c) {
      db::CompoundFilter filter;
      filter.startUpId = startUp;
      for (const auto& compound : db::listCompounds(c, system_, filter, 0, 500).items) {
        for (const auto& batch : db::listBatches(c, system_, compound.id)) {
          if (batch.notebookRef == ref) return compound.id;
        }
      }
      throw internalError("demo needs: no batch with notebook reference " + ref);
    });
  }

  // The batch recorded under notebook reference `ref` (its analyses stay as private as it).
  std::int64_t batchOf(std::int64_t startUp, const std::string& ref) const {
    return runtime_.db.read([&](db::Connection& c) {
      db::CompoundFilter filter;
      filter.startUpId = startUp;
      for (const auto& compound : db::listCompounds(c, system_, filter, 0, 500).items) {
        for (const auto& batch : db::listBatches(c, system_, compound.id)) {
          if (batch.notebookRef == ref) return batch.id;
        }
      }
      throw internalError("demo needs: no batch with notebook reference " + ref);
    });
  }

  std::int64_t attachDocument(const db::Principal& by, std::int64_t batchId, const JsonFields& s) {
    db::NewDocument doc;
    doc.filename = s.reqString("filename");
    doc.kind = s.optString("kind").value_or("other");
    doc.title = s.optString("title").value_or("");
    doc.bytes = s.reqString("content", 100000);
    return runtime_.db.write([&](db::Connection& c) {
      return db::attachDocument(c, runtime_.clock, by, {db::DocumentOwnerType::Batch, batchId}, doc)
          .id;
    });
  }

  Runtime& runtime_;
  demo::DemoRefs refs_;
  std::map<std::string, db::Principal>& people_;
  DemoLoadReport& report_;
  std::map<std::string, std::int64_t> needs_;
  const db::Principal system_ = db::Principal::system("demo");
};

}  // namespace

void loadDemoNeeds(Runtime& runtime, const std::map<std::string, std::int64_t>& startUps,
                   std::map<std::string, db::Principal>& people, DemoLoadReport& report) {
  JsonFields root(parseJsonObject(kDemoNeedsJson));
  Loader loader(runtime, startUps, people, report);
  forEach(root, "partners", [&](const JsonFields& p) { loader.partner(p); });
  forEach(root, "needs", [&](const JsonFields& n) { loader.need(n); });
  forEach(root, "responses", [&](const JsonFields& r) { loader.response(r); });
  forEach(root, "projects", [&](const JsonFields& p) { loader.project(p); });
}

}  // namespace argan::server
