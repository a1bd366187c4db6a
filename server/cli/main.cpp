// argan: the single executable (server and command line). See server/cli.h.
#include "server/cli/cli.h"

int main(int argc, char** argv) { return argan::server::runCli(argc, argv); }
