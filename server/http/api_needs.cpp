// The needs board: partners' needs, their matches, and the responses and projects they draw.
//   GET   /api/needs                    needs the caller may see (?status, sector, function,
//                                       mine, q, matching, page, page_size)
//   POST  /api/needs                    a partner posts one (administrators: "partner")
//   GET   /api/needs/vocabulary         sectors, functions, constraints, property keys...
//   GET   /api/needs/{id}               one need, with the responses and projects the caller
//                                       may see
//   PATCH /api/needs/{id}               change it; {status: closed, outcome, ...} or {status: open}
//   GET   /api/needs/{id}/matches       the caller's matches: the partner's are public records,
//                                       a start-up's its own records, an administrator's all
//   GET   /api/needs/{id}/responses     responses the caller may see
//   POST  /api/needs/{id}/responses     a start-up answers ({summary, shares?})
//   GET   /api/needs/{id}/projects      projects the caller may see
//   POST  /api/needs/{id}/projects      a start-up opens a research project
//   GET   /api/overview/needs           the cluster's view (administrators)
// Who sees a need: db/need_store.h. A need the caller may not see answers 404.
#include "common/error.h"
#include "db/need_overview.h"
#include "db/need_project_store.h"
#include "db/need_response_store.h"
#include "db/need_store.h"
#include "db/record_codes.h"
#include "server/http/endpoints.h"
#include "server/http/need_requests.h"
#include "server/http/product_requests.h"
#include "server/http/request_context.h"
#include "server/json/need_json.h"
#include "server/json/product_json.h"
#include "server/registry/need_matching.h"
#include "server/registry/needs.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// May the caller see matches of this need? Its partner, start-ups that see it, administrators.
bool mayMatch(const db::Principal& who, const db::Need& need) {
  return who.isAdmin() || need.isOwner(who) ||
         (who.isStartUpMember() && db::startUpSeesNeed(need, *who.startUpId));
}

void listHandler(RequestContext& ctx) {
  db::NeedFilter filter;
  filter.status = ctx.queryFilter("status");
  filter.sector = ctx.queryFilter("sector");
  filter.function = ctx.queryFilter("function");
  filter.text = ctx.queryFilter("q");
  filter.mine = ctx.query("mine") == std::optional<std::string>("true");
  if (filter.mine && ctx.principal().role != db::Role::Partner) {
    throw invalidArgument("mine=true lists a partner's own needs", {{"field", "mine"}});
  }
  const bool matching = ctx.query("matching") == std::optional<std::string>("true");
  if (matching && !ctx.principal().isStartUpMember()) {
    throw invalidArgument("matching=true lists the needs a start-up's records match",
                          {{"field", "matching"}});
  }
  std::int64_t page = ctx.queryInt("page").value_or(0);
  std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
  const db::Principal& who = ctx.principal();
  Runtime& runtime = ctx.runtime();
  if (matching) {
    // Open needs where the start-up's own records match, each with its count.
    filter.status = "open";
    auto all = runtime.db.read(
        [&](db::Connection& c) { return db::listNeeds(c, who, filter, 0, 200).items; });
    Array::Ptr items = new Array;
    std::int64_t total = 0;
    for (const auto& listed : all) {
      auto need = runtime.db.read([&](db::Connection& c) { return db::findNeed(c, who, listed.id); });
      if (!need) continue;
      NeedMatches m = matchNeed(runtime, *need, MatchAudience::of(who));
      if (m.items.empty()) continue;
      ++total;
      if (total <= page * pageSize || total > (page + 1) * pageSize) continue;
      NeedView view;
      view.matchCount = static_cast<std::int64_t>(m.items.size());
      view.matchScope = m.scope;
      runtime.db.read([&](db::Connection& c) {
        items->add(needJson(c, who, *need, today(ctx), view));
      });
    }
    Object::Ptr out = itemsJson(items);
    out->set("total", total);
    ctx.sendJson(200, out);
    return;
  }
  auto result = runtime.db.read([&](db::Connection& c) {
    auto page_ = db::listNeeds(c, who, filter, page, pageSize);
    Array::Ptr items = new Array;
    for (const auto& n : page_.items) items->add(needJson(c, who, n, today(ctx)));
    Object::Ptr out = itemsJson(items);
    out->set("total", page_.total);
    return out;
  });
  ctx.sendJson(200, result);
}

void createHandler(RequestContext& ctx) {
  JsonFields body(ctx.jsonBody());
  NeedDraft draft = ctx.runtime().db.read(
      [&](db::Connection& c) { return readNeedDraft(c, body, /*creating=*/true); });
  db::Need need = postNeed(ctx.runtime(), ctx.principal(), draft);
  auto out = ctx.runtime().db.read(
      [&](db::Connection& c) { return needJson(c, ctx.principal(), need, today(ctx)); });
  ctx.sendJson(201, out);
}

void vocabularyHandler(RequestContext& ctx) {
  ctx.sendJson(200, needVocabularyJson());
}

Object::Ptr detailJson(RequestContext& ctx, const db::Need& need) {
  const db::Principal& who = ctx.principal();
  NeedView view;
  view.detail = true;
  if (mayMatch(who, need)) {
    NeedMatches m = matchNeed(ctx.runtime(), need, MatchAudience::of(who));
    view.matchCount = static_cast<std::int64_t>(m.items.size());
    view.matchScope = m.scope;
  }
  return ctx.runtime().db.read([&](db::Connection& c) {
    db::ResponseFilter rf;
    rf.needId = need.id;
    view.responses = db::listResponses(c, who, rf);
    db::ProjectFilter pf;
    pf.needId = need.id;
    view.projects = db::listProjects(c, who, pf);
    return needJson(c, who, need, today(ctx), view);
  });
}

void getHandler(RequestContext& ctx) {
  db::Need need = visibleNeed(ctx);
  ctx.sendJson(200, detailJson(ctx, need));
}

void patchHandler(RequestContext& ctx) {
  std::int64_t id = needIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  db::Need need;
  if (body.has("status")) {
    body.allowOnly({"status", "outcome", "response", "outcome_note"});
    std::string status = body.reqString("status", 20);
    if (status == "closed") {
      std::string outcome = body.reqString("outcome", 40);
      std::optional<std::int64_t> responseId;
      if (auto r = body.optString("response", 40)) {
        responseId = db::parsePrefixedCode("RSP", *r);
        if (!responseId) {
          throw invalidArgument("response names a response (RSP-000001)", {{"field", "response"}});
        }
      }
      need = closeNeed(ctx.runtime(), ctx.principal(), id, outcome, responseId,
                       body.optString("outcome_note", 5000).value_or(""));
    } else if (status == "open") {
      if (body.has("outcome") || body.has("response") || body.has("outcome_note")) {
        throw invalidArgument("reopening takes no outcome", {{"field", "outcome"}});
      }
      need = reopenNeed(ctx.runtime(), ctx.principal(), id);
    } else {
      throw invalidArgument("status can be set to closed (with an outcome) or open",
                            {{"field", "status"}});
    }
  } else {
    NeedDraft draft = ctx.runtime().db.read(
        [&](db::Connection& c) { return readNeedDraft(c, body, /*creating=*/false); });
    need = changeNeed(ctx.runtime(), ctx.principal(), id, draft);
  }
  ctx.sendJson(200, detailJson(ctx, need));
}

void matchesHandler(RequestContext& ctx) {
  db::Need need = visibleNeed(ctx);
  const db::Principal& who = ctx.principal();
  if (!mayMatch(who, need)) {
    throw permissionDenied("the matches of " + need.code() +
                           " are for the partner who posted it and the start-ups it is shown to");
  }
  NeedMatches matches = matchNeed(ctx.runtime(), need, MatchAudience::of(who));
  auto out = ctx.runtime().db.read(
      [&](db::Connection& c) { return matchesJson(c, need, matches); });
  ctx.sendJson(200, out);
}

void responsesHandler(RequestContext& ctx) {
  db::Need need = visibleNeed(ctx);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    db::ResponseFilter filter;
    filter.needId = need.id;
    filter.status = ctx.queryFilter("status");
    Array::Ptr items = new Array;
    for (const auto& r : db::listResponses(c, ctx.principal(), filter)) {
      items->add(responseJson(ctx.principal(), need, r, false));
    }
    return itemsJson(items);
  });
  ctx.sendJson(200, out);
}

std::int64_t ownStartUp(RequestContext& ctx, const JsonFields& body) {
  const db::Principal& who = ctx.principal();
  auto given = body.optInt("start_up");
  if (who.isAdmin()) {
    if (!given) {
      throw invalidArgument("an administrator names the start-up (start_up)",
                            {{"field", "start_up"}});
    }
    return *given;
  }
  if (given && *given != who.startUpId.value_or(-1)) {
    throw permissionDenied("a start-up acts in its own name only");
  }
  return who.startUpId.value_or(-1);
}

void respondHandler(RequestContext& ctx) {
  std::int64_t id = needIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"summary", "start_up", "shares"});
  std::string summary = body.reqString("summary", 40000);
  std::int64_t startUp = ownStartUp(ctx, body);
  std::vector<ShareDraft> shares;
  if (auto list = body.optArray("shares")) {
    if (list->size() > 50) {
      throw invalidArgument("a response shares at most 50 records at once", {{"field", "shares"}});
    }
    ctx.runtime().db.read([&](db::Connection& c) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::string path = "shares[" + std::to_string(i) + "]";
        auto item = list->getObject(static_cast<unsigned>(i));
        if (!item) throw invalidArgument(path + " must be an object", {{"field", path}});
        shares.push_back(readShareDraft(c, JsonFields(item, path)));
      }
    });
  }
  db::NeedResponse r = respondToNeed(ctx.runtime(), ctx.principal(), id, startUp, summary, shares);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    db::Need need = db::requireNeed(c, db::Principal::system("needs"), r.needId);
    return responseJson(ctx.principal(), need, r, true);
  });
  ctx.sendJson(201, out);
}

void projectsHandler(RequestContext& ctx) {
  db::Need need = visibleNeed(ctx);
  auto out = ctx.runtime().db.read([&](db::Connection& c) {
    db::ProjectFilter filter;
    filter.needId = need.id;
    Array::Ptr items = new Array;
    for (const auto& p : db::listProjects(c, ctx.principal(), filter)) {
      items->add(projectJson(ctx.principal(), p));
    }
    return itemsJson(items);
  });
  ctx.sendJson(200, out);
}

void openProjectHandler(RequestContext& ctx) {
  std::int64_t id = needIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"title", "summary", "stage", "trl", "disclosure", "show_start_up", "status",
                  "start_up", "links"});
  std::int64_t startUp = ownStartUp(ctx, body);
  db::ProjectInput input = readProjectInput(body);
  std::vector<LinkDraft> links;
  if (auto list = body.optArray("links")) {
    if (list->size() > 50) {
      throw invalidArgument("a project links at most 50 records at once", {{"field", "links"}});
    }
    ctx.runtime().db.read([&](db::Connection& c) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::string path = "links[" + std::to_string(i) + "]";
        auto item = list->getObject(static_cast<unsigned>(i));
        if (!item) throw invalidArgument(path + " must be an object", {{"field", path}});
        links.push_back(readLinkDraft(c, JsonFields(item, path)));
      }
    });
  }
  db::NeedProject p = openProject(ctx.runtime(), ctx.principal(), id, startUp, input, links);
  ctx.sendJson(201, projectJson(ctx.principal(), p));
}

void overviewHandler(RequestContext& ctx) {
  auto overview = ctx.runtime().db.read([](db::Connection& c) { return db::needOverview(c); });
  ctx.sendJson(200, needOverviewJson(overview));
}

}  // namespace

std::int64_t needIdParam(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("NEED", ctx.param("id"));
  if (!id) throw notFound("no need '" + ctx.param("id") + "'");
  return *id;
}

db::Need visibleNeed(RequestContext& ctx) {
  std::int64_t id = needIdParam(ctx);
  auto need = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findNeed(c, ctx.principal(), id); });
  if (!need) throw notFound("no need " + db::needCode(id));
  return *need;
}

void addNeedEndpoints(Router& router) {
  router.add({"GET", "/api/needs", Access::Public, listHandler,
              "needs the caller may see (?status, sector, function, mine, q, matching, page)"});
  router.add({"POST", "/api/needs", Access::Authenticated, createHandler,
              "a partner posts a need ({title, statement, visibility, structure?, ...})"});
  router.add({"GET", "/api/needs/vocabulary", Access::Public, vocabularyHandler,
              "sectors, functions, regulatory constraints, property keys of needs"});
  router.add({"GET", "/api/needs/{id}", Access::Public, getHandler,
              "one need with the responses and projects the caller may see"});
  router.add({"PATCH", "/api/needs/{id}", Access::Authenticated, patchHandler,
              "change a need, close it with an outcome or reopen it"});
  router.add({"GET", "/api/needs/{id}/matches", Access::Authenticated, matchesHandler,
              "the caller's matches: public records (partner), own records (start-up)"});
  router.add({"GET", "/api/needs/{id}/responses", Access::Authenticated, responsesHandler,
              "responses to a need that the caller may see"});
  router.add({"POST", "/api/needs/{id}/responses", Access::StartUpMember, respondHandler,
              "a start-up answers a need ({summary, shares?: [{type, id, note?}]})"});
  router.add({"GET", "/api/needs/{id}/projects", Access::Authenticated, projectsHandler,
              "research projects against a need, as the caller may see them"});
  router.add({"POST", "/api/needs/{id}/projects", Access::StartUpMember, openProjectHandler,
              "a start-up opens a research project against a need"});
  router.add({"GET", "/api/overview/needs", Access::Admin, overviewHandler,
              "the cluster's needs: by sector and status, response rate and time, needs -> "
              "projects -> products"});
}

}  // namespace argan::server
