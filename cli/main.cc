// parcours: the counsellor's command line. Parses the command, runs it through
// the engine, prints the result, and maps any failure to an exit code
// (docs/cli.md). All logic lives in the engine; this layer only translates.
#include <iostream>
#include <string_view>

#include "context.h"

int main(int argc, char** argv) {
  using parcours::Status;
  namespace cli = parcours::cli;

  cli::Context ctx;
  CLI::App app{"parcours: track participants' pathways through insertion and training programmes."};
  app.name("parcours");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "parcours 0.1.0");
  app.add_option("--data", ctx.data_dir,
                 "Store directory (default: $PARCOURS_DATA, else " + cli::DefaultDataDir() + ")");
  app.add_flag("--json", ctx.json, "Print one JSON object on stdout (errors as JSON on stderr)");
  app.add_option("--actor", ctx.actor, "Who is recording (default: the OS user)");
  app.add_option("--log-level", ctx.log_level, "trace, debug, info, warn (default), error or off");
  app.add_option("--plugin", ctx.plugin_files, "Load this plugin library too (repeatable)");
  app.add_flag("--no-default-plugins", ctx.no_default_plugins,
               "Load only --plugin files, not the default plugin locations");
  app.add_option("--wait", ctx.wait_seconds,
                 "Seconds to wait for another parcours process using the store (default 5, 0: fail at once)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--server", ctx.server,
                 "Send commands to the `parcours serve` at ADDR (default: $PARCOURS_SERVER, else the "
                 "server running on the store, else none: open the store here)");
  app.add_option("--token", ctx.token, "Your user token, for a server (default: $PARCOURS_TOKEN)");
  app.add_option("--request-id", ctx.request_id,
                 "An id for this write: run again with the same id, it is done once (write commands only)");
  app.footer("Example: parcours --data ./store caseload --referent lea.moreau\n"
             "Exit codes: 0 ok, 2 usage, 3 refused, 4 not found, 5 store unavailable, 6 denied, 1 other.");

  cli::SetInitCommand(app, ctx);
  cli::SetProgrammeCommand(app, ctx);
  cli::SetPersonCommand(app, ctx);
  cli::SetEnrollCommand(app, ctx);
  cli::SetAdvanceCommand(app, ctx);
  cli::SetRecordCommand(app, ctx);
  cli::SetVoidCommand(app, ctx);
  cli::SetAssignCommand(app, ctx);
  cli::SetShowCommands(app, ctx);
  cli::SetCaseloadCommand(app, ctx);
  cli::SetReportCommand(app, ctx);
  cli::SetPluginsCommand(app, ctx);
  cli::SetServeCommand(app, ctx);
  cli::SetUserCommand(app, ctx);
  cli::SetNoteCommand(app, ctx);
  cli::SetDueCommand(app, ctx);
  cli::SetExchangeCommands(app, ctx);

  // Arguments are echoed in messages and JSON: refuse what cannot be, up front.
  if (Status bad = cli::CheckArguments(app, argc, argv); !bad.ok()) {
    ctx.out.json = cli::JsonRequested(argc, argv);
    ctx.out.Error(bad);
    return cli::ExitCode(bad);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << '\n';
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help on a subcommand
    // Options are stored only once parsing succeeds: look for --json directly.
    ctx.out.json = cli::JsonRequested(argc, argv);
    ctx.out.Error(cli::UsageError(app, e));
    return 2;
  }

  ctx.out.json = ctx.json;
  Status status = cli::RefuseEmptyValues(app);
  if (status.ok()) status = ctx.Prepare();
  if (status.ok()) {
    try {
      status = ctx.action ? ctx.action() : Status::Usage("no command given", "Run `parcours --help`.");
    } catch (const std::exception& ex) {
      status = Status::Internal(ex.what());
    }
  }
  if (!status.ok()) ctx.out.Error(status);
  return cli::ExitCode(status);
}
