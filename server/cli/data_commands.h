// The command line's data commands: import, export, backup, restore.
//
// Each takes the arguments after its name and returns the exit code (server/cli.h):
//   0  done (for import: every record has a verdict, whatever the verdicts)
//   1  the operation failed (message on stderr; nothing half done)
//   2  usage error
//   3  import --strict only: done, but some records were rejected
// Each throws UsageError for bad arguments and argan::Error for failures; runCli maps them.
#pragma once

#include <string>
#include <vector>

namespace argan::server {

constexpr int kExitRejectedRecords = 3;

int importCommand(const std::vector<std::string>& args);
int exportCommand(const std::vector<std::string>& args);
int backupCommand(const std::vector<std::string>& args);
int restoreCommand(const std::vector<std::string>& args);
int identityReviewCommand(const std::vector<std::string>& args);
int identityMergeCommand(const std::vector<std::string>& args);

extern const char* const kImportUsage;
extern const char* const kImportHelp;
extern const char* const kExportUsage;
extern const char* const kExportHelp;
extern const char* const kBackupUsage;
extern const char* const kBackupHelp;
extern const char* const kRestoreUsage;
extern const char* const kRestoreHelp;
extern const char* const kIdentityReviewUsage;
extern const char* const kIdentityReviewHelp;
extern const char* const kIdentityMergeUsage;
extern const char* const kIdentityMergeHelp;

}  // namespace argan::server
