// Captures what RDKit writes to its error and warning logs, per thread.
//
// RDKit reports SMILES syntax errors only through rdErrorLog (the parser returns null).
// installRdkitLogCapture() points RDKit's error/warning/info logs at one sink that appends
// each write to the calling thread's active RdkitLogCapture, and drops it otherwise.
// Call it once, from main, before threads start (chem::initialise does).
#pragma once

#include <string>
#include <vector>

namespace argan::chem {

void installRdkitLogCapture();

// RAII: while alive, RDKit log output from this thread is collected here.
// Not copyable; nests (the inner capture sees the messages while it lives).
class RdkitLogCapture {
 public:
  RdkitLogCapture();
  ~RdkitLogCapture();
  RdkitLogCapture(const RdkitLogCapture&) = delete;
  RdkitLogCapture& operator=(const RdkitLogCapture&) = delete;

  // The captured lines, without RDKit's "[hh:mm:ss] " prefix, blank lines dropped.
  std::vector<std::string> lines() const;
  // The lines joined with "; ", for error messages. Empty when nothing was logged.
  std::string joined() const;

 private:
  std::string buffer_;
  std::string* previous_;
};

}  // namespace argan::chem
