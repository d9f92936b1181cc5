// Loading workflow files: YAML -> Workflow, with every problem reported.
//
// The reader walks the document once, building the Workflow and collecting
// problems as it goes; it never stops at the first one. Whole-graph checks
// (initial/final steps, reachability, dead ends) run after the walk. The
// format is documented in docs/workflow-format.md: keep the two in step.
#include "parcours/workflow_loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "common/utf8.h"
#include "parcours/plugins.h"
#include "parcours/text.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace parcours {
namespace {

using KeyList = std::initializer_list<std::string_view>;

constexpr std::string_view kAny = "any";
const KeyList kTopKeys = {"programme", "label", "steps", "enrolment", "transitions", "milestones"};
const KeyList kStepKeys = {"id", "label", "initial", "final"};
const KeyList kEnrolmentKeys = {"fields", "guards", "derive", "notify"};
const KeyList kTransitionKeys = {"id", "label", "from", "to", "fields", "guards", "derive", "notify"};
const KeyList kMilestoneKeys = {"id", "label", "in", "fields", "guards", "derive", "notify"};
const KeyList kConditionGuardKeys = {"when", "message"};
const KeyList kPluginRefKeys = {"plugin"};
const KeyList kDeriveKeys = {"field", "rules"};
const KeyList kDeriveRuleKeys = {"when", "value"};
// Rule-context variables that take any path below them.
const KeyList kOpenContextNames = {"fields", "entry", "person", "history"};
const KeyList kFieldKeys = {"id",  "label", "type",       "required", "required_when",
                            "min", "max",   "max_length", "values"};
const KeyList kEnumValueKeys = {"id", "label"};
const KeyList kRequiredWhenKeys = {"field", "in"};
// Ids the engine uses for its own events; a transition or milestone may not take them.
const KeyList kReservedActionIds = {"enroll", "assign", "void"};
const KeyList kTypeNames = {"text", "integer", "date", "yesno", "enum"};

// Limits on a workflow file (docs/workflow-format.md, "Limits"). Each keeps
// loading fast and messages short; a real workflow stays far below them.
constexpr std::size_t kMaxFileBytes = 1 << 20;  // 1 MiB
constexpr std::size_t kMaxIdChars = 64;
constexpr std::size_t kMaxLabelChars = 200;
constexpr std::size_t kMaxMessageChars = 500;     // a guard's message
constexpr std::size_t kMaxConditionChars = 1000;  // a condition (when)
constexpr std::size_t kMaxSteps = 200;
constexpr std::size_t kMaxActions = 500;  // transitions; milestones
constexpr std::size_t kMaxFieldsPerList = 100;
constexpr std::size_t kMaxFieldsInTotal = 2000;
constexpr std::size_t kMaxValuesPerField = 5000;
constexpr std::size_t kMaxValuesInTotal = 20000;
constexpr std::size_t kMaxRulesPerList = 100;  // guards, derive, notify, derive rules
constexpr std::size_t kMaxRulesInTotal = 5000;
constexpr int64_t kMaxTextLength = 10000;  // a text field's max_length
constexpr std::size_t kMaxProblems = 100;  // problems listed; the rest are counted

constexpr const char* kIdRule =
    "an id starts with a lowercase letter and uses only a-z, 0-9, _ and -, at most 64 "
    "characters";

// A text from the file in a message: quoted, escaped, cut when long.
std::string Quote(std::string_view text) { return EchoText(text); }

template <typename Items>
std::string JoinComma(const Items& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdChars || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Offset of the first byte that breaks UTF-8 (truncated or invalid sequence,
// overlong form, surrogate, beyond U+10FFFF), or nullopt when `text` is valid.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (utf8::Decode(text, i) < 0) return i;
  }
  return std::nullopt;
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

bool IsOneOf(std::string_view word, KeyList words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Levenshtein distance, for "did you mean" hints on short words.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean "x"?)" when one candidate is within two edits, else "".
template <typename Candidates>
std::string DidYouMean(std::string_view word, const Candidates& candidates) {
  if (word.size() > kMaxIdChars) return {};  // no id is that long
  for (const auto& candidate : candidates) {
    if (EditDistance(word, candidate) <= 2) return " (did you mean " + Quote(candidate) + "?)";
  }
  return {};
}

// 1-based line of a node, 0 when it has none (undefined node).
int LineOf(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

// What kind of YAML value a node is, for messages: "a list", "a map"...
std::string KindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return Quote(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "empty";
  }
  return "empty";
}

// The value under `key` in map `map` (first occurrence), if any. Unlike
// YAML::Node::operator[], never creates nodes nor throws.
std::optional<YAML::Node> Find(const YAML::Node& map, std::string_view key) {
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return std::nullopt;
}

// Collects problems for one file.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  void Add(int line, std::string message) {
    if (problems_.size() < kMaxProblems) problems_.push_back({file_, line, std::move(message)});
    else ++not_listed_;
  }
  void Add(const YAML::Node& at, std::string message) { Add(LineOf(at), std::move(message)); }

  bool empty() const { return problems_.empty(); }

  // The first kMaxProblems problems found, in file order (problems without a
  // line first), then how many more there are.
  std::vector<WorkflowProblem> Take() && {
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    if (not_listed_ > 0) {
      problems_.push_back({file_, 0, "and " + std::to_string(not_listed_) +
                                         " more problems, not listed (fix the ones above first)"});
    }
    return std::move(problems_);
  }

 private:
  std::string file_;
  std::vector<WorkflowProblem> problems_;
  std::size_t not_listed_ = 0;
};

// Where a transition or milestone id was first declared, to catch reuse.
struct ActionDeclaration {
  std::string kind;  // "transition" or "milestone"
  int line = 0;
};

// Reads one workflow document. Each Read* function reports what is wrong with
// its part of the document and returns what it could make of it.
class WorkflowReader {
 public:
  WorkflowReader(Problems& problems, const PluginRegistry* plugins, bool check_plugins)
      : problems_(problems), plugins_(plugins), check_plugins_(check_plugins) {}

  Workflow Read(const YAML::Node& root) {
    Workflow workflow;
    if (!root.IsMap()) {
      problems_.Add(root.IsDefined() && !root.IsNull() ? LineOf(root) : 1,
                    "the top level must be a map with programme, label, steps, enrolment, "
                    "transitions and milestones; found " +
                        KindOf(root));
      return workflow;
    }
    CheckKeys(root, kTopKeys, "the top level");
    workflow.id = ReadId(root, "programme", "the top level");
    workflow.label = ReadLabel(root, "the programme", workflow.id);

    if (const auto steps = Find(root, "steps")) {
      workflow.steps = ReadSteps(*steps);
      for (std::size_t i = 0; i < workflow.steps.size(); ++i) step_index_.emplace(workflow.steps[i].id, i);
    } else {
      problems_.Add(root, "missing \"steps\": a workflow needs a list of steps");
    }
    if (const auto enrolment = Find(root, "enrolment")) {
      workflow.enrolment_fields = ReadEnrolment(*enrolment);
      if (enrolment->IsMap()) {
        workflow.enrolment_rules = ReadRules(*enrolment, "enrolment", workflow.enrolment_fields);
      }
    }
    if (const auto transitions = Find(root, "transitions")) {
      ReadTransitions(*transitions, workflow);
    }
    if (const auto milestones = Find(root, "milestones")) {
      ReadMilestones(*milestones, workflow);
    }
    if (!workflow.steps.empty()) CheckGraph(workflow, *Find(root, "steps"));
    return workflow;
  }

 private:
  // ---- Generic values ------------------------------------------------------

  // The step `id` of the workflow being read, in constant time.
  const Step* FindStep(const Workflow& workflow, const std::string& id) const {
    const auto it = step_index_.find(id);
    return it == step_index_.end() ? nullptr : &workflow.steps[it->second];
  }

  // False (after reporting) when list `key` holds more than `max` entries.
  bool WithinLimit(const YAML::Node& list, std::size_t max, std::string_view key,
                   const std::string& where) {
    if (list.size() <= max) return true;
    problems_.Add(list, where + ": " + Quote(key) + " has " + std::to_string(list.size()) +
                            " entries; at most " + std::to_string(max) + " are allowed");
    return false;
  }

  // Spends `n` of a whole-file budget (anchors can repeat a list many times);
  // false (after reporting once) when it is exhausted.
  bool Spend(std::size_t& used, std::size_t n, std::size_t max, const YAML::Node& at,
             std::string_view what) {
    used += n;
    if (used <= max) return true;
    if (used - n <= max) {
      problems_.Add(at, "the file holds more than " + std::to_string(max) + " " +
                            std::string(what) + " in all; at most " + std::to_string(max) +
                            " are allowed");
    }
    return false;
  }

  // Reports keys of `map` that are not in `allowed`, or appear twice.
  void CheckKeys(const YAML::Node& map, KeyList allowed, const std::string& where) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) {
        problems_.Add(key, where + ": a key must be a plain word, found " + KindOf(key));
        continue;
      }
      const std::string& name = key.Scalar();
      if (!IsOneOf(name, allowed)) {
        problems_.Add(key, where + ": unknown key " + Quote(name) + DidYouMean(name, allowed) +
                               "; allowed keys: " + JoinComma(allowed));
      } else if (!seen.insert(name).second) {
        problems_.Add(key, where + ": duplicate key " + Quote(name));
      }
    }
  }

  // A scalar's text, or a problem saying `key` must be one.
  std::optional<std::string> ScalarText(const YAML::Node& value, std::string_view key,
                                        const std::string& where) {
    if (value.IsScalar()) return value.Scalar();
    problems_.Add(value, where + ": " + Quote(key) + " must be a text, found " + KindOf(value));
    return std::nullopt;
  }

  // The id under `key`; "" (after reporting) when missing or malformed.
  std::string ReadId(const YAML::Node& map, std::string_view key, const std::string& where) {
    const auto value = Find(map, key);
    if (!value) {
      problems_.Add(map, where + ": missing " + Quote(key));
      return {};
    }
    const auto text = ScalarText(*value, key, where);
    if (!text) return {};
    if (!IsValidId(*text)) {
      problems_.Add(*value, where + ": " + std::string(key) + " " + Quote(*text) +
                                " is not valid; " + kIdRule);
      return {};
    }
    return *text;
  }

  // The label under "label", defaulting to `fallback` when absent.
  std::string ReadLabel(const YAML::Node& map, const std::string& where,
                        const std::string& fallback) {
    const auto value = Find(map, "label");
    if (!value) return fallback;
    const auto text = ScalarText(*value, "label", where);
    if (!text) return fallback;
    if (HasControlCharacter(*text)) {
      problems_.Add(*value, where + ": \"label\" must be one line without control characters");
      return fallback;
    }
    std::string label = NormalizeText(*text);
    if (label.empty()) {
      problems_.Add(*value, where + ": \"label\" must not be empty (leave it out to use the id)");
      return fallback;
    }
    if (CountChars(label) > kMaxLabelChars) {
      problems_.Add(*value, where + ": \"label\" " + Quote(label) + " is too long; at most " +
                                std::to_string(kMaxLabelChars) + " characters");
      return fallback;
    }
    return label;
  }

  // A YAML 1.2 boolean (true/false in any of its three spellings) under `key`.
  std::optional<bool> ReadBool(const YAML::Node& map, std::string_view key,
                               const std::string& where) {
    const auto value = Find(map, key);
    if (!value) return std::nullopt;
    if (value->IsScalar()) {
      const std::string& text = value->Scalar();
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
    }
    problems_.Add(*value,
                  where + ": " + Quote(key) + " must be true or false, found " + KindOf(*value));
    return std::nullopt;
  }

  // A whole number under `key` (present: caller checked).
  std::optional<int64_t> ReadInteger(const YAML::Node& value, std::string_view key,
                                     const std::string& where) {
    if (value.IsScalar()) {
      const std::string& text = value.Scalar();
      int64_t number = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return number;
    }
    problems_.Add(value,
                  where + ": " + Quote(key) + " must be a whole number, found " + KindOf(value));
    return std::nullopt;
  }

  // True when `value` (under `key`) is a list; otherwise reports it.
  bool ExpectList(const YAML::Node& value, std::string_view key, const std::string& where) {
    if (value.IsSequence()) return true;
    problems_.Add(value, where + ": " + Quote(key) + " must be a list, found " + KindOf(value));
    return false;
  }

  // How an item is named in messages: `step "referral"`, or `step #3` when it
  // has no usable id.
  static std::string ItemName(std::string_view kind, const YAML::Node& item, std::size_t index) {
    if (item.IsMap()) {
      const auto id = Find(item, "id");
      if (id && id->IsScalar() && !id->Scalar().empty()) {
        return std::string(kind) + " " + Quote(id->Scalar());
      }
    }
    return std::string(kind) + " #" + std::to_string(index + 1);
  }

  // ---- Steps ---------------------------------------------------------------

  std::vector<Step> ReadSteps(const YAML::Node& list) {
    std::vector<Step> steps;
    if (!ExpectList(list, "steps", "the file")) return steps;
    if (list.size() == 0) {
      problems_.Add(list, "\"steps\" must list at least one step");
      return steps;
    }
    if (!WithinLimit(list, kMaxSteps, "steps", "the file")) return steps;
    std::map<std::string, int> first_line;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("step", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, initial, final");
        continue;
      }
      CheckKeys(item, kStepKeys, where);
      Step step;
      step.line = LineOf(item);
      step.id = ReadId(item, "id", where);
      step.label = ReadLabel(item, where, step.id);
      step.initial = ReadBool(item, "initial", where).value_or(false);
      step.final = ReadBool(item, "final", where).value_or(false);
      if (step.initial && step.final) {
        problems_.Add(item, where + ": a step cannot be both initial and final");
      }
      if (step.id.empty()) continue;
      if (step.id == kAny) {
        problems_.Add(item, where + ": the id \"any\" is reserved (it means every non-final step)");
        continue;
      }
      const auto [it, inserted] = first_line.emplace(step.id, step.line);
      if (!inserted) {
        problems_.Add(item, "duplicate step id " + Quote(step.id) + " (first declared on line " +
                                std::to_string(it->second) + ")");
        continue;
      }
      steps.push_back(std::move(step));
    }
    return steps;
  }

  // Step ids named by `value` (a list, one id, or "any" = every non-final step
  // in file order). Reports unknown, repeated and misplaced ids; `key` is
  // "from" or "in". An empty list is a problem.
  std::vector<std::string> ReadStepRefs(const YAML::Node& value, std::string_view key,
                                        const std::string& where, const Workflow& workflow) {
    std::vector<std::string> ids;
    if (value.IsScalar() && value.Scalar() == kAny) {
      for (const auto& step : workflow.steps) {
        if (!step.final) ids.push_back(step.id);
      }
      return ids;
    }
    std::vector<YAML::Node> items;
    if (value.IsScalar()) {
      items.push_back(value);
    } else if (value.IsSequence()) {
      if (!WithinLimit(value, kMaxSteps, key, where)) return ids;
      for (const auto& item : value) items.push_back(item);
      if (items.empty()) {
        problems_.Add(value, where + ": " + Quote(key) +
                                 " is an empty list; name at least one step, or write any");
      }
    } else {
      problems_.Add(value, where + ": " + Quote(key) +
                               " must be a list of step ids or any, found " + KindOf(value));
    }
    std::unordered_set<std::string> listed;
    for (const auto& item : items) {
      if (!item.IsScalar()) {
        problems_.Add(item,
                      where + ": " + Quote(key) + " must list step ids, found " + KindOf(item));
        continue;
      }
      const std::string& id = item.Scalar();
      if (id == kAny) {
        problems_.Add(item, where + ": any must stand alone (" + std::string(key) +
                                ": any), not inside a list");
      } else if (FindStep(workflow, id) == nullptr) {
        if (key == "from") unknown_step_named_ = true;
        problems_.Add(item, where + ": unknown step " + Quote(id) + " in " + std::string(key) +
                                StepHint(id, workflow));
      } else if (!listed.insert(id).second) {
        problems_.Add(item,
                      where + ": step " + Quote(id) + " is listed twice in " + std::string(key));
      } else {
        ids.push_back(id);
      }
    }
    return ids;
  }

  // "(did you mean ...)" against the workflow's step ids.
  static std::string StepHint(std::string_view id, const Workflow& workflow) {
    std::vector<std::string> step_ids;
    for (const auto& step : workflow.steps) step_ids.push_back(step.id);
    return DidYouMean(id, step_ids);
  }

  // ---- Enrolment, transitions, milestones ----------------------------------

  std::vector<FieldSpec> ReadEnrolment(const YAML::Node& enrolment) {
    if (!enrolment.IsMap()) {
      problems_.Add(enrolment,
                    "\"enrolment\" must be a map with \"fields\", found " + KindOf(enrolment));
      return {};
    }
    CheckKeys(enrolment, kEnrolmentKeys, "enrolment");
    const auto fields = Find(enrolment, "fields");
    return fields ? ReadFields(*fields, "enrolment") : std::vector<FieldSpec>{};
  }

  // Checks the id of a transition or milestone: reserved, unique among both.
  bool ClaimActionId(const std::string& id, const YAML::Node& item, const std::string& kind) {
    if (IsOneOf(id, kReservedActionIds)) {
      problems_.Add(
          item, kind + " " + Quote(id) + ": the id " + Quote(id) +
                    " is reserved by the engine (reserved: " + JoinComma(kReservedActionIds) + ")");
      return false;
    }
    const auto [it, inserted] = action_ids_.emplace(id, ActionDeclaration{kind, LineOf(item)});
    if (inserted) return true;
    if (it->second.kind == kind) {
      problems_.Add(item, "duplicate " + kind + " id " + Quote(id) + " (first declared on line " +
                              std::to_string(it->second.line) + ")");
    } else {
      problems_.Add(item, kind + " " + Quote(id) + ": the id is already used by " +
                              it->second.kind + " " + Quote(id) + " on line " +
                              std::to_string(it->second.line) +
                              "; transitions and milestones share one set of ids");
    }
    return false;
  }

  void ReadTransitions(const YAML::Node& list, Workflow& workflow) {
    if (!ExpectList(list, "transitions", "the file")) return;
    if (!WithinLimit(list, kMaxActions, "transitions", "the file")) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("transition", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, from, to, fields");
        continue;
      }
      CheckKeys(item, kTransitionKeys, where);
      Transition transition;
      transition.line = LineOf(item);
      transition.id = ReadId(item, "id", where);
      transition.label = ReadLabel(item, where, transition.id);
      if (const auto from = Find(item, "from")) {
        transition.from = ReadStepRefs(*from, "from", where, workflow);
        CheckNotLeavingFinal(*from, transition.from, where, workflow);
      } else {
        problems_.Add(item, where + ": missing \"from\" (a list of steps, or any)");
      }
      transition.to = ReadTarget(item, where, workflow);
      if (const auto fields = Find(item, "fields")) {
        transition.fields = ReadFields(*fields, where);
      }
      transition.rules = ReadRules(item, where, transition.fields);
      if (!transition.id.empty() && ClaimActionId(transition.id, item, "transition")) {
        workflow.transitions.push_back(std::move(transition));
      }
    }
  }

  void CheckNotLeavingFinal(const YAML::Node& from, const std::vector<std::string>& step_ids,
                            const std::string& where, const Workflow& workflow) {
    for (const auto& id : step_ids) {
      const Step* step = FindStep(workflow, id);
      if (step != nullptr && step->final) {
        problems_.Add(from, where + ": cannot leave final step " + Quote(id) +
                                "; nothing happens after a final step but milestones");
      }
    }
  }

  // The "to" step of a transition; "" (after reporting) when missing or unknown.
  std::string ReadTarget(const YAML::Node& item, const std::string& where,
                         const Workflow& workflow) {
    const auto to = Find(item, "to");
    if (!to) {
      problems_.Add(item, where + ": missing \"to\" (the step it leads to)");
      return {};
    }
    const auto id = ScalarText(*to, "to", where);
    if (!id) return {};
    if (FindStep(workflow, *id) == nullptr) {
      unknown_step_named_ = true;
      problems_.Add(*to,
                    where + ": unknown step " + Quote(*id) + " in to" + StepHint(*id, workflow));
      return {};
    }
    return *id;
  }

  void ReadMilestones(const YAML::Node& list, Workflow& workflow) {
    if (!ExpectList(list, "milestones", "the file")) return;
    if (!WithinLimit(list, kMaxActions, "milestones", "the file")) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("milestone", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, in, fields");
        continue;
      }
      CheckKeys(item, kMilestoneKeys, where);
      Milestone milestone;
      milestone.line = LineOf(item);
      milestone.id = ReadId(item, "id", where);
      milestone.label = ReadLabel(item, where, milestone.id);
      if (const auto in = Find(item, "in")) {
        milestone.steps = ReadStepRefs(*in, "in", where, workflow);
      } else {
        problems_.Add(item, where + ": missing \"in\" (the steps it may be recorded in, or any)");
      }
      if (const auto fields = Find(item, "fields")) {
        milestone.fields = ReadFields(*fields, where);
      }
      milestone.rules = ReadRules(item, where, milestone.fields);
      if (!milestone.id.empty() && ClaimActionId(milestone.id, item, "milestone")) {
        workflow.milestones.push_back(std::move(milestone));
      }
    }
  }

  // ---- Rules: guards, derive, notify ---------------------------------------

  static bool IsReservedName(std::string_view name) {
    const auto& names = ReservedContextNames();
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  // ": no loaded plugin provides it" with what is loaded, for a missing reference.
  std::string MissingPlugin(const std::string& name) const {
    const std::string plugin = name.substr(0, name.find('.'));
    if (plugins_ && plugins_->Find(plugin)) return " is not provided by plugin " + Quote(plugin);
    return ": plugin " + Quote(plugin) + " is not loaded (see `parcours plugins list`)";
  }

  // A plugin reference `<plugin>.<hook>` under `plugin`, checked with `has`.
  std::string ReadPluginRef(const YAML::Node& node, const std::string& where, const char* kind,
                            bool (PluginRegistry::*has)(const std::string&) const) {
    const auto text = ScalarText(node, "plugin", where);
    if (!text) return {};
    const auto dot = text->find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == text->size()) {
      problems_.Add(node, where + ": " + kind + " " + Quote(*text) +
                              " must be written <plugin>.<name>, e.g. iae.classify_exit");
      return {};
    }
    if (check_plugins_ && !(plugins_ && (plugins_->*has)(*text))) {
      problems_.Add(node, where + ": " + kind + " " + Quote(*text) + MissingPlugin(*text));
    }
    return *text;
  }

  // Parses a condition and checks that every variable it uses exists here.
  std::optional<rules::Expression> ReadCondition(const YAML::Node& node, const std::string& where,
                                                 const std::set<std::string>& variables, bool open) {
    const auto text = ScalarText(node, "when", where);
    if (!text) return std::nullopt;
    if (CountChars(*text) > kMaxConditionChars) {
      problems_.Add(node, where + ": condition " + Quote(*text) + " is too long; at most " +
                              std::to_string(kMaxConditionChars) + " characters");
      return std::nullopt;
    }
    auto parsed = rules::Expression::Parse(*text);
    if (!parsed.ok()) {
      problems_.Add(node, where + ": " + parsed.status().message());
      return std::nullopt;
    }
    if (!open) {
      for (const auto& path : parsed->Identifiers()) {
        const std::string head = path.substr(0, path.find('.'));
        if (variables.count(head) || IsOneOf(head, kOpenContextNames)) continue;
        std::vector<std::string> names(variables.begin(), variables.end());
        problems_.Add(node, where + ": condition " + Quote(*text) + " uses unknown variable " +
                                Quote(head) + DidYouMean(head, names) +
                                "; variables here: the fields (" + JoinComma(FieldNames(variables)) +
                                ") and the rule context (docs/workflow-format.md)");
      }
    }
    return std::move(*parsed);
  }

  static std::vector<std::string> FieldNames(const std::set<std::string>& variables) {
    std::vector<std::string> out;
    for (const auto& v : variables)
      if (!IsReservedName(v)) out.push_back(v);
    return out;
  }

  // A derived value: a scalar, stored as an integer when it is one, else text.
  static Json DerivedValue(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    int64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return number;
    return text;
  }

  // The guards, derive and notify of an enrolment, transition or milestone.
  ActionRules ReadRules(const YAML::Node& item, const std::string& where,
                        const std::vector<FieldSpec>& fields) {
    ActionRules rules;
    std::set<std::string> variables(ReservedContextNames().begin(), ReservedContextNames().end());
    for (const auto& f : fields) variables.insert(f.id);
    bool open = false;  // after a plugin derivation, any field name may exist

    if (const auto guards = Find(item, "guards"); guards && ExpectList(*guards, "guards", where) &&
                                                  WithinRuleLimits(*guards, "guards", where)) {
      for (std::size_t i = 0; i < guards->size(); ++i) {
        const YAML::Node g = (*guards)[i];
        const std::string at = where + " guard #" + std::to_string(i + 1);
        Guard guard;
        guard.line = LineOf(g);
        if (g.IsMap() && Find(g, "plugin")) {
          CheckKeys(g, kPluginRefKeys, at);
          guard.plugin = ReadPluginRef(*Find(g, "plugin"), at, "guard", &PluginRegistry::HasGuard);
        } else if (g.IsMap() && Find(g, "when")) {
          CheckKeys(g, kConditionGuardKeys, at);
          guard.when = ReadCondition(*Find(g, "when"), at, variables, open);
          const auto message = Find(g, "message");
          const auto text = message ? ScalarText(*message, "message", at) : std::nullopt;
          if (!text || NormalizeText(*text).empty()) {
            problems_.Add(g, at + ": a condition guard needs a \"message\" shown to the counsellor "
                                  "when it refuses");
          } else if (CountChars(*text) > kMaxMessageChars) {
            problems_.Add(*message, at + ": \"message\" " + Quote(*text) + " is too long; at most " +
                                        std::to_string(kMaxMessageChars) + " characters");
          } else {
            guard.message = NormalizeText(*text);
          }
        } else {
          problems_.Add(g, at + ": must be a map with when and message, or with plugin");
          continue;
        }
        rules.guards.push_back(std::move(guard));
      }
    }

    if (const auto derive = Find(item, "derive"); derive && ExpectList(*derive, "derive", where) &&
                                                  WithinRuleLimits(*derive, "derive", where)) {
      for (std::size_t i = 0; i < derive->size(); ++i) {
        const YAML::Node d = (*derive)[i];
        const std::string at = where + " derive #" + std::to_string(i + 1);
        Derivation derivation;
        derivation.line = LineOf(d);
        if (d.IsMap() && Find(d, "plugin")) {
          CheckKeys(d, kPluginRefKeys, at);
          derivation.plugin =
              ReadPluginRef(*Find(d, "plugin"), at, "action", &PluginRegistry::HasBeforeCommit);
          open = true;
        } else if (d.IsMap() && Find(d, "field")) {
          CheckKeys(d, kDeriveKeys, at);
          derivation.field = ReadId(d, "field", at);
          if (!derivation.field.empty() && variables.count(derivation.field)) {
            problems_.Add(d, at + ": field " + Quote(derivation.field) +
                                 " already exists here (a declared field, an earlier derived field, "
                                 "or a rule-context name)");
          }
          ReadDeriveRules(d, at, variables, open, derivation);
          if (!derivation.field.empty()) variables.insert(derivation.field);
        } else {
          problems_.Add(d, at + ": must be a map with field and rules, or with plugin");
          continue;
        }
        rules.derive.push_back(std::move(derivation));
      }
    }

    if (const auto notify = Find(item, "notify"); notify && ExpectList(*notify, "notify", where) &&
                                                  WithinRuleLimits(*notify, "notify", where)) {
      for (std::size_t i = 0; i < notify->size(); ++i) {
        const std::string at = where + " notify #" + std::to_string(i + 1);
        auto name = ReadPluginRef((*notify)[i], at, "action", &PluginRegistry::HasAfterCommit);
        if (!name.empty()) rules.notify.push_back(std::move(name));
      }
    }
    return rules;
  }

  // The per-list and whole-file limits on rules (guards, derive, notify, derive rules).
  bool WithinRuleLimits(const YAML::Node& list, std::string_view key, const std::string& where) {
    return WithinLimit(list, kMaxRulesPerList, key, where) &&
           Spend(rules_used_, list.size(), kMaxRulesInTotal, list, "rules (guards, derive, notify)");
  }

  void ReadDeriveRules(const YAML::Node& d, const std::string& at, const std::set<std::string>& variables,
                       bool open, Derivation& derivation) {
    const auto list = Find(d, "rules");
    if (!list) {
      problems_.Add(d, at + ": missing \"rules\" (a list of when/value)");
      return;
    }
    if (!ExpectList(*list, "rules", at) || !WithinRuleLimits(*list, "rules", at)) return;
    if (list->size() == 0) problems_.Add(*list, at + ": \"rules\" is empty");
    for (std::size_t r = 0; r < list->size(); ++r) {
      const YAML::Node rule = (*list)[r];
      const std::string rat = at + " rule #" + std::to_string(r + 1);
      if (!rule.IsMap()) {
        problems_.Add(rule, rat + ": must be a map with when and value");
        continue;
      }
      CheckKeys(rule, kDeriveRuleKeys, rat);
      DeriveRule out;
      if (const auto when = Find(rule, "when")) out.when = ReadCondition(*when, rat, variables, open);
      const auto value = Find(rule, "value");
      if (!value || !value->IsScalar()) {
        problems_.Add(rule, rat + ": missing \"value\" (a text or a whole number)");
        continue;
      }
      if (CountChars(value->Scalar()) > kMaxLabelChars) {
        problems_.Add(*value, rat + ": \"value\" " + Quote(value->Scalar()) + " is too long; at most " +
                                  std::to_string(kMaxLabelChars) + " characters");
        continue;
      }
      out.value = DerivedValue(*value);
      derivation.rules.push_back(std::move(out));
    }
  }

  // ---- Fields --------------------------------------------------------------

  // A field's required_when as written, checked once the whole list is read.
  struct PendingCondition {
    std::size_t field_index;
    YAML::Node node;
  };

  // `owner` names the list: "enrolment", `transition "place"`...
  std::vector<FieldSpec> ReadFields(const YAML::Node& list, const std::string& owner) {
    std::vector<FieldSpec> fields;
    if (!ExpectList(list, "fields", owner) || !WithinLimit(list, kMaxFieldsPerList, "fields", owner) ||
        !Spend(fields_used_, list.size(), kMaxFieldsInTotal, list, "fields")) {
      return fields;
    }
    std::vector<PendingCondition> conditions;
    std::map<std::string, int> first_line;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = owner + " " + ItemName("field", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, type...");
        continue;
      }
      FieldSpec field = ReadField(item, where);
      if (field.id.empty()) continue;
      if (IsReservedName(field.id)) {
        problems_.Add(item, where + ": the id " + Quote(field.id) +
                                " is reserved by the rule context (reserved: " +
                                JoinComma(ReservedContextNames()) + ")");
        continue;
      }
      const auto [it, inserted] = first_line.emplace(field.id, field.line);
      if (!inserted) {
        problems_.Add(item, owner + ": duplicate field id " + Quote(field.id) +
                                " (first declared on line " + std::to_string(it->second) + ")");
        continue;
      }
      if (const auto when = Find(item, "required_when")) {
        conditions.push_back({fields.size(), *when});
      }
      fields.push_back(std::move(field));
    }
    for (const auto& condition : conditions) {
      ReadRequiredWhen(condition.node, fields, fields[condition.field_index], owner);
    }
    return fields;
  }

  // One field, except its required_when (see ReadRequiredWhen).
  FieldSpec ReadField(const YAML::Node& item, const std::string& where) {
    CheckKeys(item, kFieldKeys, where);
    FieldSpec field;
    field.line = LineOf(item);
    field.id = ReadId(item, "id", where);
    field.label = ReadLabel(item, where, field.id);
    field.required = ReadBool(item, "required", where).value_or(false);

    std::optional<FieldType> type;
    if (const auto type_node = Find(item, "type")) {
      if (const auto name = ScalarText(*type_node, "type", where)) {
        type = ParseFieldType(*name);
        if (!type && name->find('.') != std::string::npos) {
          type = FieldType::kPlugin;
          field.plugin_type = *name;
          if (plugins_) field.plugin_allowed = plugins_->FieldTypeAllowed(*name);
          if (check_plugins_ && !(plugins_ && plugins_->HasFieldType(*name))) {
            problems_.Add(*type_node, where + ": field type " + Quote(*name) + MissingPlugin(*name));
          }
        } else if (!type) {
          problems_.Add(*type_node, where + ": unknown type " + Quote(*name) +
                                        DidYouMean(*name, kTypeNames) +
                                        "; allowed types: " + JoinComma(kTypeNames));
        }
      }
    } else {
      problems_.Add(item, where + ": missing \"type\"; allowed types: " + JoinComma(kTypeNames));
    }
    field.type = type.value_or(FieldType::kText);

    ReadBounds(item, where, type, field);
    ReadMaxLength(item, where, type, field);
    ReadEnumValues(item, where, type, field);
    return field;
  }

  // Reports `key` present on a field whose type is known and not `expected`.
  bool KeyFitsType(const YAML::Node& item, std::string_view key, const std::string& where,
                   std::optional<FieldType> type, FieldType expected) {
    if (!type || *type == expected) return true;
    problems_.Add(item, where + ": " + Quote(key) + " only applies to " + FieldTypeName(expected) +
                            " fields, not " + FieldTypeName(*type));
    return false;
  }

  void ReadBounds(const YAML::Node& item, const std::string& where, std::optional<FieldType> type,
                  FieldSpec& field) {
    for (const std::string_view key : {"min", "max"}) {
      const auto value = Find(item, key);
      if (!value || !KeyFitsType(*value, key, where, type, FieldType::kInteger)) continue;
      (key == "min" ? field.min : field.max) = ReadInteger(*value, key, where);
    }
    if (field.min && field.max && *field.min > *field.max) {
      problems_.Add(*Find(item, "min"), where + ": min " + std::to_string(*field.min) +
                                            " is greater than max " + std::to_string(*field.max));
    }
  }

  void ReadMaxLength(const YAML::Node& item, const std::string& where,
                     std::optional<FieldType> type, FieldSpec& field) {
    const auto value = Find(item, "max_length");
    if (!value || !KeyFitsType(*value, "max_length", where, type, FieldType::kText)) return;
    const auto length = ReadInteger(*value, "max_length", where);
    if (!length) return;
    if (*length < 1 || *length > kMaxTextLength) {
      problems_.Add(*value, where + ": \"max_length\" must be " +
                                (*length < 1 ? std::string("at least 1")
                                             : "at most " + std::to_string(kMaxTextLength)));
      return;
    }
    field.max_length = static_cast<std::size_t>(*length);
  }

  void ReadEnumValues(const YAML::Node& item, const std::string& where,
                      std::optional<FieldType> type, FieldSpec& field) {
    const auto list = Find(item, "values");
    if (!list) {
      if (type == FieldType::kEnum) {
        problems_.Add(item, where + ": an enum field needs \"values\" (at least one)");
      }
      return;
    }
    if (!KeyFitsType(*list, "values", where, type, FieldType::kEnum)) return;
    if (!ExpectList(*list, "values", where)) return;
    if (list->size() == 0) {
      problems_.Add(*list, where + ": an enum field needs at least one value in \"values\"");
      return;
    }
    if (!WithinLimit(*list, kMaxValuesPerField, "values", where) ||
        !Spend(values_used_, list->size(), kMaxValuesInTotal, *list, "enum values")) {
      return;
    }
    std::unordered_set<std::string> seen;
    for (const auto& entry : *list) {
      EnumValue value;
      if (entry.IsMap()) {
        CheckKeys(entry, kEnumValueKeys, where + " value");
        value.id = ReadId(entry, "id", where + " value");
        value.label = ReadLabel(entry, where + " value " + Quote(value.id), value.id);
      } else if (entry.IsScalar()) {
        value.id = entry.Scalar();
        value.label = value.id;
        if (!IsValidId(value.id)) {
          problems_.Add(entry, where + ": value " + Quote(value.id) + " is not valid; " + kIdRule);
          continue;
        }
      } else {
        problems_.Add(entry, where + ": each value must be an id or a map {id, label}, found " +
                                 KindOf(entry));
        continue;
      }
      if (value.id.empty()) continue;
      if (!seen.insert(value.id).second) {
        problems_.Add(entry, where + ": duplicate value " + Quote(value.id));
        continue;
      }
      field.values.push_back(std::move(value));
    }
  }

  // Reads and checks `field`'s required_when against the other `fields` of its
  // list. Values are stored in the other field's stored form ("YES" -> "yes").
  void ReadRequiredWhen(const YAML::Node& node, const std::vector<FieldSpec>& fields,
                        FieldSpec& field, const std::string& owner) {
    const std::string where = owner + " field " + Quote(field.id) + ": required_when";
    if (!node.IsMap()) {
      problems_.Add(node, where + " must be a map {field: ..., in: [...]}, found " + KindOf(node));
      return;
    }
    CheckKeys(node, kRequiredWhenKeys, where);
    if (field.required) {
      problems_.Add(node, where + " only applies to optional fields; this one is required: true");
    }
    const auto other_node = Find(node, "field");
    const auto in_node = Find(node, "in");
    if (!other_node) problems_.Add(node, where + ": missing \"field\"");
    if (!in_node)
      problems_.Add(node, where + ": missing \"in\" (the values that make it required)");
    if (!other_node || !in_node) return;

    const auto other_id = ScalarText(*other_node, "field", where);
    if (!other_id) return;
    const FieldSpec* other = nullptr;
    for (const auto& candidate : fields) {
      if (candidate.id == *other_id) other = &candidate;
    }
    if (*other_id == field.id) {
      problems_.Add(*other_node, where + " refers to the field itself");
      return;
    }
    if (other == nullptr) {
      std::vector<std::string> ids;
      for (const auto& candidate : fields) ids.push_back(candidate.id);
      problems_.Add(*other_node, where + " refers to unknown field " + Quote(*other_id) +
                                     "; fields here: " + JoinComma(ids));
      return;
    }
    if (other->type == FieldType::kEnum && other->values.empty()) return;  // reported already
    RequiredWhen condition{*other_id, {}};
    if (!ExpectList(*in_node, "in", where)) return;
    if (in_node->size() == 0) {
      problems_.Add(*in_node, where + ": \"in\" is an empty list");
      return;
    }
    if (!WithinLimit(*in_node, kMaxValuesPerField, "in", where) ||
        !Spend(values_used_, in_node->size(), kMaxValuesInTotal, *in_node, "enum values")) {
      return;
    }
    for (const auto& entry : *in_node) {
      if (!entry.IsScalar()) {
        problems_.Add(entry, where + ": \"in\" must list values, found " + KindOf(entry));
        continue;
      }
      const auto parsed = other->parse_value(entry.Scalar());
      if (!parsed.ok()) {
        problems_.Add(entry, where + ": " + Quote(entry.Scalar()) +
                                 " is not a possible value of field " + Quote(other->id) + " (" +
                                 other->describe_allowed() + ")");
        continue;
      }
      const std::string stored = parsed->is_string() ? parsed->get<std::string>() : parsed->dump();
      condition.values.push_back(stored);
    }
    if (!condition.values.empty() && !field.required) field.required_when = std::move(condition);
  }

  // ---- Whole graph ---------------------------------------------------------

  // Initial and final steps, reachability, dead ends. `steps_node` gives a line
  // to problems about the list as a whole.
  void CheckGraph(const Workflow& workflow, const YAML::Node& steps_node) {
    const Step* initial = nullptr;
    bool has_final = false;
    for (const auto& step : workflow.steps) {
      has_final = has_final || step.final;
      if (!step.initial) continue;
      if (initial == nullptr) {
        initial = &step;
      } else {
        problems_.Add(step.line, "step " + Quote(step.id) + ": more than one initial step (" +
                                     Quote(initial->id) + " is already initial)");
      }
    }
    if (initial == nullptr) {
      problems_.Add(steps_node, "no initial step; mark exactly one step with \"initial: true\"");
    }
    if (!has_final) {
      problems_.Add(steps_node, "no final step; mark at least one step with \"final: true\"");
    }
    // With a misspelt step somewhere the graph is not the one the author
    // meant: path problems would only be noise until it is fixed.
    if (unknown_step_named_) return;
    if (initial != nullptr) CheckReachable(workflow, *initial);
    CheckDeadEnds(workflow, has_final);
  }

  // Steps reachable from `start` following transitions forwards (or backwards).
  // The edges are listed once, so that the walk is linear in the graph's size.
  static std::set<std::string> Reachable(const Workflow& workflow,
                                         const std::vector<std::string>& start, bool backwards) {
    std::unordered_map<std::string_view, std::vector<std::string_view>> next;
    for (const auto& transition : workflow.transitions) {
      if (transition.to.empty()) continue;
      for (const auto& from : transition.from) {
        if (backwards) next[transition.to].push_back(from);
        else next[from].push_back(transition.to);
      }
    }
    std::set<std::string> seen(start.begin(), start.end());
    std::deque<std::string_view> queue(start.begin(), start.end());
    while (!queue.empty()) {
      const auto it = next.find(queue.front());
      queue.pop_front();
      if (it == next.end()) continue;
      for (const std::string_view step : it->second) {
        if (seen.emplace(step).second) queue.push_back(step);
      }
    }
    return seen;
  }

  void CheckReachable(const Workflow& workflow, const Step& initial) {
    const auto reached = Reachable(workflow, {initial.id}, /*backwards=*/false);
    for (const auto& step : workflow.steps) {
      if (reached.count(step.id) == 0) {
        problems_.Add(step.line, "step " + Quote(step.id) +
                                     " cannot be reached from the initial step " +
                                     Quote(initial.id) + " by any transition");
      }
    }
  }

  // A non-final step must have a way out, and some way to a final step.
  void CheckDeadEnds(const Workflow& workflow, bool has_final) {
    std::vector<std::string> finals;
    for (const auto& step : workflow.steps) {
      if (step.final) finals.push_back(step.id);
    }
    const auto can_finish = Reachable(workflow, finals, /*backwards=*/true);
    std::unordered_set<std::string_view> has_exit;
    for (const auto& transition : workflow.transitions) {
      has_exit.insert(transition.from.begin(), transition.from.end());
    }
    for (const auto& step : workflow.steps) {
      if (step.final) continue;
      if (has_exit.count(step.id) == 0) {
        problems_.Add(step.line, "step " + Quote(step.id) +
                                     " is a dead end: it is not final and no transition "
                                     "leaves it");
      } else if (has_final && can_finish.count(step.id) == 0) {
        problems_.Add(step.line, "step " + Quote(step.id) +
                                     ": no sequence of transitions leads from it to a final step");
      }
    }
  }

  Problems& problems_;
  const PluginRegistry* plugins_;
  bool check_plugins_;
  std::map<std::string, ActionDeclaration> action_ids_;
  std::unordered_map<std::string, std::size_t> step_index_;  // step id -> index in steps
  bool unknown_step_named_ = false;  // some from/to named a step that does not exist
  // Whole-file budgets (Spend).
  std::size_t fields_used_ = 0;
  std::size_t values_used_ = 0;
  std::size_t rules_used_ = 0;
};

}  // namespace

std::string WorkflowProblem::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  return out + ": " + message;
}

WorkflowLoad LoadWorkflowText(std::string_view text, std::string_view file,
                              const PluginRegistry* plugins, bool check_plugins) {
  Problems problems{std::string(file)};
  WorkflowLoad load;
  if (text.size() > kMaxFileBytes) {
    problems.Add(0, "the file is " + std::to_string(text.size()) + " bytes; a workflow file is at most " +
                        std::to_string(kMaxFileBytes) + " bytes (1 MiB)");
    load.problems = std::move(problems).Take();
    return load;
  }
  if (const auto bad = FirstInvalidUtf8(text)) {
    const auto line = 1 + std::count(text.begin(), text.begin() + *bad, '\n');
    problems.Add(static_cast<int>(line), "the file is not valid UTF-8 (byte " +
                                             std::to_string(*bad) + "); save it as UTF-8");
    load.problems = std::move(problems).Take();
    return load;
  }
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      problems.Add(LineOf(documents[1]),
                   "the file holds more than one YAML document (---); keep one workflow per "
                   "file");
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
    if (documents.empty() || root.IsNull()) {
      problems.Add(1, "the file is empty; a workflow needs at least programme and steps");
    } else {
      Workflow workflow = WorkflowReader(problems, plugins, check_plugins).Read(root);
      if (problems.empty()) load.workflow = std::move(workflow);
    }
  } catch (const YAML::DeepRecursion& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    problems.Add(line, "YAML nested too deeply (more than " + std::to_string(e.depth() - 1) +
                           " levels); a workflow needs only a few levels: look for an unclosed "
                           "bracket or runaway indentation");
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    problems.Add(line, "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    problems.Add(0, std::string("cannot read the workflow: ") + e.what());
  }
  load.problems = std::move(problems).Take();
  if (!load.problems.empty()) load.workflow.reset();
  return load;
}

WorkflowLoad LoadWorkflowFile(const std::string& path, const PluginRegistry* plugins) {
  WorkflowLoad load;
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      const bool exists = std::filesystem::exists(path, ec);
      load.problems.push_back({path, 0, exists ? "not a regular file" : "no such file"});
      return load;
    }
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxFileBytes) {
      load.problems.push_back({path, 0, "the file is " + std::to_string(size) +
                                            " bytes; a workflow file is at most " +
                                            std::to_string(kMaxFileBytes) + " bytes (1 MiB)"});
      return load;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
      load.problems.push_back({path, 0, std::string("cannot open: ") + std::strerror(errno)});
      return load;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
      load.problems.push_back({path, 0, "cannot read the file"});
      return load;
    }
    return LoadWorkflowText(text.str(), path, plugins);
  } catch (const std::exception& e) {
    load.problems.push_back({path, 0, std::string("cannot read: ") + e.what()});
    return load;
  }
}

}  // namespace parcours
