#include "chem/rdkit_log.h"

#include <GraphMol/RDKitBase.h>
#include <RDGeneral/RDLog.h>

#include <mutex>
#include <ostream>
#include <streambuf>

namespace argan::chem {
namespace {

thread_local std::string* activeBuffer = nullptr;

// Stateless streambuf: every write goes to the calling thread's active buffer.
class ThreadRoutingBuf : public std::streambuf {
 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof() && activeBuffer) activeBuffer->push_back(static_cast<char>(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (activeBuffer) activeBuffer->append(s, static_cast<std::size_t>(n));
    return n;
  }
};

// Process-wide sink objects; immutable after installation (the buffer is per thread).
ThreadRoutingBuf& routingBuf() {
  static ThreadRoutingBuf buf;
  return buf;
}
std::ostream& routingStream() {
  static std::ostream stream(&routingBuf());
  return stream;
}

}  // namespace

void installRdkitLogCapture() {
  static std::once_flag once;
  std::call_once(once, [] {
    RDLog::InitLogs();
    for (auto* logger : {&rdErrorLog, &rdWarningLog, &rdInfoLog}) {
      if (*logger) {
        (*logger)->ClearTee();
        (*logger)->dp_dest = &routingStream();
        (*logger)->df_owner = false;
      }
    }
    boost::logging::enable_logs("rdApp.error");
    boost::logging::enable_logs("rdApp.warning");
  });
}

RdkitLogCapture::RdkitLogCapture() : previous_(activeBuffer) { activeBuffer = &buffer_; }

RdkitLogCapture::~RdkitLogCapture() {
  activeBuffer = previous_;
  if (previous_) previous_->append(buffer_);
}

std::vector<std::string> RdkitLogCapture::lines() const {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < buffer_.size()) {
    std::size_t nl = buffer_.find('\n', start);
    std::string line = buffer_.substr(start, nl == std::string::npos ? std::string::npos
                                                                      : nl - start);
    start = nl == std::string::npos ? buffer_.size() : nl + 1;
    // RDKit prefixes "[hh:mm:ss] ".
    if (line.size() >= 11 && line[0] == '[' && line[9] == ']') line = line.substr(11);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string RdkitLogCapture::joined() const {
  std::string out;
  for (const auto& line : lines()) {
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

}  // namespace argan::chem
