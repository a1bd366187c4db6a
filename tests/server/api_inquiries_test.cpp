// Inquiries over real HTTP: a partner asks about a catalogue product, the owning start-up
// answers, both see the thread, nobody else does.
#include "product_test_support.h"

using namespace argan;
using test::ProductLab;

BOOST_AUTO_TEST_SUITE(api_inquiries)

BOOST_AUTO_TEST_CASE(partner_asks_start_up_answers_others_see_nothing) {
  ProductLab lab;
  std::string id = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  std::string ask = R"({"subject": "Price for 1 t", "message": "Delivered to Casablanca?"})";
  std::string path = "/api/products/" + id + "/inquiries";
  // Not in the catalogue yet: as if it did not exist.
  BOOST_TEST(lab.server.call("POST", path, ask, lab.partner).status == 404);
  lab.server.call("PATCH", "/api/products/" + id, R"({"visibility": "public"})", lab.lead);
  BOOST_TEST(lab.server.call("POST", path, ask).status == 401);
  BOOST_TEST(lab.server.call("POST", path, ask, lab.other).status == 403);
  BOOST_TEST(lab.server.call("POST", path, R"({"subject": "x"})", lab.partner).status == 400);

  auto created = lab.server.call("POST", path, ask, lab.partner);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string q = created.json()->getValue<std::string>("id");
  BOOST_TEST(q.rfind("INQ-", 0) == 0u);
  BOOST_TEST(created.json()->getValue<std::string>("status") == "open");

  auto seenByLead = lab.server.call("GET", "/api/inquiries", "", lab.lead);
  BOOST_TEST_REQUIRE(seenByLead.json()->getValue<int>("total") == 1);
  BOOST_TEST(seenByLead.json()->getArray("items")->getObject(0)->getValue<std::string>("partner") ==
             "buyer@industry.ma");
  auto answer = lab.server.call("POST", "/api/inquiries/" + q + "/messages",
                                R"({"message": "3 200 MAD per tonne, ex works."})", lab.member);
  BOOST_TEST_REQUIRE(answer.status == 201, answer.body);
  BOOST_TEST(answer.json()->getValue<std::string>("status") == "answered");

  auto thread = lab.server.call("GET", "/api/inquiries/" + q, "", lab.partner);
  BOOST_TEST_REQUIRE(thread.status == 200);
  auto messages = thread.json()->getArray("messages");
  BOOST_TEST_REQUIRE(messages->size() == 2u);
  BOOST_TEST(messages->getObject(1)->getValue<std::string>("side") == "start_up");
  BOOST_TEST(messages->getObject(1)->getValue<std::string>("body") ==
             "3 200 MAD per tonne, ex works.");

  for (const auto& token : {lab.other, lab.otherPartner}) {
    BOOST_TEST(lab.server.call("GET", "/api/inquiries/" + q, "", token).status == 404);
    BOOST_TEST(
        lab.server
            .call("POST", "/api/inquiries/" + q + "/messages", R"({"message": "hello"})", token)
            .status == 404);
    BOOST_TEST(lab.server.call("GET", "/api/inquiries", "", token).json()->getValue<int>("total") ==
               0);
    BOOST_TEST(lab.server.call("GET", path, "", token).json()->getValue<int>("total") == 0);
  }
  BOOST_TEST(lab.server.call("GET", "/api/inquiries/" + q).status == 401);
  BOOST_TEST(lab.server.call("GET", "/api/inquiries/" + q, "", lab.admin).status == 200);

  auto closed =
      lab.server.call("PATCH", "/api/inquiries/" + q, R"({"status": "closed"})", lab.partner);
  BOOST_TEST(closed.json()->getValue<std::string>("status") == "closed");
  auto late = lab.server.call("POST", "/api/inquiries/" + q + "/messages",
                              R"({"message": "still there?"})", lab.member);
  BOOST_TEST(late.status == 422);
  BOOST_TEST(late.errorMessage().find("closed") != std::string::npos);
}

// Each person counts the messages they have not read: newer than the last they opened (POST
// .../read) and not their own. Writing marks the thread read for its author; a colleague on
// the same side still has it unread; the list says how many inquiries have something new.
BOOST_AUTO_TEST_CASE(unread_messages_are_counted_per_person_until_they_read_them) {
  ProductLab lab;
  std::string id = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  lab.server.call("PATCH", "/api/products/" + id, R"({"visibility": "public"})", lab.lead);
  auto created = lab.server.call("POST", "/api/products/" + id + "/inquiries",
                                 R"({"subject": "Samples", "message": "1 kg?"})", lab.partner);
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  std::string q = "/api/inquiries/" + created.json()->getValue<std::string>("id");
  auto unread = [&](const std::string& token) {
    auto list = lab.server.call("GET", "/api/inquiries", "", token);
    BOOST_TEST_REQUIRE(list.status == 200, list.body);
    auto items = list.json()->getArray("items");
    BOOST_TEST_REQUIRE(items->size() == 1u);
    std::int64_t count = items->getObject(0)->getValue<std::int64_t>("unread");
    BOOST_TEST(list.json()->getValue<std::int64_t>("unread") == (count > 0 ? 1 : 0));
    return count;
  };
  BOOST_TEST(unread(lab.partner) == 0);  // their own message
  BOOST_TEST(unread(lab.member) == 1);
  BOOST_TEST(unread(lab.lead) == 1);
  // Opening the thread (GET) does not mark it read; POST .../read does, for that person only.
  BOOST_TEST(lab.server.call("GET", q, "", lab.member).status == 200);
  BOOST_TEST(unread(lab.member) == 1);
  auto read = lab.server.call("POST", q + "/read", "", lab.member);
  BOOST_TEST_REQUIRE(read.status == 200, read.body);
  BOOST_TEST(read.json()->getValue<std::int64_t>("unread") == 0);
  BOOST_TEST(unread(lab.member) == 0);
  BOOST_TEST(unread(lab.lead) == 1);
  // The lead answers: read for the lead, new for the partner, and for the member too.
  BOOST_TEST(lab.server.call("POST", q + "/messages", R"({"message": "Yes."})", lab.lead).status ==
             201);
  BOOST_TEST(unread(lab.lead) == 0);
  BOOST_TEST(unread(lab.partner) == 1);
  BOOST_TEST(unread(lab.member) == 1);
  BOOST_TEST(lab.server.call("POST", q + "/messages", R"({"message": "Thanks"})", lab.partner)
                 .status == 201);
  BOOST_TEST(unread(lab.partner) == 0);
  BOOST_TEST(unread(lab.member) == 2);
  // Nobody else can mark it read: as if it did not exist.
  BOOST_TEST(lab.server.call("POST", q + "/read", "", lab.other).status == 404);
  BOOST_TEST(lab.server.call("POST", q + "/read", "", lab.otherPartner).status == 404);
  BOOST_TEST(lab.server.call("POST", "/api/inquiries/INQ-000099/read", "", lab.member).status ==
             404);
}

BOOST_AUTO_TEST_SUITE_END()
