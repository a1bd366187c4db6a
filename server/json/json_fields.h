// Reading typed fields out of a JSON request body with errors that say which field.
//
// JsonFields wraps one object; `path` prefixes field names in messages ("batch.amount").
// Every getter throws argan::Error(InvalidArgument) with details {"field": "<path>"} when
// the value has the wrong type or breaks the stated limit. Strings are checked to be valid
// UTF-8 without NUL bytes.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace argan::server {

// Parses a request body as a JSON object (max nesting depth 32). Throws InvalidArgument, also
// when one object names a key twice (details.field is the key).
Poco::JSON::Object::Ptr parseJsonObject(const std::string& body);

class JsonFields {
 public:
  explicit JsonFields(Poco::JSON::Object::Ptr object, std::string path = "");

  bool has(const std::string& key) const;
  std::optional<std::string> optString(const std::string& key, std::size_t maxBytes = 10000) const;
  std::string reqString(const std::string& key, std::size_t maxBytes = 10000) const;
  std::optional<double> optNumber(const std::string& key) const;
  std::optional<std::int64_t> optInt(const std::string& key) const;
  std::int64_t reqInt(const std::string& key) const;
  std::optional<bool> optBool(const std::string& key) const;
  std::optional<JsonFields> optObject(const std::string& key) const;
  Poco::JSON::Array::Ptr optArray(const std::string& key) const;
  // Refuses keys outside `allowed`, naming the first unknown one.
  void allowOnly(std::initializer_list<const char*> allowed) const;

  Poco::JSON::Object::Ptr object() const { return object_; }
  std::string fieldPath(const std::string& key) const;

 private:
  Poco::JSON::Object::Ptr object_;
  std::string path_;
};

// A JSON integer (not a bool) as a signed 64-bit value; nullopt for anything else, including
// integers outside the int64 range (the parser keeps those as unsigned).
std::optional<std::int64_t> jsonInt64(const Poco::Dynamic::Var& value);

// True if `s` is valid UTF-8 without NUL or other C0 controls except tab/CR/LF.
bool isCleanUtf8(const std::string& s);

}  // namespace argan::server
