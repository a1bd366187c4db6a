// Small building blocks for the JSON the API answers with (the request side is json_fields.h).
//
// Contract: objects keep the order in which keys are set (so answers read in a stable,
// documented order); an absent optional value is written as JSON null, never left out, so
// clients can rely on every documented key being present.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace argan::server {

// A JSON object that preserves key insertion order.
inline Poco::JSON::Object::Ptr orderedObject() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

// value rounded to `digits` decimals (half away from zero), for figures shown to people.
inline double roundedTo(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

// key: *value, or null when the optional is empty.
template <typename T>
void setOptional(Poco::JSON::Object::Ptr& o, const std::string& key, const std::optional<T>& value) {
  if (value) {
    o->set(key, *value);
  } else {
    o->set(key, Poco::Dynamic::Var());
  }
}

// key: *value rounded to `digits` decimals, or null.
inline void setOptionalRounded(Poco::JSON::Object::Ptr& o, const std::string& key,
                               const std::optional<double>& value, int digits) {
  setOptional(o, key, value ? std::optional<double>(roundedTo(*value, digits)) : std::nullopt);
}

// key: text, or null when the text is empty.
inline void setTextOrNull(Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& text) {
  if (text.empty()) {
    o->set(key, Poco::Dynamic::Var());
  } else {
    o->set(key, text);
  }
}

inline Poco::JSON::Array::Ptr stringArray(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : items) a->add(s);
  return a;
}

}  // namespace argan::server
