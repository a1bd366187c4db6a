// The HTTP front door: Poco's HTTPServer with Argan's request handling.
//
// Every request is answered: API routes through the Router (access rule, handler, errors
// mapped to the JSON error body by api_error), anything else from the web root. No
// exception escapes a handler (Poco would close the connection without an answer).
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

#include "server/router.h"
#include "server/services.h"

namespace argan::server {

class HttpServer {
 public:
  // Binds config.host:config.port (port 0: a free port) but does not accept yet.
  HttpServer(Services& services, const Router& router);
  ~HttpServer();

  void start();
  void stop();
  int port() const;

 private:
  Services& services_;
  const Router& router_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace argan::server
