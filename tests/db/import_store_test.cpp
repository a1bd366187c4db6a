// Import jobs and verdict rows: visibility, digests, resume points, counts, audit.
#include "db/import_store.h"

#include "db/audit.h"
#include "db_fixture.h"

using namespace argan;

namespace {

db::Import newImport(test::DbFixture& f, std::int64_t startUp,
                     const db::Principal& who = db::Principal::system("test")) {
  db::NewImport in;
  in.startUpId = startUp;
  in.fileName = "plate.sdf";
  in.fileSha256 = std::string(64, 'a');
  in.fileBytes = 1234;
  in.format = "sdf";
  return f.database->write([&](db::Connection& c) { return db::createImport(c, f.clock, who, in); });
}

db::ImportRecord verdictRow(std::int64_t number, db::ImportVerdict verdict,
                            const std::string& digest = "") {
  db::ImportRecord r;
  r.recordNumber = number;
  r.line = number * 10;
  r.verdict = verdict;
  r.recordDigest = digest;
  r.message = "m";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(import_store)

BOOST_AUTO_TEST_CASE(an_import_is_seen_by_its_start_up_and_administrators_only) {
  test::DbFixture f;
  std::int64_t a = f.startUp("A");
  std::int64_t b = f.startUp("B");
  db::Import job = newImport(f, a);
  BOOST_TEST(job.status == "queued");
  BOOST_TEST(job.format == "sdf");
  auto seen = [&](const db::Principal& who) {
    return f.database->read([&](db::Connection& c) { return db::findImport(c, who, job.id); })
        .has_value();
  };
  BOOST_TEST(seen(f.admin));
  BOOST_TEST(seen(test::DbFixture::member(7, a)));
  BOOST_TEST(!seen(test::DbFixture::member(8, b)));
  db::Principal partner;
  partner.userId = 9;
  partner.role = db::Role::Partner;
  BOOST_TEST(!seen(partner));
  BOOST_TEST(!seen(db::Principal::anonymous()));
  auto listed = f.database->read([&](db::Connection& c) {
    return db::listImports(c, test::DbFixture::member(8, b), std::nullopt, 50);
  });
  BOOST_TEST(listed.empty());
}

BOOST_AUTO_TEST_CASE(refuses_unknown_start_ups_and_formats) {
  test::DbFixture f;
  test::expectError(ErrorCode::NotFound, [&] { newImport(f, 42); });
  std::int64_t a = f.startUp("A");
  db::NewImport in;
  in.startUpId = a;
  in.format = "xlsx";
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write([&](db::Connection& c) { db::createImport(c, f.clock, f.admin, in); });
  });
}

BOOST_AUTO_TEST_CASE(digests_identify_record_content) {
  std::vector<std::pair<std::string, std::string>> fields = {{"AMOUNT", "1 g"}};
  std::string d = db::recordDigest(1, "CCO", fields);
  BOOST_TEST(d.size() == 64u);
  BOOST_TEST(d == db::recordDigest(1, "CCO", fields));
  BOOST_TEST(d != db::recordDigest(2, "CCO", fields));
  BOOST_TEST(d != db::recordDigest(1, "CCN", fields));
  BOOST_TEST(d != db::recordDigest(1, "CCO", {{"AMOUNT", "2 g"}}));
  BOOST_TEST(d != db::recordDigest(1, "CCO", {}));
  // The encoding is length-prefixed: moving a boundary changes the digest.
  BOOST_TEST(db::recordDigest(1, "CCO", {{"A", "BC"}}) !=
             db::recordDigest(1, "CCO", {{"AB", "C"}}));
}

BOOST_AUTO_TEST_CASE(verdict_rows_count_resume_and_keep_digests_unique) {
  test::DbFixture f;
  std::int64_t a = f.startUp("A");
  db::Import job = newImport(f, a);
  f.database->write([&](db::Connection& c) {
    BOOST_TEST(db::claimImport(c, f.clock, job.id, "test:host:1:1", "2099-01-01T00:00:00.000Z"));
    db::insertImportRecord(c, job.id, a, verdictRow(1, db::ImportVerdict::Registered, "d1"));
    db::insertImportRecord(c, job.id, a, verdictRow(2, db::ImportVerdict::Rejected));
    db::insertImportRecord(c, job.id, a, verdictRow(3, db::ImportVerdict::Rejected));
    db::insertImportRecord(c, job.id, a, verdictRow(4, db::ImportVerdict::NewBatch, "d4"));
    db::updateImportProgress(c, job.id, 4, 900, {"test:host:1:1", "2099-01-01T00:00:00.000Z"});
  });
  // The same digest cannot be imported twice into a start-up.
  test::expectError(ErrorCode::AlreadyExists, [&] {
    f.database->write([&](db::Connection& c) {
      db::insertImportRecord(c, job.id, a, verdictRow(5, db::ImportVerdict::NewBatch, "d1"));
    });
  });
  auto [last, counts, found, missing] = f.database->read([&](db::Connection& c) {
    return std::make_tuple(db::lastRecordNumber(c, job.id), db::importCounts(c, job.id),
                           db::findImportedRecord(c, a, "d4"), db::findImportedRecord(c, a, "zz"));
  });
  BOOST_TEST(last == 4);
  BOOST_TEST(counts.registered == 1);
  BOOST_TEST(counts.rejected == 2);
  BOOST_TEST(counts.newBatch == 1);
  BOOST_TEST(counts.total() == 4);
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(found->recordNumber == 4);
  BOOST_TEST(!missing.has_value());

  std::vector<std::int64_t> rejected;
  f.database->read([&](db::Connection& c) {
    db::forEachImportRecord(c, job.id, db::ImportVerdict::Rejected, 0, 0,
                            [&](const db::ImportRecord& r) { rejected.push_back(r.recordNumber); });
  });
  BOOST_TEST(rejected == (std::vector<std::int64_t>{2, 3}));
  std::vector<std::int64_t> page;
  f.database->read([&](db::Connection& c) {
    db::forEachImportRecord(c, job.id, std::nullopt, 1, 2,
                            [&](const db::ImportRecord& r) { page.push_back(r.recordNumber); });
  });
  BOOST_TEST(page == (std::vector<std::int64_t>{2, 3}));

  f.database->write([&](db::Connection& c) {
    db::finishImport(c, f.clock, f.admin, job.id, std::nullopt);
  });
  auto done = f.database->read([&](db::Connection& c) { return db::findImport(c, f.admin, job.id); });
  BOOST_TEST(done->status == "finished");
  BOOST_TEST(done->recordsDone == 4);
  BOOST_TEST(done->counts.rejected == 2);
  // Ended imports cannot be finished again or restarted.
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([&](db::Connection& c) {
      db::finishImport(c, f.clock, f.admin, job.id, std::string("late"));
    });
  });
  BOOST_TEST(!f.database->write([&](db::Connection& c) {
    return db::claimImport(c, f.clock, job.id, "test:host:1:1", "2099-01-01T00:00:00.000Z");
  }));
  auto entries = f.database->read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "import", std::to_string(job.id)); });
  BOOST_TEST_REQUIRE(entries.size() == 2u);
  BOOST_TEST(entries[1].action == "finish");
  BOOST_TEST(entries[1].reason->find("rejected 2") != std::string::npos);
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::verifyAuditChain(c).ok; }));
}

BOOST_AUTO_TEST_CASE(unfinished_imports_are_listed_for_resuming) {
  test::DbFixture f;
  std::int64_t a = f.startUp("A");
  db::Import one = newImport(f, a);
  db::Import two = newImport(f, a);
  f.database->write([&](db::Connection& c) {
    db::claimImport(c, f.clock, one.id, "test:host:1:1", "2099-01-01T00:00:00.000Z");
    db::finishImport(c, f.clock, f.admin, two.id, std::string("broken"));
  });
  auto open = f.database->read([](db::Connection& c) { return db::unfinishedImports(c, "api"); });
  BOOST_TEST_REQUIRE(open.size() == 1u);
  BOOST_TEST(open[0].id == one.id);
  BOOST_TEST(open[0].status == "running");
  auto failed = f.database->read([&](db::Connection& c) { return db::findImport(c, f.admin, two.id); });
  BOOST_TEST(failed->status == "failed");
  BOOST_TEST(*failed->error == "broken");
}

// Two processes never both run an import: a claim holds until its lease runs out (or its
// holder is known to be gone), and a chunk commits only while its process holds the claim.
BOOST_AUTO_TEST_CASE(an_import_is_run_by_one_claimant_at_a_time) {
  test::DbFixture f;
  std::int64_t a = f.startUp("A");
  db::Import job = newImport(f, a);
  const std::string soon = isoFromMicros(f.clock.nowMicros() + 60LL * 1000000);
  auto claim = [&](const std::string& who, const std::string& until, bool takeOver = false) {
    return f.database->write(
        [&](db::Connection& c) { return db::claimImport(c, f.clock, job.id, who, until, takeOver); });
  };
  BOOST_TEST(claim("serve:h:1:1", soon));
  BOOST_TEST(claim("serve:h:1:1", soon));    // its own claim: renewed
  BOOST_TEST(!claim("serve:h:2:2", soon));   // held by another
  auto held = f.database->read([&](db::Connection& c) { return db::findImport(c, f.admin, job.id); });
  BOOST_TEST(*held->claimedBy == "serve:h:1:1");
  BOOST_TEST(held->status == "running");
  // The lease runs out: the second one takes over; the first one's next chunk is refused.
  f.clock.advanceSeconds(120);
  const std::string later = isoFromMicros(f.clock.nowMicros() + 60LL * 1000000);
  BOOST_TEST(claim("serve:h:2:2", later));
  Error e(ErrorCode::Internal, "none");
  try {
    f.database->write([&](db::Connection& c) {
      db::insertImportRecord(c, job.id, a, verdictRow(1, db::ImportVerdict::Rejected));
      db::updateImportProgress(c, job.id, 1, 10, {"serve:h:1:1", later});
    });
  } catch (const Error& thrown) {
    e = thrown;
  }
  BOOST_TEST((e.code() == ErrorCode::FailedPrecondition), e.what());
  BOOST_TEST(f.count("import_records") == 0);  // the chunk rolled back with its progress
  f.database->write([&](db::Connection& c) {
    db::insertImportRecord(c, job.id, a, verdictRow(1, db::ImportVerdict::Rejected));
    db::updateImportProgress(c, job.id, 1, 10, {"serve:h:2:2", later});
  });
  BOOST_TEST(f.count("import_records") == 1);
  // A holder known to be gone is taken over at once.
  BOOST_TEST(claim("serve:h:3:3", later, /*takeOver=*/true));
  // Another runner that found it claimed and postpones its own attempt leaves the claim alone.
  f.database->write([&](db::Connection& c) {
    db::postponeImport(c, job.id, "serve:h:9:9", later, "import 1 is being run by another");
  });
  auto untouched = f.database->read([&](db::Connection& c) { return db::findImport(c, f.admin, job.id); });
  BOOST_TEST(untouched->claimedBy.value_or("") == "serve:h:3:3");
  BOOST_TEST(!untouched->waiting.has_value());
  // Postponed by its holder (disk full): unclaimed, waiting, counted; released claims free it.
  f.database->write([&](db::Connection& c) {
    db::postponeImport(c, job.id, "serve:h:3:3", later, "the disk is full");
  });
  auto waiting = f.database->read([&](db::Connection& c) { return db::findImport(c, f.admin, job.id); });
  BOOST_TEST(!waiting->claimedBy.has_value());
  BOOST_TEST(*waiting->waiting == "the disk is full");
  BOOST_TEST(waiting->attempts == 1);
  BOOST_TEST(claim("serve:h:4:4", later));
  f.database->write([&](db::Connection& c) { db::releaseImport(c, job.id, "serve:h:4:4"); });
  BOOST_TEST(claim("serve:h:5:5", later));
}

BOOST_AUTO_TEST_SUITE_END()
