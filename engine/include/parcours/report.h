// The outcomes report: what funders ask of a programme over a period.
// Definitions of every indicator: docs/reports.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/date.h"

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

}  // namespace parcours
