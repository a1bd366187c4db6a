// The import job API and the export API over real HTTP: upload, background progress, final
// report, who may see a job, bad uploads, exports filtered by visibility.
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "db/identifiers.h"
#include "../db/fault_vfs.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

const char* kBoundary = "argan-test-boundary-7f3a";

std::string multipart(const std::map<std::string, std::string>& fields, const std::string& fileName,
                      const std::string& file) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"\r\n\r\n" + value + "\r\n";
  }
  if (!fileName.empty()) {
    body += std::string("--") + kBoundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName +
            "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + file + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

std::string multipartType() { return std::string("multipart/form-data; boundary=") + kBoundary; }

struct Lab {
  TestServer server;  // (constructed first: the members below use it)
  std::int64_t startUp = server.createStartUp("Zitoun");
  std::int64_t otherStartUp = server.createStartUp("Glycera");
  std::string lead = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  std::string member = server.userToken("member@zitoun.ma", db::Role::Member, startUp);
  std::string other = server.userToken("lead@glycera.ma", db::Role::Lead, otherStartUp);
  std::string admin = server.userToken("admin@cise.ma", db::Role::Admin);
  std::string partner = server.userToken("buyer@industry.ma", db::Role::Partner);

  explicit Lab(db::DatabaseOptions options = {}) : server({}, nullptr, nullptr, options) {}

  // Polls the import until it has ended (the worker runs in the background).
  Poco::JSON::Object::Ptr waitFor(std::int64_t id, const std::string& token) {
    for (int attempt = 0; attempt < 2400; ++attempt) {
      auto r = server.call("GET", "/api/imports/" + std::to_string(id), "", token);
      BOOST_REQUIRE_EQUAL(r.status, 200);
      auto body = r.json();
      std::string status = body->getValue<std::string>("status");
      if (status == "finished" || status == "failed") return body;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_FAIL("the import did not end");
    return nullptr;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(api_imports)

BOOST_AUTO_TEST_CASE(a_multipart_upload_becomes_a_background_job_with_a_final_report) {
  Lab lab;
  std::string sdf = test::readFile(test::testData("import/plate.sdf"));
  auto submitted = lab.server.call(
      "POST", "/api/imports",
      multipart({{"start_up", std::to_string(lab.startUp)},
                 {"options", R"({"fields": {"SUPPLIER": "notes"}})"}},
                "plate.sdf", sdf),
      lab.lead, multipartType());
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  auto job = submitted.json();
  std::int64_t id = job->getValue<std::int64_t>("id");
  BOOST_TEST(submitted.headers["Location"] == "/api/imports/" + std::to_string(id));
  BOOST_TEST(job->getValue<std::string>("format") == "sdf");
  BOOST_TEST(job->getValue<std::string>("file_name") == "plate.sdf");
  BOOST_TEST(job->getValue<std::int64_t>("file_bytes") == static_cast<std::int64_t>(sdf.size()));

  auto done = lab.waitFor(id, lab.member);
  BOOST_TEST(done->getValue<std::string>("status") == "finished");
  BOOST_TEST(done->getValue<double>("progress") == 1.0);
  auto counts = done->getObject("counts");
  BOOST_TEST(counts->getValue<int>("registered") == 4);
  BOOST_TEST(counts->getValue<int>("new_form") == 1);
  BOOST_TEST(counts->getValue<int>("new_batch") == 1);
  BOOST_TEST(counts->getValue<int>("already_imported") == 1);
  BOOST_TEST(counts->getValue<int>("rejected") == 2);
  auto records = done->getArray("records");
  BOOST_TEST_REQUIRE(records->size() == 9u);
  const std::string firstBatch = records->getObject(0)->getValue<std::string>("batch");
  BOOST_TEST(firstBatch.size() > 8u);
  BOOST_TEST(firstBatch.compare(firstBatch.size() - 8, 8, "-F1-B001") == 0);
  BOOST_TEST(records->getObject(6)->getValue<std::string>("field") == "batch.purity");

  // The mapped field went to notes; the batch is visible through the registry API.
  auto batch = lab.server.call("GET", "/api/batches/" + firstBatch, "", lab.lead);
  BOOST_TEST(batch.json()->getValue<std::string>("notes") == "in-house");

  auto rejected = lab.server.call("GET", "/api/imports/" + std::to_string(id) +
                                             "?verdict=rejected&limit=1", "", lab.lead);
  auto page = rejected.json();
  BOOST_TEST(page->getArray("records")->size() == 1u);
  BOOST_TEST(page->getValue<std::int64_t>("next_after") == 7);
  auto rest = lab.server.call("GET", "/api/imports/" + std::to_string(id) +
                                          "?verdict=rejected&after=7", "", lab.lead);
  BOOST_TEST(rest.json()->getArray("records")->getObject(0)->getValue<int>("record") == 8);

  auto csv = lab.server.call("GET", "/api/imports/" + std::to_string(id) + "/report.csv", "",
                             lab.lead);
  BOOST_TEST(csv.status == 200);
  BOOST_TEST(csv.headers["Content-Type"].find("text/csv") == 0u);
  BOOST_TEST(csv.body.rfind("record,line,verdict", 0) == 0u);
  auto json = lab.server.call("GET", "/api/imports/" + std::to_string(id) + "/report.json", "",
                              lab.lead);
  BOOST_TEST(json.json()->getArray("records")->size() == 9u);
  // The upload is removed once the import has ended.
  BOOST_TEST(!Poco::File(lab.server.imports().uploadPath(id)).exists());
}

BOOST_AUTO_TEST_CASE(a_raw_upload_takes_its_options_from_the_query) {
  Lab lab;
  std::string smi = test::readFile(test::testData("import/plate.smi"));
  auto submitted =
      lab.server.call("POST", "/api/imports?file_name=plate.smi", smi, lab.member,
                      "application/octet-stream");
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  auto job = submitted.json();
  BOOST_TEST(job->getValue<std::int64_t>("start_up") == lab.startUp);  // the caller's own
  BOOST_TEST(job->getValue<std::string>("format") == "smiles");
  auto done = lab.waitFor(job->getValue<std::int64_t>("id"), lab.member);
  BOOST_TEST(done->getObject("counts")->getValue<int>("registered") == 4);

  std::string csv = test::readFile(test::testData("import/plate.csv"));
  std::string query;
  Poco::URI::encode(R"({"fields": {"Colour": "ignore"}})", "&=+?#{}\":,", query);
  auto second = lab.server.call("POST", "/api/imports?format=csv&start_up=" +
                                            std::to_string(lab.startUp) + "&options=" + query,
                                csv, lab.lead, "text/csv");
  BOOST_TEST_REQUIRE(second.status == 202, second.body);
  auto table = lab.waitFor(second.json()->getValue<std::int64_t>("id"), lab.lead);
  BOOST_TEST(table->getObject("counts")->getValue<int>("registered") == 1);
  BOOST_TEST(table->getObject("counts")->getValue<int>("new_batch") == 1);
  BOOST_TEST(table->getObject("counts")->getValue<int>("rejected") == 3);

  // Neither a format nor a file name: the content says SD file.
  auto sniffed = lab.server.call("POST", "/api/imports",
                                 test::readFile(test::testData("import/malformed.sdf")), lab.lead,
                                 "application/octet-stream");
  BOOST_TEST_REQUIRE(sniffed.status == 202, sniffed.body);
  BOOST_TEST(sniffed.json()->getValue<std::string>("format") == "sdf");
  auto malformed = lab.waitFor(sniffed.json()->getValue<std::int64_t>("id"), lab.lead);
  BOOST_TEST(malformed->getObject("counts")->getValue<int>("rejected") == 4);

  auto list = lab.server.call("GET", "/api/imports", "", lab.member);
  BOOST_TEST(list.json()->getArray("items")->size() == 3u);
}

// A full disk does not fail an import: it waits (back-off) and resumes where it stopped once
// space is back; its upload is removed when it ends.
BOOST_AUTO_TEST_CASE(an_import_waits_out_a_full_disk_and_finishes) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = test::faultVfsPath(dir.file("argan.db"));
  Lab lab(options);
  lab.server.imports().stop();  // the job starts once the disk is full
  std::string smi = test::readFile(test::testData("import/plate.smi"));
  auto submitted = lab.server.call("POST", "/api/imports?file_name=plate.smi", smi, lab.member,
                                   "application/octet-stream");
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  std::int64_t id = submitted.json()->getValue<std::int64_t>("id");
  {
    test::ScopedFault full(test::Fault::kDiskFull);
    lab.server.imports().start();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto during = lab.server.call("GET", "/api/imports/" + std::to_string(id), "", lab.member);
    BOOST_TEST_REQUIRE(during.status == 200, during.body);  // reads (and sign-in stamps) go on
    std::string status = during.json()->getValue<std::string>("status");
    BOOST_TEST((status == "queued" || status == "running"), status);
    BOOST_TEST(Poco::File(lab.server.imports().uploadPath(id)).exists());
  }
  auto done = lab.waitFor(id, lab.member);
  BOOST_TEST(done->getValue<std::string>("status") == "finished");
  BOOST_TEST(done->getObject("counts")->getValue<int>("registered") == 4);
  BOOST_TEST(done->get("waiting").isEmpty());
  BOOST_TEST(!Poco::File(lab.server.imports().uploadPath(id)).exists());
}

// The disk fills while an import runs (after its first chunks): the import is not failed; it
// waits, resumes after its last committed chunk once space is back, and ends with every record
// judged exactly once.
BOOST_AUTO_TEST_CASE(an_import_interrupted_by_a_full_disk_resumes_after_its_last_chunk) {
  test::TempDir dir;
  db::DatabaseOptions options;
  options.path = test::faultVfsPath(dir.file("argan.db"));
  Lab lab(options);
  const int total = 3000;  // 15 chunks
  std::string smi;
  for (int i = 1; i <= total; ++i) {
    smi += std::string(static_cast<std::size_t>(i % 20 + 1), 'C') + "O\n";
  }
  auto submitted = lab.server.call("POST", "/api/imports?file_name=alcohols.smi", smi, lab.member,
                                   "application/octet-stream");
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  std::int64_t id = submitted.json()->getValue<std::int64_t>("id");
  auto judged = [&] {
    return lab.server.database().read([&](db::Connection& c) {
      return *c.queryInt("SELECT COUNT(*) FROM import_records WHERE import_id = " +
                         std::to_string(id));
    });
  };
  std::int64_t before = 0;
  for (int i = 0; i < 6000 && before == 0; ++i) {
    before = judged();
    if (before == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    test::ScopedFault full(test::Fault::kDiskFull);
    BOOST_TEST_REQUIRE(before > 0);
    BOOST_TEST_REQUIRE(before < total);  // interrupted in the middle
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto during = lab.server.call("GET", "/api/imports/" + std::to_string(id), "", lab.member);
    BOOST_TEST_REQUIRE(during.status == 200, during.body);
    std::string status = during.json()->getValue<std::string>("status");
    BOOST_TEST((status == "queued" || status == "running"), status);
    BOOST_TEST(judged() < total);
    BOOST_TEST(Poco::File(lab.server.imports().uploadPath(id)).exists());
  }
  auto done = lab.waitFor(id, lab.member);
  std::string status = done->getValue<std::string>("status");
  auto error = done->get("error");
  BOOST_TEST(status == "finished", status << ": " << (error.isEmpty() ? "" : error.toString()));
  auto counts = done->getObject("counts");
  BOOST_TEST(counts->getValue<int>("registered") + counts->getValue<int>("new_batch") +
                 counts->getValue<int>("already_imported") ==
             total);
  BOOST_TEST(counts->getValue<int>("rejected") == 0);
  BOOST_TEST(judged() == total);
  BOOST_TEST(lab.server.database().read([&](db::Connection& c) {
    return *c.queryInt("SELECT MAX(record_number) FROM import_records WHERE import_id = " +
                       std::to_string(id));
  }) == total);
  BOOST_TEST(!Poco::File(lab.server.imports().uploadPath(id)).exists());
}

// What a crash leaves in the import directory (half-received uploads, uploads of imports
// that ended or never were) is removed when the import worker starts.
BOOST_AUTO_TEST_CASE(leftover_uploads_are_removed_at_start) {
  Lab lab;
  lab.server.imports().stop();
  const std::string& directory = lab.server.imports().directory();
  for (const char* name : {"receiving-0123abcd.tmp", "import-999.upload"}) {
    std::ofstream(directory + "/" + name) << "left behind";
  }
  std::ofstream(directory + "/notes.txt") << "not ours";
  lab.server.imports().start();
  for (int i = 0; i < 200 && Poco::File(directory + "/import-999.upload").exists(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(!Poco::File(directory + "/receiving-0123abcd.tmp").exists());
  BOOST_TEST(!Poco::File(directory + "/import-999.upload").exists());
  BOOST_TEST(Poco::File(directory + "/notes.txt").exists());
}

// Two runners on one database (as two servers would be) never both run an import: each
// claims it first; the one that loses waits. Every record has exactly one verdict.
BOOST_AUTO_TEST_CASE(two_runners_never_run_one_import_twice) {
  Lab lab;
  server::ImportJobs second(lab.server.services(), lab.server.imports().directory());
  second.start();
  std::string smi;
  for (int i = 1; i <= 120; ++i) smi += std::string(static_cast<std::size_t>(i % 20 + 1), 'C') + "O\n";
  auto submitted = lab.server.call("POST", "/api/imports?file_name=alcohols.smi", smi, lab.member,
                                   "application/octet-stream");
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  second.wake();
  std::int64_t id = submitted.json()->getValue<std::int64_t>("id");
  auto done = lab.waitFor(id, lab.member);
  second.stop();
  BOOST_TEST(done->getValue<std::string>("status") == "finished", done->getValue<std::string>("status"));
  auto counts = done->getObject("counts");
  BOOST_TEST(counts->getValue<int>("registered") + counts->getValue<int>("new_batch") +
                 counts->getValue<int>("already_imported") ==
             120);
  BOOST_TEST(counts->getValue<int>("rejected") == 0);
  BOOST_TEST(lab.server.count("import_records") == 120);
}

BOOST_AUTO_TEST_CASE(an_import_is_visible_only_to_its_start_up_and_administrators) {
  Lab lab;
  std::string smi = test::readFile(test::testData("import/plate.smi"));
  auto submitted = lab.server.call("POST", "/api/imports?file_name=a.smi", smi, lab.lead,
                                   "application/octet-stream");
  BOOST_TEST_REQUIRE(submitted.status == 202, submitted.body);
  std::string path = "/api/imports/" + submitted.json()->getValue<std::string>("id");
  lab.waitFor(submitted.json()->getValue<std::int64_t>("id"), lab.lead);
  BOOST_TEST(lab.server.call("GET", path, "", lab.admin).status == 200);
  auto foreign = lab.server.call("GET", path, "", lab.other);
  BOOST_TEST(foreign.status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/imports/999", "", lab.other).body.find("no import") !=
             std::string::npos);
  BOOST_TEST(lab.server.call("GET", path + "/report.csv", "", lab.other).status == 404);
  BOOST_TEST(lab.server.call("GET", path, "", lab.partner).status == 403);
  BOOST_TEST(lab.server.call("GET", path, "").status == 401);
  BOOST_TEST(lab.server.call("GET", "/api/imports", "", lab.other).json()->getArray("items")->size() ==
             0u);
  BOOST_TEST(lab.server.call("GET", "/api/imports", "", lab.admin).json()->getArray("items")->size() ==
             1u);
  // Importing into another start-up is refused before anything is queued.
  auto intoOther = lab.server.call("POST", "/api/imports?file_name=a.smi&start_up=" +
                                               std::to_string(lab.startUp),
                                   smi, lab.other, "application/octet-stream");
  BOOST_TEST(intoOther.status == 403);
  BOOST_TEST(lab.server.call("POST", "/api/imports?file_name=a.smi", smi, lab.partner,
                             "application/octet-stream")
                 .status == 403);
  BOOST_TEST(lab.server.count("imports") == 1);
}

BOOST_AUTO_TEST_CASE(bad_uploads_answer_4xx_and_queue_nothing) {
  server::AppConfig config;
  config.maxImportBytes = 1000;
  TestServer server(config);
  std::int64_t startUp = server.createStartUp("Lab");
  std::string lead = server.userToken("lead@lab.ma", db::Role::Lead, startUp);
  std::string smi = test::readFile(test::testData("import/plate.smi"));
  BOOST_TEST(server.call("POST", "/api/imports?format=smiles", "", lead,
                         "application/octet-stream").status == 400);
  auto tooLarge = server.call("POST", "/api/imports?format=sdf",
                              test::readFile(test::testData("import/plate.sdf")), lead,
                              "application/octet-stream");
  BOOST_TEST(tooLarge.status == 413);
  BOOST_TEST(server.call("POST", "/api/imports?format=smiles&options=%7Bbad", smi, lead,
                         "application/octet-stream").status == 400);
  BOOST_TEST(server.call("POST", "/api/imports?format=xlsx", smi, lead,
                         "application/octet-stream").status == 400);
  BOOST_TEST(server.call("POST", "/api/imports", multipart({{"format", "smiles"}}, "", ""), lead,
                         multipartType()).status == 400);
  BOOST_TEST(server.count("imports") == 0);
  BOOST_TEST(server.call("GET", "/api/imports/abc", "", lead).status == 404);
  BOOST_TEST(server.call("GET", "/api/imports?limit=0", "", lead).status == 400);
  // Nothing is left in the upload directory.
  std::vector<std::string> files;
  Poco::File(server.imports().directory()).list(files);
  BOOST_TEST(files.empty());
}

BOOST_AUTO_TEST_CASE(exports_hold_what_the_caller_may_see) {
  Lab lab;
  auto imported = lab.server.call("POST", "/api/imports?file_name=a.smi",
                                  test::readFile(test::testData("import/plate.smi")), lab.lead,
                                  "application/octet-stream");
  lab.waitFor(imported.json()->getValue<std::int64_t>("id"), lab.lead);
  // Publish the first imported compound (record numbers are not 1, 2, 3: take the oldest).
  const std::int64_t first = lab.server.database().write([](db::Connection& c) {
    std::int64_t id = c.queryInt("SELECT MIN(id) FROM compounds").value_or(0);
    c.exec("UPDATE compounds SET visibility = 'public' WHERE id = " + std::to_string(id));
    return id;
  });
  BOOST_TEST_REQUIRE(first > 0);
  auto anonymous = lab.server.call("GET", "/api/export/compounds?format=json");
  BOOST_TEST_REQUIRE(anonymous.status == 200, anonymous.body);
  BOOST_TEST(anonymous.json()->getValue<int>("count") == 1);
  BOOST_TEST(anonymous.body.find(db::compoundCode(first)) != std::string::npos, anonymous.body);
  BOOST_TEST(anonymous.headers["Content-Disposition"].find("argan-compounds.json") !=
             std::string::npos);
  BOOST_TEST(lab.server.call("GET", "/api/export/compounds?format=json", "", lab.other)
                 .json()
                 ->getValue<int>("count") == 1);
  BOOST_TEST(lab.server.call("GET", "/api/export/compounds?format=json", "", lab.member)
                 .json()
                 ->getValue<int>("count") == 4);
  auto sdf = lab.server.call("GET", "/api/export/compounds?format=sdf", "", lab.lead);
  BOOST_TEST(sdf.status == 200);
  BOOST_TEST(std::count(sdf.body.begin(), sdf.body.end(), '$') == 4 * 4);
  BOOST_TEST(sdf.body.find("> <inchikey>") != std::string::npos);
  auto csv = lab.server.call("GET", "/api/export/compounds?format=csv&start_up=" +
                                        std::to_string(lab.otherStartUp),
                             "", lab.lead);
  BOOST_TEST(csv.status == 200);
  BOOST_TEST(std::count(csv.body.begin(), csv.body.end(), '\n') == 1);  // the header only
  BOOST_TEST(lab.server.call("GET", "/api/export/compounds?format=pdf").status == 400);
}

// A start_up that does not exist answers 404 naming the parameter (as `argan export` exits 1),
// for both exports, not an empty file.
BOOST_AUTO_TEST_CASE(exports_of_an_unknown_start_up_answer_404) {
  Lab lab;
  for (const char* path :
       {"/api/export/compounds?start_up=999", "/api/export/compounds?format=csv&start_up=999",
        "/api/export/routes?start_up=999", "/api/export/routes?format=rxn&start_up=999"}) {
    for (const std::string& token : {std::string(), lab.lead}) {
      auto r = lab.server.call("GET", path, "", token);
      BOOST_TEST_REQUIRE(r.status == 404, std::string(path) + ": " + r.body);
      BOOST_TEST(r.errorCode() == "NOT_FOUND");
      BOOST_TEST(r.errorMessage().find("999") != std::string::npos, r.body);
      BOOST_TEST(r.json()->getObject("error")->getObject("details")->getValue<std::string>(
                     "field") == "start_up");
    }
  }
  // An existing start-up with nothing visible still exports an empty file.
  std::string known = "?format=csv&start_up=" + std::to_string(lab.otherStartUp);
  BOOST_TEST(lab.server.call("GET", "/api/export/compounds" + known, "", lab.lead).status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/export/routes" + known, "", lab.lead).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
