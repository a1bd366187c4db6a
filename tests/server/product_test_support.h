// A cluster with two start-ups, their people and a partner, for the product API suites.
#pragma once

#include "test_server.h"

namespace argan::test {

struct ProductLab {
  explicit ProductLab(server::AppConfig config = {}) : server(std::move(config)) {}

  TestServer server;
  std::int64_t startUp = server.createStartUp("Zitoun Green");
  std::int64_t otherStartUp = server.createStartUp("Glycera");
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  std::string member = server.userToken("chemist@zitoun.ma", db::Role::Member, startUp);
  std::string other = server.userToken("lead@glycera.ma", db::Role::Lead, otherStartUp);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);
  std::string otherPartner = server.userToken("rival@industry.ma", db::Role::Partner);

  // Registers a structure for `owner` with `token`; returns its "CMP-..." id.
  std::string compound(const std::string& smiles, const std::string& token, std::int64_t owner) {
    auto r = server.call("POST", "/api/compounds",
                         structureBody(smiles, "\"start_up\": " + std::to_string(owner)), token);
    BOOST_TEST_REQUIRE(r.status / 100 == 2, r.body);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }

  // Creates a product of this lab's start-up made of `compoundId`; returns its "PRD-..." id.
  std::string product(const std::string& name, const std::string& compoundId) {
    auto r = server.call("POST", "/api/products",
                         R"({"name": ")" + name + R"(", "start_up": )" + std::to_string(startUp) +
                             R"(, "compound_id": ")" + compoundId + R"("})",
                         member);
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return r.json()->getValue<std::string>("id");
  }

  // Tables a product write touches, counted, plus the audit chain head.
  std::string state() {
    return server.database().read([](db::Connection& c) {
      std::string s;
      for (const char* table :
           {"products", "product_components", "product_stages", "stage_decisions",
            "product_trl_history", "product_customers", "documents", "document_attachments",
            "inquiries", "inquiry_messages", "audit_log"}) {
        s += std::string(table) + "=" +
             std::to_string(c.queryInt(std::string("SELECT COUNT(*) FROM ") + table).value_or(-1)) +
             ";";
      }
      s += c.queryText(
                "SELECT group_concat(updated_at || status || COALESCE(planned_start,'') ||"
                " COALESCE(planned_end,'') || COALESCE(actual_start,'') ||"
                " COALESCE(actual_end,'') || owner) FROM product_stages")
               .value_or("");
      s += c.queryText("SELECT group_concat(updated_at || trl || visibility) FROM products")
               .value_or("");
      return s;
    });
  }
};

}  // namespace argan::test
