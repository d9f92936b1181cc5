// Private to the engine: users as the engine's commands see them
// (docs/security.md). The public side is in parcours/engine.h.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/engine.h"
#include "parcours/status.h"
#include "parcours/store.h"

namespace parcours {

// Longest user name, in characters (letters, digits, '.', '-' and '_').
inline constexpr std::size_t kMaxUserNameChars = 64;

// Once any user exists, a referent (enroll, assign) must be an active user.
// Ok when no user exists yet or `name` is an active user; otherwise Refused
// naming the referent and the nearest active users' names.
Status CheckKnownReferent(const StoreReader& reader, const std::string& name);

// The user named `name` (revoked or not) as `reader` sees it; nullopt when
// there is none.
Result<std::optional<User>> FindUser(const StoreReader& reader, const std::string& name);

// The SHA-256 of `bytes`, in lower-case hex (empty if OpenSSL fails).
std::string Sha256Hex(std::string_view bytes);
// The SHA-256 of what `in` holds from where it is to its end (empty if
// OpenSSL fails or the stream cannot be read).
std::string Sha256Hex(std::istream& in);
// What the store keeps of a token: its Sha256Hex.
inline std::string TokenHash(std::string_view token) { return Sha256Hex(token); }

}  // namespace parcours
