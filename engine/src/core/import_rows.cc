#include "core/import_rows.h"

#include <charconv>

#include "parcours/workflow_loader.h"

namespace parcours {

using rows::Row;

bool IsRowRefusal(const Status& s) { return s.IsRefused() || s.IsNotFound() || s.IsUsage() || s.IsDenied(); }

// The clock of a row: when it was recorded, or now.
Result<RecordedClock> ClockOf(const Row& row, const Clock& engine_clock) {
  if (!row.Has("recorded")) return RecordedClock(engine_clock.today(), engine_clock.now_timestamp());
  auto recorded = RecordedClock::Parse(row.Get("recorded"));
  if (!recorded) {
    return Status::Refused("recorded " + EchoText(row.Get("recorded")) + " is not a timestamp",
                           "Use UTC as YYYY-MM-DDTHH:MM:SS.mmmZ, e.g. 2025-03-04T09:15:00.000Z, or leave it "
                           "out for now.");
  }
  const std::string now = engine_clock.now_timestamp();
  if (recorded->now_timestamp() > now) {
    return Status::Refused("recorded " + row.Get("recorded") + " is in the future",
                           "Give the time it was recorded, before " + now + ".");
  }
  return *recorded;
}


namespace {

// A refusal of the row's command. Only refusals send a row to the rejects
// file (whose lines say where the row was); any other failure stops the
// import.
Status AsRowRefusal(const Status& s) {
  if (!IsRowRefusal(s)) return s;
  return Status::Refused(s.message(), s.allowed());
}

Result<uint32_t> Number(const Row& row, const std::string& column) {
  const std::string& text = row.Get(column);
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0) {
    return Status::Refused(column + " " + EchoText(text) + " is not a positive whole number",
                           "Give it in digits, e.g. 3.");
  }
  return n;
}

Result<bool> YesNo(const Row& row, const std::string& column) {
  const std::string& text = row.Get(column);
  if (text.empty() || text == "no" || text == "false" || text == "0") return false;
  if (text == "yes" || text == "true" || text == "1") return true;
  return Status::Refused(column + " " + EchoText(text) + " is not yes or no", "Use yes or no.");
}

std::optional<std::string> Optional(const Row& row, const std::string& column) {
  return row.Has(column) ? std::optional<std::string>(row.Get(column)) : std::nullopt;
}


struct RowContext {
  Engine::Impl& impl;
  BatchReader& reader;
  const std::string& importer;
};

// The id a row's own key stands for: a Parcours id as it is, else the id an
// earlier import gave that key (nullopt when none did).
Result<std::optional<std::string>> KnownId(const StoreReader& r, std::string_view kind, char prefix,
                                           const std::string& key) {
  if (auto id = NormalizeId(prefix, key)) return std::optional<std::string>(*id);
  PARCOURS_ASSIGN_OR_RETURN(auto mapped, r.Get(Domain::kIndexes, keys::ImportKey(kind, key)));
  return mapped;
}

// The id of the person or pathway a row refers to (`column`).
Result<std::string> Refer(const RowContext& c, const Row& row, const std::string& column, std::string_view kind,
                          char prefix) {
  const std::string& key = row.Get(column);
  if (key.empty()) return Status::Refused("no " + column + " is given", "Give the " + column + "'s id or key.");
  PARCOURS_ASSIGN_OR_RETURN(auto id, KnownId(c.reader, kind, prefix, key));
  if (!id) {
    return Status::Refused("no " + std::string(kind) + " has the key " + EchoText(key),
                           "Import its " + std::string(kind == "person" ? "person" : "enrolment") +
                               " row first (in this file, above this line, or in an earlier file).");
  }
  return *id;
}

// The id a row creating a person or pathway gives it, and the key to map to
// it (empty: the row names a Parcours id, or nothing).
struct NewId {
  std::string id;
  std::string key;
};
Result<NewId> Create(const RowContext& c, const Row& row, const std::string& column, std::string_view kind,
                     char prefix, Domain domain) {
  const std::string& key = row.Get(column);
  if (key.empty()) {
    PARCOURS_ASSIGN_OR_RETURN(std::string id, c.impl.UnusedId(c.reader, prefix, domain));
    return NewId{std::move(id), ""};
  }
  PARCOURS_RETURN_IF_ERROR(CleanText(key, column, kMaxNameChars).status());
  if (auto id = NormalizeId(prefix, key)) return NewId{*id, ""};
  PARCOURS_ASSIGN_OR_RETURN(auto mapped, c.reader.Get(Domain::kIndexes, keys::ImportKey(kind, key)));
  if (mapped) {
    return Status::Refused(std::string(kind) + " " + EchoText(key) + " is already in the store, as " +
                               *mapped,
                           "Each " + std::string(kind) + " is imported once; leave this row out.");
  }
  PARCOURS_ASSIGN_OR_RETURN(std::string id, c.impl.UnusedId(c.reader, prefix, domain));
  return NewId{std::move(id), key};
}

// Lays a planned row over the batch, with the key it maps to its new id.
void Apply(const RowContext& c, Mutation&& m, std::string_view kind, const NewId& created) {
  if (!created.key.empty()) m.Put(Domain::kIndexes, keys::ImportKey(kind, created.key), created.id);
  c.reader.Apply(std::move(m));
}

// The row's event number (`seq`), when given, must be the one it gets.
Status CheckSeq(const Row& row, const CommandResult& done) {
  if (!row.Has("seq")) return Status::Ok();
  PARCOURS_ASSIGN_OR_RETURN(uint32_t seq, Number(row, "seq"));
  if (seq == done.event.seq) return Status::Ok();
  return Status::Refused("the row is event #" + std::to_string(seq) + " of " + done.state.id +
                             ", whose next event is #" + std::to_string(done.event.seq),
                         "Import the pathway's events in order, each once.");
}

Status PlanRowIn(const RowContext& c, const Row& row, const Clock& clock) {
  Engine::Impl& impl = c.impl;
  const std::string actor = row.Has("actor") ? row.Get("actor") : c.importer;
  PlanAs as(clock);
  const std::string& type = row.type;
  auto pathway_event = [&](auto planned) -> Status {
    if (!planned.ok()) return AsRowRefusal(planned.status());
    PARCOURS_RETURN_IF_ERROR(CheckSeq(row, planned->result));
    c.reader.Apply(std::move(planned->mutation));
    return Status::Ok();
  };
  // Assignments, voids and corrections of a person are dated the day they
  // are recorded; an imported one may say which day that was.
  const bool dated_by_clock =
      type == "assignment" || type == "void" || (type == "edit" && row.attrs.empty());
  std::optional<RecordedClock> dated;
  if (dated_by_clock && row.Has("date")) {
    const auto day = Date::ParseIso(row.Get("date"));
    if (!day) return Status::Refused("date " + EchoText(row.Get("date")) + " is not valid", "Use YYYY-MM-DD.");
    if (*day > clock.today()) {
      return Status::Refused("date " + day->iso() + " is after the day the row was recorded",
                             "Use " + clock.today().iso() + " or an earlier date.");
    }
    dated.emplace(*day, clock.now_timestamp());
  }
  PlanAs on_day(dated ? static_cast<const Clock&>(*dated) : clock);
  if (type == "programme") {
    WorkflowLoad load = LoadWorkflowText(row.Get("yaml"), row.Has("source") ? row.Get("source") : "import",
                                         impl.plugins);
    if (!load.problems.empty()) {
      return Status::Refused("the programme is not a valid workflow: " + load.problems.front().ToString(),
                             "Fix its yaml; `programme install` lists every problem.");
    }
    PARCOURS_RETURN_IF_ERROR(CheckActor(actor));
    auto planned = impl.PlanInstall(c.reader, *load.workflow, row.Get("yaml"), row.Get("source"), actor, as);
    if (!planned.ok()) return AsRowRefusal(planned.status());
    if (row.Has("version")) {
      PARCOURS_ASSIGN_OR_RETURN(uint32_t version, Number(row, "version"));
      if (static_cast<int>(version) != planned->result.programme.version) {
        return Status::Refused("this would be version " + std::to_string(planned->result.programme.version) +
                                   " of programme " + load.workflow->id + ", not " + std::to_string(version),
                               "Import a programme's versions in order, each once.");
      }
    }
    c.reader.Apply(std::move(planned->mutation));
    return Status::Ok();
  }
  if (type == "person") {
    PARCOURS_ASSIGN_OR_RETURN(NewId created, Create(c, row, "person", "person", kPersonPrefix, Domain::kPersons));
    AddPersonRequest req{row.Get("name"), row.Get("birth"), row.Get("sex"), row.attrs, false, actor, ""};
    PARCOURS_ASSIGN_OR_RETURN(req.allow_duplicate, YesNo(row, "allow_duplicate"));
    as.id = created.id;
    auto planned = impl.PlanAddPerson(c.reader, req, as);
    if (!planned.ok()) return AsRowRefusal(planned.status());
    Apply(c, std::move(planned->mutation), "person", created);
    return Status::Ok();
  }
  if (type == "edit") {
    EditPersonRequest req;
    PARCOURS_ASSIGN_OR_RETURN(req.person, Refer(c, row, "person", "person", kPersonPrefix));
    req.name = Optional(row, "name");
    req.birth = Optional(row, "birth");
    req.sex = Optional(row, "sex");
    req.attrs = row.attrs;
    if (!dated_by_clock) req.date = Optional(row, "date");
    PARCOURS_ASSIGN_OR_RETURN(req.allow_duplicate, YesNo(row, "allow_duplicate"));
    req.actor = actor;
    auto planned = impl.PlanEditPerson(c.reader, req, on_day);
    if (!planned.ok()) return AsRowRefusal(planned.status());
    c.reader.Apply(std::move(planned->mutation));
    return Status::Ok();
  }
  if (type == "enrolment") {
    EnrollRequest req;
    PARCOURS_ASSIGN_OR_RETURN(req.person, Refer(c, row, "person", "person", kPersonPrefix));
    PARCOURS_ASSIGN_OR_RETURN(NewId created, Create(c, row, "pathway", "pathway", kPathwayPrefix, Domain::kPathways));
    req.programme = row.Get("programme");
    req.date = Optional(row, "date");
    req.referent = row.Get("referent");
    req.fields = row.fields;
    req.actor = actor;
    as.id = created.id;
    if (row.Has("version")) {
      PARCOURS_ASSIGN_OR_RETURN(uint32_t version, Number(row, "version"));
      as.version = static_cast<int>(version);
    }
    auto planned = impl.PlanEnroll(c.reader, req, as);
    if (!planned.ok()) return AsRowRefusal(planned.status());
    Apply(c, std::move(planned->mutation), "pathway", created);
    return Status::Ok();
  }
  // The other rows are events of a pathway.
  PARCOURS_ASSIGN_OR_RETURN(std::string pathway, Refer(c, row, "pathway", "pathway", kPathwayPrefix));
  if (type == "transition") {
    return pathway_event(impl.PlanAdvance(
        c.reader, AdvanceRequest{pathway, row.Get("action"), Optional(row, "date"), row.fields, actor, ""}, as));
  }
  if (type == "milestone") {
    return pathway_event(impl.PlanRecord(
        c.reader, RecordRequest{pathway, row.Get("action"), Optional(row, "date"), row.fields, actor, ""}, as));
  }
  if (type == "note") {
    return pathway_event(
        impl.PlanNote(c.reader, NoteRequest{pathway, row.Get("text"), Optional(row, "date"), actor, ""}, as));
  }
  if (type == "assignment") {
    return pathway_event(impl.PlanAssign(c.reader, AssignRequest{pathway, row.Get("referent"), actor, ""}, on_day));
  }
  if (type == "void") {
    VoidRequest req{pathway, row.Get("reason"), actor, 0, ""};
    if (!row.Has("voids")) return Status::Refused("no voids is given", "Give the number of the event voided.");
    PARCOURS_ASSIGN_OR_RETURN(req.seq, Number(row, "voids"));
    return pathway_event(impl.PlanVoid(c.reader, req, on_day));
  }
  // deadline_missed
  auto planned = impl.PlanDeadlineMissed(c.reader, pathway, row.Get("deadline"), as);
  if (!planned.ok()) return AsRowRefusal(planned.status());
  if (planned->result.event.seq == 0) {
    return Status::Refused("deadline " + EchoText(row.Get("deadline")) + " of " + pathway +
                               " is not open, already missed, or not passed on " + clock.today().iso(),
                           "Leave this row out: `parcours due` records missed deadlines itself.");
  }
  if (row.Has("date") && row.Get("date") != planned->result.event.date.iso()) {
    return Status::Refused("deadline " + row.Get("deadline") + " of " + pathway + " was missed on " +
                               planned->result.event.date.iso() + ", not " + row.Get("date"),
                           "Leave the date out, or give the day after the deadline.");
  }
  return pathway_event(std::move(planned));
}


}  // namespace

Status PlanRow(Engine::Impl& impl, BatchReader& reader, const std::string& importer, const Row& row,
               const Clock& clock) {
  return PlanRowIn(RowContext{impl, reader, importer}, row, clock);
}

}  // namespace parcours
