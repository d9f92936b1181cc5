#include "parcours/text.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "common/utf8.h"

namespace parcours {
namespace {

using namespace std::string_view_literals;

// Base letters for U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A), lowercase; '\0' where the code point has no plain-letter base.
constexpr std::string_view kLatin1Fold =
    // C0-DF: ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
    "aaaaaa\1ceeeeiiiidnooooo\0ouuuuyt\2"
    // E0-FF: àáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ
    "aaaaaa\1ceeeeiiiidnooooo\0ouuuuyty"sv;
constexpr std::string_view kExtendedAFold =
    // 0100-017F, two per letter pair mostly (upper, lower)
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii\3\3jjkkklllllllllln"
    "nnnnnnnnoooooo\4\4rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"sv;

// Base letters for U+0180..U+024F (Latin Extended-B: Romanian ș ț, ǎ, ǧ...)
// and U+1E00..U+1EFF (Latin Extended Additional: Vietnamese ễ ầ, ḑ...),
// generated from the Unicode decompositions; '\0' where there is none.
constexpr std::string_view kExtendedBFold =
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0oo\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0uu\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0aaiioouuuuuuuuuu\0aaaa\0\0\0\0"
    "ggkkoooo\0\0j\0\0\0gg\0\0nnaa\0\0\0\0aaaaeeeeiiiioooorrrruuuusstt\0\0hh\0\0\0\0\0\0aaeeooo"
    "oooooyy\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"sv;
constexpr std::string_view kExtendedAdditionalFold =
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprr"
    "rrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwy\0s\0\0\0\0aaaaaaaaaaaaaaa"
    "aaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy\0\0\0\0\0\0"sv;

static_assert(kLatin1Fold.size() == 0x100 - 0xC0);
static_assert(kExtendedBFold.size() == 0x250 - 0x180);
static_assert(kExtendedAdditionalFold.size() == 0x1F00 - 0x1E00);
static_assert(kExtendedAFold.size() == 0x180 - 0x100);

// Combining diacritical marks (the blocks of accents, not the vowel signs of
// other scripts).
bool IsCombiningAccent(int32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

// Appends the folded form of one code point.
void FoldCodePoint(std::string& out, int32_t cp) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return;
  }
  if (IsCombiningAccent(cp)) return;  // accents of decomposed text: dropped
  char base = 0;
  if (cp >= 0xC0 && cp <= 0xFF) base = kLatin1Fold[cp - 0xC0];
  else if (cp >= 0x100 && cp <= 0x17F) base = kExtendedAFold[cp - 0x100];
  else if (cp >= 0x180 && cp <= 0x24F) base = kExtendedBFold[cp - 0x180];
  else if (cp >= 0x1E00 && cp <= 0x1EFF) base = kExtendedAdditionalFold[cp - 0x1E00];
  switch (base) {
    case 0: utf8::Append(out, cp); return;   // keep as is
    case '\1': out += "ae"; return;
    case '\2': out += "ss"; return;
    case '\3': out += "ij"; return;
    case '\4': out += "oe"; return;
    default: out += base; return;
  }
}

bool IsSeparator(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '-' || cp == '\'' || cp == 0x2019 /* ’ */ ||
         cp == 0x00A0 /* nbsp */ || cp == '.' || cp == ',';
}

// NFKC with case folding and default-ignorables removed, then decomposed
// (NFD) so that accents become separate marks. ASCII needs neither.
std::string CompatibilityFold(const std::string& valid) {
  const bool ascii = std::all_of(valid.begin(), valid.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return valid;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return valid;  // ICU data missing: fold what the tables know
  const icu::UnicodeString folded = casefold->normalize(icu::UnicodeString::fromUTF8(valid), status);
  const icu::UnicodeString decomposed = nfd->normalize(folded, status);
  if (U_FAILURE(status)) return valid;
  std::string out;
  decomposed.toUTF8String(out);
  return out;
}

}  // namespace

std::string FoldName(std::string_view name) {
  std::string valid;
  valid.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const int32_t cp = utf8::Decode(name, i);
    if (cp < 0) { ++i; continue; }  // drop invalid bytes
    utf8::Append(valid, cp);
  }
  const std::string folded = CompatibilityFold(valid);
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < folded.size();) {
    const int32_t cp = utf8::Decode(folded, i);
    if (cp < 0) { ++i; continue; }
    if (IsSeparator(cp)) { pending_space = !out.empty(); continue; }
    if (pending_space) { out += ' '; pending_space = false; }
    FoldCodePoint(out, cp);
  }
  return out;
}

std::vector<std::string> NameTokens(std::string_view folded) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    if (end > start) tokens.emplace_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

bool IsCleanText(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const int32_t cp = utf8::Decode(text, i);
    if (cp < 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view text) { return !FirstInvalidUtf8(text); }

std::optional<std::size_t> FirstInvalidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (utf8::Decode(text, i) < 0) return i;
  }
  return std::nullopt;
}

std::size_t CountChars(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace utf8 {

int32_t Decode(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  int len = 0;
  int32_t cp = 0;
  if (lead < 0x80) { ++i; return lead; }
  if ((lead & 0xE0) == 0xC0) { len = 2; cp = lead & 0x1F; }
  else if ((lead & 0xF0) == 0xE0) { len = 3; cp = lead & 0x0F; }
  else if ((lead & 0xF8) == 0xF0) { len = 4; cp = lead & 0x07; }
  else return -1;
  if (i + len > text.size()) return -1;
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Reject overlong forms, surrogates and out-of-range code points.
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

void Append(std::string& out, int32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace utf8
}  // namespace parcours
