#include "exchange/rows.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "exchange/csv.h"
#include "parcours/text.h"

namespace parcours::rows {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kAttrsPrefix = "attrs.";
constexpr std::string_view kFieldsPrefix = "fields.";

struct TypeColumns {
  std::string type;
  std::vector<std::string> columns;
  bool attrs = false;
  bool fields = false;
};

const std::vector<TypeColumns>& Table() {
  static const std::vector<TypeColumns> kTable = {
      {"programme", {"programme", "version", "source", "yaml", "recorded", "actor"}},
      {"person", {"person", "name", "birth", "sex", "allow_duplicate", "recorded", "actor"}, true},
      {"edit", {"person", "name", "birth", "sex", "date", "allow_duplicate", "recorded", "actor"}, true},
      {"enrolment",
       {"pathway", "person", "programme", "version", "date", "referent", "recorded", "actor"},
       false,
       true},
      {"transition", {"pathway", "seq", "action", "date", "recorded", "actor"}, false, true},
      {"milestone", {"pathway", "seq", "action", "date", "recorded", "actor"}, false, true},
      {"void", {"pathway", "seq", "voids", "reason", "date", "recorded", "actor"}},
      {"assignment", {"pathway", "seq", "referent", "date", "recorded", "actor"}},
      {"note", {"pathway", "seq", "date", "text", "recorded", "actor"}},
      {"deadline_missed", {"pathway", "seq", "deadline", "date", "recorded", "actor"}},
  };
  return kTable;
}

const TypeColumns* Find(std::string_view type) {
  for (const auto& t : Table())
    if (t.type == type) return &t;
  return nullptr;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string At(uint64_t line) { return "line " + std::to_string(line) + ": "; }

// Only a file's header is refused with its line: a row's refusal goes to the
// rejects file, whose lines say where it was.
Status UnknownColumn(std::string_view column, bool in_header) {
  return Status::Refused((in_header ? At(1) : std::string()) + "unknown column " + EchoText(column),
                         "Columns are type, " + Joined(std::vector<std::string>(Columns().begin() + 1,
                                                                                Columns().end())) +
                             ", attrs.KEY and fields.NAME (docs/import-export.md).");
}

}  // namespace

std::string JsonString(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

const std::vector<std::string>& Types() {
  static const std::vector<std::string> kTypes = [] {
    std::vector<std::string> out;
    for (const auto& t : Table()) out.push_back(t.type);
    return out;
  }();
  return kTypes;
}

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> kColumns = {
      "type",     "recorded", "actor", "programme",       "version",  "person", "pathway",
      "seq",      "action",   "date",  "name",            "birth",    "sex",    "allow_duplicate",
      "referent", "voids",    "reason", "text",           "deadline", "source", "yaml"};
  return kColumns;
}

const std::vector<std::string>& ColumnsOf(std::string_view type) {
  static const std::vector<std::string> kNone;
  const TypeColumns* t = Find(type);
  return t ? t->columns : kNone;
}

const std::string& Row::Get(const std::string& column) const {
  static const std::string kEmpty;
  auto it = values.find(column);
  return it == values.end() ? kEmpty : it->second;
}

Status CheckColumns(const Row& row) {
  if (row.type.empty()) {
    return Status::Refused("the row has no type", "Types are " + Joined(Types()) + ".");
  }
  const TypeColumns* t = Find(row.type);
  if (!t) {
    return Status::Refused("unknown type " + EchoText(row.type), "Types are " + Joined(Types()) + ".");
  }
  auto misplaced = [&](const std::string& column) {
    std::string used = Joined(t->columns);
    if (t->attrs) used += ", attrs.KEY";
    if (t->fields) used += ", fields.NAME";
    return Status::Refused("a " + row.type + " row has no column " + column,
                           "A " + row.type + " row uses: " + used + ". Leave the others empty.");
  };
  for (const auto& [column, value] : row.values) {
    if (std::find(t->columns.begin(), t->columns.end(), column) == t->columns.end()) return misplaced(column);
  }
  if (!t->attrs && !row.attrs.empty()) return misplaced("attrs." + row.attrs.begin()->first);
  if (!t->fields && !row.fields.empty()) return misplaced("fields." + row.fields.begin()->first);
  return Status::Ok();
}

// ---- CSV --------------------------------------------------------------------------

Result<CsvLayout> CsvLayout::FromHeader(const std::vector<std::string>& header) {
  CsvLayout layout;
  std::set<std::string> seen;
  bool has_type = false;
  for (const auto& name : header) {
    if (!seen.insert(name).second) {
      return Status::Refused("line 1: column " + EchoText(name) + " is named twice", "Name each column once.");
    }
    Column c{Kind::kPlain, name};
    if (name.starts_with(kAttrsPrefix) && name.size() > kAttrsPrefix.size()) {
      c = {Kind::kAttr, name.substr(kAttrsPrefix.size())};
    } else if (name.starts_with(kFieldsPrefix) && name.size() > kFieldsPrefix.size()) {
      c = {Kind::kField, name.substr(kFieldsPrefix.size())};
    } else if (name == kRejectedLine || name == kRejectedReason) {
      c.kind = Kind::kIgnored;
    } else if (std::find(Columns().begin(), Columns().end(), name) == Columns().end()) {
      return UnknownColumn(name, true);
    }
    has_type = has_type || name == "type";
    layout.columns_.push_back(std::move(c));
  }
  if (!has_type) {
    return Status::Refused("line 1: the header has no column `type`",
                           "The first line names the columns, among them `type` (docs/import-export.md; "
                           "templates in examples/import/).");
  }
  return layout;
}

Result<Row> CsvLayout::Parse(const std::vector<std::string>& record, uint64_t line) const {
  if (record.size() != columns_.size()) {
    return Status::Refused(std::to_string(record.size()) + " values for " +
                               std::to_string(columns_.size()) + " columns",
                           "Give one value per column of the header (an empty one when there is none).");
  }
  Row row;
  row.line = line;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const Column& c = columns_[i];
    if (record[i].empty() || c.kind == Kind::kIgnored) continue;
    if (c.kind == Kind::kAttr) row.attrs[c.name] = record[i];
    else if (c.kind == Kind::kField) row.fields[c.name] = record[i];
    else if (c.name == "type") row.type = record[i];
    else row.values[c.name] = record[i];
  }
  PARCOURS_RETURN_IF_ERROR(CheckColumns(row));
  return row;
}

std::vector<std::string> CsvHeader(const std::vector<std::string>& attrs, const std::vector<std::string>& fields) {
  std::vector<std::string> out = Columns();
  for (const auto& a : attrs) out.push_back(std::string(kAttrsPrefix) + a);
  for (const auto& f : fields) out.push_back(std::string(kFieldsPrefix) + f);
  return out;
}

void AppendCsv(std::string& out, const Row& row, const std::vector<std::string>& attrs,
               const std::vector<std::string>& fields) {
  std::vector<std::string> record;
  record.reserve(Columns().size() + attrs.size() + fields.size());
  record.push_back(row.type);
  for (auto it = Columns().begin() + 1; it != Columns().end(); ++it) record.push_back(row.Get(*it));
  auto value = [](const std::map<std::string, std::string>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : it->second;
  };
  for (const auto& a : attrs) record.push_back(value(row.attrs, a));
  for (const auto& f : fields) record.push_back(value(row.fields, f));
  csv::AppendRecord(out, record);
}

// ---- JSON Lines ---------------------------------------------------------------------

Result<Row> ParseJsonLine(std::string_view text, uint64_t line) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& ex) {
    return Status::Refused("not valid JSON (" + std::string(ex.what()) + ")",
                           "Each line holds one JSON object, e.g. {\"type\":\"person\",\"name\":\"...\"}.");
  }
  if (!j.is_object()) {
    return Status::Refused("not a JSON object", "Each line holds one JSON object.");
  }
  Row row;
  row.line = line;
  auto text_of = [&](const std::string& key, const Json& v, std::string& out) -> Status {
    if (v.is_string()) out = v.get<std::string>();
    else if (v.is_number_integer() || v.is_boolean()) out = v.dump();
    else if (!v.is_null()) {
      return Status::Refused(EchoText(key) + " is not a text, a whole number or a boolean",
                             "Give each value as a text.");
    }
    return Status::Ok();
  };
  for (const auto& [key, v] : j.items()) {
    if (key == "attrs" || key == "fields") {
      if (!v.is_object()) {
        return Status::Refused(EchoText(key) + " is not an object",
                               "Give " + key + " as an object of texts, e.g. {\"education\":\"3\"}.");
      }
      auto& target = key == "attrs" ? row.attrs : row.fields;
      for (const auto& [name, value] : v.items()) {
        std::string s;
        PARCOURS_RETURN_IF_ERROR(text_of(key + "." + name, value, s));
        if (!s.empty()) target[name] = std::move(s);
      }
      continue;
    }
    if (key == kRejectedLine || key == kRejectedReason || key == kRejectedText) continue;
    if (std::find(Columns().begin(), Columns().end(), key) == Columns().end()) return UnknownColumn(key, false);
    std::string s;
    PARCOURS_RETURN_IF_ERROR(text_of(key, v, s));
    if (s.empty()) continue;
    if (key == "type") row.type = std::move(s);
    else row.values[key] = std::move(s);
  }
  PARCOURS_RETURN_IF_ERROR(CheckColumns(row));
  return row;
}

void AppendJsonLine(std::string& out, const Row& row) {
  out += "{\"type\":" + JsonString(row.type);
  for (auto it = Columns().begin() + 1; it != Columns().end(); ++it) {
    auto v = row.values.find(*it);
    if (v != row.values.end()) out += "," + JsonString(*it) + ":" + JsonString(v->second);
  }
  for (const auto* group : {&row.attrs, &row.fields}) {
    if (group->empty()) continue;
    out += group == &row.attrs ? ",\"attrs\":{" : ",\"fields\":{";
    bool first = true;
    for (const auto& [k, v] : *group) {
      out += (first ? "" : ",") + JsonString(k) + ":" + JsonString(v);
      first = false;
    }
    out += "}";
  }
  out += "}\n";
}

}  // namespace parcours::rows
