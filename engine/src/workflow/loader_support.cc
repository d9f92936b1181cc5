// Helpers of the workflow loader (loader_support.h).
#include "workflow/loader_support.h"

#include <algorithm>

#include "common/utf8.h"
#include "parcours/text.h"

namespace parcours::loader {

std::string Quote(std::string_view text) { return EchoText(text); }

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Offset of the first byte that breaks UTF-8 (truncated or invalid sequence,
// overlong form, surrogate, beyond U+10FFFF), or nullopt when `text` is valid.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (utf8::Decode(text, i) < 0) return i;
  }
  return std::nullopt;
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

bool IsOneOf(std::string_view word, KeyList words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Levenshtein distance, for "did you mean" hints on short words.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// 1-based line of a node, 0 when it has none (undefined node).
int LineOf(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

// What kind of YAML value a node is, for messages: "a list", "a map"...
std::string KindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return Quote(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "empty";
  }
  return "empty";
}

// The value under `key` in map `map` (first occurrence), if any. Unlike
// YAML::Node::operator[], never creates nodes nor throws.
std::optional<YAML::Node> Find(const YAML::Node& map, std::string_view key) {
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return std::nullopt;
}

bool IsReservedName(std::string_view name) {
  const auto& names = ReservedContextNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace parcours::loader
