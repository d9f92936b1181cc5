// What every command shares: global options, the open engine, and output.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include "output.h"
#include "parcours/engine.h"
#include "parcours/plugins.h"

namespace parcours::cli {

// An open store with its engine. Destroying it drains the event bus first.
struct Session {
  boost::asio::io_context io;
  std::unique_ptr<Store> store;
  std::unique_ptr<Engine> engine;

  ~Session();
};

struct Context {
  // Global options.
  std::string data_dir;  // --data, else $PARCOURS_DATA, else the per-user default
  std::string actor;     // --actor, else the OS user
  bool json = false;     // --json
  std::string log_level = "warn";
  std::vector<std::string> plugin_files;  // --plugin FILE, repeatable
  bool no_default_plugins = false;        // --no-default-plugins
  double wait_seconds = 5;                // --wait SECONDS: for a store in use by another process
  std::string server;      // --server ADDR: send commands to a running `parcours serve`
  std::string token;       // --token, else $PARCOURS_TOKEN: who asks, for a server
  std::string request_id;  // --request-id ID: makes a retried write safe (write commands only)

  bool actor_given = false;  // --actor was given (with a token, the token says who asks)

  Output out;
  std::shared_ptr<spdlog::logger> log;
  std::unique_ptr<Clock> clock;
  std::unique_ptr<PluginRegistry> plugins;  // set up by Prepare(); loads on first use

  // The command chosen on the command line, run after parsing.
  std::function<Status()> action;

  // Resolves defaults (data dir, actor, clock, logger) once options are
  // parsed, and records plugin locations (default ones, then --plugin files).
  Status Prepare();
  // Opens the store. `write`: as its one writer; otherwise as one of its
  // readers. Waits up to --wait for another process using it.
  Result<std::unique_ptr<Session>> Open(bool write, bool create = false);

  // Runs a Service request (parcours/service.h) with the actor, token and
  // request id added: sent to the server FindServer gives (cli/remote.h), else
  // on the store opened here (as its writer iff the command writes). The
  // reply's result, or the failed status the reply carries.
  Result<Json> Call(Json request);

  // Embedded, after a command that wrote: records the deadlines that passed
  // (logged; a failure does not fail the command).
  void RecordPassedDeadlines(Session& session) const;

  // For the commands that run here only (init, plugins, serve): a usage error
  // when --request-id is given, rather than an id silently ignored.
  Status RefuseRequestId(std::string_view command) const;
};

// What most commands do: ctx.Call(request), then print the result: the result
// JSON with --json, else `human(result)`.
Status RunCommand(Context& ctx, Json request, const std::function<std::string(const Json& result)>& human);

// A Service request: {"command": command, "args": args}.
Json Request(std::string command, Json args = Json::object());

// `--field K=V` values into a map. Usage error on a malformed or repeated key.
Result<RawFields> ParseKeyValues(const std::vector<std::string>& items, std::string_view option);

// A usage error for a failed parse, naming an unknown command when that is
// what went wrong.
Status UsageError(const CLI::App& app, const CLI::ParseError& error);

// Longest command-line argument accepted, in bytes (docs/cli.md, "Limits").
inline constexpr std::size_t kMaxArgumentBytes = 65536;

// Checked before parsing: a usage error naming the first argument that is not
// valid UTF-8 or longer than kMaxArgumentBytes, shown escaped and cut.
Status CheckArguments(const CLI::App& app, int argc, const char* const* argv);

// Checked after parsing: a usage error for an optional option given an empty
// value (`--date ""`): a default comes from leaving the option out, never from "".
Status RefuseEmptyValues(const CLI::App& app);

// True when --json is on the command line (for errors before parsing ends).
bool JsonRequested(int argc, const char* const* argv);

// The per-user default store directory: $XDG_DATA_HOME/parcours or ~/.local/share/parcours.
std::string DefaultDataDir();

// Registration of each command (one file each under commands/).
void SetInitCommand(CLI::App& app, Context& ctx);
void SetProgrammeCommand(CLI::App& app, Context& ctx);
void SetPersonCommand(CLI::App& app, Context& ctx);
void SetEnrollCommand(CLI::App& app, Context& ctx);
void SetAdvanceCommand(CLI::App& app, Context& ctx);
void SetRecordCommand(CLI::App& app, Context& ctx);
void SetVoidCommand(CLI::App& app, Context& ctx);
void SetAssignCommand(CLI::App& app, Context& ctx);
void SetShowCommands(CLI::App& app, Context& ctx);
void SetCaseloadCommand(CLI::App& app, Context& ctx);
void SetReportCommand(CLI::App& app, Context& ctx);
void SetPluginsCommand(CLI::App& app, Context& ctx);
void SetServeCommand(CLI::App& app, Context& ctx);
void SetUserCommand(CLI::App& app, Context& ctx);
void SetNoteCommand(CLI::App& app, Context& ctx);
void SetDueCommand(CLI::App& app, Context& ctx);
void SetExchangeCommands(CLI::App& app, Context& ctx);  // import, export

}  // namespace parcours::cli
