// Replaying a pathway's events into its state.
#include <algorithm>

#include "parcours/event.h"
#include "parcours/workflow.h"

namespace parcours {

std::vector<uint32_t> VoidedSeqs(const std::vector<Event>& events) {
  // A void targets an earlier event, so walking back from the latest event
  // meets every void before its target: a void that is itself voided has
  // been marked before it is reached, and cancels nothing.
  std::vector<uint32_t> voided;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (std::find(voided.begin(), voided.end(), it->seq) != voided.end()) continue;
    if (it->kind == EventKind::kVoid) voided.push_back(it->data.value("voids", 0u));
  }
  std::sort(voided.begin(), voided.end());
  return voided;
}

namespace {

bool Names(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Clears the deadlines `e` clears (by its action, or by entering a step),
// then opens those it opens, due from its date. `before_step` is the step
// before `e` ("" for the enrolment).
void ApplyDeadlines(PathwayState& s, const Event& e, const Workflow& workflow,
                    std::string_view before_step) {
  const bool step_event = IsDatedPathwayEvent(e.kind);
  if (!step_event) return;
  const bool entered = s.step != before_step;
  for (const auto& d : workflow.deadlines) {
    if (Names(d.cleared_by, e.action) || (entered && Names(d.cleared_in, s.step))) s.deadlines.erase(d.id);
  }
  for (const auto& d : workflow.deadlines) {
    if (Names(d.opened_by, e.action)) s.deadlines[d.id] = OpenDeadline{d.DueAfter(e.date), false};
  }
}

}  // namespace

Status ApplyEvent(PathwayState& s, const Event& e, const Workflow& workflow) {
  const std::string before_step = e.kind == EventKind::kEnroll ? std::string() : s.step;
  switch (e.kind) {
    case EventKind::kEnroll:
      s.id = e.pathway;
      s.person = e.data.value("person", "");
      s.programme = e.data.value("programme", "");
      s.version = e.data.value("version", 0);
      s.referent = e.data.value("referent", "");
      s.enrolled = e.date;
      s.created = e.recorded;
      s.step = e.to;
      s.step_since = e.date;
      break;
    case EventKind::kTransition:
      s.step = e.to;
      s.step_since = e.date;
      break;
    case EventKind::kAssign:
      s.referent = e.data.value("referent", s.referent);
      break;
    case EventKind::kDeadlineMissed: {
      // Only the opening it was recorded for: a deadline opened again since
      // (another due date) is not missed yet.
      const auto it = s.deadlines.find(e.data.value("deadline", ""));
      if (it != s.deadlines.end() && it->second.due.iso() == e.data.value("due", "")) it->second.missed = true;
      break;
    }
    case EventKind::kMilestone:
    case EventKind::kVoid:
    case EventKind::kNote:
      break;
  }
  ApplyDeadlines(s, e, workflow, before_step);
  if (IsDatedPathwayEvent(e.kind)) s.last_event = e.date;
  s.last_seq = std::max(s.last_seq, e.seq);
  const Step* step = workflow.find_step(s.step);
  if (!step) return Status::Corruption("pathway " + s.id + " is in unknown step " + s.step);
  s.exited = step->final;
  return Status::Ok();
}

Result<PathwayState> ReplayPathway(const std::vector<Event>& events, const Workflow& workflow) {
  if (events.empty() || events.front().kind != EventKind::kEnroll) {
    return Status::Corruption("pathway log does not start with an enrolment");
  }
  const std::vector<uint32_t> voided = VoidedSeqs(events);
  PathwayState s;
  for (const auto& e : events) {
    s.last_seq = e.seq;
    if (e.kind == EventKind::kVoid || std::binary_search(voided.begin(), voided.end(), e.seq)) {
      continue;
    }
    PARCOURS_RETURN_IF_ERROR(ApplyEvent(s, e, workflow));
  }
  return s;
}

}  // namespace parcours
