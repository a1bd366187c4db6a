// Substances over real HTTP (docs/substances.md): the interfaces scripts rely on, the
// composition rules (4xx naming the constituent, nothing stored), the identity rule (new
// batch, near duplicates flagged), certificates of analysis checked against the
// specification, publishing and retiring, polymers, the property vocabulary, a mixture
// registered as a compound, products and synthesis steps made of substances, import and
// export, and the cluster comparison.
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <sstream>

#include "test_server.h"

using namespace argan;
using test::structureBody;
using test::TestServer;

namespace {

const char* kHydroxytyrosol = "OCCc1ccc(O)c(O)c1";
const char* kTyrosol = "OCCc1ccc(O)cc1";
const char* kCarvacrol = "Cc1ccc(C(C)C)cc1O";
const char* kThymol = "Cc1ccc(C(C)C)c(O)c1";

struct Lab {
  TestServer server;
  std::int64_t a = server.createStartUp("Zitoun");
  std::int64_t b = server.createStartUp("Zaatar");
  std::string memberA = server.userToken("member@zitoun.ma", db::Role::Member, a);
  std::string leadA = server.userToken("lead@zitoun.ma", db::Role::Lead, a);
  std::string memberB = server.userToken("member@zaatar.ma", db::Role::Member, b);
  std::string leadB = server.userToken("lead@zaatar.ma", db::Role::Lead, b);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);

  test::HttpResult call(const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& token = "") {
    return server.call(method, path, body, token);
  }
  std::string compound(const std::string& smiles, const std::string& token, std::int64_t owner) {
    auto r = call("POST", "/api/compounds",
                  structureBody(smiles, "\"start_up\": " + std::to_string(owner)), token);
    BOOST_TEST_REQUIRE(r.status / 100 == 2, r.body);
    return r.json()->getObject("compound")->getValue<std::string>("id");
  }
  Poco::JSON::Object::Ptr registerSubstance(const std::string& body, const std::string& token,
                                            int expected = 201) {
    auto r = call("POST", "/api/substances", body, token);
    BOOST_TEST_REQUIRE(r.status == expected, r.body);
    return r.json();
  }
  std::int64_t rows(const std::string& table) { return server.count(table); }
};

// An olive-mill wastewater extract of start-up A made of registered compounds.
std::string extractBody(std::int64_t startUp, const std::string& ht, const std::string& ty,
                        double htTypical = 12, const std::string& name = "OMW extract") {
  return R"({"name": ")" + name + R"(", "kind": "uvcb", "start_up": )" + std::to_string(startUp) +
         R"(, "source": {"species": "Olea europaea", "waste_stream": "olive-mill wastewater",
            "process": "ethyl acetate extraction"},
          "constituents": [
            {"compound_id": ")" + ht + R"(", "typical": )" + std::to_string(htTypical) +
         R"(, "min": )" + std::to_string(htTypical - 4) + R"(, "max": )" +
         std::to_string(htTypical + 4) + R"(, "unit": "w/w", "method": "HPLC-DAD"},
            {"compound_id": ")" + ty + R"(", "typical": 3, "min": 1, "max": 5, "unit": "w/w"},
            {"name": "phenolic fraction, unidentified", "typical": )" +
         std::to_string(85 - (htTypical - 12)) + R"(, "min": 60, "max": 90, "unit": "w/w"}],
          "properties": [{"key": "total_polyphenols_gae", "typical": 310, "min": 250, "max": 400},
                         {"key": "moisture", "typical": 4.5, "max": 6}]})";
}

Poco::JSON::Object::Ptr searchSubstances(Lab& lab, const std::string& type,
                                         const std::string& query, const std::string& token,
                                         const std::string& filters = "{}") {
  Poco::JSON::Object body;
  body.set("scope", "substances");
  body.set("type", type);
  body.set("query", query);
  std::ostringstream text;
  body.stringify(text);
  std::string json = text.str();
  json = json.substr(0, json.size() - 1) + ", \"filters\": " + filters + "}";
  auto r = lab.call("POST", "/api/search", json, token);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  return r.json();
}

std::vector<std::string> hitIds(const Poco::JSON::Object::Ptr& answer) {
  std::vector<std::string> ids;
  auto hits = answer->getArray("hits");
  for (std::size_t i = 0; i < hits->size(); ++i) {
    ids.push_back(hits->getObject(i)->getObject("substance")->getValue<std::string>("id"));
  }
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_substances)

BOOST_AUTO_TEST_CASE(the_interfaces_scripts_rely_on) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  auto created = lab.registerSubstance(extractBody(lab.a, ht, ty), lab.memberA);
  std::string id = created->getValue<std::string>("id");
  BOOST_TEST(id != "SUB-000001");  // numbered by creation time (db/identifiers.h)
  BOOST_TEST(id.rfind("SUB-", 0) == 0u);
  BOOST_TEST(created->getValue<std::string>("outcome") == "new_substance");
  BOOST_TEST(created->getValue<std::string>("visibility") == "start-up");
  BOOST_TEST(created->getArray("flags")->size() == 0u);
  auto constituents = created->getArray("constituents");
  BOOST_TEST_REQUIRE(constituents->size() == 3u);
  BOOST_TEST(constituents->getObject(0)->getValue<std::string>("compound_id") == ht);
  BOOST_TEST(constituents->getObject(0)->getObject("compound")->getValue<std::string>("formula") ==
             "C8H10O3");
  BOOST_TEST(constituents->getObject(0)->getValue<double>("min") == 8.0);
  BOOST_TEST(constituents->getObject(2)->isNull("compound_id"));
  BOOST_TEST(created->getObject("composition")->getValue<double>("typical_sum") == 100.0);
  BOOST_TEST(created->getArray("properties")->getObject(0)->getValue<std::string>("unit") ==
             "mg GAE/g");

  auto got = lab.call("GET", "/api/substances/" + id, "", lab.memberA);
  BOOST_TEST_REQUIRE(got.status == 200, got.body);
  BOOST_TEST(got.json()->getValue<std::string>("name") == "OMW extract");
  BOOST_TEST(got.json()->getArray("batches")->size() == 0u);
  BOOST_TEST(lab.call("GET", "/api/substances/" + std::to_string(std::stoll(id.substr(4))), "",
                      lab.memberA).status == 200);  // the bare number

  auto found = searchSubstances(lab, "substructure", "c1ccc(O)c(O)c1", lab.memberA);
  BOOST_TEST(found->getValue<std::string>("scope") == "substances");
  BOOST_TEST_REQUIRE(hitIds(found) == std::vector<std::string>{id});
  auto hit = found->getArray("hits")->getObject(0);
  BOOST_TEST(hit->getArray("constituents")->size() == 1u);  // tyrosol is no catechol
  BOOST_TEST(hit->getArray("constituents")->getObject(0)->getObject("compound")->getValue<std::string>(
                 "id") == ht);

  // Hidden from everyone outside the start-up, exactly like a missing record.
  for (const std::string& token : {std::string(""), lab.partner, lab.memberB}) {
    auto hidden = lab.call("GET", "/api/substances/" + id, "", token);
    auto missing = lab.call("GET", "/api/substances/SUB-009999", "", token);
    BOOST_TEST(hidden.status == 404);
    BOOST_TEST(hidden.errorCode() == missing.errorCode());
    BOOST_TEST(hitIds(searchSubstances(lab, "substructure", "c1ccc(O)c(O)c1", token)).empty());
  }
}

BOOST_AUTO_TEST_CASE(composition_errors_name_the_constituent_and_store_nothing) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  const std::int64_t before = lab.rows("substances");
  const std::int64_t audit = lab.rows("audit_log");
  struct Case {
    std::string body;
    std::string field;
    std::string says;
  };
  const std::string start = R"({"name": "Extract", "kind": "uvcb", "start_up": )" +
                            std::to_string(lab.a) +
                            R"(, "source": {"waste_stream": "olive-mill wastewater"}, )";
  const std::vector<Case> cases = {
      {start + R"("constituents": [{"compound_id": ")" + ht +
           R"(", "typical": 12, "min": 15, "max": 10}, {"name": "rest", "typical": 88}]})",
       "constituents[0].min", ht},
      {start + R"("constituents": [{"name": "hydroxytyrosol fraction", "typical": 30},
          {"name": "rest", "typical": 50}]})",
       "constituents", "sum to 80"},
      {start + R"("constituents": [{"name": "a", "typical": 60, "unit": "w/w"},
          {"name": "b", "typical": 40, "unit": "v/v"}]})",
       "constituents[1].unit", "'b'"},
      {start + R"("constituents": [{"name": "a", "typical": 60, "min": 62},
          {"name": "b", "typical": 40}]})",
       "constituents[0].typical", "'a'"},
      {start + R"("constituents": [{"name": "a", "typical": 60, "min": 60}, {"name": "b",
          "typical": 40, "min": 45}]})",
       "constituents[1].typical", "'b'"},
      {start + R"("constituents": [{"name": "a", "typical": 101}]})", "constituents[0].typical",
       "percentage"},
      {R"({"name": "Extract", "kind": "uvcb", "start_up": )" + std::to_string(lab.a) +
           R"(, "constituents": [{"name": "a", "typical": 100}]})",
       "source", "source"},
      {R"({"name": "Carvacrol", "kind": "mono_constituent", "start_up": )" +
           std::to_string(lab.a) +
           R"(, "constituents": [{"name": "carvacrol", "typical": 70}, {"name": "thymol", "typical": 30, "role": "impurity"}]})",
       "constituents[0].typical", "80 %"},
      {R"({"name": "Blend", "kind": "multi_constituent", "start_up": )" + std::to_string(lab.a) +
           R"(, "constituents": [{"name": "a", "typical": 95}, {"name": "b", "typical": 5}]})",
       "constituents[0].typical", "mono_constituent"},
      {start + R"("constituents": [{"name": "a", "typical": 100}],
          "properties": [{"key": "no_such_property", "typical": 1}]})",
       "properties[0].key", "vocabulary"},
      {start + R"("constituents": [{"name": "a", "typical": 100}],
          "properties": [{"key": "ph", "typical": 20}]})",
       "properties[0].typical", "pH"},
      {start + R"("constituents": [{"name": "a", "typical": 100}], "cas_number": "8007-46-4"})",
       "cas_number", "CAS"},
      {start + R"("constituents": [{"compound_id": "CMP-009999", "typical": 100}]})",
       "constituents[0].compound_id", "CMP-009999"},
      {R"({"name": "X", "kind": "gel", "start_up": )" + std::to_string(lab.a) + "}", "kind",
       "uvcb"},
  };
  for (const auto& c : cases) {
    auto r = lab.call("POST", "/api/substances", c.body, lab.memberA);
    BOOST_TEST(r.status == 400, c.field << ": " << r.body);
    if (r.status != 400) continue;
    auto details = r.json()->getObject("error")->getObject("details");
    BOOST_TEST(details->getValue<std::string>("field") == c.field, r.body);
    BOOST_TEST(r.errorMessage().find(c.says) != std::string::npos, r.errorMessage());
  }
  BOOST_TEST(lab.rows("substances") == before);
  BOOST_TEST(lab.rows("audit_log") == audit);
  // The same rules accept a well-formed one (the test can fail).
  lab.registerSubstance(start + R"("constituents": [{"name": "a", "typical": 97.5}],
      "cas_number": "8007-46-3"})",
                        lab.memberA);
  BOOST_TEST(lab.rows("substances") == before + 1);
}

BOOST_AUTO_TEST_CASE(identity_rule_new_batch_or_flagged_near_duplicate) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  auto first = lab.registerSubstance(extractBody(lab.a, ht, ty), lab.memberA);
  std::string id = first->getValue<std::string>("id");

  // Same kind, constituents within the ranges, same source and process: a new batch of it.
  auto same = lab.registerSubstance(extractBody(lab.a, ht, ty, 14, "Another name"), lab.memberA,
                                    200);
  BOOST_TEST(same->getValue<std::string>("outcome") == "new_batch");
  BOOST_TEST(same->getValue<std::string>("id") == id);
  auto batch = same->getObject("batch");
  BOOST_TEST(batch->getValue<std::string>("id") == id + "-B001");
  auto results = batch->getObject("certificate")->getArray("results");
  BOOST_TEST_REQUIRE(results->size() == 5u);
  BOOST_TEST(results->getObject(0)->getValue<double>("value") == 14.0);
  BOOST_TEST(results->getObject(0)->getValue<std::string>("status") == "within");
  BOOST_TEST(lab.rows("substances") == 1);

  // Out of its range: a new substance, flagged as a near duplicate, never merged.
  auto outside = lab.registerSubstance(extractBody(lab.a, ht, ty, 25), lab.memberA);
  BOOST_TEST(outside->getValue<std::string>("outcome") == "new_substance");
  BOOST_TEST(std::stoll(outside->getValue<std::string>("id").substr(4)) > std::stoll(id.substr(4)));
  auto flags = outside->getArray("flags");
  BOOST_TEST_REQUIRE(flags->size() >= 1u);
  BOOST_TEST(flags->getObject(0)->getValue<std::string>("relation") == "near_duplicate");
  BOOST_TEST(flags->getObject(0)->getValue<std::string>("substance") == id);
  BOOST_TEST(flags->getObject(0)->getValue<std::string>("message").find("outside") !=
             std::string::npos);

  // Same constituents by another process: flagged too.
  std::string other = extractBody(lab.a, ht, ty);
  other.replace(other.find("ethyl acetate extraction"), 24, "membrane filtration");
  auto process = lab.registerSubstance(other, lab.memberA);
  BOOST_TEST(process->getArray("flags")->size() >= 1u);
  BOOST_TEST(process->getArray("flags")->getObject(0)->getValue<std::string>("message").find(
                 "another source or process") != std::string::npos);

  // Another start-up registering the same composition is not told anything.
  std::string htB = lab.compound(kHydroxytyrosol, lab.memberB, lab.b);
  std::string tyB = lab.compound(kTyrosol, lab.memberB, lab.b);
  auto elsewhere = lab.registerSubstance(extractBody(lab.b, htB, tyB), lab.memberB);
  BOOST_TEST(elsewhere->getValue<std::string>("outcome") == "new_substance");
  BOOST_TEST(elsewhere->getArray("flags")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(drawn_constituents_link_or_register_by_the_compound_rule) {
  Lab lab;
  std::string carvacrol = lab.compound(kCarvacrol, lab.memberB, lab.b);
  const std::int64_t compounds = lab.rows("compounds");
  auto oil = lab.registerSubstance(R"({"name": "Thyme oil", "kind": "uvcb", "start_up": )" +
                                       std::to_string(lab.b) +
                                       R"(, "source": {"species": "Thymus broussonetii", "process": "hydrodistillation"},
      "constituents": [{"structure": "Oc1cc(C(C)C)ccc1C", "typical": 60.79},
                       {"structure": ")" + std::string(kThymol) + R"(", "name": "thymol", "typical": 12.9},
                       {"name": "other terpenes", "typical": 26.31}]})",
                                   lab.memberB);
  auto constituents = oil->getArray("constituents");
  // Carvacrol written another way is the start-up's registered parent.
  BOOST_TEST(constituents->getObject(0)->getValue<std::string>("compound_id") == carvacrol);
  std::string thymol = constituents->getObject(1)->getValue<std::string>("compound_id");
  BOOST_TEST(thymol != carvacrol);
  auto registered = oil->getArray("registered_constituents");
  BOOST_TEST_REQUIRE(registered->size() == 1u);
  BOOST_TEST(registered->getElement<std::string>(0) == thymol);
  BOOST_TEST(lab.rows("compounds") == compounds + 1);
  auto thymolRecord = lab.call("GET", "/api/compounds/" + thymol, "", lab.memberB);
  BOOST_TEST(thymolRecord.json()->getArray("batches")->getObject(0)->getValue<std::string>(
                 "notes").find("Thyme oil") != std::string::npos);

  // A drawn mixture is no constituent.
  auto mixture = lab.call("POST", "/api/substances",
                          R"({"name": "Bad", "kind": "uvcb", "start_up": )" + std::to_string(lab.b) +
                              R"(, "source": {"process": "x"}, "constituents": [{"structure": "Oc1ccccc1.CC1=CCC(=CC1)C(C)C", "typical": 100}]})",
                          lab.memberB);
  BOOST_TEST(mixture.status == 400);
  BOOST_TEST(mixture.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "field") == "constituents[0].structure");
}

BOOST_AUTO_TEST_CASE(batches_carry_a_certificate_checked_against_the_specification) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  std::string id = lab.registerSubstance(extractBody(lab.a, ht, ty), lab.memberA)
                       ->getValue<std::string>("id");
  auto added = lab.call("POST", "/api/substances/" + id + "/batches",
                        R"({"amount": 5, "unit": "kg", "prepared_on": "2026-11-02",
      "certificate_number": "COA-17", "analysed_on": "2026-11-04", "laboratory": "QC lab",
      "results": [{"compound_id": ")" + ht + R"(", "value": 17.5, "unit": "w/w", "method": "HPLC"},
                  {"name": "phenolic fraction, unidentified", "value": 80},
                  {"property": "moisture", "value": 3.9},
                  {"property": "ash", "value": 2.1}]})",
                        lab.memberA);
  BOOST_TEST_REQUIRE(added.status == 201, added.body);
  auto batch = added.json();
  BOOST_TEST(batch->getValue<std::string>("id") == id + "-B001");
  auto certificate = batch->getObject("certificate");
  BOOST_TEST(certificate->getValue<bool>("out_of_specification"));
  auto results = certificate->getArray("results");
  BOOST_TEST(results->getObject(0)->getValue<std::string>("status") == "above");
  BOOST_TEST(results->getObject(0)->getObject("specification")->getValue<double>("max") == 16.0);
  BOOST_TEST(results->getObject(1)->getValue<std::string>("status") == "within");
  BOOST_TEST(results->getObject(2)->getValue<std::string>("status") == "within");
  BOOST_TEST(results->getObject(2)->getValue<std::string>("unit") == "% w/w");
  BOOST_TEST(results->getObject(3)->getValue<std::string>("status") == "not_in_specification");
  auto notMeasured = certificate->getArray("not_measured");
  BOOST_TEST(notMeasured->size() == 2u);  // tyrosol and total polyphenols

  // A batch without a certificate takes one, once.
  auto bare = lab.call("POST", "/api/substances/" + id + "/batches", R"({"amount": 1, "unit": "kg"})",
                       lab.memberA);
  BOOST_TEST_REQUIRE(bare.status == 201, bare.body);
  std::string bareId = bare.json()->getValue<std::string>("id");
  auto certified = lab.call("POST", "/api/substance-batches/" + bareId + "/certificate",
                            R"({"certificate_number": "COA-18", "results": [{"compound_id": ")" +
                                ht + R"(", "value": 12.2}]})",
                            lab.memberA);
  BOOST_TEST_REQUIRE(certified.status == 200, certified.body);
  BOOST_TEST(!certified.json()->getObject("certificate")->getValue<bool>("out_of_specification"));
  auto again = lab.call("POST", "/api/substance-batches/" + bareId + "/certificate",
                        R"({"results": [{"compound_id": ")" + ht + R"(", "value": 11}]})",
                        lab.memberA);
  BOOST_TEST(again.status == 422, again.body);

  // Bad results are refused, naming the field; nothing is stored.
  const std::int64_t before = lab.rows("substance_batches");
  auto bad = lab.call("POST", "/api/substances/" + id + "/batches",
                      R"({"results": [{"property": "ph", "value": 15}]})", lab.memberA);
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.json()->getObject("error")->getObject("details")->getValue<std::string>("field") ==
             "batch.results[0].value");
  auto wrongUnit = lab.call("POST", "/api/substances/" + id + "/batches",
                            R"({"results": [{"property": "moisture", "value": 3, "unit": "g/kg"}]})",
                            lab.memberA);
  BOOST_TEST(wrongUnit.status == 400);
  BOOST_TEST(lab.rows("substance_batches") == before);

  // Documents attach to a substance batch and follow its visibility.
  auto doc = lab.server.call("POST", "/api/substance-batches/" + id + "-B001/documents?filename=coa.pdf&kind=certificate",
                             "%PDF certificate", lab.memberA, "application/pdf");
  BOOST_TEST_REQUIRE(doc.status == 201, doc.body);
  BOOST_TEST(doc.json()->getObject("owner")->getValue<std::string>("substance_batch") == id + "-B001");
  std::string docId = doc.json()->getValue<std::string>("id");
  BOOST_TEST(lab.call("GET", "/api/documents/" + docId, "", lab.memberA).status == 200);
  BOOST_TEST(lab.call("GET", "/api/documents/" + docId, "", lab.memberB).status == 404);
  BOOST_TEST(lab.call("GET", "/api/substance-batches/" + id + "-B001/documents", "", lab.memberA)
                 .json()->getValue<int>("total") == 1);
}

BOOST_AUTO_TEST_CASE(publishing_retiring_and_history_follow_the_compounds_rules) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  std::string id = lab.registerSubstance(extractBody(lab.a, ht, ty), lab.memberA)
                       ->getValue<std::string>("id");
  // A member shares with the cluster; only a lead publishes, and never above a constituent.
  auto shared = lab.call("PATCH", "/api/substances/" + id, R"({"visibility": "cluster"})", lab.memberA);
  BOOST_TEST(shared.status == 422, shared.body);  // the compounds are still the start-up's
  BOOST_TEST(shared.errorMessage().find("CMP-") != std::string::npos);
  for (const auto& c : {ht, ty}) {
    BOOST_TEST(lab.call("PATCH", "/api/compounds/" + c, R"({"visibility": "public"})", lab.leadA)
                   .status == 200);
  }
  shared = lab.call("PATCH", "/api/substances/" + id, R"({"visibility": "cluster"})", lab.memberA);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(lab.call("GET", "/api/substances/" + id, "", lab.memberB).status == 200);
  BOOST_TEST(lab.call("GET", "/api/substances/" + id, "", lab.partner).status == 404);
  BOOST_TEST(lab.call("PATCH", "/api/substances/" + id, R"({"visibility": "public"})", lab.memberA)
                 .status == 403);
  auto published = lab.call("PATCH", "/api/substances/" + id,
                            R"({"visibility": "public", "reason": "catalogue"})", lab.leadA);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  BOOST_TEST(lab.call("GET", "/api/substances/" + id, "", "").status == 200);
  BOOST_TEST(lab.call("GET", "/api/substances", "", "").json()->getValue<int>("total") == 1);

  // A batch is never more visible than its substance; it publishes on its own.
  std::string batch = lab.call("POST", "/api/substances/" + id + "/batches", R"({"amount": 2, "unit": "kg"})",
                               lab.memberA)
                          .json()->getValue<std::string>("id");
  BOOST_TEST(lab.call("GET", "/api/substance-batches/" + batch, "", "").status == 404);
  BOOST_TEST(lab.call("PATCH", "/api/substance-batches/" + batch, R"({"visibility": "public"})",
                      lab.leadA).status == 200);
  BOOST_TEST(lab.call("GET", "/api/substance-batches/" + batch, "", "").status == 200);

  // The specification changes by PUT, audited; the kind never changes.
  auto revised = lab.call("PUT", "/api/substances/" + id, extractBody(lab.a, ht, ty), lab.memberA);
  BOOST_TEST(revised.status == 400);  // start_up is not a field of a revision
  std::string body = extractBody(lab.a, ht, ty, 13, "OMW extract, revised");
  body.replace(body.find("\"start_up\": "), std::string("\"start_up\": ").size() +
                                                 std::to_string(lab.a).size() + 2, "");
  revised = lab.call("PUT", "/api/substances/" + id, body, lab.memberA);
  BOOST_TEST_REQUIRE(revised.status == 200, revised.body);
  BOOST_TEST(revised.json()->getValue<std::string>("name") == "OMW extract, revised");
  std::string kindChange = body;
  kindChange.replace(kindChange.find("\"uvcb\""), 6, "\"material\"");
  BOOST_TEST(lab.call("PUT", "/api/substances/" + id, kindChange, lab.memberA).status == 400);

  auto retired = lab.call("POST", "/api/substances/" + id + "/retire",
                          R"({"reason": "superseded by a purer extract"})", lab.memberA);
  BOOST_TEST_REQUIRE(retired.status == 200, retired.body);
  BOOST_TEST(!retired.json()->isNull("retired_at"));
  BOOST_TEST(lab.call("POST", "/api/substances/" + id + "/batches", "{}", lab.memberA).status == 422);
  BOOST_TEST(lab.call("GET", "/api/substances", "", lab.memberA).json()->getValue<int>("total") == 0);

  auto history = lab.call("GET", "/api/substances/" + id + "/history", "", lab.memberA);
  BOOST_TEST_REQUIRE(history.status == 200, history.body);
  std::vector<std::string> actions;
  auto items = history.json()->getArray("items");
  for (std::size_t i = 0; i < items->size(); ++i) {
    actions.push_back(items->getObject(i)->getValue<std::string>("action"));
  }
  BOOST_TEST(actions == (std::vector<std::string>{"create", "publish", "publish", "update", "retire"}),
             history.body.substr(0, 300));
  auto verify = lab.call("GET", "/api/audit/verify", "", lab.admin);
  BOOST_TEST(verify.json()->getValue<bool>("ok"));
}

BOOST_AUTO_TEST_CASE(polymers_and_the_property_vocabulary) {
  Lab lab;
  std::string lactic = lab.compound("CC(O)C(=O)O", lab.memberA, lab.a);
  auto pla = lab.registerSubstance(R"({"name": "PLA", "kind": "polymer", "start_up": )" +
                                       std::to_string(lab.a) + R"(,
      "monomers": [{"compound_id": ")" + lactic + R"(", "ratio": 100}],
      "repeat_unit": "*OC(C)C(=O)*", "mn": 72000, "mw": 144000})",
                                   lab.memberA);
  auto polymer = pla->getObject("polymer");
  BOOST_TEST(polymer->getObject("repeat_unit")->getValue<std::string>("formula") == "C3H4O2");
  BOOST_TEST(polymer->getObject("repeat_unit")->getValue<double>("mass") == 72.063);
  BOOST_TEST(polymer->getValue<double>("dispersity") == 2.0);
  BOOST_TEST(polymer->getValue<double>("degree_of_polymerisation") == 999.1);
  BOOST_TEST(polymer->getArray("monomers")->getObject(0)->getValue<std::string>("compound_id") == lactic);

  auto noStars = lab.call("POST", "/api/substances",
                          R"({"name": "P", "kind": "polymer", "start_up": )" + std::to_string(lab.a) +
                              R"(, "repeat_unit": "OC(C)C(=O)O"})",
                          lab.memberA);
  BOOST_TEST(noStars.status == 400);
  BOOST_TEST(noStars.json()->getObject("error")->getObject("details")->getValue<std::string>("field") ==
             "repeat_unit");
  auto lowMw = lab.call("POST", "/api/substances",
                        R"({"name": "P", "kind": "polymer", "start_up": )" + std::to_string(lab.a) +
                            R"(, "repeat_unit": "*OC(C)C(=O)*", "mn": 5000, "mw": 4000})",
                        lab.memberA);
  BOOST_TEST(lowMw.status == 400);
  auto ratios = lab.call("POST", "/api/substances",
                         R"({"name": "P", "kind": "polymer", "start_up": )" + std::to_string(lab.a) +
                             R"(, "monomers": [{"compound_id": ")" + lactic + R"(", "ratio": 60}]})",
                         lab.memberA);
  BOOST_TEST(ratios.status == 400);

  // The vocabulary: anyone reads it, leads extend it.
  auto terms = lab.call("GET", "/api/substance-properties");
  BOOST_TEST(terms.json()->getValue<int>("total") >= 10);
  std::string term = R"({"key": "lignin_klason", "name": "Klason lignin", "unit": "% w/w", "min": 0, "max": 100})";
  BOOST_TEST(lab.call("POST", "/api/substance-properties", term, lab.memberA).status == 403);
  BOOST_TEST(lab.call("POST", "/api/substance-properties", term, lab.leadA).status == 201);
  BOOST_TEST(lab.call("POST", "/api/substance-properties", term, lab.leadB).status == 409);
  BOOST_TEST(lab.call("POST", "/api/substance-properties",
                      R"({"key": "Bad Key", "name": "x"})", lab.leadA).status == 400);
  auto lignin = lab.registerSubstance(R"({"name": "Kraft lignin", "kind": "uvcb", "start_up": )" +
                                          std::to_string(lab.a) + R"(, "source": {"process": "kraft pulping, acid precipitation"},
      "constituents": [{"name": "lignin", "typical": 95}, {"name": "ash", "typical": 5}],
      "properties": {"lignin_klason": {"typical": 92, "min": 88}, "moisture": 6}})",
                                      lab.memberA);
  BOOST_TEST(lignin->getArray("properties")->size() == 2u);
  BOOST_TEST(lignin->getArray("properties")->getObject(0)->getValue<std::string>("name") ==
             "Klason lignin");
}

BOOST_AUTO_TEST_CASE(a_mixture_registered_as_a_compound_points_to_substances) {
  Lab lab;
  const std::int64_t compounds = lab.rows("compounds");
  const std::int64_t batches = lab.rows("batches");
  for (const std::string& path : {std::string("/api/compounds"), std::string("/api/compounds/preview")}) {
    auto r = lab.call("POST", path,
                      structureBody(std::string(kHydroxytyrosol) + "." + kCarvacrol,
                                    "\"start_up\": " + std::to_string(lab.a)),
                      lab.memberA);
    BOOST_TEST(r.status == 400, r.body);
    auto details = r.json()->getObject("error")->getObject("details");
    BOOST_TEST(details->getValue<std::string>("reason") == "mixture");
    BOOST_TEST(details->getValue<std::string>("field") == "structure");
    BOOST_TEST(r.errorMessage().find("/api/substances") != std::string::npos);
  }
  BOOST_TEST(lab.rows("compounds") == compounds);
  BOOST_TEST(lab.rows("batches") == batches);
  // A salt and a hydrate stay forms of their parent.
  auto salt = lab.call("POST", "/api/compounds",
                       structureBody("[Na+].[O-]C(=O)c1ccccc1", "\"start_up\": " + std::to_string(lab.a)),
                       lab.memberA);
  BOOST_TEST(salt.status == 201, salt.body);
  auto hydrate = lab.call("POST", "/api/compounds",
                          structureBody("OCCc1ccc(O)c(O)c1.O", "\"start_up\": " + std::to_string(lab.a)),
                          lab.memberA);
  BOOST_TEST(hydrate.status / 100 == 2, hydrate.body);
}

BOOST_AUTO_TEST_CASE(products_are_made_of_substances) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  std::string extract = lab.registerSubstance(extractBody(lab.a, ht, ty), lab.memberA)
                            ->getValue<std::string>("id");
  auto single = lab.call("POST", "/api/products",
                         R"({"name": "Antioxidant extract", "start_up": )" + std::to_string(lab.a) +
                             R"(, "substance_id": ")" + extract + R"("})",
                         lab.memberA);
  BOOST_TEST_REQUIRE(single.status == 201, single.body);
  BOOST_TEST(single.json()->getValue<std::string>("composition") == "substance");
  BOOST_TEST(single.json()->getValue<std::string>("substance_id") == extract);
  BOOST_TEST(single.json()->getObject("substance")->getValue<std::string>("kind") == "uvcb");

  auto blend = lab.call("POST", "/api/products",
                        R"({"name": "Cosmetic serum", "start_up": )" + std::to_string(lab.a) +
                            R"(, "formulation": [{"substance_id": ")" + extract +
                            R"(", "percentage": 2, "function": "antioxidant"},
          {"compound_id": ")" + ty + R"(", "percentage": 1},
          {"name": "water", "percentage": 97}]})",
                        lab.memberA);
  BOOST_TEST_REQUIRE(blend.status == 201, blend.body);
  auto parts = blend.json()->getArray("formulation");
  BOOST_TEST(parts->getObject(0)->getValue<std::string>("substance_id") == extract);
  BOOST_TEST(parts->getObject(0)->getValue<std::string>("name") == "");
  BOOST_TEST(parts->getObject(1)->getValue<std::string>("compound_id") == ty);

  auto listed = lab.call("GET", "/api/substances/" + extract + "/products", "", lab.memberA);
  BOOST_TEST(listed.json()->getValue<int>("total") == 2);
  BOOST_TEST(lab.call("GET", "/api/products?substance=" + extract, "", lab.memberA)
                 .json()->getValue<int>("total") == 2);
  // Another start-up's private substance is no ingredient; both at once is refused.
  std::string hidden = lab.registerSubstance(
      R"({"name": "Char", "kind": "material", "start_up": )" + std::to_string(lab.b) +
          R"(, "source": {"species": "Argania spinosa", "process": "pyrolysis"}})",
      lab.memberB)->getValue<std::string>("id");
  auto foreign = lab.call("POST", "/api/products",
                          R"({"name": "P2", "start_up": )" + std::to_string(lab.a) +
                              R"(, "substance_id": ")" + hidden + R"("})",
                          lab.memberA);
  BOOST_TEST(foreign.status == 400);
  BOOST_TEST(foreign.json()->getObject("error")->getObject("details")->getValue<std::string>("field") ==
             "substance_id");
  BOOST_TEST(lab.call("POST", "/api/products",
                      R"({"name": "P3", "start_up": )" + std::to_string(lab.a) +
                          R"(, "substance_id": ")" + extract + R"(", "compound_id": ")" + ty + R"("})",
                      lab.memberA).status == 400);
}

BOOST_AUTO_TEST_CASE(a_route_component_can_be_a_substance) {
  Lab lab;
  std::string triolein = lab.compound(
      "CCCCCCCC/C=C\\CCCCCCCC(=O)OCC(COC(=O)CCCCCCC/C=C\\CCCCCCCC)OC(=O)CCCCCCC/C=C\\CCCCCCCC",
      lab.memberA, lab.a);
  std::string oleate = lab.compound("CCCCCCCC/C=C\\CCCCCCCC(=O)OC", lab.memberA, lab.a);
  std::string uco = lab.registerSubstance(
      R"({"name": "Used cooking oil", "kind": "uvcb", "start_up": )" + std::to_string(lab.a) +
          R"(, "source": {"waste_stream": "used cooking oil"}, "constituents": [
        {"compound_id": ")" + triolein + R"(", "typical": 90}, {"name": "free fatty acids and polar compounds", "typical": 10}]})",
      lab.memberA)->getValue<std::string>("id");
  // As it stands in a JSON body (each backslash escaped).
  const std::string reaction =
      "CCCCCCCC/C=C\\\\CCCCCCCC(=O)OCC(COC(=O)CCCCCCC/C=C\\\\CCCCCCCC)OC(=O)CCCCCCC/C=C\\\\CCCCCCCC"
      ".CO.CO.CO>>CCCCCCCC/C=C\\\\CCCCCCCC(=O)OC.CCCCCCCC/C=C\\\\CCCCCCCC(=O)OC."
      "CCCCCCCC/C=C\\\\CCCCCCCC(=O)OC.OCC(O)CO";
  // With its representative constituent (triolein) the substance stands for it: atom economy.
  std::string withRepresentative =
      R"({"reaction_smiles": ")" + reaction + R"(", "components": [
        {"substance": ")" + uco + R"(", "representative": ")" + triolein +
      R"(", "role": "reactant", "amount": 100, "unit": "g", "origin": "waste-derived"},
        {"smiles": "CO", "amount": 40, "unit": "g"},
        {"smiles": "CCCCCCCC/C=C\\CCCCCCCC(=O)OC", "role": "product", "amount": 92, "unit": "g"}]})";
  auto metrics = lab.call("POST", "/api/reactions/metrics", withRepresentative, lab.memberA);
  BOOST_TEST_REQUIRE(metrics.status == 200, metrics.body);
  auto m = metrics.json()->getObject("metrics");
  BOOST_TEST(!m->getObject("atom_economy")->isNull("value"));
  BOOST_TEST(m->getObject("atom_economy")->getValue<std::string>("detail").find(uco) !=
             std::string::npos);
  BOOST_TEST(!m->getObject("pmi")->isNull("value"));

  // Without one: mass-based metrics count it, atom economy says it does not apply.
  std::string massOnly = R"({"reaction_smiles": "CO.CO.CO>>CCCCCCCC/C=C\\CCCCCCCC(=O)OC",
      "components": [{"substance": ")" + uco + R"(", "role": "reactant", "amount": 100, "unit": "g", "origin": "waste-derived"},
        {"smiles": "CO", "amount": 40, "unit": "g"},
        {"smiles": "CCCCCCCC/C=C\\CCCCCCCC(=O)OC", "role": "product", "amount": 92, "unit": "g"}]})";
  metrics = lab.call("POST", "/api/reactions/metrics", massOnly, lab.memberA);
  BOOST_TEST_REQUIRE(metrics.status == 200, metrics.body);
  m = metrics.json()->getObject("metrics");
  BOOST_TEST(m->getObject("atom_economy")->isNull("value"));
  BOOST_TEST(m->getObject("atom_economy")->getValue<std::string>("missing").find("does not apply") == 0u);
  BOOST_TEST(m->getObject("carbon_efficiency")->isNull("value"));
  BOOST_TEST(m->getObject("pmi")->getValue<double>("value") > 1.5);
  BOOST_TEST(m->getObject("reaction_mass_efficiency")->getValue<double>("value") > 60);

  // Stored in a route: the component keeps its substance; the route's atom economy says so.
  auto route = lab.call("POST", "/api/routes",
                        R"({"target_compound": ")" + oleate + R"(", "name": "FAME from UCO", "steps": [)" +
                            massOnly + "]}",
                        lab.memberA);
  BOOST_TEST_REQUIRE(route.status == 201, route.body);
  std::string routeId = std::to_string(route.json()->getValue<std::int64_t>("id"));
  auto routeMetrics = lab.call("GET", "/api/routes/" + routeId + "/metrics", "", lab.memberA);
  BOOST_TEST_REQUIRE(routeMetrics.status == 200, routeMetrics.body);
  BOOST_TEST(routeMetrics.body.find("does not apply") != std::string::npos);
  auto stored = lab.call("GET", "/api/routes/" + routeId, "", lab.memberA);
  BOOST_TEST(stored.body.find("\"substance\":\"" + uco + "\"") != std::string::npos);

  // A representative must be one of the substance's constituents.
  std::string wrong = withRepresentative;
  wrong.replace(wrong.find("\"representative\": \"" + triolein), 19 + triolein.size(),
                "\"representative\": \"" + oleate);
  auto refused = lab.call("POST", "/api/reactions/metrics", wrong, lab.memberA);
  BOOST_TEST(refused.status == 400, refused.body);
}

BOOST_AUTO_TEST_CASE(search_by_constituent_percentage_property_and_source) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  std::string rich = lab.registerSubstance(extractBody(lab.a, ht, ty, 14, "Rich extract"), lab.memberA)
                         ->getValue<std::string>("id");
  std::string poor = lab.registerSubstance(
      R"({"name": "Poor extract", "kind": "uvcb", "start_up": )" + std::to_string(lab.a) +
          R"(, "source": {"waste_stream": "olive pomace", "process": "hot water"}, "constituents": [
        {"compound_id": ")" + ht + R"(", "typical": 4}, {"name": "rest", "typical": 96}],
        "properties": [{"key": "total_polyphenols_gae", "typical": 80}]})",
      lab.memberA)->getValue<std::string>("id");
  auto all = searchSubstances(lab, "exact", kHydroxytyrosol, lab.memberA);
  BOOST_TEST(hitIds(all) == (std::vector<std::string>{rich, poor}));
  auto above10 = searchSubstances(lab, "exact", kHydroxytyrosol, lab.memberA, R"({"constituent_min": 10})");
  BOOST_TEST(hitIds(above10) == std::vector<std::string>{rich});
  BOOST_TEST(above10->getArray("hits")->getObject(0)->getArray("constituents")->getObject(0)->getValue<double>(
                 "typical") == 14.0);
  auto byProperty = searchSubstances(lab, "substructure", "c1ccc(O)cc1", lab.memberA,
                                     R"({"property": "total_polyphenols_gae", "property_max": 100})");
  BOOST_TEST(hitIds(byProperty) == std::vector<std::string>{poor});
  auto bySource = searchSubstances(lab, "substructure", "c1ccc(O)cc1", lab.memberA,
                                   R"({"source": "pomace"})");
  BOOST_TEST(hitIds(bySource) == std::vector<std::string>{poor});
  auto similar = searchSubstances(lab, "similarity", kTyrosol, lab.memberA);
  BOOST_TEST(similar->getArray("hits")->getObject(0)->getValue<double>("score") == 1.0);
  BOOST_TEST(hitIds(similar).front() == rich);  // tyrosol itself is in the rich extract
  auto identifier = lab.call("POST", "/api/search",
                             R"({"scope": "substances", "type": "exact", "format": "identifier", "query": ")" + ty + R"("})",
                             lab.memberA);
  BOOST_TEST(hitIds(identifier.json()) == std::vector<std::string>{rich});

  // The listing filters without a structure.
  auto listed = lab.call("GET", "/api/substances?property=total_polyphenols_gae&property_min=200",
                         "", lab.memberA);
  BOOST_TEST(listed.json()->getValue<int>("total") == 1);
  BOOST_TEST(lab.call("GET", "/api/substances?compound=" + ty, "", lab.memberA).json()->getValue<int>("total") == 1);
  BOOST_TEST(lab.call("GET", "/api/substances?q=poor", "", lab.memberA).json()->getValue<int>("total") == 1);

  // Substance filters belong to the substance scope; bad filters are named.
  auto misplaced = lab.call("POST", "/api/search",
                            R"({"type": "exact", "query": "CCO", "filters": {"constituent_min": 5}})",
                            lab.memberA);
  BOOST_TEST(misplaced.status == 400);
  auto badScope = lab.call("POST", "/api/search", R"({"scope": "mixtures", "type": "exact", "query": "CCO"})",
                           lab.memberA);
  BOOST_TEST(badScope.status == 400);
  BOOST_TEST(badScope.json()->getObject("error")->getObject("details")->getValue<std::string>("field") == "scope");
  auto badProperty = lab.call("POST", "/api/search",
                              R"({"scope": "substances", "type": "exact", "query": "CCO", "filters": {"property": "nope"}})",
                              lab.memberA);
  BOOST_TEST(badProperty.status == 400);

  // Visibility inside the scan: B sees A's extract only once it is shared.
  BOOST_TEST(hitIds(searchSubstances(lab, "exact", kHydroxytyrosol, lab.memberB)).empty());
  for (const auto& c : {ht, ty}) {
    lab.call("PATCH", "/api/compounds/" + c, R"({"visibility": "cluster"})", lab.memberA);
  }
  BOOST_TEST(lab.call("PATCH", "/api/substances/" + rich, R"({"visibility": "cluster"})", lab.memberA).status == 200);
  BOOST_TEST(hitIds(searchSubstances(lab, "exact", kHydroxytyrosol, lab.memberB)) ==
             std::vector<std::string>{rich});
  BOOST_TEST(hitIds(searchSubstances(lab, "exact", kHydroxytyrosol, lab.partner)).empty());
  // A constituent compound taken back from the cluster no longer matches for outsiders.
  lab.call("PATCH", "/api/compounds/" + ht, R"({"visibility": "start-up"})", lab.memberA);
  BOOST_TEST(hitIds(searchSubstances(lab, "substructure", "c1ccc(O)c(O)c1", lab.memberB)).empty());
  BOOST_TEST(hitIds(searchSubstances(lab, "substructure", "c1ccc(O)c(O)c1", lab.memberA)) ==
             (std::vector<std::string>{rich, poor}));
}

BOOST_AUTO_TEST_CASE(import_and_export_round_trip) {
  Lab lab;
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string ty = lab.compound(kTyrosol, lab.memberA, lab.a);
  std::string id = lab.registerSubstance(extractBody(lab.a, ht, ty), lab.memberA)
                       ->getValue<std::string>("id");
  auto csv = lab.call("GET", "/api/export/substances?format=csv", "", lab.memberA);
  BOOST_TEST_REQUIRE(csv.status == 200, csv.body);
  BOOST_TEST(csv.body.find("substance,name,kind") == 0u);
  BOOST_TEST(csv.body.find(id + ",OMW extract,uvcb") != std::string::npos);
  BOOST_TEST(csv.body.find(",constituent," + ht + ",") != std::string::npos);
  BOOST_TEST(csv.body.find("total_polyphenols_gae") != std::string::npos);
  // Outsiders export what they may see: nothing.
  auto outsider = lab.call("GET", "/api/export/substances?format=csv", "", lab.memberB);
  BOOST_TEST(outsider.body.find("OMW extract") == std::string::npos);

  // Into start-up B: its codes are not B's, so the SMILES are linked or registered there.
  auto imported = lab.server.call("POST", "/api/substances/import?format=csv", csv.body,
                                  lab.memberB, "text/csv");
  BOOST_TEST_REQUIRE(imported.status == 200, imported.body);
  auto counts = imported.json()->getObject("counts");
  BOOST_TEST(counts->getValue<int>("new_substance") == 1);
  BOOST_TEST(counts->getValue<int>("rejected") == 0);
  auto again = lab.server.call("POST", "/api/substances/import?format=csv", csv.body, lab.memberB,
                               "text/csv");
  BOOST_TEST_REQUIRE(again.status == 200, again.body);
  BOOST_TEST(again.json()->getObject("counts")->getValue<int>("already_registered") == 1);
  BOOST_TEST(lab.call("GET", "/api/substances", "", lab.memberB).json()->getValue<int>("total") == 1);

  auto json = lab.call("GET", "/api/export/substances?format=json", "", lab.memberA);
  BOOST_TEST_REQUIRE(json.status == 200, json.body);
  BOOST_TEST(json.json()->getValue<std::string>("format") == "argan-substances/1");
  BOOST_TEST(json.json()->getValue<int>("count") == 1);
  auto fromJson = lab.server.call("POST", "/api/substances/import", json.body, lab.leadB,
                                  "application/json");
  BOOST_TEST_REQUIRE(fromJson.status == 200, fromJson.body);
  BOOST_TEST(fromJson.json()->getObject("counts")->getValue<int>("already_registered") == 1);

  // A file whose every record is refused answers 400 with the first reason and its line.
  std::string bad = "substance,name,kind,record,typical\nx,Broken,uvcb,constituent,abc\n";
  auto refused = lab.server.call("POST", "/api/substances/import", bad, lab.memberB, "text/csv");
  BOOST_TEST(refused.status == 400, refused.body);
  BOOST_TEST(refused.errorMessage().find("line 2") != std::string::npos, refused.errorMessage());
  auto unterminated = lab.server.call("POST", "/api/substances/import",
                                      "substance,name,kind\n\"x,y,uvcb\n", lab.memberB, "text/csv");
  BOOST_TEST(unterminated.status == 400);
  auto noStartUp = lab.server.call("POST", "/api/substances/import", csv.body, lab.admin, "text/csv");
  BOOST_TEST(noStartUp.status == 400);
}

BOOST_AUTO_TEST_CASE(the_comparison_counts_visible_overlaps_only) {
  Lab lab;
  std::string htA = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  std::string tyA = lab.compound(kTyrosol, lab.memberA, lab.a);
  std::string htB = lab.compound(kHydroxytyrosol, lab.memberB, lab.b);
  std::string tyB = lab.compound(kTyrosol, lab.memberB, lab.b);
  std::string sa = lab.registerSubstance(extractBody(lab.a, htA, tyA), lab.memberA)->getValue<std::string>("id");
  std::string sb = lab.registerSubstance(extractBody(lab.b, htB, tyB, 10), lab.memberB)->getValue<std::string>("id");
  auto seen = [&](const std::string& token) {
    auto r = lab.call("GET", "/api/compare/start-ups", "", token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return r.json()->getObject("substances");
  };
  // Private on both sides: each sees its own, no overlap.
  BOOST_TEST(seen(lab.memberA)->getValue<int>("overlap_count") == 0);
  BOOST_TEST(seen(lab.memberA)->getObject("per_start_up")->getValue<int>(std::to_string(lab.a)) == 1);
  BOOST_TEST(!seen(lab.memberA)->getObject("per_start_up")->has(std::to_string(lab.b)));
  // As for compounds (docs/threat-model.md, "Overlap signals"), A learns nothing of B's
  // private extract: no overlap, no signal, nothing that changes with it.
  BOOST_TEST(!seen(lab.memberA)->has("private_signals"));
  BOOST_TEST(seen(lab.memberA)->getArray("overlaps")->size() == 0u);
  // The administrator sees both and the overlap.
  auto admin = seen(lab.admin);
  BOOST_TEST_REQUIRE(admin->getValue<int>("overlap_count") == 1);
  auto group = admin->getArray("overlaps")->getObject(0);
  BOOST_TEST(group->getArray("substances")->getElement<std::string>(0) == sa);
  BOOST_TEST(group->getArray("substances")->getElement<std::string>(1) == sb);
  // Once B shares its extract (and its constituents) with the cluster, A sees the overlap.
  for (const auto& c : {htB, tyB}) lab.call("PATCH", "/api/compounds/" + c, R"({"visibility": "cluster"})", lab.memberB);
  BOOST_TEST(lab.call("PATCH", "/api/substances/" + sb, R"({"visibility": "cluster"})", lab.memberB).status == 200);
  BOOST_TEST(seen(lab.memberA)->getValue<int>("overlap_count") == 1);
}

// Real substances of the cluster, with their published compositions: cold-pressed argan oil
// (fatty-acid ranges of the Moroccan standard NM 08.5.090 for virgin argan oil), an olive-leaf
// extract standardised to oleuropein, and chitosan from shrimp shells (a polymer of
// glucosamine and N-acetylglucosamine). Each one's identity rule, search and bad input.
BOOST_AUTO_TEST_CASE(argan_oil_olive_leaf_extract_and_chitosan) {
  Lab lab;
  const std::string a = std::to_string(lab.a);
  std::string palmitic = lab.compound("CCCCCCCCCCCCCCCC(=O)O", lab.memberA, lab.a);
  std::string stearic = lab.compound("CCCCCCCCCCCCCCCCCC(=O)O", lab.memberA, lab.a);
  std::string oleic = lab.compound("CCCCCCCC/C=C\\CCCCCCCC(=O)O", lab.memberA, lab.a);
  std::string linoleic = lab.compound("CCCCC/C=C\\C/C=C\\CCCCCCCC(=O)O", lab.memberA, lab.a);
  auto arganOil = [&](const std::string& process, double oleicTypical,
                      const std::string& oleicRange = R"("min": 43.0, "max": 49.1)") {
    std::ostringstream body;
    body << R"({"name": "Virgin argan oil", "kind": "uvcb", "start_up": )" << a << R"(,
      "synonyms": ["huile d'argane vierge"],
      "source": {"species": "Argania spinosa (L.) Skeels", "part": "kernels", "process": ")"
         << process << R"("},
      "constituents": [
        {"compound_id": ")" << palmitic << R"(", "name": "palmitic acid C16:0", "typical": 13.25, "min": 11.5, "max": 15.0, "unit": "w/w", "method": "GC-FID of FAME, ISO 12966"},
        {"compound_id": ")" << stearic << R"(", "name": "stearic acid C18:0", "typical": 5.75, "min": 4.3, "max": 7.2, "unit": "w/w", "method": "GC-FID of FAME, ISO 12966"},
        {"compound_id": ")" << oleic << R"(", "name": "oleic acid C18:1", "typical": )" << oleicTypical << ", " << oleicRange << R"(, "unit": "w/w", "method": "GC-FID of FAME, ISO 12966"},
        {"compound_id": ")" << linoleic << R"(", "name": "linoleic acid C18:2", "typical": 32.65, "min": 29.3, "max": 36.0, "unit": "w/w", "method": "GC-FID of FAME, ISO 12966"},
        {"name": "other fatty acids", "typical": )" << 48.35 - oleicTypical << R"(, "min": 0, "max": 5, "unit": "w/w"}],
      "properties": [{"key": "free_fatty_acids", "typical": 0.3, "max": 0.8, "method": "ISO 660"},
                     {"key": "iodine_value", "typical": 100, "min": 91, "max": 110},
                     {"key": "saponification_value", "typical": 194, "min": 189, "max": 199},
                     {"key": "peroxide_value", "typical": 3, "max": 15}]})";
    return body.str();
  };
  const std::string coldPressed = "cold pressing of unroasted kernels (cosmetic grade)";
  auto oil = lab.registerSubstance(arganOil(coldPressed, 46.05), lab.memberA);
  const std::string oilId = oil->getValue<std::string>("id");
  BOOST_TEST(oil->getValue<std::string>("kind") == "uvcb");
  BOOST_TEST(oil->getArray("constituents")->size() == 5u);
  BOOST_TEST(oil->getArray("properties")->size() == 4u);
  // The next lot of the same oil (oleic acid 47.5 %, inside 43.0-49.1): a new batch.
  auto second = lab.registerSubstance(arganOil(coldPressed, 47.5), lab.memberA, 200);
  BOOST_TEST(second->getValue<std::string>("outcome") == "new_batch");
  BOOST_TEST(second->getValue<std::string>("id") == oilId);
  // Food-grade oil from roasted kernels: another process, a new substance flagged as near.
  auto roasted = lab.registerSubstance(arganOil("pressing of roasted kernels (food grade)", 46.05),
                                       lab.memberA);
  BOOST_TEST(roasted->getValue<std::string>("outcome") == "new_substance");
  BOOST_TEST_REQUIRE(roasted->getArray("flags")->size() >= 1u, "flags of the roasted oil");
  BOOST_TEST(roasted->getArray("flags")->getObject(0)->getValue<std::string>("substance") == oilId);
  // A range written backwards names oleic acid; nothing is stored.
  const std::int64_t before = lab.rows("substances");
  auto backwards = lab.call("POST", "/api/substances",
                            arganOil(coldPressed, 46.05, R"("min": 49.1, "max": 43.0)"), lab.memberA);
  BOOST_TEST(backwards.status == 400, backwards.body);
  BOOST_TEST(backwards.json()->getObject("error")->getObject("details")->getValue<std::string>("field") ==
             "constituents[2].min");
  BOOST_TEST(backwards.errorMessage().find("oleic acid") != std::string::npos, backwards.errorMessage());
  BOOST_TEST(lab.rows("substances") == before);

  // Olive-leaf extract standardised to 20 % oleuropein (HPLC), with some free hydroxytyrosol.
  std::string oleuropein = lab.compound(
      "CC=C1C(CC(=O)OCCc2ccc(O)c(O)c2)C(C(=O)OC)=COC1OC1OC(CO)C(O)C(O)C1O", lab.memberA, lab.a);
  std::string ht = lab.compound(kHydroxytyrosol, lab.memberA, lab.a);
  auto leaf = lab.registerSubstance(R"({"name": "Olive-leaf extract, 20 % oleuropein", "kind": "uvcb",
      "start_up": )" + a + R"(, "source": {"species": "Olea europaea L.", "part": "leaves",
        "waste_stream": "olive-tree pruning leaves", "process": "70 % ethanol extraction, spray drying"},
      "constituents": [
        {"compound_id": ")" + oleuropein + R"(", "name": "oleuropein", "typical": 20, "min": 18, "max": 25, "unit": "w/w", "method": "HPLC-UV 280 nm"},
        {"compound_id": ")" + ht + R"(", "name": "hydroxytyrosol", "typical": 1.5, "min": 0.5, "max": 3, "unit": "w/w", "method": "HPLC-UV 280 nm"},
        {"name": "other leaf polyphenols: verbascoside, luteolin glucosides", "typical": 10, "unit": "w/w"},
        {"name": "carbohydrates, minerals and moisture", "typical": 68.5, "unit": "w/w"}],
      "properties": [{"key": "total_polyphenols_gae", "typical": 280, "min": 220},
                     {"key": "total_flavonoids_qe", "typical": 25},
                     {"key": "moisture", "typical": 4, "max": 5}]})",
                                    lab.memberA)->getValue<std::string>("id");
  // "Every extract containing the hydroxytyrosol moiety above 10 %": oleuropein carries it.
  auto moiety = searchSubstances(lab, "substructure", kHydroxytyrosol, lab.memberA,
                                 R"({"constituent_min": 10})");
  BOOST_TEST(hitIds(moiety) == std::vector<std::string>{leaf});
  auto matched = moiety->getArray("hits")->getObject(0)->getArray("constituents");
  BOOST_TEST_REQUIRE(matched->size() == 1u);
  BOOST_TEST(matched->getObject(0)->getValue<double>("typical") == 20.0);
  // Free hydroxytyrosol itself is there at 1.5 % only.
  BOOST_TEST(hitIds(searchSubstances(lab, "exact", kHydroxytyrosol, lab.memberA)) ==
             std::vector<std::string>{leaf});
  BOOST_TEST(hitIds(searchSubstances(lab, "exact", kHydroxytyrosol, lab.memberA,
                                     R"({"constituent_min": 10})")).empty());
  // The oils are found by their oleic acid, the extract is not.
  auto oils = hitIds(searchSubstances(lab, "substructure", "C/C=C\\CCCCCCCC(=O)O", lab.memberA));
  BOOST_TEST(oils.size() == 2u);
  BOOST_TEST((std::find(oils.begin(), oils.end(), leaf) == oils.end()));
  // By property range and by source, without a structure.
  auto acid = lab.call("GET", "/api/substances?property=free_fatty_acids&property_max=0.5", "", lab.memberA);
  BOOST_TEST_REQUIRE(acid.status == 200, acid.body);
  BOOST_TEST(acid.json()->getValue<int>("total") == 2);
  auto leaves = lab.call("GET", "/api/substances?source=leaves", "", lab.memberA);
  BOOST_TEST(leaves.json()->getValue<int>("total") == 1);

  // Chitosan from shrimp shells: 85 % glucosamine units (degree of deacetylation).
  std::string glucosamine = lab.compound("NC1C(O)OC(CO)C(O)C1O", lab.memberA, lab.a);
  std::string glcnac = lab.compound("CC(=O)NC1C(O)OC(CO)C(O)C1O", lab.memberA, lab.a);
  auto chitosan = [&](double glucosamineRatio) {
    std::ostringstream body;
    body << R"({"name": "Chitosan, medium molar mass", "kind": "polymer", "start_up": )" << a << R"(,
      "source": {"waste_stream": "shrimp shells from seafood processing",
                 "process": "demineralisation (HCl), deproteinisation (NaOH), deacetylation in 50 % NaOH"},
      "monomers": [{"compound_id": ")" << glucosamine << R"(", "ratio": )" << glucosamineRatio << R"(},
                   {"compound_id": ")" << glcnac << R"(", "ratio": 15}],
      "repeat_unit": "*OC1C(O)C(N)C(*)OC1CO", "mn": 80000, "mw": 240000,
      "properties": [{"key": "degree_of_deacetylation", "typical": 85, "min": 80, "max": 90},
                     {"key": "moisture", "typical": 8, "max": 10}]})";
    return body.str();
  };
  auto chi = lab.registerSubstance(chitosan(85), lab.memberA);
  auto polymer = chi->getObject("polymer");
  BOOST_TEST(polymer->getObject("repeat_unit")->getValue<std::string>("formula") == "C6H11NO4");
  BOOST_TEST(polymer->getValue<double>("dispersity") == 3.0);
  BOOST_TEST(polymer->getArray("monomers")->size() == 2u);
  // Found through its monomer's structure.
  BOOST_TEST(hitIds(searchSubstances(lab, "exact", "NC1C(O)OC(CO)C(O)C1O", lab.memberA)) ==
             std::vector<std::string>{chi->getValue<std::string>("id")});
  // Monomer ratios summing to 105 mol %: refused, nothing stored.
  const std::int64_t count = lab.rows("substances");
  auto over = lab.call("POST", "/api/substances", chitosan(90), lab.memberA);
  BOOST_TEST(over.status == 400, over.body);
  BOOST_TEST(over.json()->getObject("error")->getObject("details")->getValue<std::string>("field") == "monomers");
  BOOST_TEST(over.errorMessage().find("105") != std::string::npos, over.errorMessage());
  BOOST_TEST(lab.rows("substances") == count);
}

BOOST_AUTO_TEST_SUITE_END()
