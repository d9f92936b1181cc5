// parcours show|history: a pathway's state and events.
#include "context.h"

namespace parcours::cli {
namespace {

std::string Header(const Json& v) {
  return Text(v, "pathway") + " " + PersonLabel(v) + " (" + Text(v, "person") + ") · \"" +
         Text(v, "programme_label") + "\" v" + Text(v, "version") + "\n" + "Step: " + Text(v, "step_display") +
         " since " + Text(v, "step_since") + " · " + Text(v, "status") + " · referent: " + Text(v, "referent") + "\n";
}

// One readable line per event.
std::string Describe(const Json& e) {
  const std::string kind = Text(e, "kind");
  const Json data = e.value("data", Json::object());
  std::string what;
  if (kind == "enroll") {
    what = "enrolled in " + Text(e, "to_display");
  } else if (kind == "transition") {
    what = Text(e, "action") + ": " + Text(e, "from_display") + " -> " + Text(e, "to_display");
  } else if (kind == "assign") {
    what = "assigned to " + Text(e, "referent") + " (was " + Text(e, "previous") + ")";
  } else if (kind == "void") {
    what = "void #" + Text(e, "voids") + ": " + Text(e, "reason");
  } else if (kind == "note") {
    what = "note: " + Text(data, "text");
  } else if (kind == "deadline_missed") {
    what = "deadline missed: " + Text(data, "deadline") + " (due " + Text(data, "due") + ")";
  } else {
    what = Text(e, "action");  // milestones, and any kind this client does not know
  }
  const std::string fields = FieldsInline(e.value("fields", Json::object()));
  if (!fields.empty()) what += "  " + fields;
  if (e.value("voided", false)) what += "  [voided]";
  return what;
}

std::string Human(const Json& v, bool timeline) {
  std::string h = Header(v);
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : v.value("events", Json::array())) {
    if (!timeline && (Text(e, "kind") == "void" || e.value("voided", false))) continue;
    rows.push_back({Text(e, "date"), "#" + Text(e, "seq"), Describe(e), Text(e, "actor")});
  }
  if (timeline) return h + "\n" + Table({"DATE", "SEQ", "EVENT", "BY"}, rows);
  return h + "Events (" + std::to_string(rows.size()) + " in effect; `parcours history " + Text(v, "pathway") +
         "` shows all):\n" + Table({"DATE", "SEQ", "EVENT", "BY"}, rows);
}

Status Run(Context& ctx, const std::string& id, bool timeline) {
  return RunCommand(ctx, Request(timeline ? "history" : "show", {{"pathway", id}}),
                    [timeline](const Json& v) { return Human(v, timeline); });
}

}  // namespace

void SetShowCommands(CLI::App& app, Context& ctx) {
  auto* show = app.add_subcommand("show", "Show a pathway: person, programme, step, status and events");
  auto show_id = std::make_shared<std::string>();
  show->add_option("PATHWAY", *show_id, "Pathway id, e.g. W-3F8Q4")->required();
  show->footer("Example: parcours show W-3F8Q4");
  show->callback([&ctx, show_id] { ctx.action = [&ctx, show_id] { return Run(ctx, *show_id, false); }; });

  auto* history = app.add_subcommand("history", "A pathway's full timeline, voided events included");
  auto history_id = std::make_shared<std::string>();
  history->add_option("PATHWAY", *history_id, "Pathway id, e.g. W-3F8Q4")->required();
  history->footer("Example: parcours history W-3F8Q4");
  history->callback([&ctx, history_id] { ctx.action = [&ctx, history_id] { return Run(ctx, *history_id, true); }; });
}

}  // namespace parcours::cli
