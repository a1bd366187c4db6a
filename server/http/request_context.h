// One API request as handlers see it: path and query parameters, the caller, the body
// (read once, within the configured limit), and helpers to answer.
// Lives on the stack of the Poco worker thread serving the request.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <optional>
#include <string>

#include "db/access.h"
#include "server/http/authentication.h"
#include "server/http/router.h"
#include "server/core/runtime.h"

namespace argan::server {

class RequestContext {
 public:
  RequestContext(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                 Runtime& runtime, PathParams params, Authentication authentication);
  // An anonymous or token-like caller known only by its principal.
  RequestContext(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                 Runtime& runtime, PathParams params, db::Principal principal);

  Runtime& runtime() { return runtime_; }
  const db::Principal& principal() const { return auth_.principal; }
  // How the caller authenticated (session id and CSRF token for browser sessions).
  const Authentication& authentication() const { return auth_; }
  const std::string& method() const;
  std::string path() const;
  Poco::Net::HTTPServerRequest& request() { return request_; }
  Poco::Net::HTTPServerResponse& response() { return response_; }

  // A path parameter declared in the route pattern ("{id}").
  const std::string& param(const std::string& name) const;
  // A path parameter that must be a database id: decimal digits only, positive, no sign or
  // spaces. Anything else answers 404 "no <what> '<raw>'" (an id that cannot exist).
  std::int64_t positiveIdParam(const std::string& name, const std::string& what) const;

  // Query parameters. Typed getters throw InvalidArgument naming the parameter.
  std::optional<std::string> query(const std::string& name) const;
  // A list filter: like query(), but an empty or blank value (what an HTML form sends for a
  // field left empty) is no filter, as for queryInt and queryNumber.
  std::optional<std::string> queryFilter(const std::string& name) const;
  std::optional<std::int64_t> queryInt(const std::string& name) const;
  std::optional<double> queryNumber(const std::string& name) const;

  // The body, read once, at most `limit` bytes (default: config.maxBodyBytes); a larger
  // body answers 413 (PayloadTooLarge).
  const std::string& body(std::size_t limit = 0);
  // The body parsed as a JSON object (InvalidArgument when it is not one, or when the
  // Content-Type is not application/json or a +json type).
  Poco::JSON::Object::Ptr jsonBody();

  void sendJson(int status, const Poco::JSON::Object::Ptr& body);
  void sendJson(int status, const Poco::Dynamic::Var& body);
  void sendText(int status, const std::string& contentType, const std::string& body);
  void sendNoContent();
  // Sends a file's bytes (spooled exports and reports); `downloadName` adds a
  // Content-Disposition: attachment header. Throws Unavailable if the file cannot be read.
  void sendFile(int status, const std::string& contentType, const std::string& path,
                const std::string& downloadName = "");
  bool responded() const { return responded_; }

 private:
  Poco::Net::HTTPServerRequest& request_;
  Poco::Net::HTTPServerResponse& response_;
  Runtime& runtime_;
  PathParams params_;
  Authentication auth_;
  std::optional<std::string> body_;
  mutable std::optional<std::map<std::string, std::string>> query_;
  bool responded_ = false;
  const std::map<std::string, std::string>& queryMap() const;
};

}  // namespace argan::server
