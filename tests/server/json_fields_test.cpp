#include "server/json/json_fields.h"

#include <cstdint>

#include "test_support.h"

using namespace argan;
using namespace argan::server;

BOOST_AUTO_TEST_SUITE(json_fields)

BOOST_AUTO_TEST_CASE(reads_typed_fields_with_paths_in_errors) {
  JsonFields f(parseJsonObject(R"({"a": "x", "n": 3, "d": 2.5, "b": true, "o": {"k": "bad"}})"));
  BOOST_TEST(*f.optString("a") == "x");
  BOOST_TEST(*f.optInt("n") == 3);
  BOOST_TEST(*f.optNumber("d") == 2.5);
  BOOST_TEST(*f.optBool("b"));
  BOOST_TEST(!f.optString("missing"));
  std::string m = test::expectError(ErrorCode::InvalidArgument, [&] { f.optInt("d"); });
  BOOST_TEST(m.find("'d' must be an integer") != std::string::npos);
  m = test::expectError(ErrorCode::InvalidArgument, [&] { f.optObject("o")->optInt("k"); });
  BOOST_TEST(m.find("'o.k'") != std::string::npos);
  // Beyond 64 bits signed (the parser keeps them unsigned): a field error, not a range
  // exception.
  JsonFields big(parseJsonObject(R"({"u": 18446744073709551615, "i": 9223372036854775807})"));
  m = test::expectError(ErrorCode::InvalidArgument, [&] { big.optInt("u"); });
  BOOST_TEST(m.find("'u' must be an integer") != std::string::npos);
  BOOST_TEST(*big.optInt("i") == INT64_MAX);
  m = test::expectError(ErrorCode::InvalidArgument, [&] { f.allowOnly({"a", "n"}); });
  BOOST_TEST(m.find("unknown field") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_bodies_that_are_not_clean_json_objects) {
  test::expectError(ErrorCode::InvalidArgument, [] { parseJsonObject(""); });
  test::expectError(ErrorCode::InvalidArgument, [] { parseJsonObject("[1,2]"); });
  test::expectError(ErrorCode::InvalidArgument, [] { parseJsonObject("{\"a\": }"); });
  test::expectError(ErrorCode::InvalidArgument, [] { parseJsonObject("{\"a\": \"\xff\xfe\"}"); });
  std::string deep(100, '[');
  test::expectError(ErrorCode::InvalidArgument, [&] { parseJsonObject("{\"a\":" + deep); });
  std::string nested;
  for (int i = 0; i < 60; ++i) nested += "{\"a\":";
  nested += "1";
  for (int i = 0; i < 60; ++i) nested += "}";
  test::expectError(ErrorCode::InvalidArgument, [&] { parseJsonObject(nested); });
  BOOST_TEST(isCleanUtf8("caf\xc3\xa9"));
  BOOST_TEST(!isCleanUtf8("caf\xc3"));
  BOOST_TEST(!isCleanUtf8(std::string("a\0b", 3)));
}

// A key written twice in one object is refused (Poco would keep the last value silently);
// the same key in two different objects is fine.
BOOST_AUTO_TEST_CASE(refuses_a_key_written_twice_in_one_object) {
  for (const char* body : {R"({"name": "A", "name": "B"})",
                           R"({"route": {"steps": [{"yield": 50, "yield": 90}]}})",
                           R"({"a": 1, "b": {"c": 2}, "a": 3})"}) {
    try {
      parseJsonObject(body);
      BOOST_ERROR("accepted " << body);
    } catch (const Error& e) {
      BOOST_TEST((e.code() == ErrorCode::InvalidArgument), body);
      BOOST_TEST(std::string(e.what()).find("twice") != std::string::npos, e.what());
      BOOST_TEST(e.details().count("field") == 1u, body);
    }
  }
  auto ok = parseJsonObject(R"({"a": {"x": 1}, "b": {"x": 2}, "list": [{"x": 1}, {"x": 2}]})");
  BOOST_TEST(ok->getObject("b")->getValue<int>("x") == 2);
}

BOOST_AUTO_TEST_SUITE_END()
