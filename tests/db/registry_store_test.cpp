// The registration rule, numbering, visibility and retirement.
#include "db/registry_store.h"

#include "db/audit.h"
#include "db/identifiers.h"
#include "db_fixture.h"

using namespace argan;
using test::fakeIdentity;

namespace {
db::Registration reg(test::DbFixture& f, std::int64_t startUp, const db::CompoundIdentity& id,
                     const db::FormIdentity& form, db::BatchInput batch = {}) {
  batch.submittedStructure = id.canonicalSmiles;
  batch.submittedFormat = "smiles";
  return f.database->write([&](db::Connection& c) {
    return db::registerCompound(c, f.clock, f.admin, startUp, id, form, batch);
  });
}
}  // namespace

BOOST_AUTO_TEST_SUITE(registry_store)

BOOST_AUTO_TEST_CASE(new_compound_new_form_new_batch) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Lab");
  auto first = reg(f, s, fakeIdentity("aspirin"), test::freeForm());
  BOOST_CHECK(first.outcome == db::RegistrationOutcome::NewCompound);
  // The parent's number is its creation time in ms since 2025 (db/identifiers.h).
  const std::string cmp = db::compoundCode(f.clock.nowMicros() / 1000 - db::kRecordIdEpochMs);
  BOOST_TEST(first.compound.code() == cmp);
  BOOST_TEST(first.form.code() == cmp + "-F1");
  BOOST_TEST(first.batch.code() == cmp + "-F1-B001");

  auto salt = reg(f, s, fakeIdentity("aspirin"), test::sodiumSalt());
  BOOST_CHECK(salt.outcome == db::RegistrationOutcome::NewForm);
  BOOST_TEST(salt.compound.id == first.compound.id);
  BOOST_TEST(salt.form.code() == cmp + "-F2");
  BOOST_TEST(salt.form.label == "sodium salt, 1:1");

  auto again = reg(f, s, fakeIdentity("aspirin"), test::sodiumSalt());
  BOOST_CHECK(again.outcome == db::RegistrationOutcome::NewBatch);
  BOOST_TEST(again.batch.code() == cmp + "-F2-B002");

  auto other = reg(f, s, fakeIdentity("caffeine"), test::freeForm());
  // Within the same millisecond (the test's clock stands still): the next number.
  BOOST_TEST(other.compound.id == first.compound.id + 1);
  BOOST_TEST(f.count("compounds") == 2);
  BOOST_TEST(f.count("compound_forms") == 3);
  BOOST_TEST(f.count("batches") == 4);
  // compound + form + batch, form + batch, batch, compound + form + batch, + start-up
  BOOST_TEST(f.count("audit_log") == 1 + 3 + 2 + 1 + 3);
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
}

BOOST_AUTO_TEST_CASE(each_start_up_has_its_own_parent) {
  test::DbFixture f;
  std::int64_t a = f.startUp("A");
  std::int64_t b = f.startUp("B");
  auto ra = reg(f, a, fakeIdentity("limonene"), test::freeForm());
  auto rb = reg(f, b, fakeIdentity("limonene"), test::freeForm());
  BOOST_CHECK(rb.outcome == db::RegistrationOutcome::NewCompound);
  BOOST_TEST(ra.compound.id != rb.compound.id);
  // B's member sees their own parent, not A's private one.
  auto memberB = test::DbFixture::member(10, b);
  auto page = f.database->read([&](db::Connection& c) {
    return db::listCompounds(c, memberB, {}, 0, 50);
  });
  BOOST_TEST(page.total == 1);
  BOOST_TEST(page.items.at(0).id == rb.compound.id);
  BOOST_TEST(!f.database->read([&](db::Connection& c) {
    return db::findCompound(c, memberB, ra.compound.id).has_value();
  }));
  // Relations never point at what the viewer may not see.
  auto related = f.database->read([&](db::Connection& c) {
    return db::findRelatedCompounds(c, memberB, fakeIdentity("limonene"), rb.compound.id);
  });
  BOOST_TEST(related.empty());
  auto relatedForAdmin = f.database->read([&](db::Connection& c) {
    return db::findRelatedCompounds(c, f.admin, fakeIdentity("limonene"), rb.compound.id);
  });
  BOOST_REQUIRE_EQUAL(relatedForAdmin.size(), 1u);
  BOOST_TEST(relatedForAdmin[0].relation == "same_structure");
}

BOOST_AUTO_TEST_CASE(visibility_levels) {
  test::DbFixture f;
  std::int64_t a = f.startUp("Owner");
  std::int64_t b = f.startUp("Neighbour");
  auto r = reg(f, a, fakeIdentity("x"), test::freeForm());
  db::Principal anonymous;
  db::Principal partner;
  partner.userId = 7;
  partner.role = db::Role::Partner;
  auto neighbour = test::DbFixture::member(8, b);
  auto visibleTo = [&](const db::Principal& p) {
    return f.database->read(
        [&](db::Connection& c) { return db::findCompound(c, p, r.compound.id).has_value(); });
  };
  auto set = [&](const char* v) {
    f.database->write([&](db::Connection& c) {
      db::Statement st(c, "UPDATE compounds SET visibility = ? WHERE id = ?");
      st.bind(1, v).bind(2, r.compound.id).run();
    });
  };
  BOOST_TEST(visibleTo(test::DbFixture::member(9, a)));
  BOOST_TEST(!visibleTo(neighbour));
  BOOST_TEST(!visibleTo(partner));
  BOOST_TEST(!visibleTo(anonymous));
  set("cluster");
  BOOST_TEST(visibleTo(neighbour));
  BOOST_TEST(!visibleTo(partner));
  set("public");
  BOOST_TEST(visibleTo(partner));
  BOOST_TEST(visibleTo(anonymous));
  // The batch stays private until it is published too.
  BOOST_TEST(f.database->read([&](db::Connection& c) {
    return db::listBatches(c, anonymous, r.compound.id).empty();
  }));
}

BOOST_AUTO_TEST_CASE(stereo_and_tautomer_relations) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Lab");
  auto l = reg(f, s, fakeIdentity("L-ala", "ala"), test::freeForm());
  auto keto = reg(f, s, fakeIdentity("keto", "keto", "C3H6O|skel"), test::freeForm());
  auto related = f.database->read([&](db::Connection& c) {
    return db::findRelatedCompounds(c, f.admin, fakeIdentity("D-ala", "ala"), 0);
  });
  BOOST_REQUIRE_EQUAL(related.size(), 1u);
  BOOST_TEST(related[0].relation == "stereoisomer");
  BOOST_TEST(related[0].id == l.compound.id);
  related = f.database->read([&](db::Connection& c) {
    return db::findRelatedCompounds(c, f.admin, fakeIdentity("enol", "enol", "C3H6O|skel"), 0);
  });
  BOOST_REQUIRE_EQUAL(related.size(), 1u);
  BOOST_TEST(related[0].relation == "tautomer_candidate");
  BOOST_TEST(related[0].id == keto.compound.id);
}

BOOST_AUTO_TEST_CASE(bad_batch_data_changes_nothing) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Lab");
  auto before = f.count("audit_log");
  auto bad = [&](auto mutate) {
    db::BatchInput b;
    mutate(b);
    test::expectError(ErrorCode::InvalidArgument,
                      [&] { reg(f, s, fakeIdentity("y"), test::freeForm(), b); });
  };
  bad([](db::BatchInput& b) { b.amount = -1; b.amountUnit = "g"; });
  bad([](db::BatchInput& b) { b.amount = 5; });
  bad([](db::BatchInput& b) { b.amount = 5; b.amountUnit = "bucket"; });
  // A batch of 1e308 t was stored.
  bad([](db::BatchInput& b) { b.amount = 1e308; b.amountUnit = "t"; });
  bad([](db::BatchInput& b) { b.purity = 101; });
  bad([](db::BatchInput& b) { b.preparedOn = "2026-02-30"; });
  bad([](db::BatchInput& b) { b.preparedOn = "yesterday"; });
  bad([](db::BatchInput& b) { b.researcher = std::string(500, 'r'); });
  test::expectError(ErrorCode::NotFound, [&] { reg(f, 999, fakeIdentity("y"), test::freeForm()); });
  BOOST_TEST(f.count("compounds") == 0);
  BOOST_TEST(f.count("batches") == 0);
  BOOST_TEST(f.count("audit_log") == before);
}

BOOST_AUTO_TEST_CASE(listing_filters_and_pages) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Lab");
  for (int i = 0; i < 7; ++i) {
    auto id = fakeIdentity("m" + std::to_string(i));
    id.mw = 100 + i * 10;
    id.formula = i % 2 ? "C1" : "C2";
    reg(f, s, id, test::freeForm());
  }
  auto page = [&](db::CompoundFilter filter, int p, int size) {
    return f.database->read([&](db::Connection& c) { return db::listCompounds(c, f.admin, filter, p, size); });
  };
  BOOST_TEST(page({}, 0, 3).items.size() == 3u);
  BOOST_TEST(page({}, 2, 3).items.size() == 1u);
  BOOST_TEST(page({}, 0, 3).total == 7);
  db::CompoundFilter heavy;
  heavy.mwMin = 140;
  BOOST_TEST(page(heavy, 0, 50).total == 3);
  db::CompoundFilter formula;
  formula.formula = "C1";
  formula.mwMax = 135;
  BOOST_TEST(page(formula, 0, 50).total == 2);
  test::expectError(ErrorCode::InvalidArgument, [&] { page({}, -1, 10); });
  test::expectError(ErrorCode::InvalidArgument, [&] { page({}, 0, 0); });
  test::expectError(ErrorCode::InvalidArgument, [&] { page({}, 0, 100000); });
}

BOOST_AUTO_TEST_CASE(retired_parents_stay_and_refuse_new_batches) {
  test::DbFixture f;
  std::int64_t s = f.startUp("Lab");
  auto r = reg(f, s, fakeIdentity("old"), test::freeForm());
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) { db::retireCompound(c, f.clock, f.admin, r.compound.id, ""); });
  });
  f.database->write([&](db::Connection& c) {
    db::retireCompound(c, f.clock, f.admin, r.compound.id, "duplicate of a better record");
  });
  test::expectError(ErrorCode::FailedPrecondition, [&] { reg(f, s, fakeIdentity("old"), test::freeForm()); });
  BOOST_TEST(f.count("compounds") == 1);
  BOOST_CHECK_THROW(
      f.database->write([](db::Connection& c) { c.exec("DELETE FROM compounds"); }), Error);
  auto history = f.database->read([&](db::Connection& c) {
    return db::auditEntriesFor(c, "compound", r.compound.code());
  });
  BOOST_REQUIRE_EQUAL(history.size(), 2u);
  BOOST_TEST(history[1].action == "retire");
  BOOST_TEST(*history[1].reason == "duplicate of a better record");
}

BOOST_AUTO_TEST_SUITE_END()
