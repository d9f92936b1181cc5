// Private to engine/src/core: the due index of open deadlines
// (docs/workflow-format.md, "Deadlines").
//
// A pathway's open deadlines live in its state (PathwayState::deadlines,
// computed by ApplyEvent); each one is indexed by due date so that `due` and
// ProcessDeadlines read them in date order without loading every pathway. The
// entries are part of the state's index entries: written and deleted in the
// same batch as the event that opens, clears or misses a deadline.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "parcours/event.h"

namespace parcours {


// The actor of the deadline_missed events that ProcessDeadlines records.
inline constexpr const char* kDeadlineActor = "parcours";

}  // namespace parcours
