// The `argan` command line: one executable, subcommands, scriptable exit codes.
//
// Exit codes: 0 success; 1 the operation failed (message on stderr); 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace argan::server {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Runs `argan <args...>` (args excludes the program name).
int runCli(int argc, char** argv);

}  // namespace argan::server
