// parcours report outcomes|list|run: funders' figures for a programme and period.
#include <iostream>

#include "context.h"

namespace parcours::cli {
namespace {

struct PeriodOptions {
  std::string report;  // run only
  std::string programme, from, to;
  std::string format = "table";
};

// Prints a report in the format asked (the global --json wins).
template <typename Report>
void Print(const Context& ctx, const PeriodOptions& o, const Report& report) {
  if (ctx.json || o.format == "json") {
    std::cout << DumpJson(report.ToJson()) << '\n';
  } else if (o.format == "csv") {
    std::cout << report.ToCsv();
  } else {
    std::cout << report.ToTable();
  }
}

Status Outcomes(Context& ctx, const PeriodOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto report, session->engine->Outcomes(OutcomesQuery{o.programme, o.from, o.to}));
  Print(ctx, o, report);
  return Status::Ok();
}

Status Run(Context& ctx, const PeriodOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto report,
                            session->engine->RunReport(ReportQuery{o.report, o.programme, o.from, o.to}));
  Print(ctx, o, report);
  return Status::Ok();
}

Status List(Context& ctx) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto reports, session->engine->ListReports());
  Json arr = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : reports) {
    // programmes: null when the report applies to every programme.
    const Json programmes = r.programmes.empty() ? Json(nullptr) : Json(r.programmes);
    arr.push_back({{"name", r.name},
                   {"label", r.label},
                   {"description", r.description},
                   {"provider", r.provider},
                   {"programmes", programmes}});
    std::string served = r.programmes.empty() ? "any" : "";
    for (const auto& p : r.programmes) served += (served.empty() ? "" : ", ") + p;
    rows.push_back({r.name, r.label, r.provider, served});
  }
  ctx.out.Emit(Json{{"reports", arr}}, Table({"REPORT", "LABEL", "PROVIDER", "PROGRAMMES"}, rows) +
                                           "Run one with `parcours report run NAME --programme P --from D --to D`.");
  return Status::Ok();
}

void AddPeriodOptions(CLI::App* cmd, PeriodOptions& o) {
  cmd->add_option("--programme", o.programme, "Programme id")->required();
  cmd->add_option("--from", o.from, "First day of the period, YYYY-MM-DD")->required();
  cmd->add_option("--to", o.to, "Last day of the period, YYYY-MM-DD (inclusive)")->required();
  cmd->add_option("--format", o.format, "table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
}

}  // namespace

void SetReportCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("report", "Reports for funders");
  cmd->require_subcommand(1);
  cmd->footer("Example: parcours report outcomes --programme insertion --from 2026-01-01 --to 2026-06-30\n"
              "Every report (built in, or from plugins): parcours report list");

  auto* outcomes = cmd->add_subcommand("outcomes", "Outcome indicators for a programme over a period");
  auto o = std::make_shared<PeriodOptions>();
  AddPeriodOptions(outcomes, *o);
  outcomes->footer("Example: parcours report outcomes --programme insertion --from 2026-01-01 --to 2026-06-30 --format csv");
  outcomes->callback([&ctx, o] { ctx.action = [&ctx, o] { return Outcomes(ctx, *o); }; });

  auto* list = cmd->add_subcommand("list", "List the reports that can be run (built in and from plugins)");
  list->footer("Example: parcours report list");
  list->callback([&ctx] { ctx.action = [&ctx] { return List(ctx); }; });

  auto* run = cmd->add_subcommand("run", "Run a report by name over a programme and period");
  auto r = std::make_shared<PeriodOptions>();
  run->add_option("NAME", r->report, "Report name, as `parcours report list` shows it (e.g. outcomes)")->required();
  AddPeriodOptions(run, *r);
  run->footer("Example: parcours report run outcomes --programme insertion --from 2026-01-01 --to 2026-06-30 --format json");
  run->callback([&ctx, r] { ctx.action = [&ctx, r] { return Run(ctx, *r); }; });
}

}  // namespace parcours::cli
