// Serves the web front end from a directory: exact files, and index.html for any other
// path without an extension (client-side routes). Paths are confined to the root.
//
// A file with a `.br` / `.gz` copy beside it (written by web/scripts/precompress.mjs) is sent
// as that copy, with Content-Encoding, when Accept-Encoding allows (brotli first), and every
// such answer carries `Vary: Accept-Encoding`; the copies are not served under their own
// names. Files under /assets/ (content-hashed names) are cacheable for a year (`immutable`),
// HTML must be revalidated (`no-cache`), anything else for an hour. Every answer has an ETag
// (size, modification time, encoding); a matching If-None-Match answers 304.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

namespace argan::server {

// Throws argan::Error(NotFound) when there is no such file (or no web root configured).
void serveStaticFile(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response, const std::string& webRoot,
                     const std::string& path);

}  // namespace argan::server
