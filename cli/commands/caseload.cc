// parcours caseload: active pathways, longest without contact first.
#include "context.h"

namespace parcours::cli {
namespace {

constexpr int kNotSeenDays = 30;

struct CaseloadOptions {
  std::string programme, step, referent;
};

Status Run(Context& ctx, const CaseloadOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto entries, session->engine->Caseload(CaseloadQuery{o.programme, o.step, o.referent}));
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
    rows.push_back({s.id, e.person_name.empty() ? s.person : e.person_name, s.step,
                    std::to_string(e.days_in_step) + "d", std::to_string(e.days_since_last_event) + "d",
                    s.referent + (e.days_since_last_event >= kNotSeenDays ? "   <- not seen for a month" : "")});
  }
  std::string h = entries.empty() ? "No active pathway matches."
                                  : Table({"PATHWAY", "PERSON", "STEP", "IN STEP", "LAST SEEN", "REFERENT"}, rows,
                                          {false, false, false, true, true, false});
  ctx.out.Emit(Json{{"pathways", arr}}, h);
  return Status::Ok();
}

}  // namespace

void SetCaseloadCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("caseload", "Active pathways with days in step and since the last event");
  auto o = std::make_shared<CaseloadOptions>();
  cmd->add_option("--programme", o->programme, "Only this programme");
  cmd->add_option("--step", o->step, "Only pathways in this step");
  cmd->add_option("--referent", o->referent, "Only this referent's pathways");
  cmd->footer("Example: parcours caseload --referent lea.moreau --step training");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
