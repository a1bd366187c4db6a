// Products: composition rules (one compound or a formulation summing to 100), compound
// visibility, TRL range and history, visibility changes, retirement, customers, audit.
#include "db/product_store.h"

#include "db/audit.h"
#include "db/pipeline_store.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db_fixture.h"

using namespace argan;
using test::fakeIdentity;

namespace {

struct ProductFixture : test::DbFixture {
  std::int64_t lab = startUp("Atlas Furanics");
  std::int64_t other = startUp("Souss Solvents");
  db::Principal member = DbFixture::member(0, lab);
  db::Principal outsider = DbFixture::member(0, other);

  std::int64_t compound(std::int64_t owner, const std::string& key) {
    db::BatchInput batch;
    batch.submittedStructure = key;
    batch.submittedFormat = "smiles";
    return database->write([&](db::Connection& c) {
      return db::registerCompound(c, clock, admin, owner, fakeIdentity(key), test::freeForm(),
                                  batch)
          .compound.id;
    });
  }

  db::Product create(const db::ProductInput& in, const db::Principal& who, std::int64_t owner = 0) {
    return database->write([&](db::Connection& c) {
      return db::createProduct(c, clock, who, owner ? owner : lab, in);
    });
  }

  db::Product update(std::int64_t id, const db::ProductInput& in, const db::Principal& who) {
    return database->write(
        [&](db::Connection& c) { return db::updateProduct(c, clock, who, id, in); });
  }

  static db::ProductInput single(const std::string& name, std::int64_t compoundId) {
    db::ProductInput in;
    in.name = name;
    in.compoundId = compoundId;
    return in;
  }
};

db::FormulationComponent part(std::optional<std::int64_t> compoundId, const std::string& name,
                              double percentage) {
  db::FormulationComponent f;
  f.compoundId = compoundId;
  f.name = name;
  f.percentage = percentage;
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(product_store)

BOOST_AUTO_TEST_CASE(a_new_product_has_defaults_stages_trl_and_an_audit_entry) {
  ProductFixture f;
  std::int64_t gvl = f.compound(f.lab, "gvl");
  std::int64_t audits = f.count("audit_log");
  auto p = f.create(ProductFixture::single("GVL solvent", gvl), f.member);
  BOOST_TEST(p.code() == db::productCode(f.clock.nowMicros() / 1000 - db::kRecordIdEpochMs));
  BOOST_TEST(p.visibility == "start-up");
  BOOST_TEST(p.composition == "compound");
  BOOST_TEST(*p.compoundId == gvl);
  BOOST_TEST(p.trl == 1);
  BOOST_TEST(*p.currentStage == "lab_discovery");
  BOOST_TEST(p.gateStatus() == "active");
  auto stages = f.database->read([&](db::Connection& c) { return db::listStages(c, p.id); });
  BOOST_TEST_REQUIRE(stages.size() == db::defaultStages().size());
  BOOST_TEST(stages.front().key == "lab_discovery");
  BOOST_TEST(stages.back().key == "commercial_sales");
  BOOST_TEST(stages[3].description.find("safety data sheet") != std::string::npos);
  auto history = f.database->read([&](db::Connection& c) { return db::trlHistory(c, p.id); });
  BOOST_TEST_REQUIRE(history.size() == 1u);
  BOOST_TEST(!history.front().previous);
  BOOST_TEST(f.count("audit_log") == audits + 1);
  auto entries = f.database->read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "product", p.code()); });
  BOOST_TEST_REQUIRE(entries.size() == 1u);
  BOOST_TEST(entries.front().afterJson->find("\"lab_discovery\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(composition_is_one_compound_or_a_formulation) {
  ProductFixture f;
  std::int64_t a = f.compound(f.lab, "limonene");
  db::ProductInput none;
  none.name = "Nothing";
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(none, f.member); });
  db::ProductInput both = ProductFixture::single("Both", a);
  both.formulation = std::vector<db::FormulationComponent>{part(a, "", 100)};
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(both, f.member); });
  BOOST_TEST(f.count("products") == 0);
}

BOOST_AUTO_TEST_CASE(formulation_percentages_must_sum_to_100) {
  ProductFixture f;
  std::int64_t a = f.compound(f.lab, "carvacrol");
  db::ProductInput in;
  in.name = "Thyme biocide";
  in.formulation = std::vector<db::FormulationComponent>{part(a, "", 40), part({}, "water", 55)};
  auto message = test::expectError(ErrorCode::InvalidArgument, [&] { f.create(in, f.member); });
  BOOST_TEST(message.find("sum to 95") != std::string::npos);
  in.formulation = std::vector<db::FormulationComponent>{part(a, "", 40), part({}, "water", 0)};
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(in, f.member); });
  in.formulation = std::vector<db::FormulationComponent>{part(a, "", 40), part({}, "", 60)};
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(in, f.member); });
  in.formulation = std::vector<db::FormulationComponent>{part(a, "", 40), part(a, "", 60)};
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(in, f.member); });
  BOOST_TEST(f.count("products") == 0);
  BOOST_TEST(f.count("product_components") == 0);

  in.formulation = std::vector<db::FormulationComponent>{
      part(a, "carvacrol", 33.33), part({}, "water", 33.33), part({}, "ethanol", 33.34)};
  auto p = f.create(in, f.member);
  BOOST_TEST(p.composition == "formulation");
  BOOST_TEST(!p.compoundId);
  BOOST_TEST_REQUIRE(p.components.size() == 3u);
  BOOST_TEST(*p.components[0].compoundId == a);
  BOOST_TEST(p.components[1].name == "water");

  // Switching to one compound drops the components.
  db::ProductInput change;
  change.compoundId = a;
  auto single = f.update(p.id, change, f.member);
  BOOST_TEST(single.composition == "compound");
  BOOST_TEST(single.components.empty());
  BOOST_TEST(f.count("product_components") == 0);
}

BOOST_AUTO_TEST_CASE(compounds_must_be_visible_to_the_caller_and_the_owner) {
  ProductFixture f;
  std::int64_t theirs = f.compound(f.other, "secret");
  auto m1 = test::expectError(ErrorCode::InvalidArgument,
                              [&] { f.create(ProductFixture::single("Copy", theirs), f.member); });
  BOOST_TEST(m1.find(db::compoundCode(theirs)) != std::string::npos);
  // Same answer for a compound that does not exist.
  auto m2 = test::expectError(ErrorCode::InvalidArgument,
                              [&] { f.create(ProductFixture::single("Ghost", 999), f.member); });
  BOOST_TEST(m2.find("that you and the product's start-up can see") != std::string::npos);
  // An administrator sees it, but the owning start-up does not.
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { f.create(ProductFixture::single("Admin copy", theirs), f.admin); });
  // In a formulation too.
  db::ProductInput in;
  in.name = "Blend";
  in.formulation =
      std::vector<db::FormulationComponent>{part(theirs, "", 50), part({}, "water", 50)};
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(in, f.member); });
  // Once the other start-up shares it with the cluster, it can be used.
  f.database->write([&](db::Connection& c) {
    c.exec("UPDATE compounds SET visibility = 'cluster' WHERE id = " + std::to_string(theirs));
  });
  BOOST_TEST(f.create(in, f.member).components.size() == 2u);
  // A retired compound cannot make a new product.
  std::int64_t old = f.compound(f.lab, "old");
  f.database->write(
      [&](db::Connection& c) { db::retireCompound(c, f.clock, f.admin, old, "mislabelled"); });
  test::expectError(ErrorCode::FailedPrecondition,
                    [&] { f.create(ProductFixture::single("Old", old), f.member); });
}

BOOST_AUTO_TEST_CASE(only_the_start_up_writes_its_products_and_others_do_not_see_them) {
  ProductFixture f;
  std::int64_t a = f.compound(f.lab, "glycerol-carbonate");
  test::expectError(ErrorCode::PermissionDenied,
                    [&] { f.create(ProductFixture::single("Theirs", a), f.outsider, f.lab); });
  auto p = f.create(ProductFixture::single("GlyC", a), f.member);
  BOOST_TEST(!f.database->read(
      [&](db::Connection& c) { return db::findProduct(c, f.outsider, p.id).has_value(); }));
  db::ProductInput trl;
  trl.trl = 3;
  test::expectError(ErrorCode::NotFound, [&] { f.update(p.id, trl, f.outsider); });
  // Shared with the cluster: visible but still not writable by another start-up.
  db::ProductInput share;
  share.visibility = "cluster";
  db::Principal lead = f.member;
  lead.role = db::Role::Lead;
  f.update(p.id, share, lead);
  BOOST_TEST(f.database->read(
      [&](db::Connection& c) { return db::findProduct(c, f.outsider, p.id).has_value(); }));
  test::expectError(ErrorCode::PermissionDenied, [&] { f.update(p.id, trl, f.outsider); });
  BOOST_TEST(!f.database->read([&](db::Connection& c) {
    return db::findProduct(c, db::Principal::anonymous(), p.id).has_value();
  }));
}

BOOST_AUTO_TEST_CASE(trl_is_1_to_9_and_each_change_is_kept) {
  ProductFixture f;
  auto p = f.create(ProductFixture::single("FAME", f.compound(f.lab, "fame")), f.member);
  for (std::int64_t bad : {0, 10, -3}) {
    db::ProductInput in;
    in.trl = bad;
    auto message =
        test::expectError(ErrorCode::InvalidArgument, [&] { f.update(p.id, in, f.member); });
    BOOST_TEST(message.find("1 to 9") != std::string::npos);
  }
  db::ProductInput badCreate = ProductFixture::single("Other", *p.compoundId);
  badCreate.trl = 12;
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(badCreate, f.member); });
  db::ProductInput in;
  in.trl = 4;
  in.trlNote = "validated in the lab";
  BOOST_TEST(f.update(p.id, in, f.member).trl == 4);
  in.trl = 4;  // no change, no history entry
  f.update(p.id, in, f.member);
  in.trl = 6;
  in.trlNote = "";
  f.update(p.id, in, f.member);
  auto history = f.database->read([&](db::Connection& c) { return db::trlHistory(c, p.id); });
  BOOST_TEST_REQUIRE(history.size() == 3u);
  BOOST_TEST(history[1].trl == 4);
  BOOST_TEST(*history[1].previous == 1);
  BOOST_TEST(history[1].note == "validated in the lab");
  BOOST_TEST(*history[2].previous == 4);
  auto levels = f.database->read([](db::Connection& c) { return db::trlLevels(c); });
  BOOST_TEST_REQUIRE(levels.size() == 9u);
  BOOST_TEST(levels[3].title == "technology validated in lab");
  BOOST_TEST(levels[0].source.find("Horizon 2020") != std::string::npos);
  BOOST_TEST(levels[0].source.find("Annex G") != std::string::npos);
  // The history is append-only.
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([](db::Connection& c) { c.exec("DELETE FROM product_trl_history"); });
  });
}

BOOST_AUTO_TEST_CASE(visibility_changes_need_the_lead_and_are_audited) {
  ProductFixture f;
  auto p = f.create(ProductFixture::single("Ethyl lactate", f.compound(f.lab, "el")), f.member);
  db::ProductInput in;
  in.visibility = "public";
  test::expectError(ErrorCode::PermissionDenied, [&] { f.update(p.id, in, f.member); });
  in.visibility = "everyone";
  test::expectError(ErrorCode::InvalidArgument, [&] { f.update(p.id, in, f.admin); });
  in.visibility = "cluster";  // members may share with the cluster (db/lifecycle.h)
  BOOST_TEST(f.update(p.id, in, f.member).visibility == "cluster");
  in.visibility = "public";
  in.visibilityReason = "launch";
  BOOST_TEST(f.update(p.id, in, f.admin).visibility == "public");
  auto entries = f.database->read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "product", p.code()); });
  BOOST_TEST(entries.back().action == "publish");
  BOOST_TEST(entries.back().beforeJson->find("\"cluster\"") != std::string::npos);
  BOOST_TEST(*entries.back().reason == "launch");
  BOOST_TEST(entries.back().afterJson->find("\"public\"") != std::string::npos);
  BOOST_TEST(f.database->read([&](db::Connection& c) {
    return db::findProduct(c, db::Principal::anonymous(), p.id).has_value();
  }));
  // New products always start private.
  db::ProductInput publicAtBirth = ProductFixture::single("Loud", *p.compoundId);
  publicAtBirth.visibility = "public";
  test::expectError(ErrorCode::InvalidArgument, [&] { f.create(publicAtBirth, f.admin); });
}

BOOST_AUTO_TEST_CASE(names_market_and_lists_are_checked) {
  ProductFixture f;
  std::int64_t a = f.compound(f.lab, "furfural");
  auto p = f.create(ProductFixture::single("Furfural 99", a), f.member);
  test::expectError(ErrorCode::AlreadyExists,
                    [&] { f.create(ProductFixture::single("furfural 99", a), f.member); });
  db::ProductInput in;
  in.market = db::MarketData{};
  in.market->priceMin = 10;
  in.market->priceMax = 5;
  in.market->currency = "MAD";
  test::expectError(ErrorCode::InvalidArgument, [&] { f.update(p.id, in, f.member); });
  in.market->priceMax = 12;
  in.market->currency.reset();
  test::expectError(ErrorCode::InvalidArgument, [&] { f.update(p.id, in, f.member); });
  in.market->currency = "dirham";
  test::expectError(ErrorCode::InvalidArgument, [&] { f.update(p.id, in, f.member); });
  in.market->currency = "MAD";
  in.market->unit = "kg";
  in.market->capacity = 20;
  in.market->capacityUnit = "t/year";
  in.targetSectors = std::vector<std::string>{"agriculture", " Agriculture ", "", "cosmetics"};
  auto updated = f.update(p.id, in, f.member);
  BOOST_TEST(*updated.market.priceMax == 12);
  BOOST_TEST(*updated.market.capacityUnit == "t/year");
  BOOST_TEST(updated.targetSectors.size() == 2u);
}

BOOST_AUTO_TEST_CASE(retired_products_stay_but_no_longer_change) {
  ProductFixture f;
  auto p = f.create(ProductFixture::single("Old line", f.compound(f.lab, "x")), f.member);
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::retireProduct(c, f.clock, f.member, p.id, " "); });
  });
  auto retired = f.database->write(
      [&](db::Connection& c) { return db::retireProduct(c, f.clock, f.member, p.id, "merged"); });
  BOOST_TEST(retired.gateStatus() == "retired");
  db::ProductInput in;
  in.trl = 2;
  test::expectError(ErrorCode::FailedPrecondition, [&] { f.update(p.id, in, f.member); });
  auto page =
      f.database->read([&](db::Connection& c) { return db::listProducts(c, f.member, {}, 0, 50); });
  BOOST_TEST(page.total == 0);
  // The name is free again for a new product.
  f.create(ProductFixture::single("Old line", *p.compoundId), f.member);
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([](db::Connection& c) { c.exec("DELETE FROM products"); });
  });
}

BOOST_AUTO_TEST_CASE(lists_filter_inside_the_query) {
  ProductFixture f;
  std::int64_t a = f.compound(f.lab, "a");
  std::int64_t b = f.compound(f.lab, "b");
  f.create(ProductFixture::single("Alpha", a), f.member);
  db::ProductInput blend;
  blend.name = "Beta blend";
  blend.formulation = std::vector<db::FormulationComponent>{part(a, "", 10), part(b, "", 90)};
  f.create(blend, f.member);
  f.create(ProductFixture::single("Gamma", f.compound(f.other, "g")), f.admin, f.other);
  auto mine =
      f.database->read([&](db::Connection& c) { return db::listProducts(c, f.member, {}, 0, 50); });
  BOOST_TEST(mine.total == 2);
  db::ProductFilter withA;
  withA.compoundId = a;
  auto made = f.database->read(
      [&](db::Connection& c) { return db::listProducts(c, f.admin, withA, 0, 50); });
  BOOST_TEST(made.total == 2);
  db::ProductFilter text;
  text.text = "blend";
  BOOST_TEST(
      f.database->read([&](db::Connection& c) { return db::listProducts(c, f.admin, text, 0, 1); })
          .total == 1);
  auto page =
      f.database->read([&](db::Connection& c) { return db::listProducts(c, f.admin, {}, 1, 2); });
  BOOST_TEST(page.total == 3);
  BOOST_TEST(page.items.size() == 1u);
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->read([&](db::Connection& c) { return db::listProducts(c, f.admin, {}, 0, 0); });
  });
}

BOOST_AUTO_TEST_CASE(compounds_at_a_stage_for_search) {
  ProductFixture f;
  std::int64_t a = f.compound(f.lab, "a");
  std::int64_t b = f.compound(f.lab, "b");
  std::int64_t c2 = f.compound(f.lab, "c");
  auto p = f.create(ProductFixture::single("Alpha", a), f.member);
  db::ProductInput blend;
  blend.name = "Blend";
  blend.formulation = std::vector<db::FormulationComponent>{part(b, "", 50), part({}, "water", 50)};
  f.create(blend, f.member);
  f.create(ProductFixture::single("Gamma", c2), f.member);
  db::StageInput done;
  done.status = "done";
  f.database->write([&](db::Connection& c) {
    db::updateStage(c, f.clock, f.member, p.id, "lab_discovery", done);
  });
  auto atDiscovery = f.database->read(
      [&](db::Connection& c) { return db::compoundIdsAtStage(c, f.member, "lab_discovery"); });
  BOOST_TEST((atDiscovery == std::vector<std::int64_t>{b, c2}));
  auto atPoc = f.database->read(
      [&](db::Connection& c) { return db::compoundIdsAtStage(c, f.member, "proof_of_concept"); });
  BOOST_TEST((atPoc == std::vector<std::int64_t>{a}));
  BOOST_TEST(f.database
                 ->read([&](db::Connection& c) {
                   return db::compoundIdsAtStage(c, f.outsider, "proof_of_concept");
                 })
                 .empty());
}

BOOST_AUTO_TEST_CASE(customer_records) {
  ProductFixture f;
  auto p = f.create(ProductFixture::single("Solvent", f.compound(f.lab, "s")), f.member);
  db::CustomerInput in;
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) { db::addCustomer(c, f.clock, f.member, p.id, in); });
  });
  in.name = "Cosumar";
  in.relation = "friend";
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) { db::addCustomer(c, f.clock, f.member, p.id, in); });
  });
  in.relation = "distributor";
  in.since = db::Update<std::string>(std::in_place, "2026-02-30");
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) { db::addCustomer(c, f.clock, f.member, p.id, in); });
  });
  in.since = db::Update<std::string>(std::in_place, "2026-02-28");
  auto r = f.database->write(
      [&](db::Connection& c) { return db::addCustomer(c, f.clock, f.member, p.id, in); });
  BOOST_TEST(r.relation == "distributor");
  db::CustomerInput change;
  change.since = db::Update<std::string>(std::in_place, std::nullopt);
  change.notes = "two pallets a month";
  auto changed = f.database->write([&](db::Connection& c) {
    return db::updateCustomer(c, f.clock, f.member, p.id, r.id, change);
  });
  BOOST_TEST(!changed.since);
  BOOST_TEST(changed.name == "Cosumar");
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->write(
        [&](db::Connection& c) { db::removeCustomer(c, f.clock, f.outsider, p.id, r.id); });
  });
  f.database->write(
      [&](db::Connection& c) { db::removeCustomer(c, f.clock, f.member, p.id, r.id); });
  BOOST_TEST(f.count("product_customers") == 0);
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
}

BOOST_AUTO_TEST_SUITE_END()
