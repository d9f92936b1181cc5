// The one evaluator of report definitions (docs/reports.md, "How it is computed").
//
// A single scan of the programme's `day` index, from its first entry (or from
// the earliest period start when no indicator needs the whole history) up to
// `to`, records for each pathway its enrolment and exit dates and what its
// events dated in the period (and in the previous period) match. Pathway
// states are read only for what needs them (conditions or paths reading
// `entry`/`enrolled`, and breakdowns), each at most once.
#include "report/evaluator.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "parcours/engine.h"  // KnownPersonAttributes
#include "schema/codec.h"
#include "schema/keys.h"
#include "parcours/text.h"

namespace parcours {

Result<ReportPeriod> ParseReportPeriod(const std::string& from, const std::string& to) {
  const auto first = Date::ParseIso(from);
  const auto last = Date::ParseIso(to);
  if (!first) {
    return Status::Refused("{arg:from} " + EchoText(from) + " is not a valid date", "Use YYYY-MM-DD.");
  }
  if (!last) return Status::Refused("{arg:to} " + EchoText(to) + " is not a valid date", "Use YYYY-MM-DD.");
  if (*last < *first) {
    return Status::Refused("the period ends (" + last->iso() + ") before it starts (" + first->iso() + ")",
                           "Give {arg:from} on or before {arg:to}.");
  }
  return ReportPeriod{*first, *last};
}
namespace {

constexpr const char* kUnspecified = "unspecified";

// One indexed event, as a report sees it.
struct DayEvent {
  Date date;
  std::string pathway;
  std::string action;
  std::string kind;
  std::string from;
  std::string to;
  bool exit = false;
  Json fields = Json::object();
};

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
  PARCOURS_ASSIGN_OR_RETURN(DayValue v, codec::DecodeDayValue(value));
  e.action = std::move(v.action);
  e.kind = EventKindName(v.kind);
  e.from = std::move(v.from);
  e.to = std::move(v.to);
  e.exit = v.exit;
  e.fields = std::move(v.fields);
  return e;
}

// The value at a dotted path below `root`, nullptr when absent.
const Json* Lookup(const Json& root, std::string_view path) {
  const Json* at = &root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string_view::npos) return at;
    start = dot + 1;
  }
}

// A value as a group name: text as is, absent or null as `missing`, anything else as JSON.
std::string GroupName(const Json* value, const char* missing) {
  if (value == nullptr || value->is_null()) return missing;
  if (value->is_string()) return value->get<std::string>();
  return value->dump();
}

bool ReadsState(std::string_view path) {
  const std::string_view first = path.substr(0, path.find('.'));
  return first == "entry" || first == "enrolled";
}

std::vector<std::string> EnumValuesOf(const FieldSpec& spec) {
  std::vector<std::string> out;
  if (spec.type == FieldType::kEnum)
    for (const auto& v : spec.values) out.push_back(v.id);
  return out;
}

void AppendNew(std::vector<std::string>& out, const std::vector<std::string>& values) {
  for (const auto& v : values)
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
}

// The values always shown for a breakdown dimension.
std::vector<std::string> ListedDimensionValues(const std::string& dimension, const Workflow& wf) {
  std::vector<std::string> out;
  if (dimension == "sex" || dimension == "entry.sex") return {"F", "M", "X"};
  if (dimension == "age_band") return {"under_26", "26_49", "50_plus"};
  std::string path = dimension == "prescriber" ? "entry.fields.prescriber" : dimension;
  const std::string fields = "entry.fields.", attrs = "entry.attrs.";
  if (path.rfind(fields, 0) == 0 && path.find('.', fields.size()) == std::string::npos) {
    for (const auto& f : wf.enrolment_fields)
      if (f.id == path.substr(fields.size())) AppendNew(out, EnumValuesOf(f));
  } else if (path.rfind(attrs, 0) == 0) {
    auto it = KnownPersonAttributes().find(path.substr(attrs.size()));
    if (it != KnownPersonAttributes().end()) out = it->second;
  }
  return out;
}

// The values always shown for a `by` indicator.
std::vector<std::string> ListedByValues(const IndicatorDefinition& ind, const Workflow& wf) {
  if (ind.by_values == ByValues::kList) return ind.listed;
  if (ind.by_values == ByValues::kFound) return {};
  if (ind.by.rfind("entry.", 0) == 0) return ListedDimensionValues(ind.by, wf);
  std::string field = ind.by;
  if (field.rfind("fields.", 0) == 0) field = field.substr(7);
  if (field.find('.') != std::string::npos) return {};
  std::vector<std::string> out;
  for (const auto& t : wf.transitions) {
    if (ind.by_values == ByValues::kExits) {
      const Step* to = wf.find_step(t.to);
      if (!to || !to->final) continue;
    }
    for (const auto& f : t.fields)
      if (f.id == field) AppendNew(out, EnumValuesOf(f));
  }
  if (ind.by_values == ByValues::kWorkflow)
    for (const auto& m : wf.milestones)
      for (const auto& f : m.fields)
        if (f.id == field) AppendNew(out, EnumValuesOf(f));
  return out;
}

// The group of a pathway in a dimension, from its stored state.
std::string DimensionValue(const std::string& dimension, const Json& state) {
  static const Json kEmpty = Json::object();
  const Json* entry_ptr = Lookup(state, "entry");
  const Json& entry = entry_ptr && entry_ptr->is_object() ? *entry_ptr : kEmpty;
  if (dimension == "sex") {
    const Json* sex = Lookup(entry, "sex");
    return sex && sex->is_string() ? sex->get<std::string>() : "X";
  }
  if (dimension == "age_band") {
    const Json* age = Lookup(entry, "age");
    return AgeBand(age && age->is_number_integer() ? age->get<int>() : 0);
  }
  if (dimension == "prescriber") return GroupName(Lookup(entry, "fields.prescriber"), kUnspecified);
  return GroupName(Lookup(state, dimension), kUnspecified);  // entry.<path>
}

// What one pathway's events in one period match.
struct Hits {
  std::vector<char> matched;                // per indicator
  std::vector<std::set<std::string>> keys;  // distinct: tuples; by: values
  bool any = false;

  explicit Hits(std::size_t n) : matched(n, 0), keys(n) {}
};

struct PathwayRecord {
  std::optional<Date> enrolled;  // earliest enrolment dated up to `to`
  std::optional<Date> exited;    // earliest exit dated up to `to`
  std::unique_ptr<Hits> current;
  std::unique_ptr<Hits> previous;

  bool ActiveAt(Date end) const { return enrolled && *enrolled <= end && !(exited && *exited <= end); }
};

// Sums pathways into one group's figures.
class Accumulator {
 public:
  explicit Accumulator(const ReportDefinition& def)
      : def_(&def), counts_(def.indicators.size(), 0), keys_(def.indicators.size()),
        by_(def.indicators.size()) {}

  void Add(const Hits* hits, bool active) {
    for (std::size_t i = 0; i < def_->indicators.size(); ++i) {
      switch (def_->indicators[i].kind) {
        case IndicatorKind::kCount:
          if (hits && hits->matched[i]) ++counts_[i];
          break;
        case IndicatorKind::kDistinct:
          if (hits) keys_[i].insert(hits->keys[i].begin(), hits->keys[i].end());
          break;
        case IndicatorKind::kBy:
          if (hits)
            for (const auto& v : hits->keys[i]) ++by_[i][v];
          break;
        case IndicatorKind::kActiveAtEnd:
          if (active) ++counts_[i];
          break;
        case IndicatorKind::kRate:
          break;
      }
    }
  }

  ReportFigures Finish(const std::vector<std::vector<std::string>>& listed) const {
    ReportFigures out;
    for (std::size_t i = 0; i < def_->indicators.size(); ++i) {
      const IndicatorDefinition& ind = def_->indicators[i];
      switch (ind.kind) {
        case IndicatorKind::kCount:
        case IndicatorKind::kActiveAtEnd:
          out.numbers[ind.id] = counts_[i];
          break;
        case IndicatorKind::kDistinct:
          out.numbers[ind.id] = static_cast<int64_t>(keys_[i].size());
          break;
        case IndicatorKind::kBy: {
          auto& values = out.by[ind.id];
          for (const auto& v : listed[i]) values[v] = 0;
          for (const auto& [v, n] : by_[i]) values[v] = n;
          break;
        }
        case IndicatorKind::kRate: {
          const int64_t num = out.numbers.at(ind.numerator).value_or(0);
          const int64_t den = out.numbers.at(ind.denominator).value_or(0);
          if (den == 0) {
            out.numbers[ind.id] = std::nullopt;
          } else {
            // Percent in tenths, rounded half up: 2 of 3 is 66.7 %.
            out.numbers[ind.id] = (num * 2000 + den) / (2 * den);
          }
          break;
        }
      }
    }
    return out;
  }

 private:
  const ReportDefinition* def_;
  std::vector<int64_t> counts_;
  std::vector<std::set<std::string>> keys_;
  std::vector<std::map<std::string, int64_t>> by_;
};

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::pair<Date, Date> PreviousPeriod(Date from, Date to) {
  const Date previous_to = from.plus_days(-1);
  // Whole calendar months (a month, a quarter, a year...): as many months just before.
  if (from.day() == 1 && to.plus_days(1).day() == 1) {
    const int first = from.year() * 12 + from.month() - 1;  // months since year 0
    const int months = to.year() * 12 + to.month() - first;
    const int start = first - months;
    if (start >= 12)  // year 1 or later
      if (auto previous_from = Date::FromYmd(start / 12, start % 12 + 1, 1)) return {*previous_from, previous_to};
  }
  return {previous_to.plus_days(-from.days_until(to)), previous_to};
}

Result<ReportResult> EvaluateReport(const StoreReader& store, const ReportDefinition& def, const Workflow& wf,
                                    Date from, Date to) {
  const std::size_t n = def.indicators.size();
  const std::pair<Date, Date> previous_period = PreviousPeriod(from, to);
  const Date previous_from = previous_period.first;
  const Date previous_to = previous_period.second;
  const bool compare = def.compare_previous;

  bool needs_history = false;  // active_at_end needs every enrolment and exit up to `to`
  bool state_in_scan = false;  // a condition or path reads the pathway's state
  for (const auto& ind : def.indicators) {
    if (ind.kind == IndicatorKind::kActiveAtEnd) needs_history = true;
    if (ind.when)
      for (const auto& id : ind.when->Identifiers()) state_in_scan |= ReadsState(id);
    for (const auto& path : ind.distinct) state_in_scan |= ReadsState(path);
    if (!ind.by.empty()) state_in_scan |= ReadsState(ind.by);
  }

  std::unordered_map<std::string, Json> states;
  auto load_state = [&](const std::string& pathway) -> Result<const Json*> {
    auto it = states.find(pathway);
    if (it != states.end()) return &it->second;
    PARCOURS_ASSIGN_OR_RETURN(auto raw, store.Get(Domain::kPathways, pathway));
    if (!raw) return Status::Corruption("report index names missing pathway " + pathway);
    auto state = codec::DecodeState(*raw);
    if (!state.ok()) return Status::Corruption("pathway " + pathway + ": " + state.status().message());
    return &states.emplace(pathway, state->ToJson()).first->second;
  };

  // ---- the scan ----
  std::map<std::string, PathwayRecord> records;
  const std::string prefix = keys::DayPrefix(wf.id);
  std::string begin = prefix;
  const Date earliest = compare ? previous_from : from;
  if (!needs_history && earliest.year() >= 1) begin += earliest.iso();
  const std::string end = prefix + to.iso() + '\x01';  // every key dated `to`, none after
  Status failure;
  PARCOURS_RETURN_IF_ERROR(store.ScanRange(
      Domain::kIndexes, begin, end, [&](std::string_view k, std::string_view v) {
        auto decoded = DecodeDayEntry(k, v);
        if (!decoded.ok()) {
          failure = decoded.status();
          return false;
        }
        const DayEvent& e = *decoded;
        PathwayRecord& record = records[e.pathway];
        if (e.kind == "enroll" && !record.enrolled) record.enrolled = e.date;
        if (e.exit && !record.exited) record.exited = e.date;

        std::unique_ptr<Hits>* slot = nullptr;
        if (e.date >= from && e.date <= to) slot = &record.current;
        else if (compare && e.date >= previous_from && e.date <= previous_to) slot = &record.previous;
        if (!slot) return true;

        Json vars = e.fields.is_object() ? e.fields : Json::object();
        vars["action"] = e.action;
        vars["kind"] = e.kind;
        vars["from"] = e.from;
        vars["to"] = e.to;
        vars["exit"] = e.exit;
        vars["date"] = e.date.iso();
        vars["fields"] = e.fields;
        if (state_in_scan) {
          auto state = load_state(e.pathway);
          if (!state.ok()) {
            failure = state.status();
            return false;
          }
          const Json* entry = Lookup(**state, "entry");
          const Json* enrolled = Lookup(**state, "enrolled");
          vars["entry"] = entry ? *entry : Json();
          vars["enrolled"] = enrolled ? *enrolled : Json();
        }
        for (std::size_t i = 0; i < n; ++i) {
          const IndicatorDefinition& ind = def.indicators[i];
          if (!ind.when) continue;
          auto holds = ind.when->Test(vars);
          if (!holds.ok()) {
            failure = Status::Refused("report " + Quote(def.name) + ": indicator " + Quote(ind.id) + ": " +
                                          holds.status().message() + " (pathway " + e.pathway + ", event dated " +
                                          e.date.iso() + ")",
                                      "Correct the report definition; conditions are described in "
                                      "docs/conditions.md.");
            return false;
          }
          if (!*holds) continue;
          if (!*slot) *slot = std::make_unique<Hits>(n);
          Hits& hits = **slot;
          hits.any = true;
          hits.matched[i] = 1;
          if (ind.kind == IndicatorKind::kDistinct) {
            Json tuple = Json::array();
            for (const auto& path : ind.distinct) {
              const Json* value = Lookup(vars, path);
              tuple.push_back(value ? *value : Json());
            }
            hits.keys[i].insert(tuple.dump());
          } else if (ind.kind == IndicatorKind::kBy) {
            hits.keys[i].insert(GroupName(Lookup(vars, ind.by), kUnspecified));
          }
        }
        return true;
      }));
  PARCOURS_RETURN_IF_ERROR(failure);

  // ---- the figures ----
  ReportResult result;
  result.report = def.name;
  result.label = def.label;
  result.programme = wf.id;
  result.from = from;
  result.to = to;
  result.dimensions = def.breakdowns;
  result.compare_previous = compare;
  if (compare) {
    result.previous_from = previous_from;
    result.previous_to = previous_to;
  }
  std::vector<std::vector<std::string>> listed(n);
  for (std::size_t i = 0; i < n; ++i) {
    const IndicatorDefinition& ind = def.indicators[i];
    if (ind.kind == IndicatorKind::kBy) listed[i] = ListedByValues(ind, wf);
    result.indicators.push_back({ind.id, ind.label, ind.kind, listed[i]});
  }

  Accumulator totals(def), previous(def);
  std::map<std::string, std::map<std::string, Accumulator>> groups;
  for (const auto& dimension : def.breakdowns) {
    result.dimension_values[dimension] = ListedDimensionValues(dimension, wf);
    auto& by_value = groups[dimension];
    for (const auto& value : result.dimension_values[dimension]) by_value.emplace(value, Accumulator(def));
  }
  for (const auto& [pathway, record] : records) {
    if (compare) {
      const bool active = needs_history && record.ActiveAt(previous_to);
      if ((record.previous && record.previous->any) || active) previous.Add(record.previous.get(), active);
    }
    const bool active = needs_history && record.ActiveAt(to);
    if (!(record.current && record.current->any) && !active) continue;
    totals.Add(record.current.get(), active);
    if (def.breakdowns.empty()) continue;
    PARCOURS_ASSIGN_OR_RETURN(const Json* state, load_state(pathway));
    for (const auto& dimension : def.breakdowns) {
      auto& by_value = groups[dimension];
      auto it = by_value.try_emplace(DimensionValue(dimension, *state), def).first;
      it->second.Add(record.current.get(), active);
    }
  }
  result.totals = totals.Finish(listed);
  if (compare) result.previous = previous.Finish(listed);
  for (const auto& [dimension, by_value] : groups)
    for (const auto& [value, acc] : by_value) result.breakdowns[dimension][value] = acc.Finish(listed);
  return result;
}

}  // namespace parcours
