#include "parcours/engine.h"

#include <algorithm>

#include "core/engine_impl.h"
#include "core/users.h"
#include "parcours/workflow_loader.h"

namespace parcours {

// ---- Engine ---------------------------------------------------------------------

Engine::Engine(Store& store, const Clock& clock, boost::asio::io_context& io,
               std::shared_ptr<spdlog::logger> log, const PluginRegistry* plugins)
    : store_(store), clock_(clock), log_(log), plugins_(plugins), bus_(io, log),
      impl_(std::make_unique<Impl>(store, clock, log, bus_, io, plugins)) {
  // Plugins read pathways through this engine while it lives (Host::ReadPathway,
  // docs/plugins.md). A hook called while a command is planned reads the
  // latest committed state, not the command's own.
  // A writer first migrates a store of an earlier format (core/migrate.cc);
  // if it cannot, it writes nothing.
  if (Status s = impl_->MigrateStore(); !s.ok()) {
    if (log_) log_->error("{}", s.message());
    impl_->committer_status = s;
  }
  // A writer forgets request ids past their days (docs/architecture.md).
  if (Status s = impl_->ForgetOldRequests(); !s.ok() && log_) log_->warn("forgetting old request ids: {}", s.message());
  if (Status s = impl_->RegisterAfterCommitActions(*this); !s.ok() && log_) {
    log_->error("after-commit actions will not run: {}", s.message());
  }
  if (plugins_ == nullptr) return;
  impl_->pathway_reader = plugins_->AttachPathwayReader([this](const std::string& id) -> Result<Json> {
    PARCOURS_ASSIGN_OR_RETURN(PathwayView view, GetPathway(id));
    Json events = Json::array();
    for (const auto& e : view.events) {
      Json j = e.ToJson();
      j["voided"] = std::binary_search(view.voided.begin(), view.voided.end(), e.seq);
      events.push_back(std::move(j));
    }
    return Json{{"state", view.state.ToJson()}, {"events", std::move(events)}};
  });
}

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
  PARCOURS_RETURN_IF_ERROR(CheckActor(actor));
  return impl_->Run<InstallResult>("programme install", "", "", [&](const StoreReader& r) {
    return impl_->PlanInstall(r, *load.workflow, yaml, source, actor, PlanAs{clock_});
  });
}

Result<Engine::Impl::Planned<InstallResult>> Engine::Impl::PlanInstall(const StoreReader& r, const Workflow& wf,
                                                                       std::string_view yaml,
                                                                       const std::string& source,
                                                                       const std::string& actor, const PlanAs& as) {
  const Json canonical = wf.to_json();
  int latest = 0;
  PARCOURS_ASSIGN_OR_RETURN(auto head, r.Get(Domain::kProgrammes, keys::ProgrammeHead(wf.id)));
  Planned<InstallResult> planned;
  if (head) {
    latest = std::stoi(*head);
    PARCOURS_ASSIGN_OR_RETURN(auto def, GetJson(r, Domain::kProgrammes,
                                                keys::ProgrammeDef(wf.id, latest), "programme"));
    if (def && def->value("canonical", Json()) == canonical) {
      PARCOURS_ASSIGN_OR_RETURN(planned.result.programme, ProgrammeInfoAt(r, wf.id));
      return planned;  // nothing to write
    }
  }
  const int version = latest + 1;
  Json def{{"id", wf.id},
           {"label", wf.label},
           {"version", version},
           {"yaml", std::string(yaml)},
           {"canonical", canonical},
           {"source", source},
           {"installed", as.clock.now_timestamp()},
           {"installed_by", actor}};
  planned.result.changed = true;
  planned.result.programme = {wf.id, wf.label, version, def["installed"].get<std::string>(), actor, source};
  auto& m = planned.mutation;
  m.ExpectValue(Domain::kProgrammes, keys::ProgrammeHead(wf.id), head);
  m.Put(Domain::kProgrammes, keys::ProgrammeDef(wf.id, version), def.dump());
  m.Put(Domain::kProgrammes, keys::ProgrammeHead(wf.id), std::to_string(version));
  m.on_durable = [this, id = wf.id, version, source, actor] {
    notify_actions = -1;  // the new version may have after-commit actions
    if (log) log->info("programme {} v{} installed from {} by {}", id, version, source, actor);
  };
  return planned;
}

Result<ProgrammeInfo> Engine::GetProgrammeInfo(const std::string& id) const {
  return impl_->ProgrammeInfoAt(store_, id);
}

Result<ProgrammeInfo> Engine::Impl::ProgrammeInfoAt(const StoreReader& r, const std::string& id) const {
  PARCOURS_ASSIGN_OR_RETURN(auto head, r.Get(Domain::kProgrammes, keys::ProgrammeHead(id)));
  if (!head) {
    PARCOURS_ASSIGN_OR_RETURN(auto all, ProgrammesAt(r));
    std::vector<std::string> ids;
    for (const auto& p : all) ids.push_back(p.id);
    return Status::NotFound("no programme " + Quoted(id),
                            ids.empty() ? "No programme is installed yet: use {cmd:programme.install FILE}."
                                        : "Installed programmes: " + JoinWords(ids) + ".");
  }
  const int version = std::stoi(*head);
  {
    std::lock_guard lock(cache_mu);
    auto it = programme_infos.find({id, version});
    if (it != programme_infos.end()) return it->second;
  }
  PARCOURS_ASSIGN_OR_RETURN(auto def, GetJson(r, Domain::kProgrammes, keys::ProgrammeDef(id, version), "programme"));
  if (!def) return Status::Corruption("programme " + id + " has no version " + *head);
  ProgrammeInfo info;
  info.id = id;
  info.label = def->value("label", id);
  info.version = version;
  info.installed = def->value("installed", "");
  info.installed_by = def->value("installed_by", "");
  info.source = def->value("source", "");
  std::lock_guard lock(cache_mu);
  programme_infos[{id, version}] = info;
  return info;
}

Result<std::vector<ProgrammeInfo>> Engine::ListProgrammes() const { return impl_->ProgrammesAt(store_); }

Result<std::vector<ProgrammeInfo>> Engine::Impl::ProgrammesAt(const StoreReader& r) const {
  std::vector<std::string> ids;
  PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(
      Domain::kProgrammes, keys::ProgrammeHeadPrefix(), [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(keys::ProgrammeHeadPrefix().size()));
        return true;
      }));
  std::vector<ProgrammeInfo> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto info, ProgrammeInfoAt(r, id));
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::shared_ptr<const Workflow>> Engine::GetWorkflow(const std::string& id, int version) const {
  return impl_->WorkflowAt(store_, id, version);
}

Result<std::shared_ptr<const Workflow>> Engine::Impl::WorkflowAt(const StoreReader& r, const std::string& id,
                                                                 int version) const {
  if (version == 0) {
    PARCOURS_ASSIGN_OR_RETURN(auto info, ProgrammeInfoAt(r, id));
    version = info.version;
  }
  {
    std::lock_guard lock(cache_mu);
    auto it = workflows.find({id, version});
    if (it != workflows.end()) return it->second;
  }
  PARCOURS_ASSIGN_OR_RETURN(auto def, GetJson(r, Domain::kProgrammes, keys::ProgrammeDef(id, version), "programme"));
  if (!def) {
    PARCOURS_ASSIGN_OR_RETURN(auto info, ProgrammeInfoAt(r, id));
    return Status::NotFound("programme " + Quoted(id) + " has no version " + std::to_string(version),
                            info.version == 1 ? "It has version 1 only."
                                              : "Its versions are 1 to " + std::to_string(info.version) + ".");
  }
  // Definitions are immutable once installed: cached for the engine's life.
  WorkflowLoad load = LoadWorkflowText(def->value("yaml", ""), def->value("source", id), plugins,
                                       /*check_plugins=*/false);
  if (!load.workflow) {
    return Status::Corruption("stored programme " + id + " v" + std::to_string(version) +
                              " no longer loads: " + load.problems.front().ToString());
  }
  auto wf = std::make_shared<const Workflow>(std::move(*load.workflow));
  std::lock_guard lock(cache_mu);
  workflows[{id, version}] = wf;
  return wf;
}

// ---- pathway commands --------------------------------------------------------------

// Each command plans on a snapshot (validation, guards, derived fields) and
// returns its writes with what they rest on; Impl::Run commits them, or plans
// again when another command changed that data first.
using PlannedCommand = Engine::Impl::Planned<CommandResult>;

Result<CommandResult> Engine::Enroll(const EnrollRequest& req) {
  const auto args = [&] {
    return Json{{"person", req.person}, {"programme", req.programme}, {"date", OrNull(req.date)},
                {"referent", req.referent}, {"fields", req.fields}};
  };
  return impl_->Run<CommandResult>(
      "enrolment", req.request_id, "",
      [&](const StoreReader& r) { return impl_->PlanEnroll(r, req, PlanAs{clock_}); }, args);
}

Result<PlannedCommand> Engine::Impl::PlanEnroll(const StoreReader& r, const EnrollRequest& req, const PlanAs& as) {
  PARCOURS_ASSIGN_OR_RETURN(std::string referent,
                            CleanText(req.referent.empty() ? req.actor : req.referent,
                                      "referent", kMaxNameChars));
  PARCOURS_ASSIGN_OR_RETURN(Person person, PersonAt(r, req.person));
  PARCOURS_ASSIGN_OR_RETURN(auto info, ProgrammeInfoAt(r, req.programme));
  const int version = as.version ? as.version : info.version;
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, info.id, version));
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(wf->enrolment_fields, req.fields,
                                           "enrolment in " + Quoted(wf->id), plugins));
  if (!req.referent.empty()) PARCOURS_RETURN_IF_ERROR(CheckKnownReferent(r, referent));
  const std::string active_key = keys::ActiveOf(person.id, wf->id);
  PARCOURS_ASSIGN_OR_RETURN(auto active, r.Get(Domain::kIndexes, active_key));
  if (active) {
    return Status::Refused(person.id + " already has an active pathway in " + Quoted(wf->id) + ": " + *active,
                           "Continue " + *active + ", or exit it before enrolling again.");
  }
  // A re-entry starts on or after the end of the person's previous pathways
  // in this programme, so that pathways never overlap.
  std::optional<Date> previous_end;
  std::string previous_id;
  PARCOURS_ASSIGN_OR_RETURN(auto previous, PathwaysOfPersonAt(r, person.id));
  for (const auto& p : previous) {
    if (p.programme == wf->id && (!previous_end || p.last_event > *previous_end)) {
      previous_end = p.last_event;
      previous_id = p.id;
    }
  }
  PARCOURS_ASSIGN_OR_RETURN(Date date, EventDate(req.date, std::nullopt, as.clock));
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
  if (as.id.empty()) {
    PARCOURS_ASSIGN_OR_RETURN(empty.id, UnusedId(r, kPathwayPrefix, Domain::kPathways));
  } else {
    PARCOURS_ASSIGN_OR_RETURN(auto existing, r.Get(Domain::kPathways, as.id));
    if (existing) return Status::Refused("pathway " + as.id + " already exists", "Give another pathway id.");
    empty.id = as.id;
  }
  Event e = NewEvent(empty, EventKind::kEnroll, "enroll", req.actor, as.clock);
  e.from = "";
  e.to = wf->initial_step()->id;
  e.date = date;
  e.fields = std::move(fields);
  e.data = Json{{"person", person.id}, {"programme", wf->id}, {"version", version}, {"referent", referent}};
  if (!wf->enrolment_rules.empty()) {
    PARCOURS_ASSIGN_OR_RETURN(Json ctx,
                              RuleContext(r, *wf, version, nullptr, e, person, person.birth, as.clock.today(),
                                          /*with_history=*/false));
    PARCOURS_RETURN_IF_ERROR(ApplyRules(wf->enrolment_rules, *wf, ctx, e));
  }
  PathwayState state;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(state, e, *wf));
  // Entry attributes live in the pathway state only, never in the immutable
  // log, so that they can be erased with the person's data.
  // Attributes are effective-dated: those in effect on the enrolment date.
  state.entry = Json{{"sex", person.sex}, {"age", age}, {"attrs", person.AttrsOn(date)}, {"fields", e.fields}};
  state.ordinal = static_cast<uint32_t>(previous.size()) + 1;
  PARCOURS_ASSIGN_OR_RETURN(Mutation m, PathwayMutation(std::nullopt, state, e, *wf));
  // Rests on: no other active pathway in the programme, the person as read
  // (entry attributes), and the person's pathways as read (ordinal).
  m.ExpectAbsent(Domain::kIndexes, active_key);
  PARCOURS_ASSIGN_OR_RETURN(auto person_raw, r.Get(Domain::kPersons, person.id));
  m.ExpectValue(Domain::kPersons, person.id, std::move(person_raw));
  std::vector<std::string> person_pathways;
  for (const auto& p : previous) person_pathways.push_back(keys::PersonPathway(p.person, p.enrolled.iso(), p.ordinal, p.id));
  std::sort(person_pathways.begin(), person_pathways.end());
  m.expect_prefixes.push_back({Domain::kIndexes, keys::PersonPathwayPrefix(person.id), std::move(person_pathways)});
  return PlannedCommand{std::move(m), Done(std::move(e), std::move(state), wf)};
}

Result<CommandResult> Engine::Advance(const AdvanceRequest& req) {
  const auto args = [&] {
    return Json{{"pathway", req.pathway}, {"transition", req.transition}, {"date", OrNull(req.date)},
                {"fields", req.fields}};
  };
  return impl_->Run<CommandResult>(
      "transition", req.request_id, Impl::PathwayKey(req.pathway),
      [&](const StoreReader& r) { return impl_->PlanAdvance(r, req, PlanAs{clock_}); }, args);
}

Result<PlannedCommand> Engine::Impl::PlanAdvance(const StoreReader& r, const AdvanceRequest& req, const PlanAs& as) {
  PARCOURS_ASSIGN_OR_RETURN(auto loaded, LoadStateRaw(r, req.pathway));
  const PathwayState& before = loaded.state;
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, before.programme, before.version));
  const Transition* t = wf->find_transition(req.transition);
  const auto possible = wf->transitions_from(before.step);
  if (!t) {
    std::string hint = NextMoves(*wf, before.step);
    if (wf->find_milestone(req.transition)) {
      hint = Quoted(req.transition) + " is a milestone: use {cmd:record " + before.id + " " +
             req.transition + "}. " + hint;
    }
    return Status::Refused("programme " + Quoted(wf->id) + " has no transition " + Quoted(req.transition), hint);
  }
  if (std::find(possible.begin(), possible.end(), t) == possible.end()) {
    return Status::Refused(Quoted(t->id) + " is not possible from " + wf->step_display(before.step) +
                               (before.exited ? ": the pathway has exited" : ""),
                           NextMoves(*wf, before.step));
  }
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(t->fields, req.fields, "transition " + Quoted(t->id), plugins));
  PARCOURS_ASSIGN_OR_RETURN(Date date, EventDate(req.date, before.last_event, as.clock));

  Event e = NewEvent(before, EventKind::kTransition, t->id, req.actor, as.clock);
  e.to = t->to;
  e.date = date;
  e.fields = std::move(fields);
  PARCOURS_RETURN_IF_ERROR(CheckRules(r, t->rules, *wf, before, e, as.clock));
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_ASSIGN_OR_RETURN(Mutation m, PathwayMutation(loaded, after, e, *wf));
  return PlannedCommand{std::move(m), Done(std::move(e), std::move(after), wf)};
}

Result<CommandResult> Engine::Record(const RecordRequest& req) {
  const auto args = [&] {
    return Json{{"pathway", req.pathway}, {"milestone", req.milestone}, {"date", OrNull(req.date)},
                {"fields", req.fields}};
  };
  return impl_->Run<CommandResult>(
      "milestone", req.request_id, Impl::PathwayKey(req.pathway),
      [&](const StoreReader& r) { return impl_->PlanRecord(r, req, PlanAs{clock_}); }, args);
}

Result<PlannedCommand> Engine::Impl::PlanRecord(const StoreReader& r, const parcours::RecordRequest& req, const PlanAs& as) {
  PARCOURS_ASSIGN_OR_RETURN(auto loaded, LoadStateRaw(r, req.pathway));
  const PathwayState& before = loaded.state;
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, before.programme, before.version));
  const Milestone* m = wf->find_milestone(req.milestone);
  if (!m) {
    std::string hint = NextMoves(*wf, before.step);
    if (wf->find_transition(req.milestone)) {
      hint = Quoted(req.milestone) + " is a transition: use {cmd:advance " + before.id + " " +
             req.milestone + "}. " + hint;
    }
    return Status::Refused("programme " + Quoted(wf->id) + " has no milestone " + Quoted(req.milestone), hint);
  }
  if (std::find(m->steps.begin(), m->steps.end(), before.step) == m->steps.end()) {
    std::vector<std::string> where;
    for (const auto& s : m->steps) where.push_back(wf->step_display(s));
    return Status::Refused(Quoted(m->id) + " cannot be recorded in " + wf->step_display(before.step),
                           Quoted(m->id) + " is recorded in: " + JoinWords(where) + ". " +
                               NextMoves(*wf, before.step));
  }
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(m->fields, req.fields, "milestone " + Quoted(m->id), plugins));
  PARCOURS_ASSIGN_OR_RETURN(Date date, EventDate(req.date, before.last_event, as.clock));

  Event e = NewEvent(before, EventKind::kMilestone, m->id, req.actor, as.clock);
  e.date = date;
  e.fields = std::move(fields);
  PARCOURS_RETURN_IF_ERROR(CheckRules(r, m->rules, *wf, before, e, as.clock));
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_ASSIGN_OR_RETURN(Mutation mutation, PathwayMutation(loaded, after, e, *wf));
  return PlannedCommand{std::move(mutation), Done(std::move(e), std::move(after), wf)};
}

Result<CommandResult> Engine::Assign(const AssignRequest& req) {
  const auto args = [&] {
    return Json{{"pathway", req.pathway}, {"referent", req.referent}};
  };
  return impl_->Run<CommandResult>(
      "assignment", req.request_id, Impl::PathwayKey(req.pathway),
      [&](const StoreReader& r) { return impl_->PlanAssign(r, req, PlanAs{clock_}); }, args);
}

Result<PlannedCommand> Engine::Impl::PlanAssign(const StoreReader& r, const AssignRequest& req, const PlanAs& as) {
  PARCOURS_ASSIGN_OR_RETURN(std::string referent, CleanText(req.referent, "referent", kMaxNameChars));
  PARCOURS_ASSIGN_OR_RETURN(auto loaded, LoadStateRaw(r, req.pathway));
  const PathwayState& before = loaded.state;
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, before.programme, before.version));
  if (referent == before.referent) {
    return Status::Refused(EscapeText(referent) + " is already the referent of " + before.id,
                           "Give the name of another referent.");
  }
  PARCOURS_RETURN_IF_ERROR(CheckKnownReferent(r, referent));
  Event e = NewEvent(before, EventKind::kAssign, "assign", req.actor, as.clock);
  e.data = Json{{"referent", referent}, {"previous", before.referent}};
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_ASSIGN_OR_RETURN(Mutation m, PathwayMutation(loaded, after, e, *wf));
  return PlannedCommand{std::move(m), Done(std::move(e), std::move(after), wf)};
}

}  // namespace parcours
