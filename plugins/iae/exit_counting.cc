#include "exit_counting.h"

#include <array>
#include <charconv>
#include <initializer_list>

#include <parcours/sdk/context.h>

namespace iae {

using parcours::sdk::At;
using parcours::sdk::NumberAt;
using parcours::sdk::TextAt;
namespace {

struct Ymd {
  int year = 0, month = 0, day = 0;
};

std::optional<int> Digits(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<Ymd> ParseYmd(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  const auto y = Digits(iso.substr(0, 4)), m = Digits(iso.substr(5, 2)), d = Digits(iso.substr(8, 2));
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  return Ymd{*y, *m, *d};
}

// The date the stay in the structure starts: the first hire, else the enrolment.
std::string StayStart(const Json& context) {
  const Json& history = At(context, {"history"});
  if (history.is_array())
    for (const auto& event : history)
      if (TextAt(event, {"action"}) == kHireAction) return TextAt(event, {"date"});
  return TextAt(context, {"enrolled"});
}

bool OneOf(const std::string& value, std::initializer_list<const char*> values) {
  for (const char* v : values)
    if (value == v) return true;
  return false;
}

}  // namespace

std::optional<int> WholeMonthsBetween(std::string_view from, std::string_view to) {
  const auto a = ParseYmd(from), b = ParseYmd(to);
  if (!a || !b) return std::nullopt;
  if (b->year * 10000 + b->month * 100 + b->day < a->year * 10000 + a->month * 100 + a->day) {
    auto back = WholeMonthsBetween(to, from);
    return back ? std::optional<int>(-*back) : std::nullopt;
  }
  const int months = (b->year - a->year) * 12 + (b->month - a->month);
  return b->day < a->day ? months - 1 : months;
}

Counting CountExit(Category category, const Json& context) {
  if (category == Category::kWithdrawn) return {false, "withdrawn"};
  const std::string structure = TextAt(context, {"entry", "fields", "structure"});
  if (OneOf(structure, {"aci", "ei"})) {
    const auto months = WholeMonthsBetween(StayStart(context), TextAt(context, {"date"}));
    if (months && *months >= kMinimumMonths) return {true, "stay_3_months_or_more"};
    return {false, "stay_under_3_months"};
  }
  if (OneOf(structure, {"ai", "etti"})) {
    const auto hours = NumberAt(context, {"fields", kHoursField});
    if (!hours || *hours < 0) return {false, "hours_unknown"};
    if (*hours >= kMinimumHours) return {true, "hours_150_or_more"};
    return {false, "hours_under_150"};
  }
  return {true, "no_minimum_stay"};
}

std::vector<std::string> CheckExitCounting() {
  struct Golden {
    const char* structure;
    const char* hired;
    const char* exited;
    std::optional<double> hours;
    Category category;
    bool counted;
  };
  constexpr std::array kGolden = {
      Golden{"aci", "2026-01-12", "2026-04-12", std::nullopt, Category::kDurable, true},
      Golden{"ei", "2026-01-12", "2026-04-11", std::nullopt, Category::kDurable, false},
      Golden{"ai", "2026-01-12", "2026-01-20", 150, Category::kTransition, true},
      Golden{"etti", "2026-01-12", "2026-09-20", 149, Category::kDurable, false},
      Golden{"aci", "2026-01-12", "2026-01-21", std::nullopt, Category::kWithdrawn, false},
      Golden{"aci", "2025-01-12", "2026-01-21", std::nullopt, Category::kWithdrawn, false},
  };
  std::vector<std::string> problems;
  for (const auto& g : kGolden) {
    Json context = {{"date", g.exited},
                    {"enrolled", g.hired},
                    {"entry", {{"fields", {{"structure", g.structure}}}}},
                    {"fields", Json::object()},
                    {"history", Json::array()}};
    if (g.hours) context["fields"][kHoursField] = *g.hours;
    const Counting got = CountExit(g.category, context);
    if (got.counted != g.counted)
      problems.push_back(std::string("an exit from ") + g.structure + " after a stay from " + g.hired + " to " +
                         g.exited + " (" + CategoryId(g.category) + ") is " + (got.counted ? "" : "not ") +
                         "counted in the exit rates (rule " + got.rule + ")");
  }
  return problems;
}

}  // namespace iae
