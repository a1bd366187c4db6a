// Documents over real HTTP: raw and multipart uploads, stored once by SHA-256, downloads with
// their content type, the size limit (413), empty uploads (400), visibility like the owner.
#include "common/digest.h"
#include "product_test_support.h"

using namespace argan;
using test::ProductLab;

namespace {

server::AppConfig smallUploads() {
  server::AppConfig config;
  config.maxUploadBytes = 4096;
  return config;
}

std::string multipart(const std::string& boundary, const std::string& filename,
                      const std::string& type, const std::string& bytes, const std::string& kind) {
  std::string b;
  b += "--" + boundary + "\r\n";
  b += "Content-Disposition: form-data; name=\"kind\"\r\n\r\n" + kind + "\r\n";
  b += "--" + boundary + "\r\n";
  b += "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n";
  b += "Content-Type: " + type + "\r\n\r\n" + bytes + "\r\n";
  b += "--" + boundary + "--\r\n";
  return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_documents)

BOOST_AUTO_TEST_CASE(upload_download_and_store_once) {
  ProductLab lab(smallUploads());
  std::string id = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  std::string pdf = std::string("%PDF-1.4\n") + std::string(300, '\x01') + "\n%%EOF";
  pdf[20] = '\0';  // binary content survives
  auto up = lab.server.call("POST",
                            "/api/products/" + id +
                                "/stages/regulatory_safety/documents?filename=SDS%20GVL%20v1.pdf"
                                "&kind=sds&title=Safety%20data%20sheet",
                            pdf, lab.member, "application/pdf");
  BOOST_TEST_REQUIRE(up.status == 201, up.body);
  auto doc = up.json();
  std::string docId = doc->getValue<std::string>("id");
  BOOST_TEST(docId.rfind("DOC-", 0) == 0u);
  BOOST_TEST(doc->getValue<std::string>("sha256") == sha256Hex(pdf));
  BOOST_TEST(doc->getValue<std::size_t>("size") == pdf.size());
  BOOST_TEST(doc->getValue<std::string>("kind") == "sds");
  BOOST_TEST(doc->getValue<std::string>("filename") == "SDS GVL v1.pdf");
  BOOST_TEST(doc->getObject("owner")->getValue<std::string>("stage") == "regulatory_safety");
  BOOST_TEST(!doc->getValue<bool>("stored_before"));

  auto down = lab.server.call("GET", "/api/documents/" + docId + "/content", "", lab.member);
  BOOST_TEST_REQUIRE(down.status == 200);
  BOOST_TEST((down.body == pdf));
  BOOST_TEST(down.headers["Content-Type"] == "application/pdf");
  BOOST_TEST(down.headers["Content-Disposition"].find("attachment; filename=\"SDS GVL v1.pdf\"") ==
             0u);
  BOOST_TEST(down.headers["ETag"] == "\"" + sha256Hex(pdf) + "\"");

  // The same file as a product document, sent as multipart: stored once.
  std::string boundary = "argan-test-boundary";
  auto again = lab.server.call("POST", "/api/products/" + id + "/documents",
                               multipart(boundary, "sds.pdf", "application/pdf", pdf, "sds"),
                               lab.member, "multipart/form-data; boundary=" + boundary);
  BOOST_TEST_REQUIRE(again.status == 201, again.body);
  BOOST_TEST(again.json()->getValue<bool>("stored_before"));
  BOOST_TEST(again.json()->getValue<std::string>("sha256") == sha256Hex(pdf));
  BOOST_TEST(lab.server.count("documents") == 1);
  BOOST_TEST(lab.server.count("document_attachments") == 2);
  auto listed = lab.server.call("GET", "/api/products/" + id + "/documents", "", lab.member);
  BOOST_TEST(listed.json()->getValue<int>("total") == 1);
  auto stageListed = lab.server.call(
      "GET", "/api/products/" + id + "/stages/regulatory_safety/documents", "", lab.member);
  BOOST_TEST(stageListed.json()->getValue<int>("total") == 1);
  auto stage =
      lab.server.call("GET", "/api/products/" + id + "/stages/regulatory_safety", "", lab.member);
  BOOST_TEST(stage.json()->getValue<int>("documents") == 1);

  // A content type from the name when the client says nothing useful.
  auto csv = lab.server.call("POST", "/api/products/" + id + "/documents?filename=pilot.csv",
                             "batch,yield\n1,92\n", lab.member, "application/octet-stream");
  BOOST_TEST_REQUIRE(csv.status == 201, csv.body);
  BOOST_TEST(csv.json()->getValue<std::string>("content_type") == "text/csv");
}

BOOST_AUTO_TEST_CASE(oversized_empty_and_malformed_uploads_are_refused) {
  ProductLab lab(smallUploads());
  std::string id = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  std::string path = "/api/products/" + id + "/documents?filename=a.bin";
  std::string before = lab.state();
  auto big =
      lab.server.call("POST", path, std::string(4097, 'x'), lab.member, "application/octet-stream");
  BOOST_TEST(big.status == 413);
  BOOST_TEST(big.errorMessage().find("4096") != std::string::npos);
  auto huge = lab.server.call("POST", path, std::string(200000, 'x'), lab.member,
                              "application/octet-stream");
  BOOST_TEST(huge.status == 413);
  std::string boundary = "b0undary";
  auto bigPart = lab.server.call(
      "POST", "/api/products/" + id + "/documents",
      multipart(boundary, "big.bin", "application/octet-stream", std::string(5000, 'y'), "report"),
      lab.member, "multipart/form-data; boundary=" + boundary);
  BOOST_TEST(bigPart.status == 413);
  auto empty = lab.server.call("POST", path, "", lab.member, "application/octet-stream");
  BOOST_TEST(empty.status == 400);
  BOOST_TEST(empty.errorMessage().find("empty") != std::string::npos);
  auto emptyPart = lab.server.call("POST", "/api/products/" + id + "/documents",
                                   multipart(boundary, "e.txt", "text/plain", "", "report"),
                                   lab.member, "multipart/form-data; boundary=" + boundary);
  BOOST_TEST(emptyPart.status == 400);
  auto noFile = lab.server.call("POST", "/api/products/" + id + "/documents",
                                "--" + boundary +
                                    "\r\nContent-Disposition: form-data; "
                                    "name=\"kind\"\r\n\r\nsds\r\n--" +
                                    boundary + "--\r\n",
                                lab.member, "multipart/form-data; boundary=" + boundary);
  BOOST_TEST(noFile.status == 400);
  auto badKind = lab.server.call("POST", path + "&kind=selfie", "x", lab.member, "text/plain");
  BOOST_TEST(badKind.status == 400);
  BOOST_TEST(badKind.errorMessage().find("sds") != std::string::npos);
  auto noStage = lab.server.call("POST", "/api/products/" + id + "/stages/nowhere/documents", "x",
                                 lab.member, "text/plain");
  BOOST_TEST(noStage.status == 404);
  BOOST_TEST(lab.server.call("POST", path, "x", lab.other, "text/plain").status == 404);
  BOOST_TEST(lab.server.call("POST", path, "x", lab.partner, "text/plain").status == 403);
  BOOST_TEST(lab.state() == before);
}

BOOST_AUTO_TEST_CASE(visibility_is_the_owners) {
  ProductLab lab;
  std::string id = lab.product("GVL", lab.compound("CC1CCC(=O)O1", lab.member, lab.startUp));
  auto datasheet = lab.server.call("POST",
                                   "/api/products/" + id +
                                       "/documents?filename=datasheet.pdf"
                                       "&kind=datasheet",
                                   "%PDF datasheet", lab.member, "application/pdf");
  auto pilot = lab.server.call(
      "POST", "/api/products/" + id + "/stages/scale_up/documents?filename=pilot.txt",
      "pilot run 3", lab.member, "text/plain");
  std::string d1 = datasheet.json()->getValue<std::string>("id");
  std::string d2 = pilot.json()->getValue<std::string>("id");
  for (const auto& token : {lab.other, lab.partner, std::string()}) {
    BOOST_TEST(lab.server.call("GET", "/api/documents/" + d1, "", token).status == 404);
    BOOST_TEST(lab.server.call("GET", "/api/documents/" + d1 + "/content", "", token).status ==
               404);
  }
  // Publishing the product does not publish its files: each keeps its own visibility
  // ('start-up' when attached) and the narrower of the two applies.
  BOOST_TEST_REQUIRE(
      lab.server.call("PATCH", "/api/products/" + id, R"({"visibility": "public"})", lab.lead)
          .status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/documents/" + d1 + "/content").status == 404);
  BOOST_TEST(lab.server.call("GET", "/api/documents/" + d2 + "/content", "", lab.other).status ==
             404);
  auto own = lab.server.call("GET", "/api/documents/" + d1, "", lab.member);
  BOOST_TEST_REQUIRE(own.status == 200, own.body);
  BOOST_TEST(own.json()->getValue<std::string>("document_visibility") == "start-up");
  BOOST_TEST(own.json()->getValue<std::string>("owner_visibility") == "public");
  BOOST_TEST(own.json()->getValue<std::string>("visibility") == "start-up");
  // Published on its own, the datasheet is public like its product.
  auto published = lab.server.call("PATCH", "/api/documents/" + d1,
                                   R"({"visibility": "public", "reason": "datasheet"})", lab.lead);
  BOOST_TEST_REQUIRE(published.status == 200, published.body);
  BOOST_TEST(published.json()->getValue<std::string>("visibility") == "public");
  auto publicDoc = lab.server.call("GET", "/api/documents/" + d1 + "/content");
  BOOST_TEST(publicDoc.status == 200);
  BOOST_TEST(publicDoc.body == "%PDF datasheet");
  // Stage evidence published stays within the cluster (the pipeline is never public).
  BOOST_TEST_REQUIRE(lab.server
                         .call("PATCH", "/api/documents/" + d2, R"({"visibility": "public"})",
                               lab.lead)
                         .status == 200);
  BOOST_TEST(lab.server.call("GET", "/api/documents/" + d2 + "/content", "", lab.partner).status ==
             404);
  BOOST_TEST(lab.server.call("GET", "/api/documents/" + d2 + "/content", "", lab.other).status ==
             200);
  // Another start-up may not change a file it sees.
  BOOST_TEST(lab.server
                 .call("PATCH", "/api/documents/" + d2, R"({"visibility": "start-up"})", lab.other)
                 .status == 403);
  // Retiring: the team only, with a reason.
  BOOST_TEST(
      lab.server.call("POST", "/api/documents/" + d2 + "/retire", R"({"reason": "x"})", lab.other)
          .status == 403);
  auto retired = lab.server.call("POST", "/api/documents/" + d2 + "/retire",
                                 R"({"reason": "wrong run"})", lab.member);
  BOOST_TEST(retired.status == 200);
  BOOST_TEST(retired.json()->getValue<std::string>("retired_reason") == "wrong run");
  auto stageDocs =
      lab.server.call("GET", "/api/products/" + id + "/stages/scale_up/documents", "", lab.member);
  BOOST_TEST(stageDocs.json()->getValue<int>("total") == 0);
}

BOOST_AUTO_TEST_CASE(batches_take_analyses) {
  ProductLab lab;
  auto reg = lab.server.call(
      "POST", "/api/compounds",
      test::structureBody("CC1CCC(=O)O1", "\"start_up\": " + std::to_string(lab.startUp)),
      lab.member);
  std::string batch = reg.json()->getObject("batch")->getValue<std::string>("id");
  std::string path = "/api/batches/" + batch + "/documents";
  auto up = lab.server.call("POST", path + "?filename=nmr.jdx&kind=analysis", "##TITLE=GVL",
                            lab.member, "application/octet-stream");
  BOOST_TEST_REQUIRE(up.status == 201, up.body);
  BOOST_TEST(up.json()->getObject("owner")->getValue<std::string>("batch") == batch);
  BOOST_TEST(up.json()->getValue<std::string>("content_type") == "chemical/x-jcamp-dx");
  BOOST_TEST(lab.server.call("GET", path, "", lab.member).json()->getValue<int>("total") == 1);
  BOOST_TEST(lab.server.call("GET", path, "", lab.other).status == 404);
  BOOST_TEST(
      lab.server.call("POST", path + "?filename=x.txt", "x", lab.other, "text/plain").status ==
      404);
}

BOOST_AUTO_TEST_SUITE_END()
