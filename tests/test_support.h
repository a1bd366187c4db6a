// Helpers shared by the test suites: temporary directories, test data paths, error checks.
#pragma once

#include <boost/test/unit_test.hpp>

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"

namespace argan::test {

inline std::string testData(const std::string& name) { return std::string(ARGAN_TEST_DATA) + "/" + name; }
inline std::string sharedData(const std::string& name) {
  return std::string(ARGAN_SHARED_DATA) + "/" + name;
}
inline bool sharedDataAvailable() { return Poco::File(ARGAN_SHARED_DATA).exists(); }

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Tab-separated rows of a file, skipping blank lines and lines starting with '#'.
inline std::vector<std::vector<std::string>> readTsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, '\t')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// A directory removed at the end of the test.
class TempDir {
 public:
  TempDir() : path_(Poco::TemporaryFile::tempName()) { Poco::File(path_).createDirectories(); }
  ~TempDir() {
    try {
      Poco::File(path_).remove(true);
    } catch (...) {
    }
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `fn` and checks that it throws argan::Error with `code`; returns the error message.
template <typename Fn>
std::string expectError(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_CHECK_MESSAGE(e.code() == code, "expected " << errorCodeName(code) << " but got "
                                                      << errorCodeName(e.code()) << ": "
                                                      << e.what());
    return e.what();
  }
  BOOST_ERROR("expected an argan::Error " << errorCodeName(code) << " but nothing was thrown");
  return "";
}

}  // namespace argan::test
