// A small parser for `argan <command> [--flag value | --switch]... [positional]...`.
// Flags may also be written --flag=value. Unknown flags are usage errors (exit code 2).
// A value flag given twice keeps every value (getAll); get() answers the last one.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace argan::server {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CliArgs {
 public:
  // `valueFlags` take a value; `switches` do not. Throws UsageError.
  CliArgs(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
          const std::set<std::string>& switches);

  std::optional<std::string> get(const std::string& flag) const;
  std::vector<std::string> getAll(const std::string& flag) const;
  std::string require(const std::string& flag) const;
  bool has(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positional_;
};

}  // namespace argan::server
