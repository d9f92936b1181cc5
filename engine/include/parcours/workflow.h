// A programme's workflow: its steps, transitions, milestones and fields.
//
// A Workflow is loaded from a YAML file (see docs/workflow-format.md and
// workflow_loader.h), validated as a whole, then installed in the store under a
// version number. It is immutable once loaded: pathways keep the version they
// were enrolled under.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/date.h"
#include "parcours/expression.h"
#include "parcours/status.h"

namespace parcours {

using Json = nlohmann::json;
class PluginRegistry;

// kPlugin: a type provided by a plugin, written `<plugin>.<type>` in files.
enum class FieldType { kText, kInteger, kDate, kYesNo, kEnum, kPlugin };

// "text", "integer", "date", "yesno", "enum" ("plugin" for kPlugin, which
// ParseFieldType never returns: files name plugin types by their own name).
const char* FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);

struct EnumValue {
  std::string id;
  std::string label;  // defaults to id
};

// "Required only when field `field` has one of `values`".
struct RequiredWhen {
  std::string field;
  std::vector<std::string> values;
};

struct FieldSpec {
  std::string id;
  std::string label;  // defaults to id
  FieldType type = FieldType::kText;
  bool required = false;
  std::optional<RequiredWhen> required_when;  // only when !required
  std::optional<int64_t> min;                 // integer: inclusive bounds
  std::optional<int64_t> max;
  std::size_t max_length = 200;               // text: in bytes
  std::vector<EnumValue> values;              // enum: allowed values, in order
  std::string plugin_type;                    // plugin: qualified type name, e.g. "iae.siret"
  std::string plugin_allowed;                 // plugin: what a valid value looks like
  int line = 0;                               // where it was declared (1-based), 0 if unknown

  const EnumValue* find_value(std::string_view value_id) const;
  // What a valid value looks like, for messages:
  // "one of cdi, cdd, interim", "a whole number from 1 to 60", "a date YYYY-MM-DD"...
  std::string describe_allowed() const;
  // Parses and checks one raw value typed by a person. On success the value in
  // its stored form: integer -> JSON number, anything else -> JSON string
  // (yesno as "yes"/"no", date as YYYY-MM-DD). On failure a Refused status
  // naming the field, the value and what is allowed.
  // Plugin types are parsed by `plugins`; without it they are refused.
  Result<Json> parse_value(std::string_view raw, const PluginRegistry* plugins = nullptr) const;
};

// A rule checked before an enrolment, transition or milestone is committed:
// a condition that must hold, or a plugin guard.
struct Guard {
  std::optional<rules::Expression> when;  // condition guard
  std::string message;                    // shown when `when` does not hold
  std::string plugin;                     // plugin guard, "<plugin>.<guard>"
  int line = 0;
};

// One way of setting a derived field: the value of the first rule whose
// condition holds (a rule without condition always holds).
struct DeriveRule {
  std::optional<rules::Expression> when;
  Json value;  // a string, integer or boolean
};

// A field derived before commit and stored with the event: by rules, or by
// a plugin's before-commit action (which may add several fields).
struct Derivation {
  std::string field;  // rules: the field it sets
  std::vector<DeriveRule> rules;
  std::string plugin;  // plugin action, "<plugin>.<action>"
  int line = 0;
};

// What runs around an enrolment, transition or milestone, in this order:
// guards, then derivations (before commit), then notifications (after).
struct ActionRules {
  std::vector<Guard> guards;
  std::vector<Derivation> derive;
  std::vector<std::string> notify;  // plugin after-commit actions

  bool empty() const { return guards.empty() && derive.empty() && notify.empty(); }
};

struct Step {
  std::string id;
  std::string label;  // defaults to id
  bool initial = false;
  bool final = false;
  int line = 0;
};

struct Transition {
  std::string id;
  std::string label;              // defaults to id
  std::vector<std::string> from;  // step ids; "any" in the file is expanded to every non-final step
  std::string to;
  std::vector<FieldSpec> fields;
  ActionRules rules;
  int line = 0;
};

struct Milestone {
  std::string id;
  std::string label;               // defaults to id
  std::vector<std::string> steps;  // steps it may be recorded in; "any" expanded as for transitions
  std::vector<FieldSpec> fields;
  ActionRules rules;
  int line = 0;
};

// How long after the event that opens it a deadline falls due.
enum class DurationUnit { kDays, kWeeks, kMonths };

// A date a pathway must meet (docs/workflow-format.md, "Deadlines"): opened by
// some events, due a fixed time after the opening event's date, cleared by
// other events or by entering some steps. An event that both clears and opens
// a deadline renews it (cleared first, then opened again from its date).
struct Deadline {
  std::string id;
  std::string label;                     // defaults to id
  std::vector<std::string> opened_by;    // "enroll" (the enrolment), transition or milestone ids
  int amount = 0;                        // due `amount` `unit`s after the opening event's date
  DurationUnit unit = DurationUnit::kDays;
  std::vector<std::string> cleared_by;   // transition or milestone ids
  std::vector<std::string> cleared_in;   // step ids: entering one clears it
  int line = 0;

  // When it falls due if opened by an event dated `opened`.
  Date DueAfter(Date opened) const;
  // "30 days", "6 months", "1 week".
  std::string describe_delay() const;
};

class Workflow {
 public:
  std::string id;     // programme id, e.g. "insertion"
  std::string label;  // e.g. "Parcours insertion"
  std::vector<Step> steps;
  std::vector<Transition> transitions;
  std::vector<Milestone> milestones;
  std::vector<FieldSpec> enrolment_fields;
  ActionRules enrolment_rules;
  std::vector<Deadline> deadlines;

  const Step* find_step(std::string_view step_id) const;
  const Step* initial_step() const;
  const Transition* find_transition(std::string_view transition_id) const;
  const Milestone* find_milestone(std::string_view milestone_id) const;
  const Deadline* find_deadline(std::string_view deadline_id) const;
  // Transitions / milestones possible from `step_id`, in file order.
  std::vector<const Transition*> transitions_from(std::string_view step_id) const;
  std::vector<const Milestone*> milestones_in(std::string_view step_id) const;
  // "Positionnement (positioning)" or just the id when it has no label of its own.
  std::string step_display(std::string_view step_id) const;

  // The complete definition as JSON, in a canonical order: two workflows that
  // mean the same thing (whatever their comments or layout) give equal JSON.
  Json to_json() const;
};

// Raw field values from the command line: field id -> text as typed.
using RawFields = std::map<std::string, std::string>;

// Validates `raw` against `specs` as a whole: every field is known, every value
// parses, every required (or conditionally required) field is present.
// `context` names what is being done, e.g. `transition "place"`, for messages.
// On success a JSON object of the stored values.
// Plugin field types are parsed by `plugins` (refused when null).
Result<Json> ValidateFields(const std::vector<FieldSpec>& specs, const RawFields& raw,
                            std::string_view context, const PluginRegistry* plugins = nullptr);

// Names the rule context reserves (docs/workflow-format.md): no field may use them.
const std::vector<std::string>& ReservedContextNames();

}  // namespace parcours
