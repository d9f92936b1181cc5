// The outcomes report: the built-in definition `outcomes`, in its historical layout.
#pragma once

#include "parcours/report.h"
#include "parcours/status.h"
#include "parcours/store.h"
#include "parcours/workflow.h"

namespace parcours {

// The outcomes report of programme `workflow.id` over [from, to] (inclusive).
// `workflow` (the latest version) supplies the breakdown values to show even
// when nobody has them (prescribers, exit reasons). Definitions: docs/reports.md.
Result<OutcomesReport> ComputeOutcomes(const StoreReader& store, const Workflow& workflow, Date from, Date to);

}  // namespace parcours
