#include "parcours/server/client.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace parcours::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;
using Tcp = asio::ip::tcp;
using Local = asio::local::stream_protocol;

// Largest reply body read (a report can be large).
constexpr std::uint64_t kMaxReplyBody = 256ull << 20;

struct Client::Impl {
  Address address;
  ClientOptions options;
  asio::io_context io;
  std::variant<std::monostate, Tcp::socket, Local::socket> socket;
  beast::flat_buffer buffer;

  // Runs the io_context until `done` or `timeout`; on timeout, closes the
  // socket (aborting the operation) and returns false.
  bool RunFor(const bool& done, std::chrono::milliseconds timeout) {
    io.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && io.run_one_until(deadline) > 0) {
    }
    if (done) return true;
    Close();
    io.restart();
    io.run();
    return false;
  }

  void Close() {
    std::visit(
        [](auto& s) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) {
            error_code ignored;
            s.close(ignored);
          }
        },
        socket);
  }

  Status Unreachable(const std::string& why) const {
    return Status::Unavailable("cannot reach the server at " + address.ToString() + ": " + why,
                               "Check that `parcours serve` runs there, or leave out --server and "
                               "$PARCOURS_SERVER to use the store directly.");
  }

  Status Connect() {
    buffer.clear();
    error_code result = asio::error::timed_out;
    bool done = false;
    if (address.kind == Address::Kind::kTcp) {
      error_code ec;
      const Tcp::endpoint endpoint(asio::ip::make_address(address.host, ec), address.port);
      if (ec) return Unreachable(ec.message());
      auto& s = socket.emplace<Tcp::socket>(io);
      s.async_connect(endpoint, [&](error_code e) { result = e, done = true; });
    } else {
      auto& s = socket.emplace<Local::socket>(io);
      s.async_connect(Local::endpoint(address.path), [&](error_code e) { result = e, done = true; });
    }
    if (!RunFor(done, options.connect_timeout)) {
      return Unreachable("no answer within " + std::to_string(options.connect_timeout.count()) + " ms");
    }
    if (result) return Unreachable(result.message());
    if (auto* tcp = std::get_if<Tcp::socket>(&socket)) {
      error_code ignored;
      tcp->set_option(Tcp::no_delay(true), ignored);
    }
    return Status::Ok();
  }

  // True when the idle connection was closed by the server (or has unread
  // bytes, e.g. a 408 for idleness): it must not be reused.
  bool Stale() {
    return std::visit(
        [](auto& s) {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) {
            return true;
          } else {
            if (!s.is_open()) return true;
            error_code ec;
            s.non_blocking(true, ec);
            char byte;
            const std::size_t n = s.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
            s.non_blocking(false, ec);
            if (ec == asio::error::would_block) return false;
            return n > 0 || ec;  // data waiting, or closed
          }
        },
        socket);
  }

  template <class Socket>
  Result<HttpReply> Exchange(Socket& s, http::request<http::string_body>& request) {
    error_code result;
    bool done = false;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReplyBody);
    http::async_write(s, request, [&](error_code e, std::size_t) {
      if (e) {
        result = e, done = true;
        return;
      }
      http::async_read(s, buffer, parser, [&](error_code e2, std::size_t) { result = e2, done = true; });
    });
    if (!RunFor(done, options.reply_timeout)) {
      return Unreachable("no reply within " + std::to_string(options.reply_timeout.count() / 1000) + " s");
    }
    if (result) {
      Close();
      return Unreachable(result == http::error::end_of_stream ? "it closed the connection" : result.message());
    }
    auto response = parser.release();
    if (!response.keep_alive()) Close();
    return HttpReply{response.result_int(), std::move(response.body())};
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() { impl_->Close(); }

Result<std::unique_ptr<Client>> Client::Connect(const Address& address, const ClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->address = address;
  impl->options = options;
  PARCOURS_RETURN_IF_ERROR(impl->Connect());
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Result<HttpReply> Client::Request(const std::string& method, const std::string& target, const std::string& body) {
  Impl& c = *impl_;
  if (c.Stale()) PARCOURS_RETURN_IF_ERROR(c.Connect());
  http::request<http::string_body> request;
  request.method(http::string_to_verb(method));
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, c.address.kind == Address::Kind::kTcp ? c.address.ToString() : "localhost");
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  request.body() = body;
  request.prepare_payload();
  if (auto* tcp = std::get_if<Tcp::socket>(&c.socket)) return c.Exchange(*tcp, request);
  return c.Exchange(std::get<Local::socket>(c.socket), request);
}

Result<Json> Client::Command(const Json& request) {
  PARCOURS_ASSIGN_OR_RETURN(
      HttpReply reply, Request("POST", "/v1/command", request.dump(-1, ' ', false, Json::error_handler_t::replace)));
  Json json = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return Status::Unavailable("the server at " + impl_->address.ToString() + " replied HTTP " +
                                   std::to_string(reply.status) + " without a JSON reply",
                               "Check that the address is a `parcours serve` server.");
  }
  return json;
}

// ---- the server file -----------------------------------------------------------

std::string ServerFilePath(const std::string& store_dir) { return store_dir + "/parcours.server"; }

Status WriteServerFile(const std::string& store_dir, const Address& address) {
  const std::string path = ServerFilePath(store_dir);
  const std::string tmp = path + ".tmp";
  const Json content = {{"address", address.ToString()}, {"pid", static_cast<long>(::getpid())}};
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content.dump() << '\n';
    out.flush();
    if (!out) {
      return Status::Unavailable("cannot write " + tmp,
                                 "Check that this user may write the store directory.");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Status::Unavailable("cannot write " + path + ": " + ec.message(),
                               "Check that this user may write the store directory.");
  }
  return Status::Ok();
}

std::optional<Address> ReadServerFile(const std::string& store_dir) {
  std::ifstream in(ServerFilePath(store_dir), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const Json content = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!content.is_object() || !content.contains("address") || !content["address"].is_string()) {
    return std::nullopt;
  }
  auto address = ParseAddress(content["address"].get<std::string>());
  if (!address.ok()) return std::nullopt;
  return *address;
}

void RemoveServerFile(const std::string& store_dir, const Address& address) {
  const auto recorded = ReadServerFile(store_dir);
  if (recorded && recorded->ToString() != address.ToString()) return;
  std::error_code ec;
  std::filesystem::remove(ServerFilePath(store_dir), ec);
}

}  // namespace parcours::server
