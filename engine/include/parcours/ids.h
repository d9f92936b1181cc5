// Identifiers shown to people: a prefix naming the kind of thing and five
// characters from an alphabet with no look-alikes (no 0/O, 1/I/L), e.g.
// "P-7K2M9" for a person, "W-3F8Q4" for a pathway (a "way").
#pragma once

#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace parcours {

inline constexpr std::string_view kIdAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr char kPersonPrefix = 'P';
inline constexpr char kPathwayPrefix = 'W';

// A new random id with `prefix`. Uniqueness is the caller's to check.
std::string NewId(char prefix, std::mt19937_64& rng);

// Normalises an id typed by a person (case-insensitive, missing dash accepted:
// "w3f8q4" -> "W-3F8Q4"). nullopt when it cannot be an id of that kind.
std::optional<std::string> NormalizeId(char prefix, std::string_view typed);

}  // namespace parcours
