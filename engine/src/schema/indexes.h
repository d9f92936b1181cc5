// The schema: which index entries each record implies (the key layout is
// in schema/keys.h). Core maintains them in the batch of each command;
// reports read them. Neither module owns the other.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "parcours/event.h"
#include "parcours/workflow.h"

namespace parcours {

using IndexEntries = std::vector<std::pair<std::string, std::string>>;

// The value of a report index entry (keys::Day): what reports read of an
// effective dated event, so that they need not read the event itself.
struct DayValue {
  EventKind kind = EventKind::kEnroll;
  std::string action;
  std::string from;
  std::string to;
  bool exit = false;  // a transition into a final step
  Json fields = Json::object();
};

// The value of a due index entry (keys::Due): what `due` filters on.
struct DueValue {
  std::string programme;
  std::string referent;
  bool missed = false;
};

// Index entries implied by a pathway's state (not by its events): the
// person's pathways, the active one per programme, open pathways by
// programme and referent, and open deadlines by due date and by referent.
IndexEntries StateIndexEntries(const PathwayState& state);

// Two entries per open deadline of `state` (missed or not), the same value
// under both keys: keys::Due(due, pathway, deadline) (keys::DueMissed once
// missed) and, when the pathway has a referent,
// keys::DueOfReferent(referent, due, pathway, deadline) -> DueValue, encoded
// by schema/codec.h.
IndexEntries DeadlineIndexEntries(const PathwayState& state);
// Those entries for one open deadline, `value` saying its programme,
// referent and whether it was missed.
IndexEntries DueEntries(std::string_view pathway, std::string_view deadline, Date due, const DueValue& value);

// A due index key (keys::Due, keys::DueMissed or keys::DueOfReferent), decoded.
struct DueKey {
  Date due;
  std::string pathway;
  std::string deadline;
};
Result<DueKey> ParseDueKey(std::string_view key);

// The report index entry of an effective dated event: keys::Day -> DayValue,
// encoded by schema/codec.h.
std::pair<std::string, std::string> DayIndexEntry(const PathwayState& state, const Event& event,
                                                  const Workflow& workflow);

}  // namespace parcours
