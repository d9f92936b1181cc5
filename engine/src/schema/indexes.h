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

// Index entries implied by a pathway's state (not by its events): the
// person's pathways, the active one per programme, open pathways by
// programme and referent, and open deadlines by due date.
IndexEntries StateIndexEntries(const PathwayState& state);

// One entry per open deadline of `state` (missed or not):
// keys::Due(due, pathway, deadline) -> {"programme", "referent", "missed"}.
IndexEntries DeadlineIndexEntries(const PathwayState& state);

// The report index entry of an effective dated event.
std::pair<std::string, std::string> DayIndexEntry(const PathwayState& state, const Event& event,
                                                  const Workflow& workflow);

}  // namespace parcours
