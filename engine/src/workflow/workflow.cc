// Workflow definitions: field specs, value parsing, lookups and canonical JSON.
#include "parcours/workflow.h"

#include "parcours/plugins.h"
#include "parcours/text.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <system_error>

namespace parcours {
namespace {

// Longest part of a typed value repeated in a message, in bytes.
constexpr std::size_t kQuotedValueLimit = 40;

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// "a, b, c".
std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// "a", "a or b", "a, b or c".
std::string JoinOr(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Optional leading '-', then digits only, fitting int64.
std::optional<int64_t> ParseWholeNumber(std::string_view text) {
  const std::string_view digits = (!text.empty() && text[0] == '-') ? text.substr(1) : text;
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A typed value as shown inside a message: quoted, cut (on a character
// boundary) when longer than kQuotedValueLimit, control characters and (in
// invalid UTF-8) non-ASCII bytes replaced by '?', so that the message is
// always printable, valid UTF-8, and '{' escaped as EscapeText does.
std::string QuoteValue(std::string_view raw) {
  const bool valid_utf8 = IsValidUtf8(raw);
  std::size_t end = raw.size();
  bool cut = false;
  if (end > kQuotedValueLimit) {
    end = kQuotedValueLimit;
    // Do not split a multi-byte character: back up over continuation bytes.
    while (valid_utf8 && end > 0 && (static_cast<unsigned char>(raw[end]) & 0xC0) == 0x80) --end;
    cut = true;
  }
  std::string out;
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    const bool replace = c < 0x20 || c == 0x7F || (c >= 0x80 && !valid_utf8);
    if (c == '{') {
      out += kEscapedBrace;
    } else {
      out += replace ? '?' : raw[i];
    }
  }
  return "\"" + out + (cut ? "...\"" : "\"");
}

// True when valid UTF-8 `text` holds a C0 or C1 control character or DEL.
bool HasControlCharacter(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

// The stored value as text, to compare with RequiredWhen::values.
std::string StoredAsText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

Json FieldToJson(const FieldSpec& field) {
  Json out = {
      {"id", field.id},
      {"label", field.label},
      {"type", field.type == FieldType::kPlugin ? field.plugin_type : FieldTypeName(field.type)},
      {"required", field.required},
  };
  if (field.required_when) {
    out["required_when"] = {{"field", field.required_when->field},
                            {"in", field.required_when->values}};
  }
  switch (field.type) {
    case FieldType::kInteger:
      if (field.min) out["min"] = *field.min;
      if (field.max) out["max"] = *field.max;
      break;
    case FieldType::kText: out["max_length"] = field.max_length; break;
    case FieldType::kEnum: {
      Json values = Json::array();
      for (const auto& value : field.values) {
        values.push_back({{"id", value.id}, {"label", value.label}});
      }
      out["values"] = std::move(values);
      break;
    }
    case FieldType::kDate:
    case FieldType::kYesNo:
    case FieldType::kPlugin: break;
  }
  return out;
}

// Adds `rules` to `owner` (a transition, milestone or enrolment), only when
// there are any, so that workflows without rules keep their canonical form.
void AddRulesJson(Json& owner, const ActionRules& rules) {
  if (rules.empty()) return;
  Json guards = Json::array(), derive = Json::array();
  for (const auto& g : rules.guards) {
    if (g.when) guards.push_back({{"when", g.when->source()}, {"message", g.message}});
    else guards.push_back({{"plugin", g.plugin}});
  }
  for (const auto& d : rules.derive) {
    if (!d.plugin.empty()) {
      derive.push_back({{"plugin", d.plugin}});
      continue;
    }
    Json list = Json::array();
    for (const auto& r : d.rules) {
      Json rule = {{"value", r.value}};
      if (r.when) rule["when"] = r.when->source();
      list.push_back(std::move(rule));
    }
    derive.push_back({{"field", d.field}, {"rules", std::move(list)}});
  }
  if (!guards.empty()) owner["guards"] = std::move(guards);
  if (!derive.empty()) owner["derive"] = std::move(derive);
  if (!rules.notify.empty()) owner["notify"] = rules.notify;
}

Json FieldsToJson(const std::vector<FieldSpec>& fields) {
  Json out = Json::array();
  for (const auto& field : fields) out.push_back(FieldToJson(field));
  return out;
}

template <typename T>
const T* FindById(const std::vector<T>& items, std::string_view id) {
  for (const auto& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

// ---------------------------------------------------------------------------
// Field types

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kInteger: return "integer";
    case FieldType::kDate: return "date";
    case FieldType::kYesNo: return "yesno";
    case FieldType::kEnum: return "enum";
    case FieldType::kPlugin: return "plugin";
  }
  return "text";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (FieldType type : {FieldType::kText, FieldType::kInteger, FieldType::kDate, FieldType::kYesNo,
                         FieldType::kEnum}) {
    if (name == FieldTypeName(type)) return type;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// FieldSpec

const EnumValue* FieldSpec::find_value(std::string_view value_id) const {
  return FindById(values, value_id);
}

std::string FieldSpec::describe_allowed() const {
  switch (type) {
    case FieldType::kText:
      return "a non-empty text of at most " + std::to_string(max_length) + " bytes";
    case FieldType::kInteger:
      if (min && max) {
        return "a whole number from " + std::to_string(*min) + " to " + std::to_string(*max);
      }
      if (min) return "a whole number of at least " + std::to_string(*min);
      if (max) return "a whole number of at most " + std::to_string(*max);
      return "a whole number";
    case FieldType::kDate: return "a date YYYY-MM-DD";
    case FieldType::kYesNo: return "yes or no";
    case FieldType::kEnum: {
      std::vector<std::string> ids;
      for (const auto& value : values) ids.push_back(value.id);
      return "one of " + JoinComma(ids);
    }
    case FieldType::kPlugin:
      return plugin_allowed.empty() ? "a valid " + plugin_type : plugin_allowed;
  }
  return {};
}

Result<Json> FieldSpec::parse_value(std::string_view raw, const PluginRegistry* plugins) const {
  const std::string prefix = "field " + Quote(id) + ": ";
  if (type == FieldType::kPlugin) {
    if (!plugins) {
      return Status::Refused(prefix + "type " + plugin_type + " needs plugin " +
                                 plugin_type.substr(0, plugin_type.find('.')) + ", which is not loaded",
                             "Nothing was written. See {cmd:plugins.list}.");
    }
    auto value = plugins->ParseField(plugin_type, std::string(raw));
    if (value.ok()) return value;
    if (value.status().allowed().empty() || value.status().allowed().rfind("Nothing was written", 0) == 0)
      return value.status();
    return Status::Refused(prefix + QuoteValue(raw) + " is not valid: " + value.status().message() +
                           "; expected " + value.status().allowed());
  }
  auto invalid = [&] {
    return Status::Refused(prefix + QuoteValue(raw) + " is not valid; expected " +
                           describe_allowed());
  };
  switch (type) {
    case FieldType::kInteger: {
      const auto number = ParseWholeNumber(raw);
      if (!number) return invalid();
      if ((min && *number < *min) || (max && *number > *max)) {
        return Status::Refused(prefix + QuoteValue(raw) + " is out of range; expected " +
                               describe_allowed());
      }
      return Json(*number);
    }
    case FieldType::kDate: {
      const auto date = Date::ParseIso(raw);
      if (!date) return invalid();
      return Json(date->iso());
    }
    case FieldType::kYesNo: {
      const std::string lowered = Lower(raw);
      if (lowered != "yes" && lowered != "no") return invalid();
      return Json(lowered);
    }
    case FieldType::kEnum: {
      if (find_value(raw) == nullptr) {
        return Status::Refused(prefix + QuoteValue(raw) + " is not " + describe_allowed());
      }
      return Json(std::string(raw));
    }
    case FieldType::kText: {
      if (!IsValidUtf8(raw)) return Status::Refused(prefix + "the text is not valid UTF-8");
      const std::string_view text = Trim(raw);
      if (text.empty()) {
        return Status::Refused(prefix + "the text is empty; expected " + describe_allowed());
      }
      if (HasControlCharacter(text)) {
        return Status::Refused(prefix + "the text contains a control character (tab, newline...)");
      }
      if (text.size() > max_length) {
        return Status::Refused(prefix + "the text is " + std::to_string(text.size()) +
                               " bytes long; expected at most " + std::to_string(max_length));
      }
      return Json(std::string(text));
    }
    case FieldType::kPlugin: break;  // handled above
  }
  return Status::Internal(prefix + "unknown field type");
}

// ---------------------------------------------------------------------------
// Workflow

const Step* Workflow::find_step(std::string_view step_id) const { return FindById(steps, step_id); }

const Step* Workflow::initial_step() const {
  for (const auto& step : steps) {
    if (step.initial) return &step;
  }
  return nullptr;
}

const Transition* Workflow::find_transition(std::string_view transition_id) const {
  return FindById(transitions, transition_id);
}

const Milestone* Workflow::find_milestone(std::string_view milestone_id) const {
  return FindById(milestones, milestone_id);
}

const Deadline* Workflow::find_deadline(std::string_view deadline_id) const {
  return FindById(deadlines, deadline_id);
}

Date Deadline::DueAfter(Date opened) const {
  switch (unit) {
    case DurationUnit::kDays: return opened.plus_days(amount);
    case DurationUnit::kWeeks: return opened.plus_days(7 * amount);
    case DurationUnit::kMonths: return opened.plus_months(amount);
  }
  return opened;
}

std::string Deadline::describe_delay() const {
  const char* unit_name = unit == DurationUnit::kDays ? "day" : unit == DurationUnit::kWeeks ? "week" : "month";
  return std::to_string(amount) + " " + unit_name + (amount == 1 ? "" : "s");
}

std::vector<const Transition*> Workflow::transitions_from(std::string_view step_id) const {
  std::vector<const Transition*> out;
  for (const auto& transition : transitions) {
    if (Contains(transition.from, step_id)) out.push_back(&transition);
  }
  return out;
}

std::vector<const Milestone*> Workflow::milestones_in(std::string_view step_id) const {
  std::vector<const Milestone*> out;
  for (const auto& milestone : milestones) {
    if (Contains(milestone.steps, step_id)) out.push_back(&milestone);
  }
  return out;
}

std::string Workflow::step_display(std::string_view step_id) const {
  const Step* step = find_step(step_id);
  if (step == nullptr || step->label.empty() || step->label == step->id) {
    return std::string(step_id);
  }
  return step->label + " (" + step->id + ")";
}

Json Workflow::to_json() const {
  // Only meaning goes in: ids, labels, flags, fields, in file order (order is
  // meaningful: it is the order of menus and of "any"). Lines are left out.
  Json steps_json = Json::array();
  for (const auto& step : steps) {
    steps_json.push_back(
        {{"id", step.id}, {"label", step.label}, {"initial", step.initial}, {"final", step.final}});
  }
  Json transitions_json = Json::array();
  for (const auto& transition : transitions) {
    Json t = {{"id", transition.id},
              {"label", transition.label},
              {"from", transition.from},
              {"to", transition.to},
              {"fields", FieldsToJson(transition.fields)}};
    AddRulesJson(t, transition.rules);
    transitions_json.push_back(std::move(t));
  }
  Json milestones_json = Json::array();
  for (const auto& milestone : milestones) {
    Json m = {{"id", milestone.id},
              {"label", milestone.label},
              {"in", milestone.steps},
              {"fields", FieldsToJson(milestone.fields)}};
    AddRulesJson(m, milestone.rules);
    milestones_json.push_back(std::move(m));
  }
  Json enrolment = {{"fields", FieldsToJson(enrolment_fields)}};
  AddRulesJson(enrolment, enrolment_rules);
  Json out = {
      {"programme", id},
      {"label", label},
      {"steps", std::move(steps_json)},
      {"enrolment", std::move(enrolment)},
      {"transitions", std::move(transitions_json)},
      {"milestones", std::move(milestones_json)},
  };
  // Only when there are some, so that a workflow written before deadlines
  // existed keeps its canonical form (and is not installed again as new).
  if (!deadlines.empty()) {
    Json deadlines_json = Json::array();
    for (const auto& d : deadlines) {
      deadlines_json.push_back({{"id", d.id},
                                {"label", d.label},
                                {"opened_by", d.opened_by},
                                {"due", d.describe_delay()},
                                {"cleared_by", d.cleared_by},
                                {"cleared_in", d.cleared_in}});
    }
    out["deadlines"] = std::move(deadlines_json);
  }
  return out;
}

// ---------------------------------------------------------------------------
// ValidateFields

const std::vector<std::string>& ReservedContextNames() {
  static const std::vector<std::string> kNames = {
      "programme", "version", "pathway", "action",     "kind",       "from",   "to",
      "step",      "date",    "today",   "enrolled",   "step_since", "last_event",
      "referent",  "actor",   "fields",  "entry",      "person",     "history", "exit"};
  return kNames;
}

Result<Json> ValidateFields(const std::vector<FieldSpec>& specs, const RawFields& raw,
                            std::string_view context, const PluginRegistry* plugins) {
  // 1. Every field given is known.
  for (const auto& [field_id, value] : raw) {
    if (FindById(specs, field_id) != nullptr) continue;
    std::vector<std::string> accepted;
    for (const auto& spec : specs) accepted.push_back(spec.id);
    return Status::Refused(
        "unknown field " + QuoteValue(field_id) + " for " + std::string(context),
        accepted.empty() ? "It takes no fields." : "Accepted fields: " + JoinComma(accepted) + ".");
  }

  // 2. Every value parses.
  Json stored = Json::object();
  for (const auto& spec : specs) {
    const auto it = raw.find(spec.id);
    if (it == raw.end()) continue;
    PARCOURS_ASSIGN_OR_RETURN(Json value, spec.parse_value(it->second, plugins));
    stored[spec.id] = std::move(value);
  }

  // 3. Every required field is present.
  for (const auto& spec : specs) {
    if (spec.required && !stored.contains(spec.id)) {
      return Status::Refused("field " + Quote(spec.id) + " is required for " + std::string(context),
                             spec.describe_allowed());
    }
  }

  // 4. Every conditionally required field is present when its condition holds.
  for (const auto& spec : specs) {
    if (!spec.required_when || stored.contains(spec.id)) continue;
    const RequiredWhen& when = *spec.required_when;
    const auto other = stored.find(when.field);
    if (other == stored.end() || !Contains(when.values, StoredAsText(*other))) continue;
    return Status::Refused("field " + Quote(spec.id) + " is required when " + when.field + " is " +
                               JoinOr(when.values),
                           spec.describe_allowed());
  }
  return stored;
}

}  // namespace parcours
