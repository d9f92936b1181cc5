// parcours serve: run the store behind a server that counsellors' CLIs call
// (docs/operations.md, "Running the server").
#include <unistd.h>

#include <iostream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "context.h"
#include "parcours/server/client.h"
#include "parcours/server/server.h"
#include "parcours/service.h"

namespace parcours::cli {

namespace {

struct ServeArgs {
  std::string listen;
  std::size_t threads = 64;
  std::size_t max_connections = 256;
  std::size_t max_body = 1 << 20;
  double read_timeout = 30;
  double deadline_interval = 60;
};

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

Status Serve(Context& ctx, const ServeArgs& args) {
  PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("serve"));
  PARCOURS_ASSIGN_OR_RETURN(server::Address listen, server::ParseAddress(args.listen));

  // Commands log from many threads: the logger's sink must be thread-safe.
  ctx.log->sinks().clear();
  ctx.log->sinks().push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  ctx.log->set_pattern("parcours: %l: %v");

  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(/*write=*/true));
  Engine& engine = *session->engine;
  // Events are delivered to subscribers on a thread of their own.
  auto bus_work = boost::asio::make_work_guard(session->io);
  std::thread bus_thread([&io = session->io] { io.run(); });
  struct JoinBus {
    decltype(bus_work)& work;
    std::thread& thread;
    ~JoinBus() {
      work.reset();
      thread.join();
    }
  } join_bus{bus_work, bus_thread};

  Service service(engine, ServiceOptions{.require_token = true});

  server::ServerOptions options;
  options.listen = listen;
  options.threads = args.threads;
  options.max_connections = args.max_connections;
  options.max_body = args.max_body;
  options.read_timeout = Millis(args.read_timeout);
  options.tick_interval = Millis(args.deadline_interval);
  options.on_tick = [&engine, log = ctx.log] {
    auto recorded = engine.ProcessDeadlines();
    if (!recorded.ok()) {
      log->warn("processing deadlines failed: {}", RenderHints(recorded.status().message()));
    } else if (*recorded > 0) {
      log->info("deadlines: recorded {} deadline_missed event(s)", *recorded);
    } else {
      log->debug("deadlines: none passed");
    }
  };
  server::Handlers handlers{[&service](const Json& request) { return service.Handle(request); },
                            [](const Status& status) { return ErrorReply(status); }};
  server::Server server(std::move(options), std::move(handlers), ctx.log);
  PARCOURS_ASSIGN_OR_RETURN(const server::Address bound, server.Listen());
  PARCOURS_RETURN_IF_ERROR(server::WriteServerFile(ctx.data_dir, bound));

  ctx.log->info("serving the store at {} on {} (pid {})", ctx.data_dir, bound.ToString(), ::getpid());
  ctx.out.Emit(Json{{"address", bound.ToString()}, {"store", ctx.data_dir}, {"pid", ::getpid()}},
               "Serving the store at " + ctx.data_dir + " on " + bound.ToString() +
                   " (stop with Ctrl-C or SIGTERM)");
  std::cout.flush();

  Status status = server.Run();
  server::RemoveServerFile(ctx.data_dir, bound);
  return status;  // the bus drains, then the engine and store close (flushed)
}

}  // namespace

void SetServeCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Serve the store to other parcours commands over HTTP");
  cmd->add_option("--listen", args->listen,
                  "127.0.0.1:PORT, [::1]:PORT or unix:/path (PORT 0: any free port)")
      ->required();
  cmd->add_option("--threads", args->threads, "Commands run at the same time (default 64)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--max-connections", args->max_connections,
                  "Connections served at once; more are answered 503 (default 256)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--max-body", args->max_body, "Largest request body in bytes; more is answered 413 (default 1 MiB)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  cmd->add_option("--read-timeout", args->read_timeout,
                  "Seconds a request may take to arrive; then 408 (default 30)")
      ->check(CLI::Range(0.01, 3600.0));
  cmd->add_option("--deadline-interval", args->deadline_interval,
                  "Seconds between two rounds of deadline processing (default 60)")
      ->check(CLI::Range(0.01, 86400.0));
  cmd->footer("Example: parcours --data /srv/parcours/store serve --listen 127.0.0.1:8750\n"
              "Clients find it through <store>/parcours.server, --server or $PARCOURS_SERVER.");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return Serve(ctx, *args); }; });
}

}  // namespace parcours::cli
