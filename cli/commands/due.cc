// parcours due: deadlines due or overdue, soonest first.
#include "context.h"

namespace parcours::cli {
namespace {

struct DueOptions {
  std::string programme, referent;
  std::optional<std::string> before;
  bool all = false;
};

// "in 3 days", "today", "2 days late".
std::string DaysLeft(int days) {
  if (days == 0) return "today";
  const int n = days < 0 ? -days : days;
  const std::string span = std::to_string(n) + (n == 1 ? " day" : " days");
  return days > 0 ? "in " + span : span + " late";
}

Status Run(Context& ctx, const DueOptions& o) {
  Json args{{"all", o.all}};
  if (o.before) args["before"] = *o.before;
  if (!o.programme.empty()) args["programme"] = o.programme;
  if (!o.referent.empty()) args["referent"] = o.referent;
  return RunCommand(ctx, Request("due", std::move(args)), [](const Json& r) {
    const Json deadlines = r.value("deadlines", Json::array());
    const bool all = r.value("all", false);
    if (deadlines.empty()) {
      return "No open deadline" + (all ? std::string() : " of " + Text(r, "referent")) + " matches." +
             (all ? "" : " `parcours due --all` lists everyone's.");
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : deadlines) {
      rows.push_back({Text(d, "due"), DaysLeft(d.value("days_left", 0)) + (d.value("missed", false) ? " (missed)" : ""),
                      Text(d, "pathway"), Text(d, "name"), Text(d, "programme"), Text(d, "label"),
                      Text(d, "referent")});
    }
    return Table({"DUE", "WHEN", "PATHWAY", "NAME", "PROGRAMME", "DEADLINE", "REFERENT"}, rows,
                 {false, false, false, false, false, false, false});
  });
}

}  // namespace

void SetDueCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("due", "Open deadlines of your pathways (or --all, --referent), soonest first");
  auto o = std::make_shared<DueOptions>();
  cmd->add_option("--before", o->before, "Only those due on or before this date: YYYY-MM-DD, today or yesterday");
  cmd->add_option("--programme", o->programme, "Only this programme");
  cmd->add_option("--referent", o->referent, "This referent's pathways instead of yours (the actor's)");
  cmd->add_flag("--all", o->all, "Everyone's pathways, not only yours");
  cmd->footer("Example: parcours due --before 2026-12-31 --programme insertion");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
