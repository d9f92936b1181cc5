// Conditions: the lexer, turning a condition's text into tokens.
#include <optional>
#include <string>
#include <utility>

#include "rules/syntax.h"

namespace parcours::rules::internal {

namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<Tok> Keyword(std::string_view word) {
  if (word == "and") return Tok::kAnd;
  if (word == "or") return Tok::kOr;
  if (word == "not") return Tok::kNot;
  if (word == "in") return Tok::kIn;
  if (word == "true") return Tok::kTrue;
  if (word == "false") return Tok::kFalse;
  if (word == "null") return Tok::kNull;
  return std::nullopt;
}

// The character starting at byte `pos` (a whole UTF-8 sequence), quoted.
std::string QuotedCharAt(std::string_view s, std::size_t pos) {
  std::size_t end = pos + 1;
  while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
  return "'" + std::string(s.substr(pos, end - pos)) + "'";
}

}  // namespace

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto error = [&](std::size_t pos, std::string message) {
    out.push_back({Tok::kError, pos, std::move(message), 0});
  };
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    if (i >= s.size()) {
      out.push_back({Tok::kEnd, s.size(), {}, 0});
      return out;
    }
    const std::size_t start = i;
    const char c = s[i];
    if (IsDigit(c)) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i < s.size() && s[i] == '.' && i + 1 < s.size() && IsDigit(s[i + 1])) {
        error(start, "decimal numbers are not supported; use whole numbers");
        return out;
      }
      if (i < s.size() && IsNameChar(s[i])) {
        std::size_t end = i;
        while (end < s.size() && IsNameChar(s[end])) ++end;
        error(start, "'" + std::string(s.substr(start, end - start)) +
                         "' is neither a number nor a name (a name cannot start with a digit)");
        return out;
      }
      int64_t value = 0;
      for (std::size_t k = start; k < i; ++k) {
        if (__builtin_mul_overflow(value, int64_t{10}, &value) ||
            __builtin_add_overflow(value, int64_t{s[k] - '0'}, &value)) {
          error(start, "the number " + std::string(s.substr(start, i - start)) +
                           " is too large (the largest is 9223372036854775807)");
          return out;
        }
      }
      out.push_back({Tok::kInteger, start, {}, value});
      continue;
    }
    if (IsNameStart(c)) {
      while (true) {
        while (i < s.size() && IsNameChar(s[i])) ++i;
        if (i < s.size() && s[i] == '.') {
          if (i + 1 < s.size() && IsNameStart(s[i + 1])) {
            ++i;
            continue;
          }
          error(i + 1, "expected a name after '.'");
          return out;
        }
        break;
      }
      const std::string_view word = s.substr(start, i - start);
      const std::size_t dot = word.find('.');
      if (auto kw = Keyword(word.substr(0, dot))) {
        if (dot != std::string_view::npos) {
          error(start, "'" + std::string(word.substr(0, dot)) +
                           "' is a keyword and cannot start a variable name");
          return out;
        }
        out.push_back({*kw, start, {}, 0});
      } else {
        out.push_back({Tok::kName, start, std::string(word), 0});
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == c) {
          closed = true;
          ++i;
          break;
        }
        if (s[i] == '\\') {
          if (i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == '\'' || s[i + 1] == '"')) {
            value += s[i + 1];
            i += 2;
            continue;
          }
          error(i, i + 1 < s.size()
                       ? "unknown escape '\\" + std::string(1, s[i + 1]) +
                             "'; a string may only escape \\\\, \\' and \\\""
                       : "unterminated string (it starts at column " +
                             std::to_string(ColumnOf(s, start)) + ")");
          return out;
        }
        value += s[i++];
      }
      if (!closed) {
        error(start, "unterminated string");
        return out;
      }
      out.push_back({Tok::kString, start, std::move(value), 0});
      continue;
    }
    auto two = [&](char second) { return i + 1 < s.size() && s[i + 1] == second; };
    auto push = [&](Tok kind, std::size_t length) {
      out.push_back({kind, start, {}, 0});
      i += length;
    };
    switch (c) {
      case '=':
        if (two('=')) { push(Tok::kEq, 2); continue; }
        error(start, "unexpected '='; use '==' to compare");
        return out;
      case '!':
        if (two('=')) { push(Tok::kNe, 2); continue; }
        error(start, "unexpected '!'; use 'not'");
        return out;
      case '<':
        if (two('=')) { push(Tok::kLe, 2); continue; }
        if (two('>')) { error(start, "unexpected '<>'; use '!='"); return out; }
        push(Tok::kLt, 1);
        continue;
      case '>':
        if (two('=')) { push(Tok::kGe, 2); continue; }
        push(Tok::kGt, 1);
        continue;
      case '+': push(Tok::kPlus, 1); continue;
      case '-': push(Tok::kMinus, 1); continue;
      case '(': push(Tok::kLParen, 1); continue;
      case ')': push(Tok::kRParen, 1); continue;
      case '[': push(Tok::kLBracket, 1); continue;
      case ']': push(Tok::kRBracket, 1); continue;
      case ',': push(Tok::kComma, 1); continue;
      case '&':
        error(start, two('&') ? "unexpected '&&'; use 'and'" : "unexpected '&'");
        return out;
      case '|':
        error(start, two('|') ? "unexpected '||'; use 'or'" : "unexpected '|'");
        return out;
      default:
        error(start, "unexpected character " + QuotedCharAt(s, start));
        return out;
    }
  }
}

}  // namespace parcours::rules::internal
