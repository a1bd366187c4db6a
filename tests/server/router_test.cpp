#include "server/http/router.h"

#include <set>

#include "server/http/endpoints.h"
#include "test_support.h"

using namespace argan::server;

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(matches_patterns_and_prefers_literals) {
  Router r;
  r.add({"GET", "/api/compounds/{id}", Access::Public, [](RequestContext&) {}, "one"});
  r.add({"POST", "/api/compounds/preview", Access::StartUpMember, [](RequestContext&) {}, "p"});
  r.add({"POST", "/api/compounds/{id}", Access::StartUpMember, [](RequestContext&) {}, "x"});
  PathParams params;
  bool exists = false;
  const Endpoint* route = r.match("GET", "/api/compounds/CMP-000001", params, exists);
  BOOST_REQUIRE(route);
  BOOST_TEST(params.at("id") == "CMP-000001");
  route = r.match("POST", "/api/compounds/preview", params, exists);
  BOOST_TEST(route->summary == "p");
  BOOST_TEST(!r.match("DELETE", "/api/compounds/1", params, exists));
  BOOST_TEST(exists);
  BOOST_TEST(!r.match("GET", "/api/nothing", params, exists));
  BOOST_TEST(!exists);
}

BOOST_AUTO_TEST_CASE(every_api_route_has_a_summary_and_a_unique_signature) {
  Router r = buildApiRouter();
  std::set<std::string> seen;
  for (const auto& route : r.endpoints()) {
    BOOST_TEST(!route.summary.empty(), route.pattern);
    BOOST_TEST(route.pattern.rfind("/api/", 0) == 0u, route.pattern);
    BOOST_TEST(seen.insert(route.method + " " + route.pattern).second, route.pattern);
  }
}

BOOST_AUTO_TEST_SUITE_END()
