#include "guards.h"

#include <parcours/sdk/context.h>

namespace peps {

using parcours::sdk::At;
using parcours::sdk::NumberAt;
using parcours::sdk::TextAt;
namespace {

// The base letter of a two-byte UTF-8 French accented letter (0xC3 xx), or 0.
char AccentBase(unsigned char second) {
  // Latin-1 0xC0..0xFF, as 0x80..0xBF after 0xC3: map by ranges.
  const unsigned char c = static_cast<unsigned char>(second + 0x40);  // back to Latin-1
  if ((c >= 0xC0 && c <= 0xC5) || (c >= 0xE0 && c <= 0xE5)) return 'a';
  if (c == 0xC7 || c == 0xE7) return 'c';
  if ((c >= 0xC8 && c <= 0xCB) || (c >= 0xE8 && c <= 0xEB)) return 'e';
  if ((c >= 0xCC && c <= 0xCF) || (c >= 0xEC && c <= 0xEF)) return 'i';
  if ((c >= 0xD2 && c <= 0xD6) || (c >= 0xF2 && c <= 0xF6)) return 'o';
  if ((c >= 0xD9 && c <= 0xDC) || (c >= 0xF9 && c <= 0xFC)) return 'u';
  return 0;
}

std::string Track(const Json& context) {
  const std::string track = TextAt(context, {"fields", "track"});
  return track.empty() ? TextAt(context, {"entry", "fields", "track"}) : track;
}

}  // namespace

Verdict EsatRequiresRqth(const Json& context) {
  if (Track(context) != kEsatTrack) return Verdict::Allow();
  const std::string rqth = TextAt(context, {"person", "attrs", "rqth"});
  if (rqth == "yes") return Verdict::Allow();
  const std::string id = TextAt(context, {"person", "id"});
  return Verdict::Refuse(
      "the ESAT track is for disabled workers oriented to an ESAT by the CDAPH, which makes them recognised disabled "
      "workers (RQTH); the person's rqth attribute is " +
      (rqth.empty() ? std::string("not recorded") : "\"" + rqth + "\"") +
      ": once the CDAPH has recognised them, record it with `parcours person edit " + (id.empty() ? "ID" : id) +
      " --attr rqth=yes --date DATE` (the date of the recognition), then try again");
}

std::string CompanyKey(std::string_view name) {
  std::string out;
  bool space = false;
  auto put = [&](char c) {
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      put(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      put(c);
    } else if (c == '\xC3' && i + 1 < name.size() && AccentBase(static_cast<unsigned char>(name[i + 1]))) {
      put(AccentBase(static_cast<unsigned char>(name[++i])));
    } else {
      space = true;
    }
  }
  return out;
}

Verdict PmsmpRenewal(const Json& context) {
  if (TextAt(context, {"fields", "immersion_type"}) != kPmsmp) return Verdict::Allow();
  const std::string company = CompanyKey(TextAt(context, {"fields", "employer"}));
  const Json& history = At(context, {"history"});
  if (company.empty() || !history.is_array()) return Verdict::Allow();
  int earlier = 0;
  std::string dates;
  for (const auto& event : history) {
    if (TextAt(event, {"action"}) != kStartImmersion || TextAt(event, {"fields", "immersion_type"}) != kPmsmp) continue;
    if (CompanyKey(TextAt(event, {"fields", "employer"})) != company) continue;
    ++earlier;
    dates += (dates.empty() ? "" : ", ") + TextAt(event, {"date"});
  }
  if (earlier < kMaxPmsmpPerCompany) return Verdict::Allow();
  return Verdict::Refuse("this company already hosted " + std::to_string(earlier) + " PMSMP of this person (" + dates +
                         "): a PMSMP is renewed once at most; propose a hire, a training or another company");
}

}  // namespace peps
