// Inquiries: only partners ask, only about products they can see; the partner and the
// owning start-up share the thread; nobody else sees it.
#include "db/inquiry_store.h"

#include "db/audit.h"
#include "db/product_store.h"
#include "db/user_store.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db_fixture.h"

using namespace argan;

namespace {

struct InquiryFixture : test::DbFixture {
  std::int64_t lab = startUp("Atlas Furanics");
  std::int64_t rival = startUp("Rival");
  db::Principal leadOfLab = user("lead@atlas.ma", db::Role::Lead, lab);
  db::Principal rivalMember = user("m@rival.ma", db::Role::Member, rival);
  db::Principal partner = user("buyer@industry.ma", db::Role::Partner, std::nullopt);
  db::Principal otherPartner = user("other@industry.ma", db::Role::Partner, std::nullopt);
  std::int64_t product = newProduct();

  db::Principal user(const std::string& email, db::Role role, std::optional<std::int64_t> su) {
    return database->write([&](db::Connection& c) {
      db::NewUser u;
      u.email = email;
      u.role = role;
      u.startUpId = su;
      return db::createUser(c, clock, admin, u).principal();
    });
  }

  std::int64_t newProduct() {
    db::BatchInput batch;
    batch.submittedStructure = "x";
    batch.submittedFormat = "smiles";
    return database->write([&](db::Connection& c) {
      auto reg = db::registerCompound(c, clock, admin, lab, test::fakeIdentity("furfural"),
                                      test::freeForm(), batch);
      db::ProductInput in;
      in.name = "Furfural";
      in.compoundId = reg.compound.id;
      return db::createProduct(c, clock, admin, lab, in).id;
    });
  }

  void publish() {
    database->write([&](db::Connection& c) {
      db::ProductInput in;
      in.visibility = "public";
      db::updateProduct(c, clock, admin, product, in);
    });
  }

  db::Inquiry ask(const db::Principal& who) {
    return database->write([&](db::Connection& c) {
      return db::createInquiry(c, clock, who, product, "Price for 1 t?",
                               "Delivered to Casablanca.");
    });
  }

  bool sees(const db::Principal& who, std::int64_t id) {
    return database->read(
        [&](db::Connection& c) { return db::findInquiry(c, who, id).has_value(); });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(inquiry_store)

BOOST_AUTO_TEST_CASE(partners_ask_about_catalogue_products_only) {
  InquiryFixture f;
  test::expectError(ErrorCode::NotFound, [&] { f.ask(f.partner); });
  f.publish();
  test::expectError(ErrorCode::PermissionDenied, [&] { f.ask(f.rivalMember); });
  test::expectError(ErrorCode::PermissionDenied, [&] { f.ask(f.leadOfLab); });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) {
      return db::createInquiry(c, f.clock, f.partner, f.product, " ", "text");
    });
  });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) {
      return db::createInquiry(c, f.clock, f.partner, f.product, "subject", "");
    });
  });
  BOOST_TEST(f.count("inquiries") == 0);
  auto q = f.ask(f.partner);
  BOOST_TEST(q.code() == db::inquiryCode(f.clock.nowMicros() / 1000 - db::kRecordIdEpochMs));
  BOOST_TEST(q.status == "open");
  BOOST_TEST(q.partnerEmail == "buyer@industry.ma");
  BOOST_TEST_REQUIRE(q.messages.size() == 1u);
  BOOST_TEST(q.messages[0].side == "partner");
}

BOOST_AUTO_TEST_CASE(both_sides_share_the_thread_and_others_do_not_see_it) {
  InquiryFixture f;
  f.publish();
  auto q = f.ask(f.partner);
  BOOST_TEST(f.sees(f.partner, q.id));
  BOOST_TEST(f.sees(f.leadOfLab, q.id));
  BOOST_TEST(f.sees(f.admin, q.id));
  BOOST_TEST(!f.sees(f.otherPartner, q.id));
  BOOST_TEST(!f.sees(f.rivalMember, q.id));
  BOOST_TEST(!f.sees(db::Principal::anonymous(), q.id));
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->write([&](db::Connection& c) {
      db::addInquiryMessage(c, f.clock, f.otherPartner, q.id, "me too");
    });
  });
  auto answered = f.database->write([&](db::Connection& c) {
    return db::addInquiryMessage(c, f.clock, f.leadOfLab, q.id, "3 200 MAD per tonne.");
  });
  BOOST_TEST(answered.status == "answered");
  BOOST_TEST(answered.messages[1].side == "start_up");
  BOOST_TEST(answered.messages[1].authorLabel == "lead@atlas.ma");
  auto followUp = f.database->write([&](db::Connection& c) {
    return db::addInquiryMessage(c, f.clock, f.partner, q.id, "And 5 t?");
  });
  BOOST_TEST(followUp.status == "open");
  BOOST_TEST(followUp.messages.size() == 3u);
  auto closed = f.database->write([&](db::Connection& c) {
    return db::setInquiryStatus(c, f.clock, f.partner, q.id, "closed");
  });
  BOOST_TEST(closed.status == "closed");
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      db::addInquiryMessage(c, f.clock, f.leadOfLab, q.id, "still there?");
    });
  });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::setInquiryStatus(c, f.clock, f.partner, q.id, "answered"); });
  });

  auto forPartner =
      f.database->read([&](db::Connection& c) { return db::listInquiries(c, f.partner, {}); });
  BOOST_TEST(forPartner.size() == 1u);
  BOOST_TEST(forPartner[0].messageCount == 3);
  BOOST_TEST(
      f.database->read([&](db::Connection& c) { return db::listInquiries(c, f.otherPartner, {}); })
          .empty());
  BOOST_TEST(
      f.database->read([&](db::Connection& c) { return db::listInquiries(c, f.rivalMember, {}); })
          .empty());
  db::InquiryFilter open;
  open.status = "open";
  BOOST_TEST(
      f.database->read([&](db::Connection& c) { return db::listInquiries(c, f.leadOfLab, open); })
          .empty());
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
}

BOOST_AUTO_TEST_SUITE_END()
