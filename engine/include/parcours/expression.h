// Conditions: the small expression language of workflow guards and report
// definitions ("contract in ['cdi', 'cdd'] and months >= 6").
//
// An Expression is parsed once, then evaluated any number of times against a
// JSON object of variables. The language is documented for programme authors in
// docs/conditions.md: keep the two in step.
//
// Thread safety: an Expression is immutable once parsed. Copies share the
// compiled tree, and any number of threads may evaluate the same Expression
// concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/date.h"
#include "parcours/status.h"

namespace parcours::rules {

using Json = nlohmann::json;

// Longest condition Parse accepts, in bytes.
inline constexpr std::size_t kMaxConditionBytes = 2000;
// Deepest nesting Parse accepts. Each of these opens one level: a parenthesis,
// a list, a function call, `not`, a unary `-`.
inline constexpr int kMaxConditionDepth = 64;

// A value of the language: null, boolean, integer, string, date or list.
class Value {
 public:
  using List = std::vector<Value>;
  using Variant = std::variant<std::monostate, bool, int64_t, std::string, Date, List>;
  enum class Type { kNull, kBoolean, kInteger, kString, kDate, kList };

  Value() = default;  // null
  explicit Value(bool b) : v_(b) {}
  explicit Value(int i) : v_(int64_t{i}) {}
  explicit Value(int64_t i) : v_(i) {}
  explicit Value(std::string s) : v_(std::move(s)) {}
  explicit Value(const char* s) : v_(std::string(s)) {}
  explicit Value(Date d) : v_(d) {}
  explicit Value(List items) : v_(std::move(items)) {}

  Type type() const { return static_cast<Type>(v_.index()); }
  // "null", "boolean", "integer", "string", "date", "list".
  const char* type_name() const;
  bool is_null() const { return type() == Type::kNull; }
  // The held value when it has type T (bool, int64_t, std::string, Date, List),
  // else nullptr.
  template <typename T>
  const T* get_if() const { return std::get_if<T>(&v_); }
  const Variant& variant() const { return v_; }

  // The value written as a condition would write it, for messages and tests:
  // null, true, 42, 'it\'s', date('2026-01-05'), [1, 'a']. Parsing and
  // evaluating the text gives the value back.
  std::string ToString() const;

  // JSON -> Value: null, boolean, integer, string, array -> list. What the
  // language has no type for (objects, decimal numbers, integers beyond
  // int64) becomes null; Evaluate refuses such values instead when a condition
  // reads one. A string stays a string even when it reads as a date.
  static Value FromJson(const Json& json);
  // Value -> JSON; a date becomes its YYYY-MM-DD string.
  Json ToJson() const;

  // Structural equality (a string is never equal to a date here; the
  // language's `==` is more lenient, see docs/conditions.md).
  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

 private:
  Variant v_;
};

namespace internal {
struct Program;
}

class Expression {
 public:
  // Parses `source`. On error a Refused status:
  //   condition "<source>": column N: <what was expected>
  // where N counts characters (not bytes) from 1. Refuses sources longer than
  // kMaxConditionBytes and nesting deeper than kMaxConditionDepth. Unknown
  // functions and wrong argument counts are parse errors.
  static Result<Expression> Parse(std::string_view source);

  // Evaluates with identifiers looked up in `vars`, a JSON object; a dotted
  // identifier is a path (entry.fields.prescriber -> vars["entry"]["fields"]["prescriber"]).
  // A missing path, or one crossing a non-object, reads as null.
  // On error (a type error such as 'abc' < 3, integer overflow, a variable
  // holding an object or a decimal number) a Refused status
  //   condition "<source>": column N: <what was wrong>
  // naming the operands' types, never their values.
  Result<Value> Evaluate(const Json& vars) const;

  // Evaluate, then truthiness: boolean true is true, false and null are false;
  // any other result is a Refused error.
  Result<bool> Test(const Json& vars) const;

  const std::string& source() const;

  // Every variable path the condition reads, once each, in order of first
  // appearance. Function names are not included: for
  // "days_between(enrolled, date) <= 30" this is {"enrolled", "date"}.
  const std::vector<std::string>& Identifiers() const;

 private:
  explicit Expression(std::shared_ptr<const internal::Program> program)
      : program_(std::move(program)) {}

  std::shared_ptr<const internal::Program> program_;  // never null
};

}  // namespace parcours::rules
