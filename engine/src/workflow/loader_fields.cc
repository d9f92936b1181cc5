// Reading the fields of a workflow file: types, bounds, enum values,
// required_when (docs/workflow-format.md, "Fields").
#include <charconv>
#include <string>
#include <unordered_set>
#include <vector>

#include "parcours/text.h"
#include "workflow/loader_support.h"

namespace parcours::loader {
namespace {

const KeyList kFieldKeys = {"id",  "label", "type",       "required", "required_when",
                            "min", "max",   "max_length", "values"};
const KeyList kEnumValueKeys = {"id", "label"};
const KeyList kRequiredWhenKeys = {"field", "in"};
const KeyList kTypeNames = {"text", "integer", "date", "yesno", "enum"};

class FieldReader : public ValueReader {
 public:
  using ValueReader::ValueReader;

  // A field's required_when as written, checked once the whole list is read.
  struct PendingCondition {
    std::size_t field_index;
    YAML::Node node;
  };

  // `owner` names the list: "enrolment", `transition "place"`...
  std::vector<FieldSpec> ReadFields(const YAML::Node& list, const std::string& owner) {
    std::vector<FieldSpec> fields;
    if (!ExpectList(list, "fields", owner) || !WithinLimit(list, kMaxFieldsPerList, "fields", owner) ||
        !Spend(context_.fields_used, list.size(), kMaxFieldsInTotal, list, "fields")) {
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
          if (context_.plugins) field.plugin_allowed = context_.plugins->FieldTypeAllowed(*name);
          if (context_.check_plugins && !(context_.plugins && context_.plugins->HasFieldType(*name))) {
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
        !Spend(context_.values_used, list->size(), kMaxValuesInTotal, *list, "enum values")) {
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
        !Spend(context_.values_used, in_node->size(), kMaxValuesInTotal, *in_node, "enum values")) {
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

};

}  // namespace

std::vector<FieldSpec> ReadFieldList(LoadContext& context, const YAML::Node& list,
                                     const std::string& owner) {
  return FieldReader(context).ReadFields(list, owner);
}

}  // namespace parcours::loader
