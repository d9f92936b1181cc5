#include "report/outcomes.h"

#include <algorithm>
#include <sstream>

#include "report/builtin.h"
#include "report/evaluator.h"

// The outcomes report is the built-in definition `outcomes` (report/definition.cc)
// evaluated by the generic evaluator; this file turns that result into the
// OutcomesReport layout its callers and formats have always had.

namespace parcours {
namespace {

std::string PadRight(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}
std::string PadLeft(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

constexpr const char* kExitsByReason = "exits_by_reason";

IndicatorSet ToIndicatorSet(const ReportFigures& figures) {
  IndicatorSet set;
  for (const auto& name : OutcomeIndicatorNames()) {
    auto it = figures.numbers.find(name);
    set.counts[name] = it == figures.numbers.end() ? 0 : it->second.value_or(0);
  }
  auto reasons = figures.by.find(kExitsByReason);
  if (reasons != figures.by.end()) set.exits_by_reason = reasons->second;
  return set;
}

}  // namespace

const std::vector<std::string>& OutcomeIndicatorNames() {
  static const std::vector<std::string> kNames = {
      "referred",    "positioned", "entered_training",   "certified", "vae_started", "vae_full",
      "vae_partial", "placed",     "durable_employment", "exits",     "employed_6m", "active_at_end"};
  return kNames;
}

const std::vector<std::string>& OutcomeBreakdownNames() {
  static const std::vector<std::string> kNames = {"sex", "age_band", "prescriber"};
  return kNames;
}

const char* AgeBand(int age) {
  if (age < 26) return "under_26";
  if (age < 50) return "26_49";
  return "50_plus";
}

Result<OutcomesReport> ComputeOutcomes(const StoreReader& store, const Workflow& wf, Date from, Date to) {
  PARCOURS_ASSIGN_OR_RETURN(auto result, EvaluateReport(store, OutcomesDefinition(), wf, from, to));
  OutcomesReport report;
  report.programme = result.programme;
  report.from = from;
  report.to = to;
  report.totals = ToIndicatorSet(result.totals);
  for (const auto& [dimension, groups] : result.breakdowns)
    for (const auto& [value, figures] : groups) report.breakdowns[dimension][value] = ToIndicatorSet(figures);
  report.value_order = result.dimension_values;
  for (const auto& ind : result.indicators)
    if (ind.id == kExitsByReason) report.exit_reason_order = ind.listed_values;
  return report;
}

// ---- rendering ---------------------------------------------------------------------

namespace {

Json SetToJson(const IndicatorSet& set) {
  Json j = Json::object();
  for (const auto& name : OutcomeIndicatorNames()) j[name] = set.counts.count(name) ? set.counts.at(name) : 0;
  j["exits_by_reason"] = set.exits_by_reason;
  return j;
}

// `listed` first in their order, then the other keys of `present` in key order.
template <typename Map>
std::vector<std::string> Ordered(const std::vector<std::string>& listed, const Map& present) {
  std::vector<std::string> out = listed;
  for (const auto& [key, unused] : present)
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
  return out;
}

// Column names of CSV / rows of the table, with the values of one set;
// exit reasons in `reason_order` first.
std::vector<std::pair<std::string, int64_t>> Flatten(const IndicatorSet& set,
                                                      const std::vector<std::string>& reason_order) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& name : OutcomeIndicatorNames()) {
    out.emplace_back(name, set.counts.count(name) ? set.counts.at(name) : 0);
    if (name != "exits") continue;
    for (const auto& reason : Ordered(reason_order, set.exits_by_reason)) {
      auto it = set.exits_by_reason.find(reason);
      out.emplace_back("exits_" + reason, it == set.exits_by_reason.end() ? 0 : it->second);
    }
  }
  return out;
}

}  // namespace

Json OutcomesReport::ToJson() const {
  Json breakdown_json = Json::object();
  for (const auto& [dimension, groups] : breakdowns) {
    Json g = Json::object();
    for (const auto& [value, set] : groups) g[value] = SetToJson(set);
    breakdown_json[dimension] = g;
  }
  return Json{{"report", "outcomes"},       {"programme", programme}, {"from", from.iso()},
              {"to", to.iso()},             {"indicators", SetToJson(totals)},
              {"breakdowns", breakdown_json}};
}

std::string OutcomesReport::ToCsv() const {
  std::ostringstream out;
  const auto header = Flatten(totals, exit_reason_order);
  out << "group,value";
  for (const auto& [name, n] : header) out << ',' << name;
  out << '\n';
  auto row = [&](const std::string& group, const std::string& value, const IndicatorSet& set) {
    out << group << ',' << value;
    const auto cells = Flatten(set, exit_reason_order);
    for (const auto& [name, unused] : header) {
      int64_t n = 0;
      for (const auto& [k, v] : cells)
        if (k == name) n = v;
      out << ',' << n;
    }
    out << '\n';
  };
  row("all", "all", totals);
  for (const auto& dimension : OutcomeBreakdownNames()) {
    auto it = breakdowns.find(dimension);
    if (it == breakdowns.end()) continue;
    auto order = value_order.find(dimension);
    for (const auto& value : Ordered(order == value_order.end() ? std::vector<std::string>{} : order->second, it->second))
      if (it->second.count(value)) row(dimension, value, it->second.at(value));
  }
  return out.str();
}

std::string OutcomesReport::ToTable() const {
  std::ostringstream out;
  out << "Outcomes: " << programme << ", " << from.iso() << " to " << to.iso() << "\n";
  const auto rows = Flatten(totals, exit_reason_order);
  std::size_t name_width = 0;
  for (const auto& [name, n] : rows) name_width = std::max(name_width, name.size());
  name_width += 2;

  for (const auto& dimension : OutcomeBreakdownNames()) {
    auto it = breakdowns.find(dimension);
    if (it == breakdowns.end()) continue;
    std::vector<std::string> columns = {"all"};
    std::vector<const IndicatorSet*> sets = {&totals};
    auto order = value_order.find(dimension);
    for (const auto& value : Ordered(order == value_order.end() ? std::vector<std::string>{} : order->second, it->second)) {
      if (!it->second.count(value)) continue;
      columns.push_back(value);
      sets.push_back(&it->second.at(value));
    }
    std::vector<std::size_t> widths;
    for (const auto& c : columns) widths.push_back(std::max<std::size_t>(c.size(), 5) + 2);

    out << "\nBy " << dimension << "\n" << PadRight("INDICATOR", name_width);
    for (std::size_t c = 0; c < columns.size(); ++c) out << PadLeft(columns[c], widths[c]);
    out << '\n';
    std::vector<std::vector<std::pair<std::string, int64_t>>> flat;
    for (const auto* s : sets) flat.push_back(Flatten(*s, exit_reason_order));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      out << PadRight(rows[r].first, name_width);
      for (std::size_t c = 0; c < sets.size(); ++c) {
        int64_t n = 0;
        for (const auto& [k, v] : flat[c])
          if (k == rows[r].first) n = v;
        out << PadLeft(std::to_string(n), widths[c]);
      }
      out << '\n';
    }
  }
  return out.str();
}

}  // namespace parcours
