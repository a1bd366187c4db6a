// The needs board over real HTTP: posting needs (with a structure criterion checked by the
// chemistry), who sees them, matches per audience, responses with sharing grants and a
// thread, projects at the level their start-up discloses, the inbox, the cluster's view.
#include <chrono>
#include <thread>

#include "db/need_store.h"
#include "need_test_support.h"

using namespace argan;
using test::NeedLab;

namespace {

Poco::JSON::Object::Ptr firstItem(const test::HttpResult& r) {
  return r.json()->getArray("items")->getObject(0);
}

std::string unreadKinds(NeedLab& lab, const std::string& token) {
  auto r = lab.server.call("GET", "/api/notifications", "", token);
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  std::string kinds;
  auto items = r.json()->getArray("items");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto n = items->getObject(static_cast<unsigned>(i));
    if (!n->getValue<bool>("read")) kinds += n->getValue<std::string>("kind") + ";";
  }
  return kinds;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_needs)

BOOST_AUTO_TEST_CASE(a_partner_posts_a_need_with_a_structure_criterion) {
  NeedLab lab;
  auto created = lab.server.call(
      "POST", "/api/needs",
      test::catecholNeed("public",
                         R"("company": "Argania Cosmetics", "regulatory": ["cosmetics"],
         "deadline": "2031-06-30",
         "properties": [{"key": "purity", "min": 95}, {"key": "price_per_kg", "max": 15000,
                         "required": false}])"),
      lab.partner);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  auto need = created.json();
  // Needs are numbered by creation time, not 1, 2, 3 (docs/threat-model.md, "Record numbers").
  const std::string needId = need->getValue<std::string>("id");
  BOOST_TEST(needId.rfind("NEED-", 0) == 0u);
  BOOST_TEST(needId != "NEED-000001");
  BOOST_TEST(need->getObject("structure")->getValue<std::string>("type") == "substructure");
  BOOST_TEST(need->getObject("structure")->getArray("molecules")->getObject(0)->getValue<std::string>(
                 "input") == "c1ccc(O)c(O)c1");
  BOOST_TEST(need->getArray("properties")->getObject(0)->getValue<std::string>("unit") == "%");
  BOOST_TEST(need->getValue<std::string>("company") == "Argania Cosmetics");
  BOOST_TEST(need->getValue<bool>("mine"));

  // The structure is read by the chemistry; its errors name the field.
  auto bad = lab.server.call(
      "POST", "/api/needs",
      R"({"title": "t", "statement": "s", "visibility": "public",
          "structure": {"type": "substructure", "query": "C1CC("}})",
      lab.partner);
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.json()->getObject("error")->getObject("details")->getValue<std::string>(
                 "field") == "structure.query");
  auto general = lab.server.call(
      "POST", "/api/needs",
      R"({"title": "t", "statement": "s", "structure": {"type": "substructure", "query": "C"}})",
      lab.partner);
  BOOST_TEST(general.status == 400);
  BOOST_TEST(general.body.find("query_too_general") != std::string::npos);
  auto list = lab.server.call(
      "POST", "/api/needs",
      R"({"title": "Replace NMP", "statement": "s", "structure": {"type": "replace",
          "query": ["CN1CCCC1=O", "not a molecule ("]}})",
      lab.partner);
  BOOST_TEST(list.status == 400);
  BOOST_TEST(list.body.find("structure.query[1]") != std::string::npos);
  // Fields and vocabularies.
  auto range = lab.server.call(
      "POST", "/api/needs",
      R"({"title": "t", "statement": "s", "properties": [{"key": "purity", "min": 99, "max": 90}]})",
      lab.partner);
  BOOST_TEST(range.status == 400);
  BOOST_TEST(range.body.find("properties[0].min") != std::string::npos);
  BOOST_TEST(lab.server.call("POST", "/api/needs", R"({"title": "t", "statement": "s", "sector": "x"})",
                             lab.partner).status == 400);
  BOOST_TEST(lab.server.call("POST", "/api/needs",
                             R"({"title": "t", "statement": "s", "visibility": "named"})",
                             lab.partner).status == 400);
  // Who posts: partners, and administrators for a named partner.
  BOOST_TEST(lab.server.call("POST", "/api/needs", test::catecholNeed()).status == 401);
  BOOST_TEST(lab.server.call("POST", "/api/needs", test::catecholNeed(), lab.memberZ).status == 403);
  BOOST_TEST(lab.server.call("POST", "/api/needs", test::catecholNeed(), lab.admin).status == 400);
  auto onBehalf = lab.server.call(
      "POST", "/api/needs", test::catecholNeed("public", R"("partner": "buyer@souss-pack.ma")"),
      lab.admin);
  BOOST_TEST_REQUIRE(onBehalf.status == 201, onBehalf.body);
  auto owned = lab.server.call("GET", "/api/needs?mine=true", "", lab.otherPartner);
  BOOST_TEST(owned.json()->getValue<int>("total") == 1);
  BOOST_TEST(firstItem(owned)->getValue<std::string>("id") ==
             onBehalf.json()->getValue<std::string>("id"));
  BOOST_TEST(lab.server.call("GET", "/api/needs?mine=true", "", lab.partner).json()->getValue<int>(
                 "total") == 1);
  // Only the owner (and administrators) change it; nothing was stored by the refusals.
  BOOST_TEST(lab.server.call("PATCH", "/api/needs/" + needId, R"({"title": "mine"})",
                             lab.otherPartner).status == 403);
  BOOST_TEST(lab.server.count("needs") == 2);
  auto renamed = lab.server.call("PATCH", "/api/needs/" + needId,
                                 R"({"title": "Natural antioxidant, 2031 season"})", lab.partner);
  BOOST_TEST(renamed.status == 200);
  BOOST_TEST(renamed.json()->getValue<std::string>("title") == "Natural antioxidant, 2031 season");
  BOOST_TEST(renamed.json()->getValue<std::string>("deadline") == "2031-06-30");
  auto cleared = lab.server.call("PATCH", "/api/needs/" + needId, R"({"deadline": null})",
                                 lab.partner);
  BOOST_TEST(cleared.json()->isNull("deadline"));
  BOOST_TEST(cleared.json()->getValue<std::string>("title") == "Natural antioxidant, 2031 season");
}

BOOST_AUTO_TEST_CASE(who_sees_a_need_and_the_partner_s_company) {
  NeedLab lab;
  std::string pub = lab.need(test::catecholNeed("public", R"("company": "Argania Cosmetics")"),
                             lab.partner);
  std::string cluster = lab.need(test::catecholNeed("cluster"), lab.partner);
  std::string named = lab.need(
      test::catecholNeed("named", R"("start_ups": [)" + std::to_string(lab.zaatar) + "]"),
      lab.partner);
  auto status = [&](const std::string& id, const std::string& token) {
    return lab.server.call("GET", "/api/needs/" + id, "", token).status;
  };
  BOOST_TEST(status(pub, "") == 200);
  BOOST_TEST(status(pub, lab.otherPartner) == 200);
  BOOST_TEST(status(cluster, "") == 404);
  BOOST_TEST(status(cluster, lab.otherPartner) == 404);
  BOOST_TEST(status(cluster, lab.memberZ) == 200);
  BOOST_TEST(status(named, lab.memberZ) == 404);
  BOOST_TEST(status(named, lab.memberT) == 200);
  BOOST_TEST(status(named, lab.partner) == 200);
  BOOST_TEST(status(named, lab.admin) == 200);
  BOOST_TEST(status("NEED-000999", lab.admin) == 404);
  // The list says the same.
  BOOST_TEST(lab.server.call("GET", "/api/needs", "", lab.memberZ).json()->getValue<int>("total") == 2);
  BOOST_TEST(lab.server.call("GET", "/api/needs", "", lab.memberT).json()->getValue<int>("total") == 3);
  BOOST_TEST(lab.server.call("GET", "/api/needs").json()->getValue<int>("total") == 1);
  // Anonymous until the partner chooses: start-ups and other partners see no company.
  auto seen = lab.server.call("GET", "/api/needs/" + pub, "", lab.memberZ).json();
  BOOST_TEST(seen->isNull("company"));
  BOOST_TEST(seen->getValue<bool>("anonymous"));
  BOOST_TEST(seen->isNull("partner"));
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + pub, "", lab.partner).json()->getValue<std::string>(
                 "company") == "Argania Cosmetics");
  // The start-ups invited to a named need are the partner's business.
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + named, "", lab.memberT).json()->isNull("start_ups"));
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + named, "", lab.partner).json()->getArray(
                 "start_ups")->size() == 1u);
  lab.server.call("PATCH", "/api/needs/" + pub, R"({"company_disclosed": true})", lab.partner);
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + pub, "", lab.memberZ).json()->getValue<std::string>(
                 "company") == "Argania Cosmetics");
  // The invited start-up was told.
  BOOST_TEST(unreadKinds(lab, lab.memberT) == "need_invited;");
  BOOST_TEST(unreadKinds(lab, lab.memberZ) == "");
}

BOOST_AUTO_TEST_CASE(matches_are_computed_per_audience) {
  NeedLab lab;
  std::string hydroxytyrosol = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  std::string tyrosol = lab.compound("OCCc1ccc(O)cc1", lab.memberZ, lab.zitoun);
  std::string caffeic = lab.compound("OC(=O)/C=C/c1ccc(O)c(O)c1", lab.memberT, lab.zaatar);
  std::string catechol = lab.compound("Oc1ccccc1O", lab.memberT, lab.zaatar);
  lab.publish(catechol, lab.leadT);
  std::string need = lab.need(test::catecholNeed(), lab.partner);

  // The partner: the public catalogue only. Each start-up: its own records only.
  BOOST_TEST(lab.matches(need, lab.partner) == std::vector<std::string>{catechol});
  BOOST_TEST(lab.matches(need, lab.memberZ) == std::vector<std::string>{hydroxytyrosol});
  BOOST_TEST((lab.matches(need, lab.memberT) == std::vector<std::string>{caffeic, catechol}));
  BOOST_TEST(lab.matches(need, lab.admin).size() == 3u);
  auto answer = lab.server.call("GET", "/api/needs/" + need + "/matches", "", lab.memberZ).json();
  BOOST_TEST(answer->getValue<std::string>("scope") == "own");
  BOOST_TEST(firstItem(lab.server.call("GET", "/api/needs/" + need + "/matches", "", lab.memberZ))
                 ->getValue<std::string>("visibility") == "start-up");
  (void)tyrosol;
  // Other partners and visitors get no matches of somebody else's need.
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + need + "/matches", "", lab.otherPartner).status == 403);
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + need + "/matches").status == 401);

  // Products: made of a hit compound, or naming the need's function.
  std::string serum = lab.product("OleoHT", hydroxytyrosol, lab.zitoun, lab.memberZ);
  std::string cream = lab.product("Tyrosol cream base", tyrosol, lab.zitoun, lab.memberZ,
                                  R"("intended_uses": ["antioxydant pour crèmes"])");
  auto own = lab.matches(need, lab.memberZ);
  BOOST_TEST((own == std::vector<std::string>{hydroxytyrosol, serum, cream}));
  BOOST_TEST(lab.matches(need, lab.partner) == std::vector<std::string>{catechol});
  // Published, the product reaches the partner; its private compound does not.
  lab.server.call("PATCH", "/api/products/" + cream, R"({"visibility": "public"})", lab.leadZ);
  lab.server.call("PATCH", "/api/products/" + serum, R"({"visibility": "public"})", lab.leadZ);
  auto partnerView = lab.server.call("GET", "/api/needs/" + need + "/matches", "", lab.partner);
  BOOST_TEST((NeedLab::codes(partnerView) == std::vector<std::string>{catechol, cream}));
  BOOST_TEST(partnerView.body.find(hydroxytyrosol) == std::string::npos);
  BOOST_TEST(partnerView.body.find(serum) == std::string::npos);
  auto reasons = partnerView.json()->getArray("items")->getObject(1)->getArray("reasons");
  BOOST_TEST(reasons->getElement<std::string>(0) == "function");
}

BOOST_AUTO_TEST_CASE(matches_stay_current_when_records_and_needs_change) {
  NeedLab lab;
  std::string hydroxytyrosol = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  BOOST_TEST(lab.matches(need, lab.partner).empty());
  lab.publish(hydroxytyrosol, lab.leadZ);
  BOOST_TEST(lab.matches(need, lab.partner) == std::vector<std::string>{hydroxytyrosol});
  // A record registered after the need matches at once.
  std::string caffeic = lab.compound("OC(=O)/C=C/c1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  BOOST_TEST((lab.matches(need, lab.memberZ) == std::vector<std::string>{hydroxytyrosol, caffeic}));
  // Retired, it matches no more.
  lab.server.call("POST", "/api/compounds/" + hydroxytyrosol + "/retire",
                  R"({"reason": "duplicate entry"})", lab.leadZ);
  BOOST_TEST(lab.matches(need, lab.partner).empty());
  BOOST_TEST(lab.matches(need, lab.memberZ) == std::vector<std::string>{caffeic});
  // The need changes: a similarity criterion around carvacrol.
  std::string carvacrol = lab.compound("Cc1ccc(C(C)C)cc1O", lab.memberT, lab.zaatar);
  std::string thymol = lab.compound("Cc1ccc(C(C)C)c(O)c1", lab.memberT, lab.zaatar);
  auto changed = lab.server.call(
      "PATCH", "/api/needs/" + need,
      R"({"structure": {"type": "similarity", "query": "Cc1ccc(C(C)C)cc1O", "threshold": 0.3}})",
      lab.partner);
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  BOOST_TEST(lab.matches(need, lab.memberZ).empty());
  auto zaatar = lab.server.call("GET", "/api/needs/" + need + "/matches", "", lab.memberT);
  BOOST_TEST((NeedLab::codes(zaatar) == std::vector<std::string>{carvacrol, thymol}));
  BOOST_TEST(firstItem(zaatar)->getValue<double>("score") == 1.0);
  // "Replace": close molecules, not the molecule itself.
  lab.server.call("PATCH", "/api/needs/" + need,
                  R"({"structure": {"type": "replace", "query": ["Cc1ccc(C(C)C)cc1O"],
                      "threshold": 0.3}})",
                  lab.partner);
  BOOST_TEST(lab.matches(need, lab.memberT) == std::vector<std::string>{thymol});
  // Without a criterion, only the function matches products.
  lab.server.call("PATCH", "/api/needs/" + need, R"({"structure": null})", lab.partner);
  BOOST_TEST(lab.matches(need, lab.memberT).empty());
}

BOOST_AUTO_TEST_CASE(a_response_shares_records_with_this_partner_only) {
  NeedLab lab;
  std::string ht = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  std::string product = lab.product("OleoHT", ht, lab.zitoun, lab.memberZ);
  auto upload = lab.server.call("POST", "/api/products/" + product +
                                    "/documents?filename=dpph.txt&kind=analysis&title=DPPH",
                                "DPPH IC50 8.1 ug/mL", lab.memberZ, "text/plain");
  BOOST_TEST_REQUIRE(upload.status == 201, upload.body);
  std::string doc = upload.json()->getValue<std::string>("id");
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  std::string body = R"({"summary": "OleoHT: hydroxytyrosol 99 % from olive-mill wastewater.",
      "shares": [{"type": "compound", "id": ")" + ht + R"("},
                 {"type": "document", "id": ")" + doc + R"(", "note": "antioxidant activity"}]})";
  // Partners, visitors and other start-ups' records cannot answer for Zitoun.
  BOOST_TEST(lab.server.call("POST", "/api/needs/" + need + "/responses", body, lab.partner).status == 403);
  BOOST_TEST(lab.server.call("POST", "/api/needs/" + need + "/responses", body, lab.memberT).status == 404);
  BOOST_TEST(lab.server.count("need_responses") == 0);
  auto created = lab.server.call("POST", "/api/needs/" + need + "/responses", body, lab.memberZ);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string rsp = created.json()->getValue<std::string>("id");
  BOOST_TEST(rsp.rfind("RSP-", 0) == 0u);
  BOOST_TEST(rsp != "RSP-000001");  // numbered by creation time
  BOOST_TEST(lab.server.call("POST", "/api/needs/" + need + "/responses",
                             R"({"summary": "again"})", lab.leadZ).status == 409);
  auto shares = created.json()->getArray("shares");
  BOOST_TEST_REQUIRE(shares->size() == 2u);
  std::string docShare = "/api/responses/" + rsp + "/shares/" +
                         std::to_string(shares->getObject(1)->getValue<std::int64_t>("id"));
  std::string compoundShare = "/api/responses/" + rsp + "/shares/" +
                              std::to_string(shares->getObject(0)->getValue<std::int64_t>("id"));

  // The partner reads the shared records through the response...
  auto shared = lab.server.call("GET", compoundShare, "", lab.partner);
  BOOST_TEST_REQUIRE(shared.status == 200, shared.body);
  BOOST_TEST(shared.json()->getObject("record")->getValue<std::string>("id") == ht);
  BOOST_TEST(shared.json()->getObject("share")->isNull("note"));
  auto svg = lab.server.call("GET", compoundShare + "/depiction.svg", "", lab.partner);
  BOOST_TEST(svg.status == 200);
  BOOST_TEST(svg.body.find("<svg") != std::string::npos);
  auto bytes = lab.server.call("GET", docShare + "/content", "", lab.partner);
  BOOST_TEST(bytes.status == 200);
  BOOST_TEST(bytes.body == "DPPH IC50 8.1 ug/mL");
  // ... and only through it: the records stay private everywhere else.
  BOOST_TEST(lab.server.call("GET", "/api/documents/" + doc + "/content", "", lab.partner).status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/compounds/" + ht, "", lab.partner).status == 404);
  // Nobody else reads them, not even through the response.
  for (const auto& token : {lab.otherPartner, lab.memberT, lab.leadT}) {
    BOOST_TEST(lab.server.call("GET", docShare + "/content", "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", compoundShare, "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", "/api/responses/" + rsp, "", token).status == 404);
  }
  BOOST_TEST(lab.server.call("GET", docShare + "/content").status == 401);
  // Revoking makes them unreadable again; the grant stays in the start-up's history.
  BOOST_TEST(lab.server.call("POST", docShare + "/revoke", "", lab.partner).status == 403);
  BOOST_TEST(lab.server.call("POST", docShare + "/revoke", "", lab.memberT).status == 404);
  auto revoked = lab.server.call("POST", docShare + "/revoke", "", lab.memberZ);
  BOOST_TEST_REQUIRE(revoked.status == 200, revoked.body);
  BOOST_TEST(!revoked.json()->getValue<bool>("active"));
  BOOST_TEST(lab.server.call("GET", docShare + "/content", "", lab.partner).status == 404);
  BOOST_TEST(lab.server.call("GET", docShare, "", lab.partner).status == 404);
  BOOST_TEST(lab.server.call("POST", docShare + "/revoke", "", lab.memberZ).status == 422);
  BOOST_TEST(lab.server.call("GET", "/api/responses/" + rsp, "", lab.partner).json()->getArray(
                 "shares")->size() == 1u);
  BOOST_TEST(lab.server.call("GET", "/api/responses/" + rsp, "", lab.memberZ).json()->getArray(
                 "shares")->size() == 2u);
  auto history = lab.server.database().read([](db::Connection& c) {
    return c.queryText("SELECT group_concat(action, ',') FROM audit_log WHERE record_type ="
                       " 'need_response'").value_or("");
  });
  BOOST_TEST(history == "create,share,share,revoke_share");
  // Sharing another start-up's record, or a record it does not have, is refused.
  std::string theirs = lab.compound("Oc1ccccc1O", lab.memberT, lab.zaatar);
  auto foreign = lab.server.call("POST", "/api/responses/" + rsp + "/shares",
                                 R"({"type": "compound", "id": ")" + theirs + "\"}", lab.memberZ);
  BOOST_TEST(foreign.status == 404);
  BOOST_TEST(foreign.errorMessage().find(theirs) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(thread_shortlist_and_closing_with_an_outcome) {
  NeedLab lab;
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  auto created = lab.server.call("POST", "/api/needs/" + need + "/responses",
                                 R"({"summary": "We have hydroxytyrosol."})", lab.memberZ);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  const std::string rspCode = created.json()->getValue<std::string>("id");
  std::string rsp = "/api/responses/" + rspCode;
  auto asked = lab.server.call("POST", rsp + "/messages",
                               R"({"message": "Soluble at 0.1 % in argan oil?"})", lab.partner);
  BOOST_TEST_REQUIRE(asked.status == 201, asked.body);
  lab.server.call("POST", rsp + "/messages", R"({"message": "With a carrier, yes."})", lab.leadZ);
  auto thread = lab.server.call("GET", rsp, "", lab.memberZ).json()->getArray("messages");
  BOOST_TEST_REQUIRE(thread->size() == 2u);
  BOOST_TEST(thread->getObject(0)->getValue<std::string>("side") == "partner");
  BOOST_TEST(thread->getObject(0)->isNull("author"));  // the company is not disclosed
  BOOST_TEST(thread->getObject(1)->getValue<std::string>("author") == "Zitoun Bio");
  BOOST_TEST(lab.server.call("POST", rsp + "/messages", R"({"message": ""})", lab.partner).status == 400);

  // The partner shortlists; only the start-up withdraws.
  BOOST_TEST(lab.server.call("PATCH", rsp, R"({"status": "shortlisted"})", lab.memberZ).status == 403);
  BOOST_TEST(lab.server.call("PATCH", rsp, R"({"status": "withdrawn"})", lab.partner).status == 403);
  BOOST_TEST(lab.server.call("PATCH", rsp, R"({"status": "won"})", lab.partner).status == 400);
  auto listed = lab.server.call("PATCH", rsp, R"({"status": "shortlisted"})", lab.partner);
  BOOST_TEST(listed.json()->getValue<std::string>("status") == "shortlisted");
  BOOST_TEST(unreadKinds(lab, lab.partner) == "message;new_response;");
  BOOST_TEST(unreadKinds(lab, lab.memberZ) == "response_status;message;");

  // Closing names the chosen response; the need is then final.
  auto wrong = lab.server.call("PATCH", "/api/needs/" + need,
                               R"({"status": "closed", "outcome": "withdrawn", "response": ")" +
                                   rspCode + R"("})",
                               lab.partner);
  BOOST_TEST(wrong.status == 400);
  auto closed = lab.server.call(
      "PATCH", "/api/needs/" + need,
      R"({"status": "closed", "outcome": "solution_found", "response": ")" + rspCode + R"(",
          "outcome_note": "Trial order of 50 kg."})",
      lab.partner);
  BOOST_TEST_REQUIRE(closed.status == 200, closed.body);
  BOOST_TEST(closed.json()->getObject("outcome")->getValue<std::string>("response") == rspCode);
  BOOST_TEST(lab.server.call("GET", rsp, "", lab.memberZ).json()->getValue<std::string>("status") ==
             "selected");
  BOOST_TEST(unreadKinds(lab, lab.leadZ).find("need_closed;") == 0u);
  BOOST_TEST(lab.server.call("POST", rsp + "/messages", R"({"message": "thanks"})", lab.memberZ).status == 422);
  BOOST_TEST(lab.server.call("PATCH", "/api/needs/" + need, R"({"title": "x"})", lab.partner).status == 422);
  BOOST_TEST(lab.server.call("POST", "/api/needs/" + need + "/responses", R"({"summary": "late"})",
                             lab.memberT).status == 422);
  auto reopened = lab.server.call("PATCH", "/api/needs/" + need, R"({"status": "open"})", lab.partner);
  BOOST_TEST(reopened.json()->getValue<std::string>("status") == "open");
  BOOST_TEST(reopened.json()->isNull("outcome"));
}

BOOST_AUTO_TEST_CASE(projects_show_the_partner_what_the_start_up_chooses) {
  NeedLab lab;
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  std::string ht = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  std::string theirs = lab.compound("Oc1ccccc1O", lab.memberT, lab.zaatar);
  auto opened = lab.server.call(
      "POST", "/api/needs/" + need + "/projects",
      R"({"title": "Hydroxytyrosol esters for oils", "stage": "lab", "trl": 3,
          "links": [{"type": "compound", "id": ")" + ht + R"("}]})",
      lab.memberZ);
  BOOST_TEST_REQUIRE(opened.status == 201, opened.body);
  std::string prj = "/api/projects/" + opened.json()->getValue<std::string>("id");
  BOOST_TEST(opened.json()->getArray("links")->size() == 1u);
  // Hidden (the default): the project does not exist for the partner.
  BOOST_TEST(lab.server.call("GET", prj, "", lab.partner).status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/needs/" + need, "", lab.partner).json()->getArray(
                 "projects")->size() == 0u);
  BOOST_TEST(lab.server.call("GET", prj, "", lab.memberT).status == 404);
  // Stage only, then stage and TRL; never the links, the start-up only when it says so.
  lab.server.call("PATCH", prj, R"({"disclosure": "stage"})", lab.memberZ);
  auto seen = lab.server.call("GET", prj, "", lab.partner).json();
  BOOST_TEST(seen->getValue<std::string>("stage") == "lab");
  BOOST_TEST(seen->isNull("trl"));
  BOOST_TEST(seen->isNull("start_up"));
  BOOST_TEST(!seen->has("links"));
  BOOST_TEST(!seen->has("title"));
  lab.server.call("PATCH", prj, R"({"disclosure": "stage_trl", "trl": 4, "show_start_up": true})",
                  lab.memberZ);
  seen = lab.server.call("GET", prj, "", lab.partner).json();
  BOOST_TEST(seen->getValue<int>("trl") == 4);
  BOOST_TEST(seen->getObject("start_up")->getValue<std::string>("name") == "Zitoun Bio");
  BOOST_TEST(unreadKinds(lab, lab.partner) == "project_update;project_update;");
  // Links: the start-up's own live records only.
  BOOST_TEST(lab.server.call("POST", prj + "/links", R"({"type": "compound", "id": ")" + theirs + "\"}",
                             lab.memberZ).status == 404);
  BOOST_TEST(lab.server.call("POST", prj + "/links", R"({"type": "compound", "id": ")" + ht + "\"}",
                             lab.memberZ).status == 409);
  BOOST_TEST(lab.server.call("PATCH", prj, R"({"trl": 12})", lab.memberZ).status == 400);
  BOOST_TEST(lab.server.call("PATCH", prj, R"({"trl": 5})", lab.partner).status == 403);
  std::int64_t link = opened.json()->getArray("links")->getObject(0)->getValue<std::int64_t>("id");
  BOOST_TEST(lab.server.call("DELETE", prj + "/links/" + std::to_string(link), "", lab.memberZ).status == 204);
  BOOST_TEST(lab.server.call("GET", prj, "", lab.memberZ).json()->getArray("links")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_inbox_counts_and_marks_per_user) {
  NeedLab lab;
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  lab.server.call("POST", "/api/needs/" + need + "/responses", R"({"summary": "A"})", lab.memberZ);
  lab.server.call("POST", "/api/needs/" + need + "/responses", R"({"summary": "B"})", lab.memberT);
  auto unread = lab.server.call("GET", "/api/notifications/unread", "", lab.partner).json();
  BOOST_TEST(unread->getValue<int>("unread") == 2);
  BOOST_TEST(unread->getObject("by_kind")->getValue<int>("new_response") == 2);
  auto inbox = lab.server.call("GET", "/api/notifications", "", lab.partner).json();
  BOOST_TEST(inbox->getArray("items")->getObject(0)->getValue<int>("number") == 2);
  BOOST_TEST(inbox->getArray("items")->getObject(0)->getObject("params")->getValue<std::string>(
                 "start_up") == "Zaatar Essentials");
  auto read = lab.server.call("PATCH", "/api/notifications/1", R"({"read": true})", lab.partner);
  BOOST_TEST(read.json()->getValue<bool>("read"));
  BOOST_TEST(lab.server.call("GET", "/api/notifications/unread", "", lab.partner).json()->getValue<int>(
                 "unread") == 1);
  // Numbers are per user: somebody else's number 1 is not the partner's.
  BOOST_TEST(lab.server.call("PATCH", "/api/notifications/3", R"({"read": true})", lab.partner).status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/notifications", "", lab.memberZ).json()->getValue<int>("total") == 0);
  auto all = lab.server.call("POST", "/api/notifications/read-all", "", lab.partner);
  BOOST_TEST(all.json()->getValue<int>("marked") == 1);
  BOOST_TEST(lab.server.call("GET", "/api/notifications?unread=true", "", lab.partner).json()->getValue<int>(
                 "total") == 0);
  BOOST_TEST(lab.server.call("GET", "/api/notifications").status == 401);
}

BOOST_AUTO_TEST_CASE(the_watcher_announces_each_new_match_once_to_its_audience) {
  NeedLab lab;
  std::string ht = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  auto first = lab.watch.sweep();
  BOOST_TEST(first.ran);
  BOOST_TEST(first.announced == 1);
  BOOST_TEST(unreadKinds(lab, lab.memberZ) == "new_match;");
  BOOST_TEST(unreadKinds(lab, lab.leadZ) == "new_match;");
  BOOST_TEST(unreadKinds(lab, lab.partner) == "");
  BOOST_TEST(unreadKinds(lab, lab.memberT) == "");
  auto notice = lab.server.call("GET", "/api/notifications", "", lab.memberZ).json();
  auto params = notice->getArray("items")->getObject(0)->getObject("params");
  BOOST_TEST(params->getArray("records")->getObject(0)->getValue<std::string>("code") == ht);
  BOOST_TEST(!params->has("company"));
  // Nothing changed: no sweep. Forced: nothing new.
  BOOST_TEST(!lab.watch.sweep().ran);
  BOOST_TEST(lab.watch.sweep(true).announced == 0);
  // Published: now the partner hears of it (and only of that).
  lab.publish(ht, lab.leadZ);
  auto second = lab.watch.sweep();
  BOOST_TEST(second.announced == 1);
  BOOST_TEST(unreadKinds(lab, lab.partner) == "new_match;");
  BOOST_TEST(unreadKinds(lab, lab.memberZ) == "new_match;");
  // The background thread does the same without being asked.
  std::string caffeic = lab.compound("OC(=O)/C=C/c1ccc(O)c(O)c1", lab.memberT, lab.zaatar);
  lab.watch.start();
  bool told = false;
  for (int i = 0; i < 100 && !told; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    told = unreadKinds(lab, lab.memberT) == "new_match;";
  }
  lab.watch.stop();
  BOOST_TEST(told);
  BOOST_TEST(unreadKinds(lab, lab.memberZ) == "new_match;");
  (void)caffeic;
}

BOOST_AUTO_TEST_CASE(the_cluster_sees_needs_projects_and_products) {
  NeedLab lab;
  std::string ht = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberZ, lab.zitoun);
  std::string product = lab.product("OleoHT", ht, lab.zitoun, lab.memberZ);
  std::string need = lab.need(test::catecholNeed(), lab.partner);
  lab.need(R"({"title": "Coalescent", "statement": "Replace Texanol.", "sector": "paints_coatings"})",
           lab.otherPartner);
  lab.server.call("POST", "/api/needs/" + need + "/responses", R"({"summary": "A"})", lab.memberZ);
  auto opened = lab.server.call("POST", "/api/needs/" + need + "/projects",
                                R"({"title": "Scale-up", "links": [{"type": "product", "id": ")" +
                                    product + "\"}]}",
                                lab.memberZ);
  BOOST_TEST_REQUIRE(opened.status == 201, opened.body);
  BOOST_TEST(lab.server.call("GET", "/api/overview/needs", "", lab.partner).status == 403);
  BOOST_TEST(lab.server.call("GET", "/api/overview/needs", "", lab.leadZ).status == 403);
  auto ov = lab.server.call("GET", "/api/overview/needs", "", lab.admin);
  BOOST_TEST_REQUIRE(ov.status == 200, ov.body);
  auto o = ov.json();
  BOOST_TEST(o->getValue<int>("needs") == 2);
  BOOST_TEST(o->getValue<double>("response_rate") == 0.5);
  BOOST_TEST(o->getValue<int>("with_products") == 1);
  BOOST_TEST(o->getArray("by_sector")->size() == 2u);
  BOOST_TEST(o->getObject("time_to_first_response")->getValue<int>("count") == 1);
  auto flow = o->getArray("flow");
  bool found = false;
  for (std::size_t i = 0; i < flow->size(); ++i) {
    auto n = flow->getObject(static_cast<unsigned>(i));
    if (n->getValue<std::string>("need") != need) continue;
    auto products = n->getArray("projects")->getObject(0)->getArray("products");
    found = products->size() == 1u && products->getObject(0)->getValue<std::string>("id") == product;
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()
