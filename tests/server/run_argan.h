// Runs the built argan executable (ARGAN_BINARY) as a separate process and collects its
// exit code, standard output and standard error.
#pragma once

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <string>
#include <vector>

namespace argan::test {

struct Run {
  int exitCode;
  std::string out;
  std::string err;
  // The last non-empty line of standard output.
  std::string lastLine() const {
    std::string text = out;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto nl = text.rfind('\n');
    return nl == std::string::npos ? text : text.substr(nl + 1);
  }
};

inline Run runArgan(const std::vector<std::string>& args, const std::string& input = "") {
  Poco::Pipe inPipe, outPipe, errPipe;
  Poco::ProcessHandle ph = Poco::Process::launch(ARGAN_BINARY, args, &inPipe, &outPipe, &errPipe);
  Poco::PipeOutputStream in(inPipe);
  in << input;
  in.close();
  Poco::PipeInputStream out(outPipe);
  Poco::PipeInputStream err(errPipe);
  Run r;
  Poco::StreamCopier::copyToString(out, r.out);
  Poco::StreamCopier::copyToString(err, r.err);
  r.exitCode = ph.wait();
  return r;
}

}  // namespace argan::test
