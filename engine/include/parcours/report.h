// Reports: the outcomes report, and declarative report definitions and
// their results. Definitions of every indicator and format: docs/reports.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/date.h"
#include "parcours/expression.h"
#include "parcours/status.h"

namespace parcours {

using Json = nlohmann::json;

// Indicator name -> count. `exits_by_reason` is kept apart as it is a map.
struct IndicatorSet {
  std::map<std::string, int64_t> counts;
  std::map<std::string, int64_t> exits_by_reason;
};

// Indicator names in the order reports show them.
const std::vector<std::string>& OutcomeIndicatorNames();
// Breakdown dimensions in the order reports show them: sex, age_band, prescriber.
const std::vector<std::string>& OutcomeBreakdownNames();
// "under_26", "26_49" or "50_plus" for an age in years.
const char* AgeBand(int age);

struct OutcomesReport {
  std::string programme;
  Date from;
  Date to;
  IndicatorSet totals;
  // dimension -> value -> indicators, e.g. breakdowns["sex"]["F"].
  std::map<std::string, std::map<std::string, IndicatorSet>> breakdowns;
  // Display order of each dimension's values (age bands youngest first,
  // prescribers and exit reasons as the workflow declares them); values not
  // listed come after, alphabetically.
  std::map<std::string, std::vector<std::string>> value_order;
  std::vector<std::string> exit_reason_order;

  Json ToJson() const;
  // One row per group (all, then each breakdown value), one column per indicator
  // (exits_by_reason as exits_<reason> columns).
  std::string ToCsv() const;
  std::string ToTable() const;
};

// ---- declarative reports ------------------------------------------------------------
//
// A report definition (YAML, docs/reports.md) names indicators computed over
// a programme's dated events in a period, the breakdowns to show them by, and
// whether to compare with the previous period. Definitions are built in (the
// outcomes report is one) or provided by plugins.

enum class IndicatorKind {
  kCount,        // `when`: distinct pathways with a matching event in the period
  kDistinct,     // `when` + `distinct`: distinct tuples of values of matching events
  kBy,           // `when` + `by`: per value of a variable, distinct pathways
  kRate,         // `rate: [a, b]`: 100 * a / b, in percent with one decimal
  kActiveAtEnd,  // `active_at_end: true`: enrolled by the end, not exited by it
};
// "count", "distinct", "by", "rate", "active_at_end".
const char* IndicatorKindName(IndicatorKind kind);

// Which values of a `by` indicator are always shown, even at 0.
enum class ByValues {
  kWorkflow,  // the enum values the latest workflow declares for the field (default)
  kExits,     // only those declared on transitions into a final step
  kFound,     // none: only values found in the period
  kList,      // the values listed in the definition
};

struct IndicatorDefinition {
  std::string id;
  std::string label;  // defaults to id
  IndicatorKind kind = IndicatorKind::kCount;
  std::optional<rules::Expression> when;  // count, distinct, by
  std::vector<std::string> distinct;      // distinct: variable paths forming the tuple
  std::string by;                         // by: the variable path whose value groups pathways
  ByValues by_values = ByValues::kWorkflow;
  std::vector<std::string> listed;        // by with ByValues::kList
  std::string numerator, denominator;     // rate: ids of earlier indicators
  int line = 0;                           // where it is declared (1-based), 0 if unknown
};

struct ReportDefinition {
  std::string name;  // as run: "outcomes", "<plugin>.<report>"
  std::string label;
  std::string description;
  // The programme ids the report applies to; empty: every programme.
  std::vector<std::string> programmes;
  std::vector<IndicatorDefinition> indicators;  // in display order
  // Dimensions: "sex", "age_band", "prescriber", or a path below `entry.`.
  std::vector<std::string> breakdowns;
  bool compare_previous = false;

  const IndicatorDefinition* find(std::string_view id) const;
};

// Parses and validates a report definition as a whole. `name` is the name the
// report is run under ("iae.sorties"); the file's `report:` must be that name
// or its part after the last '.'. An empty `name` takes the file's.
// On success the definition. On error a Refused status whose message lists
// every problem, one per line, each naming the report, the line and the
// indicator: `report "iae.sorties", line 9: indicator "durable": ...`.
Result<ReportDefinition> ParseReportDefinition(std::string_view yaml, std::string_view name = {});

// The figures of one group (or of the totals) for every indicator.
struct ReportFigures {
  // count, distinct, active_at_end: the number. rate: tenths of a percent
  // (667 is 66.7 %), nullopt when the denominator is 0.
  std::map<std::string, std::optional<int64_t>> numbers;
  // by: value -> distinct pathways. The always-shown values are present (at 0
  // when nobody has them), other values only where found.
  std::map<std::string, std::map<std::string, int64_t>> by;
};

struct ReportIndicatorInfo {
  std::string id;
  std::string label;
  IndicatorKind kind = IndicatorKind::kCount;
  std::vector<std::string> listed_values;  // by: always shown, in this order
};

// The result of a declarative report (definitions and formats: docs/reports.md).
struct ReportResult {
  std::string report;  // the name it was run under
  std::string label;
  std::string programme;
  Date from;
  Date to;
  std::vector<ReportIndicatorInfo> indicators;  // display order
  ReportFigures totals;
  std::vector<std::string> dimensions;  // breakdown dimensions, display order
  // dimension -> value -> figures, e.g. breakdowns["sex"]["F"].
  std::map<std::string, std::map<std::string, ReportFigures>> breakdowns;
  // dimension -> values always shown, in this order; other values found come
  // after, alphabetically.
  std::map<std::string, std::vector<std::string>> dimension_values;
  // compare_previous: the period ending the day before `from`, as many whole
  // calendar months as [from, to] when it is whole months, else as many days.
  bool compare_previous = false;
  Date previous_from;
  Date previous_to;
  ReportFigures previous;  // totals only

  // {"report", "label", "programme", "from", "to", "indicators": SET,
  //  "breakdowns": {dimension: {value: SET}}} and with compare_previous
  //  "previous": {"from", "to", "indicators": SET}, "change": CHANGE.
  // SET: {id: integer | rate (number, null) | {value: integer}}.
  Json ToJson() const;
  // Rows all,all [previous,FROM/TO change,all] then dimension,value; columns
  // group, value, then each indicator id (a `by` indicator as id.value).
  std::string ToCsv() const;
  // A title, then one section per dimension (or one section without
  // breakdowns): a row per indicator (by: a row per value), columns all,
  // [previous, change,] then the dimension's values.
  std::string ToTable() const;
};

}  // namespace parcours
