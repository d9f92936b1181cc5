// Private to the engine: one imported row, planned by the plan step of the
// command it stands for (docs/import-export.md "Rows").
#pragma once

#include <string>

#include "core/batch_reader.h"
#include "core/engine_impl.h"
#include "exchange/rows.h"

namespace parcours {

// True for the failures that refuse a row (it goes to the rejects file);
// false for those that stop the import.
bool IsRowRefusal(const Status& s);

// The clock of a row: when it was recorded (its `recorded`), or now by
// `engine_clock`. Refused: a `recorded` that is not a timestamp, or is in the
// future.
Result<RecordedClock> ClockOf(const rows::Row& row, const Clock& engine_clock);

// Plans `row` as of `clock` on `reader` and lays its writes over the batch;
// `importer` is the actor of a row that names none. A refusal (IsRowRefusal)
// leaves the batch as it was.
Status PlanRow(Engine::Impl& impl, BatchReader& reader, const std::string& importer, const rows::Row& row,
               const Clock& clock);

}  // namespace parcours
