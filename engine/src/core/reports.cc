// Engine::ListReports and Engine::RunReport: finding a report definition
// (built in, or provided by a plugin) and running it (docs/reports.md).
#include <algorithm>

#include "parcours/engine.h"
#include "parcours/text.h"
#include "report/builtin.h"
#include "report/evaluator.h"

namespace parcours {
namespace {

constexpr const char* kBuiltIn = "built-in";


std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

// The plugin providing a qualified name: "iae" for "iae.sorties".
std::string ProviderOf(const std::string& name) { return name.substr(0, name.find('.')); }

}  // namespace

Result<std::vector<ReportInfo>> Engine::ListReports() const {
  std::vector<ReportInfo> out;
  for (const auto& name : BuiltInReportNames()) {
    auto def = ParseReportDefinition(*BuiltInReportYaml(name), name);
    if (!def.ok()) return Status::Internal("built-in report " + name + ": " + def.status().message());
    out.push_back({name, def->label, def->description, kBuiltIn, def->programmes});
  }
  if (plugins_ == nullptr) return out;
  std::vector<std::string> names = plugins_->ReportNames();
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    const auto yaml = plugins_->ReportYaml(name);
    if (!yaml) continue;
    auto def = ParseReportDefinition(*yaml, name);
    if (def.ok()) {
      out.push_back({name, def->label, def->description, ProviderOf(name), def->programmes});
    } else {
      // Listed so that its author sees it; running it gives every problem.
      const std::string message = def.status().message();
      out.push_back({name, name, "invalid definition: " + message.substr(0, message.find('\n')),
                     ProviderOf(name), {}});
    }
  }
  return out;
}

Result<ReportResult> Engine::RunReport(const ReportQuery& q) const {
  std::optional<std::string> yaml;
  if (auto builtin = BuiltInReportYaml(q.report)) yaml = std::string(*builtin);
  else if (plugins_ != nullptr) yaml = plugins_->ReportYaml(q.report);
  if (!yaml) {
    PARCOURS_ASSIGN_OR_RETURN(auto reports, ListReports());
    std::vector<std::string> names;
    for (const auto& r : reports) names.push_back(r.name);
    return Status::NotFound("no report " + EchoText(q.report),
                            "Reports: " + JoinWords(names) + " (see {cmd:report.list}).");
  }
  PARCOURS_ASSIGN_OR_RETURN(auto definition, ParseReportDefinition(*yaml, q.report));

  PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(q.programme));
  const auto& served = definition.programmes;
  if (!served.empty() && std::find(served.begin(), served.end(), info.id) == served.end()) {
    return Status::Refused(
        "report " + EchoText(q.report) + " does not apply to programme " + EchoText(info.id) +
            "; it serves " + (served.size() == 1 ? "the programme " : "the programmes ") + JoinWords(served),
        "Run it with {arg:programme} " + served.front() +
            (served.size() == 1 ? "" : " or another programme it serves") +
            "; {cmd:report.list} shows the programmes each report serves.");
  }
  PARCOURS_ASSIGN_OR_RETURN(const ReportPeriod period, ParseReportPeriod(q.from, q.to));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(info.id));
  return EvaluateReport(*store_.Snapshot(), definition, *wf, period.from, period.to);
}

}  // namespace parcours
