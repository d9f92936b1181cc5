// parcours show|history: a pathway's state and events.
#include <algorithm>

#include "context.h"

namespace parcours::cli {
namespace {

bool IsVoided(const PathwayView& v, uint32_t seq) {
  return std::binary_search(v.voided.begin(), v.voided.end(), seq);
}

Json ViewJson(const PathwayView& v) {
  Json events = Json::array();
  for (const auto& e : v.events) {
    Json j{{"seq", e.seq},
           {"action", e.action},
           {"from", e.from.empty() ? Json() : Json(e.from)},
           {"to", e.to},
           {"date", e.date.iso()},
           {"recorded", e.recorded},
           {"actor", e.actor},
           {"fields", e.fields}};
    if (e.kind == EventKind::kEnroll) j["referent"] = e.data.value("referent", "");
    if (e.kind == EventKind::kAssign) j["referent"] = e.data.value("referent", "");
    if (e.kind == EventKind::kVoid) {
      j["voids"] = e.data.value("voids", 0u);
      j["reason"] = e.data.value("reason", "");
    }
    j["voided"] = IsVoided(v, e.seq);
    events.push_back(std::move(j));
  }
  const auto& s = v.state;
  return Json{{"pathway", s.id},
              {"person", s.person},
              {"programme", s.programme},
              {"version", s.version},
              {"step", s.step},
              {"status", s.status()},
              {"referent", s.referent},
              {"enrolled", s.enrolled.iso()},
              {"events", events}};
}

std::string Header(const PathwayView& v) {
  const auto& s = v.state;
  return s.id + " " + (v.person ? v.person->name : s.person) + " (" + s.person + ") · \"" + v.workflow->label +
         "\" v" + std::to_string(s.version) + "\n" + "Step: " + v.workflow->step_display(s.step) + " since " +
         s.step_since.iso() + " · " + s.status() + " · referent: " + s.referent + "\n";
}

// One readable line per event.
std::string Describe(const PathwayView& v, const Event& e) {
  const auto& wf = *v.workflow;
  std::string what;
  switch (e.kind) {
    case EventKind::kEnroll: what = "enrolled in " + wf.step_display(e.to); break;
    case EventKind::kTransition:
      what = e.action + ": " + wf.step_display(e.from) + " -> " + wf.step_display(e.to);
      break;
    case EventKind::kMilestone: what = e.action; break;
    case EventKind::kAssign:
      what = "assigned to " + e.data.value("referent", "") + " (was " + e.data.value("previous", "") + ")";
      break;
    case EventKind::kVoid:
      what = "void #" + std::to_string(e.data.value("voids", 0u)) + ": " + e.data.value("reason", "");
      break;
  }
  const std::string fields = FieldsInline(e.fields);
  if (!fields.empty()) what += "  " + fields;
  if (IsVoided(v, e.seq)) what += "  [voided]";
  return what;
}

Status Run(Context& ctx, const std::string& id, bool timeline) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto view, session->engine->GetPathway(id));
  std::string h = Header(view);
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : view.events) {
    if (!timeline && (e.kind == EventKind::kVoid || IsVoided(view, e.seq))) continue;
    rows.push_back({e.date.iso(), "#" + std::to_string(e.seq), Describe(view, e), e.actor});
  }
  if (timeline) {
    h += "\n" + Table({"DATE", "SEQ", "EVENT", "BY"}, rows);
  } else {
    h += "Events (" + std::to_string(rows.size()) + " in effect; `parcours history " + view.state.id +
         "` shows all):\n" + Table({"DATE", "SEQ", "EVENT", "BY"}, rows);
  }
  ctx.out.Emit(ViewJson(view), h);
  return Status::Ok();
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
