// Reading the rule context safely: a missing key, a null or a value of another
// type reads as absent, never as an exception.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include <parcours/sdk/plugin.h>

namespace sap {

using parcours::sdk::Json;

// The value at `path` below `root`, or a null value.
inline const Json& At(const Json& root, std::initializer_list<const char*> path) {
  static const Json kNull;
  const Json* node = &root;
  for (const char* key : path) {
    if (!node->is_object()) return kNull;
    const auto it = node->find(key);
    if (it == node->end()) return kNull;
    node = &*it;
  }
  return *node;
}

// The text at `path`, or "" when absent or not a text.
inline std::string TextAt(const Json& root, std::initializer_list<const char*> path) {
  const Json& value = At(root, path);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// The number at `path`, when it is one.
inline std::optional<double> NumberAt(const Json& root, std::initializer_list<const char*> path) {
  const Json& value = At(root, path);
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

}  // namespace sap
