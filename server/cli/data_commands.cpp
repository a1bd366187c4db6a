#include "server/cli/data_commands.h"

#include <Poco/JSON/Object.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "chem/initialise.h"
#include "common/clock.h"
#include "common/error.h"
#include "db/backup.h"
#include "db/compound_names.h"
#include "db/identifiers.h"
#include "db/database.h"
#include "db/import_store.h"
#include "db/server_lock.h"
#include "db/start_up_store.h"
#include "db/user_store.h"
#include "server/cli/cli_args.h"
#include "server/transfer/export.h"
#include "server/transfer/import_report.h"
#include "server/transfer/importer.h"
#include "server/registry/identity_review.h"
#include "server/registry/registration.h"
#include "server/transfer/route_export.h"
#include "server/transfer/substance_transfer.h"
#include "server/isolation/chem_service.h"

namespace argan::server {

const char* const kImportUsage =
    "argan import --db FILE --start-up ID [--format sdf|smiles|csv] [--report PATH]\n"
    "             [--map FIELD=BATCH_FIELD]... [--no-default-mapping] [--structure-column NAME]\n"
    "             [--delimiter C] [--as EMAIL] [--progress|--no-progress] [--strict] PATH";
const char* const kImportHelp =
    "Imports an SD, SMILES or CSV file into a start-up's registry.\n"
    "\n"
    "SD files (V2000/V3000), SMILES files and CSV (.gz too) register by the rule of the API.\n"
    "Every record gets a verdict: registered (new parent),\n"
    "new_form, new_batch, already_imported (the start-up imported this very record before:\n"
    "nothing is registered again) or rejected (reason, record number and line).\n"
    "\n"
    "  --format        sdf, smiles or csv (default: from the file name, else the content)\n"
    "  --report PATH   the full report, CSV when PATH ends in .csv, JSON otherwise\n"
    "  --map F=B       data field F goes to batch field B: amount, unit, purity, prepared_on,\n"
    "                  researcher, notebook_ref, storage, notes, property or ignore; or to\n"
    "                  the compound's name, synonyms or cas\n"
    "                  (repeatable, or comma-separated). Unmapped fields are matched by name\n"
    "                  (amount, purity, notebook, ...; see docs/import.md) or kept as\n"
    "                  batch properties.\n"
    "  --no-default-mapping  only --map decides; every other field becomes a property\n"
    "  --structure-column    CSV: the column with the structures (default smiles/structure/...)\n"
    "  --delimiter C         CSV: ',' ';' or 'tab' (default: detected from the header)\n"
    "  --as EMAIL      record the import as this user (a member of the start-up or an\n"
    "                  administrator); default: the system account \"cli import\"\n"
    "  --progress / --no-progress  progress bar on stderr (default: when stderr is a terminal)\n"
    "  --strict        exit 3 when any record was rejected\n"
    "\n"
    "An interrupted import of the same file into the same start-up resumes where it stopped.\n"
    "Prints a JSON line about the import, then, as its last line, exactly\n"
    "  {\"registered\": n, \"new_form\": n, \"new_batch\": n, \"rejected\": n}\n"
    "Exit codes: 0 done (whatever the verdicts), 1 failed, 2 usage, 3 --strict with rejections.";
const char* const kExportUsage =
    "argan export --db FILE --format sdf|csv|json [--start-up ID] [--include-retired] PATH\n"
    "       argan export --routes --db FILE --format csv|smiles|rxn [--start-up ID]\n"
    "                    [--include-retired] PATH\n"
    "       argan export --substances --db FILE --format csv|json [--start-up ID]\n"
    "                    [--include-retired] PATH";
const char* const kExportHelp =
    "Writes the registry's parents as an SD file, CSV or JSON; with --routes, the synthesis\n"
    "routes as metrics CSV, reaction SMILES or RXN records (an RD file); with --substances,\n"
    "the substances as CSV (one row per constituent, property or monomer) or JSON.\n"
    "\n"
    "Every parent comes with its identity layers and properties; every route step with its\n"
    "metrics (and a row per route with the route metrics). PATH '-' writes to standard output.\n"
    "Without --start-up: the whole registry, as an administrator sees it; with it: that\n"
    "start-up's own records. The file is written beside PATH and renamed when complete.\n"
    "Prints {\"compounds\": n, \"format\", \"path\"} (with --routes: {\"routes\": n,\n"
    "\"steps\": n, \"format\", \"path\"}; with --substances: {\"substances\": n, \"format\",\n"
    "\"path\"}).";
const char* const kIdentityReviewUsage =
    "argan identity review --db FILE [--audit-key KEY] [--report PATH] [--backfill-keys]";
const char* const kIdentityReviewHelp =
    "Re-examines every stored parent and batch under the identity rule (docs/identity.md):\n"
    "writes one JSON line per finding (identity_changed, now_same_parent_as, form_changed,\n"
    "now_refused, stored_unreadable) to PATH or standard output and a summary to standard\n"
    "error. Changes nothing, except that --backfill-keys fills the form and submitted-\n"
    "structure InChIKeys that records made before this version lack.";
const char* const kIdentityMergeUsage =
    "argan identity merge --db FILE [--audit-key KEY] --from CMP-... --into CMP-... --reason "
    "TEXT";
const char* const kIdentityMergeHelp =
    "Merges two parents of one start-up that are one substance: retires --from with the\n"
    "reason and a pointer to --into (audited). Batches keep their codes.";
const char* const kBackupUsage = "argan backup --db FILE [--audit-key KEY] [--force] DEST";
const char* const kBackupHelp =
    "Copies the database to DEST while the server runs.\n"
    "\n"
    "Uses SQLite's online backup API (the server may keep running and writing),\n"
    " checks the copy with PRAGMA integrity_check and its audit trail (under the audit key),\n"
    "and renames it into place. --force replaces an existing DEST. Beside DEST,\n"
    "DEST.audit-checkpoints holds a checkpoint of the copy's audit trail signed with the audit\n"
    "key (argan verify-audit --db DEST --key KEY checks it later). Prints {\"backup\", \"bytes\",\n"
    "\"schema_version\", \"integrity\", \"audit\"} (\"audit\" says where the trail is broken, if\n"
    "it is).";
const char* const kRestoreUsage = "argan restore --db FILE [--audit-key KEY] BACKUP";
const char* const kRestoreHelp =
    "Replaces the database FILE with a checked BACKUP.\n"
    "\n"
    "Nothing is replaced unless BACKUP passes PRAGMA\n"
    "integrity_check, is an Argan database with a schema this build knows, its audit trail\n"
    "holds under the installation's audit key (an altered history is refused, naming the\n"
    "first broken entry; a trail sealed with another key is refused), and the server is\n"
    "stopped (a database in use is refused). The copy is checked beside FILE and renamed over\n"
    "it in one step; the previous file is kept as FILE.before-restore-<time>. A signed\n"
    "\"restore\" line is appended to FILE's audit checkpoints (earlier checkpoints belong to\n"
    "the replaced trail). Prints {\"restored\", \"previous\", \"schema_version\", \"audit\",\n"
    "\"audit_checkpoint\"}.";

namespace {

using Args = std::vector<std::string>;

std::int64_t parseId(const std::string& text, const std::string& flag) {
  try {
    std::size_t used = 0;
    long long value = std::stoll(text, &used);
    if (used == text.size() && value > 0) return value;
  } catch (...) {
  }
  throw UsageError(flag + " must be a positive number");
}

std::string onePath(const CliArgs& a, const char* what) {
  if (a.positional().size() != 1) throw UsageError(std::string("give exactly one ") + what);
  return a.positional()[0];
}

bool fileExists(const std::string& path) { return std::ifstream(path).good(); }

std::uint64_t fileSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  auto size = in.tellg();
  return size < 0 ? 0 : static_cast<std::uint64_t>(size);
}

// Opens an existing registry; a missing file is refused (NotFound), never created, so a
// mistyped --db cannot import into, export or back up an empty new database.
// `a`'s --audit-key names the audit key file when it is not beside the database. Without
// migrating (backups), the key is only read, never created.
std::unique_ptr<db::Database> openDatabase(const CliArgs& a, bool migrate = true,
                                           int busyTimeoutMs = 5000) {
  const std::string path = a.require("db");
  if (!fileExists(path)) throw notFound("no database file '" + path + "'");
  db::DatabaseOptions options;
  options.path = path;
  options.createIfMissing = false;
  options.busyTimeoutMs = busyTimeoutMs;
  options.applyMigrations = migrate;
  options.checkIntegrityOnOpen = migrate;
  options.auditKeyFile = a.get("audit-key").value_or("");
  if (!migrate) options.auditKeyMode = db::AuditKeyMode::Optional;
  return db::Database::open(options);
}

void printJson(std::ostream& out, const Poco::JSON::Object& o) {
  o.stringify(out);
  out << std::endl;
}

// Writes a file beside `path` and renames it into place when `write` succeeds.
template <typename Fn>
void writeAtomically(const std::string& path, Fn&& write) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw unavailable("cannot write '" + partial + "'");
    try {
      write(out);
      out.flush();
      if (!out) throw unavailable("could not write '" + path + "' (disk full?)");
    } catch (...) {
      out.close();
      std::remove(partial.c_str());
      throw;
    }
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    throw unavailable("cannot rename '" + partial + "' to '" + path + "'");
  }
}

// A progress bar on stderr, redrawn at most five times a second.
class ProgressBar : public ImportObserver {
 public:
  ProgressBar(std::uint64_t total, bool enabled) : total_(total), enabled_(enabled) {}

  void onProgress(std::int64_t records, std::uint64_t bytes) override {
    records_ = records;
    bytes_ = bytes;
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - lastDraw_ < std::chrono::milliseconds(200)) return;
    lastDraw_ = now;
    draw();
  }

  void finish() {
    if (!enabled_) return;
    bytes_ = total_;
    draw();
    std::cerr << std::endl;
  }

 private:
  void draw() {
    double fraction = total_ ? static_cast<double>(bytes_) / static_cast<double>(total_) : 1.0;
    if (fraction > 1) fraction = 1;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(fraction * kWidth);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::ostringstream line;
    line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << std::setw(3)
         << static_cast<int>(fraction * 100) << "%  record " << records_ << "  "
         << std::fixed << std::setprecision(0)
         << (seconds > 0 ? static_cast<double>(records_) / seconds : 0.0) << " records/s ";
    std::cerr << line.str() << std::flush;
  }

  std::uint64_t total_;
  bool enabled_;
  std::int64_t records_ = 0;
  std::uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point lastDraw_{};
};

ImportOptions importOptions(const CliArgs& a, const std::string& path) {
  ImportOptions options;
  if (auto f = a.get("format")) {
    auto format = chem::parseRecordFileFormat(*f);
    if (!format) throw UsageError("--format must be sdf, smiles or csv");
    options.format = *format;
  } else if (auto guessed = chem::formatFromFileName(path)) {
    options.format = *guessed;
  } else if (fileExists(path)) {
    options.format = detectFileFormat(path);  // from the content
  }
  for (const std::string& value : a.getAll("map")) {
    std::istringstream parts(value);
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (part.empty()) continue;
      auto eq = part.rfind('=');
      if (eq == std::string::npos || eq == 0) {
        throw UsageError("--map takes FIELD=BATCH_FIELD, e.g. --map AMT=amount");
      }
      auto target = parseBatchField(part.substr(eq + 1));
      if (!target) {
        throw UsageError("--map " + part +
                         ": the batch field must be amount, unit, purity, prepared_on, "
                         "researcher, notebook_ref, storage, notes, property or ignore");
      }
      options.fieldMap[part.substr(0, eq)] = *target;
    }
  }
  options.defaultMapping = !a.has("no-default-mapping");
  options.reader.structureColumn = a.get("structure-column").value_or("");
  if (auto d = a.get("delimiter")) {
    std::string delimiter = *d == "tab" || *d == "\\t" ? "\t" : *d;
    if (delimiter.size() != 1) throw UsageError("--delimiter must be one character or 'tab'");
    options.reader.delimiter = delimiter[0];
  }
  return options;
}

db::Principal importActor(db::Database& database, const std::optional<std::string>& email,
                          std::int64_t startUp) {
  if (!email) return db::Principal::system("cli import");
  auto user = database.read([&](db::Connection& c) { return db::findUserByEmail(c, *email); });
  if (!user || user->disabledAt) throw notFound("no active user with the e-mail " + *email);
  db::Principal who = user->principal();
  authorizeRegistration(who, startUp);
  return who;
}

}  // namespace

int importCommand(const Args& args) {
  CliArgs a(args,
            {"db", "start-up", "format", "report", "map", "structure-column", "delimiter", "as",
             "audit-key"},
            {"no-default-mapping", "progress", "no-progress", "strict"});
  const std::string path = onePath(a, "file to import");
  const std::string dbPath = a.require("db");
  const std::int64_t startUp = parseId(a.require("start-up"), "--start-up");
  ImportOptions options = importOptions(a, path);
  if (!fileExists(path)) throw notFound("no file '" + path + "' to import");
  if (auto reportPath = a.get("report")) {
    // Refuse an unwritable report before importing anything, not after the whole file.
    const std::string partial = *reportPath + ".partial";
    if (!std::ofstream(partial, std::ios::binary | std::ios::trunc)) {
      throw unavailable("cannot write the report '" + *reportPath + "' (no such directory, or "
                        "no permission); nothing was imported");
    }
    std::remove(partial.c_str());
  }

  // Short waits for the write lock: the import loop below waits for it itself, and says so.
  auto database = openDatabase(a, /*migrate=*/true, /*busyTimeoutMs=*/1000);
  chem::initialise();
  SystemClock clock;
  AppConfig config;
  // One analysis per core (runImport analyses config.chemWorkers records at a time).
  config.chemWorkers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  InProcessChemService chemService(config.chemWorkers);
  Runtime runtime{*database, clock, config, chemService};

  bool known = database->read(
      [&](db::Connection& c) { return db::findStartUp(c, startUp).has_value(); });
  if (!known) throw notFound("no start-up with id " + std::to_string(startUp));
  db::Principal actor = importActor(*database, a.get("as"), startUp);

  // Named copies, not a structured binding: lambdas below capture sha256 (C++17 forbids
  // capturing bindings; Clang, used by scripts/sanitize, enforces it).
  const auto fingerprint = fileFingerprint(path);
  const std::string sha256 = fingerprint.first;
  const std::uint64_t bytes = fingerprint.second;
  std::string fileName = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::string optionsJson = options.toJson();
  // An interrupted import of this very file, with the same options, resumes.
  std::optional<db::Import> job = database->read([&](db::Connection& c) {
    for (auto& i : db::unfinishedImports(c, "cli")) {
      if (i.startUpId == startUp && i.fileSha256 == sha256 && i.optionsJson == optionsJson) {
        return std::optional<db::Import>(i);
      }
    }
    return std::optional<db::Import>();
  });
  if (job) {
    std::cerr << "argan import: resuming import " << job->id << " of " << fileName << " after record "
              << job->recordsDone << std::endl;
  } else {
    db::NewImport in;
    in.startUpId = startUp;
    in.source = "cli";
    in.fileName = fileName;
    in.fileSha256 = sha256;
    in.fileBytes = static_cast<std::int64_t>(bytes);
    in.format = chem::recordFileFormatName(options.format);
    in.optionsJson = optionsJson;
    for (int attempt = 0;; ++attempt) {
      try {
        job = database->write(
            [&](db::Connection& c) { return db::createImport(c, clock, actor, in); });
        break;
      } catch (const Error& e) {
        auto cause = e.details().find("cause");
        if (cause == e.details().end() || cause->second != DetailValue(std::string("busy"))) {
          throw;
        }
        if (attempt % 10 == 0) {
          std::cerr << "argan import: waiting: another process is writing to the database"
                    << std::endl;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
  }

  bool showProgress = a.has("progress") || (!a.has("no-progress") && ::isatty(2));
  ProgressBar progress(fileSize(path), showProgress);
  ImportPace pace;
  pace.claimant = importClaimant("import");
  // Another process holding the database's write lock (a server's import, a long write) is
  // waited for, and so is another `argan import` of this very file: the records committed so
  // far stay, and the import goes on after them. Any other passing failure (disk full) stops
  // the command; running it again resumes.
  auto waitingSince = std::chrono::steady_clock::now();
  auto lastNotice = waitingSince - std::chrono::hours(1);
  bool waiting = false;
  for (int attempt = 0;; ++attempt) {
    try {
      ImportFile file(path);
      auto reader = chem::RecordReader::create(options.format, file.stream(), options.reader);
      std::function<std::uint64_t()> position;
      if (file.compressed()) {
        position = [&file] { return file.position(); };
      } else {
        position = [&reader] { return reader->bytesRead(); };
      }
      runImport(runtime, actor, *job, *reader, options, progress, position, pace);
      break;
    } catch (const Error& e) {
      auto cause = e.details().find("cause");
      auto reason = e.details().find("reason");
      bool busy = e.code() == ErrorCode::Unavailable && cause != e.details().end() &&
                  cause->second == DetailValue(std::string("busy"));
      bool claimed = reason != e.details().end() &&
                     (reason->second == DetailValue(std::string("claimed")) ||
                      reason->second == DetailValue(std::string("claim_lost")));
      if (!busy && !claimed) {
        if (e.code() == ErrorCode::Unavailable) {
          std::int64_t done = database->read(
              [&](db::Connection& c) { return db::lastRecordNumber(c, job->id); });
          throw unavailable(std::string(e.what()) + "; import " + std::to_string(job->id) +
                                " stopped after record " + std::to_string(done) +
                                ": run the same command again to resume it",
                            e.details());
        }
        throw;
      }
      if (claimed) {
        // The other process may have finished it meanwhile.
        auto now = database->read([&](db::Connection& c) {
          return db::findImport(c, db::Principal::system("cli import"), job->id);
        });
        if (now && now->status != "queued" && now->status != "running") break;
      }
      auto now = std::chrono::steady_clock::now();
      if (!waiting) waitingSince = now;
      waiting = true;
      if (now - lastNotice >= std::chrono::seconds(10)) {
        lastNotice = now;
        long seconds = static_cast<long>(
            std::chrono::duration_cast<std::chrono::seconds>(now - waitingSince).count());
        std::cerr << (showProgress ? "\n" : "") << "argan import: waiting ("
                  << seconds << " s so far): "
                  << (claimed ? std::string(e.what())
                              : std::string("another process is writing to the database"))
                  << std::endl;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 200 * (attempt + 1))));
      continue;
    }
  }
  progress.finish();

  db::Principal admin = db::Principal::system("cli import");
  db::Import done = *database->read([&](db::Connection& c) { return db::findImport(c, admin, job->id); });
  if (auto reportPath = a.get("report")) {
    writeAtomically(*reportPath, [&](std::ostream& out) {
      database->read([&](db::Connection& c) {
        writeImportReport(c, done, reportFormatForPath(*reportPath), out);
      });
    });
  }
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("import", done.id);
  about.set("file", fileName);
  about.set("format", done.format);
  about.set("start_up", done.startUpId);
  about.set("records", done.counts.total());
  about.set("already_imported", done.counts.alreadyImported);
  about.set("report", a.get("report") ? Poco::Dynamic::Var(*a.get("report")) : Poco::Dynamic::Var());
  printJson(std::cout, about);
  std::cout << verdictCountsLine(done.counts) << std::endl;
  return a.has("strict") && done.counts.rejected > 0 ? kExitRejectedRecords : 0;
}

namespace {

// Writes `write(out)` to PATH (atomically) or to standard output for "-".
template <typename Fn>
void writeOutput(const std::string& path, Fn&& write) {
  if (path == "-") {
    write(std::cout);
    std::cout.flush();
  } else {
    writeAtomically(path, write);
  }
}

// --start-up N of an export: only that start-up's records.
std::optional<std::int64_t> exportStartUp(const CliArgs& a) {
  if (auto s = a.get("start-up")) return parseId(*s, "--start-up");
  return std::nullopt;
}

// Who an export reads as: the whole registry, or with --start-up the start-up's own view (its
// members' visibility, its own parents).
db::Principal exportViewer(const std::optional<std::int64_t>& startUpId) {
  if (!startUpId) return db::Principal::system("cli export");
  db::Principal viewer;
  viewer.role = db::Role::Member;
  viewer.startUpId = startUpId;
  viewer.email = "cli export";
  return viewer;
}

// The database of an export; a --start-up it does not hold is 404 before anything is written.
std::unique_ptr<db::Database> openExportDatabase(const CliArgs& a,
                                                 const std::optional<std::int64_t>& startUpId) {
  auto database = openDatabase(a);
  if (startUpId) {
    bool known = database->read(
        [&](db::Connection& c) { return db::findStartUp(c, *startUpId).has_value(); });
    if (!known) throw notFound("no start-up with id " + std::to_string(*startUpId));
  }
  return database;
}

int exportRoutesCommand(const CliArgs& a, const std::string& path) {
  auto format = parseRouteExportFormat(a.require("format"));
  if (!format) throw UsageError("--format must be csv, smiles or rxn with --routes");
  RouteExportOptions options;
  options.format = *format;
  options.includeRetired = a.has("include-retired");
  options.startUpId = exportStartUp(a);
  const db::Principal viewer = exportViewer(options.startUpId);
  auto database = openExportDatabase(a, options.startUpId);
  chem::initialise();
  SystemClock clock;
  AppConfig config;
  InProcessChemService chemService(1);
  Runtime runtime{*database, clock, config, chemService};
  RouteExportSummary summary;
  writeOutput(path, [&](std::ostream& out) {
    summary = exportRoutes(runtime, viewer, options, out);
  });
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("routes", summary.routes);
  about.set("steps", summary.steps);
  about.set("format", routeExportFormatName(options.format));
  about.set("path", path);
  printJson(path == "-" ? std::cerr : std::cout, about);
  return 0;
}

int exportSubstancesCommand(const CliArgs& a, const std::string& path) {
  SubstanceExportOptions options;
  options.format = a.require("format");
  if (options.format != "csv" && options.format != "json") {
    throw UsageError("--format must be csv or json with --substances");
  }
  options.includeRetired = a.has("include-retired");
  options.startUpId = exportStartUp(a);
  const db::Principal viewer = exportViewer(options.startUpId);
  auto database = openExportDatabase(a, options.startUpId);
  chem::initialise();
  SystemClock clock;
  AppConfig config;
  InProcessChemService chemService(1);
  Runtime runtime{*database, clock, config, chemService};
  std::int64_t count = 0;
  writeOutput(path, [&](std::ostream& out) { count = exportSubstances(runtime, viewer, options, out); });
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("substances", count);
  about.set("format", options.format);
  about.set("path", path);
  printJson(path == "-" ? std::cerr : std::cout, about);
  return 0;
}

}  // namespace

int exportCommand(const Args& args) {
  CliArgs a(args, {"db", "format", "start-up", "audit-key"},
            {"include-retired", "routes", "substances"});
  const std::string path = onePath(a, "output file (or - for standard output)");
  if (a.has("routes") && a.has("substances")) {
    throw UsageError("--routes and --substances are two exports: choose one");
  }
  if (a.has("routes")) return exportRoutesCommand(a, path);
  if (a.has("substances")) return exportSubstancesCommand(a, path);
  auto format = parseExportFormat(a.require("format"));
  if (!format) throw UsageError("--format must be sdf, csv or json");
  ExportOptions options;
  options.format = *format;
  options.includeRetired = a.has("include-retired");
  options.startUpId = exportStartUp(a);
  const db::Principal viewer = exportViewer(options.startUpId);
  auto database = openExportDatabase(a, options.startUpId);
  chem::initialise();
  SystemClock clock;
  ExportSummary summary;
  if (path == "-") {
    summary = exportCompounds(*database, clock, viewer, options, std::cout);
    std::cout.flush();
  } else {
    writeAtomically(path, [&](std::ostream& out) {
      summary = exportCompounds(*database, clock, viewer, options, out);
    });
  }
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("compounds", summary.compounds);
  about.set("format", exportFormatName(options.format));
  about.set("path", path);
  printJson(path == "-" ? std::cerr : std::cout, about);
  return 0;
}

int identityReviewCommand(const Args& args) {
  CliArgs a(args, {"db", "report", "audit-key"}, {"backfill-keys"});
  auto database = openDatabase(a);
  chem::initialise();
  SystemClock clock;
  AppConfig config;
  InProcessChemService chemService(1);
  Runtime runtime{*database, clock, config, chemService};
  IdentityReviewOptions options;
  options.backfillKeys = a.has("backfill-keys");
  const std::string path = a.get("report").value_or("-");
  IdentityReviewSummary summary;
  writeOutput(path, [&](std::ostream& out) {
    summary = reviewIdentities(runtime, options, [&](const IdentityFinding& f) {
      Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
      line.set("kind", f.kind);
      line.set("compound", f.compound);
      if (!f.batch.empty()) line.set("batch", f.batch);
      if (!f.other.empty()) line.set("other", f.other);
      line.set("detail", f.detail);
      line.set("explained_by", f.explainedBy);
      printJson(out, line);
    });
  });
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("parents", summary.parents);
  about.set("batches", summary.batches);
  Poco::JSON::Object findings(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [kind, n] : summary.findings) findings.set(kind, n);
  about.set("findings", findings);
  printJson(std::cerr, about);
  return 0;
}

int identityMergeCommand(const Args& args) {
  CliArgs a(args, {"db", "from", "into", "reason", "audit-key"}, {});
  auto from = db::parseCode(a.require("from"));
  auto into = db::parseCode(a.require("into"));
  if (!from || from->formNumber) throw UsageError("--from must be a parent code (CMP-000123)");
  if (!into || into->formNumber) throw UsageError("--into must be a parent code (CMP-000123)");
  auto database = openDatabase(a);
  SystemClock clock;
  database->write([&](db::Connection& c) {
    db::supersedeCompound(c, clock, db::Principal::system("cli identity merge"), from->compoundId,
                          into->compoundId, a.require("reason"));
    return 0;
  });
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("merged", db::compoundCode(from->compoundId));
  about.set("into", db::compoundCode(into->compoundId));
  printJson(std::cout, about);
  return 0;
}

int backupCommand(const Args& args) {
  CliArgs a(args, {"db", "audit-key"}, {"force"});
  const std::string destination = onePath(a, "backup file");
  auto database = openDatabase(a, /*migrate=*/false);
  db::BackupResult result = db::backupDatabase(*database, destination, a.has("force"));
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("backup", result.path);
  if (!result.checkpointFile.empty()) {
    about.set("audit_checkpoints", result.checkpointFile);
    about.set("audit_entries", result.auditEntries);
  }
  about.set("bytes", static_cast<Poco::UInt64>(result.bytes));
  about.set("schema_version", result.schemaVersion);
  about.set("integrity", "ok");
  if (result.audit.needsKey) {
    about.set("audit", "not checked: the trail is sealed with a key and no key file was found "
                       "(--audit-key)");
  } else {
    about.set("audit", result.audit.ok ? std::string("ok")
                                       : "broken at entry " +
                                             std::to_string(result.audit.firstBreak.value_or(0)) +
                                             ": " + result.audit.reason);
  }
  printJson(std::cout, about);
  if (!result.audit.ok && !result.audit.needsKey) {
    std::cerr << "argan backup: warning: the database's audit trail is broken ("
              << result.audit.reason << "); `argan restore` will refuse this backup\n";
  }
  return 0;
}

int restoreCommand(const Args& args) {
  CliArgs a(args, {"db", "audit-key"}, {});
  const std::string backup = onePath(a, "backup file to restore");
  const std::string target = a.require("db");
  if (!fileExists(backup)) throw notFound("no backup file '" + backup + "'");
  if (auto pid = db::ServerLock::holder(target)) {
    throw failedPrecondition("the database '" + target + "' is in use by argan serve (pid " +
                             std::to_string(*pid) +
                             "); stop the server before restoring; nothing was changed");
  }
  SystemClock clock;
  db::RestoreResult result =
      db::restoreDatabase(backup, target, clock, a.get("audit-key").value_or(""));
  Poco::JSON::Object about(Poco::JSON_PRESERVE_KEY_ORDER);
  about.set("restored", result.target);
  about.set("from", backup);
  about.set("previous", result.previous.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(result.previous));
  about.set("schema_version", result.schemaVersion);
  about.set("integrity", "ok");
  about.set("audit_checkpoint", result.checkpointWritten);
  about.set("audit", "ok");
  printJson(std::cout, about);
  return 0;
}

}  // namespace argan::server
