// The HTTP front door: Poco's HTTP request handling behind Argan's connection gate.
//
// Every request is answered: API routes through the Router (access rule, handler, errors
// mapped to the JSON error body by api_error), anything else from the web root. No
// exception escapes a handler (Poco would close the connection without an answer).
// Connections are admitted, timed and shed by ConnectionGate (server/http/connection_gate.h):
// overload answers 503 + Retry-After, slow request heads and bodies never hold a worker
// thread, GET /api/health has a lane of its own. Worker threads: a fixed pool of
// config.threads (plus one for health), owned by the gate.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>

#include <memory>
#include <optional>

#include "server/http/connection_gate.h"
#include "server/http/router.h"
#include "server/core/runtime.h"

namespace argan::server {

class HttpServer {
 public:
  // Binds config.host:config.port (port 0: a free port) but does not accept yet.
  HttpServer(Runtime& runtime, const Router& router);
  ~HttpServer();

  void start();
  // Stops accepting, closes idle connections, gives requests being served `graceMs` to
  // finish, then shuts their sockets down; returns when the worker threads have ended.
  // Idempotent.
  void stop(int graceMs = 5000);
  int port() const;
  GateStats gateStats() const;

 private:
  ConnectionGate::Ending serveRequest(Poco::Net::StreamSocket& socket,
                                      std::optional<Error>& answer);

  Runtime& runtime_;
  Poco::Net::HTTPServerParams::Ptr params_;
  std::unique_ptr<Poco::Net::HTTPRequestHandlerFactory> handlers_;
  std::unique_ptr<ConnectionGate> gate_;
  int port_ = 0;
};

// The gate's settings for a configuration (threads, queue, timeouts, body rules).
GateOptions gateOptionsFor(const AppConfig& config);

}  // namespace argan::server
