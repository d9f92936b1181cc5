// Which exits count in the IAE exit rates ("sorties" of the dynamic exit
// rate): an exit counts only after a minimum stay in the structure (3 months
// in an ACI or EI, 150 hours worked in an AI or ETTI), and never when the IAE
// rules withdraw it (retirement, death...). Rules: docs/plugins/iae.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <parcours/sdk/plugin.h>

#include "contracts.h"  // kHireAction: the stay starts at the first hire
#include "exit_classification.h"

namespace iae {

inline constexpr int kMinimumMonths = 3;       // in an ACI or an EI
inline constexpr double kMinimumHours = 150;   // in an AI or an ETTI
inline constexpr const char* kHoursField = "hours_worked";  // on the exit

struct Counting {
  bool counted = true;
  // Stored as exit_counted_rule: withdrawn, stay_3_months_or_more,
  // stay_under_3_months, hours_150_or_more, hours_under_150, hours_unknown,
  // no_minimum_stay (the pathway names no kind of SIAE).
  std::string rule;
};

// Whether an exit of `category`, in the rule context `context` ({"date",
// "enrolled", "fields", "entry": {"fields": {"structure"}}, "history"}),
// counts in the exit rates. The stay runs from the first `hire` of the
// history (else the enrolment) to the exit's date, in whole calendar months
// (as months_between in conditions).
Counting CountExit(Category category, const Json& context);

// Whole calendar months from `from` to `to` (YYYY-MM-DD), a month counting
// once its day is reached again; nullopt when either is not a date.
std::optional<int> WholeMonthsBetween(std::string_view from, std::string_view to);

// Golden cases of the counting rules that no longer hold.
std::vector<std::string> CheckExitCounting();

}  // namespace iae
