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

// Runs a report in the format asked (the global --json wins) and prints it.
Status RunReport(Context& ctx, const PeriodOptions& o, const char* command) {
  const std::string format = ctx.json ? "json" : o.format;
  Json args{{"programme", o.programme}, {"from", o.from}, {"to", o.to}, {"format", format}};
  if (std::string_view(command) == "report.run") args["report"] = o.report;
  PARCOURS_ASSIGN_OR_RETURN(Json report, ctx.Call(Request(command, std::move(args))));
  if (format == "json") {
    std::cout << DumpJson(report) << '\n';
  } else {
    std::cout << Text(report, "text");
  }
  std::cout.flush();
  return Status::Ok();
}

Status Outcomes(Context& ctx, const PeriodOptions& o) { return RunReport(ctx, o, "report.outcomes"); }

Status Run(Context& ctx, const PeriodOptions& o) { return RunReport(ctx, o, "report.run"); }

Status List(Context& ctx) {
  return RunCommand(ctx, Request("report.list"), [](const Json& r) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& report : r.value("reports", Json::array())) {
      std::string served;
      const Json programmes = report.value("programmes", Json());
      if (programmes.is_array())
        for (const auto& p : programmes) served += (served.empty() ? "" : ", ") + (p.is_string() ? p.get<std::string>() : DumpJson(p));
      if (served.empty()) served = "any";
      rows.push_back({Text(report, "name"), Text(report, "label"), Text(report, "provider"), served});
    }
    return Table({"REPORT", "LABEL", "PROVIDER", "PROGRAMMES"}, rows) +
           "Run one with `parcours report run NAME --programme P --from D --to D`.";
  });
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
