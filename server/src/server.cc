#include "parcours/server/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "parcours/text.h"

namespace parcours::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

std::string DumpReply(const Json& reply) {
  return reply.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

// A connection, whatever its protocol: what the server needs to stop it.
class Connection {
 public:
  virtual ~Connection() = default;
  // On the network thread: close now if idle, else once the running
  // command has replied.
  virtual void Shutdown() = 0;
};

struct detail::ServerImpl {
  ServerOptions options;
  Handlers handlers;
  std::shared_ptr<spdlog::logger> log;

  asio::io_context io;
  std::optional<asio::thread_pool> pool;
  std::optional<asio::ip::tcp::acceptor> tcp_acceptor;
  std::optional<asio::local::stream_protocol::acceptor> unix_acceptor;
  std::optional<asio::signal_set> signals;
  asio::steady_timer tick_timer{io};
  std::atomic<bool> tick_running{false};
  Address bound;
  bool listening = false;
  bool stopping = false;  // network thread only

  // Network thread only.
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  std::size_t rejecting = 0;

  std::atomic<uint64_t> n_connections{0}, n_rejected{0}, n_commands{0}, n_refusals{0};

  Json ErrorReply(const Status& status) const {
    try {
      return handlers.error_reply(status);
    } catch (...) {
      return Json{{"ok", false}, {"error", {{"code", status.code_name()}, {"message", status.message()}}}};
    }
  }

  // Runs a command on the pool; never throws.
  Json Handle(const Json& request) {
    try {
      return handlers.handle(request);
    } catch (const std::exception& ex) {
      return ErrorReply(Status::Internal(std::string("the command failed: ") + ex.what()));
    } catch (...) {
      return ErrorReply(Status::Internal("the command failed"));
    }
  }

  template <class Protocol>
  void Accept(typename Protocol::acceptor& acceptor);
  template <class Protocol>
  void Reject(typename Protocol::socket socket);

  void BeginShutdown() {
    if (stopping) return;
    stopping = true;
    log->info("stopping: no new connections; waiting for the commands in flight");
    error_code ignored;
    if (tcp_acceptor) tcp_acceptor->close(ignored);
    if (unix_acceptor) unix_acceptor->close(ignored);
    if (signals) signals->cancel(ignored);
    tick_timer.cancel();
    // Shutdown() may remove entries: iterate over a copy.
    std::vector<std::shared_ptr<Connection>> live;
    for (auto& [raw, weak] : connections) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    for (auto& c : live) c->Shutdown();
  }

  void ScheduleTick() {
    if (!options.on_tick) return;
    if (tick_running.exchange(true)) {
      log->warn("the periodic task is still running: skipping this round");
    } else {
      asio::post(*pool, [this] {
        try {
          options.on_tick();
        } catch (const std::exception& ex) {
          log->error("the periodic task failed: {}", ex.what());
        } catch (...) {
          log->error("the periodic task failed");
        }
        tick_running = false;
      });
    }
    if (options.tick_interval.count() <= 0) return;
    tick_timer.expires_after(options.tick_interval);
    tick_timer.async_wait([this](error_code ec) {
      if (!ec && !stopping) ScheduleTick();
    });
  }
};

namespace {

template <class Protocol>
class Session final : public Connection, public std::enable_shared_from_this<Session<Protocol>> {
 public:
  Session(detail::ServerImpl& server, typename Protocol::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(server.io) {}

  void Start() { ReadRequest(); }

  void Shutdown() override {
    closing_ = true;
    if (state_ == State::kReading) {
      error_code ignored;
      socket_.cancel(ignored);
    }
  }

 private:
  enum class State { kReading, kHandling, kWriting, kClosed };

  void ReadRequest() {
    if (server_.stopping) return Close();
    state_ = State::kReading;
    timed_out_ = false;
    parser_.emplace();
    parser_->body_limit(server_.options.max_body);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header));
    ArmTimer(server_.options.read_timeout);
    http::async_read(socket_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) { self->OnRead(ec); });
  }

  // Cancels the socket's operation when `timeout` passes first.
  void ArmTimer(std::chrono::milliseconds timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([weak = this->weak_from_this(), generation = ++timer_generation_](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock(); self && self->timer_generation_ == generation) {
        self->timed_out_ = true;
        error_code ignored;
        self->socket_.cancel(ignored);
      }
    });
  }

  void OnRead(error_code ec) {
    timer_.cancel();
    ++timer_generation_;
    if (timed_out_) {
      return Refuse(http::status::request_timeout,
                    Status::Usage("no complete request arrived within " +
                                      std::to_string(server_.options.read_timeout.count()) + " ms",
                                  "Send the whole request at once; the connection is closed."));
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == asio::error::broken_pipe) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Refuse(http::status::payload_too_large,
                    Status::Usage("the request body is over the limit of " +
                                      std::to_string(server_.options.max_body) + " bytes",
                                  "Send a smaller command; the server's limit is set by serve --max-body."));
    }
    if (ec == http::error::header_limit) {
      return Refuse(http::status::request_header_fields_too_large,
                    Status::Usage("the request headers are over the limit of " +
                                      std::to_string(server_.options.max_header) + " bytes",
                                  "Send shorter headers."));
    }
    if (ec) {
      return Refuse(http::status::bad_request,
                    Status::Usage("malformed HTTP request: " + ec.message(),
                                  "Send an HTTP/1.1 request: POST /v1/command with a JSON body."));
    }
    Dispatch(parser_->release());
  }

  void Dispatch(http::request<http::string_body> request) {
    keep_alive_ = request.keep_alive();
    const std::string_view target(request.target().data(), request.target().size());
    if (target == "/v1/health") {
      if (request.method() != http::verb::get && request.method() != http::verb::head) {
        return RefuseMethod("GET");
      }
      return Reply(http::status::ok,
                   DumpReply(Json{{"ok", true}, {"result", {{"status", closing_ ? "stopping" : "serving"}}}}));
    }
    if (target != "/v1/command") {
      return Refuse(http::status::not_found,
                    Status::NotFound("no such path " + EchoText(target),
                                     "Send commands with POST /v1/command; GET /v1/health for a probe."),
                    true);
    }
    if (request.method() != http::verb::post) return RefuseMethod("POST");

    Json body;
    try {
      body = Json::parse(request.body());
    } catch (const Json::parse_error& ex) {
      return Refuse(http::status::bad_request,
                    Status::Usage("the request body is not JSON (error at byte " + std::to_string(ex.byte) + ")",
                                  "Send a Service request: a JSON object such as "
                                  "{\"command\":\"show\",\"args\":{...}}."),
                    true);
    }
    if (!body.is_object()) {
      return Refuse(http::status::bad_request,
                    Status::Usage("the request body is JSON but not an object",
                                  "Send a Service request: a JSON object such as "
                                  "{\"command\":\"show\",\"args\":{...}}."),
                    true);
    }
    ++server_.n_commands;
    state_ = State::kHandling;
    // The network thread stays free: the command runs (and waits for its
    // batch to be durable) on the pool, then the reply comes back here.
    asio::post(*server_.pool, [self = this->shared_from_this(), body = std::move(body),
                               work = asio::make_work_guard(server_.io)]() mutable {
      std::string reply = DumpReply(self->server_.Handle(body));
      asio::post(self->server_.io, [self, reply = std::move(reply)]() mutable {
        self->Reply(http::status::ok, std::move(reply));
      });
    });
  }

  void RefuseMethod(const char* allowed) {
    Refuse(http::status::method_not_allowed,
           Status::Usage("method not allowed on this path",
                         std::string("Use ") + allowed + " here: POST /v1/command, GET /v1/health."),
           true, allowed);
  }

  // `keep`: the request was read whole, the connection may go on.
  void Refuse(http::status code, const Status& status, bool keep = false, const char* allow = nullptr) {
    ++server_.n_refusals;
    server_.log->info("refused ({}): {}", static_cast<unsigned>(code), status.message());
    if (!keep) {
      keep_alive_ = false;
      linger_ = true;
    }
    Reply(code, DumpReply(server_.ErrorReply(status)), allow);
  }

  void Reply(http::status code, std::string body, const char* allow = nullptr) {
    if (state_ == State::kClosed) return;
    state_ = State::kWriting;
    response_ = {};
    response_.version(11);
    response_.result(code);
    response_.set(http::field::server, "parcours");
    response_.set(http::field::content_type, "application/json");
    if (allow) response_.set(http::field::allow, allow);
    response_.body() = std::move(body);
    response_.keep_alive(keep_alive_ && !server_.stopping);
    response_.prepare_payload();
    ArmTimer(server_.options.write_timeout);
    http::async_write(socket_, response_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->timer_.cancel();
      ++self->timer_generation_;
      if (ec) return self->Close();
      if (self->linger_) return self->Linger();
      if (!self->response_.keep_alive()) return self->Close();
      self->ReadRequest();
    });
  }

  // After a refusal that ends the connection: the client may still be
  // sending (a body over the limit). Closing now would reset the connection
  // and could destroy the reply before the client reads it, so stop sending,
  // read and drop what still comes for a moment, then close.
  void Linger() {
    error_code ignored;
    socket_.shutdown(Protocol::socket::shutdown_send, ignored);
    ArmTimer(std::chrono::milliseconds(2000));
    Drain();
  }
  void Drain() {
    socket_.async_read_some(asio::buffer(scratch_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    timer_.cancel();
    error_code ignored;
    socket_.shutdown(Protocol::socket::shutdown_send, ignored);
    socket_.close(ignored);
    server_.connections.erase(this);
  }

  detail::ServerImpl& server_;
  typename Protocol::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  State state_ = State::kReading;
  bool timed_out_ = false;
  uint64_t timer_generation_ = 0;
  bool closing_ = false;
  bool keep_alive_ = true;
  bool linger_ = false;
  char scratch_[4096];
};

// A connection over the limit: answered 503, then drained briefly (so that
// the reply is not lost to a reset) and closed.
template <class Protocol>
class Rejection final : public std::enable_shared_from_this<Rejection<Protocol>> {
 public:
  Rejection(detail::ServerImpl& server, typename Protocol::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(server.io) {}

  void Start() {
    ++server_.rejecting;
    response_.version(11);
    response_.result(http::status::service_unavailable);
    response_.set(http::field::server, "parcours");
    response_.set(http::field::content_type, "application/json");
    response_.set(http::field::retry_after, "1");
    response_.body() = DumpReply(server_.ErrorReply(Status::Unavailable(
        "the server is serving its maximum of " + std::to_string(server_.options.max_connections) +
            " connections",
        "Try again in a moment; the limit is set by serve --max-connections.")));
    response_.keep_alive(false);
    response_.prepare_payload();
    timer_.expires_after(std::chrono::seconds(2));
    timer_.async_wait([weak = this->weak_from_this()](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) {
        error_code ignored;
        self->socket_.close(ignored);
      }
    });
    http::async_write(socket_, response_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->Finish();
      error_code ignored;
      self->socket_.shutdown(Protocol::socket::shutdown_send, ignored);
      self->Drain();
    });
  }

 private:
  void Drain() {
    socket_.async_read_some(asio::buffer(scratch_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->Finish();
      self->Drain();
    });
  }
  void Finish() {
    if (done_) return;
    done_ = true;
    --server_.rejecting;
    timer_.cancel();
    error_code ignored;
    socket_.close(ignored);
  }

  detail::ServerImpl& server_;
  typename Protocol::socket socket_;
  asio::steady_timer timer_;
  http::response<http::string_body> response_;
  char scratch_[4096];
  bool done_ = false;
};

}  // namespace

template <class Protocol>
void detail::ServerImpl::Accept(typename Protocol::acceptor& acceptor) {
  acceptor.async_accept([this, &acceptor](error_code ec, typename Protocol::socket socket) {
    if (stopping) return;
    if (ec) {
      // Out of file descriptors and the like: say so, keep serving the others.
      log->warn("accepting a connection failed: {}", ec.message());
    } else if (connections.size() >= options.max_connections) {
      ++n_rejected;
      log->warn("refused a connection: already serving {} (serve --max-connections)", connections.size());
      if (rejecting < options.max_connections) {
        std::make_shared<Rejection<Protocol>>(*this, std::move(socket))->Start();
      }
    } else {
      ++n_connections;
      auto session = std::make_shared<Session<Protocol>>(*this, std::move(socket));
      connections.emplace(session.get(), session);
      session->Start();
    }
    Accept<Protocol>(acceptor);
  });
}

Server::Server(ServerOptions options, Handlers handlers, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<detail::ServerImpl>()) {
  impl_->options = std::move(options);
  impl_->handlers = std::move(handlers);
  impl_->log = std::move(log);
  if (impl_->options.threads == 0) impl_->options.threads = 1;
}

Server::~Server() {
  if (impl_->pool) impl_->pool->join();
}

namespace {

Status CannotListen(const Address& address, const error_code& ec, const std::string& allowed = {}) {
  return Status::Unavailable("cannot listen on " + address.ToString() + ": " + ec.message(),
                             allowed.empty() ? "Choose another address with --listen." : allowed);
}

}  // namespace

Result<Address> Server::Listen() {
  detail::ServerImpl& s = *impl_;
  error_code ec;
  Address bound = s.options.listen;
  if (bound.kind == Address::Kind::kTcp) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(bound.host, ec), bound.port);
    if (ec) return CannotListen(bound, ec);
    auto& acceptor = s.tcp_acceptor.emplace(s.io);
    if (acceptor.open(endpoint.protocol(), ec); ec) return CannotListen(bound, ec);
    if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return CannotListen(bound, ec);
    if (acceptor.bind(endpoint, ec); ec) return CannotListen(bound, ec);
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return CannotListen(bound, ec);
    bound.port = acceptor.local_endpoint(ec).port();
  } else {
    using Local = asio::local::stream_protocol;
    struct stat st {};
    if (::lstat(bound.path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return Status::Unavailable("cannot listen on " + bound.ToString() + ": the file exists and is not a socket",
                                   "Choose another path, or remove that file.");
      }
      Local::socket probe(s.io);
      probe.connect(Local::endpoint(bound.path), ec);
      if (!ec) {
        return Status::Unavailable("cannot listen on " + bound.ToString() + ": a server is already answering there",
                                   "Stop that server first, or choose another path.");
      }
      ::unlink(bound.path.c_str());  // left by a server that is gone
    }
    auto& acceptor = s.unix_acceptor.emplace(s.io);
    if (acceptor.open(Local(), ec); ec) return CannotListen(bound, ec);
    if (acceptor.bind(Local::endpoint(bound.path), ec); ec) return CannotListen(bound, ec);
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return CannotListen(bound, ec);
  }
  // From here a signal is a clean stop, even before Run() (it then returns at once).
  if (s.options.handle_signals) {
    s.signals.emplace(s.io, SIGINT, SIGTERM);
    s.signals->async_wait([&s](error_code ec, int signal) {
      if (ec) return;
      s.log->info("received signal {}", signal);
      s.BeginShutdown();
    });
  }
  s.bound = bound;
  s.listening = true;
  return bound;
}

Status Server::Run() {
  detail::ServerImpl& s = *impl_;
  if (!s.listening) return Status::Internal("Server::Run() before a successful Listen()");
  s.pool.emplace(s.options.threads);
  if (s.tcp_acceptor) s.Accept<asio::ip::tcp>(*s.tcp_acceptor);
  if (s.unix_acceptor) s.Accept<asio::local::stream_protocol>(*s.unix_acceptor);
  s.ScheduleTick();
  s.io.run();
  s.pool->join();
  if (s.unix_acceptor) ::unlink(s.bound.path.c_str());
  s.log->info("stopped: {} connections, {} commands, {} refused, {} connections over the limit",
              s.n_connections.load(), s.n_commands.load(), s.n_refusals.load(), s.n_rejected.load());
  return Status::Ok();
}

void Server::Stop() {
  asio::post(impl_->io, [s = impl_.get()] { s->BeginShutdown(); });
}

Server::Stats Server::stats() const {
  return {impl_->n_connections.load(), impl_->n_rejected.load(), impl_->n_commands.load(),
          impl_->n_refusals.load()};
}

}  // namespace parcours::server
