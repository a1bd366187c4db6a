#include "server/cli/cli_args.h"

namespace argan::server {

CliArgs::CliArgs(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
                 const std::set<std::string>& switches) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inlineValue;
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      inlineValue = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (valueFlags.count(name)) {
      if (inlineValue) {
        values_[name].push_back(*inlineValue);
      } else if (i + 1 < args.size()) {
        values_[name].push_back(args[++i]);
      } else {
        throw UsageError("--" + name + " needs a value");
      }
    } else if (switches.count(name)) {
      if (inlineValue) throw UsageError("--" + name + " takes no value");
      switches_.insert(name);
    } else {
      throw UsageError("unknown option --" + name);
    }
  }
}

std::optional<std::string> CliArgs::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CliArgs::getAll(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string CliArgs::require(const std::string& flag) const {
  auto v = get(flag);
  if (!v || v->empty()) throw UsageError("--" + flag + " is required");
  return *v;
}

bool CliArgs::has(const std::string& flag) const { return switches_.count(flag) > 0; }

}  // namespace argan::server
