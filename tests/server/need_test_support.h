// A cluster for the needs board suites: two start-ups with their people, two partners, an
// administrator, the match watcher, and helpers to register, publish and post over HTTP.
#pragma once

#include "server/registry/need_watch.h"
#include "test_server.h"

namespace argan::test {

struct NeedLab {
  explicit NeedLab(server::AppConfig config = {}, const Clock* clock = nullptr)
      : server(std::move(config), clock) {}

  TestServer server;
  std::int64_t zitoun = server.createStartUp("Zitoun Bio");
  std::int64_t zaatar = server.createStartUp("Zaatar Essentials");
  std::string leadZ = server.userToken("lead@zitoun.ma", db::Role::Lead, zitoun);
  std::string memberZ = server.userToken("chemist@zitoun.ma", db::Role::Member, zitoun);
  std::string leadT = server.userToken("lead@zaatar.ma", db::Role::Lead, zaatar);
  std::string memberT = server.userToken("chemist@zaatar.ma", db::Role::Member, zaatar);
  std::string partner = server.userToken("buyer@argania-cosmetics.ma", db::Role::Partner);
  std::string otherPartner = server.userToken("buyer@souss-pack.ma", db::Role::Partner);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  server::NeedWatch watch{server.services()};

  // Registers `smiles` for start-up `owner`; returns "CMP-...".
  std::string compound(const std::string& smiles, const std::string& token, std::int64_t owner) {
    auto r = server.call("POST", "/api/compounds",
                         structureBody(smiles, "\"start_up\": " + std::to_string(owner)), token);
    BOOST_TEST_REQUIRE(r.status / 100 == 2, r.body);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }

  void publish(const std::string& compoundId, const std::string& leadToken) {
    auto r = server.call("PATCH", "/api/compounds/" + compoundId,
                         R"({"visibility": "public"})", leadToken);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
  }

  // A product of `owner` made of `compoundId`; extra JSON fields may be given.
  std::string product(const std::string& name, const std::string& compoundId, std::int64_t owner,
                      const std::string& token, const std::string& extra = "") {
    auto r = server.call("POST", "/api/products",
                         R"({"name": ")" + name + R"(", "start_up": )" + std::to_string(owner) +
                             R"(, "compound_id": ")" + compoundId + "\"" +
                             (extra.empty() ? "" : ", " + extra) + "}",
                         token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }

  // Posts a need; returns "NEED-...".
  std::string need(const std::string& body, const std::string& token) {
    auto r = server.call("POST", "/api/needs", body, token);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }

  // The codes of the items of a matches answer, in order.
  static std::vector<std::string> codes(const HttpResult& r) {
    std::vector<std::string> out;
    auto items = r.json()->getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i) {
      out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
    }
    return out;
  }

  std::vector<std::string> matches(const std::string& needId, const std::string& token) {
    auto r = server.call("GET", "/api/needs/" + needId + "/matches", "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return codes(r);
  }
};

// A need with a catechol substructure criterion (the antioxidant motif of hydroxytyrosol).
inline std::string catecholNeed(const std::string& visibility = "public",
                                const std::string& extra = "") {
  return R"({"title": "Natural antioxidant for argan-oil serums",
    "statement": "Replace BHT at 0.05 % in oil serums.", "sector": "cosmetics",
    "function": "antioxidant", "visibility": ")" +
         visibility + R"(", "structure": {"type": "substructure", "query": "c1ccc(O)c(O)c1"})" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace argan::test
