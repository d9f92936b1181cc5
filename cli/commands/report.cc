// parcours report outcomes: funders' outcome figures for a programme and period.
#include <iostream>

#include "context.h"

namespace parcours::cli {
namespace {

struct OutcomesOptions {
  std::string programme, from, to;
  std::string format = "table";
};

Status Outcomes(Context& ctx, const OutcomesOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto report, session->engine->Outcomes(OutcomesQuery{o.programme, o.from, o.to}));
  if (ctx.json || o.format == "json") {
    std::cout << report.ToJson().dump() << '\n';
  } else if (o.format == "csv") {
    std::cout << report.ToCsv();
  } else {
    std::cout << report.ToTable();
  }
  return Status::Ok();
}

}  // namespace

void SetReportCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("report", "Reports for funders");
  cmd->require_subcommand(1);
  auto* outcomes = cmd->add_subcommand("outcomes", "Outcome indicators for a programme over a period");
  auto o = std::make_shared<OutcomesOptions>();
  outcomes->add_option("--programme", o->programme, "Programme id")->required();
  outcomes->add_option("--from", o->from, "First day of the period, YYYY-MM-DD")->required();
  outcomes->add_option("--to", o->to, "Last day of the period, YYYY-MM-DD (inclusive)")->required();
  outcomes->add_option("--format", o->format, "table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  outcomes->footer("Example: parcours report outcomes --programme insertion --from 2026-01-01 --to 2026-06-30 --format csv");
  outcomes->callback([&ctx, o] { ctx.action = [&ctx, o] { return Outcomes(ctx, *o); }; });
}

}  // namespace parcours::cli
