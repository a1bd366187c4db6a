#include "db/identifiers.h"

#include "test_support.h"

using namespace argan::db;

BOOST_AUTO_TEST_SUITE(identifiers)

BOOST_AUTO_TEST_CASE(formats_and_parses_codes) {
  BOOST_TEST(compoundCode(123) == "CMP-000123");
  BOOST_TEST(formCode(123, 2) == "CMP-000123-F2");
  BOOST_TEST(batchCode(123, 2, 4) == "CMP-000123-F2-B004");
  BOOST_TEST(compoundCode(12345678) == "CMP-12345678");
  auto batch = parseCode("cmp-000123-f2-b004");
  BOOST_REQUIRE(batch);
  BOOST_TEST(batch->compoundId == 123);
  BOOST_TEST(*batch->formNumber == 2);
  BOOST_TEST(*batch->batchNumber == 4);
  BOOST_TEST(parseCode("42")->compoundId == 42);
  BOOST_TEST(!parseCode("CMP-"));
  BOOST_TEST(!parseCode("CMP-0"));
  BOOST_TEST(!parseCode("CMP-12x"));
  BOOST_TEST(!parseCode("CMP-1-B2"));
  BOOST_TEST(!parseCode("'; DROP TABLE compounds; --"));
  BOOST_TEST(!parseCode("CMP-99999999999999999999"));
}

BOOST_AUTO_TEST_SUITE_END()
