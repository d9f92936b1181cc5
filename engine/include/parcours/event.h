// Events and pathway state.
//
// Every change to a pathway is an immutable Event, appended with the next
// sequence number. A pathway's current state is what its effective events
// (those not cancelled by a void) say, applied in order; the engine stores it
// next to the log, in the same write, so reads never replay.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "parcours/date.h"
#include "parcours/status.h"

namespace parcours {

using Json = nlohmann::json;
class Workflow;

enum class EventKind {
  kEnroll,      // the pathway starts in the workflow's initial step
  kTransition,  // a workflow transition: from one step to another
  kMilestone,   // something that happened within the current step
  kAssign,      // the pathway is handed to another referent
  kVoid,        // cancels an earlier event (data.voids); the state returns to before it.
                // A void can itself be voided: its target comes back into effect.
  kDeadlineMissed,  // a deadline passed while open (data {deadline, due}): marks it missed
  kNote,        // a dated note (data {text}): changes nothing in the state but last_seq
};
const char* EventKindName(EventKind kind);
// The kind named `name` (as EventKindName spells it), if any.
std::optional<EventKind> ParseEventKind(std::string_view name);

struct Event {
  std::string pathway;
  uint32_t seq = 0;      // 1 for the enrolment, then +1 per event
  EventKind kind = EventKind::kEnroll;
  std::string action;    // "enroll", "assign", "void", or a transition / milestone id
  std::string from;      // the step before ("" for the enrolment)
  std::string to;        // the step after (same as from when the step does not change)
  Date date;             // effective date: when it happened
  std::string recorded;  // when it was recorded (UTC timestamp)
  std::string actor;     // who recorded it
  Json fields = Json::object();  // workflow fields, validated
  // Engine data, by kind: enroll {person, programme, version, referent};
  // assign {referent, previous}; void {voids: seq, voided_action, reason};
  // deadline_missed {deadline, due}; note {text} (identifying data).
  Json data = Json::object();

  Json ToJson() const;
  static Result<Event> FromJson(const Json& j);
};

// Counted as contact with the person: enrolment, transitions, milestones.
inline bool IsDatedPathwayEvent(EventKind kind) {
  return kind == EventKind::kEnroll || kind == EventKind::kTransition ||
         kind == EventKind::kMilestone;
}

// A deadline of the workflow that is open on a pathway (docs/workflow-format.md,
// "Deadlines").
struct OpenDeadline {
  Date due;             // the last day on which it is met
  bool missed = false;  // a deadline_missed event was recorded for it

  friend bool operator==(const OpenDeadline&, const OpenDeadline&) = default;
};

struct PathwayState {
  std::string id;
  std::string person;
  std::string programme;
  int version = 0;        // the workflow version the pathway was enrolled under
  std::string step;
  bool exited = false;    // the step is final
  std::string referent;
  Date enrolled;          // effective date of the enrolment
  Date step_since;        // effective date of entering the current step
  Date last_event;        // effective date of the latest dated event (enrolment, transition, milestone)
  uint32_t last_seq = 0;  // sequence number of the latest event of any kind
  std::string created;    // when the enrolment was recorded
  uint32_t ordinal = 0;   // the person's n-th pathway (orders a person's pathways); not
                          // produced by replay: callers carry it over, like entry
  // Attributes at entry, kept for reports without reading identifying data:
  // {sex, age, attrs: {...}, fields: {enrolment fields}}. Held here only, not
  // in the event log, so that erasing a person can rewrite it. Replay does not
  // produce it: callers carry it over from the previous state.
  Json entry = Json::object();
  // Open deadlines by the workflow's deadline id: computed by ApplyEvent, so
  // replay after a void recomputes them. Absent from the stored JSON when none.
  std::map<std::string, OpenDeadline> deadlines;

  const char* status() const { return exited ? "exited" : "active"; }
  Json ToJson() const;
  static Result<PathwayState> FromJson(const Json& j);
};

// Applies one effective (not voided, not void) event to `state`. `workflow`
// says which steps are final and which deadlines the event clears or opens
// (cleared first, then opened: an event that does both renews a deadline).
Status ApplyEvent(PathwayState& state, const Event& event, const Workflow& workflow);

// The state after `events` (all of a pathway's events, in order), honouring
// voids. `workflow` says which steps are final. Corruption if the log does not
// start with an enrolment.
Result<PathwayState> ReplayPathway(const std::vector<Event>& events, const Workflow& workflow);

// The sequence numbers of the events not in effect: cancelled by a void that
// is itself in effect (a voided void cancels nothing). Sorted.
std::vector<uint32_t> VoidedSeqs(const std::vector<Event>& events);

}  // namespace parcours
