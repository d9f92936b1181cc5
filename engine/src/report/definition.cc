// Report definitions: YAML -> ReportDefinition, every problem reported at once,
// and the built-in definitions. The format is documented in docs/reports.md:
// keep the two in step.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <set>

#include "common/yaml_read.h"
#include "parcours/report.h"
#include "report/builtin.h"

namespace parcours {
namespace {

using yaml_read::DidYouMean;
using yaml_read::Find;
using yaml_read::IsOneOf;
using yaml_read::JoinComma;
using yaml_read::KeyList;
using yaml_read::KindOf;
using yaml_read::LineOf;
using yaml_read::Quote;

const KeyList kTopKeys = {"report",     "label",      "description",     "programmes",
                          "indicators", "breakdowns", "compare_previous"};
const KeyList kIndicatorKeys = {"id", "label", "when", "distinct", "by", "values", "rate", "active_at_end"};
const KeyList kNamedDimensions = {"sex", "age_band", "prescriber"};
const KeyList kKeywords = {"and", "or", "not", "in", "true", "false", "null"};

// A report or indicator id: a lowercase letter, then a-z, 0-9 and _.
bool IsValidId(std::string_view id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}
constexpr const char* kIdRule = "an id starts with a lowercase letter and uses only a-z, 0-9 and _";

// A programme id, as a workflow's `programme:` writes it: a lowercase letter, then a-z, 0-9, _ and -.
bool IsProgrammeId(std::string_view id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// A variable path as a condition writes it: NAME{.NAME}, the first part not a keyword.
bool IsVariablePath(std::string_view path) {
  std::size_t start = 0;
  bool first = true;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string_view part = path.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty()) return false;
    const char c0 = part[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_')) return false;
    for (char c : part)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    if (first && IsOneOf(part, kKeywords)) return false;
    first = false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsEntryPath(std::string_view path) {
  return path.size() > 6 && path.substr(0, 6) == "entry." && IsVariablePath(path);
}

struct Problem {
  int line = 0;
  std::string message;
};

class DefinitionReader {
 public:
  explicit DefinitionReader(std::string name) : name_(std::move(name)) {}

  void Add(int line, std::string message) { problems_.push_back({line, std::move(message)}); }
  void Add(const YAML::Node& at, std::string message) { Add(LineOf(at), std::move(message)); }

  ReportDefinition Read(const YAML::Node& root) {
    ReportDefinition def;
    def.name = name_;
    if (!root.IsMap()) {
      Add(root, "a report definition is a map with report, label, indicators...; found " + KindOf(root));
      return def;
    }
    CheckKeys(root, kTopKeys, "");

    // report: the name, which must agree with the name it is run under.
    if (auto report = Find(root, "report"); !report) {
      Add(1, "missing report: the report's id, e.g. report: sorties");
    } else if (!report->IsScalar() || !IsValidId(report->Scalar())) {
      Add(*report, "report " + KindOf(*report) + " is not a valid id; " + kIdRule);
    } else {
      const std::string& id = report->Scalar();
      if (name_.empty()) {
        def.name = id;
      } else {
        const std::size_t dot = name_.rfind('.');
        const std::string tail = dot == std::string::npos ? name_ : name_.substr(dot + 1);
        if (id != name_ && id != tail)
          Add(*report, "report: " + id + " does not match the name it is provided under; write report: " + tail);
      }
    }
    def.label = Text(root, "label", "").value_or(def.name);
    def.description = Text(root, "description", "").value_or("");
    if (auto programmes = Find(root, "programmes")) ReadProgrammes(*programmes, def);

    if (auto indicators = Find(root, "indicators"); !indicators) {
      Add(1, "missing indicators: a list of at least one indicator (- id: ... when: ...)");
    } else if (!indicators->IsSequence() || indicators->size() == 0) {
      Add(*indicators, "indicators must be a non-empty list of indicators, found " + KindOf(*indicators));
    } else {
      for (const auto& item : *indicators)
        if (item.IsMap())
          if (auto id = Find(item, "id"); id && id->IsScalar() && !all_ids_.count(id->Scalar()))
            all_ids_[id->Scalar()] = LineOf(item);
      for (const auto& item : *indicators) ReadIndicator(item, def);
    }

    if (auto breakdowns = Find(root, "breakdowns")) ReadBreakdowns(*breakdowns, def);

    if (auto compare = Find(root, "compare_previous")) {
      bool value = false;
      if (compare->IsScalar() && YAML::convert<bool>::decode(*compare, value)) {
        def.compare_previous = value;
      } else {
        Add(*compare, "compare_previous must be true or false, found " + KindOf(*compare));
      }
    }
    return def;
  }

  std::vector<Problem> Take() && {
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    return std::move(problems_);
  }

 private:
  void CheckKeys(const YAML::Node& map, KeyList allowed, const std::string& where) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) {
        Add(entry.first, where + "a key must be a word, found " + KindOf(entry.first));
        continue;
      }
      const std::string& key = entry.first.Scalar();
      if (!seen.insert(key).second) {
        Add(entry.first, where + "key " + key + " is given twice");
      } else if (!IsOneOf(key, allowed)) {
        Add(entry.first, where + "unknown key " + Quote(key) + DidYouMean(key, allowed) +
                             "; the keys are " + JoinComma(allowed));
      }
    }
  }

  // The text under `key`, nullopt when absent or not text (a problem then).
  std::optional<std::string> Text(const YAML::Node& map, std::string_view key, const std::string& where) {
    auto node = Find(map, key);
    if (!node) return std::nullopt;
    if (!node->IsScalar() || node->Scalar().empty()) {
      Add(*node, where + std::string(key) + " must be a text, found " + KindOf(*node));
      return std::nullopt;
    }
    return node->Scalar();
  }

  void ReadIndicator(const YAML::Node& item, ReportDefinition& def) {
    if (!item.IsMap()) {
      Add(item, "an indicator is a map (- id: ... when: ...), found " + KindOf(item));
      return;
    }
    IndicatorDefinition ind;
    ind.line = LineOf(item);
    std::string where = "indicator #" + std::to_string(position_ + 1) + ": ";
    ++position_;
    bool valid = true;
    if (auto id = Find(item, "id"); !id) {
      Add(item, where + "missing id");
      valid = false;
    } else if (!id->IsScalar() || !IsValidId(id->Scalar())) {
      Add(*id, where + "id " + KindOf(*id) + " is not valid; " + kIdRule);
      valid = false;
    } else {
      ind.id = id->Scalar();
      where = "indicator " + Quote(ind.id) + ": ";
      if (auto earlier = declared_.find(ind.id); earlier != declared_.end()) {
        Add(*id, where + "id is already used by the indicator at line " + std::to_string(earlier->second));
        valid = false;
      }
    }
    CheckKeys(item, kIndicatorKeys, where);
    ind.label = Text(item, "label", where).value_or(ind.id);

    auto when = Find(item, "when");
    auto rate = Find(item, "rate");
    auto active = Find(item, "active_at_end");
    auto distinct = Find(item, "distinct");
    auto by = Find(item, "by");
    auto values = Find(item, "values");
    std::vector<std::string> kinds;
    if (when) kinds.push_back("when");
    if (rate) kinds.push_back("rate");
    if (active) kinds.push_back("active_at_end");
    if (kinds.empty()) {
      Add(item, where + "needs one of when (a condition), rate: [numerator, denominator] or active_at_end: true");
      valid = false;
    } else if (kinds.size() > 1) {
      Add(item, where + "has " + JoinComma(kinds) + "; an indicator has exactly one of when, rate or active_at_end");
      valid = false;
    }
    if (!when) {
      for (const auto& [node, key] : {std::pair{distinct, "distinct"}, std::pair{by, "by"}, std::pair{values, "values"}})
        if (node) Add(*node, where + key + " only goes with when (it refines what a matching event counts)");
    }

    if (when) {
      ind.kind = IndicatorKind::kCount;
      if (!when->IsScalar() || when->Scalar().empty()) {
        Add(*when, where + "when must be a condition (text), found " + KindOf(*when));
        valid = false;
      } else {
        auto parsed = rules::Expression::Parse(when->Scalar());
        if (parsed.ok()) {
          ind.when = std::move(parsed).value();
        } else {
          Add(*when, where + parsed.status().message());
          valid = false;
        }
      }
      if (distinct && by) {
        Add(*by, where + "has both distinct and by; choose one");
        valid = false;
      } else if (distinct) {
        ind.kind = IndicatorKind::kDistinct;
        valid &= ReadDistinct(*distinct, ind, where);
      } else if (by) {
        ind.kind = IndicatorKind::kBy;
        if (!by->IsScalar() || !IsVariablePath(by->Scalar())) {
          Add(*by, where + "by must name one variable, such as reason or entry.attrs.rqth, found " + KindOf(*by));
          valid = false;
        } else {
          ind.by = by->Scalar();
        }
        if (values) valid &= ReadByValues(*values, ind, where);
      }
      if (values && !by) Add(*values, where + "values only goes with by");
    } else if (rate) {
      ind.kind = IndicatorKind::kRate;
      valid &= ReadRate(*rate, ind, def, where);
    } else if (active) {
      ind.kind = IndicatorKind::kActiveAtEnd;
      bool flag = false;
      if (!active->IsScalar() || !YAML::convert<bool>::decode(*active, flag) || !flag) {
        Add(*active, where + "active_at_end must be true, found " + KindOf(*active));
        valid = false;
      }
    }
    if (!ind.id.empty() && !declared_.count(ind.id)) {
      declared_[ind.id] = ind.line;
      kinds_[ind.id] = ind.kind;
    }
    if (valid) def.indicators.push_back(std::move(ind));
  }

  bool ReadDistinct(const YAML::Node& node, IndicatorDefinition& ind, const std::string& where) {
    if (!node.IsSequence() || node.size() == 0) {
      Add(node, where + "distinct must be a list of variables, such as [provider, certification], found " +
                    KindOf(node));
      return false;
    }
    bool ok = true;
    for (const auto& v : node) {
      if (!v.IsScalar() || !IsVariablePath(v.Scalar())) {
        Add(v, where + "distinct: " + KindOf(v) + " is not a variable name (letters, digits, _ and dots)");
        ok = false;
      } else if (std::find(ind.distinct.begin(), ind.distinct.end(), v.Scalar()) != ind.distinct.end()) {
        Add(v, where + "distinct: " + v.Scalar() + " is listed twice");
        ok = false;
      } else {
        ind.distinct.push_back(v.Scalar());
      }
    }
    return ok;
  }

  bool ReadByValues(const YAML::Node& node, IndicatorDefinition& ind, const std::string& where) {
    if (node.IsScalar()) {
      const std::string& mode = node.Scalar();
      if (mode == "workflow") ind.by_values = ByValues::kWorkflow;
      else if (mode == "exits") ind.by_values = ByValues::kExits;
      else if (mode == "found") ind.by_values = ByValues::kFound;
      else {
        Add(node, where + "values " + Quote(mode) + " is not known; give workflow, exits, found or a list of values");
        return false;
      }
      return true;
    }
    if (!node.IsSequence() || node.size() == 0) {
      Add(node, where + "values must be workflow, exits, found or a non-empty list of values, found " + KindOf(node));
      return false;
    }
    ind.by_values = ByValues::kList;
    bool ok = true;
    for (const auto& v : node) {
      if (!v.IsScalar() || v.Scalar().empty()) {
        Add(v, where + "values: " + KindOf(v) + " is not a value");
        ok = false;
      } else if (std::find(ind.listed.begin(), ind.listed.end(), v.Scalar()) != ind.listed.end()) {
        Add(v, where + "values: " + Quote(v.Scalar()) + " is listed twice");
        ok = false;
      } else {
        ind.listed.push_back(v.Scalar());
      }
    }
    return ok;
  }

  bool ReadRate(const YAML::Node& node, IndicatorDefinition& ind, const ReportDefinition& def,
                const std::string& where) {
    if (!node.IsSequence() || node.size() != 2 || !node[0].IsScalar() || !node[1].IsScalar()) {
      Add(node, where + "rate must be [numerator, denominator], two indicator ids, found " + KindOf(node));
      return false;
    }
    std::vector<std::string> usable;  // numbers declared above, for messages
    for (const auto& earlier : def.indicators)
      if (earlier.kind != IndicatorKind::kRate && earlier.kind != IndicatorKind::kBy) usable.push_back(earlier.id);
    const std::string hint = usable.empty() ? "no counting indicator is declared above it"
                                            : "the indicators above it that a rate can use are " + JoinComma(usable);
    bool ok = true;
    for (std::size_t i = 0; i < 2; ++i) {
      const std::string& id = node[i].Scalar();
      const char* role = i == 0 ? "numerator" : "denominator";
      auto kind = kinds_.find(id);
      auto anywhere = all_ids_.find(id);
      if (id == ind.id) {
        Add(node[i], where + "rate: the " + role + " is the rate itself; " + hint);
        ok = false;
      } else if (kind == kinds_.end() && anywhere != all_ids_.end()) {
        Add(node[i], where + "rate: the " + role + " " + Quote(id) + " is declared below it (line " +
                         std::to_string(anywhere->second) + "); a rate may only use indicators declared above it");
        ok = false;
      } else if (kind == kinds_.end()) {
        Add(node[i], where + "rate: the " + role + " " + Quote(id) + " is not an indicator; " + hint);
        ok = false;
      } else if (kind->second == IndicatorKind::kRate || kind->second == IndicatorKind::kBy) {
        Add(node[i], where + "rate: the " + role + " " + Quote(id) + " is a " + IndicatorKindName(kind->second) +
                         " indicator; a rate divides counts: " + hint);
        ok = false;
      } else if (def.find(id) == nullptr) {
        ok = false;  // declared above but invalid: already reported there
      }
    }
    if (ok) {
      ind.numerator = node[0].Scalar();
      ind.denominator = node[1].Scalar();
    }
    return ok;
  }

  // programmes: the programme ids the report applies to (a non-empty list).
  void ReadProgrammes(const YAML::Node& node, ReportDefinition& def) {
    if (!node.IsSequence() || node.size() == 0) {
      Add(node, "programmes must be a non-empty list of programme ids, such as [iae, peps], found " + KindOf(node) +
                    "; leave it out for a report that applies to every programme");
      return;
    }
    for (const auto& item : node) {
      if (!item.IsScalar() || !IsProgrammeId(item.Scalar())) {
        Add(item, "programmes: " + KindOf(item) +
                      " is not a programme id; a programme id starts with a lowercase letter and uses only a-z, "
                      "0-9, _ and -");
      } else if (std::find(def.programmes.begin(), def.programmes.end(), item.Scalar()) != def.programmes.end()) {
        Add(item, "programmes: " + item.Scalar() + " is listed twice");
      } else {
        def.programmes.push_back(item.Scalar());
      }
    }
  }

  void ReadBreakdowns(const YAML::Node& node, ReportDefinition& def) {
    if (!node.IsSequence()) {
      Add(node, "breakdowns must be a list, such as [sex, age_band, prescriber], found " + KindOf(node));
      return;
    }
    for (const auto& item : node) {
      if (!item.IsScalar() || !(IsOneOf(item.Scalar(), kNamedDimensions) || IsEntryPath(item.Scalar()))) {
        Add(item, "unknown breakdown " + KindOf(item) +
                      "; breakdowns are sex, age_band, prescriber, or a path below entry such as "
                      "entry.attrs.rqth or entry.fields.prescriber");
      } else if (std::find(def.breakdowns.begin(), def.breakdowns.end(), item.Scalar()) != def.breakdowns.end()) {
        Add(item, "breakdown " + item.Scalar() + " is listed twice");
      } else {
        def.breakdowns.push_back(item.Scalar());
      }
    }
  }

  std::string name_;
  std::vector<Problem> problems_;
  int position_ = 0;
  std::map<std::string, int> declared_;  // indicator id -> line
  std::map<std::string, IndicatorKind> kinds_;
  std::map<std::string, int> all_ids_;  // every indicator id of the file -> line
};

constexpr const char* kOutcomesYaml = R"yaml(report: outcomes
label: Outcomes
description: Referred, positioned, trained, certified, placed, exited and followed-up pathways, by sex, age band and prescriber
indicators:
  - id: referred
    when: "kind == 'enroll'"
  - id: positioned
    when: "action == 'position'"
  - id: entered_training
    when: "action == 'start_training'"
  - id: certified
    when: "action == 'training_completed' and certified == 'yes'"
  - id: vae_started
    when: "action == 'start_vae'"
  - id: vae_full
    when: "action == 'vae_decided' and result == 'full'"
  - id: vae_partial
    when: "action == 'vae_decided' and result == 'partial'"
  - id: placed
    when: "action == 'place'"
  - id: durable_employment
    when: "action == 'place' and (contract in ['cdi', 'creation'] or (contract in ['cdd', 'interim'] and months >= 6))"
  - id: exits
    when: "exit"
  - id: exits_by_reason
    when: "exit"
    by: reason
    values: exits
  - id: employed_6m
    when: "action == 'follow_up' and employed == 'yes'"
  - id: active_at_end
    active_at_end: true
breakdowns: [sex, age_band, prescriber]
)yaml";

}  // namespace

const char* IndicatorKindName(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kCount: return "count";
    case IndicatorKind::kDistinct: return "distinct";
    case IndicatorKind::kBy: return "by";
    case IndicatorKind::kRate: return "rate";
    case IndicatorKind::kActiveAtEnd: return "active_at_end";
  }
  return "count";
}

const IndicatorDefinition* ReportDefinition::find(std::string_view id) const {
  for (const auto& ind : indicators)
    if (ind.id == id) return &ind;
  return nullptr;
}

Result<ReportDefinition> ParseReportDefinition(std::string_view yaml, std::string_view name) {
  const std::string shown = name.empty() ? std::string("(unnamed)") : std::string(name);
  DefinitionReader reader{std::string(name)};
  ReportDefinition def;
  std::vector<Problem> problems;
  YAML::Node root;
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml));
    if (documents.size() > 1) reader.Add(documents[1], "the text holds more than one YAML document (---); keep one report per definition");
    if (documents.empty() || documents[0].IsNull()) {
      reader.Add(1, "the definition is empty; a report needs at least report and indicators");
    } else {
      root = documents[0];
      def = reader.Read(root);
    }
    problems = std::move(reader).Take();
  } catch (const YAML::Exception& e) {
    problems = std::move(reader).Take();
    problems.push_back({e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg});
  }
  if (problems.empty()) return def;

  const std::string report = name.empty() && !def.name.empty() ? def.name : shown;
  std::string message;
  for (const auto& p : problems) {
    if (!message.empty()) message += '\n';
    message += "report " + Quote(report) + (p.line > 0 ? ", line " + std::to_string(p.line) : "") + ": " + p.message;
  }
  return Status::Refused(message,
                         "A definition has report, label, description, programmes, indicators (each: id, label "
                         "and one of when, rate or active_at_end), breakdowns and compare_previous; see "
                         "docs/reports.md.");
}

const std::vector<std::string>& BuiltInReportNames() {
  static const std::vector<std::string> kNames = {"outcomes"};
  return kNames;
}

std::optional<std::string_view> BuiltInReportYaml(std::string_view name) {
  if (name == "outcomes") return std::string_view(kOutcomesYaml);
  return std::nullopt;
}

const ReportDefinition& OutcomesDefinition() {
  static const ReportDefinition kDefinition = [] {
    auto parsed = ParseReportDefinition(kOutcomesYaml, "outcomes");
    if (!parsed.ok()) {
      // A bug in the built-in text; the unit tests parse it too.
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return kDefinition;
}

}  // namespace parcours
