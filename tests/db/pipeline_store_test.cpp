// The pipeline: stage status and date rules, editing stages (add, rename, reorder, remove
// only without history), gate decisions, and the overviews (funnel, start-up, timeline).
// The fixture's clock reads 2026-11-18 (UTC).
#include "db/pipeline_store.h"

#include "db/audit.h"
#include "db/document_store.h"
#include "db/pipeline_overview.h"
#include "db/product_store.h"
#include "db/record_codes.h"
#include "db_fixture.h"

using namespace argan;

namespace {

const std::string kToday = "2026-11-18";

struct PipelineFixture : test::DbFixture {
  std::int64_t lab = startUp("Atlas Furanics");
  db::Principal member = DbFixture::member(0, lab);
  std::int64_t compoundId = registerOne(lab, "gvl");
  std::int64_t product = newProduct("GVL", lab, compoundId);

  std::int64_t registerOne(std::int64_t owner, const std::string& key) {
    db::BatchInput batch;
    batch.submittedStructure = key;
    batch.submittedFormat = "smiles";
    return database->write([&](db::Connection& c) {
      return db::registerCompound(c, clock, admin, owner, test::fakeIdentity(key), test::freeForm(),
                                  batch)
          .compound.id;
    });
  }

  std::int64_t newProduct(const std::string& name, std::int64_t owner, std::int64_t compound) {
    db::ProductInput in;
    in.name = name;
    in.compoundId = compound;
    return database->write(
        [&](db::Connection& c) { return db::createProduct(c, clock, admin, owner, in).id; });
  }

  db::Stage patch(const std::string& key, const db::StageInput& in, std::int64_t productId = 0) {
    return database->write([&](db::Connection& c) {
      return db::updateStage(c, clock, member, productId ? productId : product, key, in);
    });
  }

  db::Stage stage(const std::string& key) {
    return *database->read([&](db::Connection& c) { return db::findStage(c, product, key); });
  }

  std::vector<std::string> keys() {
    std::vector<std::string> out;
    for (const auto& s :
         database->read([&](db::Connection& c) { return db::listStages(c, product); })) {
      out.push_back(s.key);
    }
    return out;
  }

  db::Product load() {
    return *database->read([&](db::Connection& c) { return db::findProduct(c, admin, product); });
  }
};

db::Update<std::string> date(const std::string& d) {
  return db::Update<std::string>(std::in_place, d);
}

db::StageInput status(const std::string& s) {
  db::StageInput in;
  in.status = s;
  return in;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pipeline_store)

BOOST_AUTO_TEST_CASE(status_changes_fill_actual_dates_from_the_clock) {
  PipelineFixture f;
  auto started = f.patch("lab_discovery", status("in_progress"));
  BOOST_TEST(*started.actualStart == kToday);
  BOOST_TEST(!started.actualEnd);
  auto done = f.patch("lab_discovery", status("done"));
  BOOST_TEST(*done.actualEnd == kToday);
  BOOST_TEST(*f.load().currentStage == "proof_of_concept");
  // Reopening clears the end; a blocked stage is not done.
  auto reopened = f.patch("lab_discovery", status("blocked"));
  BOOST_TEST(!reopened.actualEnd);
  BOOST_TEST(*f.load().currentStage == "lab_discovery");
  // Back to not started forgets the actual dates.
  BOOST_TEST(!f.patch("lab_discovery", status("not_started")).actualStart);
  // Given dates win over the automatic ones.
  db::StageInput in = status("done");
  in.actualStart = date("2026-01-05");
  in.actualEnd = date("2026-03-01");
  auto dated = f.patch("lab_discovery", in);
  BOOST_TEST(*dated.actualStart == "2026-01-05");
  BOOST_TEST(*dated.actualEnd == "2026-03-01");
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { f.patch("lab_discovery", status("finished")); });
}

BOOST_AUTO_TEST_CASE(date_order_is_enforced_and_nothing_is_half_written) {
  PipelineFixture f;
  db::StageInput plan;
  plan.plannedStart = date("2027-03-01");
  plan.plannedEnd = date("2027-02-01");
  plan.owner = "Salma";
  auto message = test::expectError(ErrorCode::InvalidArgument, [&] { f.patch("scale_up", plan); });
  BOOST_TEST(message.find("before planned_start") != std::string::npos);
  BOOST_TEST(f.stage("scale_up").owner.empty());
  BOOST_TEST(!f.stage("scale_up").plannedStart);

  plan.plannedEnd = date("2027-06-30");
  f.patch("scale_up", plan);
  // One side at a time is checked against the stored other side.
  db::StageInput earlier;
  earlier.plannedEnd = date("2027-01-01");
  test::expectError(ErrorCode::InvalidArgument, [&] { f.patch("scale_up", earlier); });
  // null clears a date.
  db::StageInput clear;
  clear.plannedStart = db::Update<std::string>(std::in_place, std::nullopt);
  BOOST_TEST(!f.patch("scale_up", clear).plannedStart);

  db::StageInput actual = status("done");
  actual.actualStart = date("2026-05-02");
  actual.actualEnd = date("2026-05-01");
  test::expectError(ErrorCode::InvalidArgument, [&] { f.patch("lab_discovery", actual); });
  BOOST_TEST(f.stage("lab_discovery").status == "not_started");

  db::StageInput future;
  future.actualStart = date("2026-12-01");
  future.status = "in_progress";
  message =
      test::expectError(ErrorCode::InvalidArgument, [&] { f.patch("lab_discovery", future); });
  BOOST_TEST(message.find("future") != std::string::npos);

  db::StageInput badDate;
  badDate.plannedStart = date("2026-02-30");
  test::expectError(ErrorCode::InvalidArgument, [&] { f.patch("lab_discovery", badDate); });
  badDate.plannedStart = date("18/11/2026");
  test::expectError(ErrorCode::InvalidArgument, [&] { f.patch("lab_discovery", badDate); });

  // The schema holds the same rule if the code ever forgets it.
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([](db::Connection& c) {
      c.exec("UPDATE product_stages SET planned_start = '2027-02-01', planned_end = '2027-01-01'");
    });
  });
}

BOOST_AUTO_TEST_CASE(unknown_stage_and_foreign_product) {
  PipelineFixture f;
  auto message =
      test::expectError(ErrorCode::NotFound, [&] { f.patch("moon_landing", status("done")); });
  BOOST_TEST(message.find("lab_discovery") != std::string::npos);
  std::int64_t rival = f.startUp("Rival");
  db::Principal outsider = test::DbFixture::member(0, rival);
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->write([&](db::Connection& c) {
      db::updateStage(c, f.clock, outsider, f.product, "lab_discovery", status("done"));
    });
  });
}

BOOST_AUTO_TEST_CASE(stages_are_added_renamed_reordered_and_removed_without_history) {
  PipelineFixture f;
  db::NewStage ecolabel;
  ecolabel.name = "EU Ecolabel application";
  ecolabel.position = 5;
  auto added = f.database->write(
      [&](db::Connection& c) { return db::addStage(c, f.clock, f.member, f.product, ecolabel); });
  BOOST_TEST(added.key == "eu_ecolabel_application");
  BOOST_TEST(added.position == 5);
  BOOST_TEST(f.keys()[4] == "eu_ecolabel_application");
  BOOST_TEST(f.keys()[5] == "market_launch");
  test::expectError(ErrorCode::AlreadyExists, [&] {
    f.database->write(
        [&](db::Connection& c) { db::addStage(c, f.clock, f.member, f.product, ecolabel); });
  });
  db::NewStage bad;
  bad.name = "x";
  bad.key = "Bad Key";
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::addStage(c, f.clock, f.member, f.product, bad); });
  });
  bad.key = "ok";
  bad.position = 99;
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::addStage(c, f.clock, f.member, f.product, bad); });
  });

  // Renaming keeps the key.
  db::StageInput rename;
  rename.name = "Pilot plant";
  auto renamed = f.patch("scale_up", rename);
  BOOST_TEST(renamed.key == "scale_up");
  BOOST_TEST(renamed.name == "Pilot plant");

  // Reordering needs every key once.
  auto keys = f.keys();
  std::swap(keys[0], keys[1]);
  f.database->write(
      [&](db::Connection& c) { db::reorderStages(c, f.clock, f.member, f.product, keys); });
  BOOST_TEST(f.keys() == keys);
  BOOST_TEST(*f.load().currentStage == "proof_of_concept");
  auto partial = std::vector<std::string>(keys.begin(), keys.end() - 1);
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::reorderStages(c, f.clock, f.member, f.product, partial); });
  });
  auto doubled = keys;
  doubled.back() = doubled.front();
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::reorderStages(c, f.clock, f.member, f.product, doubled); });
  });

  // Removing: fine without history, refused with it.
  f.database->write([&](db::Connection& c) {
    db::removeStage(c, f.clock, f.member, f.product, "eu_ecolabel_application");
  });
  BOOST_TEST(f.keys().size() == 6u);
  f.patch("market_launch", status("in_progress"));
  auto message = test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      db::removeStage(c, f.clock, f.member, f.product, "market_launch");
    });
  });
  BOOST_TEST(message.find("history") != std::string::npos);
  f.patch("market_launch", status("not_started"));
  db::DecisionInput hold{"hold", "waiting for the distributor", std::nullopt, std::nullopt};
  f.database->write([&](db::Connection& c) {
    db::addDecision(c, f.clock, f.member, f.product, "market_launch", hold);
  });
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      db::removeStage(c, f.clock, f.member, f.product, "market_launch");
    });
  });
  std::int64_t stageId = f.stage("commercial_sales").id;
  f.database->write([&](db::Connection& c) {
    db::NewDocument doc;
    doc.filename = "plan.txt";
    doc.bytes = "sales plan";
    db::attachDocument(c, f.clock, f.member, {db::DocumentOwnerType::Stage, stageId}, doc);
  });
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      db::removeStage(c, f.clock, f.member, f.product, "commercial_sales");
    });
  });
  BOOST_TEST(f.keys().size() == 6u);
  // The database refuses it too.
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      c.exec("DELETE FROM product_stages WHERE id = " + std::to_string(stageId));
    });
  });
  // Removing down to one stage, not beyond.
  for (const auto& key : {"proof_of_concept", "lab_discovery", "scale_up", "regulatory_safety"}) {
    f.database->write(
        [&](db::Connection& c) { db::removeStage(c, f.clock, f.member, f.product, key); });
  }
  BOOST_TEST((f.keys() == std::vector<std::string>{"market_launch", "commercial_sales"}));
  BOOST_TEST(f.stage("commercial_sales").position == 2);
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
}

BOOST_AUTO_TEST_CASE(gate_decisions_are_checked_append_only_and_set_the_status) {
  PipelineFixture f;
  auto add = [&](const db::DecisionInput& in) {
    return f.database->write([&](db::Connection& c) {
      return db::addDecision(c, f.clock, f.member, f.product, "proof_of_concept", in);
    });
  };
  test::expectError(ErrorCode::InvalidArgument, [&] { add({"maybe", "why not", {}, {}}); });
  test::expectError(ErrorCode::InvalidArgument, [&] { add({"go", "  ", {}, {}}); });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    add({"go", "ok", {}, std::string("2026-12-24")});
  });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    add({"go", "ok", {}, std::string("tomorrow")});
  });
  BOOST_TEST(f.count("stage_decisions") == 0);

  auto stop = add({"stop", "toxicity of the by-product", std::string("Steering committee"),
                   std::string("2026-11-02")});
  BOOST_TEST(stop.decidedBy == "Steering committee");
  BOOST_TEST(stop.decidedOn == "2026-11-02");
  BOOST_TEST(f.load().gateStatus() == "stopped");
  auto rework = add({"rework", "new work-up removes it", {}, {}});
  BOOST_TEST(rework.decidedOn == kToday);
  BOOST_TEST(f.load().gateStatus() == "active");
  add({"hold", "budget", {}, {}});
  BOOST_TEST(f.load().gateStatus() == "on_hold");
  // A decision entered late with an earlier date (last month's committee) is history: the
  // latest decision by date still sets the status, for the product and for its stage.
  add({"go", "committee of 2026-11-10, entered late", {}, std::string("2026-11-10")});
  BOOST_TEST(f.load().gateStatus() == "on_hold");
  auto stage = f.stage("proof_of_concept");
  BOOST_TEST(stage.decisionCount == 4);
  BOOST_TEST(stage.lastDecision->decision == "hold");
  auto all = f.database->read([&](db::Connection& c) { return db::listDecisions(c, f.product); });
  BOOST_TEST(all.size() == 4u);
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write(
        [](db::Connection& c) { c.exec("UPDATE stage_decisions SET decision = 'go'"); });
  });
}

BOOST_AUTO_TEST_CASE(funnel_counts_visible_products_per_stage_and_start_up) {
  PipelineFixture f;
  std::int64_t second = f.startUp("Glycera");
  std::int64_t p2 = f.newProduct("Glycerol carbonate", second, f.registerOne(second, "gc"));
  std::int64_t p3 = f.newProduct("Solketal", second, f.registerOne(second, "sk"));
  f.patch("lab_discovery", status("done"), f.product);
  db::Principal glyceraLead = test::DbFixture::member(0, second);
  f.database->write([&](db::Connection& c) {
    db::updateStage(c, f.clock, glyceraLead, p3, "lab_discovery", status("done"));
    db::updateStage(c, f.clock, glyceraLead, p3, "proof_of_concept", status("done"));
    db::DecisionInput stop{"stop", "no market", {}, {}};
    db::addDecision(c, f.clock, glyceraLead, p3, "scale_up", stop);
  });
  auto funnel = f.database->read([&](db::Connection& c) { return db::pipelineFunnel(c, f.admin); });
  BOOST_TEST(funnel.products == 3);
  BOOST_TEST_REQUIRE(funnel.stages.size() == 6u);
  BOOST_TEST(funnel.stages[0].key == "lab_discovery");
  BOOST_TEST(funnel.stages[0].products == 1);
  BOOST_TEST(funnel.stages[0].byStartUp.front().startUpId == second);
  BOOST_TEST(funnel.stages[1].products == 1);
  BOOST_TEST(funnel.stages[2].products == 1);
  BOOST_TEST(funnel.stages[2].stopped == 1);
  BOOST_TEST(funnel.stages[5].products == 0);
  BOOST_TEST_REQUIRE(funnel.startUps.size() == 2u);
  BOOST_TEST(funnel.startUps[0].startUpName == "Atlas Furanics");
  BOOST_TEST(funnel.startUps[0].byStage.at("proof_of_concept") == 1);
  BOOST_TEST(funnel.startUps[0].byStage.at("lab_discovery") == 0);
  BOOST_TEST(funnel.startUps[1].products == 2);
  // A member of Atlas sees only Atlas's private products; visitors see nothing.
  auto mine = f.database->read([&](db::Connection& c) { return db::pipelineFunnel(c, f.member); });
  BOOST_TEST(mine.products == 1);
  BOOST_TEST(mine.startUps.size() == 1u);
  auto anonymous = f.database->read(
      [&](db::Connection& c) { return db::pipelineFunnel(c, db::Principal::anonymous()); });
  BOOST_TEST(anonymous.products == 0);
  BOOST_TEST(anonymous.stages.size() == 6u);
  (void)p2;
}

BOOST_AUTO_TEST_CASE(custom_stages_appear_in_the_funnel_after_the_defaults) {
  PipelineFixture f;
  db::NewStage audit;
  audit.name = "Customer audit";
  audit.position = 1;
  f.database->write(
      [&](db::Connection& c) { db::addStage(c, f.clock, f.member, f.product, audit); });
  auto funnel = f.database->read([&](db::Connection& c) { return db::pipelineFunnel(c, f.admin); });
  BOOST_TEST_REQUIRE(funnel.stages.size() == 7u);
  BOOST_TEST(funnel.stages[6].key == "customer_audit");
  BOOST_TEST(funnel.stages[6].products == 1);
  BOOST_TEST(funnel.stages[0].products == 0);
}

BOOST_AUTO_TEST_CASE(start_up_overview_lists_overdue_milestones_from_the_clock) {
  PipelineFixture f;
  db::StageInput late;
  late.plannedStart = date("2026-09-01");
  late.plannedEnd = date("2026-10-31");
  f.patch("lab_discovery", late);
  db::StageInput notYet;
  notYet.plannedStart = date("2026-11-01");
  notYet.plannedEnd = date("2027-01-31");
  f.patch("proof_of_concept", notYet);
  db::StageInput future;
  future.plannedStart = date("2027-02-01");
  f.patch("scale_up", future);
  auto overview = f.database->read(
      [&](db::Connection& c) { return db::startUpOverview(c, f.member, f.lab, kToday); });
  BOOST_TEST(overview.products == 1);
  BOOST_TEST_REQUIRE(overview.byStage.size() == 1u);
  BOOST_TEST(overview.byStage[0].key == "lab_discovery");
  BOOST_TEST_REQUIRE(overview.overdue.size() == 2u);
  BOOST_TEST(overview.overdue[0].stageKey == "lab_discovery");
  BOOST_TEST(overview.overdue[0].milestone == "end");
  BOOST_TEST(overview.overdue[0].daysOverdue == 18);
  BOOST_TEST(overview.overdue[1].stageKey == "proof_of_concept");
  BOOST_TEST(overview.overdue[1].milestone == "start");
  BOOST_TEST(overview.overdue[1].daysOverdue == 17);
  // Time passes: the clock, not the wall clock, decides.
  f.clock.advanceSeconds(86400 * 100);
  f.patch("lab_discovery", status("done"));
  std::string later = db::dateOf(f.clock.nowIso());
  BOOST_TEST(later == "2027-02-26");
  overview = f.database->read(
      [&](db::Connection& c) { return db::startUpOverview(c, f.member, f.lab, later); });
  BOOST_TEST_REQUIRE(overview.overdue.size() == 2u);
  BOOST_TEST(overview.overdue[0].stageKey == "proof_of_concept");
  BOOST_TEST(overview.overdue[1].stageKey == "scale_up");
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->read(
        [&](db::Connection& c) { return db::startUpOverview(c, f.member, 999, later); });
  });
}

BOOST_AUTO_TEST_CASE(a_product_stopped_at_a_gate_has_no_overdue_milestones) {
  PipelineFixture f;
  db::StageInput late;
  late.plannedStart = date("2026-09-01");
  late.plannedEnd = date("2026-10-31");
  f.patch("lab_discovery", late);
  auto overdue = [&] {
    return f.database
        ->read([&](db::Connection& c) { return db::startUpOverview(c, f.member, f.lab, kToday); })
        .overdue.size();
  };
  auto decide = [&](const std::string& decision) {
    db::DecisionInput in;
    in.decision = decision;
    in.rationale = "steering committee";
    f.database->write([&](db::Connection& c) {
      db::addDecision(c, f.clock, f.member, f.product, "lab_discovery", in);
    });
  };
  BOOST_TEST(overdue() == 1u);
  decide("hold");  // on hold: the milestone is still missed
  BOOST_TEST(f.load().gateStatus() == "on_hold");
  BOOST_TEST(overdue() == 1u);
  decide("stop");
  BOOST_TEST(f.load().gateStatus() == "stopped");
  BOOST_TEST(overdue() == 0u);
  // The stopped product still counts in the overview, at its stage.
  auto overview = f.database->read(
      [&](db::Connection& c) { return db::startUpOverview(c, f.member, f.lab, kToday); });
  BOOST_TEST(overview.products == 1);
  decide("go");  // restarted: overdue again
  BOOST_TEST(overdue() == 1u);
}

BOOST_AUTO_TEST_CASE(timeline_orders_dated_events) {
  PipelineFixture f;
  db::StageInput in = status("done");
  in.actualStart = date("2026-01-10");
  in.actualEnd = date("2026-06-30");
  f.patch("lab_discovery", in);
  f.database->write([&](db::Connection& c) {
    db::addDecision(c, f.clock, f.member, f.product, "lab_discovery",
                    {"go", "yield 92 %", {}, std::string("2026-07-01")});
    db::ProductInput trl;
    trl.trl = 3;
    db::updateProduct(c, f.clock, f.member, f.product, trl);
  });
  auto product = f.load();
  auto events =
      f.database->read([&](db::Connection& c) { return db::productTimeline(c, f.admin, product); });
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type);
  BOOST_TEST((types == std::vector<std::string>{"stage_started", "stage_completed", "gate_decision",
                                                "created", "trl_changed", "trl_changed"}));
  BOOST_TEST(events[2].date == "2026-07-01");
}

BOOST_AUTO_TEST_SUITE_END()
