// The document store: content stored once per start-up by SHA-256, attachments to products,
// stages and batches, a visibility of their own narrowed by the owner's (stage evidence never
// public), retirement, limits.
#include "db/document_store.h"

#include "common/digest.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/pipeline_store.h"
#include "db/product_store.h"
#include "db_fixture.h"

using namespace argan;

namespace {

struct DocumentFixture : test::DbFixture {
  std::int64_t lab = startUp("Atlas Furanics");
  std::int64_t rival = startUp("Rival");
  db::Principal member = DbFixture::member(0, lab);
  db::Principal outsider = DbFixture::member(0, rival);
  db::Principal partner = [] {
    db::Principal p;
    p.role = db::Role::Partner;
    return p;
  }();
  db::Registration registration = registerOne();
  std::int64_t product = newProduct();

  db::Registration registerOne() {
    db::BatchInput batch;
    batch.submittedStructure = "CCO";
    batch.submittedFormat = "smiles";
    return database->write([&](db::Connection& c) {
      return db::registerCompound(c, clock, admin, lab, test::fakeIdentity("ethanol"),
                                  test::freeForm(), batch);
    });
  }

  std::int64_t newProduct() {
    db::ProductInput in;
    in.name = "Bio-ethanol";
    in.compoundId = registration.compound.id;
    return database->write(
        [&](db::Connection& c) { return db::createProduct(c, clock, admin, lab, in).id; });
  }

  db::Document attach(db::DocumentOwner owner, const std::string& name, const std::string& bytes,
                      const std::string& contentType = "") {
    db::NewDocument doc;
    doc.filename = name;
    doc.bytes = bytes;
    doc.contentType = contentType;
    return database->write(
        [&](db::Connection& c) { return db::attachDocument(c, clock, member, owner, doc, 1024); });
  }

  std::int64_t stageId(const std::string& key) {
    return database->read([&](db::Connection& c) { return db::findStage(c, product, key)->id; });
  }

  void publish() {
    database->write([&](db::Connection& c) {
      db::ProductInput in;
      in.visibility = "public";
      db::updateProduct(c, clock, admin, product, in);
    });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(document_store)

BOOST_AUTO_TEST_CASE(same_bytes_are_stored_once) {
  DocumentFixture f;
  std::string pdf = "%PDF-1.4 safety data sheet";
  auto first = f.attach({db::DocumentOwnerType::Product, f.product}, "sds.pdf", pdf);
  // Numbered by the time of creation (db/identifiers.h), not by a shared counter.
  BOOST_TEST(first.id == f.clock.nowMicros() / 1000 - db::kRecordIdEpochMs);
  BOOST_TEST(first.sha256 == sha256Hex(pdf));
  BOOST_TEST(first.size == static_cast<std::int64_t>(pdf.size()));
  BOOST_TEST(first.contentType == "application/pdf");
  BOOST_TEST(!first.storedBefore);
  auto second = f.attach({db::DocumentOwnerType::Stage, f.stageId("regulatory_safety")},
                         "SDS v1.pdf", pdf, "application/pdf");
  BOOST_TEST(second.storedBefore);
  BOOST_TEST(*second.stageKey == "regulatory_safety");
  BOOST_TEST(*second.productId == f.product);
  BOOST_TEST(f.count("document_contents") == 1);
  BOOST_TEST(f.count("document_attachments") == 2);
  BOOST_TEST(f.database->read([&](db::Connection& c) { return db::documentContent(c, first); }) ==
             pdf);
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write([](db::Connection& c) { c.exec("DELETE FROM document_contents"); });
  });
}

// Threat model, finding 3: uploading bytes another start-up holds privately answers exactly as
// for new bytes (no "stored_before"), and stores them for the uploader's start-up.
BOOST_AUTO_TEST_CASE(de_duplication_stays_within_the_owning_start_up) {
  DocumentFixture f;
  const std::string dossier = "%PDF-1.7 internal dossier of Atlas Furanics";
  auto own = f.attach({db::DocumentOwnerType::Product, f.product}, "dossier.pdf", dossier);
  BOOST_TEST(!own.storedBefore);
  std::int64_t rivalProduct = f.database->write([&](db::Connection& c) {
    auto reg = db::registerCompound(c, f.clock, f.admin, f.rival, test::fakeIdentity("methanol"),
                                    test::freeForm(), db::BatchInput{});
    db::ProductInput in;
    in.name = "Methanol";
    in.compoundId = reg.compound.id;
    return db::createProduct(c, f.clock, f.admin, f.rival, in).id;
  });
  db::NewDocument guess;
  guess.filename = "guess.pdf";
  guess.bytes = dossier;
  auto probe = f.database->write([&](db::Connection& c) {
    return db::attachDocument(c, f.clock, f.outsider, {db::DocumentOwnerType::Product, rivalProduct},
                              guess);
  });
  BOOST_TEST(!probe.storedBefore);
  BOOST_TEST(f.count("document_contents") == 2);
  BOOST_TEST(f.database->read([&](db::Connection& c) { return db::documentContent(c, probe); }) ==
             dossier);
}

BOOST_AUTO_TEST_CASE(uploads_are_checked) {
  DocumentFixture f;
  db::DocumentOwner owner{db::DocumentOwnerType::Product, f.product};
  test::expectError(ErrorCode::InvalidArgument, [&] { f.attach(owner, "empty.txt", ""); });
  test::expectError(ErrorCode::PayloadTooLarge,
                    [&] { f.attach(owner, "big.bin", std::string(1025, 'x')); });
  test::expectError(ErrorCode::InvalidArgument, [&] { f.attach(owner, "../etc/passwd", "x"); });
  test::expectError(ErrorCode::InvalidArgument, [&] { f.attach(owner, "", "x"); });
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { f.attach(owner, "a.txt", "x", "not a type"); });
  db::NewDocument doc;
  doc.filename = "a.txt";
  doc.bytes = "x";
  doc.kind = "selfie";
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::attachDocument(c, f.clock, f.member, owner, doc); });
  });
  BOOST_TEST(f.count("documents") == 0);
  BOOST_TEST(f.count("document_attachments") == 0);
  // A declared type wins unless it is the generic octet-stream.
  BOOST_TEST(f.attach(owner, "data.jdx", "##TITLE", "application/octet-stream").contentType ==
             "chemical/x-jcamp-dx");
  BOOST_TEST(f.attach(owner, "notes", "hello", "Text/Plain; charset=utf-8").contentType ==
             "text/plain; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(the_narrower_of_document_and_owner_applies) {
  DocumentFixture f;
  auto productDoc = f.attach({db::DocumentOwnerType::Product, f.product}, "datasheet.pdf", "A");
  auto stageDoc = f.attach({db::DocumentOwnerType::Stage, f.stageId("scale_up")}, "pilot.csv", "B");
  auto batchDoc = f.attach({db::DocumentOwnerType::Batch, f.registration.batch.id}, "nmr.jdx", "C");
  BOOST_TEST(*batchDoc.batchCode == f.registration.batch.code());
  auto sees = [&](const db::Principal& who, const db::Document& d) {
    return f.database->read(
        [&](db::Connection& c) { return db::findDocument(c, who, d.id).has_value(); });
  };
  for (const auto& d : {productDoc, stageDoc, batchDoc}) {
    BOOST_TEST(sees(f.member, d));
    BOOST_TEST(sees(f.admin, d));
    BOOST_TEST(!sees(f.outsider, d));
    BOOST_TEST(!sees(f.partner, d));
  }
  // Threat model, finding 8: publishing the product publishes none of its files.
  f.publish();
  for (const auto& d : {productDoc, stageDoc, batchDoc}) {
    BOOST_TEST(!sees(f.outsider, d));
    BOOST_TEST(!sees(f.partner, d));
    BOOST_TEST(!sees(db::Principal::anonymous(), d));
  }
  auto setVisibility = [&](const db::Principal& who, const db::Document& d, db::Visibility to) {
    return f.database->write([&](db::Connection& c) {
      return db::changeDocumentVisibility(c, f.clock, who, d.id, to, std::string("for the test"));
    });
  };
  test::expectError(ErrorCode::NotFound,
                    [&] { setVisibility(f.outsider, productDoc, db::Visibility::Public); });
  test::expectError(ErrorCode::PermissionDenied,
                    [&] { setVisibility(f.member, productDoc, db::Visibility::Public); });
  for (const auto& d : {productDoc, stageDoc, batchDoc}) {
    auto changed = setVisibility(f.admin, d, db::Visibility::Public);
    BOOST_TEST(changed.documentVisibility == "public");
  }
  BOOST_TEST(sees(f.partner, productDoc));
  BOOST_TEST(sees(db::Principal::anonymous(), productDoc));
  BOOST_TEST(!sees(f.partner, stageDoc));  // the pipeline is never public
  BOOST_TEST(sees(f.outsider, stageDoc));
  BOOST_TEST(!sees(f.outsider, batchDoc));  // the batch is still the start-up's
  // Back to the team: the narrower (the document's) applies again.
  setVisibility(f.admin, productDoc, db::Visibility::StartUp);
  BOOST_TEST(!sees(f.partner, productDoc));
  setVisibility(f.admin, productDoc, db::Visibility::Public);
  auto listed = f.database->read([&](db::Connection& c) {
    return db::listDocuments(c, f.partner, {db::DocumentOwnerType::Product, f.product});
  });
  BOOST_TEST(listed.size() == 1u);
  BOOST_TEST(listed.front().visibility == "public");
}

BOOST_AUTO_TEST_CASE(retired_documents_keep_their_bytes) {
  DocumentFixture f;
  auto doc = f.attach({db::DocumentOwnerType::Product, f.product}, "old.pdf", "old");
  test::expectError(ErrorCode::InvalidArgument, [&] {
    f.database->write(
        [&](db::Connection& c) { db::retireDocument(c, f.clock, f.member, doc.id, ""); });
  });
  test::expectError(ErrorCode::NotFound, [&] {
    f.database->write(
        [&](db::Connection& c) { db::retireDocument(c, f.clock, f.outsider, doc.id, "x"); });
  });
  auto retired = f.database->write([&](db::Connection& c) {
    return db::retireDocument(c, f.clock, f.member, doc.id, "superseded by v2");
  });
  BOOST_TEST(*retired.retiredReason == "superseded by v2");
  test::expectError(ErrorCode::FailedPrecondition, [&] {
    f.database->write(
        [&](db::Connection& c) { db::retireDocument(c, f.clock, f.member, doc.id, "again"); });
  });
  auto live = f.database->read([&](db::Connection& c) {
    return db::listDocuments(c, f.member, {db::DocumentOwnerType::Product, f.product});
  });
  BOOST_TEST(live.empty());
  auto all = f.database->read([&](db::Connection& c) {
    return db::listDocuments(c, f.member, {db::DocumentOwnerType::Product, f.product}, true);
  });
  BOOST_TEST(all.size() == 1u);
  BOOST_TEST(f.count("document_contents") == 1);
  auto entries = f.database->read(
      [&](db::Connection& c) { return db::auditEntriesFor(c, "document", doc.code()); });
  BOOST_TEST(entries.size() == 2u);
  BOOST_TEST(entries.back().action == "retire");
}

BOOST_AUTO_TEST_SUITE_END()
