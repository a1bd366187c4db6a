#include "server/cli/serve_command.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <sys/resource.h>

#include <algorithm>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "chem/initialise.h"
#include "common/error.h"
#include "common/password.h"
#include "db/database.h"
#include "db/server_lock.h"
#include "db/user_store.h"
#include "server/http/endpoints.h"
#include "server/cli/cli.h"
#include "server/demo/demo_data.h"
#include "server/isolation/guarded_chem_service.h"
#include "server/http/http_server.h"
#include "server/http/memory_sessions.h"
#include "server/http/smtp_mailer.h"
#include "server/registry/need_watch.h"
#include "server/search/structure_search.h"
#include "server/transfer/import_jobs.h"

namespace argan::server {
namespace {

using Poco::Util::Option;
using Poco::Util::OptionSet;

// Finds the front end next to the executable or the working directory.
std::string defaultWebRoot(const std::string& executable) {
  Poco::Path exe(executable);
  exe.makeAbsolute();
  std::string exeDir = exe.parent().toString();
  for (const std::string& candidate :
       {exeDir + "../web/dist", exeDir + "../web", std::string("web/dist"), std::string("web")}) {
    if (Poco::File(candidate + "/index.html").exists()) return candidate;
  }
  return "";
}

class ServeApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(OptionSet& options) override {
    ServerApplication::defineOptions(options);
    auto add = [&](const char* name, const char* help, const char* arg, const char* key) {
      Option o(name, "", help);
      o.required(false).repeatable(false);
      if (arg) o.argument(arg).binding(key);
      options.addOption(o);
    };
    add("port", "TCP port to listen on (default 8080; 0 = any free port)", "P", "argan.port");
    add("host", "address to listen on (default 0.0.0.0)", "ADDR", "argan.host");
    add("db", "SQLite database file (default data/argan.db; created and migrated)", "FILE",
        "argan.db");
    add("threads", "HTTP worker threads (default 8)", "N", "argan.threads");
    add("web-root", "directory of the web front end (default: found next to the binary)", "DIR",
        "argan.web_root");
    add("config", "configuration file (.properties, .ini, .json or .xml; keys argan.*)", "FILE",
        "argan.config");
    Option demo("demo", "", "load the demo data set into an empty database");
    demo.required(false).repeatable(false).binding("argan.demo");
    options.addOption(demo);
    Option help("help", "h", "show this help");
    help.required(false).repeatable(false).callback(
        Poco::Util::OptionCallback<ServeApp>(this, &ServeApp::handleHelp));
    options.addOption(help);
  }

  void handleHelp(const std::string&, const std::string&) {
    Poco::Util::HelpFormatter formatter(options());
    formatter.setCommand("argan serve");
    formatter.setUsage("[--port P] [--db FILE] [--threads N] [--config FILE] [--demo]");
    formatter.setHeader("Starts the Argan HTTP server (JSON API under /api, web front end at /).");
    formatter.format(std::cout);
    helpRequested_ = true;
    stopOptionsProcessing();
  }

  // The configuration from the flags and the --config file (flags win). Throws
  // Poco::SyntaxException for a value that does not read as its type.
  AppConfig readConfig() {
    AppConfig cfg;
    cfg.port = config().getInt("argan.port", cfg.port);
    cfg.host = config().getString("argan.host", cfg.host);
    cfg.dbPath = config().getString("argan.db", cfg.dbPath);
    cfg.auditKeyFile = config().getString("argan.audit_key_file", cfg.auditKeyFile);
    cfg.auditCheckpointFile =
        config().getString("argan.audit_checkpoint_file", cfg.auditCheckpointFile);
    cfg.threads = config().getInt("argan.threads", cfg.threads);
    cfg.maxQueued = config().getInt("argan.max_queued", cfg.maxQueued);
    cfg.requestTimeoutSeconds = config().getInt("argan.request_timeout_s", cfg.requestTimeoutSeconds);
    cfg.maxConnectionsPerClient =
        config().getInt("argan.max_connections_per_client", cfg.maxConnectionsPerClient);
    cfg.headerTimeoutMs = config().getInt("argan.header_timeout_ms", cfg.headerTimeoutMs);
    cfg.keepAliveTimeoutMs = config().getInt("argan.keep_alive_timeout_ms", cfg.keepAliveTimeoutMs);
    cfg.maxQueueWaitMs = config().getInt("argan.max_queue_wait_ms", cfg.maxQueueWaitMs);
    cfg.maxPendingConnections =
        config().getInt("argan.max_pending_connections", cfg.maxPendingConnections);
    cfg.bodyIdleTimeoutMs = config().getInt("argan.body_idle_timeout_ms", cfg.bodyIdleTimeoutMs);
    cfg.minBodyRateBytesPerSecond =
        config().getInt("argan.min_body_rate_bytes_s", cfg.minBodyRateBytesPerSecond);
    cfg.shutdownGraceSeconds =
        config().getInt("argan.shutdown_grace_s", cfg.shutdownGraceSeconds);
    cfg.requestDeadlineSeconds =
        config().getInt("argan.request_deadline_s", cfg.requestDeadlineSeconds);
    cfg.maxBodyBytes = static_cast<std::size_t>(
        config().getInt64("argan.max_body_bytes", static_cast<Poco::Int64>(cfg.maxBodyBytes)));
    cfg.maxUploadBytes = static_cast<std::size_t>(config().getInt64(
        "argan.max_upload_bytes", static_cast<Poco::Int64>(cfg.maxUploadBytes)));
    cfg.chemWorkers = config().getInt("argan.chem_workers", cfg.chemWorkers);
    cfg.searchThreads = config().getInt("argan.search_threads", cfg.searchThreads);
    cfg.searchSnapshot = config().getBool("argan.search_snapshot", cfg.searchSnapshot);
    cfg.importDir = config().getString("argan.import_dir", cfg.importDir);
    cfg.maxImportBytes = static_cast<std::uint64_t>(config().getInt64(
        "argan.max_import_bytes", static_cast<Poco::Int64>(cfg.maxImportBytes)));
    cfg.chemIsolation = config().getString("argan.chem_isolation", cfg.chemIsolation);
    cfg.chemTimeoutMs = config().getInt("argan.chem_timeout_ms", cfg.chemTimeoutMs);
    cfg.chemMemoryMb = config().getInt("argan.chem_memory_mb", cfg.chemMemoryMb);
    cfg.chemCpuSeconds = config().getInt("argan.chem_cpu_s", cfg.chemCpuSeconds);
    cfg.sessionIdleTimeoutSeconds =
        config().getInt("argan.session_idle_minutes", cfg.sessionIdleTimeoutSeconds / 60) * 60;
    cfg.sessionAbsoluteTimeoutSeconds =
        config().getInt("argan.session_absolute_hours", cfg.sessionAbsoluteTimeoutSeconds / 3600) *
        3600;
    cfg.secureCookies = config().getBool("argan.secure_cookies", cfg.secureCookies);
    cfg.loginMaxFailuresPerAccount =
        config().getInt("argan.login_max_failures_per_account", cfg.loginMaxFailuresPerAccount);
    cfg.loginMaxFailuresPerAddress =
        config().getInt("argan.login_max_failures_per_address", cfg.loginMaxFailuresPerAddress);
    cfg.loginWindowSeconds =
        config().getInt("argan.login_window_minutes", cfg.loginWindowSeconds / 60) * 60;
    cfg.smtpHost = config().getString("argan.smtp_host", cfg.smtpHost);
    cfg.smtpPort = config().getInt("argan.smtp_port", cfg.smtpPort);
    cfg.smtpFrom = config().getString("argan.smtp_from", cfg.smtpFrom);
    cfg.smtpUser = config().getString("argan.smtp_user", cfg.smtpUser);
    cfg.smtpPassword = config().getString("argan.smtp_password", cfg.smtpPassword);
    cfg.smtpTimeoutMs = config().getInt("argan.smtp_timeout_ms", cfg.smtpTimeoutMs);
    cfg.publicUrl = config().getString("argan.public_url", cfg.publicUrl);
    cfg.matchWatchMs = config().getInt("argan.match_watch_ms", cfg.matchWatchMs);
    cfg.webRoot = config().getString("argan.web_root", defaultWebRoot(commandPath()));
    cfg.loadDemo = config().has("argan.demo");
    return cfg;
  }

  int main(const std::vector<std::string>&) override {
    if (helpRequested_) return EXIT_OK;
    try {
      if (config().has("argan.config")) loadConfiguration(config().getString("argan.config"));
      AppConfig cfg;
      try {
        cfg = readConfig();
      } catch (const Poco::SyntaxException& e) {
        // A value that is not a number ("--port abc"): a usage error like any other.
        std::cerr << "argan serve: " << e.displayText() << "\n";
        return EXIT_USAGE;
      }
      if (cfg.port < 0 || cfg.port > 65535 || cfg.threads < 1 || cfg.threads > 256) {
        std::cerr << "argan serve: --port must be 0..65535 and --threads 1..256\n";
        return EXIT_USAGE;
      }
      if (cfg.maxQueued < 0 || cfg.maxConnectionsPerClient < 0 || cfg.headerTimeoutMs < 100 ||
          cfg.keepAliveTimeoutMs < 100 || cfg.maxQueueWaitMs < 1 || cfg.requestDeadlineSeconds < 1 ||
          cfg.requestTimeoutSeconds < 1 || cfg.maxPendingConnections < 1 ||
          cfg.bodyIdleTimeoutMs < 100 || cfg.minBodyRateBytesPerSecond < 0 ||
          cfg.shutdownGraceSeconds < 0) {
        std::cerr << "argan serve: connection limits must be positive (timeouts in ms >= 100)\n";
        return EXIT_USAGE;
      }
      if ((cfg.chemIsolation != "process" && cfg.chemIsolation != "in-process") ||
          cfg.chemWorkers < 1 || cfg.chemWorkers > 64 || cfg.chemTimeoutMs < 100 ||
          cfg.chemMemoryMb < 256 || cfg.chemCpuSeconds < 1) {
        std::cerr << "argan serve: argan.chem_isolation must be process or in-process, "
                     "chem_workers 1..64, chem_timeout_ms >= 100, chem_memory_mb >= 256, "
                     "chem_cpu_s >= 1\n";
        return EXIT_USAGE;
      }
      if (cfg.sessionIdleTimeoutSeconds < 60 ||
          cfg.sessionAbsoluteTimeoutSeconds < cfg.sessionIdleTimeoutSeconds ||
          cfg.loginWindowSeconds < 60 || cfg.loginMaxFailuresPerAccount < 1 ||
          cfg.loginMaxFailuresPerAddress < 1) {
        std::cerr << "argan serve: session and sign-in limits must be positive (idle >= 1 min, "
                     "absolute >= idle)\n";
        return EXIT_USAGE;
      }
      if (cfg.smtpPort < 1 || cfg.smtpPort > 65535 || cfg.smtpTimeoutMs < 100 ||
          cfg.matchWatchMs < 50) {
        std::cerr << "argan serve: argan.smtp_port must be 1..65535, smtp_timeout_ms >= 100, "
                     "match_watch_ms >= 50\n";
        return EXIT_USAGE;
      }
      return serve(cfg);
    } catch (const Error& e) {
      std::cerr << "argan serve: " << e.what() << "\n";
      return EXIT_SOFTWARE;
    } catch (const Poco::SyntaxException& e) {
      // A flag or configuration value of the wrong type ("--port abc").
      std::cerr << "argan serve: " << e.displayText() << "\n";
      return EXIT_USAGE;
    } catch (const Poco::Exception& e) {
      std::cerr << "argan serve: " << e.displayText() << "\n";
      return EXIT_SOFTWARE;
    }
  }

 private:
  int serve(AppConfig cfg) {
    raiseDescriptorLimit(cfg);
    chem::initialise();
    Poco::Path dbParent(Poco::Path(cfg.dbPath).absolute().parent());
    Poco::File(dbParent).createDirectories();
    // One server per database: a second one exits here, naming the first one's pid.
    auto serverLock = db::ServerLock::acquire(cfg.dbPath);
    db::DatabaseOptions dbOptions;
    dbOptions.path = cfg.dbPath;
    dbOptions.auditKeyFile = cfg.auditKeyFile;
    dbOptions.auditCheckpointFile = cfg.auditCheckpointFile;
    // A read connection for every worker thread, the health lane, the import worker and a
    // search helper: health never waits for a connection the workers hold.
    dbOptions.maxReaders = static_cast<unsigned>(cfg.threads + 4);
    auto database = db::Database::open(dbOptions);
    SystemClock clock;
    std::unique_ptr<ChemService> chemService = makeChemService(cfg);
    StructureSearchOptions searchOptions;
    searchOptions.threads = static_cast<unsigned>(std::max(1, cfg.searchThreads));
    if (cfg.searchSnapshot) searchOptions.index.snapshotPath = cfg.dbPath + ".index";
    StructureSearch search(*database, searchOptions);
    SearchIndexStats indexStats = search.index().stats();
    std::cout << "Search index: " << indexStats.compounds << " compounds in "
              << indexStats.loadSeconds << " s, " << indexStats.memoryBytes / (1024 * 1024)
              << " MiB in memory, " << indexStats.mappedBytes / (1024 * 1024)
              << " MiB mapped (snapshot: " << indexStats.snapshotStatus << ")" << std::endl;
    MemorySessions memorySessions;
    Runtime runtime{*database, clock, cfg, *chemService, &search};
    runtime.sessions = &memorySessions;
    std::string importDir = cfg.importDir.empty() ? dbParent.toString() + "imports" : cfg.importDir;
    ImportJobs imports(runtime, importDir);
    runtime.imports = &imports;

    bootstrapAdministrator(runtime);
    if (cfg.loadDemo) {
      DemoLoadReport demo = loadDemoData(runtime);
      if (demo.skipped) {
        std::cout << "Demo data not loaded: the database already has start-ups.\n";
      } else {
        std::cout << "Loaded demo data: " << demo.startUps << " start-ups, " << demo.users
                  << " demo users, " << demo.compounds << " compound registrations, " << demo.routes
                  << " synthesis routes, " << demo.products << " products, " << demo.substances
                  << " substances, " << demo.lots << " waste lots, " << demo.transfers
                  << " transfers, " << demo.needs << " needs, " << demo.projects
                  << " research projects.\n"
                  << "Demo accounts (invented people; one-time passwords shown only now):\n";
        for (const auto& a : demo.accounts) {
          std::cout << "  " << a.email << "  " << a.role << "  " << a.password << "  ("
                    << a.startUp << ")\n";
        }
      }
    }
    Router router = buildApiRouter();
    HttpServer http(runtime, router);
    http.start();
    imports.start();
    NeedWatch needWatch(runtime);
    needWatch.start();
    SmtpMailer mailer(runtime);
    if (!cfg.smtpHost.empty()) {
      mailer.start();
      std::cout << "Notifications are also sent by e-mail through " << cfg.smtpHost << ":"
                << cfg.smtpPort << std::endl;
    }
    std::cout << "Argan listening on http://" << (cfg.host == "0.0.0.0" ? "localhost" : cfg.host)
              << ":" << http.port() << " (database " << cfg.dbPath << ", web "
              << (cfg.webRoot.empty() ? "not found" : cfg.webRoot) << ")" << std::endl;
    waitForTerminationRequest();
    std::cout << "Argan stopping." << std::endl;
    // Stopping never waits on a request: searches stop matching at once, requests being
    // served get the grace period, then their sockets are shut; should anything still hold
    // on (a handler deep in a computation), the process exits anyway a few seconds later.
    // Nothing is lost by that: every acknowledged write is committed (WAL, synchronous).
    std::mutex stopMutex;
    std::condition_variable stopped;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock<std::mutex> lock(stopMutex);
      if (!stopped.wait_for(lock, std::chrono::seconds(cfg.shutdownGraceSeconds + 5),
                            [&] { return done; })) {
        std::cerr << "argan serve: requests still running " << cfg.shutdownGraceSeconds + 5
                  << " s after the stop request; exiting without them" << std::endl;
        std::_Exit(EXIT_OK);
      }
    });
    search.cancelAll();
    http.stop(cfg.shutdownGraceSeconds * 1000);
    mailer.stop();
    needWatch.stop();
    imports.stop();
    {
      std::lock_guard<std::mutex> lock(stopMutex);
      done = true;
    }
    stopped.notify_all();
    watchdog.join();
    std::cout << "Argan stopped." << std::endl;
    return EXIT_OK;
  }

  // Every connection waiting for its request holds a descriptor: the soft limit goes up to
  // the hard one, and the pending-connection cap stays below what is left of it.
  static void raiseDescriptorLimit(AppConfig& cfg) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    if (limit.rlim_cur < limit.rlim_max) {
      rlimit raised = limit;
      raised.rlim_cur = limit.rlim_max;
      if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY) return;
    // Kept for everything else: the database (readers, writer, WAL), workers, imports, logs.
    long reserve = 128 + 2L * (cfg.threads + cfg.maxQueued) + 4L * cfg.chemWorkers;
    long room = static_cast<long>(limit.rlim_cur) - reserve;
    if (room < cfg.maxPendingConnections) {
      int capped = static_cast<int>(std::max(16L, room));
      std::cout << "argan.max_pending_connections lowered from " << cfg.maxPendingConnections
                << " to " << capped << " (open-file limit " << limit.rlim_cur << ")" << std::endl;
      cfg.maxPendingConnections = capped;
    }
  }

  // Chemistry on untrusted input runs in guarded worker processes unless configured otherwise.
  static std::unique_ptr<ChemService> makeChemService(const AppConfig& cfg) {
    if (cfg.chemIsolation == "in-process") {
      std::cout << "Chemistry runs inside the server process (argan.chem_isolation=in-process): "
                   "a crash in RDKit stops the server. Use for debugging only."
                << std::endl;
      return std::make_unique<InProcessChemService>(cfg.chemWorkers);
    }
    ChemWorkerOptions options;
    options.workers = cfg.chemWorkers;
    options.timeoutMs = cfg.chemTimeoutMs;
    options.queueTimeoutMs = cfg.chemTimeoutMs;
    options.memoryMb = static_cast<std::uint64_t>(cfg.chemMemoryMb);
    options.cpuSeconds = static_cast<std::uint64_t>(cfg.chemCpuSeconds);
    return std::make_unique<GuardedChemService>(options);
  }

  // On first start (no users at all) creates an administrator with a random one-time
  // password, printed once. There is never a default password.
  static void bootstrapAdministrator(Runtime& runtime) {
    // Read first: a read-only database with users starts without writing anything.
    if (runtime.db.read([](db::Connection& c) { return db::countUsers(c); }) > 0) return;
    std::string password = randomHex(12);
    auto created = runtime.db.write([&](db::Connection& c) -> std::optional<db::User> {
      if (db::countUsers(c) > 0) return std::nullopt;
      db::NewUser admin;
      admin.email = "admin@argan.local";
      admin.displayName = "Cluster administrator";
      admin.role = db::Role::Admin;
      admin.passwordHash = hashPassword(password, runtime.config.passwordIterations);
      admin.mustChangePassword = true;  // one-time: the first sign-in must replace it
      return db::createUser(c, runtime.clock, db::Principal::system("first start"), admin);
    });
    if (created) {
      std::cout << "First start: created the administrator " << created->email
                << " with the one-time password " << password
                << "\n(shown only now, and valid for one sign-in: the first thing it allows is "
                   "choosing a new password. Or create your own administrator with "
                   "`argan user add`.)\n";
    }
  }

  bool helpRequested_ = false;
};

}  // namespace

int runServe(int argc, char** argv) {
  ServeApp app;
  // Poco sees "argan serve --port 8080 ..." as program "argan" with options after "serve".
  std::vector<std::string> args;
  args.push_back(argv[0]);
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  // Poco answers with sysexits codes (EX_USAGE 64, EX_CONFIG 78 for a bad option,
  // EX_SOFTWARE 70); scripts get the codes of every other argan command (cli.h).
  int code = app.run(args);
  switch (code) {
    case Poco::Util::Application::EXIT_OK:
      return kExitOk;
    case Poco::Util::Application::EXIT_USAGE:
    case Poco::Util::Application::EXIT_CONFIG:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

}  // namespace argan::server
