#include "server/http_server.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <sstream>

#include "common/error.h"
#include "server/api_error.h"
#include "server/authentication.h"
#include "server/request_context.h"
#include "server/static_files.h"

namespace argan::server {
namespace {

void checkAccess(Access access, const db::Principal& who) {
  using db::Role;
  bool anonymous = who.role == Role::Anonymous;
  switch (access) {
    case Access::Public:
      return;
    case Access::Authenticated:
      if (anonymous) throw unauthenticated("sign in or send an API token to use this endpoint");
      return;
    case Access::StartUpMember:
      if (anonymous) throw unauthenticated("sign in or send an API token to use this endpoint");
      if (!(who.isAdmin() || who.isStartUpMember())) {
        throw permissionDenied("only start-up members and administrators may do this");
      }
      return;
    case Access::Admin:
      if (anonymous) throw unauthenticated("sign in or send an API token to use this endpoint");
      if (!who.isAdmin()) throw permissionDenied("only cluster administrators may do this");
      return;
  }
}

// Answers with the JSON error body. `status` overrides the code's usual status (405 only).
void sendError(Poco::Net::HTTPServerResponse& response, const Error& error, int status = 0) {
  if (response.sent()) return;
  std::ostringstream out;
  errorBody(error)->stringify(out);
  std::string body = out.str();
  if (status == 0) status = httpStatusFor(error.code());
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/json; charset=utf-8");
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.set("Cache-Control", "no-store");
  if (status == 503 || status == 429) {
    auto it = error.details().find("retry_after_s");
    std::int64_t seconds = 1;
    if (it != error.details().end() && std::holds_alternative<std::int64_t>(it->second)) {
      seconds = std::get<std::int64_t>(it->second);
    }
    response.set("Retry-After", std::to_string(seconds));
  }
  if (status == 401) response.set("WWW-Authenticate", "Bearer realm=\"argan\"");
  // The body of a failed request may be unread; do not reuse the connection.
  response.setKeepAlive(false);
  response.send() << body;
}

class ArganRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ArganRequestHandler(Services& services, const Router& router)
      : services_(services), router_(router) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    Poco::Timestamp started;
    std::string path;
    try {
      path = Poco::URI(request.getURI()).getPath();
    } catch (const Poco::Exception&) {
      sendError(response, invalidArgument("malformed request URI"));
      return;
    }
    try {
      if (path == "/api" || path.rfind("/api/", 0) == 0) {
        handleApi(request, response, path);
      } else {
        serveStaticFile(request, response, services_.config.webRoot, path);
      }
    } catch (const Error& e) {
      sendError(response, e);
    } catch (const Poco::Net::NetException&) {
      // The client went away mid-request; nothing to answer.
    } catch (const Poco::Exception& e) {
      Poco::Logger::get("argan.http").error("unexpected error on %s: %s", path, e.displayText());
      sendError(response, internalError("unexpected server error"));
    } catch (const std::exception& e) {
      Poco::Logger::get("argan.http").error("unexpected error on %s: %s", path,
                                            std::string(e.what()));
      sendError(response, internalError("unexpected server error"));
    } catch (...) {
      sendError(response, internalError("unexpected server error"));
    }
    Poco::Logger::get("argan.http")
        .information("%s %s %d %.1fms", request.getMethod(), path,
                     static_cast<int>(response.getStatus()),
                     static_cast<double>(started.elapsed()) / 1000.0);
  }

 private:
  void handleApi(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                 const std::string& path) {
    PathParams params;
    bool pathExists = false;
    const Route* route = router_.match(request.getMethod(), path, params, pathExists);
    if (!route) {
      if (pathExists) {
        sendError(response,
                  invalidArgument("method " + request.getMethod() + " is not allowed on " + path),
                  405);
        return;
      }
      throw notFound("no API endpoint " + request.getMethod() + " " + path);
    }
    // Sign-in routes carry their credentials in the body and ignore any session cookie.
    Authentication auth = route->session == SessionRule::SignIn
                               ? Authentication{}
                               : authenticateRequest(request, services_);
    checkAccess(route->access, auth.principal);
    enforceCredentialRules(*route, request, auth);
    RequestContext context(request, response, services_, std::move(params), std::move(auth));
    route->handler(context);
    if (!context.responded()) throw internalError("the handler sent no answer");
  }

  Services& services_;
  const Router& router_;
};

class ArganHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ArganHandlerFactory(Services& services, const Router& router)
      : services_(services), router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new ArganRequestHandler(services_, router_);
  }

 private:
  Services& services_;
  const Router& router_;
};

}  // namespace

HttpServer::HttpServer(Services& services, const Router& router)
    : services_(services), router_(router) {
  const AppConfig& config = services.config;
  Poco::Net::SocketAddress address(config.host, static_cast<Poco::UInt16>(config.port));
  Poco::Net::ServerSocket socket(address, /*backlog=*/128);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(config.threads);
  params->setMaxQueued(config.maxQueued);
  params->setTimeout(Poco::Timespan(config.requestTimeoutSeconds, 0));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  params->setMaxKeepAliveRequests(1000);
  params->setServerName("argan");
  pool_ = std::make_unique<Poco::ThreadPool>(2, config.threads, 60);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new ArganHandlerFactory(services, router),
                                                    *pool_, socket, params);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() { server_->start(); }

void HttpServer::stop() {
  if (server_) {
    server_->stopAll(/*abortCurrent=*/false);
    pool_->joinAll();
    server_.reset();
  }
}

int HttpServer::port() const { return port_; }

}  // namespace argan::server
