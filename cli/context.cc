#include "context.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "parcours/text.h"

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
  if (actor.empty()) actor = OsUser();
  if (actor.find_first_not_of(' ') == std::string::npos || actor.size() > 100 || !IsCleanText(actor)) {
    return Status::Usage("--actor \"" + actor + "\" is not a usable name",
                         "Give a non-empty name of at most 100 characters, e.g. --actor lea.moreau.");
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
  PARCOURS_ASSIGN_OR_RETURN(session->store, Store::Open(data_dir, options));
  session->engine = std::make_unique<Engine>(*session->store, *clock, session->io, log, plugins.get());
  return session;
}

Status UsageError(const CLI::App& app, const CLI::ParseError& error) {
  const std::string what = error.what();
  const auto& extras = app.remaining();
  if (app.get_subcommands().empty() && !extras.empty()) {
    std::string commands;
    for (const auto* sub : app.get_subcommands({})) commands += (commands.empty() ? "" : ", ") + sub->get_name();
    return Status::Usage("unknown command \"" + extras.front() + "\"", "Commands: " + commands + ".");
  }
  return Status::Usage(what, "Run `parcours --help` or `parcours COMMAND --help`.");
}

Result<RawFields> ParseKeyValues(const std::vector<std::string>& items, std::string_view option) {
  RawFields fields;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Usage(std::string(option) + " \"" + item + "\" is not KEY=VALUE",
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
