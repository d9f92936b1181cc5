// Sending a command to a running `parcours serve` instead of opening the store.
#pragma once

#include <optional>
#include <string>

#include "parcours/event.h"
#include "parcours/status.h"

namespace parcours::cli {

struct Context;

// The server to use: --server, else $PARCOURS_SERVER, else the address a
// server running on the store (--data) recorded in its directory; nullopt:
// run embedded.
std::optional<std::string> FindServer(const Context& ctx);

// Sends `request` (a Service request) to the server at `address`; the
// Service reply, or Unavailable when the server cannot be reached.
Result<Json> CallServer(const std::string& address, const Json& request);

}  // namespace parcours::cli
