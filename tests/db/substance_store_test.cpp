// The substance store: codes, field checks naming the field, visibility in every read,
// retiring instead of deleting, the audit trail, certificates kept as recorded, and documents
// of substance batches in the one document store.
#include "db/substance_store.h"

#include "common/error.h"
#include "db/audit.h"
#include "db/document_store.h"
#include "db/lifecycle.h"
#include "db_fixture.h"

using namespace argan;

namespace {

struct SubstanceFixture : test::DbFixture {
  std::int64_t lab = startUp("Argane Coques");
  std::int64_t other = startUp("Noyaux de Dattes");
  db::Principal member = DbFixture::member(0, lab);
  db::Principal outsider = DbFixture::member(0, other);

  static db::SubstanceSpec carbon(const std::string& name) {
    db::SubstanceSpec spec;
    spec.kind = "material";
    spec.name = name;
    spec.source.species = "Argania spinosa";
    spec.source.process = "H3PO4 activation";
    db::PropertyValue area;
    area.key = "surface_area_bet";
    area.typical = 1372;
    spec.properties.push_back(area);
    return spec;
  }
  db::Substance create(const db::SubstanceSpec& spec, const db::Principal& who) {
    return database->write(
        [&](db::Connection& c) { return db::createSubstance(c, clock, who, lab, spec, "key"); });
  }
  std::string fieldOf(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      auto f = e.details().find("field");
      return f == e.details().end() ? "(no field)" : std::get<std::string>(f->second);
    }
    return "(accepted)";
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(substance_store)

BOOST_AUTO_TEST_CASE(codes) {
  BOOST_TEST(db::substanceCode(123) == "SUB-000123");
  BOOST_TEST(db::substanceBatchCode(123, 4) == "SUB-000123-B004");
  auto parsed = db::parseSubstanceCode("sub-000123-b004");
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->substanceId == 123);
  BOOST_TEST(*parsed->batchNumber == 4);
  BOOST_TEST(db::parseSubstanceCode("42")->substanceId == 42);
  for (const char* bad : {"", "SUB-", "CMP-000001", "SUB-0", "SUB-1-B", "SUB-1-Bx", "SUB-1-B0", "-1"}) {
    BOOST_TEST(!db::parseSubstanceCode(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(fields_are_checked_by_name) {
  SubstanceFixture f;
  auto check = [&](const std::function<void(db::SubstanceSpec&)>& edit) {
    db::SubstanceSpec spec = SubstanceFixture::carbon("Char");
    edit(spec);
    return f.fieldOf([&] { db::validateSubstanceFields(spec); });
  };
  BOOST_TEST(check([](db::SubstanceSpec&) {}) == "(accepted)");
  BOOST_TEST(check([](db::SubstanceSpec& s) { s.casNumber = "7440-44-0"; }) == "(accepted)");
  BOOST_TEST(check([](db::SubstanceSpec& s) { s.casNumber = "7440-44-1"; }) == "cas_number");
  BOOST_TEST(check([](db::SubstanceSpec& s) { s.name = "  "; }) == "name");
  BOOST_TEST(check([](db::SubstanceSpec& s) { s.kind = "gel"; }) == "kind");
  auto constituent = [](const std::string& name, const std::string& role, double typical,
                        std::optional<double> min = std::nullopt,
                        std::optional<double> max = std::nullopt) {
    db::Constituent k;
    k.name = name;
    k.role = role;
    k.typical = typical;
    k.min = min;
    k.max = max;
    return k;
  };
  BOOST_TEST(check([&](db::SubstanceSpec& s) {
               s.constituents.push_back(constituent("carbon", "constituent", 90, 95, 92));
             }) == "constituents[0].min");
  BOOST_TEST(check([&](db::SubstanceSpec& s) {
               s.constituents.push_back(constituent("carbon", "binder", 90));
             }) == "constituents[0].role");
  BOOST_TEST(check([&](db::SubstanceSpec& s) {
               s.constituents.push_back(constituent("carbon", "constituent", 90));
               s.constituents.push_back(constituent("Carbon ", "constituent", 10));
             }) == "constituents[1].name");
  BOOST_TEST(check([](db::SubstanceSpec& s) { s.properties[0].min = 2000; }) ==
             "properties[0].typical");
  BOOST_TEST(check([](db::SubstanceSpec& s) { s.mn = 100; s.mw = 50; }) == "mw");
}

BOOST_AUTO_TEST_CASE(visibility_retirement_and_audit) {
  SubstanceFixture f;
  db::Substance s = f.create(SubstanceFixture::carbon("AC-HP"), f.member);
  BOOST_TEST(s.code() == db::substanceCode(s.id));
  f.database->read([&](db::Connection& c) {
    BOOST_TEST(db::findSubstance(c, f.member, s.id).has_value());
    BOOST_TEST(!db::findSubstance(c, f.outsider, s.id).has_value());
    BOOST_TEST(!db::findSubstance(c, db::Principal::anonymous(), s.id).has_value());
    BOOST_TEST(db::listSubstances(c, f.outsider, {}, 0, 50).total == 0);
    BOOST_TEST(db::listSubstances(c, f.member, {}, 0, 50).total == 1);
    return 0;
  });
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
                      return db::createSubstance(c, f.clock, f.outsider, f.lab,
                                                 SubstanceFixture::carbon("X"), "k");
                    }),
                    Error);
  f.database->write([&](db::Connection& c) {
    db::retireRecord(c, f.clock, f.member,
                     {"substances", "substance", s.code(), s.id, f.lab}, "superseded");
    return 0;
  });
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
                      c.exec("DELETE FROM substances");
                      return 0;
                    }),
                    Error);
  f.database->read([&](db::Connection& c) {
    auto entries = db::auditEntriesFor(c, "substance", s.code());
    BOOST_TEST_REQUIRE(entries.size() == 2u);
    BOOST_TEST(entries[0].action == "create");
    BOOST_TEST(entries[0].afterJson->find("surface_area_bet") != std::string::npos);
    BOOST_TEST(entries[1].action == "retire");
    BOOST_TEST(db::verifyAuditChain(c).ok);
    BOOST_TEST(db::listSubstances(c, f.member, {}, 0, 50).total == 0);
    return 0;
  });
}

BOOST_AUTO_TEST_CASE(certificates_and_documents) {
  SubstanceFixture f;
  db::Substance s = f.create(SubstanceFixture::carbon("AC-HP"), f.member);
  db::SubstanceBatchInput input;
  input.amount = 5;
  input.amountUnit = "kg";
  db::BatchResult area;
  area.propertyKey = "surface_area_bet";
  area.value = 1290;
  input.results.push_back(area);
  db::SubstanceBatch b = f.database->write([&](db::Connection& c) {
    return db::createSubstanceBatch(c, f.clock, f.member, s.id, input);
  });
  BOOST_TEST(b.code() == s.code() + "-B001");
  BOOST_TEST_REQUIRE(b.results.size() == 1u);
  BOOST_TEST(b.results[0].unit == "m2/g");
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
                      c.exec("UPDATE substance_batch_results SET value = 2000");
                      return 0;
                    }),
                    Error);
  auto doc = f.database->write([&](db::Connection& c) {
    db::NewDocument d;
    d.filename = "coa.pdf";
    d.kind = "certificate";
    d.bytes = "%PDF certificate";
    return db::attachDocument(c, f.clock, f.member, {db::DocumentOwnerType::SubstanceBatch, b.id}, d);
  });
  BOOST_TEST(doc.ownerType == "substance_batch");
  BOOST_TEST(*doc.batchCode == s.code() + "-B001");
  f.database->read([&](db::Connection& c) {
    BOOST_TEST(db::findDocument(c, f.member, doc.id).has_value());
    BOOST_TEST(!db::findDocument(c, f.outsider, doc.id).has_value());
    return 0;
  });
  // An unknown owner type is refused by the schema.
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
                      c.exec("INSERT INTO document_attachments(sha256, owner_type, owner_id,"
                             " filename, content_type, created_at) SELECT sha256, 'tractor', 1, 'x',"
                             " 'text/plain', 'now' FROM documents LIMIT 1");
                      return 0;
                    }),
                    Error);
}

BOOST_AUTO_TEST_SUITE_END()
