// Bulk import: verdicts under the registration rule, batch field mapping, per-record
// rejections that leave the database consistent, harmless re-runs, resuming, shared data.
#include "server/transfer/importer.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "chem/structure_analysis.h"
#include "db/audit.h"
#include "db/import_store.h"
#include "db/start_up_store.h"
#include "server/isolation/chem_service.h"
#include "server/transfer/import_report.h"
#include "test_support.h"

using namespace argan;
using server::BatchField;

namespace {

// Chemistry that can be told to fail (Unavailable, as when no worker answers) from its Nth
// analysis on: an error that is not one record's fault, in the middle of a chunk.
class FlakyChem : public server::InProcessChemService {
 public:
  FlakyChem() : server::InProcessChemService(2) {}
  chem::StructureAnalysis analyse(const std::string& text, const std::string& format) override {
    int n = ++calls;
    if (failFrom > 0 && n >= failFrom) throw unavailable("no chemistry worker answered");
    return server::InProcessChemService::analyse(text, format);
  }
  std::atomic<int> calls{0};
  std::atomic<int> failFrom{0};  // 0: never
};

struct ImportFixture {
  test::TempDir dir;
  SystemClock clock;
  server::AppConfig config;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<FlakyChem> chem;
  std::unique_ptr<server::Runtime> services;
  db::Principal admin = db::Principal::system("test import");

  ImportFixture() {
    chem::initialise();
    db::DatabaseOptions options;
    options.path = dir.file("import.db");
    database = db::Database::open(options);
    chem = std::make_unique<FlakyChem>();
    services = std::make_unique<server::Runtime>(
        server::Runtime{*database, clock, config, *chem});
  }

  std::int64_t startUp(const std::string& name) {
    return database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      return db::createStartUp(c, clock, admin, in).id;
    });
  }

  db::Import newImport(std::int64_t startUpId, chem::RecordFileFormat format) {
    db::NewImport in;
    in.startUpId = startUpId;
    in.source = "cli";
    in.fileName = "test";
    in.fileSha256 = std::string(64, '0');
    in.format = chem::recordFileFormatName(format);
    return database->write(
        [&](db::Connection& c) { return db::createImport(c, clock, admin, in); });
  }

  // Imports `bytes` into the start-up; returns the import as stored at the end.
  db::Import run(std::int64_t startUpId, const std::string& bytes, server::ImportOptions options,
                 server::ImportObserver* observer = nullptr,
                 const db::Principal* who = nullptr, const server::ImportPace& pace = {}) {
    db::Import job = newImport(startUpId, options.format);
    resume(job, bytes, options, pace, observer, who);
    return reload(job.id);
  }

  // Runs (or resumes) `job` over `bytes`.
  server::ImportRun resume(const db::Import& job, const std::string& bytes,
                           const server::ImportOptions& options, const server::ImportPace& pace,
                           server::ImportObserver* observer = nullptr,
                           const db::Principal* who = nullptr) {
    std::istringstream in(bytes);
    auto reader = chem::RecordReader::create(options.format, in, options.reader);
    server::ImportObserver none;
    return server::runImport(*services, who ? *who : admin, job, *reader, options,
                             observer ? *observer : none, nullptr, pace);
  }

  db::Import reload(std::int64_t id) {
    return *database->read([&](db::Connection& c) { return db::findImport(c, admin, id); });
  }

  std::vector<db::ImportRecord> records(std::int64_t importId) {
    std::vector<db::ImportRecord> out;
    database->read([&](db::Connection& c) {
      db::forEachImportRecord(c, importId, std::nullopt, 0, 0,
                              [&](const db::ImportRecord& r) { out.push_back(r); });
    });
    return out;
  }

  std::int64_t count(const std::string& sql) {
    return database->read([&](db::Connection& c) { return c.queryInt(sql).value_or(-1); });
  }

  // Every parent has a form with a batch, every batch has its audit entry, the chain holds.
  void checkConsistent() {
    BOOST_TEST(count("SELECT COUNT(*) FROM compounds c WHERE NOT EXISTS (SELECT 1 FROM "
                     "compound_forms f JOIN batches b ON b.form_id = f.id WHERE f.compound_id "
                     "= c.id)") == 0);
    BOOST_TEST(count("SELECT COUNT(*) FROM batches") ==
               count("SELECT COUNT(*) FROM audit_log WHERE record_type = 'batch'"));
    BOOST_TEST(count("SELECT COUNT(*) FROM batches") ==
               count("SELECT COUNT(*) FROM import_records WHERE verdict IN "
                     "('registered','new_form','new_batch')") +
                   count("SELECT COUNT(*) FROM batches b WHERE NOT EXISTS (SELECT 1 FROM "
                         "import_records r WHERE r.batch_id = b.id)"));
    auto audit = database->read([](db::Connection& c) { return db::verifyAuditChain(c); });
    BOOST_TEST(audit.ok, audit.reason);
  }
};

server::ImportOptions sdfOptions() {
  server::ImportOptions o;
  o.format = chem::RecordFileFormat::Sdf;
  return o;
}

std::string fixture(const std::string& name) { return test::readFile(test::testData("import/" + name)); }

chem::RecordField field(const std::string& name, const std::string& value) {
  return chem::RecordField{name, value, 7};
}

// Stops the import after `after` records.
class StopAfter : public server::ImportObserver {
 public:
  explicit StopAfter(int after) : after_(after) {}
  void onRecord(const db::ImportRecord&) override { ++seen_; }
  bool stopRequested() override { return seen_ >= after_; }

 private:
  int after_;
  int seen_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(importer)

BOOST_AUTO_TEST_CASE(maps_data_fields_onto_batch_fields) {
  server::ImportOptions options;
  auto batch = server::batchFromFields(
      {field("Amount (mg)", "12,5"), field("Purity", "98.5 %"), field("Notebook", "NB-7"),
       field("Chemist", "A. B."), field("Date", "2026-03-01T10:00:00Z"), field("Location", "F2"),
       field("Comment", "dry"), field("Colour", "white"), field("Colour", "off-white")},
      options);
  BOOST_TEST(*batch.amount == 12.5);
  BOOST_TEST(*batch.amountUnit == "mg");
  BOOST_TEST(*batch.purity == 98.5);
  BOOST_TEST(batch.notebookRef == "NB-7");
  BOOST_TEST(batch.researcher == "A. B.");
  BOOST_TEST(*batch.preparedOn == "2026-03-01");
  BOOST_TEST(batch.storage == "F2");
  BOOST_TEST(batch.notes == "dry");
  BOOST_TEST(batch.propertiesJson == R"js({"Colour":"white","Colour (2)":"off-white"})js");

  auto withUnit = server::batchFromFields({field("qty", "1.5e3"), field("units", "µL")}, options);
  BOOST_TEST(*withUnit.amount == 1500);
  BOOST_TEST(*withUnit.amountUnit == "uL");

  options.fieldMap["AMT"] = BatchField::Amount;
  options.fieldMap["Notebook"] = BatchField::Ignore;
  options.fieldMap["remarks"] = BatchField::Property;
  auto mapped = server::batchFromFields(
      {field("amt", "3 kg"), field("Notebook", "x"), field("Remarks", "kept")}, options);
  BOOST_TEST(*mapped.amount == 3);
  BOOST_TEST(*mapped.amountUnit == "kg");
  BOOST_TEST(mapped.notebookRef.empty());
  BOOST_TEST(mapped.propertiesJson == R"({"Remarks":"kept"})");

  options.defaultMapping = false;
  auto raw = server::batchFromFields({field("Purity", "50")}, options);
  BOOST_TEST(!raw.purity);
  BOOST_TEST(raw.propertiesJson == R"({"Purity":"50"})");
}

BOOST_AUTO_TEST_CASE(refuses_field_values_it_cannot_read_naming_the_field_and_line) {
  server::ImportOptions options;
  auto message = test::expectError(ErrorCode::InvalidArgument, [&] {
    server::batchFromFields({field("AMOUNT", "lots")}, options);
  });
  BOOST_TEST(message.find("'AMOUNT' (line 7)") != std::string::npos);
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { server::batchFromFields({field("AMOUNT", "3 bananas")}, options); });
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { server::batchFromFields({field("PURITY", "high")}, options); });
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { server::batchFromFields({field("unit", "cups")}, options); });
  test::expectError(ErrorCode::InvalidArgument, [&] {
    server::batchFromFields({field("amount", "3 g"), field("unit", "kg")}, options);
  });
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { server::batchFromFields({field("name", "caf\xE9")}, options); });
  std::vector<chem::RecordField> many;
  for (int i = 0; i < 201; ++i) many.push_back(field("p" + std::to_string(i), "v"));
  test::expectError(ErrorCode::InvalidArgument, [&] { server::batchFromFields(many, options); });
}

BOOST_AUTO_TEST_CASE(options_round_trip_through_json) {
  server::ImportOptions options;
  options.format = chem::RecordFileFormat::Csv;
  options.fieldMap["Amt"] = BatchField::Amount;
  options.defaultMapping = false;
  options.reader.structureColumn = "SMILES_CODE";
  options.reader.delimiter = '\t';
  auto back = server::ImportOptions::fromJson(options.toJson());
  BOOST_CHECK(back.format == chem::RecordFileFormat::Csv);
  BOOST_CHECK(back.fieldMap.at("Amt") == BatchField::Amount);
  BOOST_TEST(!back.defaultMapping);
  BOOST_TEST(back.reader.structureColumn == "SMILES_CODE");
  BOOST_TEST(back.reader.delimiter == '\t');
  test::expectError(ErrorCode::InvalidArgument, [] {
    server::ImportOptions::fromJson(R"({"fields": {"x": "colour"}})");
  });
  test::expectError(ErrorCode::InvalidArgument,
                    [] { server::ImportOptions::fromJson(R"({"format": "xlsx"})"); });
}

BOOST_AUTO_TEST_CASE(an_sd_file_gets_one_verdict_per_record) {
  ImportFixture f;
  std::int64_t s = f.startUp("Plate Lab");
  db::Import done = f.run(s, fixture("plate.sdf"), sdfOptions());
  BOOST_TEST(done.status == "finished");
  BOOST_TEST(done.counts.registered == 4);
  BOOST_TEST(done.counts.newForm == 1);
  BOOST_TEST(done.counts.newBatch == 1);
  BOOST_TEST(done.counts.alreadyImported == 1);
  BOOST_TEST(done.counts.rejected == 2);
  BOOST_TEST(done.recordsDone == 9);
  auto rows = f.records(done.id);
  BOOST_TEST_REQUIRE(rows.size() == 9u);
  BOOST_TEST(db::verdictName(rows[0].verdict) == std::string("registered"));
  BOOST_TEST(rows[0].title == "ethanol");
  BOOST_TEST(rows[0].line == 1);
  BOOST_TEST(db::verdictName(rows[2].verdict) == std::string("new_form"));
  BOOST_TEST(rows[2].message.find("sodium") != std::string::npos);
  BOOST_CHECK(rows[2].compoundId == rows[1].compoundId);
  BOOST_TEST(db::verdictName(rows[3].verdict) == std::string("new_batch"));
  BOOST_CHECK(rows[3].compoundId == rows[0].compoundId);
  BOOST_TEST(*rows[3].batchNumber == 2);
  BOOST_TEST(rows[5].message.find("stereoisomer of") != std::string::npos);
  BOOST_TEST(db::verdictName(rows[6].verdict) == std::string("rejected"));
  BOOST_TEST(*rows[6].field == "batch.purity");
  BOOST_TEST(rows[6].line > rows[5].line);
  BOOST_TEST(*rows[7].field == "batch.amount");
  BOOST_TEST(db::verdictName(rows[8].verdict) == std::string("already_imported"));
  BOOST_CHECK(rows[8].batchId == rows[0].batchId);

  // The batch fields came from the data items; the others are properties.
  auto batch = f.database->read([&](db::Connection& c) {
    return db::findBatch(c, f.admin, *rows[0].compoundId, 1, 1);
  });
  BOOST_TEST_REQUIRE(batch.has_value());
  BOOST_TEST(*batch->amount == 12.5);
  BOOST_TEST(*batch->amountUnit == "g");
  BOOST_TEST(*batch->purity == 98.2);
  BOOST_TEST(batch->notebookRef == "NB-001");
  BOOST_TEST(*batch->preparedOn == "2026-01-15");
  BOOST_TEST(batch->propertiesJson == R"({"SUPPLIER":"in-house"})");
  BOOST_TEST(batch->submittedFormat == "molfile");
  BOOST_TEST(batch->submittedStructure.rfind("ethanol\n", 0) == 0u);
  auto salt = f.database->read([&](db::Connection& c) {
    return db::findBatch(c, f.admin, *rows[2].compoundId, 2, 1);
  });
  BOOST_TEST(*salt->amountUnit == "mg");
  BOOST_TEST(*salt->amount == 250);
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(re_running_an_import_registers_nothing_new) {
  ImportFixture f;
  std::int64_t s = f.startUp("Plate Lab");
  f.run(s, fixture("plate.sdf"), sdfOptions());
  std::int64_t batches = f.count("SELECT COUNT(*) FROM batches");
  db::Import again = f.run(s, fixture("plate.sdf"), sdfOptions());
  BOOST_TEST(again.counts.alreadyImported == 7);
  BOOST_TEST(again.counts.rejected == 2);
  BOOST_TEST(again.counts.registered + again.counts.newForm + again.counts.newBatch == 0);
  BOOST_TEST(f.count("SELECT COUNT(*) FROM batches") == batches);
  // Another start-up importing the same file registers its own parents.
  std::int64_t other = f.startUp("Other Lab");
  db::Import theirs = f.run(other, fixture("plate.sdf"), sdfOptions());
  BOOST_TEST(theirs.counts.registered == 4);
  BOOST_TEST(theirs.counts.alreadyImported == 1);
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(a_malformed_sd_file_gives_per_record_rejections_and_a_consistent_database) {
  ImportFixture f;
  std::int64_t s = f.startUp("Malformed Lab");
  db::Import done = f.run(s, fixture("malformed.sdf"), sdfOptions());
  BOOST_TEST(done.status == "finished");
  BOOST_TEST(done.counts.registered == 2);
  BOOST_TEST(done.counts.rejected == 4);
  BOOST_TEST(done.counts.total() == 6);
  auto rows = f.records(done.id);
  BOOST_TEST_REQUIRE(rows.size() == 6u);
  std::vector<std::string> verdicts;
  for (const auto& r : rows) verdicts.push_back(db::verdictName(r.verdict));
  BOOST_TEST(verdicts == (std::vector<std::string>{"registered", "rejected", "rejected",
                                                    "rejected", "rejected", "registered"}));
  BOOST_TEST(rows[1].message.find("lines follow") != std::string::npos);  // truncated
  BOOST_TEST(rows[2].message.find("counts line") != std::string::npos);
  BOOST_TEST(rows[2].line > rows[1].line);
  BOOST_TEST(rows[3].message.find("NUL") != std::string::npos);  // binary garbage
  BOOST_TEST(rows[4].message.find("valence") != std::string::npos);
  for (const auto& r : rows) {
    if (r.verdict == db::ImportVerdict::Rejected) {
      BOOST_TEST(!r.batchId);
      BOOST_TEST(r.line > 0);
    }
  }
  BOOST_TEST(f.count("SELECT COUNT(*) FROM compounds") == 2);
  BOOST_TEST(f.count("SELECT COUNT(*) FROM batches") == 2);
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(imports_smiles_and_csv_files) {
  ImportFixture f;
  std::int64_t s = f.startUp("Text Lab");
  server::ImportOptions smiles;
  smiles.format = chem::RecordFileFormat::Smiles;
  db::Import smi = f.run(s, fixture("plate.smi"), smiles);
  BOOST_TEST(smi.counts.registered == 4);
  BOOST_TEST(smi.counts.rejected == 1);
  BOOST_TEST(smi.counts.alreadyImported == 1);
  auto smiRows = f.records(smi.id);
  BOOST_TEST(smiRows[2].title == "gamma-valerolactone");
  BOOST_TEST(smiRows[4].line == 6);

  server::ImportOptions csv;
  csv.format = chem::RecordFileFormat::Csv;
  db::Import table = f.run(s, fixture("plate.csv"), csv);
  BOOST_TEST(table.counts.registered == 1);  // glycerol
  BOOST_TEST(table.counts.newBatch == 1);    // glycerol carbonate, from the SMILES file
  BOOST_TEST(table.counts.rejected == 3);
  auto rows = f.records(table.id);
  BOOST_TEST_REQUIRE(rows.size() == 5u);
  BOOST_TEST(rows[0].title == "G-1");
  BOOST_TEST(*rows[2].field == "batch.purity");
  BOOST_TEST(rows[3].message.find("empty") != std::string::npos);
  BOOST_TEST(*rows[4].field == "batch.prepared_on");
  auto glycerol = f.database->read([&](db::Connection& c) {
    return db::findBatch(c, f.admin, *rows[0].compoundId, 1, 1);
  });
  BOOST_TEST(*glycerol->amount == 1500);
  BOOST_TEST(*glycerol->amountUnit == "g");
  BOOST_TEST(glycerol->researcher == "Demo Chemist");
  BOOST_TEST(glycerol->propertiesJson == R"({"id":"G-1","Colour":"pale yellow"})");
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(a_stopped_import_resumes_after_its_last_record) {
  ImportFixture f;
  std::int64_t s = f.startUp("Resume Lab");
  server::ImportOptions options = sdfOptions();
  db::Import job = f.newImport(s, options.format);
  {
    std::istringstream in(fixture("plate.sdf"));
    auto reader = chem::RecordReader::create(options.format, in);
    StopAfter stop(3);
    server::ImportPace pace;
    pace.chunkSize = 3;  // the stop is honoured between chunks
    auto run = server::runImport(*f.services, f.admin, job, *reader, options, stop, nullptr, pace);
    BOOST_TEST(run.stopped);
    BOOST_TEST(run.counts.total() == 3);
  }
  BOOST_TEST(f.reload(job.id).status == "running");
  {
    std::istringstream in(fixture("plate.sdf"));
    auto reader = chem::RecordReader::create(options.format, in);
    server::ImportObserver none;
    auto run = server::runImport(*f.services, f.admin, job, *reader, options, none);
    BOOST_TEST(!run.stopped);
    BOOST_TEST(run.counts.total() == 6);
  }
  db::Import done = f.reload(job.id);
  BOOST_TEST(done.status == "finished");
  BOOST_TEST(done.counts.registered == 4);
  BOOST_TEST(done.counts.total() == 9);
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(a_file_level_problem_fails_the_import_and_a_stranger_may_not_import) {
  ImportFixture f;
  std::int64_t s = f.startUp("CSV Lab");
  server::ImportOptions csv;
  csv.format = chem::RecordFileFormat::Csv;
  db::Import job = f.newImport(s, csv.format);
  std::istringstream in("name,amount\nx,1\n");
  auto reader = chem::RecordReader::create(csv.format, in);
  server::ImportObserver none;
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { server::runImport(*f.services, f.admin, job, *reader, csv, none); });
  db::Import failed = f.reload(job.id);
  BOOST_TEST(failed.status == "failed");
  BOOST_TEST(failed.error->find("structure column") != std::string::npos);

  std::int64_t other = f.startUp("Other");
  db::Principal stranger;
  stranger.userId = 99;
  stranger.role = db::Role::Member;
  stranger.startUpId = other;
  test::expectError(ErrorCode::PermissionDenied, [&] {
    f.run(s, fixture("plate.smi"), server::ImportOptions{}, nullptr, &stranger);
  });
}

BOOST_AUTO_TEST_CASE(writes_reports_as_json_and_csv) {
  ImportFixture f;
  std::int64_t s = f.startUp("Report Lab");
  db::Import done = f.run(s, fixture("malformed.sdf"), sdfOptions());
  std::ostringstream json;
  std::ostringstream csv;
  f.database->read([&](db::Connection& c) {
    server::writeImportReport(c, done, server::ReportFormat::Json, json);
    server::writeImportReport(c, done, server::ReportFormat::Csv, csv);
  });
  Poco::JSON::Parser parser;
  auto report = parser.parse(json.str()).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(report->getObject("counts")->getValue<int>("rejected") == 4);
  auto records = report->getArray("records");
  BOOST_TEST_REQUIRE(records->size() == 6u);
  BOOST_TEST(records->getObject(0)->getValue<std::string>("compound").rfind("CMP-", 0) == 0u);
  BOOST_TEST(records->getObject(1)->getValue<std::string>("verdict") == "rejected");
  std::string text = csv.str();
  BOOST_TEST(text.rfind("record,line,verdict,compound,form,batch,field,message,title\r\n", 0) == 0u);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 7);
  BOOST_TEST(server::verdictCountsLine(done.counts) ==
             R"({"registered": 2, "new_form": 0, "new_batch": 0, "rejected": 4})");
}

server::ImportOptions smilesOptions() {
  server::ImportOptions o;
  o.format = chem::RecordFileFormat::Smiles;
  return o;
}

// `n` distinct small molecules as a SMILES file, record i titled "m<i>".
std::vector<std::string> distinctSmiles(int n) {
  const char* tails[] = {"O", "N", "Cl", "C(=O)O", "C#N", "OC", "S", "F"};
  std::vector<std::string> out;
  for (int i = 0; (int)out.size() < n; ++i) {
    out.push_back(std::string(static_cast<std::size_t>(1 + i / 8), 'C') + tails[i % 8]);
  }
  return out;
}

std::string smilesFile(const std::vector<std::string>& structures,
                       const std::vector<std::string>& titles) {
  std::string text;
  for (std::size_t i = 0; i < structures.size(); ++i) {
    text += structures[i] + "\t" + titles[i] + "\n";
  }
  return text;
}

std::vector<std::string> numberedTitles(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= n; ++i) out.push_back("m" + std::to_string(i));
  return out;
}

BOOST_AUTO_TEST_CASE(a_bad_record_in_the_middle_of_a_chunk_is_rejected_alone) {
  ImportFixture f;
  std::int64_t s = f.startUp("Chunk Lab");
  f.run(s, "OCCc1ccc(O)c(O)c1\thydroxytyrosol\n", smilesOptions());
  BOOST_TEST_REQUIRE(f.count("SELECT COUNT(*) FROM compounds") == 1);
  const std::int64_t hydroxytyrosol = f.count("SELECT id FROM compounds");
  f.database->write([&](db::Connection& c) {
    db::retireCompound(c, f.clock, f.admin, hydroxytyrosol, "withdrawn");
  });
  std::int64_t auditBefore = f.count("SELECT COUNT(*) FROM audit_log");
  // One chunk of six: a structure the chemistry refuses (record 2), a new batch of a retired
  // parent that fails inside its savepoint at write time (record 3), a purity out of range
  // (record 5); records 1, 4 and 6 commit around them.
  const std::string file =
      "SMILES\tname\tpurity\n"
      "CCO\tethanol\t99\n"
      "C1CC\tbroken\t99\n"
      "OCCc1ccc(O)c(O)c1\thydroxytyrosol again\t95\n"
      "OCC(O)CO\tglycerol\t98\n"
      "CC(=O)O\tacetic acid\t150\n"
      "CC(O)C(=O)O\tlactic acid\t90\n";
  server::ImportPace pace;
  pace.chunkSize = 6;
  db::Import done = f.run(s, file, smilesOptions(), nullptr, nullptr, pace);
  auto rows = f.records(done.id);
  BOOST_TEST_REQUIRE(rows.size() == 6u);
  std::vector<std::string> verdicts;
  for (const auto& r : rows) verdicts.push_back(db::verdictName(r.verdict));
  BOOST_TEST(verdicts == (std::vector<std::string>{"registered", "rejected", "rejected",
                                                    "registered", "rejected", "registered"}));
  BOOST_TEST(*rows[1].field == "structure");
  BOOST_TEST(rows[2].message.find("retired") != std::string::npos);
  BOOST_TEST(!rows[2].batchId);
  BOOST_TEST(*rows[4].field == "batch.purity");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST(rows[i].recordNumber == static_cast<std::int64_t>(i + 1));
  }
  BOOST_TEST(done.recordsDone == 6);
  // Three new parents with form and batch, each audited once, named by the file's "name"
  // column (one "name" entry each), and nothing of the refused ones.
  BOOST_TEST(f.count("SELECT COUNT(*) FROM compounds") == 4);
  BOOST_TEST(f.count("SELECT COUNT(*) FROM batches") == 4);
  BOOST_TEST(f.count("SELECT COUNT(*) FROM compounds WHERE name IN"
                     " ('ethanol', 'glycerol', 'lactic acid')") == 3);
  // + the import's creation and its finish
  BOOST_TEST(f.count("SELECT COUNT(*) FROM audit_log") - auditBefore == 3 * 4 + 2);
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(verdicts_follow_the_input_order_with_parallel_analysis) {
  ImportFixture f;
  std::int64_t s = f.startUp("Order Lab");
  std::vector<std::string> structures = distinctSmiles(40);
  std::vector<std::string> titles = numberedTitles(40);
  // The same record twice in one chunk (chunks of 7: records 8-14), and again chunks later.
  structures[9] = structures[8];
  titles[9] = titles[8];
  structures[30] = structures[2];
  titles[30] = titles[2];
  const std::string file = smilesFile(structures, titles);
  server::ImportPace pace;
  pace.chunkSize = 7;
  pace.threads = 3;
  db::Import done = f.run(s, file, smilesOptions(), nullptr, nullptr, pace);
  BOOST_TEST(done.status == "finished");
  auto rows = f.records(done.id);
  BOOST_TEST_REQUIRE(rows.size() == structures.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST(rows[i].recordNumber == static_cast<std::int64_t>(i + 1));
    BOOST_TEST(rows[i].title == titles[i]);
    if (i == 9 || i == 30) continue;
    BOOST_TEST(db::verdictName(rows[i].verdict) == std::string("registered"), "record " << i + 1);
    auto batch = f.database->read([&](db::Connection& c) {
      return db::findBatch(c, f.admin, *rows[i].compoundId, 1, 1);
    });
    BOOST_TEST_REQUIRE(batch.has_value());
    BOOST_TEST(batch->submittedStructure == structures[i], "record " << i + 1);
  }
  // Parents are numbered in input order: record i+1's parent is older than record i+2's.
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    if (rows[i].compoundId && rows[i + 1].compoundId && i + 1 != 9 && i + 1 != 30) {
      BOOST_TEST(*rows[i].compoundId < *rows[i + 1].compoundId, "record " << i + 1);
    }
  }
  BOOST_TEST(db::verdictName(rows[9].verdict) == std::string("already_imported"));
  BOOST_CHECK(rows[9].batchId == rows[8].batchId);
  BOOST_TEST(db::verdictName(rows[30].verdict) == std::string("already_imported"));
  BOOST_CHECK(rows[30].batchId == rows[2].batchId);

  // Running it again registers nothing: every record is already imported.
  std::int64_t batches = f.count("SELECT COUNT(*) FROM batches");
  db::Import again = f.run(s, file, smilesOptions(), nullptr, nullptr, pace);
  BOOST_TEST(again.counts.alreadyImported == static_cast<std::int64_t>(structures.size()));
  BOOST_TEST(again.counts.total() == static_cast<std::int64_t>(structures.size()));
  BOOST_TEST(f.count("SELECT COUNT(*) FROM batches") == batches);
  auto againRows = f.records(again.id);
  for (std::size_t i = 0; i < againRows.size(); ++i) {
    BOOST_CHECK(againRows[i].batchId == rows[i].batchId);
  }
  f.checkConsistent();
}

BOOST_AUTO_TEST_CASE(a_chunk_commits_whole_or_not_at_all_and_a_rerun_picks_up_the_rest) {
  ImportFixture f;
  std::int64_t s = f.startUp("Crash Lab");
  std::vector<std::string> structures = distinctSmiles(12);
  const std::string file = smilesFile(structures, numberedTitles(12));
  server::ImportPace pace;
  pace.chunkSize = 3;
  pace.threads = 1;  // analyses in record order: call n is record n
  db::Import job = f.newImport(s, smilesOptions().format);
  f.chem->failFrom = 8;  // record 8, in the third chunk (7-9)
  test::expectError(ErrorCode::Unavailable,
                    [&] { f.resume(job, file, smilesOptions(), pace); });
  // Chunks 1-3 and 4-6 committed; nothing of chunk 7-9 (record 7 was analysed and fine).
  BOOST_TEST(f.count("SELECT MAX(record_number) FROM import_records") == 6);
  BOOST_TEST(f.count("SELECT COUNT(*) FROM compounds") == 6);
  BOOST_TEST(f.reload(job.id).recordsDone == 6);
  f.checkConsistent();

  // As after a crash (kill -9), the import is left 'running' (the failure above marked it
  // failed), and running it again continues after the last committed record.
  f.database->write([&](db::Connection& c) {
    c.exec("UPDATE imports SET status = 'running', error = NULL WHERE id = " +
           std::to_string(job.id));
  });
  f.chem->failFrom = 0;
  server::ImportRun rest = f.resume(job, file, smilesOptions(), pace);
  BOOST_TEST(rest.counts.total() == 6);
  BOOST_TEST(rest.counts.registered == 6);
  db::Import done = f.reload(job.id);
  BOOST_TEST(done.status == "finished");
  BOOST_TEST(done.counts.registered == 12);
  auto rows = f.records(job.id);
  BOOST_TEST_REQUIRE(rows.size() == 12u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST(rows[i].recordNumber == static_cast<std::int64_t>(i + 1));
  }
  f.checkConsistent();
}

// Tests on ../shared/data (ctest server.importer.shared_data; skipped when it is absent).
BOOST_AUTO_TEST_SUITE(shared_data, *test::needsSharedData())

BOOST_AUTO_TEST_CASE(imports_rdkit_test_sd_files_with_their_record_counts) {
  ImportFixture f;
  std::int64_t s = f.startUp("RDKit data");
  struct Expected {
    const char* file;
    std::int64_t records, registered, newForm, newBatch, rejected;
  };
  const Expected files[] = {
      {"sdf/bzr.sdf", 163, 163, 0, 0, 0},
      {"sdf/cdk2.sdf", 47, 47, 0, 0, 0},
      {"sdf/first_200.props.sdf", 200, 200, 0, 0, 0},
      {"sdf/pubchem.200.sdf", 200, 200, 0, 0, 0},
  };
  for (const auto& e : files) {
    db::Import done = f.run(s, test::readFile(test::sharedData(e.file)), sdfOptions());
    BOOST_TEST(done.counts.total() == e.records, e.file);
    BOOST_TEST(done.counts.registered == e.registered, e.file);
    BOOST_TEST(done.counts.newForm == e.newForm, e.file);
    BOOST_TEST(done.counts.newBatch == e.newBatch, e.file);
    BOOST_TEST(done.counts.rejected == e.rejected, e.file);
  }
  f.checkConsistent();
}

BOOST_AUTO_TEST_SUITE_END()  // shared_data

BOOST_AUTO_TEST_SUITE_END()
