// Service handlers of report commands: report.list, report.run,
// report.outcomes.
#include "parcours/text.h"
#include "service/handlers.h"

namespace parcours::service {
namespace {

struct Period {
  std::string programme, from, to, format;
};

Result<Period> ReadPeriod(const Args& a) {
  Period p;
  PARCOURS_ASSIGN_OR_RETURN(p.programme, a.Text("programme"));
  PARCOURS_ASSIGN_OR_RETURN(p.from, a.Text("from"));
  PARCOURS_ASSIGN_OR_RETURN(p.to, a.Text("to"));
  PARCOURS_ASSIGN_OR_RETURN(p.format, a.TextOr("format", "json"));
  if (p.format != "json" && p.format != "csv" && p.format != "table") {
    return Status::Usage("format " + EchoText(p.format) + " is not a report format",
                         "Formats: json, csv, table.");
  }
  return p;
}

// The report's JSON; with format csv or table, plus its rendering as "text".
template <typename Report>
Json ReportJson(const Report& report, const std::string& format) {
  Json j = report.ToJson();
  if (format == "csv") j["text"] = report.ToCsv();
  if (format == "table") j["text"] = report.ToTable();
  return j;
}

}  // namespace

Result<Json> ReportList(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(auto reports, call.engine.ListReports());
  Json arr = Json::array();
  for (const auto& r : reports) {
    // programmes: null when the report applies to every programme.
    const Json programmes = r.programmes.empty() ? Json(nullptr) : Json(r.programmes);
    arr.push_back({{"name", r.name},
                   {"label", r.label},
                   {"description", r.description},
                   {"provider", r.provider},
                   {"programmes", programmes}});
  }
  return Json{{"reports", arr}};
}

Result<Json> ReportRun(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string name, call.args.Text("report"));
  PARCOURS_ASSIGN_OR_RETURN(Period p, ReadPeriod(call.args));
  PARCOURS_ASSIGN_OR_RETURN(auto report, call.engine.RunReport(ReportQuery{name, p.programme, p.from, p.to}));
  return ReportJson(report, p.format);
}

Result<Json> ReportOutcomes(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(Period p, ReadPeriod(call.args));
  PARCOURS_ASSIGN_OR_RETURN(auto report, call.engine.Outcomes(OutcomesQuery{p.programme, p.from, p.to}));
  return ReportJson(report, p.format);
}

}  // namespace parcours::service
