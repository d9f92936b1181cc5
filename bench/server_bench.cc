// Durable transitions per second through `parcours serve`'s server, next to
// RocksDB's own synced writes measured in the same run.
//
//   build/bin/parcours_server_bench [SECONDS_PER_ROW [server [CLIENTS]]]   (default 3)
//
// `server` leaves RocksDB's rows out (to profile the server's alone);
// CLIENTS then keeps the one row of that many clients (1, 8 or 32), without
// the HTTP floor.
//
// In one process: a store in a temporary directory, the engine, the Service
// (tokens required), its subscribers' thread and the HTTP server on a
// loopback port; 1, 8 and 32 client threads, each on one persistent
// connection, record the `interview` milestone on their own pathway as fast
// as replies come (each reply is sent once the event is durable). fsyncs are
// counted by wrapping fsync and fdatasync for the whole process, so they
// include RocksDB's own; CPU time is the whole process's (getrusage), the
// clients' HTTP side included. A first server row has the same 32 clients
// ask GET /v1/health: what HTTP and the thread hand-offs cost with no
// command at all.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/logger.h>

#include "bench_rocksdb.h"
#include "bench_support.h"
#include "parcours/engine.h"
#include "parcours/server/client.h"
#include "parcours/server/server.h"
#include "parcours/service.h"

namespace {
std::atomic<uint64_t> g_syncs{0};
}  // namespace

// Every fsync and fdatasync of the process (RocksDB's WAL syncs included).
extern "C" int fsync(int fd) {
  ++g_syncs;
  return static_cast<int>(syscall(SYS_fsync, fd));
}
extern "C" int fdatasync(int fd) {
  ++g_syncs;
  return static_cast<int>(syscall(SYS_fdatasync, fd));
}

namespace parcours {
namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path TempDir(const std::string& name) { return bench::TempDir("server-bench", name); }
using bench::ReadInsertionWorkflow;

struct Row {
  std::string what;
  double per_second = 0;
  double syncs_per_write = 0;
  double cpu_us_per_write = 0;  // the whole process's CPU time (clients included)
  std::string extra;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// `threads` threads call `op(thread)` until `seconds` pass; ops per second
// and syncs per op.
template <class Op>
Row Measure(const std::string& what, int threads, double seconds, Op op, int writes_per_op = 1) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ops{0};
  const uint64_t syncs_before = g_syncs;
  const double cpu_before = CpuSeconds();
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!op(t)) break;
        ++n;
      }
      ops += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double writes = static_cast<double>(ops.load()) * writes_per_op;
  if (writes == 0) return {what, 0, 0, 0, ""};
  return {what, writes / elapsed, static_cast<double>(g_syncs - syncs_before) / writes,
          (CpuSeconds() - cpu_before) * 1e6 / writes, ""};
}

std::vector<Row> RawRocksDb(double seconds) {
  std::vector<Row> rows;
  const auto dir = TempDir("rocksdb");
  std::unique_ptr<rocksdb::DB> db = bench::OpenRawRocksDb(dir);
  if (!db) return rows;
  rocksdb::WriteOptions synced;
  synced.sync = true;
  const std::string value(300, 'v');  // about an event's size
  std::atomic<uint64_t> key{0};
  for (int threads : {1, 32}) {
    rows.push_back(Measure("RocksDB synced single puts, " + std::to_string(threads) + " threads", threads, seconds,
                           [&](int) { return db->Put(synced, "k" + std::to_string(key++), value).ok(); }));
  }
  rows.push_back(Measure(
      "RocksDB synced batches of 32 puts, 1 thread", 1, seconds,
      [&](int) {
        rocksdb::WriteBatch batch;
        for (int i = 0; i < 32; ++i) batch.Put("b" + std::to_string(key++), value);
        return db->Write(synced, &batch).ok();
      },
      32));
  db.reset();
  std::filesystem::remove_all(dir);
  return rows;
}

std::vector<Row> ThroughServer(double seconds, const std::vector<int>& client_counts, bool floor) {
  std::vector<Row> rows;
  const auto dir = TempDir("store");
  auto store = Store::Open(dir.string(), StoreOptions{true, false, nullptr});
  if (!store.ok()) return rows;
  FixedDateClock clock(*Date::ParseIso("2026-11-21"));
  boost::asio::io_context bus;
  auto log = std::make_shared<spdlog::logger>("bench");
  log->set_level(spdlog::level::warn);  // as `parcours serve` by default
  {
    Engine engine(**store, clock, bus, log);
    static_cast<void>(engine.InstallProgramme(ReadInsertionWorkflow(), "insertion.yaml", "bench"));
    auto user = engine.AddUser(AddUserRequest{"lea", "counsellor", "bench", ""});
    if (!user.ok()) {
      std::fprintf(stderr, "adding the user failed: %s\n", user.status().ToString().c_str());
      return rows;
    }
    std::vector<std::string> pathways;
    for (int i = 0; i < 32; ++i) {
      AddPersonRequest p;
      p.name = "Personne " + std::to_string(i);
      p.birth = "1990-01-01";
      p.sex = "F";
      p.allow_duplicate = true;
      p.actor = "lea";
      auto person = engine.AddPerson(p);
      EnrollRequest e;
      e.person = person->id;
      e.programme = "insertion";
      e.fields = {{"prescriber", "france_travail"}};
      e.actor = "lea";
      pathways.push_back(engine.Enroll(e)->state.id);
    }

    Service service(engine, ServiceOptions{.require_token = true});
    server::ServerOptions options;
    options.listen = *server::ParseAddress("127.0.0.1:0");
    options.handle_signals = false;
    // Subscribers (the after-commit actions' pass) run on their own thread,
    // as in `parcours serve`.
    auto bus_work = boost::asio::make_work_guard(bus);
    std::thread bus_thread([&bus] { bus.run(); });
    server::Server srv(options, {[&](const Json& r) { return service.Handle(r); }, ErrorReply}, log);
    const server::Address address = *srv.Listen();
    std::thread serving([&] { static_cast<void>(srv.Run()); });

    // `n` persistent connections to the server; fewer when one fails.
    auto open_connections = [&address](int n) {
      std::vector<std::unique_ptr<server::Client>> connections;
      for (int c = 0; c < n; ++c) {
        auto connection = server::Client::Connect(address);
        if (!connection.ok()) break;
        connections.push_back(std::move(*connection));
      }
      return connections;
    };
    // The floor under any command: the same 32 connections asking the
    // server's health (HTTP both ways and the network thread; no command, no
    // pool thread, no write).
    if (floor) {
      auto connections = open_connections(32);
      if (connections.size() == 32) {
        rows.push_back(Measure("HTTP alone (GET /v1/health), 32 clients", 32, seconds, [&](int c) {
          auto reply = connections[c]->Request("GET", "/v1/health", "");
          return reply.ok() && reply->status == 200;
        }));
        rows.back().extra = "no command: the floor of the rows below";
      }
    }
    for (int clients : client_counts) {
      auto connections = open_connections(clients);
      if (connections.size() < static_cast<std::size_t>(clients)) break;
      const Engine::CommitStats before = engine.commit_stats();
      rows.push_back(Measure("through the server, " + std::to_string(clients) + " clients", clients, seconds,
                             [&](int c) {
                               const Json request = {
                                   {"command", "record"},
                                   {"token", user->token},
                                   {"args", {{"pathway", pathways[c]}, {"milestone", "interview"},
                                             {"fields", {{"mode", "phone"}}}}}};
                               auto reply = connections[c]->Command(request);
                               return reply.ok() && reply->value("ok", false);
                             }));
      const Engine::CommitStats after = engine.commit_stats();
      const double committed = static_cast<double>(after.committed - before.committed);
      char extra[160];
      std::snprintf(extra, sizeof extra, "committer: %.1f commands per batch, %llu conflicts",
                    committed / static_cast<double>(std::max<uint64_t>(1, after.batches - before.batches)),
                    static_cast<unsigned long long>(after.conflicts - before.conflicts));
      rows.back().extra = extra;
    }
    srv.Stop();
    serving.join();
    bus_work.reset();
    bus_thread.join();
  }
  store->reset();
  std::filesystem::remove_all(dir);
  return rows;
}

}  // namespace
}  // namespace parcours

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  // `server` as second argument: the server's rows only (to profile them);
  // a number of clients as third: that row only.
  const bool server_only = argc > 2 && std::string(argv[2]) == "server";
  std::vector<int> client_counts = {1, 8, 32};
  const bool one_row = server_only && argc > 3;
  if (one_row) {
    const int n = std::atoi(argv[3]);
    if (std::find(client_counts.begin(), client_counts.end(), n) == client_counts.end()) {
      std::fprintf(stderr, "CLIENTS must be 1, 8 or 32, not %s\n", argv[3]);
      return 2;
    }
    client_counts = {n};
  }
  auto rows = server_only ? std::vector<parcours::Row>() : parcours::RawRocksDb(seconds);
  auto server_rows = parcours::ThroughServer(seconds, client_counts, !one_row);
  rows.insert(rows.end(), server_rows.begin(), server_rows.end());
  std::printf("%-46s %12s %14s %16s\n", "", "per second", "fsyncs each", "CPU us each");
  for (const auto& r : rows) {
    std::printf("%-46s %12.0f %14.3f %16.0f  %s\n", r.what.c_str(), r.per_second, r.syncs_per_write,
                r.cpu_us_per_write, r.extra.c_str());
  }
  const std::size_t expected = (server_only ? 0 : 3) + (one_row ? 0 : 1) + client_counts.size();
  return rows.size() == expected ? 0 : 1;
}
