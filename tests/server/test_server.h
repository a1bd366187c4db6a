// A real Argan HTTP server on a free port over a temporary database, and a real client.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "common/clock.h"
#include "common/password.h"
#include "db/database.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "server/http/endpoints.h"
#include "server/http/authentication.h"
#include "server/isolation/chem_service.h"
#include "server/http/http_server.h"
#include "server/http/memory_sessions.h"
#include "server/search/structure_search.h"
#include "server/transfer/import_jobs.h"
#include "test_support.h"

namespace argan::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  std::vector<std::string> setCookies;  // every Set-Cookie header, in order
  Poco::JSON::Object::Ptr json() const {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  }
  std::string errorCode() const {
    return json()->getObject("error")->getValue<std::string>("code");
  }
  std::string errorMessage() const {
    return json()->getObject("error")->getValue<std::string>("message");
  }
};

class TestServer {
 public:
  // `clock`: the server's clock (a ManualClock for expiry tests); the system clock if null.
  // `chem`: the chemistry service (in-process with 2 analysers if null).
  // `dbOptions.path` empty: a fresh file in a temporary directory.
  explicit TestServer(server::AppConfig config = {}, const Clock* clock = nullptr,
                      std::unique_ptr<server::ChemService> chem = nullptr,
                      db::DatabaseOptions dbOptions = {})
      : config_(std::move(config)), clock_(clock ? *clock : systemClock_), chem_(std::move(chem)) {
    config_.port = 0;
    config_.host = "127.0.0.1";
    if (dbOptions.path.empty()) dbOptions.path = dir_.file("argan.db");
    config_.dbPath = dbOptions.path;
    config_.passwordIterations = 1000;
    database_ = db::Database::open(dbOptions);
    if (!chem_) chem_ = std::make_unique<server::InProcessChemService>(2);
    server::StructureSearchOptions searchOptions;
    searchOptions.index.tailCapacity = 32;  // small: tests cross tail sealing
    search_ = std::make_unique<server::StructureSearch>(*database_, searchOptions);
    services_ = std::make_unique<server::Runtime>(
        server::Runtime{*database_, clock_, config_, *chem_, search_.get()});
    services_->sessions = &memorySessions_;
    imports_ = std::make_unique<server::ImportJobs>(*services_, dir_.file("imports"));
    services_->imports = imports_.get();
    imports_->start();
    router_ = server::buildApiRouter();
    http_ = std::make_unique<server::HttpServer>(*services_, router_);
    http_->start();
  }
  ~TestServer() {
    http_->stop();
    imports_->stop();
  }

  int port() const { return http_->port(); }
  server::GateStats gateStats() const { return http_->gateStats(); }
  server::HttpServer& http() { return *http_; }
  db::Database& database() { return *database_; }
  server::Runtime& services() { return *services_; }
  server::StructureSearch& search() { return *search_; }
  const server::Router& router() const { return router_; }
  const std::string& dbPath() const { return config_.dbPath; }
  server::ImportJobs& imports() { return *imports_; }

  HttpResult call(const std::string& method, const std::string& path,
                  const std::string& body = "", const std::string& token = "",
                  const std::string& contentType = "application/json",
                  const std::map<std::string, std::string>& headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port()));
    session.setTimeout(Poco::Timespan(120, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
      request.setContentType(contentType);
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
      session.sendRequest(request) << body;
    } else {
      session.sendRequest(request);
    }
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, result.body);
    for (const auto& [k, v] : response) {
      if (k == "Set-Cookie") result.setCookies.push_back(v);
      result.headers[k] = v;
    }
    return result;
  }

  std::int64_t createStartUp(const std::string& name) {
    return database_->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      return db::createStartUp(c, clock_, db::Principal::system("test"), in).id;
    });
  }

  // Creates a user with a password (hashed at the test server's cheap iteration count);
  // returns the user's id.
  std::int64_t createUser(const std::string& email, db::Role role,
                          std::optional<std::int64_t> startUp, const std::string& password,
                          bool mustChangePassword = false) {
    return database_->write([&](db::Connection& c) {
      db::NewUser u;
      u.email = email;
      u.role = role;
      u.startUpId = startUp;
      u.passwordHash = hashPassword(password, config_.passwordIterations);
      u.mustChangePassword = mustChangePassword;
      return db::createUser(c, clock_, db::Principal::system("test"), u).id;
    });
  }

  // Creates a user and returns an API token for them.
  std::string userToken(const std::string& email, db::Role role,
                        std::optional<std::int64_t> startUp = std::nullopt) {
    std::string token = server::newApiToken();
    database_->write([&](db::Connection& c) {
      db::NewUser u;
      u.email = email;
      u.role = role;
      u.startUpId = startUp;
      auto user = db::createUser(c, clock_, db::Principal::system("test"), u);
      db::createApiToken(c, clock_, db::Principal::system("test"), user.id,
                         server::tokenDigest(token), "test");
    });
    return token;
  }

  std::int64_t count(const std::string& table) {
    return database_->read([&](db::Connection& c) {
      return c.queryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
    });
  }

 private:
  TempDir dir_;
  server::AppConfig config_;
  SystemClock systemClock_;
  const Clock& clock_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<server::StructureSearch> search_;
  std::unique_ptr<server::ChemService> chem_;
  server::MemorySessions memorySessions_;
  std::unique_ptr<server::Runtime> services_;
  std::unique_ptr<server::ImportJobs> imports_;
  server::Router router_;
  std::unique_ptr<server::HttpServer> http_;
};

// JSON text for {"structure": s, ...extra}.
inline std::string structureBody(const std::string& structure, const std::string& extra = "") {
  Poco::JSON::Object o;
  o.set("structure", structure);
  std::ostringstream out;
  o.stringify(out);
  std::string text = out.str();
  if (!extra.empty()) text = text.substr(0, text.size() - 1) + "," + extra + "}";
  return text;
}

}  // namespace argan::test
