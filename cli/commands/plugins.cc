// parcours plugins list|check: what plugins are loaded, and testing one.
#include "context.h"

#include "parcours/workflow_loader.h"

namespace parcours::cli {
namespace {

std::string Provides(const PluginInfo& p) {
  std::vector<std::string> parts;
  auto add = [&](const char* what, const std::vector<std::string>& names) {
    if (!names.empty()) parts.push_back(std::string(what) + " " + JoinWords(names));
  };
  add("guards", p.guards);
  add("before-commit", p.before_commit);
  add("after-commit", p.after_commit);
  add("field types", p.field_types);
  add("workflows", p.workflows);
  add("reports", p.reports);
  return parts.empty() ? "nothing" : JoinWords(parts, "; ");
}

Status List(Context& ctx) {
  PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("plugins list"));
  const auto& registry = *ctx.plugins;
  Json arr = Json::array(), errors = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : registry.plugins()) {
    arr.push_back(p.ToJson());
    rows.push_back({p.name, p.version, std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor), p.file});
  }
  std::string h = rows.empty() ? "No plugin loaded.\n" : Table({"PLUGIN", "VERSION", "ABI", "FILE"}, rows);
  for (const auto& p : registry.plugins()) h += "  " + p.name + ": " + Provides(p) + "\n";
  for (const auto& e : registry.errors()) {
    const std::string message = RenderHints(e.message);
    errors.push_back({{"file", e.file}, {"message", message}});
    h += "skipped " + e.file + ": " + message + "\n";
  }
  ctx.out.Emit(Json{{"plugins", arr}, {"errors", errors},
                    {"engine_abi", std::to_string(EngineAbiMajor()) + "." + std::to_string(EngineAbiMinor())}},
               h);
  return Status::Ok();
}

// Loads FILE alone, runs its self-checks and validates what it bundles.
Status Check(Context& ctx, const std::string& file) {
  PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("plugins check"));
  PluginRegistry registry(*ctx.clock, ctx.log);
  PARCOURS_RETURN_IF_ERROR(registry.LoadFile(file));
  const PluginInfo& p = registry.plugins().front();
  PARCOURS_RETURN_IF_ERROR(registry.SelfCheck(p.name));
  for (const auto& name : p.workflows) {
    WorkflowLoad load = LoadWorkflowText(*registry.WorkflowYaml(name), name, &registry);
    if (!load.problems.empty()) {
      std::string lines;
      for (const auto& problem : load.problems) lines += (lines.empty() ? "" : "\n") + problem.ToString();
      return Status::Refused("plugin " + p.name + ": bundled workflow " + name + " is not valid:", lines);
    }
  }
  ctx.out.Emit(Json{{"plugin", p.ToJson()}, {"ok", true}},
               "Plugin " + p.name + " " + p.version + " (ABI " + std::to_string(p.abi_major) + "." +
                   std::to_string(p.abi_minor) + ") from " + p.file + ": loads and passes its checks.\n" +
                   "Provides: " + Provides(p));
  return Status::Ok();
}

}  // namespace

void SetPluginsCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("plugins", "List loaded plugins, or check a plugin file");
  cmd->require_subcommand(1);
  cmd->footer("Example: parcours plugins check build/plugins/iae.so");

  auto* list = cmd->add_subcommand("list", "Loaded plugins: name, version, ABI, file, what each provides");
  list->footer("Example: PARCOURS_PLUGIN_PATH=/opt/plie/plugins parcours plugins list");
  list->callback([&ctx] { ctx.action = [&ctx] { return List(ctx); }; });

  auto* check = cmd->add_subcommand("check", "Load a plugin file, run its self-checks, validate what it bundles");
  auto file = std::make_shared<std::string>();
  check->add_option("FILE", *file, "Plugin library (.so)")->required();
  check->footer("Example: parcours plugins check ./build/plugins/sap.so");
  check->callback([&ctx, file] { ctx.action = [&ctx, file] { return Check(ctx, *file); }; });
}

}  // namespace parcours::cli
