// parcours programme install|list|show: workflow definitions.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "context.h"

namespace parcours::cli {
namespace {

std::string FieldsHuman(const Json& fields) {
  std::string out;
  for (const auto& f : fields) {
    out += "      " + Text(f, "id") + (f.value("required", false) ? " (required)" : "") + ": " + Text(f, "allowed");
    if (auto when = f.find("required_when"); when != f.end() && when->is_object()) {
      std::vector<std::string> values;
      for (const auto& v : when->value("in", Json::array())) values.push_back(v.is_string() ? v.get<std::string>() : DumpJson(v));
      out += "; required when " + Text(*when, "field") + " is " + JoinWords(values, ", ");
    }
    out += "\n";
  }
  return out;
}

// "a|b" of a list of texts.
std::string Joined(const Json& list, std::string_view sep) {
  std::vector<std::string> words;
  if (list.is_array())
    for (const auto& w : list) words.push_back(w.is_string() ? w.get<std::string>() : DumpJson(w));
  return JoinWords(words, sep);
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
  return RunCommand(ctx, Request("programme.install", {{"yaml", text}, {"source", file}}), [](const Json& r) {
    const std::string what = "\"" + Text(r, "label") + "\" (" + Text(r, "programme") + ")";
    return r.value("changed", false)
               ? "Installed " + what + " as version " + Text(r, "version")
               : what + " is already installed as version " + Text(r, "version") + " (nothing changed).";
  });
}

Status List(Context& ctx) {
  return RunCommand(ctx, Request("programme.list"), [](const Json& r) {
    const Json list = r.value("programmes", Json::array());
    if (list.empty()) return std::string("No programme installed. Install one with `parcours programme install FILE`.");
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : list)
      rows.push_back({Text(p, "id"), "v" + Text(p, "version"), Text(p, "label"), Text(p, "installed").substr(0, 10)});
    return Table({"PROGRAMME", "VERSION", "LABEL", "INSTALLED"}, rows);
  });
}

std::string ShowHuman(const Json& wf) {
  const std::string shown = Text(wf, "version");
  const std::string latest = Text(wf, "latest_version");
  std::string h = "\"" + Text(wf, "label") + "\" (" + Text(wf, "programme") + ") version " + shown +
                  (shown == latest ? "" : " (latest: " + latest + ")") + "\n";
  h += "Steps:\n";
  for (const auto& s : wf.value("steps", Json::array())) {
    h += "  " + Text(s, "display") + (s.value("initial", false) ? " [initial]" : "") +
         (s.value("final", false) ? " [final]" : "") + "\n";
  }
  const Json enrolment = wf.value("enrolment", Json::object()).value("fields", Json::array());
  if (!enrolment.empty()) h += "Enrolment fields:\n" + FieldsHuman(enrolment);
  h += "Transitions:\n";
  for (const auto& t : wf.value("transitions", Json::array())) {
    h += "  " + Text(t, "id") + ": " + Joined(t.value("from", Json::array()), "|") + " -> " + Text(t, "to") + "\n" +
         FieldsHuman(t.value("fields", Json::array()));
  }
  h += "Milestones:\n";
  for (const auto& m : wf.value("milestones", Json::array())) {
    h += "  " + Text(m, "id") + ": in " + Joined(m.value("in", Json::array()), "|") + "\n" +
         FieldsHuman(m.value("fields", Json::array()));
  }
  return h;
}

Status Show(Context& ctx, const std::string& id, int version) {
  Json args{{"programme", id}};
  if (version != 0) args["version"] = version;
  return RunCommand(ctx, Request("programme.show", std::move(args)), ShowHuman);
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
