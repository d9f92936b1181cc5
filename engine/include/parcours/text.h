// Text helpers for names typed by people (accent- and case-insensitive matching).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parcours {

// Folds a name for matching: lowercase, Latin accents removed ("Éloïse" ->
// "eloise", "Œ" -> "oe", "Ștefan" -> "stefan", "Nguyễn" -> "nguyen", also
// when accents are typed as combining marks), hyphens, apostrophes and runs of
// spaces become one space, trimmed. Characters outside Latin scripts are kept
// as they are.
std::string FoldName(std::string_view name);

// The words of a folded name.
std::vector<std::string> NameTokens(std::string_view folded);

// True when `text` is valid UTF-8 with no control characters.
bool IsCleanText(std::string_view text);

}  // namespace parcours
