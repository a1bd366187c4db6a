#include "server/json/need_json.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "common/error.h"
#include "db/record_codes.h"
#include "db/user_store.h"
#include "server/json/json_output.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr ref(const std::string& id, const std::string& name) {
  Object::Ptr o = orderedObject();
  o->set("id", id);
  o->set("title", name);
  return o;
}

Object::Ptr startUpRef(db::Connection& c, std::int64_t id,
                       std::map<std::int64_t, std::string>& names) {
  auto it = names.find(id);
  if (it == names.end()) it = names.emplace(id, db::startUpName(c, id)).first;
  Object::Ptr o = orderedObject();
  o->set("id", id);
  o->set("name", it->second);
  return o;
}

Object::Ptr startUpRef(std::int64_t id, const std::string& name) {
  Object::Ptr o = orderedObject();
  o->set("id", id);
  o->set("name", name);
  return o;
}

Poco::Dynamic::Var null() { return Poco::Dynamic::Var(); }

Object::Ptr structureJson(const db::Need& need) {
  Object::Ptr s = orderedObject();
  s->set("type", *need.structureType);
  setOptional(s, "threshold", need.structureThreshold);
  Array::Ptr molecules = new Array;
  for (const auto& m : need.structures) {
    Object::Ptr o = orderedObject();
    o->set("input", m.input);
    setTextOrNull(o, "format", m.inputFormat.empty() ? m.queryFormat : m.inputFormat);
    setTextOrNull(o, "smiles", m.canonicalSmiles.empty() && m.queryFormat != "molfile"
                                   ? m.queryText
                                   : m.canonicalSmiles);
    molecules->add(o);
  }
  s->set("molecules", molecules);
  return s;
}

std::string lowered(const std::string& s) {
  std::string out = s;
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

Object::Ptr parsedObject(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(text).extract<Object::Ptr>();
    return o ? o : orderedObject();
  } catch (const Poco::Exception&) {
    return orderedObject();
  }
}

}  // namespace

Object::Ptr needJson(db::Connection& c, const db::Principal& viewer, const db::Need& need,
                     const std::string& today, const NeedView& view) {
  const bool privileged = need.isOwner(viewer) || viewer.isAdmin();
  std::map<std::int64_t, std::string> names;
  Object::Ptr o = orderedObject();
  o->set("id", need.code());
  o->set("number", need.id);
  o->set("title", need.title);
  o->set("statement", need.statement);
  setTextOrNull(o, "sector", need.sector);
  setTextOrNull(o, "function", need.function);
  Array::Ptr props = new Array;
  for (const auto& p : need.properties) {
    Object::Ptr po = orderedObject();
    po->set("key", p.key);
    setTextOrNull(po, "label", p.label);
    setOptional(po, "min", p.min);
    setOptional(po, "max", p.max);
    setTextOrNull(po, "unit", p.unit);
    po->set("required", p.required);
    props->add(po);
  }
  o->set("properties", props);
  o->set("regulatory", stringArray(need.regulatory));
  setOptional(o, "deadline", need.deadline);
  o->set("past_deadline", need.status == "open" && need.deadline && *need.deadline < today);
  if (need.structureType) o->set("structure", structureJson(need)); else o->set("structure", null());
  o->set("visibility", need.visibility);
  if (privileged && need.visibility == "named") {
    Array::Ptr audience = new Array;
    for (auto id : need.audience) audience->add(startUpRef(c, id, names));
    o->set("start_ups", audience);
  } else {
    o->set("start_ups", null());
  }
  const bool companyShown = need.companyVisibleTo(viewer);
  if (companyShown) o->set("company", need.company); else o->set("company", null());
  o->set("anonymous", !companyShown);
  o->set("company_disclosed", need.companyDisclosed);
  if (privileged) {
    Object::Ptr partner = orderedObject();
    partner->set("id", need.partnerId);
    partner->set("email", need.partnerEmail);
    setTextOrNull(partner, "name", need.partnerName);
    o->set("partner", partner);
  } else {
    o->set("partner", null());
  }
  o->set("mine", need.isOwner(viewer));
  o->set("status", need.status);
  if (need.outcome) {
    Object::Ptr outcome = orderedObject();
    outcome->set("outcome", *need.outcome);
    if (need.outcomeResponseId) {
      outcome->set("response", db::responseCode(*need.outcomeResponseId));
    } else {
      outcome->set("response", null());
    }
    setTextOrNull(outcome, "note", need.outcomeNote);
    setOptional(outcome, "closed_at", need.closedAt);
    o->set("outcome", outcome);
  } else {
    o->set("outcome", null());
  }
  o->set("created_at", need.createdAt);
  o->set("updated_at", need.updatedAt);
  if (view.matchCount) {
    Object::Ptr m = orderedObject();
    m->set("count", *view.matchCount);
    m->set("scope", view.matchScope.value_or(""));
    o->set("matches", m);
  }
  if (view.detail) {
    Array::Ptr responses = new Array;
    for (const auto& r : view.responses) responses->add(responseJson(viewer, need, r, false));
    o->set("responses", responses);
    Array::Ptr projects = new Array;
    for (const auto& p : view.projects) projects->add(projectJson(viewer, p));
    o->set("projects", projects);
  }
  Object::Ptr links = orderedObject();
  links->set("self", "/api/needs/" + need.code());
  links->set("matches", "/api/needs/" + need.code() + "/matches");
  links->set("responses", "/api/needs/" + need.code() + "/responses");
  links->set("projects", "/api/needs/" + need.code() + "/projects");
  o->set("links", links);
  return o;
}

Object::Ptr matchesJson(db::Connection& c, const db::Need& need, const NeedMatches& matches) {
  std::map<std::int64_t, std::string> names;
  Object::Ptr o = orderedObject();
  o->set("need", need.code());
  o->set("scope", matches.scope);
  o->set("complete", matches.complete);
  o->set("total", static_cast<std::int64_t>(matches.items.size()));
  Array::Ptr items = new Array;
  for (const auto& m : matches.items) {
    Object::Ptr i = orderedObject();
    i->set("kind", m.kind);
    i->set("id", m.code);
    i->set("label", m.label);
    setTextOrNull(i, "smiles", m.smiles);
    i->set("start_up", startUpRef(c, m.startUpId, names));
    i->set("visibility", m.visibility);
    setOptionalRounded(i, "score", m.score, 3);
    i->set("reasons", stringArray(m.reasons));
    setTextOrNull(i, "replaces", m.replaces);
    setTextOrNull(i, "via", m.via);
    items->add(i);
  }
  o->set("items", items);
  return o;
}

Object::Ptr shareJson(const db::ResponseShare& s, bool withRevocation) {
  Object::Ptr o = orderedObject();
  o->set("id", s.id);
  o->set("type", s.recordType);
  o->set("record", s.recordCode);
  o->set("label", s.recordLabel);
  setTextOrNull(o, "note", s.note);
  o->set("granted_at", s.grantedAt);
  if (withRevocation) {
    setOptional(o, "revoked_at", s.revokedAt);
    o->set("active", !s.revokedAt);
  }
  o->set("link", "/api/responses/" + db::responseCode(s.responseId) + "/shares/" +
                     std::to_string(s.id));
  return o;
}

Object::Ptr responseJson(const db::Principal& viewer, const db::Need& need,
                         const db::NeedResponse& r, bool withThread) {
  const bool startUpSide = viewer.isAdmin() || viewer.belongsTo(r.startUpId);
  Object::Ptr o = orderedObject();
  o->set("id", r.code());
  o->set("number", r.id);
  o->set("need", ref(need.code(), need.title));
  o->set("start_up", startUpRef(r.startUpId, r.startUpName));
  o->set("summary", r.summary);
  o->set("status", r.status);
  o->set("created_at", r.createdAt);
  o->set("updated_at", r.updatedAt);
  o->set("message_count", r.messageCount);
  Array::Ptr shares = new Array;
  for (const auto& s : r.shares) {
    if (startUpSide || !s.revokedAt) shares->add(shareJson(s, startUpSide));
  }
  o->set("shares", shares);
  if (withThread) {
    Array::Ptr messages = new Array;
    std::int64_t number = 0;
    for (const auto& m : r.messages) {
      Object::Ptr mo = orderedObject();
      mo->set("number", ++number);
      mo->set("side", m.side);
      if (m.side == "partner") {
        if (need.companyVisibleTo(viewer)) mo->set("author", need.company); else mo->set("author", null());
      } else if (m.side == "start_up") {
        mo->set("author", r.startUpName);
      } else {
        mo->set("author", "CISE");
      }
      mo->set("body", m.body);
      mo->set("created_at", m.createdAt);
      messages->add(mo);
    }
    o->set("messages", messages);
  }
  Object::Ptr links = orderedObject();
  links->set("self", "/api/responses/" + r.code());
  links->set("need", "/api/needs/" + need.code());
  o->set("links", links);
  return o;
}

Object::Ptr projectJson(const db::Principal& viewer, const db::NeedProject& p) {
  Object::Ptr o = orderedObject();
  o->set("id", p.code());
  o->set("need", ref(db::needCode(p.needId), p.needTitle));
  if (p.fullViewFor(viewer)) {
    o->set("view", "full");
    o->set("start_up", startUpRef(p.startUpId, p.startUpName));
    o->set("title", p.title);
    o->set("summary", p.summary);
    o->set("stage", p.stage);
    o->set("trl", p.trl);
    o->set("disclosure", p.disclosure);
    o->set("show_start_up", p.showStartUp);
    o->set("status", p.status);
    o->set("created_at", p.createdAt);
    o->set("updated_at", p.updatedAt);
    Array::Ptr links = new Array;
    for (const auto& l : p.links) {
      Object::Ptr lo = orderedObject();
      lo->set("id", l.id);
      lo->set("type", l.recordType);
      lo->set("record", l.recordCode);
      lo->set("label", l.recordLabel);
      lo->set("linked_at", l.linkedAt);
      links->add(lo);
    }
    o->set("links", links);
    return o;
  }
  // The partner: what the start-up chose to show.
  o->set("view", "disclosed");
  if (p.showStartUp) o->set("start_up", startUpRef(p.startUpId, p.startUpName));
  else o->set("start_up", null());
  o->set("disclosure", p.disclosure);
  const bool stage = p.disclosure == "stage" || p.disclosure == "stage_trl";
  if (stage) o->set("stage", p.stage); else o->set("stage", null());
  if (p.disclosure == "stage_trl") o->set("trl", p.trl); else o->set("trl", null());
  o->set("status", p.status);
  o->set("updated_at", p.updatedAt);
  return o;
}

Object::Ptr notificationJson(const db::Notification& n) {
  Object::Ptr o = orderedObject();
  o->set("number", n.number);
  o->set("kind", n.kind);
  if (n.needId) o->set("need", db::needCode(*n.needId)); else o->set("need", null());
  if (n.responseId) o->set("response", db::responseCode(*n.responseId)); else o->set("response", null());
  if (n.projectId) o->set("project", db::projectCode(*n.projectId)); else o->set("project", null());
  o->set("params", parsedObject(n.paramsJson));
  o->set("created_at", n.createdAt);
  o->set("read", n.readAt.has_value());
  setOptional(o, "read_at", n.readAt);
  return o;
}

Object::Ptr needOverviewJson(const db::NeedOverview& ov) {
  Object::Ptr o = orderedObject();
  o->set("needs", ov.needs);
  o->set("open", ov.open);
  o->set("closed", ov.closed);
  Object::Ptr outcomes = orderedObject();
  for (const auto& [k, v] : ov.outcomes) outcomes->set(k, v);
  o->set("outcomes", outcomes);
  Array::Ptr sectors = new Array;
  for (const auto& s : ov.bySector) {
    Object::Ptr so = orderedObject();
    setTextOrNull(so, "sector", s.sector);
    so->set("open", s.open);
    so->set("closed", s.closed);
    sectors->add(so);
  }
  o->set("by_sector", sectors);
  o->set("answered", ov.answered);
  if (ov.needs > 0) {
    o->set("response_rate", roundedTo(static_cast<double>(ov.answered) / ov.needs, 3));
  } else {
    o->set("response_rate", null());
  }
  o->set("responses", ov.responses);
  o->set("projects", ov.projects);
  o->set("with_projects", ov.withProjects);
  o->set("with_products", ov.withProducts);
  Object::Ptr ttfr = orderedObject();
  const auto& days = ov.daysToFirstResponse;
  ttfr->set("count", static_cast<std::int64_t>(days.size()));
  if (days.empty()) {
    ttfr->set("median_days", null());
    ttfr->set("mean_days", null());
  } else {
    double median = days.size() % 2 ? days[days.size() / 2]
                                    : (days[days.size() / 2 - 1] + days[days.size() / 2]) / 2;
    ttfr->set("median_days", roundedTo(median, 2));
    ttfr->set("mean_days",
              roundedTo(std::accumulate(days.begin(), days.end(), 0.0) / days.size(), 2));
  }
  Array::Ptr values = new Array;
  for (double d : days) values->add(roundedTo(d, 2));
  ttfr->set("values_days", values);
  o->set("time_to_first_response", ttfr);
  Array::Ptr flow = new Array;
  for (const auto& n : ov.flow) {
    Object::Ptr no = orderedObject();
    no->set("need", db::needCode(n.id));
    no->set("title", n.title);
    setTextOrNull(no, "sector", n.sector);
    no->set("status", n.status);
    setOptional(no, "outcome", n.outcome);
    no->set("responses", n.responses);
    setOptionalRounded(no, "days_to_first_response", n.daysToFirstResponse, 2);
    Array::Ptr projects = new Array;
    for (const auto& p : n.projects) {
      Object::Ptr po = orderedObject();
      po->set("project", db::projectCode(p.id));
      po->set("title", p.title);
      po->set("start_up", startUpRef(p.startUpId, p.startUpName));
      po->set("stage", p.stage);
      po->set("trl", p.trl);
      po->set("status", p.status);
      Array::Ptr products = new Array;
      for (const auto& pr : p.products) {
        Object::Ptr pro = orderedObject();
        pro->set("id", db::productCode(pr.id));
        pro->set("name", pr.name);
        setOptional(pro, "current_stage", pr.currentStage);
        pro->set("trl", pr.trl);
        products->add(pro);
      }
      po->set("products", products);
      projects->add(po);
    }
    no->set("projects", projects);
    flow->add(no);
  }
  o->set("flow", flow);
  return o;
}

Object::Ptr needVocabularyJson() {
  auto split = [](const std::string& list) {
    Array::Ptr a = new Array;
    std::size_t start = 0;
    while (start < list.size()) {
      auto comma = list.find(", ", start);
      a->add(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 2;
    }
    return a;
  };
  Object::Ptr o = orderedObject();
  o->set("sectors", split(db::needSectorList()));
  o->set("functions", split(db::needFunctionList()));
  o->set("regulatory", split(db::needRegulatoryList()));
  Array::Ptr props = new Array;
  Array::Ptr keys = split(db::needPropertyList());
  for (std::size_t i = 0; i < keys->size(); ++i) {
    std::string key = keys->getElement<std::string>(static_cast<unsigned>(i));
    Object::Ptr p = orderedObject();
    p->set("key", key);
    setTextOrNull(p, "unit", db::defaultPropertyUnit(key));
    props->add(p);
  }
  o->set("properties", props);
  o->set("structure_types", split("substructure, similarity, replace"));
  o->set("visibilities", split("public, cluster, named"));
  o->set("outcomes", split("solution_found, no_suitable_proposal, solved_elsewhere, withdrawn"));
  o->set("response_statuses", split("submitted, shortlisted, declined, selected, withdrawn"));
  o->set("project_stages", split("framing, lab, pilot, industrial_trial, delivered"));
  o->set("project_disclosures", split("hidden, exists, stage, stage_trl"));
  o->set("project_statuses", split("active, paused, stopped, completed"));
  o->set("share_kinds", split(db::shareableKindList()));
  return o;
}

// ---- request bodies ----

NeedDraft readNeedDraft(db::Connection& c, const JsonFields& body, bool creating) {
  body.allowOnly({"title", "statement", "sector", "function", "properties", "regulatory",
                  "deadline", "structure", "visibility", "start_ups", "company",
                  "company_disclosed", "partner"});
  NeedDraft d;
  db::NeedInput& in = d.input;
  if (body.has("partner")) {
    Poco::Dynamic::Var v = body.object()->get("partner");
    if (v.isString()) {
      std::string email = v.extract<std::string>();
      auto user = db::findUserByEmail(c, email);
      if (!user) {
        throw invalidArgument("no user '" + email + "'", {{"field", "partner"}});
      }
      in.partnerId = user->id;
    } else {
      in.partnerId = body.optInt("partner");
    }
  }
  in.title = body.optString("title", 1000);
  in.statement = body.optString("statement", 40000);
  if (creating && !in.title) throw invalidArgument("'title' is required", {{"field", "title"}});
  if (creating && !in.statement) {
    throw invalidArgument("'statement' is required", {{"field", "statement"}});
  }
  in.company = body.optString("company", 1000);
  in.companyDisclosed = body.optBool("company_disclosed");
  in.sector = body.optString("sector", 100);
  in.function = body.optString("function", 100);
  if (auto props = body.optArray("properties")) {
    std::vector<db::NeedProperty> list;
    for (std::size_t i = 0; i < props->size(); ++i) {
      auto item = props->getObject(static_cast<unsigned>(i));
      std::string path = "properties[" + std::to_string(i) + "]";
      if (!item) throw invalidArgument(path + " must be an object", {{"field", path}});
      JsonFields f(item, path);
      f.allowOnly({"key", "label", "min", "max", "unit", "required"});
      db::NeedProperty p;
      p.key = f.reqString("key", 100);
      p.label = f.optString("label", 1000).value_or("");
      if (!item->isNull("min")) p.min = f.optNumber("min");
      if (!item->isNull("max")) p.max = f.optNumber("max");
      p.unit = f.optString("unit", 100).value_or("");
      p.required = f.optBool("required").value_or(true);
      list.push_back(p);
    }
    in.properties = list;
  }
  if (auto reg = body.optArray("regulatory")) {
    std::vector<std::string> list;
    for (std::size_t i = 0; i < reg->size(); ++i) {
      Poco::Dynamic::Var v = reg->get(static_cast<unsigned>(i));
      if (!v.isString()) {
        throw invalidArgument("regulatory lists strings", {{"field", "regulatory"}});
      }
      list.push_back(v.extract<std::string>());
    }
    in.regulatory = list;
  }
  // has() is false for null: null is "clear it" here, so the object is asked directly.
  if (body.object()->has("deadline")) {
    if (body.object()->isNull("deadline")) {
      in.deadline.emplace();  // present and null: clear it
    } else {
      in.deadline.emplace(body.optString("deadline", 20));
    }
  }
  in.visibility = body.optString("visibility", 20);
  if (auto ids = body.optArray("start_ups")) {
    std::vector<std::int64_t> list;
    for (std::size_t i = 0; i < ids->size(); ++i) {
      auto id = jsonInt64(ids->get(static_cast<unsigned>(i)));
      if (!id) {
        throw invalidArgument("start_ups lists start-up ids (numbers)", {{"field", "start_ups"}});
      }
      list.push_back(*id);
    }
    in.audience = list;
  }
  if (body.object()->has("structure")) {
    if (body.object()->isNull("structure")) {
      d.structure.emplace();  // present and null: remove the criterion
    } else {
      JsonFields s = *body.optObject("structure");
      s.allowOnly({"type", "query", "format", "threshold"});
      StructureCriterionDraft draft;
      draft.type = lowered(s.reqString("type", 30));
      if (!s.has("query")) {
        throw invalidArgument("'structure.query' is required", {{"field", "structure.query"}});
      }
      Poco::Dynamic::Var q = s.object()->get("query");
      if (q.isString()) {
        draft.queries.push_back(*s.optString("query", 70000));
      } else if (auto list = s.optArray("query")) {
        draft.listed = true;
        for (std::size_t i = 0; i < list->size(); ++i) {
          Poco::Dynamic::Var v = list->get(static_cast<unsigned>(i));
          std::string path = "structure.query[" + std::to_string(i) + "]";
          if (!v.isString()) throw invalidArgument(path + " must be a string", {{"field", path}});
          std::string text = v.extract<std::string>();
          if (text.size() > 70000 || !isCleanUtf8(text)) {
            throw invalidArgument(path + " is too long or not clean text", {{"field", path}});
          }
          draft.queries.push_back(text);
        }
      } else {
        throw invalidArgument("structure.query is a structure or a list of structures",
                              {{"field", "structure.query"}});
      }
      draft.format = lowered(s.optString("format", 20).value_or(""));
      if (!draft.format.empty() && draft.format != "smiles" && draft.format != "smarts" &&
          draft.format != "molfile") {
        throw invalidArgument("structure.format must be smiles, smarts or molfile",
                              {{"field", "structure.format"}});
      }
      draft.threshold = s.optNumber("threshold");
      d.structure.emplace(draft);
    }
  }
  return d;
}

namespace {

std::int64_t recordIdOf(db::Connection& c, const JsonFields& item, const std::string& kind) {
  Poco::Dynamic::Var v = item.object()->get("id");
  std::optional<std::int64_t> id;
  std::string text;
  if (v.isString()) {
    text = *item.optString("id", 100);
    id = db::recordIdFromCode(c, kind, text);
  } else {
    id = item.optInt("id");
    text = id ? std::to_string(*id) : "";
    if (id && (kind == "compound" || kind == "route" || kind == "product" || kind == "document") &&
        *id <= 0) {
      id.reset();
    }
    if (id && kind == "batch") id.reset();  // batches are named by their code
  }
  if (!id) {
    throw notFound("no " + kind + " '" + text + "'", {{"field", item.fieldPath("id")}});
  }
  return *id;
}

}  // namespace

ShareDraft readShareDraft(db::Connection& c, const JsonFields& item) {
  item.allowOnly({"type", "id", "note"});
  ShareDraft d;
  d.kind = lowered(item.reqString("type", 30));
  if (!db::isShareableKind(d.kind)) {
    throw invalidArgument("type must be one of: " + std::string(db::shareableKindList()),
                          {{"field", item.fieldPath("type")}});
  }
  if (!item.has("id")) {
    throw invalidArgument("'" + item.fieldPath("id") + "' is required",
                          {{"field", item.fieldPath("id")}});
  }
  d.recordId = recordIdOf(c, item, d.kind);
  d.note = item.optString("note", 2000).value_or("");
  return d;
}

LinkDraft readLinkDraft(db::Connection& c, const JsonFields& item) {
  item.allowOnly({"type", "id"});
  LinkDraft d;
  d.kind = lowered(item.reqString("type", 30));
  if (!db::isLinkableKind(d.kind)) {
    throw invalidArgument("type must be one of: " + std::string(db::linkableKindList()),
                          {{"field", item.fieldPath("type")}});
  }
  if (!item.has("id")) {
    throw invalidArgument("'" + item.fieldPath("id") + "' is required",
                          {{"field", item.fieldPath("id")}});
  }
  d.recordId = recordIdOf(c, item, d.kind);
  return d;
}

db::ProjectInput readProjectInput(const JsonFields& body) {
  db::ProjectInput in;
  in.title = body.optString("title", 1000);
  in.summary = body.optString("summary", 40000);
  in.stage = body.optString("stage", 40);
  in.trl = body.optInt("trl");
  in.disclosure = body.optString("disclosure", 40);
  in.showStartUp = body.optBool("show_start_up");
  in.status = body.optString("status", 40);
  return in;
}

}  // namespace argan::server
