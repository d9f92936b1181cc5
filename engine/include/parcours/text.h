// Text typed by people: checking and normalising it on input, folding names
// for matching, and echoing it back in messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/status.h"

namespace parcours {

// Limits on free text, in characters (code points), documented in docs/cli.md
// ("Limits").
inline constexpr std::size_t kMaxNameChars = 100;    // person names, referents, actors
inline constexpr std::size_t kMaxReasonChars = 500;  // reasons (void)
// Characters of a user's text a message shows before cutting it (EchoText).
inline constexpr std::size_t kEchoChars = 60;
// How a message writes a '{' of a user's text (EscapeText), so that the text never
// reads as a reference to a command or an argument ({cmd:NAME}, {arg:NAME}: see
// docs/cli.md, "Requests and replies"). A front end shows it as '{' again.
inline constexpr std::string_view kEscapedBrace = "\\x7b";

// Folds a name for matching (search, duplicate detection): compatibility
// forms unified (full-width "Ｊｅａｎ" -> "jean", ligatures), case folded,
// invisible characters (zero-width, bidi controls) removed, accents removed
// ("Éloïse" -> "eloise", "Œ" -> "oe", "Ștefan" -> "stefan", "Nguyễn" ->
// "nguyen", also when typed as combining marks), hyphens, apostrophes and runs
// of spaces become one space, trimmed. Other scripts are case folded and keep
// their letters. Invalid UTF-8 bytes are dropped.
std::string FoldName(std::string_view name);

// The words of a folded name.
std::vector<std::string> NameTokens(std::string_view folded);

// True when `text` is valid UTF-8 with no control characters.
bool IsCleanText(std::string_view text);

// True when `text` is valid UTF-8 (no overlong forms, surrogates or bytes
// beyond U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Offset of the first byte that breaks UTF-8 (as IsValidUtf8 judges), or
// nullopt when `text` is valid.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text);

// Number of characters (code points) of valid UTF-8 text.
std::size_t CountChars(std::string_view text);

// `text` safe to print in a message: invalid bytes as \xNN, control characters as
// \xNN, invisible format characters (zero-width, bidi controls) as \u{NNNN}, and '{'
// as \x7b (kEscapedBrace).
std::string EscapeText(std::string_view text);

// `text` escaped (EscapeText), cut after `max_chars` characters with "…".
std::string ShortText(std::string_view text, std::size_t max_chars);

// How a message shows a user's text: escaped (EscapeText) and quoted, cut
// after kEchoChars characters with its length: "abc…" (60000 characters).
std::string EchoText(std::string_view text);

// Free text in its stored form: NFC, format characters (zero-width, bidi
// controls, soft hyphen) removed, runs of white space made one space, trimmed.
// Invalid UTF-8 bytes are dropped.
std::string NormalizeText(std::string_view text);

// A free text a person typed (reason, referent, actor, label), checked and
// normalised (NormalizeText). `what` names it in messages ("reason"). Refuses,
// saying what is allowed: invalid UTF-8 (usage error), control characters,
// empty text, more than `max_chars` characters (refused).
Result<std::string> CleanText(std::string_view raw, std::string_view what, std::size_t max_chars);

// A person's name: CleanText with kMaxNameChars, and it must hold a letter
// (refuses "12345", "==", or only invisible characters).
Result<std::string> CleanName(std::string_view raw, std::string_view what = "name");

}  // namespace parcours
