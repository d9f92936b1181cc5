// Conditions: the language's values (Value), written as text and as JSON.
#include "parcours/expression.h"

#include <cmath>
#include <limits>
#include <utility>

#include "rules/syntax.h"

namespace parcours::rules {

namespace internal {

std::string QuoteString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

Value FromJsonLenient(const Json& json, int depth) {
  switch (json.type()) {
    case Json::value_t::boolean: return Value(json.get<bool>());
    case Json::value_t::number_integer: return Value(json.get<int64_t>());
    case Json::value_t::number_unsigned: {
      const auto u = json.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Value();
      return Value(static_cast<int64_t>(u));
    }
    case Json::value_t::number_float: {
      const double d = json.get<double>();
      if (!std::isfinite(d) || d != std::trunc(d) || d < -9.2e18 || d > 9.2e18) return Value();
      return Value(static_cast<int64_t>(d));
    }
    case Json::value_t::string: return Value(json.get<std::string>());
    case Json::value_t::array: {
      if (depth >= kMaxJsonDepth) return Value();
      Value::List items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(FromJsonLenient(item, depth + 1));
      return Value(std::move(items));
    }
    default: return Value();  // null, object, binary, discarded
  }
}

}  // namespace internal

namespace {

using internal::FromJsonLenient;
using internal::QuoteString;

}  // namespace

const char* Value::type_name() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInteger: return "integer";
    case Type::kString: return "string";
    case Type::kDate: return "date";
    case Type::kList: return "list";
  }
  return "unknown";
}

std::string Value::ToString() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBoolean: return *get_if<bool>() ? "true" : "false";
    case Type::kInteger: return std::to_string(*get_if<int64_t>());
    case Type::kString: return QuoteString(*get_if<std::string>());
    case Type::kDate: return "date('" + get_if<Date>()->iso() + "')";
    case Type::kList: {
      std::string out = "[";
      for (const Value& item : *get_if<List>()) {
        if (out.size() > 1) out += ", ";
        out += item.ToString();
      }
      return out + "]";
    }
  }
  return "null";
}

Value Value::FromJson(const Json& json) {
  try {
    return FromJsonLenient(json, 0);
  } catch (...) {
    return Value();
  }
}

Json Value::ToJson() const {
  switch (type()) {
    case Type::kNull: return nullptr;
    case Type::kBoolean: return *get_if<bool>();
    case Type::kInteger: return *get_if<int64_t>();
    case Type::kString: return *get_if<std::string>();
    case Type::kDate: return get_if<Date>()->iso();
    case Type::kList: {
      Json out = Json::array();
      for (const Value& item : *get_if<List>()) out.push_back(item.ToJson());
      return out;
    }
  }
  return nullptr;
}

}  // namespace parcours::rules
