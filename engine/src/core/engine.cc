#include "parcours/engine.h"

#include <algorithm>

#include "core/engine_impl.h"
#include "parcours/workflow_loader.h"

namespace parcours {

// ---- Engine ---------------------------------------------------------------------

Engine::Engine(Store& store, const Clock& clock, boost::asio::io_context& io,
               std::shared_ptr<spdlog::logger> log, const PluginRegistry* plugins)
    : store_(store), clock_(clock), log_(log), plugins_(plugins), bus_(io, log),
      impl_(std::make_unique<Impl>(store, clock, log, bus_, io, plugins)) {
  // Plugins read pathways through this engine while it lives (Host::ReadPathway,
  // docs/plugins.md). GetPathway takes no engine lock: a hook called while a
  // command holds write_mu reads the state before that command.
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

// ---- pathway commands --------------------------------------------------------------

Result<CommandResult> Engine::Enroll(const EnrollRequest& req) {
  PARCOURS_ASSIGN_OR_RETURN(Person person, GetPerson(req.person));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(req.programme));
  PARCOURS_ASSIGN_OR_RETURN(auto info, GetProgrammeInfo(req.programme));
  PARCOURS_ASSIGN_OR_RETURN(Json fields,
                            ValidateFields(wf->enrolment_fields, req.fields,
                                           "enrolment in " + Quoted(wf->id), plugins_));
  PARCOURS_ASSIGN_OR_RETURN(std::string referent,
                            CleanText(req.referent.empty() ? req.actor : req.referent,
                                      "referent", kMaxNameChars));

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
  // Attributes are effective-dated: those in effect on the enrolment date.
  state.entry = Json{{"sex", person.sex}, {"age", age}, {"attrs", person.AttrsOn(date)}, {"fields", e.fields}};
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
  PARCOURS_ASSIGN_OR_RETURN(std::string reason, CleanText(req.reason, "reason", kMaxReasonChars));
  std::lock_guard lock(impl_->write_mu);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState before, impl_->LoadState(req.pathway));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, GetWorkflow(before.programme, before.version));
  PARCOURS_ASSIGN_OR_RETURN(std::vector<Event> events, impl_->LoadEvents(before.id));

  // Which event may be voided: the latest pathway event in effect (not the
  // enrolment), or the log's last event when it is a void (voiding a void
  // brings back what it cancelled). Any other seq is refused, so that a
  // repeated command never cancels a second event.
  const auto voided = VoidedSeqs(events);
  auto in_effect = [&](const Event& ev) { return !std::binary_search(voided.begin(), voided.end(), ev.seq); };
  const Event* head = nullptr;
  for (auto it = events.rbegin(); it != events.rend() && !head; ++it)
    if (it->kind != EventKind::kVoid && in_effect(*it)) head = &*it;
  if (!head) return Status::Corruption("pathway " + before.id + " has no event in effect");
  const Event* last_void = events.back().kind == EventKind::kVoid ? &events.back() : nullptr;
  auto describe = [](const Event& ev) {
    return "#" + std::to_string(ev.seq) + " (" +
           (ev.kind == EventKind::kVoid ? "void of #" + std::to_string(ev.data.value("voids", 0u)) + ", " +
                                              ev.data.value("voided_action", "")
                                        : ev.action + " on " + ev.date.iso()) +
           ")";
  };
  std::string latest = head->kind == EventKind::kEnroll
                           ? "Nothing after the enrolment is in effect"
                           : "The latest event in effect is " + describe(*head);
  if (last_void) latest += "; " + describe(*last_void) + " can be voided to bring back what it cancelled";
  latest += ". See the events with `parcours history " + before.id + "`.";
  const Event* target = nullptr;
  for (const auto& ev : events)
    if (ev.seq == req.seq) target = &ev;
  if (req.seq == 0) {
    return Status::Refused("say which event of " + before.id + " to void, with --seq", latest);
  }
  if (!target) {
    return Status::Refused(before.id + " has no event #" + std::to_string(req.seq) + " (its events are #1 to #" +
                               std::to_string(events.back().seq) + ")",
                           latest);
  }
  if (target->kind == EventKind::kEnroll) {
    return Status::Refused("the enrolment of " + before.id + " cannot be voided",
                           "Only later events can be voided. To close a pathway opened by mistake, "
                           "use `parcours advance " + before.id + " exit --field reason=other`.");
  }
  if (!in_effect(*target)) {
    const Event* by = nullptr;
    for (const auto& ev : events)
      if (ev.kind == EventKind::kVoid && in_effect(ev) && ev.data.value("voids", 0u) == target->seq) by = &ev;
    return Status::Refused(describe(*target) + " is no longer in effect" +
                               (by ? ": #" + std::to_string(by->seq) + " voided it" : std::string()),
                           latest);
  }
  if (target != head && target != last_void) {
    return Status::Refused(describe(*target) + " is not the latest event in effect of " + before.id, latest);
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
      return Status::Refused("voiding " + describe(*target) + " would reopen " + before.id + " while " +
                                 after.person + " has another active pathway in " + Quoted(after.programme) +
                                 ": " + *other,
                             "Exit or void " + *other + " first.");
    }
  }
  // The report index follows the dated events that leave or come back into effect.
  const auto voided_after = VoidedSeqs(replay);
  std::vector<std::string> day_removed;
  std::vector<std::pair<std::string, std::string>> day_restored;
  for (const auto& ev : events) {
    if (!IsDatedPathwayEvent(ev.kind)) continue;
    const bool was = in_effect(ev);
    const bool is = !std::binary_search(voided_after.begin(), voided_after.end(), ev.seq);
    if (was && !is) day_removed.push_back(keys::Day(before.programme, ev.date.iso(), before.id, ev.seq));
    if (!was && is) day_restored.push_back(DayIndexEntry(after, ev, *wf));
  }
  PARCOURS_RETURN_IF_ERROR(impl_->Commit(before, after, e, *wf, day_removed, {}, day_restored));
  return impl_->Done(std::move(e), std::move(after), wf);
}

Result<CommandResult> Engine::Assign(const AssignRequest& req) {
  PARCOURS_ASSIGN_OR_RETURN(std::string referent, CleanText(req.referent, "referent", kMaxNameChars));
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

}  // namespace parcours
