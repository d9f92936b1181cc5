// `parcours serve` and the CLI as its client: the same output as embedded
// mode, 8 concurrent clients with request ids and retries, bad input on the
// wire, too many connections, and a clean shutdown with commands in flight.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "e2e_fixture.cc"
#include "parcours/server/client.h"

extern char** environ;

namespace parcours::e2e {
namespace {

namespace srv = parcours::server;

// A `parcours serve` process on a loopback port picked by the kernel.
class ServerProcess {
 public:
  // Starts `parcours --data STORE serve --listen LISTEN EXTRA...` and waits
  // for the line it prints once it serves (the process's stdout is a pipe).
  ServerProcess(const std::string& store, const std::string& log_path, const Args& extra = {},
                const std::string& listen = "127.0.0.1:0", const std::string& today = kToday) {
    Args args = {PARCOURS_BIN, "--data", store, "--json", "--log-level", "info", "serve", "--listen", listen};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = {"PARCOURS_TODAY=" + today};
    for (char** e = environ; *e; ++e) {
      const std::string_view entry(*e);
      if (entry.rfind("PARCOURS_", 0) != 0) env_s.emplace_back(entry);
    }
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out[2];
    EXPECT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[4096];
    if (fgets(line, sizeof line, stdout_) != nullptr) {
      const Json j = Json::parse(line, nullptr, false);
      if (j.is_object()) address = j.value("address", "");
    }
    if (address.empty()) ADD_FAILURE() << "the server did not start:\n" << ReadText(log_path);
  }

  ~ServerProcess() {
    if (pid_ > 0) Stop(SIGKILL);
    if (stdout_) fclose(stdout_);
  }

  // Sends `signal` and waits: the exit code, or 128 + the signal that killed it.
  int Stop(int signal = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::unique_ptr<srv::Client> Connect() const {
    auto parsed = srv::ParseAddress(address);
    EXPECT_TRUE(parsed.ok()) << address;
    auto client = srv::Client::Connect(*parsed);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  std::string address;

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
};

class ServerTest : public StoreTest {
 protected:
  // A store with insertion installed, the counsellor lea.moreau and `n`
  // persons each enrolled; the pathway ids.
  std::vector<std::string> SetUpStore(int n) {
    InitStore();
    InstallInsertion();
    token_ = Ok({"user", "add", kActor, "--role", "counsellor"}).value("token", "");
    EXPECT_FALSE(token_.empty()) << "`parcours user add` gave no token";
    std::vector<std::string> pathways;
    const char* names[] = {"Awa Diallo", "Karim Benali", "Léa Martin", "Paul Durand",
                           "Inès Roux",  "Hugo Petit",   "Nora Haddad", "Yann Le Gall"};
    for (int i = 0; i < n; ++i) {
      // Enrolled today: no deadline passes (the server would record deadline_missed).
      pathways.push_back(Enroll(AddPerson(names[i % 8], "1991-04-0" + std::to_string(1 + i % 8)), kToday));
    }
    return pathways;
  }

  std::string Log() const { return dir() / "serve.log"; }

  Json Record(srv::Client& client, const std::string& pathway, const std::string& request_id) const {
    Json request = {{"command", "record"},
                    {"args", {{"pathway", pathway}, {"milestone", "interview"}, {"fields", {{"mode", "phone"}}}}},
                    {"token", token_}};
    if (!request_id.empty()) request["request_id"] = request_id;
    auto reply = client.Command(request);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : Json::object();
  }

  // Events of `pathway` whose milestone is interview, read from the store.
  int Interviews(const std::string& pathway) const {
    int n = 0;
    for (const auto& e : Show(pathway).value("events", Json::array())) n += e.value("action", "") == "interview";
    return n;
  }

  std::string token_;
};

// ---- the CLI through the server -------------------------------------------------------

TEST_F(ServerTest, CliGivesTheSameOutputAndExitCodesAsEmbedded) {
  const std::string w = SetUpStore(1)[0];
  const std::string copy = dir() / "embedded";
  std::filesystem::copy(store(), copy, std::filesystem::copy_options::recursive);
  ServerProcess server(store(), Log());
  ASSERT_FALSE(server.address.empty());
  ASSERT_TRUE(std::filesystem::exists(store() + "/parcours.server"));

  const std::vector<Args> commands = {{"advance", w, "position"},
                                      {"record", w, "interview", "--field", "mode=group"},
                                      {"show", w},
                                      {"advance", w, "place", "--field", "contract=cdi"},  // refused
                                      {"show", "W-NOPE1"},                                   // not found
                                      {"frobnicate"}};
  for (const Args& command : commands) {
    Args embedded_args = {"--data", copy, "--actor", kActor, "--token", token_};
    embedded_args.insert(embedded_args.end(), command.begin(), command.end());
    const CliResult embedded = RunCli(embedded_args, {{"PARCOURS_TODAY", kToday}});
    // Through the server found in the store's directory, then given by --server.
    Args remote_args = {"--data", store(), "--actor", kActor, "--token", token_};
    remote_args.insert(remote_args.end(), command.begin(), command.end());
    const CliResult remote = RunCli(remote_args, {{"PARCOURS_TODAY", kToday}});
    EXPECT_EQ(remote.exit_code, embedded.exit_code) << Describe(command, remote) << Describe(command, embedded);
    EXPECT_EQ(remote.out, embedded.out) << Describe(command, remote);
    EXPECT_EQ(remote.err, embedded.err) << Describe(command, remote);
  }
  Args given = {"--data", dir() / "nowhere", "--server", server.address, "--actor", kActor, "--token", token_,
                "show", w};
  const CliResult by_option = RunCli(given, {{"PARCOURS_TODAY", kToday}});
  EXPECT_EQ(by_option.exit_code, 0) << Describe(given, by_option);
  EXPECT_TRUE(Contains(by_option.out, w));
  const CliResult by_env = RunCli({"--data", dir() / "nowhere", "--actor", kActor, "show", w},
                                  {{"PARCOURS_SERVER", server.address}, {"PARCOURS_TOKEN", token_}});
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_EQ(by_env.out, by_option.out);

  EXPECT_EQ(server.Stop(SIGTERM), 0) << ReadText(Log());
  EXPECT_FALSE(std::filesystem::exists(store() + "/parcours.server"));
}

TEST_F(ServerTest, ServerRefusesARequestWithoutAToken) {
  const std::string w = SetUpStore(1)[0];
  ServerProcess server(store(), Log());
  const CliResult r = Run({"show", w});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_TRUE(Contains(r.err, "token"));
}

TEST_F(ServerTest, AStaleServerFileMeansEmbeddedMode) {
  const std::string w = SetUpStore(1)[0];
  {
    ServerProcess server(store(), Log());
    ASSERT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }
  ASSERT_TRUE(std::filesystem::exists(store() + "/parcours.server"));  // left by the killed server
  EXPECT_EQ(Ok({"show", w}).value("pathway", ""), w);
}

TEST_F(ServerTest, AnUnreachableServerIsUnavailable) {
  const CliResult r = Run({"--server", "127.0.0.1:1", "show", "W-3F8Q4"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(Contains(r.err, "cannot reach the server at 127.0.0.1:1"));
  const CliResult bad = Run({"--server", "localhost", "show", "W-3F8Q4"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_TRUE(Contains(bad.err, "127.0.0.1:PORT"));
}

TEST_F(ServerTest, ServesOnAUnixSocket) {
  const std::string w = SetUpStore(1)[0];
  const std::string socket = dir() / "s.sock";
  ServerProcess server(store(), Log(), {}, "unix:" + socket);
  ASSERT_EQ(server.address, "unix:" + socket);
  const CliResult r = RunCli({"--server", server.address, "--actor", kActor, "--token", token_, "show", w});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Another store's server on the same socket: refused, the first one keeps it.
  const std::string other = dir() / "other";
  ASSERT_EQ(RunCli({"--data", other, "init"}).exit_code, 0);
  const CliResult second = RunCli({"--data", other, "serve", "--listen", "unix:" + socket});
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_TRUE(Contains(second.err, "a server is already answering there")) << second.err;
  EXPECT_EQ(RunCli({"--server", server.address, "--actor", kActor, "--token", token_, "show", w}).exit_code, 0);
  EXPECT_EQ(server.Stop(SIGINT), 0);
  EXPECT_FALSE(std::filesystem::exists(socket));
}

TEST_F(ServerTest, ServeRefusesABadListenAddress) {
  InitStore();
  for (const std::string bad : {"localhost:80", "127.0.0.1", "127.0.0.1:70000", "::1:80", "unix:"}) {
    const CliResult r = Run({"serve", "--listen", bad});
    EXPECT_EQ(r.exit_code, 2) << Describe({"serve", "--listen", bad}, r);
    EXPECT_TRUE(Contains(r.err, "[::1]:PORT"));
  }
}

TEST_F(ServerTest, ProcessesPassedDeadlinesWhenItStarts) {
  InitStore();
  Ok({"programme", "install", SourcePath("workflows/insertion.yaml")});  // with its deadlines
  ASSERT_FALSE(Ok({"user", "add", kActor, "--role", "counsellor"}).value("token", "").empty());
  const std::string w = Enroll(AddPerson("Awa Diallo"), "2026-11-01");  // positioning due 2026-12-01
  // The server starts on 2026-12-05: the deadline passed in the meantime.
  ServerProcess server(store(), Log(), {}, "127.0.0.1:0", "2026-12-05");
  EXPECT_EQ(server.Stop(SIGTERM), 0);  // the first round runs at start and finishes before the exit
  EXPECT_TRUE(Contains(Run({"show", w}).out, "deadline missed: positioning"));
  EXPECT_TRUE(Contains(ReadText(Log()), "deadlines: recorded 1"));
}

// ---- the acceptance test of issue 7 -------------------------------------------------

TEST_F(ServerTest, EightClientsThousandTransitionsEachWithRetriesGiveExactly8000Events) {
  constexpr int kClients = 8, kEach = 1000;
  const auto pathways = SetUpStore(kClients);
  {
    ServerProcess server(store(), Log());
    ASSERT_FALSE(server.address.empty());
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto client = server.Connect();
        if (!client) return void(++failures);
        uint32_t last_seq = 0;
        for (int i = 0; i < kEach; ++i) {
          const std::string id = "c" + std::to_string(c) + "-" + std::to_string(i);
          const Json first = Record(*client, pathways[c], id);
          const uint32_t seq = first.value("result", Json::object()).value("seq", 0u);
          // Per-pathway order: each acknowledged event comes after the previous one.
          if (!first.value("ok", false) || seq <= last_seq) ++failures;
          last_seq = seq;
          if (i % 10 == 0) {  // a retry: the first result again, nothing written
            const Json again = Record(*client, pathways[c], id);
            if (again != first) ++failures;
          }
        }
      });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(server.Stop(SIGTERM), 0) << ReadText(Log());
  }
  // Restarted: exactly 8,000 events, 1,000 on each pathway, no duplicate.
  ServerProcess restarted(store(), Log());
  EXPECT_EQ(restarted.Stop(SIGTERM), 0);
  int total = 0;
  for (const auto& w : pathways) {
    const int n = Interviews(w);
    EXPECT_EQ(n, kEach) << w;
    total += n;
  }
  EXPECT_EQ(total, kClients * kEach);
}

TEST_F(ServerTest, SigtermWithCommandsInFlightRepliesToEveryCommandItRan) {
  const auto pathways = SetUpStore(4);
  std::atomic<int> acknowledged{0};
  {
    ServerProcess server(store(), Log());
    ASSERT_FALSE(server.address.empty());
    std::atomic<bool> started{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        auto client = server.Connect();
        if (!client) return void(started = true);
        for (int i = 0; i < 100000; ++i) {
          Json request = {{"command", "record"},
                          {"args", {{"pathway", pathways[c]}, {"milestone", "interview"}, {"fields", {{"mode", "video"}}}}},
                          {"token", token_}};
          auto reply = client->Command(request);
          if (!reply.ok()) return void(started = true);  // the server closed the connection: stopped
          if (reply->value("ok", false)) ++acknowledged;
          started = true;
        }
      });
    }
    while (!started) std::this_thread::yield();
    EXPECT_EQ(server.Stop(SIGTERM), 0) << ReadText(Log());
    for (auto& t : clients) t.join();
  }
  EXPECT_TRUE(Contains(ReadText(Log()), "stopping"));
  int total = 0;
  for (const auto& w : pathways) total += Interviews(w);
  EXPECT_EQ(total, acknowledged.load());  // every acknowledged command is durable, no other
}

// ---- bad input on the wire ----------------------------------------------------------------

// Sends `bytes` on a new connection (then, with `half_close`, says it will
// send nothing more) and reads until the server closes it.
std::string RawExchange(const std::string& address, const std::string& bytes, bool half_close = true) {
  namespace asio = boost::asio;
  const auto parsed = srv::ParseAddress(address);
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address(parsed->host), parsed->port}, ec);
  if (ec) return "connect: " + ec.message();
  asio::write(socket, asio::buffer(bytes), ec);
  if (half_close) socket.shutdown(asio::socket_base::shutdown_send, ec);
  std::string reply;
  asio::read(socket, asio::dynamic_buffer(reply), ec);
  return reply;
}

TEST_F(ServerTest, BadInputOnTheWireGetsAClearErrorAndTheServerKeepsServing) {
  InitStore();
  ServerProcess server(store(), Log(), {"--max-body", "1000"});
  auto client = server.Connect();
  ASSERT_TRUE(client);
  auto status_of = [&](const std::string& method, const std::string& target, const std::string& body) {
    auto r = client->Request(method, target, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::make_pair(r->status, Json::parse(r->body, nullptr, false)) : std::make_pair(0u, Json());
  };
  auto [malformed, m] = status_of("POST", "/v1/command", "{\"command\": ");
  EXPECT_EQ(malformed, 400u);
  EXPECT_TRUE(Contains(m["error"].value("message", ""), "not JSON")) << m;
  EXPECT_EQ(status_of("POST", "/v1/command", "[1,2]").first, 400u);
  EXPECT_EQ(status_of("POST", "/v1/command", "\"\xff\xfe\"").first, 400u);  // invalid UTF-8
  auto [unknown, u] = status_of("POST", "/v1/command", R"({"command":"frobnicate"})");
  EXPECT_EQ(unknown, 200u);
  EXPECT_EQ(u["error"].value("code", ""), "usage") << u;
  EXPECT_TRUE(Contains(u["error"].value("message", ""), "unknown command")) << u;
  EXPECT_EQ(status_of("GET", "/v1/command", "").first, 405u);
  EXPECT_EQ(status_of("GET", "/nope", "").first, 404u);
  auto [health, h] = status_of("GET", "/v1/health", "");
  EXPECT_EQ(health, 200u);
  EXPECT_EQ(h["result"].value("status", ""), "serving");
  // Over --max-body: 413, and the connection is closed (the client reconnects).
  auto [big, b] = status_of("POST", "/v1/command", "{\"x\":\"" + std::string(2000, 'a') + "\"}");
  EXPECT_EQ(big, 413u);
  EXPECT_TRUE(Contains(b["error"].value("message", ""), "1000 bytes")) << b;
  EXPECT_EQ(status_of("GET", "/v1/health", "").first, 200u);

  // Garbage, a half request, a huge header: an answer or a close, never a crash.
  using namespace std::string_literals;
  EXPECT_TRUE(Contains(RawExchange(server.address, "\x00\x01\x02 garbage\r\n\r\n"s), "HTTP/1.1 400"));
  EXPECT_TRUE(Contains(RawExchange(server.address, "POST /v1/command HTTP/1.1\r\nContent-Length: 50\r\n\r\n{"),
                       "HTTP/1.1 400"));
  EXPECT_TRUE(Contains(RawExchange(server.address, "GET /v1/health HTTP/1.1\r\nX: " + std::string(100000, 'h') +
                                                       "\r\n\r\n"),
                       "HTTP/1.1 431"));
  EXPECT_TRUE(Contains(RawExchange(server.address, "GET /v1/health HTTP/1.1\r\nContent-Length: -5\r\n\r\n"), "400"));
  EXPECT_EQ(status_of("GET", "/v1/health", "").first, 200u);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << ReadText(Log());
}

TEST_F(ServerTest, AClientThatSendsNothingGets408) {
  InitStore();
  ServerProcess server(store(), Log(), {"--read-timeout", "0.2"});
  const std::string reply = RawExchange(server.address, "", /*half_close=*/false);  // sends nothing, waits
  EXPECT_TRUE(Contains(reply, "HTTP/1.1 408")) << reply;
  EXPECT_TRUE(Contains(reply, "no complete request arrived within 200 ms")) << reply;
  auto client = server.Connect();
  EXPECT_EQ(client->Request("GET", "/v1/health", "")->status, 200u);
}

TEST_F(ServerTest, OverMaxConnectionsGets503AndTheOthersAreServed) {
  InitStore();
  ServerProcess server(store(), Log(), {"--max-connections", "2"});
  auto a = server.Connect();
  auto b = server.Connect();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Request("GET", "/v1/health", "")->status, 200u);
  EXPECT_EQ(b->Request("GET", "/v1/health", "")->status, 200u);
  auto c = server.Connect();
  ASSERT_TRUE(c);
  auto refused = c->Request("GET", "/v1/health", "");
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 503u);
  EXPECT_TRUE(Contains(refused->body, "maximum of 2 connections"));
  EXPECT_EQ(a->Request("GET", "/v1/health", "")->status, 200u);
  a.reset();  // one leaves: a newcomer is served (the server sees the close first)
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto d = server.Connect();
    if (d->Request("GET", "/v1/health", "")->status == 200u) break;
    ASSERT_LT(attempt, 99) << "a closed connection never freed its place";
  }
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace parcours::e2e
