// Helpers shared by the test suites: temporary directories, test data paths, error checks.
#pragma once

#include <boost/test/unit_test.hpp>

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

#include <stdlib.h>

#include <fstream>
#include <stdexcept>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"

namespace argan::test {

inline std::string testData(const std::string& name) { return std::string(ARGAN_TEST_DATA) + "/" + name; }
// A file of the public molecule sets in ../shared/data (tests/CMakeLists.txt: ARGAN_SHARED_DATA).
// Only tests decorated with needsSharedData() may read it.
inline std::string sharedData(const std::string& name) {
  return std::string(ARGAN_SHARED_DATA) + "/" + name;
}

// Decorator for the tests that read sharedData(). When the directory is absent Boost.Test
// skips them, and this prints "<suite> skipped: shared data absent: <dir>", which ctest turns
// into "Not Run (skipped)" (tests/CMakeLists.txt, ARGAN_SHARED_DATA_SUITES). Such tests live
// in a nested suite of their file's suite, which gets its own ctest entry:
//   BOOST_AUTO_TEST_SUITE(shared_data, *argan::test::needsSharedData())
inline boost::unit_test::precondition needsSharedData() {
  return boost::unit_test::precondition([](boost::unit_test::test_unit_id id) {
    Poco::File dir(ARGAN_SHARED_DATA);
    boost::test_tools::assertion_result present = dir.exists() && dir.isDirectory();
    if (!present) {
      present.message() << "shared data absent: " << ARGAN_SHARED_DATA;
      std::cout << boost::unit_test::framework::get(id, boost::unit_test::TUT_ANY).full_name()
                << " skipped: shared data absent: " << ARGAN_SHARED_DATA << std::endl;
    }
    return present;
  });
}

// The first column (up to a tab) of the first `count` lines of a SMILES file; fewer when the
// file is shorter or cannot be read.
inline std::vector<std::string> firstSmiles(const std::string& path, std::size_t count) {
  std::ifstream in(path);
  std::vector<std::string> smiles;
  std::string line;
  while (smiles.size() < count && std::getline(in, line)) {
    smiles.push_back(line.substr(0, line.find('\t')));
  }
  return smiles;
}

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
  // mkdtemp creates a directory no other process has: a name from Poco::TemporaryFile (pid and
  // counter) can meet the leftover directory of a killed test run once pids wrap around.
  TempDir() {
    std::string pattern = Poco::Path::temp() + "argan-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary directory under " + Poco::Path::temp());
    }
    path_ = pattern;
  }
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
