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
  Json args{{"all", o.all}};
  if (!o.programme.empty()) args["programme"] = o.programme;
  if (!o.step.empty()) args["step"] = o.step;
  if (!o.referent.empty()) args["referent"] = o.referent;
  return RunCommand(ctx, Request("caseload", std::move(args)), [](const Json& r) {
    const Json pathways = r.value("pathways", Json::array());
    const bool all = r.value("all", false);
    if (pathways.empty()) {
      return "No active pathway" + (all ? std::string() : " of " + Text(r, "referent")) + " matches." +
             (all ? "" : " `parcours caseload --all` lists everyone's.");
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : pathways) {
      const int since = e.value("days_since_last_event", 0);
      rows.push_back({Text(e, "pathway"), Text(e, "programme"), Text(e, "person"), Text(e, "name"), Text(e, "step"),
                      Text(e, "days_in_step") + "d", std::to_string(since) + "d",
                      Text(e, "referent") + (since >= kNotSeenDays ? "   <- not seen for a month" : "")});
    }
    return Table({"PATHWAY", "PROGRAMME", "PERSON", "NAME", "STEP", "IN STEP", "LAST SEEN", "REFERENT"}, rows,
                 {false, false, false, false, false, true, true, false});
  });
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
