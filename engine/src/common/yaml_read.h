// Reading YAML files written by people (workflow files, report definitions):
// generic helpers that never throw and say, for messages, where a node is and
// what it holds. Internal to the engine; shared by workflow/ and report/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace parcours::yaml_read {

using KeyList = std::initializer_list<std::string_view>;

// A text from the file in a message: quoted, escaped, cut when long (EchoText).
std::string Quote(std::string_view text);

// "a, b, c".
template <typename Items>
std::string JoinComma(const Items& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool IsOneOf(std::string_view word, KeyList words);

// Levenshtein distance, for "did you mean" hints on short words.
std::size_t EditDistance(std::string_view a, std::string_view b);

// Words longer than this get no "did you mean" hint (no key or id is that long,
// and the distance costs their product).
inline constexpr std::size_t kMaxHintedWord = 64;

// " (did you mean "x"?)" when one candidate is within two edits, else "".
template <typename Candidates>
std::string DidYouMean(std::string_view word, const Candidates& candidates) {
  if (word.size() > kMaxHintedWord) return {};
  for (const auto& candidate : candidates) {
    if (EditDistance(word, candidate) <= 2) return " (did you mean " + Quote(candidate) + "?)";
  }
  return {};
}

// 1-based line of a node, 0 when it has none (undefined node).
int LineOf(const YAML::Node& node);

// What kind of YAML value a node is, for messages: "a list", "a map"...
std::string KindOf(const YAML::Node& node);

// The value under `key` in map `map` (first occurrence), if any. Unlike
// YAML::Node::operator[], never creates nodes nor throws.
std::optional<YAML::Node> Find(const YAML::Node& map, std::string_view key);

}  // namespace parcours::yaml_read
