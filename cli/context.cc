#include "context.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "parcours/service.h"
#include "parcours/text.h"
#include "remote.h"

namespace parcours::cli {

Session::~Session() {
  // Deliver every published event to subscribers before the process ends.
  io.run();
  engine.reset();
  store.reset();
}

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/parcours";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/parcours";
  return ".parcours";
}

namespace {

std::string OsUser() {
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "unknown";
}

}  // namespace

Status Context::Prepare() {
  out.json = json;
  if (data_dir.empty()) {
    const char* env = std::getenv("PARCOURS_DATA");
    data_dir = env && *env ? env : DefaultDataDir();
  }
  if (token.empty()) {
    if (const char* env = std::getenv("PARCOURS_TOKEN"); env && *env) token = env;
  }
  actor_given = !actor.empty();
  if (actor.empty()) actor = OsUser();
  if (auto clean = CleanText(actor, "--actor", kMaxNameChars); clean.ok()) {
    actor = std::move(*clean);
  } else {
    return Status::Usage(clean.status().message(),
                         clean.status().allowed() + " E.g. --actor lea.moreau.");
  }

  if (const char* today = std::getenv("PARCOURS_TODAY"); today && *today) {
    auto date = Date::ParseIso(today);
    if (!date) {
      return Status::Usage("PARCOURS_TODAY=" + std::string(today) + " is not a date",
                           "Set it to YYYY-MM-DD, or unset it to use the system date.");
    }
    clock = std::make_unique<FixedDateClock>(*date);
  } else {
    clock = std::make_unique<SystemClock>();
  }

  const auto level = spdlog::level::from_str(log_level);
  if (level == spdlog::level::off && log_level != "off") {
    return Status::Usage("--log-level " + log_level + " is not a level",
                         "Use trace, debug, info, warn, error or off.");
  }
  log = spdlog::stderr_color_st("parcours");
  log->set_level(level);
  log->set_pattern("parcours: %l: %v");

  // Plugins load on first use: a command that needs none never opens a plugin file.
  plugins = std::make_unique<PluginRegistry>(*clock, log);
  if (!no_default_plugins) plugins->AddLocations(DefaultPluginLocations());
  plugins->AddFiles(plugin_files);
  return Status::Ok();
}

Result<std::unique_ptr<Session>> Context::Open(bool write, bool create) {
  auto session = std::make_unique<Session>();
  StoreOptions options;
  options.create = create;
  options.read_only = !write;
  options.logger = log;
  options.wait = std::chrono::milliseconds(static_cast<long long>(wait_seconds * 1000));
  PARCOURS_ASSIGN_OR_RETURN(session->store, Store::Open(data_dir, options));
  session->engine = std::make_unique<Engine>(*session->store, *clock, session->io, log, plugins.get());
  return session;
}

Result<Json> Context::Call(Json request) {
  // With a token the server knows who asks: an actor goes along only when
  // given, to be checked against the token's user.
  if (token.empty() || actor_given) request["actor"] = actor;
  if (!token.empty()) request["token"] = token;
  if (!request_id.empty()) request["request_id"] = request_id;
  Json reply;
  if (auto address = FindServer(*this)) {
    PARCOURS_ASSIGN_OR_RETURN(reply, CallServer(*address, request));
  } else {
    const std::string command = request.value("command", "");
    const bool writes = Service::Writes(command);
    PARCOURS_ASSIGN_OR_RETURN(auto session, Open(writes));
    Service service(*session->engine);
    reply = service.Handle(request);
    if (writes) RecordPassedDeadlines(*session);
  }
  PARCOURS_RETURN_IF_ERROR(ReplyStatus(reply));
  return ReplyResult(reply);
}

void Context::RecordPassedDeadlines(Session& session) const {
  // Embedded, each writer records the deadlines that passed since the last
  // one (a server does it on a timer); after its own command, so that an
  // event recorded late clears its deadline first.
  auto missed = session.engine->ProcessDeadlines();
  if (!missed.ok()) {
    log->warn("passed deadlines not recorded: {}", RenderHints(missed.status().message()));
  } else if (*missed > 0) {
    log->info("{} passed deadline(s) recorded as missed", *missed);
  }
}

Status Context::RefuseRequestId(std::string_view command) const {
  if (request_id.empty()) return Status::Ok();
  return Status::Usage("`parcours " + std::string(command) + "` takes no --request-id",
                       "Give --request-id to commands that write pathways, persons, programmes or users.");
}

Status RunCommand(Context& ctx, Json request, const std::function<std::string(const Json& result)>& human) {
  PARCOURS_ASSIGN_OR_RETURN(Json result, ctx.Call(std::move(request)));
  ctx.out.Emit(result, ctx.json ? std::string() : human(result));
  return Status::Ok();
}

Json Request(std::string command, Json args) {
  return Json{{"command", std::move(command)}, {"args", std::move(args)}};
}

Status UsageError(const CLI::App& app, const CLI::ParseError& error) {
  // CLI11's message may quote a whole argument: keep it short.
  const std::string what = ShortText(error.what(), 300);
  const auto& extras = app.remaining();
  if (app.get_subcommands().empty() && !extras.empty()) {
    std::string commands;
    for (const auto* sub : app.get_subcommands({})) commands += (commands.empty() ? "" : ", ") + sub->get_name();
    return Status::Usage("unknown command " + EchoText(extras.front()), "Commands: " + commands + ".");
  }
  return Status::Usage(what, "Run `parcours --help` or `parcours COMMAND --help`.");
}

namespace {

// The option named `name` ("--date", "-h") in `app` or any of its subcommands.
const CLI::Option* FindOption(const CLI::App& app, const std::string& name) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->check_name(name)) return opt;
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (const CLI::Option* opt = FindOption(*sub, name)) return opt;
  }
  return nullptr;
}

// How a message names argv[i]: "--name" for the value of an option that takes
// one, else "argument N".
std::string ArgumentName(const CLI::App& app, int i, const char* const* argv) {
  const std::string_view arg = argv[i];
  if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string_view::npos) {
    const std::string name(arg.substr(0, arg.find('=')));
    if (IsValidUtf8(name) && FindOption(app, name)) return name;
  }
  if (i > 1 && argv[i - 1][0] == '-' && std::string_view(argv[i - 1]).find('=') == std::string_view::npos) {
    const CLI::Option* opt = FindOption(app, argv[i - 1]);
    if (opt && opt->get_type_size() != 0) return argv[i - 1];
  }
  return "argument " + std::to_string(i);
}

void CollectParsed(const CLI::App& app, std::vector<const CLI::App*>& out) {
  out.push_back(&app);
  for (const CLI::App* sub : app.get_subcommands()) CollectParsed(*sub, out);
}

}  // namespace

Status CheckArguments(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!IsValidUtf8(arg)) {
      return Status::Usage(ArgumentName(app, i, argv) + " " + EchoText(arg) + " is not valid UTF-8",
                           "Give every argument in UTF-8 (check the encoding of the terminal or "
                           "of the script).");
    }
    if (arg.size() > kMaxArgumentBytes) {
      return Status::Usage(ArgumentName(app, i, argv) + " " + EchoText(arg) + " is too long",
                           "An argument is at most " + std::to_string(kMaxArgumentBytes) + " bytes.");
    }
  }
  return Status::Ok();
}

Status RefuseEmptyValues(const CLI::App& app) {
  std::vector<const CLI::App*> apps;
  CollectParsed(app, apps);
  for (const CLI::App* parsed : apps) {
    for (const CLI::Option* opt : parsed->get_options()) {
      // Required options have no default: the engine says what their value must be.
      if (opt->get_positional() || opt->get_required() || opt->get_type_size() == 0 ||
          opt->count() == 0) {
        continue;
      }
      for (const auto& value : opt->results()) {
        if (!value.empty()) continue;
        const std::string name = opt->get_name();
        return Status::Usage(name + " is given an empty value \"" + value + "\"",
                             name + ": " + opt->get_description() +
                                 ". Leave the option out to use its default.");
      }
    }
  }
  return Status::Ok();
}

bool JsonRequested(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--json") return true;
  return false;
}

Result<RawFields> ParseKeyValues(const std::vector<std::string>& items, std::string_view option) {
  RawFields fields;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Usage(std::string(option) + " " + EchoText(item) + " is not KEY=VALUE",
                           "Write it as " + std::string(option) + " KEY=VALUE, e.g. " +
                               std::string(option) +
                               (option == "--attr" ? " rsa=yes." : " prescriber=france_travail."));
    }
    std::string key = item.substr(0, eq);
    if (!fields.emplace(key, item.substr(eq + 1)).second) {
      return Status::Usage(std::string(option) + " " + key + " is given twice", "Give each key once.");
    }
  }
  return fields;
}

}  // namespace parcours::cli
