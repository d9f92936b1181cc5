// Checking and normalising text typed by people, and echoing it in messages
// (text.h). Unicode properties and normalisation come from ICU.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "common/utf8.h"
#include "parcours/text.h"

namespace parcours {
namespace {

bool IsControl(int32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0); }

// Invisible characters that change how text is shown or matched: zero-width
// spaces and joiners, bidi controls (U+202E...), soft hyphen, BOM.
bool IsFormat(int32_t cp) { return u_charType(cp) == U_FORMAT_CHAR; }

std::string Hex(const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// NFC of valid UTF-8; the text itself when ICU cannot normalise it.
std::string Nfc(const std::string& valid) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return valid;
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(valid);
  if (nfc->isNormalized(source, status) && U_SUCCESS(status)) return valid;
  status = U_ZERO_ERROR;
  const icu::UnicodeString normal = nfc->normalize(source, status);
  if (U_FAILURE(status)) return valid;
  std::string out;
  normal.toUTF8String(out);
  return out;
}

}  // namespace

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const int32_t cp = utf8::Decode(text, i);
    if (cp < 0) {
      out += Hex("\\x%02x", static_cast<unsigned char>(text[i++]));
    } else if (cp == '{') {
      out += kEscapedBrace;
    } else if (cp < 0x80 && IsControl(cp)) {
      out += Hex("\\x%02x", static_cast<unsigned>(cp));
    } else if (IsControl(cp) || IsFormat(cp)) {
      out += Hex("\\u{%04X}", static_cast<unsigned>(cp));
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

namespace {

// Bytes of the first `max_chars` characters of `text` (an invalid byte counts
// as one character).
std::size_t PrefixBytes(std::string_view text, std::size_t max_chars) {
  std::size_t end = 0;
  for (std::size_t chars = 0; end < text.size() && chars < max_chars; ++chars) {
    if (utf8::Decode(text, end) < 0) ++end;
  }
  return end;
}

}  // namespace

std::string ShortText(std::string_view text, std::size_t max_chars) {
  const std::size_t end = PrefixBytes(text, max_chars);
  return EscapeText(text.substr(0, end)) + (end < text.size() ? "…" : "");
}

std::string EchoText(std::string_view text) {
  const std::size_t end = PrefixBytes(text, kEchoChars);
  if (end == text.size()) return "\"" + EscapeText(text) + "\"";
  std::size_t total = kEchoChars;
  for (std::size_t i = end; i < text.size(); ++total) {
    if (utf8::Decode(text, i) < 0) ++i;
  }
  return "\"" + ShortText(text, kEchoChars) + "\" (" + std::to_string(total) + " characters)";
}

std::string NormalizeText(std::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const int32_t cp = utf8::Decode(text, i);
    if (cp < 0) { ++i; continue; }
    utf8::Append(valid, cp);
  }
  const std::string normal = Nfc(valid);
  std::string out;
  out.reserve(normal.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < normal.size();) {
    const std::size_t start = i;
    const int32_t cp = utf8::Decode(normal, i);
    if (IsFormat(cp)) continue;
    if (u_isUWhiteSpace(cp)) { pending_space = !out.empty(); continue; }
    if (pending_space) { out += ' '; pending_space = false; }
    out.append(normal, start, i - start);
  }
  return out;
}

Result<std::string> CleanText(std::string_view raw, std::string_view what, std::size_t max_chars) {
  const std::string name(what);
  if (!IsValidUtf8(raw)) {
    return Status::Usage(name + " " + EchoText(raw) + " is not valid UTF-8",
                         "Give the text in UTF-8 (check the encoding of the terminal, file or "
                         "script it comes from).");
  }
  for (std::size_t i = 0; i < raw.size();) {
    if (IsControl(utf8::Decode(raw, i))) {
      return Status::Refused(name + " " + EchoText(raw) +
                                 " contains a control character (tab, newline, escape...)",
                             "Use one line of printable text.");
    }
  }
  std::string text = NormalizeText(raw);
  if (text.empty()) {
    return Status::Refused(name + " is empty" +
                               (raw.empty() ? "" : " (it holds only spaces or invisible characters)"),
                           "Give a non-empty text.");
  }
  if (const std::size_t chars = CountChars(text); chars > max_chars) {
    const std::string echo = EchoText(text);
    return Status::Refused(name + " " + echo + " is too long" +
                               (chars > kEchoChars ? "" : " (" + std::to_string(chars) + " characters)"),
                           "Use at most " + std::to_string(max_chars) + " characters.");
  }
  return text;
}

Result<std::string> CleanName(std::string_view raw, std::string_view what) {
  PARCOURS_ASSIGN_OR_RETURN(std::string name, CleanText(raw, what, kMaxNameChars));
  for (std::size_t i = 0; i < name.size();) {
    if (u_isalpha(utf8::Decode(name, i))) return name;
  }
  return Status::Refused(std::string(what) + " " + EchoText(name) + " has no letter",
                         "A name holds letters (any alphabet, accents allowed), with spaces, "
                         "hyphens, apostrophes or dots between them, e.g. \"Awa Diallo\" or "
                         "\"Jean-Marie N'Diaye\".");
}

}  // namespace parcours
