// The caller's inbox.
//   GET   /api/notifications            newest first (?unread=true, page, page_size) with counts
//   GET   /api/notifications/unread     {unread, by_kind} for the header's badge
//   PATCH /api/notifications/{number}   {read: true | false}
//   POST  /api/notifications/read-all   mark every notification read
// Numbers count per user: a user's inbox says nothing about anybody else's.
#include "common/error.h"
#include "db/notification_store.h"
#include "server/http/endpoints.h"
#include "server/http/request_context.h"
#include "server/json/json_fields.h"
#include "server/json/json_output.h"
#include "server/json/need_json.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

void listHandler(RequestContext& ctx) {
  const bool unreadOnly = ctx.query("unread") == std::optional<std::string>("true");
  std::int64_t page = ctx.queryInt("page").value_or(0);
  std::int64_t pageSize = ctx.queryInt("page_size").value_or(50);
  auto result = ctx.runtime().db.read([&](db::Connection& c) {
    return db::listNotifications(c, ctx.principal().userId, unreadOnly, page, pageSize);
  });
  Object::Ptr out = orderedObject();
  Array::Ptr items = new Array;
  for (const auto& n : result.items) items->add(notificationJson(n));
  out->set("items", items);
  out->set("total", result.total);
  out->set("unread", result.unread);
  ctx.sendJson(200, out);
}

void unreadHandler(RequestContext& ctx) {
  auto count = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::unreadNotifications(c, ctx.principal().userId); });
  Object::Ptr out = orderedObject();
  out->set("unread", count.total);
  Object::Ptr byKind = orderedObject();
  for (const auto& [kind, n] : count.byKind) byKind->set(kind, n);
  out->set("by_kind", byKind);
  ctx.sendJson(200, out);
}

void patchHandler(RequestContext& ctx) {
  std::int64_t number = ctx.positiveIdParam("number", "notification");
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"read"});
  auto read = body.optBool("read");
  if (!read) throw invalidArgument("'read' is required (true or false)", {{"field", "read"}});
  auto n = ctx.runtime().db.write([&](db::Connection& c) {
    return db::markNotification(c, ctx.runtime().clock, ctx.principal().userId, number, *read);
  });
  ctx.sendJson(200, notificationJson(n));
}

void readAllHandler(RequestContext& ctx) {
  auto marked = ctx.runtime().db.write([&](db::Connection& c) {
    return db::markAllNotificationsRead(c, ctx.runtime().clock, ctx.principal().userId);
  });
  Object::Ptr out = orderedObject();
  out->set("marked", marked);
  out->set("unread", static_cast<std::int64_t>(0));
  ctx.sendJson(200, out);
}

}  // namespace

void addNotificationEndpoints(Router& router) {
  router.add({"GET", "/api/notifications", Access::Authenticated, listHandler,
              "the caller's notifications, newest first (?unread=true)"});
  router.add({"GET", "/api/notifications/unread", Access::Authenticated, unreadHandler,
              "the number of unread notifications, by kind"});
  router.add({"PATCH", "/api/notifications/{number}", Access::Authenticated, patchHandler,
              "mark one notification read or unread ({read})"});
  router.add({"POST", "/api/notifications/read-all", Access::Authenticated, readAllHandler,
              "mark every notification read"});
}

}  // namespace argan::server
