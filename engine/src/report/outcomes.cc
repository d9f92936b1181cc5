#include "report/outcomes.h"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include "core/keys.h"
#include "parcours/event.h"

namespace parcours {
namespace {

// One indexed event, as the report sees it.
struct DayEvent {
  Date date;
  std::string pathway;
  std::string action;
  std::string kind;
  bool exit = false;
  Json fields;
};

// An indicator counted from events dated in the period.
struct EventIndicator {
  const char* name;
  std::function<bool(const DayEvent&)> qualifies;
};

bool FieldIs(const Json& fields, const char* key, const char* value) {
  auto it = fields.find(key);
  return it != fields.end() && it->is_string() && *it == value;
}

bool IsDurablePlacement(const Json& fields) {
  if (FieldIs(fields, "contract", "cdi") || FieldIs(fields, "contract", "creation")) return true;
  auto months = fields.find("months");
  return months != fields.end() && months->is_number_integer() && months->get<int64_t>() >= 6;
}

const std::vector<EventIndicator>& EventIndicators() {
  static const std::vector<EventIndicator> kIndicators = {
      {"referred", [](const DayEvent& e) { return e.kind == "enroll"; }},
      {"positioned", [](const DayEvent& e) { return e.action == "position"; }},
      {"entered_training", [](const DayEvent& e) { return e.action == "start_training"; }},
      {"certified",
       [](const DayEvent& e) {
         return e.action == "training_completed" && FieldIs(e.fields, "certified", "yes");
       }},
      {"vae_started", [](const DayEvent& e) { return e.action == "start_vae"; }},
      {"vae_full",
       [](const DayEvent& e) { return e.action == "vae_decided" && FieldIs(e.fields, "result", "full"); }},
      {"vae_partial",
       [](const DayEvent& e) {
         return e.action == "vae_decided" && FieldIs(e.fields, "result", "partial");
       }},
      {"placed", [](const DayEvent& e) { return e.action == "place"; }},
      {"durable_employment",
       [](const DayEvent& e) { return e.action == "place" && IsDurablePlacement(e.fields); }},
      {"exits", [](const DayEvent& e) { return e.exit; }},
      {"employed_6m",
       [](const DayEvent& e) {
         return e.action == "follow_up" && FieldIs(e.fields, "employed", "yes");
       }},
  };
  return kIndicators;
}

// What one pathway contributes to the report.
struct PathwayOutcome {
  std::set<std::string> hits;          // indicators it counts in
  std::set<std::string> exit_reasons;  // reasons of its exits in the period
  bool enrolled_by_end = false;
  bool exited_by_end = false;
};

void AddTo(IndicatorSet& set, const PathwayOutcome& o) {
  for (const auto& h : o.hits) ++set.counts[h];
  for (const auto& r : o.exit_reasons) ++set.exits_by_reason[r];
  if (o.enrolled_by_end && !o.exited_by_end) ++set.counts["active_at_end"];
}

IndicatorSet EmptySet(const std::vector<std::string>& reasons) {
  IndicatorSet s;
  for (const auto& name : OutcomeIndicatorNames()) s.counts[name] = 0;
  for (const auto& r : reasons) s.exits_by_reason[r] = 0;
  return s;
}

std::vector<std::string> EnumValuesOf(const FieldSpec* spec) {
  std::vector<std::string> out;
  if (spec && spec->type == FieldType::kEnum)
    for (const auto& v : spec->values) out.push_back(v.id);
  return out;
}

const FieldSpec* FindField(const std::vector<FieldSpec>& fields, std::string_view id) {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

// Exit reasons declared by the workflow: the `reason` enum of transitions into final steps.
std::vector<std::string> DeclaredExitReasons(const Workflow& wf) {
  std::vector<std::string> out;
  for (const auto& t : wf.transitions) {
    const Step* to = wf.find_step(t.to);
    if (!to || !to->final) continue;
    for (const auto& v : EnumValuesOf(FindField(t.fields, "reason")))
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

Result<DayEvent> DecodeDayEntry(std::string_view key, std::string_view value) {
  // day \0 programme \0 date \0 pathway \0 seq
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '\0') {
      parts.push_back(key.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 5) return Status::Corruption("bad report index key");
  DayEvent e;
  auto date = Date::ParseIso(parts[2]);
  if (!date) return Status::Corruption("bad date in report index");
  e.date = *date;
  e.pathway = std::string(parts[3]);
  try {
    Json j = Json::parse(value);
    e.action = j.at("action").get<std::string>();
    e.kind = j.at("kind").get<std::string>();
    e.exit = j.at("exit").get<bool>();
    e.fields = j.at("fields");
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("report index entry does not decode: ") + ex.what());
  }
  return e;
}

std::string PadRight(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}
std::string PadLeft(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
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

Result<OutcomesReport> ComputeOutcomes(const Store& store, const Workflow& wf, Date from, Date to) {
  // Every indexed event of the programme dated up to the end of the period.
  std::map<std::string, PathwayOutcome> outcomes;
  Status decode;
  const std::string begin = keys::DayPrefix(wf.id);
  const std::string end = keys::DayPrefix(wf.id) + to.plus_days(1).iso();
  PARCOURS_RETURN_IF_ERROR(store.ScanRange(
      Domain::kIndexes, begin, end, [&](std::string_view k, std::string_view v) {
        auto decoded = DecodeDayEntry(k, v);
        if (!decoded.ok()) { decode = decoded.status(); return false; }
        const DayEvent& e = *decoded;
        PathwayOutcome& o = outcomes[e.pathway];
        if (e.kind == "enroll") o.enrolled_by_end = true;
        if (e.exit) o.exited_by_end = true;
        if (e.date < from) return true;
        for (const auto& ind : EventIndicators())
          if (ind.qualifies(e)) o.hits.insert(ind.name);
        if (e.exit) o.exit_reasons.insert(e.fields.value("reason", "unspecified"));
        return true;
      }));
  PARCOURS_RETURN_IF_ERROR(decode);

  const std::vector<std::string> reasons = DeclaredExitReasons(wf);
  OutcomesReport report;
  report.programme = wf.id;
  report.from = from;
  report.to = to;
  report.totals = EmptySet(reasons);
  report.exit_reason_order = reasons;
  report.value_order["sex"] = {"F", "M", "X"};
  report.value_order["age_band"] = {"under_26", "26_49", "50_plus"};
  report.value_order["prescriber"] = EnumValuesOf(FindField(wf.enrolment_fields, "prescriber"));
  for (const auto& [dimension, values] : report.value_order)
    for (const auto& v : values) report.breakdowns[dimension][v] = EmptySet(reasons);

  for (const auto& [pathway, o] : outcomes) {
    if (o.hits.empty() && !(o.enrolled_by_end && !o.exited_by_end)) continue;
    PARCOURS_ASSIGN_OR_RETURN(auto raw, store.Get(Domain::kPathways, pathway));
    if (!raw) return Status::Corruption("report index names missing pathway " + pathway);
    Json state;
    try {
      state = Json::parse(*raw);
    } catch (const Json::exception& ex) {
      return Status::Corruption("pathway " + pathway + " does not decode: " + ex.what());
    }
    const Json entry = state.value("entry", Json::object());
    const std::string sex = entry.value("sex", "X");
    const std::string band = AgeBand(entry.value("age", 0));
    const std::string prescriber =
        entry.value("fields", Json::object()).value("prescriber", "unspecified");

    auto add = [&](IndicatorSet& set) {
      if (set.counts.empty()) set = EmptySet(reasons);
      AddTo(set, o);
    };
    add(report.totals);
    add(report.breakdowns["sex"][sex]);
    add(report.breakdowns["age_band"][band]);
    add(report.breakdowns["prescriber"][prescriber]);
  }
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
