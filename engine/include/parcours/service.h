// The Service: every engine command as one JSON request and one JSON reply.
//
// The CLI (embedded, on an open store) and `parcours serve` (over the network)
// both go through Service::Handle, so that a command gives the same result
// wherever it runs. A request names a command, its arguments and who asks:
//
//   {"command": "advance", "args": {"pathway": "W-3F8Q4", "transition": "place"},
//    "actor": "lea.moreau", "token": "...", "request_id": "..."}
//
// and its reply is {"ok": true, "result": {...}} or
// {"ok": false, "error": {"code": "refused", "message": "...", "hint": "...", "exit": 3}}.
// The format of every command: docs/cli.md, "Requests and replies".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parcours/engine.h"
#include "parcours/status.h"

namespace parcours {

struct ServiceOptions {
  // Every request must carry a valid token (the server). Default: false, a
  // request without a token runs as its "actor" (embedded, trusted local use:
  // the store's file permissions are the boundary).
  bool require_token = false;
};

class Service {
 public:
  // `engine` must outlive the service.
  Service(Engine& engine, ServiceOptions options = {});

  // Runs one request. Never throws: a malformed request is a usage error
  // reply naming what was wrong and what is allowed.
  Json Handle(const Json& request);

  // The commands it knows ("advance", "person.add"...), in documentation order.
  static const std::vector<std::string>& Commands();
  // True when `command` writes to the store (false for reads and unknown names).
  static bool Writes(std::string_view command);

 private:
  Engine& engine_;
  ServiceOptions options_;
};

// The Status a reply carries: Ok for an ok reply, Internal for something that
// is not a reply.
Status ReplyStatus(const Json& reply);

// The reply of a failed status (for a server's own errors: body too large...).
Json ErrorReply(const Status& status);

// The process exit code of a status: 0 ok, 2 usage, 3 refused, 4 not found,
// 5 unavailable, 6 denied, 1 anything else (the "exit" of an error reply).
int StatusExitCode(const Status& status);

// The result of an ok reply (an empty object otherwise).
const Json& ReplyResult(const Json& reply);

}  // namespace parcours
