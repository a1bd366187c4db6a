#include "server/http/static_files.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include <cstdlib>
#include <optional>
#include <map>
#include <sstream>
#include <utility>

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

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// True when the Accept-Encoding header accepts `coding` (RFC 9110 §12.5.3): listed by name,
// or through "*", with a q-value above 0. An explicit entry wins over "*".
bool acceptsEncoding(const std::string& header, const std::string& coding) {
  std::optional<bool> named;
  std::optional<bool> wildcard;
  std::istringstream entries(header);
  std::string entry;
  while (std::getline(entries, entry, ',')) {
    std::istringstream fields(entry);
    std::string name;
    std::getline(fields, name, ';');
    name = Poco::toLower(Poco::trim(name));
    double q = 1.0;
    std::string parameter;
    while (std::getline(fields, parameter, ';')) {
      parameter = Poco::trim(parameter);
      if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
          parameter[1] == '=') {
        q = std::strtod(parameter.c_str() + 2, nullptr);
      }
    }
    if (name == coding) named = q > 0;
    if (name == "*") wildcard = q > 0;
  }
  if (named) return *named;
  return wildcard.value_or(false);
}

// A validator that changes whenever the file does (size and modification time).
std::string entityTag(Poco::File& file) {
  return "\"" + std::to_string(file.getSize()) + "-" +
         std::to_string(file.getLastModified().epochMicroseconds()) + "\"";
}

bool matchesIfNoneMatch(const std::string& header, const std::string& tag) {
  if (Poco::trim(header) == "*") return true;
  std::istringstream tags(header);
  std::string candidate;
  while (std::getline(tags, candidate, ',')) {
    candidate = Poco::trim(candidate);
    if (candidate.rfind("W/", 0) == 0) candidate = candidate.substr(2);
    if (candidate == tag) return true;
  }
  return false;
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
  // The compressed copies are another encoding of a file, never a file of their own.
  if (endsWith(path, ".br") || endsWith(path, ".gz")) throw notFound("no such file: " + path);
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
  std::string contentType = contentTypeFor(extension);
  response.set("X-Content-Type-Options", "nosniff");
  // Vite names the files under /assets/ by their content hash: a name never changes meaning,
  // so browsers keep them for a year without asking. Pages and unhashed files are revalidated.
  bool hashed = relative.rfind("/assets/", 0) == 0;
  if (hashed) {
    response.set("Cache-Control", "public, max-age=31536000, immutable");
  } else if (extension == "html") {
    response.set("Cache-Control", "no-cache");
  } else {
    response.set("Cache-Control", "public, max-age=3600");
  }

  // The ready-made compressed copies `npm run build` writes next to each file
  // (web/scripts/precompress.mjs): brotli, else gzip, when the browser accepts it.
  std::string served = file.toString();
  std::string encoding;
  std::string accepted = request.get("Accept-Encoding", "");
  bool compressedExists = false;
  for (const auto& [coding, suffix] : {std::pair<std::string, std::string>{"br", ".br"},
                                       std::pair<std::string, std::string>{"gzip", ".gz"}}) {
    Poco::File copy(file.toString() + suffix);
    if (!copy.exists() || !copy.isFile()) continue;
    compressedExists = true;
    if (encoding.empty() && acceptsEncoding(accepted, coding)) {
      encoding = coding;
      served = copy.path();
    }
  }
  if (compressedExists) response.set("Vary", "Accept-Encoding");

  Poco::File sent(served);
  std::string tag = entityTag(sent);
  if (!encoding.empty()) tag.insert(tag.size() - 1, "-" + encoding);
  response.set("ETag", tag);
  if (request.has("If-None-Match") && matchesIfNoneMatch(request.get("If-None-Match"), tag)) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    response.setContentLength(0);
    response.send();
    return;
  }
  if (!encoding.empty()) response.set("Content-Encoding", encoding);
  response.sendFile(served, contentType);
}

}  // namespace argan::server
