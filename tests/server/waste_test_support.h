// A small waste chain over real HTTP: a collecting start-up, a chemistry start-up that
// receives its lots, and a third start-up that is party to nothing.
#pragma once

#include <sstream>

#include "test_server.h"

namespace argan::test {

struct WasteChain {
  explicit WasteChain(server::AppConfig config = {}) : server(std::move(config)) {}

  TestServer server;
  std::int64_t collector = server.createStartUp("Recycl'Oil");
  std::int64_t chemistry = server.createStartUp("Glycera");
  std::int64_t outsider = server.createStartUp("Zaatar");
  std::string collectorMember = server.userToken("mehdi@recycloil.ma", db::Role::Member, collector);
  std::string chemistryMember = server.userToken("imane@glycera.ma", db::Role::Member, chemistry);
  std::string outsiderMember = server.userToken("leila@zaatar.ma", db::Role::Member, outsider);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  static std::string str(std::int64_t v) { return std::to_string(v); }

  HttpResult call(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token) {
    return server.call(method, path, body, token);
  }

  // A source of the collector; returns "SRC-...".
  std::string source(const std::string& name, const std::string& kind = "restaurant",
                     const std::string& region = "casablanca_settat") {
    auto r = call("POST", "/api/sources",
                  R"({"name": ")" + name + R"(", "kind": ")" + kind + R"(", "region": ")" +
                      region + R"(", "locality": "Casablanca"})",
                  collectorMember);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }

  // A collection lot of the collector; returns "LOT-...".
  std::string lot(const std::string& stream, double kg, const std::string& date,
                  const std::string& source = "", const std::string& extra = "") {
    std::ostringstream body;
    body << R"({"stream": ")" << stream << R"(", "start_up": )" << collector
         << R"(, "collected_on": ")" << date << R"(", "net_mass": {"amount": )" << kg
         << R"(, "unit": "kg"})";
    if (!source.empty()) body << R"(, "source": ")" << source << '"';
    if (!extra.empty()) body << ", " << extra;
    body << "}";
    auto r = call("POST", "/api/lots", body.str(), collectorMember);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }

  // Offers `kg` of a collector's lot to the chemistry start-up; returns "TRF-...".
  std::string offer(const std::string& lot, double kg, const std::string& extra = "") {
    std::ostringstream body;
    body << R"({"to_start_up": )" << chemistry << R"(, "amount": )" << kg << R"(, "unit": "kg")";
    if (!extra.empty()) body << ", " << extra;
    body << "}";
    auto r = call("POST", "/api/lots/" + lot + "/transfers", body.str(), collectorMember);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }

  // The chemistry start-up accepts; returns the received lot.
  std::string accept(const std::string& transfer, const std::string& on = "2026-03-05") {
    auto r = call("POST", "/api/transfers/" + transfer + "/accept",
                  R"({"received_on": ")" + on + R"("})", chemistryMember);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.json()->getValue<std::string>("received_lot");
  }

  double remainingKg(const std::string& lot, const std::string& token) {
    auto r = call("GET", "/api/lots/" + lot, "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.json()->getObject("balance")->getValue<double>("remaining_kg");
  }

  std::int64_t count(const std::string& table) { return server.count(table); }
};

}  // namespace argan::test
