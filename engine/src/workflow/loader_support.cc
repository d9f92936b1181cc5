// Helpers of the workflow loader (loader_support.h).
#include "workflow/loader_support.h"

#include <algorithm>

#include "parcours/text.h"

namespace parcours::loader {

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

bool IsReservedName(std::string_view name) {
  const auto& names = ReservedContextNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace parcours::loader
