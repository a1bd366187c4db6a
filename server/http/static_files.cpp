#include "server/http/static_files.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/error.h"

namespace argan::server {
namespace {

std::string contentTypeFor(const std::string& extension) {
  static const std::map<std::string, std::string> types = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"wasm", "application/wasm"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
  };
  auto it = types.find(extension);
  return it == types.end() ? "application/octet-stream" : it->second;
}

bool safeRelativePath(const std::string& path) {
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) return false;
  std::istringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part == "..") return false;
  }
  return true;
}

}  // namespace

void serveStaticFile(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response, const std::string& webRoot,
                     const std::string& path) {
  if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
    throw notFound("no such page: " + path);
  }
  if (webRoot.empty()) throw notFound("no web front end is configured (--web-root)");
  if (!safeRelativePath(path)) throw notFound("no such page: " + path);
  std::string relative = path == "/" || path.empty() ? "/index.html" : path;
  Poco::Path file(webRoot + relative);
  Poco::File f(file);
  if (!f.exists() || !f.isFile()) {
    if (file.getExtension().empty()) {
      file = Poco::Path(webRoot + "/index.html");
      f = Poco::File(file);
      if (!f.exists()) throw notFound("no such page: " + path);
    } else {
      throw notFound("no such file: " + path);
    }
  }
  std::string extension = file.getExtension();
  response.setContentType(contentTypeFor(extension));
  response.set("X-Content-Type-Options", "nosniff");
  // Built assets carry content hashes in their names; pages must be revalidated.
  response.set("Cache-Control", extension == "html" ? "no-cache" : "public, max-age=3600");
  response.sendFile(file.toString(), contentTypeFor(extension));
}

}  // namespace argan::server
