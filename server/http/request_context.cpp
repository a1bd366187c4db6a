#include "server/http/request_context.h"

#include <Poco/JSON/Stringifier.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "server/json/json_fields.h"

namespace argan::server {

RequestContext::RequestContext(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response, Runtime& runtime,
                               PathParams params, Authentication authentication)
    : request_(request),
      response_(response),
      runtime_(runtime),
      params_(std::move(params)),
      auth_(std::move(authentication)) {}

namespace {
Authentication fromPrincipal(db::Principal principal) {
  Authentication auth;
  auth.kind = principal.role == db::Role::Anonymous ? CredentialKind::None
                                                     : CredentialKind::ApiToken;
  auth.principal = std::move(principal);
  return auth;
}
}  // namespace

RequestContext::RequestContext(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response, Runtime& runtime,
                               PathParams params, db::Principal principal)
    : RequestContext(request, response, runtime, std::move(params),
                     fromPrincipal(std::move(principal))) {}

const std::string& RequestContext::method() const { return request_.getMethod(); }

std::string RequestContext::path() const { return Poco::URI(request_.getURI()).getPath(); }

const std::string& RequestContext::param(const std::string& name) const {
  auto it = params_.find(name);
  if (it == params_.end()) throw internalError("route has no parameter '" + name + "'");
  return it->second;
}

std::int64_t RequestContext::positiveIdParam(const std::string& name, const std::string& what) const {
  const std::string& raw = param(name);
  // Up to 18 digits always fits an int64_t; ids are never that large.
  bool digits = !raw.empty() && raw.size() <= 18 &&
                std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::int64_t id = digits ? std::stoll(raw) : 0;
  if (id <= 0) throw notFound("no " + what + " '" + raw + "'");
  return id;
}

const std::map<std::string, std::string>& RequestContext::queryMap() const {
  if (!query_) {
    query_.emplace();
    Poco::URI uri;
    try {
      uri = Poco::URI(request_.getURI());
    } catch (const Poco::Exception& e) {
      throw invalidArgument("malformed request URI: " + e.message());
    }
    for (const auto& [k, v] : uri.getQueryParameters()) (*query_)[k] = v;
  }
  return *query_;
}

std::optional<std::string> RequestContext::query(const std::string& name) const {
  const auto& q = queryMap();
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  if (it->second.size() > 4096 || !isCleanUtf8(it->second)) {
    throw invalidArgument("query parameter '" + name + "' is too long or not clean UTF-8",
                          {{"field", name}});
  }
  return it->second;
}

std::optional<std::string> RequestContext::queryFilter(const std::string& name) const {
  auto v = query(name);
  if (v && v->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  return v;
}

std::optional<std::int64_t> RequestContext::queryInt(const std::string& name) const {
  auto v = query(name);
  if (!v || v->empty()) return std::nullopt;
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(*v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v->size()) {
    throw invalidArgument("query parameter '" + name + "' must be an integer, got '" + *v + "'",
                          {{"field", name}});
  }
  return n;
}

std::optional<double> RequestContext::queryNumber(const std::string& name) const {
  auto v = query(name);
  if (!v || v->empty()) return std::nullopt;
  std::size_t used = 0;
  double d = 0;
  try {
    d = std::stod(*v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v->size() || !std::isfinite(d)) {
    throw invalidArgument("query parameter '" + name + "' must be a number, got '" + *v + "'",
                          {{"field", name}});
  }
  return d;
}

namespace {

// Reads and discards what is left of an oversized body (up to kDrainLimit bytes), so the
// client, still sending, receives the 413 instead of a reset connection.
constexpr std::streamsize kDrainLimit = 64 * 1024 * 1024;

void drain(std::istream& in) {
  char buffer[65536];
  std::streamsize total = 0;
  try {
    while (in && total < kDrainLimit) {
      in.read(buffer, sizeof buffer);
      total += in.gcount();
    }
  } catch (...) {
    // The body stopped coming (slow, cut off): the 413 is still the answer.
  }
}

Error tooLarge(std::size_t limit, const std::string& size) {
  return Error(ErrorCode::PayloadTooLarge,
               "the request body" + size + " is larger than the limit of " +
                   std::to_string(limit) + " bytes",
               {{"limit", static_cast<std::int64_t>(limit)}});
}

}  // namespace

const std::string& RequestContext::body(std::size_t limit) {
  if (body_) return *body_;
  if (limit == 0) limit = runtime_.config.maxBodyBytes;
  std::istream& in = request_.stream();
  if (request_.hasContentLength() &&
      request_.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    if (request_.getContentLength64() <= kDrainLimit) drain(in);
    throw tooLarge(limit, " (" + std::to_string(request_.getContentLength64()) + " bytes)");
  }
  std::string data;
  char buffer[16384];
  while (in) {
    in.read(buffer, sizeof buffer);
    data.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (data.size() > limit) {
      drain(in);
      throw tooLarge(limit, "");
    }
  }
  if (request_.hasContentLength() &&
      static_cast<Poco::Int64>(data.size()) < request_.getContentLength64()) {
    // The client stopped sending (or was cut off at the request deadline).
    throw invalidArgument("the request body ended after " + std::to_string(data.size()) +
                          " of the " + std::to_string(request_.getContentLength64()) +
                          " bytes announced by Content-Length");
  }
  body_ = std::move(data);
  return *body_;
}

Poco::JSON::Object::Ptr RequestContext::jsonBody() {
  // application/json or any +json type, with or without parameters (charset=utf-8).
  std::string type = request_.getContentType();
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool json = type == "application/json" ||
              (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
  if (!json) {
    throw invalidArgument("the request body must be sent as application/json (Content-Type was '" +
                              (type.empty() ? std::string("none") : type.substr(0, 100)) + "')",
                          {{"field", "Content-Type"}});
  }
  return parseJsonObject(body());
}

void RequestContext::sendJson(int status, const Poco::JSON::Object::Ptr& body) {
  sendJson(status, Poco::Dynamic::Var(body));
}

void RequestContext::sendJson(int status, const Poco::Dynamic::Var& body) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(body, out);
  sendText(status, "application/json; charset=utf-8", out.str());
}

void RequestContext::sendText(int status, const std::string& contentType,
                              const std::string& body) {
  response_.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response_.setContentType(contentType);
  response_.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response_.set("Cache-Control", "no-store");
  response_.set("X-Content-Type-Options", "nosniff");
  response_.send() << body;
  responded_ = true;
}

void RequestContext::sendNoContent() {
  response_.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
  response_.setContentLength64(0);
  response_.send();
  responded_ = true;
}

void RequestContext::sendFile(int status, const std::string& contentType, const std::string& path,
                              const std::string& downloadName) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw unavailable("the file to send could not be read");
  in.seekg(0, std::ios::end);
  auto size = static_cast<Poco::Int64>(in.tellg());
  in.seekg(0);
  response_.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response_.setContentType(contentType);
  response_.setContentLength64(size);
  response_.set("Cache-Control", "no-store");
  response_.set("X-Content-Type-Options", "nosniff");
  if (!downloadName.empty()) {
    response_.set("Content-Disposition", "attachment; filename=\"" + downloadName + "\"");
  }
  std::ostream& out = response_.send();
  responded_ = true;
  Poco::StreamCopier::copyStream(in, out);
}

}  // namespace argan::server
