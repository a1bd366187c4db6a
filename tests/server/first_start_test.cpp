// The first administrator: `argan serve` on a database without users creates one with a
// random one-time password printed once (never a default password); that password signs in
// only to choose a new one; a second start, or a database prepared with `argan user add`,
// creates nobody.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <regex>

#include "server_process.h"

using namespace argan;

namespace {

struct Answer {
  int status = 0;
  std::string body;
};

Answer signIn(int port, const std::string& email, const std::string& password) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request("POST", "/api/session", Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  std::ostringstream text;
  body.stringify(text);
  request.setContentType("application/json");
  request.setContentLength64(static_cast<Poco::Int64>(text.str().size()));
  session.sendRequest(request) << text.str();
  Poco::Net::HTTPResponse response;
  Answer a;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), a.body);
  a.status = static_cast<int>(response.getStatus());
  return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(first_start)

BOOST_AUTO_TEST_CASE(an_empty_database_gets_one_administrator_with_a_printed_one_time_password) {
  test::TempDir dir;
  test::ServerProcess server(dir);
  server.start();
  const std::string log = server.log();
  std::smatch m;
  BOOST_TEST_REQUIRE(
      std::regex_search(log, m,
                        std::regex("created the administrator (\\S+) with the one-time password "
                                   "(\\S+)")),
      log);
  const std::string email = m[1], password = m[2];
  BOOST_TEST(password.size() >= 16u);

  BOOST_TEST(signIn(server.port(), email, "admin").status == 401);
  auto first = signIn(server.port(), email, password);
  BOOST_TEST_REQUIRE((first.status >= 200 && first.status < 300), first.body);
  Poco::JSON::Parser parser;
  auto session = parser.parse(first.body).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(session->getValue<bool>("must_change_password") == true);
  BOOST_TEST(session->getObject("user")->getValue<std::string>("role") == "admin");
  BOOST_TEST(server.stop() == 0);

  // A second start creates nobody and prints no password.
  server.start();
  BOOST_TEST(server.log().find("one-time password") == std::string::npos, server.log());
  server.stop();
}

BOOST_AUTO_TEST_CASE(a_database_with_an_administrator_creates_none) {
  test::TempDir dir;
  test::ServerProcess server(dir);
  server.prepareAdmin();
  server.start();
  BOOST_TEST(server.log().find("one-time password") == std::string::npos, server.log());
  server.stop();
}

// A second server asked for a port the first one holds must fail, not share it: with
// SO_REUSEPORT both listened and the kernel spread the requests over two databases.
BOOST_AUTO_TEST_CASE(a_port_in_use_is_refused_not_shared) {
  test::TempDir one;
  test::TempDir two;
  test::ServerProcess first(one);
  first.start();
  test::ServerProcess second(two);
  second.requestPort(first.port());
  std::string failure;
  try {
    second.start();
  } catch (const std::runtime_error& e) {
    failure = e.what();
  }
  BOOST_TEST(!failure.empty(), "a second server listens on port " << first.port());
  BOOST_TEST(failure.find("already in use") != std::string::npos, failure);
  BOOST_TEST(first.running());
}

BOOST_AUTO_TEST_SUITE_END()
