// The web front end's files (server/http/static_files.cpp): precompressed copies chosen by
// Accept-Encoding, cache lifetimes by kind of file, ETag revalidation, client-side routes.
#include <boost/test/unit_test.hpp>

#include <Poco/File.h>

#include <fstream>

#include "test_server.h"

using argan::test::HttpResult;
using argan::test::TempDir;
using argan::test::TestServer;

namespace {

void writeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// A web root as `npm run build` leaves it: index.html, a hashed script with its brotli and
// gzip copies (stand-in bytes: the server sends them as they are), an unhashed icon.
struct WebRoot {
  TempDir dir;
  WebRoot() {
    Poco::File(dir.file("assets")).createDirectories();
    writeFile(dir.file("index.html"), "<!doctype html><title>Argan</title>");
    writeFile(dir.file("assets/app-3f9a.js"), "console.log('the script itself');");
    writeFile(dir.file("assets/app-3f9a.js.br"), "BROTLI BYTES");
    writeFile(dir.file("assets/app-3f9a.js.gz"), "GZIP BYTES");
    writeFile(dir.file("assets/plain-77aa.css"), "body{}");
    writeFile(dir.file("favicon.svg"), "<svg/>");
  }
};

argan::server::AppConfig withWebRoot(const WebRoot& root) {
  argan::server::AppConfig config;
  config.webRoot = root.dir.path();
  return config;
}

HttpResult get(TestServer& server, const std::string& path,
               const std::map<std::string, std::string>& headers = {}) {
  return server.call("GET", path, "", "", "application/json", headers);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(static_files)

BOOST_AUTO_TEST_CASE(brotli_first_then_gzip_then_the_file_itself) {
  WebRoot root;
  TestServer server(withWebRoot(root));

  HttpResult br = get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  BOOST_TEST(br.status == 200);
  BOOST_TEST(br.body == "BROTLI BYTES");
  BOOST_TEST(br.headers["Content-Encoding"] == "br");
  BOOST_TEST(br.headers["Content-Type"] == "text/javascript; charset=utf-8");
  BOOST_TEST(br.headers["Vary"] == "Accept-Encoding");

  HttpResult gz = get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "gzip"}});
  BOOST_TEST(gz.body == "GZIP BYTES");
  BOOST_TEST(gz.headers["Content-Encoding"] == "gzip");

  // q=0 refuses a coding, even when "*" would allow it.
  HttpResult refused = get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "br;q=0, *"}});
  BOOST_TEST(refused.body == "GZIP BYTES");

  HttpResult plain = get(server, "/assets/app-3f9a.js");
  BOOST_TEST(plain.body == "console.log('the script itself');");
  BOOST_TEST(plain.headers.count("Content-Encoding") == 0u);
  BOOST_TEST(plain.headers["Vary"] == "Accept-Encoding");

  HttpResult identity = get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "identity"}});
  BOOST_TEST(identity.body == "console.log('the script itself');");
}

BOOST_AUTO_TEST_CASE(a_file_without_compressed_copies_is_sent_as_it_is) {
  WebRoot root;
  TestServer server(withWebRoot(root));
  HttpResult css = get(server, "/assets/plain-77aa.css", {{"Accept-Encoding", "br, gzip"}});
  BOOST_TEST(css.status == 200);
  BOOST_TEST(css.body == "body{}");
  BOOST_TEST(css.headers.count("Content-Encoding") == 0u);
  BOOST_TEST(css.headers.count("Vary") == 0u);
}

BOOST_AUTO_TEST_CASE(compressed_copies_are_not_files_of_their_own) {
  WebRoot root;
  TestServer server(withWebRoot(root));
  BOOST_TEST(get(server, "/assets/app-3f9a.js.br").status == 404);
  BOOST_TEST(get(server, "/assets/app-3f9a.js.gz").status == 404);
}

BOOST_AUTO_TEST_CASE(hashed_assets_are_kept_a_year_pages_are_revalidated) {
  WebRoot root;
  TestServer server(withWebRoot(root));
  BOOST_TEST(get(server, "/assets/app-3f9a.js").headers["Cache-Control"] ==
             "public, max-age=31536000, immutable");
  BOOST_TEST(get(server, "/").headers["Cache-Control"] == "no-cache");
  BOOST_TEST(get(server, "/favicon.svg").headers["Cache-Control"] == "public, max-age=3600");
  // A client-side route answers the page, which is revalidated too.
  HttpResult route = get(server, "/compounds/CMP-000001");
  BOOST_TEST(route.status == 200);
  BOOST_TEST(route.body == "<!doctype html><title>Argan</title>");
  BOOST_TEST(route.headers["Cache-Control"] == "no-cache");
}

BOOST_AUTO_TEST_CASE(a_matching_etag_answers_304_without_a_body) {
  WebRoot root;
  TestServer server(withWebRoot(root));
  HttpResult first = get(server, "/");
  std::string tag = first.headers["ETag"];
  BOOST_TEST(!tag.empty());
  HttpResult again = get(server, "/", {{"If-None-Match", tag}});
  BOOST_TEST(again.status == 304);
  BOOST_TEST(again.body.empty());
  BOOST_TEST(get(server, "/", {{"If-None-Match", "\"other\""}}).status == 200);

  // Each encoding has its own tag: a cached gzip copy never validates the brotli one.
  std::string brTag = get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "br"}}).headers["ETag"];
  std::string gzTag = get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "gzip"}}).headers["ETag"];
  BOOST_TEST(brTag != gzTag);
  BOOST_TEST(get(server, "/assets/app-3f9a.js", {{"Accept-Encoding", "br"}, {"If-None-Match", gzTag}})
                 .status == 200);

  // A changed file gets a new tag.
  writeFile(root.dir.file("index.html"), "<!doctype html><title>Argan, rebuilt</title>");
  BOOST_TEST(get(server, "/", {{"If-None-Match", tag}}).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
