// Evaluating a report definition over the store's report index.
#pragma once

#include "parcours/report.h"
#include "parcours/status.h"
#include "parcours/store.h"
#include "parcours/workflow.h"

namespace parcours {

// A report's period [from, to] as typed (YYYY-MM-DD, inclusive). Refused when
// a date is not valid or the period ends before it starts.
struct ReportPeriod {
  Date from;
  Date to;
};
Result<ReportPeriod> ParseReportPeriod(const std::string& from, const std::string& to);

// Evaluates `definition` for programme `workflow.id` over [from, to]
// (inclusive), and over the previous period too when the definition asks.
// `workflow` (the latest version) supplies the values always shown (enums of
// fields, prescribers). One scan of the programme's `day` index up to `to`;
// each pathway's state is read at most once.
// Errors: Refused when a condition fails on an event (naming the report, the
// indicator, the pathway and the date); Corruption when stored data does not
// decode.
Result<ReportResult> EvaluateReport(const StoreReader& store, const ReportDefinition& definition,
                                    const Workflow& workflow, Date from, Date to);

// The period compared with [from, to], ending the day before `from`: when
// [from, to] is a run of whole calendar months (a month, a quarter, a year...),
// the same number of whole months just before (March -> February, 2025 ->
// 2024, Q2 -> Q1); otherwise the same number of days just before.
std::pair<Date, Date> PreviousPeriod(Date from, Date to);

}  // namespace parcours
