// parcours caseload: active pathways (the actor's by default), longest without contact first.
#include "context.h"

namespace parcours::cli {
namespace {

constexpr int kNotSeenDays = 30;

struct CaseloadOptions {
  std::string programme, step, referent;
  bool all = false;
};

Status Run(Context& ctx, const CaseloadOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto entries, session->engine->Caseload(CaseloadQuery{o.programme, o.step, o.referent, ctx.actor, o.all}));
  Json arr = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    const auto& s = e.state;
    arr.push_back({{"pathway", s.id},
                   {"person", s.person},
                   {"name", e.person_name},
                   {"programme", s.programme},
                   {"step", s.step},
                   {"referent", s.referent},
                   {"days_in_step", e.days_in_step},
                   {"days_since_last_event", e.days_since_last_event}});
    rows.push_back({s.id, s.programme, s.person, e.person_name, s.step,
                    std::to_string(e.days_in_step) + "d", std::to_string(e.days_since_last_event) + "d",
                    s.referent + (e.days_since_last_event >= kNotSeenDays ? "   <- not seen for a month" : "")});
  }
  const std::string whose = o.all ? "" : " of " + (o.referent.empty() ? ctx.actor : o.referent);
  std::string h = entries.empty()
                      ? "No active pathway" + whose + " matches." +
                            (o.all ? "" : " `parcours caseload --all` lists everyone's.")
                      : Table({"PATHWAY", "PROGRAMME", "PERSON", "NAME", "STEP", "IN STEP", "LAST SEEN", "REFERENT"},
                              rows, {false, false, false, false, false, true, true, false});
  ctx.out.Emit(Json{{"pathways", arr}}, h);
  return Status::Ok();
}

}  // namespace

void SetCaseloadCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("caseload",
                                 "Your active pathways (or --all, --referent) with days in step and since the last event");
  auto o = std::make_shared<CaseloadOptions>();
  cmd->add_option("--programme", o->programme, "Only this programme");
  cmd->add_option("--step", o->step, "Only pathways in this step (of any installed version)");
  cmd->add_option("--referent", o->referent, "This referent's pathways instead of yours (the actor's)");
  cmd->add_flag("--all", o->all, "Everyone's pathways, not only yours");
  cmd->footer("Example: parcours caseload --referent lea.moreau --step training");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
