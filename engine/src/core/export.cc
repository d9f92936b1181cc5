// Bulk export (docs/import-export.md): a store's history as the rows that
// import it again, read on one snapshot. Programmes first (every version, in
// order), then each person (in id order) as registered, followed by their
// edits, then their pathways (oldest first), each as its enrolment and its
// events in order. Only the fields a command was given are written: derived
// fields are derived again by the import. Importing an export into an empty
// store and exporting that gives the same bytes.
#include <set>

#include "core/engine_impl.h"
#include "exchange/csv.h"
#include "exchange/rows.h"

namespace parcours {

namespace {

using rows::Row;

// A stored field value as it was typed (the inverse of ValidateFields).
std::string Raw(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The fields of `given` that `specs` declare as input (the others were derived).
std::map<std::string, std::string> InputFields(const Json& given, const std::vector<FieldSpec>& specs) {
  std::map<std::string, std::string> out;
  for (const auto& spec : specs) {
    auto it = given.find(spec.id);
    if (it != given.end() && !it->is_null()) out[spec.id] = Raw(*it);
  }
  return out;
}

void Stamp(Row& row, const std::string& recorded, const std::string& actor) {
  if (!recorded.empty()) row.values["recorded"] = recorded;
  if (!actor.empty()) row.values["actor"] = actor;
}

// The rows of a person: as registered, then each edit.
std::vector<Row> PersonRows(const Person& p, bool allow_duplicate) {
  std::string name = p.name, birth = p.birth.iso(), sex = p.sex;
  for (auto it = p.changes.rbegin(); it != p.changes.rend(); ++it) {
    for (const auto& [what, change] : it->changes) {
      if (what == "name") name = change.first;
      if (what == "birth") birth = change.first;
      if (what == "sex") sex = change.first;
    }
  }
  std::vector<Row> out(1);
  Row& added = out.front();
  added.type = "person";
  added.values = {{"person", p.id}, {"name", name}, {"birth", birth}, {"sex", sex}};
  if (allow_duplicate) added.values["allow_duplicate"] = "yes";
  for (const auto& [key, values] : p.attr_history) {
    for (const auto& v : values)
      if (!v.from) added.attrs[key] = v.value;
  }
  Stamp(added, p.created, p.created_by);
  for (const auto& c : p.changes) {
    Row edit;
    edit.type = "edit";
    edit.values = {{"person", p.id}, {"date", c.date.iso()}};
    if (allow_duplicate) edit.values["allow_duplicate"] = "yes";
    for (const auto& [what, change] : c.changes) {
      if (what.starts_with("attrs.")) edit.attrs[what.substr(6)] = change.second;
      else edit.values[what] = change.second;
    }
    Stamp(edit, c.recorded, c.actor);
    out.push_back(std::move(edit));
  }
  return out;
}

// The row of a pathway event.
Row EventRow(const Event& e, const Workflow& wf) {
  Row row;
  row.values = {{"pathway", e.pathway}, {"date", e.date.iso()}};
  if (e.kind != EventKind::kEnroll) row.values["seq"] = std::to_string(e.seq);
  switch (e.kind) {
    case EventKind::kEnroll: {
      row.type = "enrolment";
      row.values["person"] = e.data.value("person", "");
      row.values["programme"] = e.data.value("programme", "");
      row.values["version"] = std::to_string(e.data.value("version", 0));
      const std::string referent = e.data.value("referent", "");
      if (referent != e.actor) row.values["referent"] = referent;
      row.fields = InputFields(e.fields, wf.enrolment_fields);
      break;
    }
    case EventKind::kTransition: {
      row.type = "transition";
      row.values["action"] = e.action;
      if (const Transition* t = wf.find_transition(e.action)) row.fields = InputFields(e.fields, t->fields);
      break;
    }
    case EventKind::kMilestone: {
      row.type = "milestone";
      row.values["action"] = e.action;
      if (const Milestone* m = wf.find_milestone(e.action)) row.fields = InputFields(e.fields, m->fields);
      break;
    }
    case EventKind::kVoid:
      row.type = "void";
      row.values["voids"] = std::to_string(e.data.value("voids", 0u));
      row.values["reason"] = e.data.value("reason", "");
      break;
    case EventKind::kAssign:
      row.type = "assignment";
      row.values["referent"] = e.data.value("referent", "");
      break;
    case EventKind::kNote:
      row.type = "note";
      row.values["text"] = e.data.value("text", "");
      break;
    case EventKind::kDeadlineMissed:
      row.type = "deadline_missed";
      row.values["deadline"] = e.data.value("deadline", "");
      break;
  }
  Stamp(row, e.recorded, e.actor);
  return row;
}

}  // namespace

Result<ExportSummary> Engine::Export(const ExportRequest& req) const {
  if (!req.out) return Status::Internal("export without an output stream");
  const std::unique_ptr<StoreReader> snapshot = store_.Snapshot();
  const StoreReader& r = *snapshot;
  ExportSummary summary;

  // Programmes, and the columns of a CSV export: every attribute, and every
  // input field of every installed workflow version.
  std::vector<Row> programmes;
  std::set<std::string> field_names;
  PARCOURS_ASSIGN_OR_RETURN(auto infos, impl_->ProgrammesAt(r));
  for (const auto& info : infos) {
    for (int v = 1; v <= info.version; ++v) {
      PARCOURS_ASSIGN_OR_RETURN(auto def, impl_->GetJson(r, Domain::kProgrammes, keys::ProgrammeDef(info.id, v),
                                                         "programme"));
      if (!def) return Status::Corruption("programme " + info.id + " has no version " + std::to_string(v));
      Row row;
      row.type = "programme";
      row.values = {{"programme", info.id}, {"version", std::to_string(v)}, {"yaml", def->value("yaml", "")}};
      if (!def->value("source", "").empty()) row.values["source"] = def->value("source", "");
      Stamp(row, def->value("installed", ""), def->value("installed_by", ""));
      programmes.push_back(std::move(row));
      PARCOURS_ASSIGN_OR_RETURN(auto wf, impl_->WorkflowAt(r, info.id, v));
      for (const auto& f : wf->enrolment_fields) field_names.insert(f.id);
      for (const auto& t : wf->transitions)
        for (const auto& f : t.fields) field_names.insert(f.id);
      for (const auto& m : wf->milestones)
        for (const auto& f : m.fields) field_names.insert(f.id);
    }
  }
  std::vector<std::string> attrs;
  for (const auto& [key, values] : KnownPersonAttributes()) attrs.push_back(key);
  const std::vector<std::string> fields(field_names.begin(), field_names.end());

  std::string buffer;
  auto emit = [&](const Row& row) -> Status {
    if (req.format == ExchangeFormat::kCsv) rows::AppendCsv(buffer, row, attrs, fields);
    else rows::AppendJsonLine(buffer, row);
    ++summary.rows;
    if (buffer.size() >= (1 << 20)) {
      req.out->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
      if (!*req.out) return Status::Unavailable("could not write the export", "Check the disk space.");
    }
    return Status::Ok();
  };
  if (req.format == ExchangeFormat::kCsv) csv::AppendRecord(buffer, rows::CsvHeader(attrs, fields));
  for (const auto& row : programmes) PARCOURS_RETURN_IF_ERROR(emit(row));

  std::vector<std::string> person_ids;
  PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(Domain::kPersons, "", [&](std::string_view k, std::string_view) {
    person_ids.emplace_back(k);
    return true;
  }));
  for (const auto& id : person_ids) {
    PARCOURS_ASSIGN_OR_RETURN(Person person, impl_->GetPersonRecord(r, id));
    // A person sharing a name and birth date with another was registered
    // (or renamed) with allow_duplicate: the import needs it again.
    bool namesake = false;
    for (const auto& c : person.changes) namesake = namesake || c.changes.count("name") || c.changes.count("birth");
    int same = 0;
    if (!namesake) {
      PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(Domain::kIndexes,
                                            keys::NameBirthPrefix(FoldName(person.name), person.birth.iso()),
                                            [&](std::string_view, std::string_view) { return ++same < 2; }));
    }
    for (const auto& row : PersonRows(person, namesake || same > 1)) PARCOURS_RETURN_IF_ERROR(emit(row));
    ++summary.persons;
    PARCOURS_ASSIGN_OR_RETURN(auto pathways, impl_->PathwaysOfPersonAt(r, id));
    for (const auto& state : pathways) {
      PARCOURS_ASSIGN_OR_RETURN(auto wf, impl_->WorkflowAt(r, state.programme, state.version));
      PARCOURS_ASSIGN_OR_RETURN(auto events, impl_->LoadEvents(r, state.id));
      for (const auto& e : events) PARCOURS_RETURN_IF_ERROR(emit(EventRow(e, *wf)));
      ++summary.pathways;
      summary.events += events.size();
    }
  }
  req.out->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  req.out->flush();
  if (!*req.out) return Status::Unavailable("could not write the export", "Check the disk space.");
  return summary;
}

}  // namespace parcours
