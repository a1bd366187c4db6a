// Bulk registration: verdicts per record, one bad record never rolls back the others,
// the same rule as single registration, and the search index sees the results.
#include "server/registry/bulk_registration.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

BOOST_AUTO_TEST_SUITE(bulk_registration)

BOOST_AUTO_TEST_CASE(verdicts_per_record_and_bad_records_stand_alone) {
  TestServer server;
  std::int64_t startUp = server.createStartUp("Zitoun");
  std::vector<server::BulkRecord> records = {
      {"CC(=O)Oc1ccccc1C(=O)O", "smiles", {}},           // new compound
      {"C1CC", "smiles", {}},                            // bad SMILES
      {"OC(=O)c1ccccc1OC(C)=O", "smiles", {}},           // same parent, same form: new batch
      {"CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "smiles", {}},  // new form
      {"CCO", "smiles", {}},                             // bad batch field below
      {"c1ccccc1", "", {}},                              // new compound
  };
  records[4].batch.purity = 150;
  server::BulkOptions options;
  options.chunkSize = 2;  // records 0-1, 2-3, 4-5: rejections inside chunks
  std::vector<std::size_t> progress;
  options.progress = [&](std::size_t done, std::size_t) { progress.push_back(done); };
  auto result = server::registerBulk(server.services(), db::Principal::system("test"), startUp,
                                     records, options);
  const auto& v = result.verdicts;
  BOOST_TEST_REQUIRE(v.size() == records.size());
  BOOST_TEST(v[0].outcome == "new_compound");
  const std::string code = v[0].compoundCode;
  BOOST_TEST(code.rfind("CMP-", 0) == 0u);
  BOOST_TEST(v[1].outcome == "rejected");
  BOOST_TEST(v[1].errorCode == "INVALID_ARGUMENT");
  BOOST_TEST(v[1].field == "structure");
  BOOST_TEST(!v[1].reason.empty());
  BOOST_TEST(v[2].outcome == "new_batch");
  BOOST_TEST(v[2].batchCode == code + "-F1-B002");
  BOOST_TEST(v[3].outcome == "new_form");
  BOOST_TEST(v[3].formCode == code + "-F2");
  BOOST_TEST(v[4].outcome == "rejected");
  BOOST_TEST(v[4].field == "batch.purity");
  BOOST_TEST(v[5].outcome == "new_compound");
  BOOST_TEST(result.newCompounds == 2u);
  BOOST_TEST(result.rejected == 2u);
  BOOST_TEST((progress == std::vector<std::size_t>{2, 4, 6}));
  BOOST_TEST(server.count("compounds") == 2);
  BOOST_TEST(server.count("batches") == 4);
  // The search index holds both parents already.
  BOOST_TEST(server.search().index().stats().compounds == 2u);
}

BOOST_AUTO_TEST_CASE(a_failure_at_write_time_rolls_back_only_that_record) {
  TestServer server;
  std::int64_t startUp = server.createStartUp("Zitoun");
  auto first = server::registerBulk(server.services(), db::Principal::system("t"), startUp,
                                    {{"CCO", "smiles", {}}});
  BOOST_TEST_REQUIRE(first.verdicts[0].outcome == "new_compound");
  server.database().write([&](db::Connection& c) {
    db::retireCompound(c, server.services().clock, db::Principal::system("t"),
                       first.verdicts[0].compoundId, "mistake");
  });
  // A batch of a retired parent is refused at write time, inside the same transaction as
  // a good record before and after it.
  auto result = server::registerBulk(server.services(), db::Principal::system("t"), startUp,
                                     {{"CCC", "smiles", {}}, {"OCC", "smiles", {}},
                                      {"CCCC", "smiles", {}}});
  BOOST_TEST(result.verdicts[0].outcome == "new_compound");
  BOOST_TEST(result.verdicts[1].outcome == "rejected");
  BOOST_TEST(result.verdicts[1].errorCode == "FAILED_PRECONDITION");
  BOOST_TEST(result.verdicts[2].outcome == "new_compound");
  BOOST_TEST(server.count("compounds") == 3);
  BOOST_TEST(server.count("batches") == 3);
}

BOOST_AUTO_TEST_CASE(callers_outside_the_start_up_are_refused_before_any_work) {
  TestServer server;
  std::int64_t mine = server.createStartUp("Zitoun");
  std::int64_t theirs = server.createStartUp("Glycera");
  db::Principal member;
  member.role = db::Role::Member;
  member.startUpId = mine;
  member.userId = 5;
  test::expectError(ErrorCode::PermissionDenied, [&] {
    server::registerBulk(server.services(), member, theirs, {{"CCO", "smiles", {}}});
  });
  test::expectError(ErrorCode::NotFound, [&] {
    server::registerBulk(server.services(), db::Principal::system("t"), 999,
                         {{"CCO", "smiles", {}}});
  });
  BOOST_TEST(server.count("compounds") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
