// parcours assign: hand a pathway to another referent.
#include "context.h"

namespace parcours::cli {
namespace {

struct AssignOptions {
  std::string pathway, referent;
};

Status Run(Context& ctx, const AssignOptions& o) {
  return RunCommand(ctx, Request("assign", {{"pathway", o.pathway}, {"referent", o.referent}}), [](const Json& r) {
    return Text(r, "pathway") + " " + PersonLabel(r) + ": referent is now " + Text(r, "referent") + " (was " +
           Text(r, "previous") + ")";
  });
}

}  // namespace

void SetAssignCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("assign", "Hand a pathway to another referent (counsellor)");
  auto o = std::make_shared<AssignOptions>();
  cmd->add_option("PATHWAY", o->pathway, "Pathway id, e.g. W-3F8Q4")->required();
  cmd->add_option("NAME", o->referent, "The new referent")->required();
  cmd->footer("Example: parcours assign W-3F8Q4 karim.benali");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
