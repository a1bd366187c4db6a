// A main for the fuzz targets without libFuzzer: feeds files to LLVMFuzzerTestOneInput once
// each, so the targets build with the normal compiler and their corpora run as ordinary tests
// (ctest label "fuzz"), as SQLite replays its fuzz corpora on every test run.
//   <target>_replay PATH...   each PATH is a file, or a directory whose regular files are
//                             replayed in name order (not recursively)
// LLVMFuzzerInitialize runs first when the target defines it. Exit status 0 when every input
// was replayed; 1 (with a message) when a path is missing, unreadable or an empty directory, so
// that a misspelt corpus cannot pass by replaying nothing. A failed property aborts (the
// targets call std::abort) and a crash kills the process: the input's name, printed before it
// runs, is then the last line of the output.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional in a target: weak, so the address is null when the target does not define it.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

// The files PATH stands for: itself, or the regular files directly in it, sorted by name.
// Empty (with a message on stderr) when PATH is missing or an empty directory.
std::vector<fs::path> inputsOf(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  std::vector<fs::path> files;
  if (!fs::is_directory(path, ec)) {
    std::fprintf(stderr, "replay: %s: no such file or directory\n", path.c_str());
    return files;
  }
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path());
  }
  if (ec) {
    std::fprintf(stderr, "replay: %s: %s\n", path.c_str(), ec.message().c_str());
    return {};
  }
  if (files.empty()) std::fprintf(stderr, "replay: %s: no input files\n", path.c_str());
  std::sort(files.begin(), files.end());
  return files;
}

bool readFile(const fs::path& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> files = inputsOf(argv[i]);
    if (files.empty()) return 1;
    for (const fs::path& file : files) {
      std::string bytes;
      if (!readFile(file, bytes)) {
        std::fprintf(stderr, "replay: %s: cannot read\n", file.c_str());
        return 1;
      }
      std::printf("replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
      std::fflush(stdout);
      // A heap copy of exactly the input's bytes, as libFuzzer passes it (never null, even
      // when empty): under ASan a read one past the end is reported.
      std::unique_ptr<std::uint8_t[]> data(new std::uint8_t[bytes.size()]);
      std::copy(bytes.begin(), bytes.end(), data.get());
      LLVMFuzzerTestOneInput(data.get(), bytes.size());
      ++replayed;
    }
  }
  std::printf("replay: %zu inputs, no failure\n", replayed);
  return 0;
}
