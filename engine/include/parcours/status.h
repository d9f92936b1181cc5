// Status and Result: how every expected failure travels through Parcours.
//
// Expected failures (bad input, a transition the workflow refuses, an unknown
// id, a locked store) are values, never exceptions. Each carries a typed code,
// a message saying what was wrong, and where it helps, what is allowed instead.
// The CLI maps codes to exit codes (see docs/cli.md).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace parcours {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kUsage,        // the command line itself is malformed (exit 2)
    kRefused,      // the workflow or a validation rule refuses the input (exit 3)
    kNotFound,     // an id names nothing in the store (exit 4)
    kUnavailable,  // the store cannot be used: missing, locked, unreadable (exit 5)
    kCorruption,   // stored data does not decode; never expected (exit 1)
    kInternal,     // a bug or an environment failure (exit 1)
    kDenied,       // the caller is not known, or its role may not do this (exit 6)
  };

  Status() = default;

  static Status Ok() { return {}; }
  static Status Usage(std::string msg, std::string allowed = {}) {
    return {Code::kUsage, std::move(msg), std::move(allowed)};
  }
  static Status Refused(std::string msg, std::string allowed = {}) {
    return {Code::kRefused, std::move(msg), std::move(allowed)};
  }
  static Status NotFound(std::string msg, std::string allowed = {}) {
    return {Code::kNotFound, std::move(msg), std::move(allowed)};
  }
  static Status Unavailable(std::string msg, std::string allowed = {}) {
    return {Code::kUnavailable, std::move(msg), std::move(allowed)};
  }
  static Status Denied(std::string msg, std::string allowed = {}) {
    return {Code::kDenied, std::move(msg), std::move(allowed)};
  }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg), {}}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg), {}}; }

  bool ok() const { return code_ == Code::kOk; }
  bool IsUsage() const { return code_ == Code::kUsage; }
  bool IsRefused() const { return code_ == Code::kRefused; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsDenied() const { return code_ == Code::kDenied; }

  Code code() const { return code_; }
  // What was wrong, as one sentence for a person.
  const std::string& message() const { return message_; }
  // What is allowed instead (may be empty), e.g. "From here you can: position, exit."
  const std::string& allowed() const { return allowed_; }

  // Name of the code: "refused", "not found"...
  const char* code_name() const;
  // message, then allowed on a new line when present.
  std::string ToString() const;

 private:
  Status(Code code, std::string msg, std::string allowed)
      : code_(code), message_(std::move(msg)), allowed_(std::move(allowed)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string allowed_;
};

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "a Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; an ok Status when there is a value. A reference, so that
  // `const auto& m = r.status().message();` stays valid while `r` lives.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace parcours

// Return early from the enclosing function when `expr` (a Status) failed.
#define PARCOURS_RETURN_IF_ERROR(expr)          \
  do {                                          \
    ::parcours::Status parcours_s_ = (expr);    \
    if (!parcours_s_.ok()) return parcours_s_;  \
  } while (0)

#define PARCOURS_CONCAT_INNER_(a, b) a##b
#define PARCOURS_CONCAT_(a, b) PARCOURS_CONCAT_INNER_(a, b)
// `PARCOURS_ASSIGN_OR_RETURN(auto x, f());` binds x to the value or returns f()'s error.
#define PARCOURS_ASSIGN_OR_RETURN(decl, expr) \
  PARCOURS_ASSIGN_OR_RETURN_IMPL_(PARCOURS_CONCAT_(parcours_r_, __LINE__), decl, expr)
#define PARCOURS_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return tmp.status();                    \
  decl = std::move(tmp).value()
