// parcours advance: move a pathway along a workflow transition.
#include "context.h"

namespace parcours::cli {
namespace {

struct AdvanceOptions {
  std::string pathway, transition;
  std::optional<std::string> date;
  std::vector<std::string> fields;
};

Status Run(Context& ctx, const AdvanceOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(RawFields fields, ParseKeyValues(o.fields, "--field"));
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(true));
  AdvanceRequest req{o.pathway, o.transition, o.date, fields, ctx.actor};
  PARCOURS_ASSIGN_OR_RETURN(auto r, session->engine->Advance(req));
  const auto& wf = *r.workflow;
  const Step* from = wf.find_step(r.event.from);
  ctx.out.Emit(Json{{"pathway", r.state.id}, {"step", r.state.step}, {"seq", r.event.seq}},
               r.state.id + " " + PersonLabel(*session->engine, r.state.person) + ": " +
                   (from ? from->label : r.event.from) + " -> " + wf.step_display(r.state.step) + ", " +
                   r.event.date.iso() + "\n" + NextLine(r));
  return Status::Ok();
}

}  // namespace

void SetAdvanceCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("advance", "Move a pathway to another step through a transition");
  auto o = std::make_shared<AdvanceOptions>();
  cmd->add_option("PATHWAY", o->pathway, "Pathway id, e.g. W-3F8Q4")->required();
  cmd->add_option("TRANSITION", o->transition, "Transition id, e.g. position, place, exit")->required();
  cmd->add_option("--date", o->date, "When it happened: YYYY-MM-DD, today (default) or yesterday");
  cmd->add_option("--field", o->fields, "KEY=VALUE transition field, repeatable");
  cmd->footer("Example: parcours advance W-3F8Q4 place --field contract=cdd --field months=6 --date 2026-11-18");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
