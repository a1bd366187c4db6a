// `argan serve`: the HTTP server as a Poco ServerApplication (config file, flags, signals).
#pragma once

namespace argan::server {

// Runs the server until SIGINT/SIGTERM. argv[0] is the program, argv[1] "serve".
int runServe(int argc, char** argv);

}  // namespace argan::server
