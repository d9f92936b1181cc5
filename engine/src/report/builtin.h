// The report definitions built into the engine (docs/reports.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/report.h"

namespace parcours {

// Names of the built-in reports, in listing order ("outcomes").
const std::vector<std::string>& BuiltInReportNames();
// The YAML text of a built-in report, nullopt when `name` is not one.
std::optional<std::string_view> BuiltInReportYaml(std::string_view name);
// The outcomes report's definition, parsed once.
const ReportDefinition& OutcomesDefinition();

}  // namespace parcours
