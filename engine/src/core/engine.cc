#include "parcours/engine.h"

#include <algorithm>
#include <set>

#include <boost/asio/post.hpp>

#include "core/keys.h"
#include "parcours/ids.h"
#include "parcours/text.h"
#include "parcours/workflow_loader.h"
#include "report/outcomes.h"

namespace parcours {
namespace {

constexpr int kMinAge = 14;
constexpr int kMaxAge = 100;
constexpr std::size_t kMaxNameBytes = 200;
constexpr int kMaxIdAttempts = 64;

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string JoinWords(const std::vector<std::string>& words, std::string_view sep = ", ") {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

Result<Json> ParseStoredJson(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string(what) + " does not decode: " + ex.what());
  }
}

// A text a person typed for a name-like value: trimmed, non-empty, clean.
Result<std::string> CleanLabel(std::string_view raw, std::string_view what, std::size_t max_bytes) {
  std::size_t b = 0, e = raw.size();
  while (b < e && raw[b] == ' ') ++b;
  while (e > b && raw[e - 1] == ' ') --e;
  std::string text(raw.substr(b, e - b));
  if (text.empty()) return Status::Refused(std::string(what) + " is empty", "Give a non-empty text.");
  if (text.size() > max_bytes || !IsCleanText(text)) {
    return Status::Refused(std::string(what) + " " + Quoted(text) + " is not valid",
                           "Use printable text of at most " + std::to_string(max_bytes) +
                               " bytes, without control characters.");
  }
  return text;
}

// Index entries implied by a pathway's state (not by its events).
std::vector<std::pair<std::string, std::string>> StateIndexEntries(const PathwayState& s) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back(keys::PersonPathway(s.person, s.enrolled.iso(), s.ordinal, s.id), "");
  if (!s.exited) {
    out.emplace_back(keys::ActiveOf(s.person, s.programme), s.id);
    out.emplace_back(keys::Open(s.programme, s.id), "");
    out.emplace_back(keys::Referent(s.referent, s.id), "");
  }
  return out;
}

// The report index entry of an effective dated event.
std::pair<std::string, std::string> DayIndexEntry(const PathwayState& s, const Event& e,
                                                  const Workflow& wf) {
  const Step* to = wf.find_step(e.to);
  Json value{{"action", e.action},
             {"kind", EventKindName(e.kind)},
             {"from", e.from},
             {"to", e.to},
             {"exit", e.kind == EventKind::kTransition && to && to->final},
             {"fields", e.fields}};
  return {keys::Day(s.programme, e.date.iso(), e.pathway, e.seq), value.dump()};
}

std::vector<std::string> Ids(const std::vector<const Transition*>& ts) {
  std::vector<std::string> out;
  for (const auto* t : ts) out.push_back(t->id);
  return out;
}
std::vector<std::string> Ids(const std::vector<const Milestone*>& ms) {
  std::vector<std::string> out;
  for (const auto* m : ms) out.push_back(m->id);
  return out;
}

// "From here you can: position, exit." (+ milestones), for refusals.
std::string NextMoves(const Workflow& wf, std::string_view step) {
  const auto ts = Ids(wf.transitions_from(step));
  const auto ms = Ids(wf.milestones_in(step));
  std::string out;
  if (!ts.empty()) out = "From here you can: " + JoinWords(ts) + ".";
  else out = "No transition is possible from " + wf.step_display(step) + ".";
  if (!ms.empty()) out += " Milestones you can record here: " + JoinWords(ms) + ".";
  return out;
}

}  // namespace

// ---- known person attributes -------------------------------------------------

const std::map<std::string, std::vector<std::string>>& KnownPersonAttributes() {
  static const std::map<std::string, std::vector<std::string>> kAttrs = {
      {"education", {"0", "1", "2", "3", "4", "5", "6", "7", "8"}},
      {"labour_status", {"unemployed", "long_term_unemployed", "inactive", "employed"}},
      {"rsa", {"yes", "no"}},
      {"rqth", {"yes", "no"}},
      {"qpv", {"yes", "no"}},
  };
  return kAttrs;
}

Json Person::ToJson() const {
  return Json{{"id", id},           {"name", name},   {"birth", birth.iso()},
              {"sex", sex},         {"attrs", attrs}, {"created", created},
              {"created_by", created_by}};
}

Result<Person> Person::FromJson(const Json& j) {
  try {
    Person p;
    p.id = j.at("id").get<std::string>();
    p.name = j.at("name").get<std::string>();
    auto birth = Date::ParseIso(j.at("birth").get<std::string>());
    if (!birth) return Status::Corruption("person " + p.id + " has a bad birth date");
    p.birth = *birth;
    p.sex = j.at("sex").get<std::string>();
    p.attrs = j.at("attrs").get<std::map<std::string, std::string>>();
    p.created = j.value("created", "");
    p.created_by = j.value("created_by", "");
    return p;
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("person does not decode: ") + ex.what());
  }
}

// ---- Impl ---------------------------------------------------------------------

struct Engine::Impl {
  Impl(Store& s, const Clock& c, std::shared_ptr<spdlog::logger> l, EventBus& b,
       boost::asio::io_context& i, const PluginRegistry* p)
      : store(s), clock(c), log(std::move(l)), bus(b), io(i), plugins(p) {}

  Store& store;
  const Clock& clock;
  std::shared_ptr<spdlog::logger> log;
  EventBus& bus;
  boost::asio::io_context& io;
  const PluginRegistry* plugins;

  std::mutex write_mu;  // one writer at a time: read-check-write sequences stay valid
  std::mt19937_64 rng{std::random_device{}()};
  mutable std::mutex cache_mu;
  mutable std::map<std::pair<std::string, int>, std::shared_ptr<const Workflow>> workflows;

  Result<std::optional<Json>> GetJson(Domain d, std::string_view key, std::string_view what) const {
    PARCOURS_ASSIGN_OR_RETURN(auto raw, store.Get(d, key));
    if (!raw) return std::optional<Json>();
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseStoredJson(*raw, what));
    return std::optional<Json>(std::move(j));
  }

  Result<std::string> UnusedId(char prefix, Domain domain) {
    for (int i = 0; i < kMaxIdAttempts; ++i) {
      std::string id = NewId(prefix, rng);
      PARCOURS_ASSIGN_OR_RETURN(auto existing, store.Get(domain, id));
      if (!existing) return id;
    }
    return Status::Internal("could not find an unused id");
  }

  Result<std::string> PathwayId(std::string_view typed) const {
    auto id = NormalizeId(kPathwayPrefix, typed);
    if (!id) {
      return Status::NotFound("no pathway " + Quoted(typed),
                              "Pathway ids look like W-3F8Q4 (see `parcours caseload`).");
    }
    return *id;
  }

  Result<PathwayState> LoadState(std::string_view typed) const {
    PARCOURS_ASSIGN_OR_RETURN(std::string id, PathwayId(typed));
    PARCOURS_ASSIGN_OR_RETURN(auto j, GetJson(Domain::kPathways, id, "pathway"));
    if (!j) return Status::NotFound("no pathway " + id, "See `parcours caseload` for your pathways.");
    return PathwayState::FromJson(*j);
  }

  Result<std::vector<Event>> LoadEvents(const std::string& pathway) const {
    std::vector<Event> events;
    Status decode;
    PARCOURS_RETURN_IF_ERROR(store.ScanPrefix(
        Domain::kEvents, keys::EventPrefix(pathway), [&](std::string_view, std::string_view v) {
          auto j = ParseStoredJson(v, "event");
          if (!j.ok()) { decode = j.status(); return false; }
          auto e = Event::FromJson(*j);
          if (!e.ok()) { decode = e.status(); return false; }
          events.push_back(std::move(*e));
          return true;
        }));
    PARCOURS_RETURN_IF_ERROR(decode);
    return events;
  }

  // The effective date of a new event on a pathway whose latest dated event is
  // `after` (nullopt for an enrolment).
  Result<Date> EventDate(std::string_view raw, std::optional<Date> after) const {
    const Date today = clock.today();
    Date date = today;
    if (!raw.empty()) {
      auto parsed = ParseUserDate(raw, clock);
      if (!parsed) {
        return Status::Refused("date " + Quoted(raw) + " is not valid",
                               "Use YYYY-MM-DD, today or yesterday.");
      }
      date = *parsed;
    }
    if (date > today) {
      return Status::Refused("date " + date.iso() + " is in the future",
                             "Use today (" + today.iso() + ") or an earlier date.");
    }
    if (after && date < *after) {
      return Status::Refused("date " + date.iso() + " is before the pathway's latest event (" +
                                 after->iso() + ")",
                             "Use " + after->iso() + " or a later date, up to today.");
    }
    return date;
  }

  // Commits `event` and the move of the pathway from `before` (nullopt for an
  // enrolment) to `after`, with every index it touches, in one write batch.
  // `day_removed` lists report-index keys that stop being effective (voids).
  Status Commit(const std::optional<PathwayState>& before, const PathwayState& after,
                const Event& event, const Workflow& wf,
                const std::vector<std::string>& day_removed = {},
                const std::vector<std::string>& notify = {}) {
    WriteBatch batch;
    batch.Put(Domain::kEvents, keys::Event(event.pathway, event.seq), event.ToJson().dump());
    batch.Put(Domain::kPathways, after.id, after.ToJson().dump());

    const auto new_entries = StateIndexEntries(after);
    if (before) {
      const auto old_entries = StateIndexEntries(*before);
      for (const auto& [k, v] : old_entries) {
        const bool kept = std::any_of(new_entries.begin(), new_entries.end(),
                                      [&](const auto& n) { return n.first == k; });
        if (!kept) batch.Delete(Domain::kIndexes, k);
      }
    }
    for (const auto& [k, v] : new_entries) batch.Put(Domain::kIndexes, k, v);
    if (IsDatedPathwayEvent(event.kind)) {
      auto [k, v] = DayIndexEntry(after, event, wf);
      batch.Put(Domain::kIndexes, k, v);
    }
    for (const auto& k : day_removed) batch.Delete(Domain::kIndexes, k);

    PARCOURS_RETURN_IF_ERROR(store.Write(batch));
    if (log) log->info("{} #{} {} by {} ({})", event.pathway, event.seq, event.action, event.actor,
                       event.date.iso());
    bus.Publish(event);
    Notify(notify, event, after.programme);
    return Status::Ok();
  }

  // Runs the after-commit plugin actions of a committed event on the
  // io_context. The event is stored whatever they do: failures are logged.
  void Notify(const std::vector<std::string>& actions, const Event& event, const std::string& programme) {
    if (actions.empty()) return;
    Json input = event.ToJson();
    input["programme"] = programme;
    for (const auto& name : actions) {
      boost::asio::post(io, [this, name, input] {
        Status s = plugins ? plugins->RunAfterCommit(name, input)
                           : Status::Refused("action " + name + " is not available: no plugin is loaded");
        if (!s.ok() && log) log->error("after {} #{}: {}", input.value("pathway", ""), input.value("seq", 0), s.message());
      });
    }
  }

  // The rule context of a command (docs/workflow-format.md, "Rule context"):
  // what conditions and plugin hooks see. `state` is null for an enrolment.
  Result<Json> RuleContext(const Workflow& wf, int version, const PathwayState* state, const Event& e,
                           const Person& person, Date person_birth) const {
    Json history = Json::array();
    if (state) {
      PARCOURS_ASSIGN_OR_RETURN(auto events, LoadEvents(state->id));
      const auto voided = VoidedSeqs(events);
      for (const auto& past : events) {
        if (past.kind == EventKind::kVoid || std::binary_search(voided.begin(), voided.end(), past.seq)) continue;
        history.push_back({{"seq", past.seq}, {"action", past.action}, {"kind", EventKindName(past.kind)},
                           {"date", past.date.iso()}, {"from", past.from}, {"to", past.to}, {"fields", past.fields}});
      }
    }
    const Json entry = state ? state->entry
                             : Json{{"sex", person.sex}, {"age", age_on(person_birth, e.date)},
                                    {"attrs", person.attrs}, {"fields", e.fields}};
    auto iso_or_null = [](std::optional<Date> d) { return d ? Json(d->iso()) : Json(); };
    Json ctx = {{"programme", wf.id},
                {"version", version},
                {"pathway", state ? Json(state->id) : Json()},
                {"action", e.action},
                {"kind", EventKindName(e.kind)},
                {"from", state ? Json(e.from) : Json()},
                {"to", e.to},
                {"step", state ? Json(state->step) : Json()},
                {"date", e.date.iso()},
                {"today", clock.today().iso()},
                {"enrolled", state ? state->enrolled.iso() : e.date.iso()},
                {"step_since", iso_or_null(state ? std::optional(state->step_since) : std::optional(e.date))},
                {"last_event", iso_or_null(state ? std::optional(state->last_event) : std::nullopt)},
                {"referent", state ? state->referent : e.data.value("referent", "")},
                {"actor", e.actor},
                {"entry", entry},
                {"person", {{"sex", entry.value("sex", "")},
                            {"age", person.id.empty() ? entry.value("age", 0) : age_on(person_birth, e.date)},
                            {"attrs", entry.value("attrs", Json::object())}}},
                {"history", std::move(history)}};
    SetFields(ctx, e.fields);
    return ctx;
  }

  // Puts `fields` in the context, under "fields" and at the top level.
  static void SetFields(Json& ctx, const Json& fields) {
    ctx["fields"] = fields;
    for (const auto& [k, v] : fields.items()) ctx[k] = v;
  }

  // Guards, then derived fields (added to e.fields). A refusal or a failing
  // rule stops the command before anything is written.
  Status ApplyRules(const ActionRules& rules, const Workflow& wf, Json& ctx, Event& e) const {
    for (const auto& guard : rules.guards) {
      if (guard.when) {
        PARCOURS_ASSIGN_OR_RETURN(bool holds, guard.when->Test(ctx));
        if (!holds) {
          return Status::Refused(guard.message, "(rule of programme " + Quoted(wf.id) + ": " +
                                                    guard.when->source() + ")");
        }
      } else {
        PARCOURS_RETURN_IF_ERROR(plugins ? plugins->RunGuard(guard.plugin, ctx)
                                         : Status::Refused("guard " + guard.plugin + " is not available: no plugin is loaded",
                                                           "Nothing was written. See `parcours plugins list`."));
      }
    }
    for (const auto& d : rules.derive) {
      if (!d.plugin.empty()) {
        if (!plugins) {
          return Status::Refused("action " + d.plugin + " is not available: no plugin is loaded",
                                 "Nothing was written. See `parcours plugins list`.");
        }
        PARCOURS_ASSIGN_OR_RETURN(Json added, plugins->RunBeforeCommit(d.plugin, ctx));
        for (const auto& [k, v] : added.items()) {
          if (e.fields.contains(k) || ctx.contains(k)) {
            return Status::Refused("plugin action " + d.plugin + " tried to set field " + Quoted(k) +
                                       ", which already exists",
                                   "Nothing was written. Tell the programme's administrator.");
          }
          if (!v.is_string() && !v.is_number_integer() && !v.is_boolean()) {
            return Status::Refused("plugin action " + d.plugin + " gave field " + Quoted(k) +
                                       " a value that is not a text, whole number or boolean",
                                   "Nothing was written. Tell the programme's administrator.");
          }
          e.fields[k] = v;
        }
      } else {
        for (const auto& rule : d.rules) {
          bool holds = true;
          if (rule.when) {
            PARCOURS_ASSIGN_OR_RETURN(holds, rule.when->Test(ctx));
          }
          if (holds) {
            e.fields[d.field] = rule.value;
            break;
          }
        }
      }
      SetFields(ctx, e.fields);
    }
    return Status::Ok();
  }

  // ApplyRules for an event on an existing pathway.
  Status CheckRules(const ActionRules& rules, const Workflow& wf, const PathwayState& state, Event& e) const {
    if (rules.empty()) return Status::Ok();
    Person person;
    Date birth;
    auto p = GetPersonRecord(state.person);
    if (p.ok()) {
      person = std::move(*p);
      birth = person.birth;
    } else if (!p.status().IsNotFound()) {
      return p.status();
    }
    PARCOURS_ASSIGN_OR_RETURN(Json ctx, RuleContext(wf, state.version, &state, e, person, birth));
    return ApplyRules(rules, wf, ctx, e);
  }

  Result<Person> GetPersonRecord(const std::string& id) const {
    PARCOURS_ASSIGN_OR_RETURN(auto j, GetJson(Domain::kPersons, id, "person"));
    if (!j) return Status::NotFound("no person " + id);
    return Person::FromJson(*j);
  }

  Result<CommandResult> Done(Event event, PathwayState state, std::shared_ptr<const Workflow> wf) {
    CommandResult r;
    r.next_transitions = Ids(wf->transitions_from(state.step));
    r.next_milestones = Ids(wf->milestones_in(state.step));
    r.event = std::move(event);
    r.state = std::move(state);
    r.workflow = std::move(wf);
    return r;
  }

  Event NewEvent(const PathwayState& s, EventKind kind, std::string action, const std::string& actor) {
    Event e;
    e.pathway = s.id;
    e.seq = s.last_seq + 1;
    e.kind = kind;
    e.action = std::move(action);
    e.from = s.step;
    e.to = s.step;
    e.date = clock.today();
    e.recorded = clock.now_timestamp();
    e.actor = actor;
    return e;
  }
};

// ---- Engine ---------------------------------------------------------------------

Engine::Engine(Store& store, const Clock& clock, boost::asio::io_context& io,
               std::shared_ptr<spdlog::logger> log, const PluginRegistry* plugins)
    : store_(store), clock_(clock), log_(log), plugins_(plugins), bus_(io, log),
      impl_(std::make_unique<Impl>(store, clock, log, bus_, io, plugins)) {}

Engine::~Engine() = default;

// ---- programmes -------------------------------------------------------------

Result<InstallResult> Engine::InstallProgramme(std::string_view yaml, const std::string& source,
                                               const std::string& actor) {
  WorkflowLoad load = LoadWorkflowText(yaml, source, plugins_);
  if (!load.problems.empty()) {
    std::string lines;
    for (const auto& p : load.problems) lines += (lines.empty() ? "" : "\n") + p.ToString();
    const std::size_t n = load.problems.size();
    return Status::Refused(source + " is not a valid workflow (" + std::to_string(n) +
                               (n == 1 ? " problem):" : " problems):"),
                           lines);
  }
  const Workflow& wf = *load.workflow;
  const Json canonical = wf.to_json();

  std::lock_guard lock(impl_->write_mu);
  int latest = 0;
  PARCOURS_ASSIGN_OR_RETURN(auto head, store_.Get(Domain::kProgrammes, keys::ProgrammeHead(wf.id)));
  if (head) {
    latest = std::stoi(*head);
    PARCOURS_ASSIGN_OR_RETURN(auto def, impl_->GetJson(Domain::kProgrammes,
                                                       keys::ProgrammeDef(wf.id, latest), "programme"));
    if (def && def->value("canonical", Json()) == canonical) {
      PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(wf.id));
      return InstallResult{info, false};
    }
  }
  const int version = latest + 1;
  Json def{{"id", wf.id},
           {"label", wf.label},
           {"version", version},
           {"yaml", std::string(yaml)},
           {"canonical", canonical},
           {"source", source},
           {"installed", clock_.now_timestamp()},
           {"installed_by", actor}};
  WriteBatch batch;
  batch.Put(Domain::kProgrammes, keys::ProgrammeDef(wf.id, version), def.dump());
  batch.Put(Domain::kProgrammes, keys::ProgrammeHead(wf.id), std::to_string(version));
  PARCOURS_RETURN_IF_ERROR(store_.Write(batch));
  if (log_) log_->info("programme {} v{} installed from {} by {}", wf.id, version, source, actor);
  PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(wf.id));
  return InstallResult{info, true};
}

Result<ProgrammeInfo> Engine::GetProgrammeInfo(const std::string& id) const {
  PARCOURS_ASSIGN_OR_RETURN(auto head, store_.Get(Domain::kProgrammes, keys::ProgrammeHead(id)));
  if (!head) {
    PARCOURS_ASSIGN_OR_RETURN(auto all, ListProgrammes());
    std::vector<std::string> ids;
    for (const auto& p : all) ids.push_back(p.id);
    return Status::NotFound("no programme " + Quoted(id),
                            ids.empty() ? "No programme is installed yet: use `parcours programme "
                                          "install FILE`."
                                        : "Installed programmes: " + JoinWords(ids) + ".");
  }
  const int version = std::stoi(*head);
  PARCOURS_ASSIGN_OR_RETURN(auto def, impl_->GetJson(Domain::kProgrammes,
                                                     keys::ProgrammeDef(id, version), "programme"));
  if (!def) return Status::Corruption("programme " + id + " has no version " + *head);
  ProgrammeInfo info;
  info.id = id;
  info.label = def->value("label", id);
  info.version = version;
  info.installed = def->value("installed", "");
  info.installed_by = def->value("installed_by", "");
  info.source = def->value("source", "");
  return info;
}

Result<std::vector<ProgrammeInfo>> Engine::ListProgrammes() const {
  std::vector<std::string> ids;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kProgrammes, keys::ProgrammeHeadPrefix(), [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(keys::ProgrammeHeadPrefix().size()));
        return true;
      }));
  std::vector<ProgrammeInfo> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(id));
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::shared_ptr<const Workflow>> Engine::GetWorkflow(const std::string& id, int version) const {
  if (version == 0) {
    PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(id));
    version = info.version;
  }
  {
    std::lock_guard lock(impl_->cache_mu);
    auto it = impl_->workflows.find({id, version});
    if (it != impl_->workflows.end()) return it->second;
  }
  PARCOURS_ASSIGN_OR_RETURN(auto def, impl_->GetJson(Domain::kProgrammes,
                                                     keys::ProgrammeDef(id, version), "programme"));
  if (!def) {
    PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(id));
    return Status::NotFound("programme " + Quoted(id) + " has no version " + std::to_string(version),
                            info.version == 1 ? "It has version 1 only."
                                              : "Its versions are 1 to " + std::to_string(info.version) + ".");
  }
  WorkflowLoad load = LoadWorkflowText(def->value("yaml", ""), def->value("source", id), plugins_,
                                       /*check_plugins=*/false);
  if (!load.workflow) {
    return Status::Corruption("stored programme " + id + " v" + std::to_string(version) +
                              " no longer loads: " + load.problems.front().ToString());
  }
  auto wf = std::make_shared<const Workflow>(std::move(*load.workflow));
  std::lock_guard lock(impl_->cache_mu);
  impl_->workflows[{id, version}] = wf;
  return wf;
}

// ---- persons --------------------------------------------------------------------

Result<Person> Engine::AddPerson(const AddPersonRequest& req) {
  Person p;
  PARCOURS_ASSIGN_OR_RETURN(p.name, CleanLabel(req.name, "name", kMaxNameBytes));
  const std::string folded = FoldName(p.name);
  if (folded.empty()) return Status::Refused("name " + Quoted(req.name) + " has no letters");

  auto birth = Date::ParseIso(req.birth);
  if (!birth) {
    return Status::Refused("birth date " + Quoted(req.birth) + " is not valid",
                           "Use YYYY-MM-DD, e.g. 1991-04-02.");
  }
  const int age = age_on(*birth, clock_.today());
  if (age < kMinAge || age > kMaxAge) {
    return Status::Refused("birth date " + birth->iso() + " gives an age of " + std::to_string(age),
                           "Persons are " + std::to_string(kMinAge) + " to " +
                               std::to_string(kMaxAge) + " years old.");
  }
  p.birth = *birth;

  if (req.sex != "F" && req.sex != "M" && req.sex != "X") {
    return Status::Refused("sex " + Quoted(req.sex) + " is not valid",
                           "Use F, M or X (not stated / other).");
  }
  p.sex = req.sex;

  const auto& known = KnownPersonAttributes();
  for (const auto& [key, value] : req.attrs) {
    auto it = known.find(key);
    if (it == known.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : known) names.push_back(k);
      return Status::Refused("unknown attribute " + Quoted(key),
                             "Known attributes: " + JoinWords(names) + ".");
    }
    if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
      const std::string allowed = key == "education"
                                      ? "an ISCED level from 0 to 8"
                                      : "one of " + JoinWords(it->second);
      return Status::Refused("attribute " + key + ": " + Quoted(value) + " is not valid",
                             "Use " + allowed + ".");
    }
    p.attrs[key] = value;
  }

  std::lock_guard lock(impl_->write_mu);
  std::string existing;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kIndexes, keys::NameBirthPrefix(folded, p.birth.iso()),
      [&](std::string_view k, std::string_view) {
        existing = std::string(k.substr(keys::NameBirthPrefix(folded, p.birth.iso()).size()));
        return false;
      }));
  if (!existing.empty() && !req.allow_duplicate) {
    PARCOURS_ASSIGN_OR_RETURN(Person other, GetPerson(existing));
    return Status::Refused("a person named " + other.name + " born " + p.birth.iso() +
                               " already exists: " + existing,
                           "Use " + existing +
                               ", or add --allow-duplicate if this is another person.");
  }

  PARCOURS_ASSIGN_OR_RETURN(p.id, impl_->UnusedId(kPersonPrefix, Domain::kPersons));
  p.created = clock_.now_timestamp();
  p.created_by = req.actor;

  WriteBatch batch;
  batch.Put(Domain::kPersons, p.id, p.ToJson().dump());
  batch.Put(Domain::kIndexes, keys::NameBirth(folded, p.birth.iso(), p.id), "");
  for (const auto& token : NameTokens(folded)) batch.Put(Domain::kIndexes, keys::NameToken(token, p.id), "");
  PARCOURS_RETURN_IF_ERROR(store_.Write(batch));
  if (log_) log_->info("person {} added by {}", p.id, req.actor);
  return p;
}

Result<Person> Engine::GetPerson(const std::string& typed) const {
  auto id = NormalizeId(kPersonPrefix, typed);
  if (!id) {
    return Status::NotFound("no person " + Quoted(typed),
                            "Person ids look like P-7K2M9 (see `parcours person find NAME`).");
  }
  PARCOURS_ASSIGN_OR_RETURN(auto j, impl_->GetJson(Domain::kPersons, *id, "person"));
  if (!j) return Status::NotFound("no person " + *id, "Search by name with `parcours person find NAME`.");
  return Person::FromJson(*j);
}

Result<std::vector<Person>> Engine::FindPersons(const std::string& text) const {
  const auto query = NameTokens(FoldName(text));
  if (query.empty()) return Status::Refused("nothing to search for", "Give part of a name, e.g. `diallo`.");
  // Scan the index of the longest (most selective) word, check the others.
  const std::string& lead = *std::max_element(
      query.begin(), query.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  std::set<std::string> candidates;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kIndexes, keys::NameTokenPrefix(lead), [&](std::string_view k, std::string_view) {
        candidates.emplace(k.substr(k.rfind('\0') + 1));
        return true;
      }));
  std::vector<Person> found;
  for (const auto& id : candidates) {
    PARCOURS_ASSIGN_OR_RETURN(auto person, GetPerson(id));
    const auto words = NameTokens(FoldName(person.name));
    const bool all = std::all_of(query.begin(), query.end(), [&](const std::string& q) {
      return std::any_of(words.begin(), words.end(),
                         [&](const std::string& w) { return w.compare(0, q.size(), q) == 0; });
    });
    if (all) found.push_back(std::move(person));
  }
  std::sort(found.begin(), found.end(), [](const Person& a, const Person& b) {
    return std::pair(FoldName(a.name), a.id) < std::pair(FoldName(b.name), b.id);
  });
  return found;
}

Result<std::vector<PathwayState>> Engine::PathwaysOfPerson(const std::string& person_id) const {
  std::vector<std::string> ids;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kIndexes, keys::PersonPathwayPrefix(person_id), [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(k.rfind('\0') + 1));
        return true;
      }));
  std::vector<PathwayState> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto s, impl_->LoadState(id));
    out.push_back(std::move(s));
  }
  return out;
}

// ---- pathway commands --------------------------------------------------------------

Result<CommandResult> Engine::Enroll(const EnrollRequest& req) {
  PARCOURS_ASSIGN_OR_RETURN(Person person, GetPerson(req.person));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(req.programme));
  PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(req.programme));
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(wf->enrolment_fields, req.fields,
                                           "enrolment in " + Quoted(wf->id), plugins_));
  PARCOURS_ASSIGN_OR_RETURN(std::string referent,
                            CleanLabel(req.referent.empty() ? req.actor : req.referent,
                                       "referent", kMaxNameBytes));

  std::lock_guard lock(impl_->write_mu);
  PARCOURS_ASSIGN_OR_RETURN(auto active, store_.Get(Domain::kIndexes, keys::ActiveOf(person.id, wf->id)));
  if (active) {
    return Status::Refused(person.id + " already has an active pathway in " + Quoted(wf->id) + ": " +
                               *active,
                           "Continue " + *active + ", or exit it before enrolling again.");
  }
  // A re-entry starts on or after the end of the person's previous pathways
  // in this programme, so that pathways never overlap.
  std::optional<Date> previous_end;
  std::string previous_id;
  PARCOURS_ASSIGN_OR_RETURN(auto previous, PathwaysOfPerson(person.id));
  for (const auto& p : previous) {
    if (p.programme == wf->id && (!previous_end || p.last_event > *previous_end)) {
      previous_end = p.last_event;
      previous_id = p.id;
    }
  }
  PARCOURS_ASSIGN_OR_RETURN(Date date, impl_->EventDate(req.date, std::nullopt));
  if (previous_end && date < *previous_end) {
    return Status::Refused("date " + date.iso() + " is before the end of " + person.id + "'s previous pathway " +
                               previous_id + " in " + Quoted(wf->id) + " (" + previous_end->iso() + ")",
                           "Re-enter on " + previous_end->iso() + " or later, up to today.");
  }
  const int age = age_on(person.birth, date);
  if (date < person.birth) {
    return Status::Refused(person.id + " was not born yet on " + date.iso() + " (born " + person.birth.iso() + ")",
                           "Check the enrolment date.");
  }
  if (age < kMinAge || age > kMaxAge) {
    return Status::Refused(person.id + " would be " + std::to_string(age) + " on " + date.iso(),
                           "Persons are enrolled between " + std::to_string(kMinAge) + " and " +
                               std::to_string(kMaxAge) + " years old; check the birth date or the date.");
  }

  PathwayState empty;
  PARCOURS_ASSIGN_OR_RETURN(empty.id, impl_->UnusedId(kPathwayPrefix, Domain::kPathways));
  Event e = impl_->NewEvent(empty, EventKind::kEnroll, "enroll", req.actor);
  e.from = "";
  e.to = wf->initial_step()->id;
  e.date = date;
  e.fields = std::move(fields);
  e.data = Json{{"person", person.id}, {"programme", wf->id}, {"version", info.version}, {"referent", referent}};
  PARCOURS_ASSIGN_OR_RETURN(Json ctx, impl_->RuleContext(*wf, info.version, nullptr, e, person, person.birth));
  PARCOURS_RETURN_IF_ERROR(impl_->ApplyRules(wf->enrolment_rules, *wf, ctx, e));
  PathwayState state;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(state, e, *wf));
  // Entry attributes live in the pathway state only, never in the immutable
  // log, so that they can be erased with the person's data.
  state.entry = Json{{"sex", person.sex}, {"age", age}, {"attrs", person.attrs}, {"fields", e.fields}};
  state.ordinal = static_cast<uint32_t>(previous.size()) + 1;
  PARCOURS_RETURN_IF_ERROR(impl_->Commit(std::nullopt, state, e, *wf, {}, wf->enrolment_rules.notify));
  return impl_->Done(std::move(e), std::move(state), wf);
}

Result<CommandResult> Engine::Advance(const AdvanceRequest& req) {
  std::lock_guard lock(impl_->write_mu);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState before, impl_->LoadState(req.pathway));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(before.programme, before.version));
  const Transition* t = wf->find_transition(req.transition);
  const auto possible = wf->transitions_from(before.step);
  if (!t) {
    std::string hint = NextMoves(*wf, before.step);
    if (wf->find_milestone(req.transition)) {
      hint = Quoted(req.transition) + " is a milestone: use `parcours record " + before.id + " " +
             req.transition + "`. " + hint;
    }
    return Status::Refused("programme " + Quoted(wf->id) + " has no transition " +
                               Quoted(req.transition),
                           hint);
  }
  if (std::find(possible.begin(), possible.end(), t) == possible.end()) {
    return Status::Refused(Quoted(t->id) + " is not possible from " + wf->step_display(before.step) +
                               (before.exited ? ": the pathway has exited" : ""),
                           NextMoves(*wf, before.step));
  }
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(t->fields, req.fields, "transition " + Quoted(t->id), plugins_));
  PARCOURS_ASSIGN_OR_RETURN(Date date, impl_->EventDate(req.date, before.last_event));

  Event e = impl_->NewEvent(before, EventKind::kTransition, t->id, req.actor);
  e.to = t->to;
  e.date = date;
  e.fields = std::move(fields);
  PARCOURS_RETURN_IF_ERROR(impl_->CheckRules(t->rules, *wf, before, e));
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_RETURN_IF_ERROR(impl_->Commit(before, after, e, *wf, {}, t->rules.notify));
  return impl_->Done(std::move(e), std::move(after), wf);
}

Result<CommandResult> Engine::Record(const RecordRequest& req) {
  std::lock_guard lock(impl_->write_mu);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState before, impl_->LoadState(req.pathway));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(before.programme, before.version));
  const Milestone* m = wf->find_milestone(req.milestone);
  if (!m) {
    std::string hint = NextMoves(*wf, before.step);
    if (wf->find_transition(req.milestone)) {
      hint = Quoted(req.milestone) + " is a transition: use `parcours advance " + before.id + " " +
             req.milestone + "`. " + hint;
    }
    return Status::Refused("programme " + Quoted(wf->id) + " has no milestone " +
                               Quoted(req.milestone),
                           hint);
  }
  if (std::find(m->steps.begin(), m->steps.end(), before.step) == m->steps.end()) {
    std::vector<std::string> where;
    for (const auto& s : m->steps) where.push_back(wf->step_display(s));
    return Status::Refused(Quoted(m->id) + " cannot be recorded in " + wf->step_display(before.step),
                           Quoted(m->id) + " is recorded in: " + JoinWords(where) + ". " +
                               NextMoves(*wf, before.step));
  }
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(m->fields, req.fields, "milestone " + Quoted(m->id), plugins_));
  PARCOURS_ASSIGN_OR_RETURN(Date date, impl_->EventDate(req.date, before.last_event));

  Event e = impl_->NewEvent(before, EventKind::kMilestone, m->id, req.actor);
  e.date = date;
  e.fields = std::move(fields);
  PARCOURS_RETURN_IF_ERROR(impl_->CheckRules(m->rules, *wf, before, e));
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_RETURN_IF_ERROR(impl_->Commit(before, after, e, *wf, {}, m->rules.notify));
  return impl_->Done(std::move(e), std::move(after), wf);
}

Result<CommandResult> Engine::Void(const VoidRequest& req) {
  PARCOURS_ASSIGN_OR_RETURN(std::string reason, CleanLabel(req.reason, "reason", 500));
  std::lock_guard lock(impl_->write_mu);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState before, impl_->LoadState(req.pathway));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(before.programme, before.version));
  PARCOURS_ASSIGN_OR_RETURN(std::vector<Event> events, impl_->LoadEvents(before.id));

  // The latest event that is neither a void nor already voided.
  const auto voided = VoidedSeqs(events);
  const Event* target = nullptr;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->kind == EventKind::kVoid || std::binary_search(voided.begin(), voided.end(), it->seq)) continue;
    target = &*it;
    break;
  }
  if (!target || target->kind == EventKind::kEnroll) {
    return Status::Refused("the enrolment of " + before.id + " cannot be voided",
                           "Only later events can be voided. To close a pathway opened by mistake, "
                           "use `parcours advance " + before.id + " exit --field reason=other`.");
  }

  Event e = impl_->NewEvent(before, EventKind::kVoid, "void", req.actor);
  e.data = Json{{"voids", target->seq}, {"voided_action", target->action}, {"reason", reason}};
  std::vector<Event> replay = events;
  replay.push_back(e);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState after, ReplayPathway(replay, *wf));
  after.entry = before.entry;
  after.ordinal = before.ordinal;
  e.to = after.step;

  if (before.exited && !after.exited) {
    PARCOURS_ASSIGN_OR_RETURN(auto other, store_.Get(Domain::kIndexes,
                                                     keys::ActiveOf(after.person, after.programme)));
    if (other && *other != before.id) {
      return Status::Refused("voiding the exit would reopen " + before.id + " while " + after.person +
                                 " has another active pathway in " + Quoted(after.programme) +
                                 ": " + *other,
                             "Exit or void " + *other + " first.");
    }
  }
  std::vector<std::string> day_removed;
  if (IsDatedPathwayEvent(target->kind)) {
    day_removed.push_back(keys::Day(before.programme, target->date.iso(), before.id, target->seq));
  }
  PARCOURS_RETURN_IF_ERROR(impl_->Commit(before, after, e, *wf, day_removed));
  return impl_->Done(std::move(e), std::move(after), wf);
}

Result<CommandResult> Engine::Assign(const AssignRequest& req) {
  PARCOURS_ASSIGN_OR_RETURN(std::string referent, CleanLabel(req.referent, "referent", kMaxNameBytes));
  std::lock_guard lock(impl_->write_mu);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState before, impl_->LoadState(req.pathway));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(before.programme, before.version));
  if (referent == before.referent) {
    return Status::Refused(referent + " is already the referent of " + before.id,
                           "Give the name of another referent.");
  }
  Event e = impl_->NewEvent(before, EventKind::kAssign, "assign", req.actor);
  e.data = Json{{"referent", referent}, {"previous", before.referent}};
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_RETURN_IF_ERROR(impl_->Commit(before, after, e, *wf));
  return impl_->Done(std::move(e), std::move(after), wf);
}

// ---- reads ----------------------------------------------------------------------------

Result<PathwayView> Engine::GetPathway(const std::string& id) const {
  PathwayView view;
  PARCOURS_ASSIGN_OR_RETURN(view.state, impl_->LoadState(id));
  PARCOURS_ASSIGN_OR_RETURN(view.workflow, GetWorkflow(view.state.programme, view.state.version));
  PARCOURS_ASSIGN_OR_RETURN(view.events, impl_->LoadEvents(view.state.id));
  view.voided = VoidedSeqs(view.events);
  auto person = GetPerson(view.state.person);
  if (person.ok()) view.person = std::move(*person);
  else if (!person.status().IsNotFound()) return person.status();
  return view;
}

Result<std::vector<CaseloadEntry>> Engine::Caseload(const CaseloadQuery& q) const {
  if (!q.step.empty()) {
    // The step must exist in the programme asked for, or in some installed one.
    std::vector<std::string> programmes = {q.programme};
    if (q.programme.empty()) {
      programmes.clear();
      PARCOURS_ASSIGN_OR_RETURN(auto all, ListProgrammes());
      for (const auto& p : all) programmes.push_back(p.id);
    }
    std::vector<std::string> steps;  // in pathway order, each once
    for (const auto& id : programmes) {
      PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(id));
      for (const auto& s : wf->steps)
        if (std::find(steps.begin(), steps.end(), s.id) == steps.end()) steps.push_back(s.id);
    }
    if (std::find(steps.begin(), steps.end(), q.step) == steps.end()) {
      return Status::Refused(q.programme.empty()
                                 ? "no installed programme has a step " + Quoted(q.step)
                                 : "programme " + Quoted(q.programme) + " has no step " + Quoted(q.step),
                             "Steps: " + JoinWords(steps) + ".");
    }
  } else if (!q.programme.empty()) {
    PARCOURS_RETURN_IF_ERROR(GetProgrammeInfo(q.programme).status());
  }
  std::vector<std::string> ids;
  const std::string prefix =
      q.referent.empty() ? keys::OpenPrefix(q.programme) : keys::ReferentPrefix(q.referent);
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(Domain::kIndexes, prefix,
                                             [&](std::string_view k, std::string_view) {
                                               ids.emplace_back(k.substr(k.rfind('\0') + 1));
                                               return true;
                                             }));
  const Date today = clock_.today();
  std::vector<CaseloadEntry> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto s, impl_->LoadState(id));
    if (!q.programme.empty() && s.programme != q.programme) continue;
    if (!q.step.empty() && s.step != q.step) continue;
    CaseloadEntry entry;
    entry.days_in_step = s.step_since.days_until(today);
    entry.days_since_last_event = s.last_event.days_until(today);
    auto person = GetPerson(s.person);
    if (person.ok()) entry.person_name = person->name;
    entry.state = std::move(s);
    out.push_back(std::move(entry));
  }
  // Longest without contact first: who needs seeing.
  std::sort(out.begin(), out.end(), [](const CaseloadEntry& a, const CaseloadEntry& b) {
    if (a.days_since_last_event != b.days_since_last_event)
      return a.days_since_last_event > b.days_since_last_event;
    return a.state.id < b.state.id;
  });
  return out;
}

Result<OutcomesReport> Engine::Outcomes(const OutcomesQuery& q) const {
  PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(q.programme));
  auto from = Date::ParseIso(q.from);
  auto to = Date::ParseIso(q.to);
  if (!from) return Status::Refused("--from " + Quoted(q.from) + " is not a valid date", "Use YYYY-MM-DD.");
  if (!to) return Status::Refused("--to " + Quoted(q.to) + " is not a valid date", "Use YYYY-MM-DD.");
  if (*to < *from) {
    return Status::Refused("the period ends (" + to->iso() + ") before it starts (" + from->iso() + ")",
                           "Give --from on or before --to.");
  }
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(info.id));
  return ComputeOutcomes(store_, *wf, *from, *to);
}

}  // namespace parcours
