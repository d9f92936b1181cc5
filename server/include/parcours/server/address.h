// Where a server listens and where a client connects: a loopback or network
// TCP endpoint ("127.0.0.1:8750", "[::1]:8750") or a Unix socket ("unix:/path").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parcours/status.h"

namespace parcours::server {

struct Address {
  enum class Kind { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;    // kTcp: an IPv4 or IPv6 address, without brackets
  uint16_t port = 0;   // kTcp: 0 to listen on a free port
  std::string path;    // kUnix: the socket file

  // The text form ParseAddress reads back: "127.0.0.1:8750", "[::1]:8750",
  // "unix:/run/parcours.sock".
  std::string ToString() const;
};

// Parses "HOST:PORT" (HOST an IPv4 address, or an IPv6 address in brackets;
// PORT 0 to 65535) or "unix:PATH" (PATH not empty, at most 107 bytes).
// Usage error naming what was wrong and the forms allowed.
Result<Address> ParseAddress(std::string_view text);

}  // namespace parcours::server
