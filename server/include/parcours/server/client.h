// The client side of the server's wire (server.h): used by the CLI to send a
// command, and by tests and benchmarks to drive a server over persistent
// connections. Synchronous, with timeouts.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "parcours/event.h"
#include "parcours/server/address.h"
#include "parcours/status.h"

namespace parcours::server {

struct ClientOptions {
  // How long connecting may take. Default: 5 s
  std::chrono::milliseconds connect_timeout{5000};
  // How long a reply may take once the request is sent. Default: 10 min
  std::chrono::milliseconds reply_timeout{600000};
};

struct HttpReply {
  unsigned status = 0;  // 200, 400...
  std::string body;
};

// One persistent connection to a server.
class Client {
 public:
  // Unavailable naming the address when nothing answers there in time.
  static Result<std::unique_ptr<Client>> Connect(const Address& address, const ClientOptions& options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `method` (e.g. "POST") `target` with `body` and reads the reply.
  // If the server closed the connection while it was idle, connects again
  // first. Unavailable when the server cannot be reached, closes the
  // connection before replying, or does not reply within reply_timeout.
  Result<HttpReply> Request(const std::string& method, const std::string& target, const std::string& body);

  // POST /v1/command: the Service reply (ok or not) the server sent, also
  // for the server's own refusals. Unavailable as for Request(), or when the
  // reply is not a JSON object.
  Result<Json> Command(const Json& request);

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The file a server writes in its store's directory, so that CLIs using that
// store find it: "<store>/parcours.server", a JSON object {"address", "pid"}.
std::string ServerFilePath(const std::string& store_dir);
// Written atomically, with the permissions the umask allows (as the store's
// other files). Unavailable naming the file when it cannot be written.
Status WriteServerFile(const std::string& store_dir, const Address& address);
// The address recorded there; nullopt when there is no such file or it does
// not hold an address (a stale file is the caller's to detect: connecting fails).
std::optional<Address> ReadServerFile(const std::string& store_dir);
// Removes the file if it still names `address` (a newer server's is kept).
void RemoveServerFile(const std::string& store_dir, const Address& address);

}  // namespace parcours::server
