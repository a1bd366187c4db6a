// The HTTP front door: Poco's HTTP request handling behind Argan's connection gate.
//
// Every request is answered: API routes through the Router (access rule, handler, errors
// mapped to the JSON error body by api_error), anything else from the web root. No
// exception escapes a handler (Poco would close the connection without an answer).
// Connections are admitted, timed and shed by ConnectionGate (server/connection_gate.h):
// overload answers 503 + Retry-After, slow request heads never hold a worker thread.
// Worker threads: a fixed pool of config.threads.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include <memory>

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
  // Stops accepting, closes idle connections, lets requests being served finish. Idempotent.
  void stop();
  int port() const;
  GateStats gateStats() const;

 private:
  Runtime& runtime_;
  const Router& router_;
  Poco::Net::HTTPServerParams::Ptr params_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPRequestHandlerFactory> handlers_;
  std::unique_ptr<ConnectionGate> gate_;
  Poco::Net::TCPServerDispatcher* dispatcher_ = nullptr;  // reference-counted by Poco
  int port_ = 0;
};

// The gate's settings for a configuration (threads + maxQueued connections, timeouts).
GateOptions gateOptionsFor(const AppConfig& config);

}  // namespace argan::server
