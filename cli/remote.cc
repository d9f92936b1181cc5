#include "remote.h"

#include <cstdlib>
#include <memory>

#include "context.h"
#include "parcours/server/client.h"

namespace parcours::cli {

namespace {

// The connection FindServer opened to check a recorded server, reused by
// CallServer (one command per process: at most one connection).
struct Cached {
  std::string address;
  std::unique_ptr<server::Client> client;
};
Cached& Connection() {
  static Cached cached;
  return cached;
}

}  // namespace

std::optional<std::string> FindServer(const Context& ctx) {
  if (!ctx.server.empty()) return ctx.server;
  if (const char* env = std::getenv("PARCOURS_SERVER"); env && *env) return std::string(env);
  const auto recorded = server::ReadServerFile(ctx.data_dir);
  if (!recorded) return std::nullopt;
  // The file outlives a server that was killed: when nothing answers, use
  // the store directly (opening it then says whether it is free).
  server::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  auto client = server::Client::Connect(*recorded, options);
  if (!client.ok()) {
    if (ctx.log) {
      ctx.log->info("{} names a server that does not answer ({}); using the store directly",
                    server::ServerFilePath(ctx.data_dir), client.status().message());
    }
    return std::nullopt;
  }
  Connection() = {recorded->ToString(), std::move(*client)};
  return recorded->ToString();
}

Result<Json> CallServer(const std::string& address, const Json& request) {
  Cached& cached = Connection();
  if (!cached.client || cached.address != address) {
    PARCOURS_ASSIGN_OR_RETURN(const server::Address parsed, server::ParseAddress(address));
    PARCOURS_ASSIGN_OR_RETURN(cached.client, server::Client::Connect(parsed));
    cached.address = address;
  }
  return cached.client->Command(request);
}

}  // namespace parcours::cli
