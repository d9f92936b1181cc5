// parcours assign: hand a pathway to another referent.
#include "context.h"

namespace parcours::cli {
namespace {

struct AssignOptions {
  std::string pathway, referent;
};

Status Run(Context& ctx, const AssignOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(true));
  PARCOURS_ASSIGN_OR_RETURN(auto r, session->engine->Assign(AssignRequest{o.pathway, o.referent, ctx.actor}));
  ctx.out.Emit(Json{{"pathway", r.state.id}, {"referent", r.state.referent}, {"seq", r.event.seq}},
               r.state.id + " " + PersonLabel(*session->engine, r.state.person) + ": referent is now " +
                   r.state.referent + " (was " + r.event.data.value("previous", "") + ")");
  return Status::Ok();
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
