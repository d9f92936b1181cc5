// Reading the rule context (and other JSON the host sends) safely: a missing
// key, a null or a value of another type reads as absent, never as an
// exception. Part of the plugin SDK.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace parcours::sdk {

using Json = nlohmann::json;

// The value at `path` below `root`, e.g. At(ctx, {"entry", "attrs", "rqth"}),
// or a null value.
inline const Json& At(const Json& root, std::initializer_list<const char*> path) {
  static const Json kNull;  // local to each plugin: plugins are built with hidden symbols
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

}  // namespace parcours::sdk
