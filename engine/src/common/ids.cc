#include "parcours/ids.h"

#include <cctype>

namespace parcours {

namespace {
constexpr std::size_t kIdLength = 5;
}

std::string NewId(char prefix, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> pick(0, kIdAlphabet.size() - 1);
  std::string id{prefix, '-'};
  for (std::size_t i = 0; i < kIdLength; ++i) id += kIdAlphabet[pick(rng)];
  return id;
}

std::optional<std::string> NormalizeId(char prefix, std::string_view typed) {
  std::string up;
  for (char c : typed) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up.empty() || up[0] != prefix) return std::nullopt;
  std::string_view body = std::string_view(up).substr(1);
  if (!body.empty() && body[0] == '-') body.remove_prefix(1);
  if (body.size() != kIdLength) return std::nullopt;
  for (char c : body)
    if (kIdAlphabet.find(c) == std::string_view::npos) return std::nullopt;
  return std::string{prefix, '-'} + std::string(body);
}

}  // namespace parcours
