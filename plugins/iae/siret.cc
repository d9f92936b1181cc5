#include "siret.h"

#include <array>

namespace iae {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DigitSum(std::string_view digits) {
  int sum = 0;
  for (char c : digits) sum += c - '0';
  return sum;
}

// Separators people type between digit groups: space, dot, and the UTF-8
// non-breaking and narrow non-breaking spaces (copied from documents).
std::size_t SeparatorLength(std::string_view rest) {
  if (rest[0] == ' ' || rest[0] == '.') return 1;
  if (rest.substr(0, 2) == "\xC2\xA0") return 2;
  if (rest.substr(0, 3) == "\xE2\x80\xAF") return 3;
  return 0;
}

struct SiretCase {
  const char* raw;
  bool valid;
};
// Published establishments, and typos of them.
constexpr std::array kSiretCases = {
    SiretCase{"73282932000074", true},     // Luhn
    SiretCase{"732 829 320 00074", true},  // grouped as printed
    SiretCase{"73282932000075", false},    // wrong check digit
    SiretCase{"35600000000048", true},     // La Poste, head office
    SiretCase{"35600000049837", true},     // La Poste: digit sum 45, fails Luhn
    SiretCase{"35600000049838", false},    // La Poste: digit sum 46
    SiretCase{"7328293200007", false},     // 13 digits
    SiretCase{"7328293200007A", false},    // a letter
    SiretCase{"00000000000000", false},    // passes Luhn, but no such SIREN
};

}  // namespace

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool doubled = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

SiretParse ParseSiret(std::string_view raw) {
  std::string digits;
  for (std::size_t i = 0; i < raw.size();) {
    if (IsDigit(raw[i])) {
      digits += raw[i++];
      continue;
    }
    const std::size_t separator = SeparatorLength(raw.substr(i));
    if (separator == 0) return {{}, "a SIRET number has only digits"};
    i += separator;
  }
  if (digits.size() != 14)
    return {{}, "a SIRET number has 14 digits, this one has " + std::to_string(digits.size())};
  if (std::string_view(digits).substr(0, 9) == "000000000") return {{}, "000000000 is not a real SIREN"};
  const bool la_poste = std::string_view(digits).substr(0, 9) == kLaPosteSiren;
  const bool valid = la_poste ? (LuhnValid(digits) || DigitSum(digits) % 5 == 0) : LuhnValid(digits);
  if (!valid) return {{}, "the check digit does not match: a digit is probably mistyped"};
  return {digits, {}};
}

std::vector<std::string> CheckSiret() {
  std::vector<std::string> problems;
  for (const auto& c : kSiretCases) {
    const bool accepted = !ParseSiret(c.raw).digits.empty();
    if (accepted != c.valid)
      problems.push_back(std::string("SIRET ") + c.raw + (c.valid ? " is refused" : " is accepted"));
  }
  return problems;
}

}  // namespace iae
