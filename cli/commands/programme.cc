// parcours programme install|list|show: workflow definitions.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "context.h"

namespace parcours::cli {
namespace {

std::string FieldsHuman(const std::vector<FieldSpec>& fields) {
  std::string out;
  for (const auto& f : fields) {
    out += "      " + f.id + (f.required ? " (required)" : "") + ": " + f.describe_allowed();
    if (f.required_when) {
      out += "; required when " + f.required_when->field + " is " + JoinWords(f.required_when->values, ", ");
    }
    out += "\n";
  }
  return out;
}

// The text of FILE, or of the plugin workflow named FILE ("sap.cellule").
Result<std::string> WorkflowText(const Context& ctx, const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return Status::NotFound(file + " is a directory, not a workflow file", "Give the path of a workflow YAML file.");
  }
  std::ifstream in(file, std::ios::binary);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  if (auto bundled = ctx.plugins->WorkflowYaml(file)) return *bundled;
  std::vector<std::string> bundled;
  for (const auto& p : ctx.plugins->plugins())
    bundled.insert(bundled.end(), p.workflows.begin(), p.workflows.end());
  return Status::NotFound("cannot read " + file,
                          "Give the path of a workflow YAML file" +
                              (bundled.empty() ? std::string(".") : ", or a plugin workflow: " + JoinWords(bundled) + "."));
}

Status Install(Context& ctx, const std::string& file) {
  PARCOURS_ASSIGN_OR_RETURN(std::string text, WorkflowText(ctx, file));
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(true));
  PARCOURS_ASSIGN_OR_RETURN(auto r, session->engine->InstallProgramme(text, file, ctx.actor));
  const auto& p = r.programme;
  ctx.out.Emit(Json{{"programme", p.id}, {"version", p.version}, {"changed", r.changed}},
               r.changed ? "Installed \"" + p.label + "\" (" + p.id + ") as version " + std::to_string(p.version)
                         : "\"" + p.label + "\" (" + p.id + ") is already installed as version " +
                               std::to_string(p.version) + " (nothing changed).");
  return Status::Ok();
}

Status List(Context& ctx) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto list, session->engine->ListProgrammes());
  Json arr = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : list) {
    arr.push_back({{"id", p.id}, {"label", p.label}, {"version", p.version},
                   {"installed", p.installed}, {"installed_by", p.installed_by}, {"source", p.source}});
    rows.push_back({p.id, "v" + std::to_string(p.version), p.label, p.installed.substr(0, 10)});
  }
  ctx.out.Emit(Json{{"programmes", arr}},
               list.empty() ? "No programme installed. Install one with `parcours programme install FILE`."
                            : Table({"PROGRAMME", "VERSION", "LABEL", "INSTALLED"}, rows));
  return Status::Ok();
}

Status Show(Context& ctx, const std::string& id, int version) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto info, session->engine->GetProgrammeInfo(id));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, session->engine->GetWorkflow(id, version));
  const int shown = version == 0 ? info.version : version;

  Json j = wf->to_json();
  j["version"] = shown;
  j["latest_version"] = info.version;

  std::string h = "\"" + wf->label + "\" (" + wf->id + ") version " + std::to_string(shown) +
                  (shown == info.version ? "" : " (latest: " + std::to_string(info.version) + ")") + "\n";
  h += "Steps:\n";
  for (const auto& s : wf->steps) {
    h += "  " + wf->step_display(s.id) + (s.initial ? " [initial]" : "") + (s.final ? " [final]" : "") + "\n";
  }
  if (!wf->enrolment_fields.empty()) h += "Enrolment fields:\n" + FieldsHuman(wf->enrolment_fields);
  h += "Transitions:\n";
  for (const auto& t : wf->transitions) {
    h += "  " + t.id + ": " + JoinWords(t.from, "|") + " -> " + t.to + "\n" + FieldsHuman(t.fields);
  }
  h += "Milestones:\n";
  for (const auto& m : wf->milestones) h += "  " + m.id + ": in " + JoinWords(m.steps, "|") + "\n" + FieldsHuman(m.fields);
  ctx.out.Emit(j, h);
  return Status::Ok();
}

}  // namespace

void SetProgrammeCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("programme", "Install and inspect programme workflows");
  cmd->require_subcommand(1);
  cmd->footer("Example: parcours programme install workflows/insertion.yaml");

  auto* install = cmd->add_subcommand(
      "install", "Validate a workflow file (or a plugin's workflow) and install it (new version if changed)");
  auto file = std::make_shared<std::string>();
  install->add_option("FILE", *file, "Workflow YAML file, or a plugin workflow name such as sap.cellule")
      ->required();
  install->footer("Example: parcours programme install workflows/insertion.yaml");
  install->callback([&ctx, file] { ctx.action = [&ctx, file] { return Install(ctx, *file); }; });

  auto* list = cmd->add_subcommand("list", "List installed programmes");
  list->footer("Example: parcours programme list");
  list->callback([&ctx] { ctx.action = [&ctx] { return List(ctx); }; });

  auto* show = cmd->add_subcommand("show", "Show a programme's steps, transitions, milestones and fields");
  struct ShowOptions {
    std::string id;
    int version = 0;
  };
  auto opt = std::make_shared<ShowOptions>();
  show->add_option("ID", opt->id, "Programme id")->required();
  show->add_option("--version", opt->version, "Version to show (default: the latest)")
      ->check(CLI::Range(1, 1000000).description("a version number, 1 or more"));
  show->footer("Example: parcours programme show insertion --version 1");
  show->callback([&ctx, opt] { ctx.action = [&ctx, opt] { return Show(ctx, opt->id, opt->version); }; });
}

}  // namespace parcours::cli
