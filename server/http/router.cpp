#include "server/http/router.h"

#include <stdexcept>

namespace argan::server {
namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos
                                                                      : slash - start);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

bool matches(const std::string& pattern, const std::vector<std::string>& path,
             PathParams& params) {
  auto parts = segments(pattern);
  if (parts.size() != path.size()) return false;
  PathParams found;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      found[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

const char* accessName(Access access) {
  switch (access) {
    case Access::Public: return "public";
    case Access::Authenticated: return "authenticated";
    case Access::StartUpMember: return "start-up member";
    case Access::Admin: return "admin";
  }
  return "admin";
}

void Router::add(Endpoint route) {
  if (!route.handler) throw std::logic_error("route without handler: " + route.pattern);
  endpoints_.push_back(std::move(route));
}

const Endpoint* Router::match(const std::string& method, const std::string& path,
                           PathParams& params, bool& pathExists) const {
  pathExists = false;
  auto parts = segments(path);
  const Endpoint* best = nullptr;
  int bestLiterals = -1;
  for (const auto& route : endpoints_) {
    PathParams candidate;
    if (!matches(route.pattern, parts, candidate)) continue;
    pathExists = true;
    if (route.method != method) continue;
    // Prefer the route with more literal segments ("/api/compounds/preview" over "{id}").
    int literals = 0;
    for (const auto& s : segments(route.pattern)) literals += s.front() != '{';
    if (literals > bestLiterals) {
      best = &route;
      bestLiterals = literals;
      params = std::move(candidate);
    }
  }
  return best;
}

}  // namespace argan::server
