// Serves the web front end from a directory: exact files, and index.html for any other
// path without an extension (client-side routes). Paths are confined to the root.
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
