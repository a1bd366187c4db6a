// Inquiries: partners ask about catalogue products; the owning start-up answers.
//   POST /api/products/{id}/inquiries   a partner opens one ({subject, message})
//   GET  /api/products/{id}/inquiries   the inquiries about a product the caller takes part in
//   GET  /api/inquiries                 the caller's inquiries (?product=, ?status=)
//   GET  /api/inquiries/{id}            one inquiry with its thread
//   POST /api/inquiries/{id}/messages   answer or follow up ({message})
//   PATCH /api/inquiries/{id}           close or reopen ({status: closed | open})
//   POST /api/inquiries/{id}/read       the caller has read the thread (unread counts)
// Only the partner who asked, the owning start-up and administrators see an inquiry.
#include "common/error.h"
#include "db/inquiry_store.h"
#include "db/record_codes.h"
#include "server/http/endpoints.h"
#include "server/json/json_fields.h"
#include "server/json/product_json.h"
#include "server/http/product_requests.h"
#include "server/http/request_context.h"

namespace argan::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::int64_t inquiryIdParam(RequestContext& ctx) {
  auto id = db::parsePrefixedCode("INQ", ctx.param("id"));
  if (!id) throw notFound("no inquiry '" + ctx.param("id") + "'");
  return *id;
}

// {"items", "total", "unread": inquiries with messages the caller has not read}
Object::Ptr listJson(const std::vector<db::Inquiry>& inquiries) {
  Array::Ptr items = new Array;
  std::int64_t unread = 0;
  for (const auto& q : inquiries) {
    items->add(inquiryJson(q, false));
    if (q.unread > 0) ++unread;
  }
  Object::Ptr out = itemsJson(items);
  out->set("unread", unread);
  return out;
}

void createHandler(RequestContext& ctx) {
  std::int64_t productId = productIdFrom(ctx.param("id"));
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"subject", "message"});
  std::string subject = body.reqString("subject", 1000);
  std::string message = body.reqString("message", 10000);
  auto inquiry = ctx.runtime().db.write([&](db::Connection& c) {
    return db::createInquiry(c, ctx.runtime().clock, ctx.principal(), productId, subject, message);
  });
  ctx.sendJson(201, inquiryJson(inquiry, true));
}

void productListHandler(RequestContext& ctx) {
  db::Product product = visibleProduct(ctx);
  db::InquiryFilter filter;
  filter.productId = product.id;
  filter.status = ctx.queryFilter("status");
  auto list = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::listInquiries(c, ctx.principal(), filter); });
  ctx.sendJson(200, listJson(list));
}

void listHandler(RequestContext& ctx) {
  db::InquiryFilter filter;
  if (auto product = ctx.queryFilter("product")) filter.productId = productIdFrom(*product);
  filter.status = ctx.queryFilter("status");
  auto list = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::listInquiries(c, ctx.principal(), filter); });
  ctx.sendJson(200, listJson(list));
}

void getHandler(RequestContext& ctx) {
  std::int64_t id = inquiryIdParam(ctx);
  auto inquiry = ctx.runtime().db.read(
      [&](db::Connection& c) { return db::findInquiry(c, ctx.principal(), id); });
  if (!inquiry) throw notFound("no inquiry " + db::inquiryCode(id));
  ctx.sendJson(200, inquiryJson(*inquiry, true));
}

void messageHandler(RequestContext& ctx) {
  std::int64_t id = inquiryIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"message"});
  std::string message = body.reqString("message", 10000);
  auto inquiry = ctx.runtime().db.write([&](db::Connection& c) {
    return db::addInquiryMessage(c, ctx.runtime().clock, ctx.principal(), id, message);
  });
  ctx.sendJson(201, inquiryJson(inquiry, true));
}

void readHandler(RequestContext& ctx) {
  std::int64_t id = inquiryIdParam(ctx);
  auto inquiry = ctx.runtime().db.write([&](db::Connection& c) {
    return db::markInquiryRead(c, ctx.runtime().clock, ctx.principal(), id);
  });
  ctx.sendJson(200, inquiryJson(inquiry, true));
}

void patchHandler(RequestContext& ctx) {
  std::int64_t id = inquiryIdParam(ctx);
  JsonFields body(ctx.jsonBody());
  body.allowOnly({"status"});
  std::string status = body.reqString("status", 20);
  auto inquiry = ctx.runtime().db.write([&](db::Connection& c) {
    return db::setInquiryStatus(c, ctx.runtime().clock, ctx.principal(), id, status);
  });
  ctx.sendJson(200, inquiryJson(inquiry, true));
}

}  // namespace

void addInquiryEndpoints(Router& router) {
  router.add({"POST", "/api/products/{id}/inquiries", Access::Authenticated, createHandler,
              "a partner asks about a catalogue product ({subject, message})"});
  router.add({"GET", "/api/products/{id}/inquiries", Access::Authenticated, productListHandler,
              "inquiries about a product that the caller takes part in"});
  router.add({"GET", "/api/inquiries", Access::Authenticated, listHandler,
              "the caller's inquiries (?product=, ?status=open|answered|closed)"});
  router.add({"GET", "/api/inquiries/{id}", Access::Authenticated, getHandler,
              "one inquiry with its thread"});
  router.add({"POST", "/api/inquiries/{id}/messages", Access::Authenticated, messageHandler,
              "answer or follow up an inquiry ({message})"});
  router.add({"POST", "/api/inquiries/{id}/read", Access::Authenticated, readHandler,
              "the caller has read an inquiry's thread (its unread count becomes 0)"});
  router.add({"PATCH", "/api/inquiries/{id}", Access::Authenticated, patchHandler,
              "close or reopen an inquiry ({status: closed | open})"});
}

}  // namespace argan::server
