// The waste tables: the seeded vocabulary, lot balances, traceability upstream (and only
// upstream), and the triggers that keep lots, transfers and uses as recorded.
#include "db/waste_flow_store.h"
#include "db/waste_store.h"

#include "db/audit.h"
#include "db_fixture.h"

using namespace argan;

namespace {

struct WasteFixture : test::DbFixture {
  std::int64_t collector = startUp("Recycl'Oil");
  std::int64_t processor = startUp("Grignons");
  std::int64_t chemistry = startUp("Zitoun");
  std::int64_t outsider = startUp("Zaatar");
  std::int64_t oil = database->read(
      [](db::Connection& c) { return db::findWasteStreamByKey(c, "used_cooking_oil")->id; });

  db::Lot lot(std::int64_t holder, std::int64_t mg, const std::string& origin = "collection",
              std::optional<std::int64_t> parent = std::nullopt,
              std::optional<std::int64_t> transfer = std::nullopt,
              std::optional<std::int64_t> transformation = std::nullopt) {
    return database->write([&](db::Connection& c) {
      db::NewLot in;
      in.startUpId = holder;
      in.streamId = oil;
      in.origin = origin;
      in.parentLotId = parent;
      in.transferId = transfer;
      in.transformationId = transformation;
      in.collectedOn = "2026-02-01";
      in.netMassMg = mg;
      in.netAmount = static_cast<double>(mg) / 1e6;
      return db::insertLot(c, clock, admin, in);
    });
  }

  db::Transfer transfer(const db::Lot& from, std::int64_t to, std::int64_t mg) {
    return database->write([&](db::Connection& c) {
      db::NewTransfer t;
      t.lotId = from.id;
      t.fromStartUpId = from.startUpId;
      t.toStartUpId = to;
      t.massMg = mg;
      t.amount = static_cast<double>(mg) / 1e6;
      t.unit = "kg";
      return db::insertTransfer(c, clock, admin, t);
    });
  }

  bool sees(std::int64_t startUp, std::int64_t lotId) {
    return database->read([&](db::Connection& c) {
      return db::findLot(c, member(0, startUp), lotId).has_value();
    });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(waste_store)

BOOST_FIXTURE_TEST_CASE(the_vocabulary_is_seeded_with_list_of_waste_codes, WasteFixture) {
  auto streams = database->read([](db::Connection& c) { return db::listWasteStreams(c); });
  BOOST_TEST(streams.size() >= 12u);
  auto uco = database->read(
      [](db::Connection& c) { return db::findWasteStreamByKey(c, "used_cooking_oil"); });
  BOOST_TEST_REQUIRE(uco.has_value());
  BOOST_TEST(*uco->lowCode == "20 01 25");
  // The attachments table was rebuilt for lot documents; its guard triggers came back.
  auto triggers = database->read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                      "('document_attachments_no_delete', 'product_stages_keep_history')");
  });
  BOOST_TEST(*triggers == 2);
}

BOOST_FIXTURE_TEST_CASE(balances_and_traceability_follow_the_material, WasteFixture) {
  db::Lot collected = lot(collector, 1000000000);  // 1 t
  db::Transfer toProcessor = transfer(collected, processor, 600000000);
  db::Lot atProcessor = lot(processor, 600000000, "transfer", collected.id, toProcessor.id);
  // The processor filters it; the filtered lot goes to the chemistry start-up.
  std::int64_t filtration = database->write([&](db::Connection& c) {
    db::NewTransformation t;
    t.startUpId = processor;
    t.kind = "filtration";
    t.performedOn = "2026-02-03";
    t.inputs.push_back({atProcessor.id, 600000000, 600, "kg"});
    return db::insertTransformation(c, clock, admin, t);
  });
  db::Lot filtered = lot(processor, 570000000, "transformation", std::nullopt, std::nullopt,
                         filtration);
  db::Transfer toChemistry = transfer(filtered, chemistry, 100000000);

  auto reread = [&](std::int64_t id) {
    return *database->read([&](db::Connection& c) { return db::findLot(c, admin, id); });
  };
  BOOST_TEST(reread(collected.id).remainingMg() == 400000000);
  BOOST_TEST(reread(atProcessor.id).remainingMg() == 0);
  BOOST_TEST(reread(filtered.id).remainingMg() == 470000000);  // the pending transfer reserves

  // The chemistry start-up, offered the filtered lot, traces it back to the collection...
  BOOST_TEST(sees(chemistry, filtered.id));
  BOOST_TEST(sees(chemistry, atProcessor.id));
  BOOST_TEST(sees(chemistry, collected.id));
  // ... while the collector does not see downstream, nor an outsider anything.
  BOOST_TEST(!sees(collector, atProcessor.id));
  BOOST_TEST(!sees(collector, filtered.id));
  BOOST_TEST(!sees(outsider, collected.id));
  BOOST_TEST(!sees(outsider, filtered.id));
  // The transformation is its performer's, and traceable by the start-ups downstream.
  auto seesTransformation = [&](std::int64_t startUp) {
    return database->read([&](db::Connection& c) {
      return db::findTransformation(c, member(0, startUp), filtration).has_value();
    });
  };
  BOOST_TEST(seesTransformation(processor));
  BOOST_TEST(seesTransformation(chemistry));
  BOOST_TEST(!seesTransformation(collector));
  BOOST_TEST(!seesTransformation(outsider));
  // Transfers: both parties only.
  auto seesTransfer = [&](std::int64_t startUp, std::int64_t id) {
    return database->read(
        [&](db::Connection& c) { return db::findTransfer(c, member(0, startUp), id).has_value(); });
  };
  BOOST_TEST(seesTransfer(collector, toProcessor.id));
  BOOST_TEST(seesTransfer(processor, toProcessor.id));
  BOOST_TEST(!seesTransfer(chemistry, toProcessor.id));
  BOOST_TEST(!seesTransfer(outsider, toChemistry.id));
  // Anonymous visitors and partners see no private lot.
  BOOST_TEST(!database->read(
      [&](db::Connection& c) { return db::findLot(c, db::Principal::anonymous(), collected.id); }));
}

BOOST_FIXTURE_TEST_CASE(what_was_recorded_stays_recorded, WasteFixture) {
  db::Lot collected = lot(collector, 5000000);
  db::Transfer t = transfer(collected, chemistry, 1000000);
  auto fails = [&](const std::string& sql) {
    try {
      database->write([&](db::Connection& c) { c.exec(sql); });
      return false;
    } catch (const Error&) {
      return true;
    }
  };
  BOOST_TEST(fails("DELETE FROM lots"));
  BOOST_TEST(fails("UPDATE lots SET net_mass_mg = 1"));
  BOOST_TEST(fails("DELETE FROM lot_transfers"));
  BOOST_TEST(fails("DELETE FROM waste_streams"));
  database->write([&](db::Connection& c) {
    db::decideTransfer(c, clock, admin, t.id, {"refused", "2026-02-02", "too wet", std::nullopt});
  });
  BOOST_TEST(fails("UPDATE lot_transfers SET status = 'pending', decided_at = NULL"));
  BOOST_CHECK_THROW(database->write([&](db::Connection& c) {
                      db::decideTransfer(c, clock, admin, t.id,
                                         {"cancelled", std::nullopt, std::nullopt, std::nullopt});
                    }),
                    Error);
  // Every write left its audit entry, and the chain holds.
  auto verification = database->read([](db::Connection& c) { return db::verifyAuditChain(c); });
  BOOST_TEST(verification.ok);
}

BOOST_AUTO_TEST_SUITE_END()
