#include "server/json/json_fields.h"

#include <Poco/Exception.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <optional>
#include <set>
#include <vector>

#include "common/error.h"

namespace argan::server {

bool isCleanUtf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      if (c == 0x7F) return false;
      ++i;
      continue;
    }
    int extra = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (c == 0xC0 || c == 0xC1 || c > 0xF4) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

namespace {

// Poco's default handler, also remembering the first key written twice in one object (Poco
// would silently keep the last value). The duplicate is reported after parsing: throwing
// from a handler would unwind through the parser's C core.
class DuplicateKeyCheck : public Poco::JSON::ParseHandler {
 public:
  void reset() override {
    keys_.clear();
    duplicate_.reset();
    ParseHandler::reset();
  }
  void startObject() override {
    keys_.emplace_back();
    ParseHandler::startObject();
  }
  void endObject() override {
    if (!keys_.empty()) keys_.pop_back();
    ParseHandler::endObject();
  }
  void key(const std::string& k) override {
    if (!duplicate_ && !keys_.empty() && !keys_.back().insert(k).second) duplicate_ = k;
    ParseHandler::key(k);
  }
  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  std::vector<std::set<std::string>> keys_;  // keys seen, per open object
  std::optional<std::string> duplicate_;
};

}  // namespace

Poco::JSON::Object::Ptr parseJsonObject(const std::string& body) {
  if (body.empty()) throw invalidArgument("the request body is empty; a JSON object is expected");
  if (!isCleanUtf8(body)) {
    throw invalidArgument("the request body is not valid UTF-8 text (or contains control bytes)");
  }
  Poco::SharedPtr<DuplicateKeyCheck> handler = new DuplicateKeyCheck;
  Poco::JSON::Parser parser(handler);
  parser.setDepth(32);
  Poco::Dynamic::Var parsed;
  try {
    parsed = parser.parse(body);
  } catch (const Poco::Exception& e) {
    throw invalidArgument("the request body is not valid JSON: " + e.message());
  } catch (const std::exception& e) {
    throw invalidArgument(std::string("the request body is not valid JSON: ") + e.what());
  }
  if (handler->duplicate()) {
    const std::string& key = *handler->duplicate();
    throw invalidArgument("the request body names '" + key + "' twice in one object",
                          {{"field", key}});
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw invalidArgument("the request body must be a JSON object ({...})");
  }
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

JsonFields::JsonFields(Poco::JSON::Object::Ptr object, std::string path)
    : object_(std::move(object)), path_(std::move(path)) {}

std::string JsonFields::fieldPath(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool JsonFields::has(const std::string& key) const {
  return object_->has(key) && !object_->isNull(key);
}

namespace {
Error wrongType(const std::string& field, const char* expected) {
  return invalidArgument("'" + field + "' must be " + expected, {{"field", field}});
}
}  // namespace

std::optional<std::string> JsonFields::optString(const std::string& key,
                                                 std::size_t maxBytes) const {
  if (!has(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isString()) throw wrongType(fieldPath(key), "a string");
  std::string s = v.extract<std::string>();
  if (s.size() > maxBytes) {
    throw invalidArgument("'" + fieldPath(key) + "' is longer than " + std::to_string(maxBytes) +
                              " bytes",
                          {{"field", fieldPath(key)}, {"limit", static_cast<std::int64_t>(maxBytes)}});
  }
  if (!isCleanUtf8(s)) {
    throw invalidArgument("'" + fieldPath(key) + "' contains invalid UTF-8 or control bytes",
                          {{"field", fieldPath(key)}});
  }
  return s;
}

std::string JsonFields::reqString(const std::string& key, std::size_t maxBytes) const {
  auto s = optString(key, maxBytes);
  if (!s) throw invalidArgument("'" + fieldPath(key) + "' is required", {{"field", fieldPath(key)}});
  return *s;
}

std::optional<double> JsonFields::optNumber(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isNumeric() || v.type() == typeid(bool)) throw wrongType(fieldPath(key), "a number");
  double d = v.convert<double>();
  if (!std::isfinite(d)) throw wrongType(fieldPath(key), "a finite number");
  return d;
}

std::optional<std::int64_t> jsonInt64(const Poco::Dynamic::Var& value) {
  if (!value.isInteger() || value.type() == typeid(bool)) return std::nullopt;
  try {
    return value.convert<Poco::Int64>();
  } catch (const Poco::RangeException&) {
    return std::nullopt;  // an unsigned value above INT64_MAX
  }
}

std::optional<std::int64_t> JsonFields::optInt(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (v.isInteger() && v.type() != typeid(bool)) {
    auto i = jsonInt64(v);
    if (!i) throw wrongType(fieldPath(key), "an integer");
    return i;
  }
  // Accept 3.0 but not 3.5.
  if (v.isNumeric() && v.type() != typeid(bool)) {
    double d = v.convert<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  throw wrongType(fieldPath(key), "an integer");
}

std::int64_t JsonFields::reqInt(const std::string& key) const {
  auto i = optInt(key);
  if (!i) throw invalidArgument("'" + fieldPath(key) + "' is required", {{"field", fieldPath(key)}});
  return *i;
}

std::optional<bool> JsonFields::optBool(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (v.type() != typeid(bool)) throw wrongType(fieldPath(key), "true or false");
  return v.extract<bool>();
}

std::optional<JsonFields> JsonFields::optObject(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  Poco::JSON::Object::Ptr o = object_->getObject(key);
  if (!o) throw wrongType(fieldPath(key), "an object");
  return JsonFields(o, fieldPath(key));
}

Poco::JSON::Array::Ptr JsonFields::optArray(const std::string& key) const {
  if (!has(key)) return nullptr;
  Poco::JSON::Array::Ptr a = object_->getArray(key);
  if (!a) throw wrongType(fieldPath(key), "an array");
  return a;
}

void JsonFields::allowOnly(std::initializer_list<const char*> allowed) const {
  for (const auto& [key, value] : *object_) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw invalidArgument("unknown field '" + fieldPath(key) + "'; allowed: " + list,
                            {{"field", fieldPath(key)}});
    }
  }
}

}  // namespace argan::server
