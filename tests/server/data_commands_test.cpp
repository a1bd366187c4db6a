// argan import / export / backup / restore as scripts use them: arguments, exit codes, the
// last line of import, reports, round trips, backups of a database in use.
#include <Poco/DeflatingStream.h>
#include <Poco/JSON/Parser.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "db/audit_seal.h"
#include "db/database.h"
#include "db/import_store.h"
#include "db/start_up_store.h"
#include "server/transfer/importer.h"
#include "run_argan.h"
#include "test_support.h"

using argan::test::runArgan;
using namespace argan;

namespace {

// A migrated database file with `n` start-ups, closed again.
std::string newDatabase(const test::TempDir& dir, const std::string& name, int startUps = 2) {
  std::string path = dir.file(name);
  db::DatabaseOptions options;
  options.path = path;
  auto database = db::Database::open(options);
  SystemClock clock;
  for (int i = 1; i <= startUps; ++i) {
    database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = "Start-up " + std::to_string(i);
      in.sector = "green_chemicals";
      db::createStartUp(c, clock, db::Principal::system("test"), in);
    });
  }
  return path;
}

std::int64_t count(const std::string& dbPath, const std::string& sql) {
  db::Connection c(dbPath, true, false);
  return c.queryInt(sql).value_or(-1);
}

std::set<std::string> column(const std::string& dbPath, const std::string& sql) {
  db::Connection c(dbPath, true, false);
  db::Statement st(c, sql);
  std::set<std::string> out;
  while (st.step()) out.insert(st.getText(0));
  return out;
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string plate() { return test::testData("import/plate.sdf"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(data_commands)

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_and_every_command_has_help) {
  test::TempDir dir;
  std::string db = newDatabase(dir, "u.db");
  BOOST_TEST(runArgan({"import"}).exitCode == 2);
  BOOST_TEST(runArgan({"import", "--db", db, plate()}).exitCode == 2);  // no --start-up
  BOOST_TEST(runArgan({"import", "--db", db, "--start-up", "one", plate()}).exitCode == 2);
  BOOST_TEST(runArgan({"import", "--db", db, "--start-up", "1", "--format", "xlsx", plate()})
                 .exitCode == 2);
  BOOST_TEST(runArgan({"import", "--db", db, "--start-up", "1", "--map", "AMT=colour", plate()})
                 .exitCode == 2);
  BOOST_TEST(runArgan({"export", "--db", db, "--format", "pdf", dir.file("x")}).exitCode == 2);
  BOOST_TEST(runArgan({"export", "--db", db, dir.file("x")}).exitCode == 2);
  BOOST_TEST(runArgan({"backup", "--db", db}).exitCode == 2);
  BOOST_TEST(runArgan({"restore", "--db", db}).exitCode == 2);
  // Every subcommand of the issue has --help (exit 0) and is listed by `argan --help`.
  const std::vector<std::vector<std::string>> commands = {
      {"import"}, {"export"}, {"backup"}, {"restore"}, {"migrate"}, {"user", "add"},
      {"verify-audit"}};
  for (const auto& command : commands) {
    std::string name = command.size() == 1 ? command[0] : command[0] + " " + command[1];
    std::vector<std::string> args = command;
    args.push_back("--help");
    auto help = runArgan(args);
    BOOST_TEST(help.exitCode == 0, name);
    BOOST_TEST(help.out.find("Usage: argan " + name) != std::string::npos, name);
  }
  auto serveHelp = runArgan({"serve", "--help"});
  BOOST_TEST(serveHelp.exitCode == 0);
  BOOST_TEST(serveHelp.out.find("--db") != std::string::npos, serveHelp.out);
  auto exportHelp = runArgan({"export", "--help"});
  BOOST_TEST(exportHelp.out.find("--routes") != std::string::npos);
  auto all = runArgan({"--help"});
  for (const char* command :
       {"serve", "import", "export", "backup", "restore", "migrate", "user add", "verify-audit"}) {
    BOOST_TEST(all.out.find(std::string("  ") + command) != std::string::npos, command);
  }
}

BOOST_AUTO_TEST_CASE(import_prints_the_verdict_counts_last_and_writes_the_report) {
  test::TempDir dir;
  std::string db = newDatabase(dir, "i.db");
  std::string report = dir.file("report.json");
  auto run = runArgan({"import", "--db", db, "--start-up", "1", "--no-progress", "--report",
                       report, plate()});
  BOOST_TEST_REQUIRE(run.exitCode == 0, run.err);
  BOOST_TEST(run.lastLine() == R"({"registered": 4, "new_form": 1, "new_batch": 1, "rejected": 2})");
  BOOST_TEST(run.err.empty(), run.err);
  auto json = parse(test::readFile(report));
  BOOST_TEST(json->getObject("counts")->getValue<int>("already_imported") == 1);
  BOOST_TEST(json->getArray("records")->size() == 9u);
  BOOST_TEST(!std::ifstream(report + ".partial").good());

  // The same file again: nothing new; --strict turns the rejections into exit code 3.
  std::string csvReport = dir.file("again.csv");
  auto again = runArgan({"import", "--db", db, "--start-up", "1", "--strict", "--report",
                         csvReport, plate()});
  BOOST_TEST(again.exitCode == 3, again.err);
  BOOST_TEST(again.lastLine() == R"({"registered": 0, "new_form": 0, "new_batch": 0, "rejected": 2})");
  std::string csv = test::readFile(csvReport);
  BOOST_TEST(csv.rfind("record,line,verdict", 0) == 0u);
  BOOST_TEST(csv.find(",already_imported,") != std::string::npos);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM batches") == 6);
  BOOST_TEST(runArgan({"verify-audit", "--db", db}).exitCode == 0);

  // --progress draws the bar on standard error (ending at 100 %); standard output keeps the
  // counts as its last line.
  auto shown = runArgan({"import", "--db", db, "--start-up", "2", "--progress", plate()});
  BOOST_TEST_REQUIRE(shown.exitCode == 0, shown.err);
  BOOST_TEST(shown.err.find("] 100%  record 9") != std::string::npos, shown.err);
  BOOST_TEST(shown.out.find('\r') == std::string::npos);
  BOOST_TEST(shown.lastLine() == R"({"registered": 4, "new_form": 1, "new_batch": 1, "rejected": 2})");
}

BOOST_AUTO_TEST_CASE(import_failures_exit_1) {
  test::TempDir dir;
  std::string db = newDatabase(dir, "f.db");
  auto unknown = runArgan({"import", "--db", db, "--start-up", "9", plate()});
  BOOST_TEST(unknown.exitCode == 1);
  BOOST_TEST(unknown.err.find("no start-up") != std::string::npos);
  BOOST_TEST(runArgan({"import", "--db", db, "--start-up", "1", dir.file("missing.sdf")}).exitCode ==
             1);
  std::ofstream(dir.file("nostructure.csv")) << "name,amount\nx,1\n";
  auto csv = runArgan({"import", "--db", db, "--start-up", "1", dir.file("nostructure.csv")});
  BOOST_TEST(csv.exitCode == 1);
  BOOST_TEST(csv.err.find("structure column") != std::string::npos);
  auto stranger = runArgan({"import", "--db", db, "--start-up", "1", "--as", "nobody@x.org", plate()});
  BOOST_TEST(stranger.exitCode == 1);
  // A report that cannot be written is refused before anything is imported (not after the
  // whole file was registered, with exit 1 and no counts).
  std::int64_t imports = count(db, "SELECT COUNT(*) FROM imports");
  auto unwritable = runArgan({"import", "--db", db, "--start-up", "1", "--report",
                              dir.file("no-such-dir/report.json"), plate()});
  BOOST_TEST(unwritable.exitCode == 1);
  BOOST_TEST(unwritable.err.find("report") != std::string::npos, unwritable.err);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM batches") == 0);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM imports") == imports);
}

// A mistyped --db must not create an empty database and report on it: commands that read a
// registry refuse a missing file (exit 1) and leave no file behind. Only `migrate` and
// `user add` (the first administrator) create one.
BOOST_AUTO_TEST_CASE(commands_that_read_a_registry_refuse_a_missing_database) {
  test::TempDir dir;
  std::string missing = dir.file("typo.db");
  std::vector<std::vector<std::string>> commands = {
      {"verify-audit", "--db", missing},
      {"export", "--db", missing, "--format", "sdf", dir.file("out.sdf")},
      {"export", "--routes", "--db", missing, "--format", "csv", dir.file("out.csv")},
      {"import", "--db", missing, "--start-up", "1", plate()},
      {"token", "create", "--db", missing, "--email", "admin@cise.ma"},
      {"backup", "--db", missing, dir.file("copy.db")},
  };
  for (const auto& args : commands) {
    auto run = runArgan(args);
    BOOST_TEST_CONTEXT(args[0] << " " << args[1]) {
      BOOST_TEST(run.exitCode == 1, run.out << run.err);
      BOOST_TEST(run.err.find("no database file") != std::string::npos, run.err);
      BOOST_TEST(!std::ifstream(missing).good());
      BOOST_TEST(!std::ifstream(dir.file("out.sdf")).good());
      BOOST_TEST(!std::ifstream(dir.file("out.csv")).good());
    }
  }
  auto migrated = runArgan({"migrate", "--db", missing});
  BOOST_TEST(migrated.exitCode == 0, migrated.err);
  BOOST_TEST(std::ifstream(missing).good());
}

BOOST_AUTO_TEST_CASE(imports_gzip_smiles_files_with_mapped_csv_columns) {
  test::TempDir dir;
  std::string db = newDatabase(dir, "g.db");
  {
    std::ofstream file(dir.file("plate.smi.gz"), std::ios::binary);
    Poco::DeflatingOutputStream gz(file, Poco::DeflatingStreamBuf::STREAM_GZIP);
    gz << test::readFile(test::testData("import/plate.smi"));
    gz.close();
  }
  auto run = runArgan({"import", "--db", db, "--start-up", "1", dir.file("plate.smi.gz")});
  BOOST_TEST_REQUIRE(run.exitCode == 0, run.err);
  BOOST_TEST(run.lastLine() == R"({"registered": 4, "new_form": 0, "new_batch": 0, "rejected": 1})");

  // No extension: the format comes from the content.
  std::ofstream(dir.file("plate-sd")) << test::readFile(plate());
  auto sniffed = runArgan({"import", "--db", db, "--start-up", "1", dir.file("plate-sd")});
  BOOST_TEST_REQUIRE(sniffed.exitCode == 0, sniffed.err);
  BOOST_TEST(sniffed.lastLine() == R"({"registered": 4, "new_form": 1, "new_batch": 1, "rejected": 2})");

  auto csv = runArgan({"import", "--db", db, "--start-up", "2", "--map", "Colour=notes,id=ignore",
                       test::testData("import/plate.csv")});
  BOOST_TEST_REQUIRE(csv.exitCode == 0, csv.err);
  BOOST_TEST(csv.lastLine() == R"({"registered": 2, "new_form": 0, "new_batch": 0, "rejected": 3})");
  BOOST_TEST(column(db, "SELECT notes FROM batches WHERE notes <> ''").count("pale yellow") == 1u);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM batches WHERE properties LIKE '%G-1%'") == 0);
}

BOOST_AUTO_TEST_CASE(export_then_import_gives_the_same_parents_and_identities) {
  test::TempDir dir;
  std::string source = newDatabase(dir, "source.db");
  BOOST_TEST_REQUIRE(runArgan({"import", "--db", source, "--start-up", "1", plate()}).exitCode == 0);
  BOOST_TEST_REQUIRE(runArgan({"import", "--db", source, "--start-up", "2",
                               test::testData("import/plate.smi")})
                         .exitCode == 0);
  const std::string identities = "SELECT full_hash || ' ' || inchikey FROM compounds";
  std::set<std::string> expected = column(source, identities);
  BOOST_TEST(expected.size() == 8u);

  for (const char* format : {"sdf", "csv"}) {
    std::string file = dir.file(std::string("all.") + format);
    auto exported = runArgan({"export", "--db", source, "--format", format, file});
    BOOST_TEST_REQUIRE(exported.exitCode == 0, exported.err);
    BOOST_TEST(parse(exported.lastLine())->getValue<int>("compounds") == 8);
    std::string target = newDatabase(dir, std::string("target-") + format + ".db", 1);
    auto imported = runArgan({"import", "--db", target, "--start-up", "1", file});
    BOOST_TEST_REQUIRE(imported.exitCode == 0, imported.err);
    BOOST_TEST(imported.lastLine() ==
               R"({"registered": 8, "new_form": 0, "new_batch": 0, "rejected": 0})", format);
    BOOST_TEST((column(target, identities) == expected), format);
  }

  // One start-up's export holds only its parents.
  std::string mine = dir.file("mine.json");
  auto one = runArgan({"export", "--db", source, "--format", "json", "--start-up", "2", mine});
  BOOST_TEST_REQUIRE(one.exitCode == 0, one.err);
  auto json = parse(test::readFile(mine));
  BOOST_TEST(json->getValue<int>("count") == 4);
  auto first = json->getArray("compounds")->getObject(0);
  BOOST_TEST(first->getValue<int>("start_up") == 2);
  BOOST_TEST(first->getObject("layers")->has("full_hash"));
  BOOST_TEST(first->getArray("batches")->size() >= 1u);
  BOOST_TEST(runArgan({"export", "--db", source, "--format", "json", "--start-up", "7", mine})
                 .exitCode == 1);
}

// Another process holding the database's write lock (a server writing a long chunk) used to
// fail the import with "database is busy" after 5 s. It waits now, and says so.
BOOST_AUTO_TEST_CASE(import_waits_for_a_held_write_lock) {
  test::TempDir dir;
  std::string db = newDatabase(dir, "busy.db");
  db::Connection holder(db, /*readOnly=*/false, /*create=*/false);
  holder.exec("BEGIN IMMEDIATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::seconds(4));
    holder.exec("ROLLBACK");
  });
  auto started = std::chrono::steady_clock::now();
  auto run = runArgan({"import", "--db", db, "--start-up", "1", "--no-progress", plate()});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  release.join();
  BOOST_TEST(run.exitCode == 0, run.err);
  BOOST_TEST(run.err.find("waiting") != std::string::npos, run.err);
  BOOST_TEST(seconds >= 3.5);
  auto counts = parse(run.lastLine());
  BOOST_TEST(counts->getValue<int>("registered") + counts->getValue<int>("rejected") > 0);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM imports WHERE status = 'finished'") == 1);
}

// An import left running by a process that is gone (killed mid-way) is resumed by the rerun,
// not started anew; its claim is taken over at once, without waiting for the lease.
BOOST_AUTO_TEST_CASE(a_rerun_resumes_an_import_whose_process_is_gone) {
  test::TempDir dir;
  std::string db = newDatabase(dir, "resume.db");
  {
    db::DatabaseOptions options;
    options.path = db;
    auto database = db::Database::open(options);
    server::ImportOptions importOptions;
    importOptions.format = chem::RecordFileFormat::Sdf;
    auto fingerprint = server::fileFingerprint(plate());
    SystemClock clock;
    database->write([&](db::Connection& c) {
      db::NewImport in;
      in.startUpId = 1;
      in.source = "cli";
      in.fileName = "plate.sdf";
      in.fileSha256 = fingerprint.first;
      in.fileBytes = static_cast<std::int64_t>(fingerprint.second);
      in.format = "sdf";
      in.optionsJson = importOptions.toJson();
      auto job = db::createImport(c, clock, db::Principal::system("cli import"), in);
      // Claimed by a process of this machine that no longer exists, for a long while.
      char host[256] = {0};
      ::gethostname(host, sizeof host - 1);
      db::claimImport(c, clock, job.id, "import:" + std::string(host) + ":999999:1:dead",
                      "2099-01-01T00:00:00.000Z");
    });
  }
  auto run = runArgan({"import", "--db", db, "--start-up", "1", "--no-progress", plate()});
  BOOST_TEST(run.exitCode == 0, run.err);
  BOOST_TEST(run.err.find("resuming import 1") != std::string::npos, run.err);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM imports") == 1);
  BOOST_TEST(count(db, "SELECT COUNT(*) FROM imports WHERE status = 'finished'") == 1);
}

// `: > argan.db` must not become a new registry by accident; `migrate --create` adopts it.
BOOST_AUTO_TEST_CASE(an_empty_file_needs_migrate_create) {
  test::TempDir dir;
  std::string db = dir.file("empty.db");
  std::ofstream(db).close();
  auto refused = runArgan({"migrate", "--db", db});
  BOOST_TEST(refused.exitCode == 1);
  BOOST_TEST(refused.err.find("--create") != std::string::npos, refused.err);
  BOOST_TEST(runArgan({"import", "--db", db, "--start-up", "1", plate()}).exitCode == 1);
  BOOST_TEST(test::readFile(db).empty());
  auto created = runArgan({"migrate", "--db", db, "--create"});
  BOOST_TEST(created.exitCode == 0, created.err);
  BOOST_TEST(parse(created.lastLine())->getValue<int>("schema_version") > 0);
}

BOOST_AUTO_TEST_CASE(backup_while_writing_and_restore_refusing_damage) {
  test::TempDir dir;
  std::string live = newDatabase(dir, "live.db", 3);
  std::string backup = dir.file("backup.db");
  {
    // The "server": an open database written to while the backup runs.
    db::DatabaseOptions options;
    options.path = live;
    auto database = db::Database::open(options);
    SystemClock clock;
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (int i = 0; !stop; ++i) {
        database->write([&](db::Connection& c) {
          db::StartUpInput in;
          in.name = "Busy " + std::to_string(i);
          in.sector = "valorisation";
          db::createStartUp(c, clock, db::Principal::system("test"), in);
        });
      }
    });
    auto made = runArgan({"backup", "--db", live, backup});
    auto refused = runArgan({"restore", "--db", live, backup});
    stop = true;
    writer.join();
    BOOST_TEST_REQUIRE(made.exitCode == 0, made.err);
    BOOST_TEST(parse(made.lastLine())->getValue<std::string>("integrity") == "ok");
    BOOST_TEST(refused.exitCode == 1);  // the database is in use
    BOOST_TEST(refused.err.find("in use") != std::string::npos);
  }
  BOOST_TEST(count(backup, "SELECT COUNT(*) FROM start_ups") >= 3);
  // The copy's trail is keyed with the live database's audit key, which backups never hold:
  // without it the keyed entries cannot be checked; with it (--key) the trail verifies.
  auto unkeyed = runArgan({"verify-audit", "--db", backup});
  BOOST_TEST(unkeyed.exitCode == 1);
  BOOST_TEST(unkeyed.err.find("no audit key") != std::string::npos, unkeyed.err);
  auto keyed = runArgan({"verify-audit", "--db", backup, "--key", db::defaultAuditKeyPath(live)});
  BOOST_TEST_REQUIRE(keyed.exitCode == 0, keyed.out << keyed.err);
  BOOST_TEST(parse(keyed.lastLine())->getValue<bool>("ok"));
  BOOST_TEST(parse(keyed.lastLine())->getValue<std::int64_t>("entries") >= 3);
  BOOST_TEST(runArgan({"backup", "--db", live, backup}).exitCode == 1);  // exists
  BOOST_TEST(runArgan({"backup", "--db", dir.file("absent.db"), dir.file("b2.db")}).exitCode == 1);

  // A damaged copy is refused and the live file stays as it was.
  std::string damaged = dir.file("damaged.db");
  std::string bytes = test::readFile(backup);
  for (std::size_t page = 4096; page + 8 < bytes.size(); page += 4096) {
    for (std::size_t i = page; i < page + 8; ++i) bytes[i] = '\x5A';  // b-tree page headers
  }
  std::ofstream(damaged, std::ios::binary) << bytes;
  std::string before = test::readFile(live);
  auto bad = runArgan({"restore", "--db", live, damaged});
  BOOST_TEST(bad.exitCode == 1);
  BOOST_TEST(bad.err.find("integrity") != std::string::npos, bad.err);
  BOOST_TEST(test::readFile(live) == before);

  std::int64_t backedUp = count(backup, "SELECT COUNT(*) FROM start_ups");
  auto restored = runArgan({"restore", "--db", live, backup});
  BOOST_TEST_REQUIRE(restored.exitCode == 0, restored.err);
  BOOST_TEST(count(live, "SELECT COUNT(*) FROM start_ups") == backedUp);
  auto previous = parse(restored.lastLine())->getValue<std::string>("previous");
  BOOST_TEST(count(previous, "SELECT COUNT(*) FROM start_ups") >= backedUp);
  BOOST_TEST(runArgan({"verify-audit", "--db", live}).exitCode == 0);
}

BOOST_AUTO_TEST_SUITE_END()
