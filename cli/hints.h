// The engine's references to commands and arguments, rendered for the command line.
//
// Engine messages (a Status's message and allowed, a Service reply's "message" and
// "hint") speak of operations, not of this CLI: they name a command as {cmd:NAME} or
// {cmd:NAME REST} and an argument as {arg:NAME}, in the Service's vocabulary
// (docs/cli.md, "Requests and replies"); a '{' of user text in them is escaped as
// \x7b (kEscapedBrace, EscapeText). RenderHints says them as this CLI spells them.
// Header-only, so that the unit tests check it without linking the CLI.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/text.h"

namespace parcours::cli {

// `text` with each reference said as the CLI spells it ({cmd:person.find NAME}:
// `parcours person find NAME`; {arg:allow_duplicate}: --allow-duplicate) and each
// \x7b a '{' again. Anything else, malformed markup included, is left as it is.
inline std::string RenderHints(std::string_view text);

namespace hints_internal {

inline bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// The option given for the Service argument `name`: --allow-duplicate for
// allow_duplicate, --attr for attrs (given once per attribute).
inline std::string Option(std::string_view name) {
  if (name == "attrs") return "--attr";
  if (name == "fields") return "--field";
  if (name == "data") return "--data (or PARCOURS_DATA)";
  std::string out = "--";
  for (char c : name) out += c == '_' ? '-' : c;
  return out;
}

// `parcours person find NAME` for the command person.find and the rest "NAME".
inline std::string Command(std::string_view name, std::string_view rest) {
  std::string out = "`parcours ";
  for (char c : name) out += c == '.' ? ' ' : c;
  if (!rest.empty()) out += " " + RenderHints(rest);
  return out + "`";
}

struct Reference {
  std::string rendered;
  std::size_t length = 0;  // of the markup, braces included
};

// The reference that `text` starts with ("{cmd:..." or "{arg:..."), or nullopt
// when it is not well formed: a name of [a-z0-9._-] then '}', or for a command a
// space, a rest without braces or newlines, and '}'.
inline std::optional<Reference> ParseReference(std::string_view text) {
  const bool command = text.starts_with("{cmd:");
  if (!command && !text.starts_with("{arg:")) return std::nullopt;
  std::size_t end = 5;
  while (end < text.size() && IsNameChar(text[end])) ++end;
  const std::string_view name = text.substr(5, end - 5);
  if (name.empty() || end == text.size()) return std::nullopt;
  if (text[end] == '}') return Reference{command ? Command(name, "") : Option(name), end + 1};
  if (!command || text[end] != ' ') return std::nullopt;
  const std::size_t close = text.find_first_of("{}\n", end + 1);
  if (close == std::string_view::npos || text[close] != '}' || close == end + 1) return std::nullopt;
  return Reference{Command(name, text.substr(end + 1, close - end - 1)), close + 1};
}

}  // namespace hints_internal

inline std::string RenderHints(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::string_view tail = text.substr(i);
    if (tail.starts_with(kEscapedBrace)) {
      out += '{';
      i += kEscapedBrace.size();
    } else if (auto ref = tail.front() == '{' ? hints_internal::ParseReference(tail) : std::nullopt) {
      out += ref->rendered;
      i += ref->length;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace parcours::cli
