// Internals of the workflow loader (workflow_loader.cc), shared by its files:
// limits, message helpers, the problem list, and reading generic YAML values.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/yaml_read.h"
#include "parcours/plugins.h"
#include "parcours/text.h"
#include "parcours/workflow_loader.h"

namespace parcours::loader {

using yaml_read::DidYouMean;
using yaml_read::EditDistance;
using yaml_read::Find;
using yaml_read::IsOneOf;
using yaml_read::JoinComma;
using yaml_read::KeyList;
using yaml_read::KindOf;
using yaml_read::LineOf;
using yaml_read::Quote;

// Limits on a workflow file (docs/workflow-format.md, "Limits"). Each keeps
// loading fast and messages short; a real workflow stays far below them.
inline constexpr std::size_t kMaxFileBytes = 1 << 20;  // 1 MiB
inline constexpr std::size_t kMaxIdChars = 64;
inline constexpr std::size_t kMaxLabelChars = 200;
inline constexpr std::size_t kMaxMessageChars = 500;     // a guard's message
inline constexpr std::size_t kMaxConditionChars = 1000;  // a condition (when)
inline constexpr std::size_t kMaxSteps = 200;
inline constexpr std::size_t kMaxActions = 500;  // transitions; milestones
inline constexpr std::size_t kMaxFieldsPerList = 100;
inline constexpr std::size_t kMaxFieldsInTotal = 2000;
inline constexpr std::size_t kMaxValuesPerField = 5000;
inline constexpr std::size_t kMaxValuesInTotal = 20000;
inline constexpr std::size_t kMaxRulesPerList = 100;  // guards, derive, notify, derive rules
inline constexpr std::size_t kMaxRulesInTotal = 5000;
inline constexpr int64_t kMaxTextLength = 10000;  // a text field's max_length
inline constexpr std::size_t kMaxProblems = 100;  // problems listed; the rest are counted

inline constexpr const char* kIdRule =
    "an id starts with a lowercase letter and uses only a-z, 0-9, _ and -, at most 64 "
    "characters";

bool IsValidId(std::string_view id);

bool HasControlCharacter(std::string_view text);


// True for a name of the rule context, which fields may not take.
bool IsReservedName(std::string_view name);

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

// What the readers of one file share.
struct LoadContext {
  Problems& problems;
  const PluginRegistry* plugins;
  bool check_plugins;
  // Whole-file budgets (ValueReader::Spend).
  std::size_t fields_used = 0;
  std::size_t values_used = 0;
  std::size_t rules_used = 0;
};

// Reads generic values (keys, ids, labels, booleans, numbers, lists), each
// reporting what is wrong with it; the readers of each part derive from it.
class ValueReader {
 public:
  explicit ValueReader(LoadContext& context) : context_(context), problems_(context.problems) {}

 protected:
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

  // ": no loaded plugin provides it" with what is loaded, for a missing reference.
  std::string MissingPlugin(const std::string& name) const {
    const std::string plugin = name.substr(0, name.find('.'));
    if (context_.plugins && context_.plugins->Find(plugin)) return " is not provided by plugin " + Quote(plugin);
    return ": plugin " + Quote(plugin) + " is not loaded (see {cmd:plugins.list})";
  }

  LoadContext& context_;
  Problems& problems_;
};

// The fields of one list; `owner` names it: "enrolment", `transition "place"`...
std::vector<FieldSpec> ReadFieldList(LoadContext& context, const YAML::Node& list,
                                     const std::string& owner);

// The guards, derive and notify of an enrolment, transition or milestone
// (`item`, named `where` in messages) whose fields are `fields`.
ActionRules ReadActionRules(LoadContext& context, const YAML::Node& item, const std::string& where,
                            const std::vector<FieldSpec>& fields);

// The deadlines of `workflow` (its steps, transitions and milestones read).
std::vector<Deadline> ReadDeadlines(LoadContext& context, const YAML::Node& list, const Workflow& workflow);

// Initial and final steps, reachability, dead ends. `steps_node` gives a line
// to problems about the list as a whole. With `unknown_step_named` (a from or
// to names no step) the graph is not the one meant: path problems are skipped.
void CheckGraph(const Workflow& workflow, const YAML::Node& steps_node, bool unknown_step_named,
                Problems& problems);

}  // namespace parcours::loader
