// Voids: cancelling a pathway's latest event in effect (or a void), by
// appending a compensating event and replaying the log.
#include "core/engine_impl.h"

namespace parcours {

using PlannedCommand = Engine::Impl::Planned<CommandResult>;

Result<CommandResult> Engine::Void(const VoidRequest& req) {
  const auto args = [&] {
    return Json{{"pathway", req.pathway}, {"seq", req.seq}, {"reason", req.reason}};
  };
  return impl_->Run<CommandResult>(
      "void", req.request_id, Impl::PathwayKey(req.pathway),
      [&](const StoreReader& r) { return impl_->PlanVoid(r, req, PlanAs{clock_}); }, args);
}

Result<PlannedCommand> Engine::Impl::PlanVoid(const StoreReader& r, const VoidRequest& req, const PlanAs& as) {
  PARCOURS_ASSIGN_OR_RETURN(std::string reason, CleanText(req.reason, "reason", kMaxReasonChars));
  PARCOURS_ASSIGN_OR_RETURN(auto loaded, LoadStateRaw(r, req.pathway));
  const PathwayState& before = loaded.state;
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, before.programme, before.version));
  PARCOURS_ASSIGN_OR_RETURN(std::vector<Event> events, LoadEvents(r, before.id));

  // Which event may be voided: the latest pathway event in effect (not
  // the enrolment), or the log's last such event when it is a void
  // (voiding a void brings back what it cancelled), or a note in effect.
  // Notes and deadline_missed events are not steps of the pathway: they
  // are passed over. Any other seq is refused, so that a repeated
  // command never cancels a second event.
  const auto voided = VoidedSeqs(events);
  auto in_effect = [&](const Event& ev) {
    return !std::binary_search(voided.begin(), voided.end(), ev.seq);
  };
  auto aside = [](const Event& ev) {
    return ev.kind == EventKind::kNote || ev.kind == EventKind::kDeadlineMissed;
  };
  const Event* head = nullptr;
  const Event* last_void = nullptr;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (aside(*it)) continue;
    if (it->kind == EventKind::kVoid) {
      if (!head && !last_void) last_void = &*it;
      continue;
    }
    if (in_effect(*it)) {
      head = &*it;
      break;
    }
  }
  if (!head) return Status::Corruption("pathway " + before.id + " has no event in effect");
  auto describe = [](const Event& ev) {
    return "#" + std::to_string(ev.seq) + " (" +
           (ev.kind == EventKind::kVoid ? "void of #" + std::to_string(ev.data.value("voids", 0u)) +
                                              ", " + ev.data.value("voided_action", "")
                                        : ev.action + " on " + ev.date.iso()) +
           ")";
  };
  std::string latest = head->kind == EventKind::kEnroll
                           ? "Nothing after the enrolment is in effect"
                           : "The latest event in effect is " + describe(*head);
  if (last_void)
    latest += "; " + describe(*last_void) + " can be voided to bring back what it cancelled";
  latest += ". See the events with {cmd:history " + before.id + "}.";
  const Event* target = nullptr;
  for (const auto& ev : events)
    if (ev.seq == req.seq) target = &ev;
  if (req.seq == 0) {
    return Status::Refused("say which event of " + before.id + " to void, with {arg:seq}", latest);
  }
  if (!target) {
    return Status::Refused(before.id + " has no event #" + std::to_string(req.seq) +
                               " (its events are #1 to #" + std::to_string(events.back().seq) + ")",
                           latest);
  }
  if (target->kind == EventKind::kEnroll) {
    return Status::Refused("the enrolment of " + before.id + " cannot be voided",
                           "Only later events can be voided. To close a pathway opened by mistake, use "
                           "{cmd:advance " +
                               before.id + " exit} with {arg:fields} reason=other.");
  }
  if (target->kind == EventKind::kDeadlineMissed) {
    return Status::Refused(
        describe(*target) + " was recorded when a deadline passed: it cannot be voided",
        "It stays in the history; record what was due (see {cmd:due}).");
  }
  if (!in_effect(*target)) {
    const Event* by = nullptr;
    for (const auto& ev : events)
      if (ev.kind == EventKind::kVoid && in_effect(ev) && ev.data.value("voids", 0u) == target->seq)
        by = &ev;
    return Status::Refused(describe(*target) + " is no longer in effect" +
                               (by ? ": #" + std::to_string(by->seq) + " voided it" : std::string()),
                           latest);
  }
  if (target != head && target != last_void && target->kind != EventKind::kNote) {
    return Status::Refused(describe(*target) + " is not the latest event in effect of " + before.id,
                           latest);
  }

  Event e = NewEvent(before, EventKind::kVoid, "void", req.actor, as.clock);
  e.data = Json{{"voids", target->seq}, {"voided_action", target->action}, {"reason", reason}};
  std::vector<Event> replay = events;
  replay.push_back(e);
  PARCOURS_ASSIGN_OR_RETURN(PathwayState after, ReplayPathway(replay, *wf));
  after.entry = before.entry;
  after.ordinal = before.ordinal;
  e.to = after.step;

  const std::string active_key = keys::ActiveOf(after.person, after.programme);
  PARCOURS_ASSIGN_OR_RETURN(auto other, r.Get(Domain::kIndexes, active_key));
  if (before.exited && !after.exited) {
    if (other && *other != before.id) {
      return Status::Refused("voiding " + describe(*target) + " would reopen " + before.id + " while " +
                                 after.person + " has another active pathway in " +
                                 Quoted(after.programme) + ": " + *other,
                             "Exit or void " + *other + " first.");
    }
  }
  // The report index follows the dated events that leave or come back
  // into effect.
  const auto voided_after = VoidedSeqs(replay);
  std::vector<std::string> day_removed;
  std::vector<std::pair<std::string, std::string>> day_restored;
  for (const auto& ev : events) {
    if (!IsDatedPathwayEvent(ev.kind)) continue;
    const bool was = in_effect(ev);
    const bool is = !std::binary_search(voided_after.begin(), voided_after.end(), ev.seq);
    if (was && !is)
      day_removed.push_back(keys::Day(before.programme, ev.date.iso(), before.id, ev.seq));
    if (!was && is) day_restored.push_back(DayIndexEntry(after, ev, *wf));
  }
  PARCOURS_ASSIGN_OR_RETURN(
      Mutation m, PathwayMutation(loaded, after, e, *wf, day_removed, day_restored));
  // Reopening rests on no other pathway of the person having become
  // active.
  if (before.exited && !after.exited) m.ExpectValue(Domain::kIndexes, active_key, other);
  return PlannedCommand{std::move(m), Done(std::move(e), std::move(after), wf)};
}

}  // namespace parcours
