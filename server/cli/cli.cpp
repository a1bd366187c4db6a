#include "server/cli/cli.h"

#include <Poco/JSONString.h>

#include <fstream>
#include <functional>
#include <iostream>
#include <map>

#include "common/clock.h"
#include "common/error.h"
#include "common/password.h"
#include "db/audit.h"
#include "db/database.h"
#include "db/user_store.h"
#include "server/http/authentication.h"
#include "server/isolation/chem_worker.h"
#include "server/cli/cli_args.h"
#include "server/cli/data_commands.h"
#include "server/cli/serve_command.h"

namespace argan::server {
namespace {

using Args = std::vector<std::string>;

struct Command {
  std::string usage;
  std::string help;
  std::function<int(const Args&)> run;
};

// Creates and migrates the file when it is missing (migrate, user add). An existing empty
// file is refused unless `adoptEmpty` (migrate --create). --audit-key names the audit key
// file when it is not beside the database.
std::unique_ptr<db::Database> openDatabase(const CliArgs& a, bool adoptEmpty = false) {
  db::DatabaseOptions options;
  options.path = a.require("db");
  options.adoptEmptyFile = adoptEmpty;
  options.auditKeyFile = a.get("audit-key").value_or("");
  return db::Database::open(options);
}

// Commands that read a registry: a missing file is an error, not a new empty database.
std::unique_ptr<db::Database> openExistingDatabase(const CliArgs& a) {
  const std::string path = a.require("db");
  if (!std::ifstream(path).good()) throw notFound("no database file '" + path + "'");
  return openDatabase(a);
}

int migrateCommand(const Args& args) {
  CliArgs a(args, {"db", "audit-key"}, {"create"});
  auto database = openDatabase(a, a.has("create"));
  std::cout << "{\"schema_version\": " << database->schemaVersion() << "}" << std::endl;
  return kExitOk;
}

int userAddCommand(const Args& args) {
  CliArgs a(args, {"db", "email", "role", "start-up", "name", "audit-key"}, {});
  db::NewUser user;
  user.email = a.require("email");
  auto role = db::parseRole(a.require("role"));
  if (!role) throw UsageError("--role must be admin, lead, member or partner");
  user.role = *role;
  if (auto s = a.get("start-up")) {
    std::size_t used = 0;
    try {
      user.startUpId = std::stoll(*s, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != s->size()) {
      throw UsageError("--start-up must be a start-up id (a number)");
    }
  }
  user.displayName = a.get("name").value_or("");
  std::string password;
  std::getline(std::cin, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) {
    password.pop_back();
  }
  if (password.size() < 10) {
    throw invalidArgument("the password (read from standard input) must have at least 10 characters");
  }
  user.passwordHash = hashPassword(password);
  auto database = openDatabase(a);
  SystemClock clock;
  auto created = database->write([&](db::Connection& c) {
    return db::createUser(c, clock, db::Principal::system("cli"), user);
  });
  // The e-mail as a JSON string: it may hold quotes or backslashes.
  std::cout << "{\"id\": " << created.id << ", \"email\": " << Poco::toJSON(created.email)
            << ", \"role\": \"" << db::roleName(created.role) << "\"}" << std::endl;
  return kExitOk;
}

int tokenCreateCommand(const Args& args) {
  CliArgs a(args, {"db", "email", "label", "audit-key"}, {});
  auto database = openExistingDatabase(a);
  SystemClock clock;
  std::string token = newApiToken();
  database->write([&](db::Connection& c) {
    auto user = db::findUserByEmail(c, a.require("email"));
    if (!user) throw notFound("no user with the e-mail " + a.require("email"));
    db::createApiToken(c, clock, db::Principal::system("cli"), user->id, tokenDigest(token),
                       a.get("label").value_or("cli"));
  });
  std::cout << token << std::endl;
  return kExitOk;
}

// Verifies a database file as it is (a live file or a copy): it is opened without migrating,
// sealing or creating a key, so the evidence is not changed by looking at it.
int verifyAuditCommand(const Args& args) {
  CliArgs a(args, {"db", "key", "checkpoints"}, {});
  const std::string path = a.require("db");
  if (!std::ifstream(path).good()) throw notFound("no database file '" + path + "'");
  db::DatabaseOptions options;
  options.path = path;
  options.applyMigrations = false;
  options.auditKeyMode = db::AuditKeyMode::Optional;
  options.auditKeyFile = a.get("key").value_or("");
  options.auditCheckpointFile = a.get("checkpoints").value_or("");
  const std::string keyPath =
      options.auditKeyFile.empty() ? db::defaultAuditKeyPath(path) : options.auditKeyFile;
  auto database = db::Database::open(options);
  if (!database->auditKey()) {
    std::cerr << "argan verify-audit: no audit key at '" << keyPath
              << "'; keyed entries cannot be checked (give --key FILE)" << std::endl;
  }
  auto result = database->verifyAudit();
  // The first three keys as they always were (scripts read them), then the details.
  std::cout << "{\"ok\": " << (result.ok ? "true" : "false") << ", \"entries\": " << result.entries
            << ", \"first_break\": "
            << (result.firstBreak ? std::to_string(*result.firstBreak) : std::string("null"));
  if (!result.ok) std::cout << ", \"reason\": " << Poco::toJSON(result.reason);
  std::cout << ", \"legacy_entries\": " << result.legacyEntries
            << ", \"checkpoints\": " << result.checkpointsChecked
            << ", \"records\": " << result.recordsChecked
            << ", \"mismatches\": " << result.mismatchCount << "}" << std::endl;
  if (!result.ok) std::cerr << "audit trail broken: " << result.reason << std::endl;
  return result.ok ? kExitOk : kExitFailure;
}

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table = {
      {"import", {kImportUsage, kImportHelp, importCommand}},
      {"export", {kExportUsage, kExportHelp, exportCommand}},
      {"backup", {kBackupUsage, kBackupHelp, backupCommand}},
      {"restore", {kRestoreUsage, kRestoreHelp, restoreCommand}},
      {"identity review", {kIdentityReviewUsage, kIdentityReviewHelp, identityReviewCommand}},
      {"identity merge", {kIdentityMergeUsage, kIdentityMergeHelp, identityMergeCommand}},
      {"migrate",
       {"argan migrate --db FILE [--create]",
        "Creates or upgrades the database schema; prints the version.\n"
        "\n"
        "A missing FILE is created. An existing file that holds no database (empty, e.g.\n"
        "truncated) is refused unless --create is given: then a new registry starts in it.\n"
        "Another application's SQLite file is always refused, and left unchanged.",
        migrateCommand}},
      {"user add",
       {"argan user add --db FILE --email E --role admin|lead|member|partner [--start-up ID] "
        "[--name NAME]",
        "Creates a user; the password is read from the first line of standard input.",
        userAddCommand}},
      {"token create",
       {"argan token create --db FILE --email E [--label L]",
        "Creates an API token for a user and prints it (it is stored only as a hash).",
        tokenCreateCommand}},
      {"verify-audit",
       {"argan verify-audit --db FILE [--key FILE] [--checkpoints FILE]",
        "Checks the audit trail of a database or a copy of one; exit 1 when it does not hold.\n"
        "\n"
        "Re-walks the keyed hash chain (--key: the audit key file, default FILE.audit-key),\n"
        "holds it to the signed checkpoints (--checkpoints, default FILE.audit-checkpoints;\n"
        "a backup has its own beside it) and compares the protected tables with the trail.\n"
        "Detects edited, recomputed, renumbered and removed entries, and records changed\n"
        "without an entry. The file is not modified. Prints {\"ok\", \"entries\",\n"
        "\"first_break\", \"reason\"?, \"legacy_entries\", \"checkpoints\", \"records\",\n"
        "\"mismatches\"}.",
        verifyAuditCommand}},
  };
  return table;
}

void printUsage(std::ostream& out) {
  out << "Usage: argan <command> [options]\n\nCommands:\n"
      << "  serve                 start the HTTP server (argan serve --help)\n";
  for (const auto& [name, command] : commands()) {
    out << "  " << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ')
        << command.help.substr(0, command.help.find('\n')) << "\n";
  }
  out << "\nExit codes: 0 success, 1 failure, 2 usage error (import --strict: 3 when records "
         "were rejected). `argan <command> --help` for details.\n";
}

}  // namespace

int runCli(int argc, char** argv) {
  Args args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printUsage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "serve") return runServe(argc, argv);
  // Hidden: the chemistry worker process started by `argan serve` (server/chem_worker.h).
  if (args[0] == "chem-worker") return runChemWorker(Args(args.begin() + 1, args.end()));

  std::string name = args[0];
  std::size_t consumed = 1;
  if (!commands().count(name) && args.size() > 1 && commands().count(name + " " + args[1])) {
    name += " " + args[1];
    consumed = 2;
  }
  auto it = commands().find(name);
  if (it == commands().end()) {
    std::cerr << "argan: unknown command '" << args[0] << "'\n\n";
    printUsage(std::cerr);
    return kExitUsage;
  }
  Args rest(args.begin() + static_cast<long>(consumed), args.end());
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      std::cout << "Usage: " << it->second.usage << "\n\n" << it->second.help << "\n";
      return kExitOk;
    }
  }
  try {
    return it->second.run(rest);
  } catch (const UsageError& e) {
    std::cerr << "argan " << name << ": " << e.what() << "\nUsage: " << it->second.usage << "\n";
    return kExitUsage;
  } catch (const Error& e) {
    std::cerr << "argan " << name << ": " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "argan " << name << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace argan::server
