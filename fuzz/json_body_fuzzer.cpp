// libFuzzer target: JSON request bodies as handlers read them (server/json_fields.h):
// parseJsonObject, then typed getters on every key, nested objects and arrays. Every refusal
// must be argan::Error(InvalidArgument) naming a field; nothing else may escape.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/error.h"
#include "server/json/json_fields.h"

namespace {

void readEverything(const argan::server::JsonFields& fields, int depth) {
  using argan::Error;
  if (depth > 40) std::abort();  // parseJsonObject limits nesting to 32
  for (const auto& member : *fields.object()) {
    const std::string& key = member.first;  // a named reference: lambdas below capture it
    auto attempt = [&](auto&& fn) {
      try {
        fn();
      } catch (const Error& e) {
        if (e.code() != argan::ErrorCode::InvalidArgument) std::abort();
        if (!e.details().count("field")) std::abort();
      }
    };
    attempt([&] { fields.optString(key, 64); });
    attempt([&] { fields.optNumber(key); });
    attempt([&] { fields.optInt(key); });
    attempt([&] { fields.optBool(key); });
    attempt([&] { fields.optArray(key); });
    attempt([&] {
      if (auto nested = fields.optObject(key)) readEverything(*nested, depth + 1);
    });
  }
  try {
    fields.allowOnly({"structure", "format", "start_up", "batch"});
  } catch (const Error& e) {
    if (e.code() != argan::ErrorCode::InvalidArgument) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argan;
  std::string body(reinterpret_cast<const char*>(data), size);
  server::isCleanUtf8(body);
  try {
    server::JsonFields fields(server::parseJsonObject(body));
    readEverything(fields, 0);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::InvalidArgument) std::abort();
  }
  return 0;
}
