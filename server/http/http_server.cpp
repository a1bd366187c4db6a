#include "server/http/http_server.h"
#include "server/http/security_headers.h"

#include <Poco/Buffer.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <malloc.h>

#include <cerrno>
#include <optional>
#include <sstream>

#include "common/error.h"
#include "server/http/api_error.h"
#include "server/http/authentication.h"
#include "server/http/request_context.h"
#include "server/http/static_files.h"

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

// The gate's socket under a request (null for a request that did not come through the gate).
const GateSocketImpl* gateSocketOf(Poco::Net::HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (!impl) return nullptr;
  return dynamic_cast<const GateSocketImpl*>(impl->socket().impl());
}

class ArganRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ArganRequestHandler(Runtime& runtime, const Router& router)
      : runtime_(runtime), router_(router) {}

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
        serveStaticFile(request, response, runtime_.config.webRoot, path);
      }
    } catch (const Error& e) {
      // A body that stopped coming because it was too slow looks like a short body to the
      // handler (the stream only sees its end): the answer says what happened.
      if (const GateSocketImpl* socket = gateSocketOf(request); socket && socket->slowBody()) {
        sendError(response,
                  invalidArgument(socket->slowBodyMessage(), {{"limit", "min_body_rate_bytes_s"}}),
                  408);
      } else {
        sendError(response, e);
      }
    } catch (const SlowBodyException& e) {
      sendError(response, invalidArgument(e.message(), {{"limit", "min_body_rate_bytes_s"}}),
                408);
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
    const Endpoint* route = router_.match(request.getMethod(), path, params, pathExists);
    if (!route) {
      if (pathExists) {
        sendError(response,
                  invalidArgument("method " + request.getMethod() + " is not allowed on " + path),
                  405);
        return;
      }
      throw notFound("no API endpoint " + request.getMethod() + " " + path);
    }
    Authentication auth = authenticateForEndpoint(*route, request, response, runtime_);
    checkAccess(route->access, auth.principal);
    enforceCredentialRules(*route, request, auth);
    RequestContext context(request, response, runtime_, std::move(params), std::move(auth));
    route->handler(context);
    if (!context.responded()) throw internalError("the handler sent no answer");
  }

  Runtime& runtime_;
  const Router& router_;
};

class ArganHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ArganHandlerFactory(Runtime& runtime, const Router& router)
      : runtime_(runtime), router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new ArganRequestHandler(runtime_, router_);
  }

 private:
  Runtime& runtime_;
  const Router& router_;
};

// True when the request body was read to its end (or there was none), so that the next bytes
// on the connection are the next request. Reads what is left of a small unread body.
bool bodyConsumed(std::istream& body) {
  char buffer[4096];
  std::streamsize budget = 64 * 1024;
  while (body && budget > 0) {
    body.read(buffer, sizeof buffer);
    budget -= body.gcount();
  }
  return body.eof() && !body.bad();
}

}  // namespace

// One request on a connection whose request the gate has (the head, and the body unless it
// is large). Poco's HTTPServerConnection would loop over keep-alive requests on this thread,
// blocking in reads; here the connection goes back to the gate after every answer.
ConnectionGate::Ending HttpServer::serveRequest(Poco::Net::StreamSocket& socket,
                                                std::optional<Error>& answer) {
  auto ending = ConnectionGate::Ending::kClose;
  auto* gated = dynamic_cast<GateSocketImpl*>(socket.impl());
  Poco::Net::HTTPServerSession session(socket, params_);
  try {
    Poco::Net::HTTPServerResponseImpl response(session);
    Poco::Net::HTTPServerRequestImpl request(response, session, params_);
    response.setDate(Poco::Timestamp());
    response.setVersion(request.getVersion());
    // A kept-alive connection waits for its next request in the gate, not on this thread.
    response.setKeepAlive(params_->getKeepAlive() && request.getKeepAlive());
    response.set("Server", "argan");
    for (const auto& [name, value] : securityHeaders()) response.set(name, value);
    std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
        handlers_->createRequestHandler(request));
    // The gate answers "100 Continue" itself when it reads the body.
    if (request.getExpectContinue() && !(gated && gated->continueSent())) {
      response.sendContinue();
    }
    handler->handleRequest(request, response);
    if (response.sent() && response.getKeepAlive() && bodyConsumed(request.stream())) {
      ending = ConnectionGate::Ending::kKeepAlive;
    }
  } catch (const Poco::Net::NoMessageException&) {
  } catch (const Poco::Net::MessageException& e) {
    ending = ConnectionGate::Ending::kAnswer;
    answer = invalidArgument("malformed HTTP request: " + e.message());
  } catch (const Poco::Exception&) {
    // The connection failed or was shut at its deadline: nothing more to answer.
  } catch (const std::exception& e) {
    Poco::Logger::get("argan.http").error("connection: %s", std::string(e.what()));
  }
  // Bytes of a pipelined request already read into the session cannot go back to the gate.
  if (ending == ConnectionGate::Ending::kKeepAlive) {
    Poco::Buffer<char> pipelined(0);
    session.drainBuffer(pipelined);
    if (pipelined.size() > 0) ending = ConnectionGate::Ending::kClose;
  }
  // The session would close the socket; the gate owns it.
  session.detachSocket();
  return ending;
}

GateOptions gateOptionsFor(const AppConfig& config) {
  GateOptions o;
  o.threads = config.threads;
  o.maxQueued = config.maxQueued;
  o.maxPending = config.maxPendingConnections;
  o.maxConnectionsPerClient = config.maxConnectionsPerClient;
  o.headerTimeoutMs = config.headerTimeoutMs;
  o.keepAliveTimeoutMs = config.keepAliveTimeoutMs;
  o.bodyIdleTimeoutMs = config.bodyIdleTimeoutMs;
  o.minBodyRate = config.minBodyRateBytesPerSecond;
  o.bufferBodyBytes = config.maxBodyBytes;
  o.maxStreamingThreads = std::max(1, config.threads / 2);
  o.requestDeadlineMs = config.requestDeadlineSeconds * 1000;
  o.maxQueueWaitMs = config.maxQueueWaitMs;
  return o;
}

HttpServer::HttpServer(Runtime& runtime, const Router& router) : runtime_(runtime) {
  const AppConfig& config = runtime.config;
  Poco::Net::SocketAddress address(config.host, static_cast<Poco::UInt16>(config.port));
  // A deep backlog: in a connection storm the kernel holds connections until the gate
  // answers them (503), instead of refusing them unanswered.
  // Without SO_REUSEPORT (Poco's ServerSocket(address) sets it): a second server on a port
  // in use must fail, not share the port and receive half of the first one's requests.
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
  } catch (const Poco::Net::NetException& e) {
    std::string why = e.code() == EADDRINUSE ? "the port is already in use (another server?)"
                                             : e.displayText();
    throw Error(ErrorCode::Unavailable, "cannot listen on " + address.toString() + ": " + why);
  }
  socket.listen(/*backlog=*/1024);
  port_ = socket.address().port();
  params_ = new Poco::Net::HTTPServerParams;
  params_->setTimeout(Poco::Timespan(config.requestTimeoutSeconds, 0));
  params_->setKeepAlive(true);
  params_->setServerName("argan");
  handlers_ = std::make_unique<ArganHandlerFactory>(runtime, router);
  gate_ = std::make_unique<ConnectionGate>(
      socket, gateOptionsFor(config),
      [this](Poco::Net::StreamSocket& s, const RequestHead&, std::optional<Error>& answer) {
        return serveRequest(s, answer);
      },
      [this] {
        // After a burst of requests, memory the burst used goes back to the system: SQLite's
        // page caches of the idle connections, and what the allocator holds free.
        runtime_.db.releaseMemory();
        ::malloc_trim(0);
      });
}

HttpServer::~HttpServer() { stop(0); }

void HttpServer::start() { gate_->start(); }

void HttpServer::stop(int graceMs) {
  if (gate_) gate_->stop(graceMs);  // no new connections; requests being served finish
}

int HttpServer::port() const { return port_; }

GateStats HttpServer::gateStats() const { return gate_->stats(); }

}  // namespace argan::server
