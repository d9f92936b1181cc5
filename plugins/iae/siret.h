// SIRET numbers: the 14-digit identifier of a French establishment (SIREN of
// the company, 9 digits, then the establishment's NIC, 5 digits).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace iae {

// The SIREN of La Poste, whose establishments outnumber what the Luhn key can
// tell apart: its SIRETs use another key, the sum of their digits is a
// multiple of 5.
inline constexpr std::string_view kLaPosteSiren = "356000000";

// What a valid value looks like, for messages.
inline constexpr const char* kSiretAllowed =
    "a 14-digit SIRET number (spaces allowed), with a valid check digit";

// True when `digits` (only digits) passes the Luhn check.
bool LuhnValid(std::string_view digits);

// The SIRET's 14 digits when `raw` is one (spaces, non-breaking spaces and dots
// between digit groups are ignored), else the reason it is not, in `why`.
struct SiretParse {
  std::string digits;  // empty when refused
  std::string why;
};
SiretParse ParseSiret(std::string_view raw);

// Self-check: known numbers still accepted, known mistakes still refused.
std::vector<std::string> CheckSiret();

}  // namespace iae
