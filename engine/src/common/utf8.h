// UTF-8 decoding and encoding of single code points (internal to common/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parcours::utf8 {

// Decodes one UTF-8 sequence at text[i] and advances i past it. Returns -1
// (i unchanged) for an invalid, truncated, overlong or surrogate sequence.
int32_t Decode(std::string_view text, std::size_t& i);

// Appends code point `cp` (valid, not a surrogate) encoded in UTF-8.
void Append(std::string& out, int32_t cp);

}  // namespace parcours::utf8
