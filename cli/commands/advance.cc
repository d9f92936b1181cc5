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
  Json args{{"pathway", o.pathway}, {"transition", o.transition}, {"fields", fields}};
  if (o.date) args["date"] = *o.date;
  return RunCommand(ctx, Request("advance", std::move(args)), [](const Json& r) {
    return Text(r, "pathway") + " " + PersonLabel(r) + ": " + Text(r, "from_label") + " -> " +
           Text(r, "step_display") + ", " + Text(r, "date") + "\n" + NextLine(r);
  });
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
