// The HTTP/1.1 server behind `parcours serve` (docs/operations.md, "Running
// the server").
//
// Wire: POST /v1/command with a Service request (a JSON object) as body ->
// 200 with the Service reply, ok or not. The server's own refusals carry an
// error reply too: 400 (malformed HTTP, body not a JSON object), 404 (other
// paths), 405 (wrong method), 408 (nothing or too little received within the
// read timeout), 413 (body over the limit), 431 (headers over the limit),
// 503 (over the connection limit, or shutting down). GET /v1/health -> 200
// {"ok":true,"result":{"status":"serving"}}. Connections are persistent
// (keep-alive) unless the client or a refusal closes them.
//
// Network I/O runs on one thread (the caller of Run()); commands run on a pool
// of `threads` threads, so a command waiting for its batch to be durable never
// holds up the network or the other commands.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include <spdlog/logger.h>

#include "parcours/event.h"
#include "parcours/server/address.h"
#include "parcours/status.h"

namespace parcours::server {

namespace detail {
struct ServerImpl;
}  // namespace detail

struct ServerOptions {
  // Where to listen. A TCP port 0 picks a free port (Listen() says which).
  Address listen;
  // Threads running commands at the same time.
  // Default: 64
  std::size_t threads = 64;
  // Connections served at once; one more is answered 503 and closed.
  // Default: 256
  std::size_t max_connections = 256;
  // Largest request body, in bytes; a larger one is answered 413.
  // Default: 1 MiB
  std::size_t max_body = 1 << 20;
  // Largest request line plus headers, in bytes; more is answered 431.
  // Default: 16 KiB
  std::size_t max_header = 16 << 10;
  // How long a request may take to arrive, from the moment the server waits
  // for it (a new or kept-alive connection); then 408 and the connection is
  // closed. Default: 30 s
  std::chrono::milliseconds read_timeout{30000};
  // How long a reply may take to be sent; then the connection is closed.
  // Default: 30 s
  std::chrono::milliseconds write_timeout{30000};
  // Run on the command pool once when Run() starts, then every
  // tick_interval (one at a time; a tick still running skips the next).
  // Default: none
  std::function<void()> on_tick;
  std::chrono::milliseconds tick_interval{60000};
  // Stop cleanly on SIGINT and SIGTERM (caught from Listen() on).
  // Default: true
  bool handle_signals = true;
};

// What the server serves. Called from the command pool, concurrently; must
// never throw (a throw is answered as an internal error all the same).
struct Handlers {
  // The reply to a request (a JSON object).
  std::function<Json(const Json& request)> handle;
  // The error reply for one of the server's own refusals.
  std::function<Json(const Status& status)> error_reply;
};

class Server {
 public:
  Server(ServerOptions options, Handlers handlers, std::shared_ptr<spdlog::logger> log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. The address listened on (with the port picked), or
  // Unavailable naming the address and why (in use, not permitted...). A
  // Unix socket file left by a server that is gone is replaced; one a live
  // server answers on is refused.
  Result<Address> Listen();

  // Serves until Stop() or a signal: then stops accepting, closes idle
  // connections, lets every command already running finish and reply, and
  // returns once they have (the pool is joined). Removes a Unix socket file.
  Status Run();

  // Begins the clean shutdown described at Run(). Thread-safe.
  void Stop();

  struct Stats {
    uint64_t connections = 0;  // accepted and served
    uint64_t rejected = 0;     // answered 503 for max_connections
    uint64_t commands = 0;     // POST /v1/command handled
    uint64_t refusals = 0;     // answered 4xx/5xx by the server itself
  };
  // Thread-safe.
  Stats stats() const;

 private:
  std::unique_ptr<detail::ServerImpl> impl_;
};

}  // namespace parcours::server
