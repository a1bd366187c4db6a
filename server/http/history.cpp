#include "server/http/history.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "common/error.h"
#include "db/user_store.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

Poco::Dynamic::Var snapshot(const std::optional<std::string>& text) {
  if (!text) return Poco::Dynamic::Var();
  try {
    Poco::JSON::Parser parser;
    return parser.parse(*text);
  } catch (...) {
    return Poco::Dynamic::Var(*text);
  }
}

// "user:12 (a@b.c)" for insiders; "user:12" for others (who may see the record but not
// who in the start-up works on it).
std::string actorLabel(const db::AuditEntry& e, bool insider) {
  if (insider || !e.actorId) return e.actorLabel;
  return "user:" + std::to_string(*e.actorId);
}

}  // namespace

std::map<std::int64_t, std::string> userDisplayNames(db::Connection& c,
                                                     const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::string> out;
  for (auto id : ids) {
    if (out.count(id)) continue;
    if (auto user = db::findUser(c, id)) {
      out.emplace(id, user->displayName.empty() ? user->email : user->displayName);
    }
  }
  return out;
}

Poco::JSON::Object::Ptr historyJson(const HistorySubject& subject,
                                    const std::vector<db::AuditEntry>& entries,
                                    const db::Principal& viewer,
                                    const std::map<std::int64_t, std::string>& names) {
  const bool insider =
      viewer.isAdmin() || (subject.ownerStartUpId && viewer.belongsTo(*subject.ownerStartUpId));
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& e : entries) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    // Entry numbers count every audited action of the cluster: administrators only
    // (docs/threat-model.md, "Record numbers").
    if (viewer.isAdmin()) {
      o->set("id", e.id);
    } else {
      o->set("id", Poco::Dynamic::Var());
    }
    o->set("at", e.at);
    Poco::JSON::Object::Ptr actor = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (e.actorId) {
      actor->set("id", *e.actorId);
    } else {
      actor->set("id", Poco::Dynamic::Var());
    }
    actor->set("label", actorLabel(e, insider));
    auto name = e.actorId ? names.find(*e.actorId) : names.end();
    if (insider && name != names.end()) {
      actor->set("name", name->second);
    } else {
      actor->set("name", Poco::Dynamic::Var());
    }
    o->set("actor", actor);
    o->set("action", e.action);
    o->set("record_type", e.recordType);
    o->set("record_id", e.recordId);
    Poco::Dynamic::Var before = snapshot(e.beforeJson);
    Poco::Dynamic::Var after = snapshot(e.afterJson);
    if (subject.redact) {
      subject.redact(e.recordType, before);
      subject.redact(e.recordType, after);
    }
    o->set("before", before);
    o->set("after", after);
    if (e.reason) {
      o->set("reason", *e.reason);
    } else {
      o->set("reason", Poco::Dynamic::Var());
    }
    o->set("hash", e.hash);
    items->add(o);
  }
  Poco::JSON::Object::Ptr record = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (!subject.records.empty()) {
    record->set("type", subject.records.front().recordType);
    record->set("id", subject.records.front().recordId);
  }
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("record", record);
  out->set("items", items);
  out->set("total", static_cast<std::int64_t>(entries.size()));
  return out;
}

void addHistoryEndpoint(Router& router, const std::string& pattern, const std::string& summary,
                     HistoryResolver resolve, Access access) {
  router.add({"GET", pattern, access,
              [resolve = std::move(resolve)](RequestContext& ctx) {
                HistorySubject subject = resolve(ctx);
                if (subject.records.empty()) throw internalError("history of nothing");
                std::map<std::int64_t, std::string> names;
                auto entries = ctx.runtime().db.read([&](db::Connection& c) {
                  auto found = db::auditEntriesFor(c, subject.records);
                  std::vector<std::int64_t> actors;
                  for (const auto& e : found) {
                    if (e.actorId) actors.push_back(*e.actorId);
                  }
                  names = userDisplayNames(c, actors);
                  return found;
                });
                ctx.sendJson(200, historyJson(subject, entries, ctx.principal(), names));
              },
              summary});
}

}  // namespace argan::server
