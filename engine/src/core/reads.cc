// Reads: a pathway, a caseload, the outcomes report.
#include <algorithm>

#include "core/engine_impl.h"
#include "report/evaluator.h"
#include "report/outcomes.h"

namespace parcours {

// ---- reads ----------------------------------------------------------------------------

// Each read that combines several lookups makes them on one snapshot, so that
// it never mixes two points in time.

Result<PathwayView> Engine::GetPathway(const std::string& id) const {
  const std::unique_ptr<StoreReader> snapshot = store_.Snapshot();
  const StoreReader& r = *snapshot;
  PathwayView view;
  PARCOURS_ASSIGN_OR_RETURN(view.state, impl_->LoadState(r, id));
  PARCOURS_ASSIGN_OR_RETURN(view.workflow, impl_->WorkflowAt(r, view.state.programme, view.state.version));
  PARCOURS_ASSIGN_OR_RETURN(view.events, impl_->LoadEvents(r, view.state.id));
  view.voided = VoidedSeqs(view.events);
  auto person = impl_->PersonAt(r, view.state.person);
  if (person.ok()) view.person = std::move(*person);
  else if (!person.status().IsNotFound()) return person.status();
  return view;
}

Result<std::vector<CaseloadEntry>> Engine::Caseload(const CaseloadQuery& q) const {
  if (q.all && !q.referent.empty()) {
    return Status::Refused(
        "{arg:all} and {arg:referent} " + Quoted(q.referent) + " contradict each other",
        "Give {arg:all} for everyone's pathways, or {arg:referent} NAME for one referent's.");
  }
  const std::unique_ptr<StoreReader> snapshot = store_.Snapshot();
  const StoreReader& r = *snapshot;
  // Whose pathways: the referent asked for, else the actor's, else everyone's.
  const std::string referent = !q.referent.empty() ? q.referent : (q.all ? std::string() : q.actor);
  if (!q.step.empty()) {
    // The step must exist in some installed version of the programme asked
    // for (or of any programme): pathways stay on the version they were
    // enrolled under, so an older version's step may still hold some.
    std::vector<ProgrammeInfo> programmes;
    if (q.programme.empty()) {
      PARCOURS_ASSIGN_OR_RETURN(programmes, impl_->ProgrammesAt(r));
    } else {
      PARCOURS_ASSIGN_OR_RETURN(auto info, impl_->ProgrammeInfoAt(r, q.programme));
      programmes.push_back(std::move(info));
    }
    std::vector<std::string> steps;  // in pathway order, latest version first, each once
    for (const auto& p : programmes) {
      for (int v = p.version; v >= 1; --v) {
        PARCOURS_ASSIGN_OR_RETURN(auto wf, impl_->WorkflowAt(r, p.id, v));
        for (const auto& s : wf->steps)
          if (std::find(steps.begin(), steps.end(), s.id) == steps.end()) steps.push_back(s.id);
      }
    }
    if (std::find(steps.begin(), steps.end(), q.step) == steps.end()) {
      return Status::Refused(q.programme.empty()
                                 ? "no installed programme has a step " + Quoted(q.step)
                                 : "no version of programme " + Quoted(q.programme) + " has a step " +
                                       Quoted(q.step),
                             "Steps: " + JoinWords(steps) + ".");
    }
  } else if (!q.programme.empty()) {
    PARCOURS_RETURN_IF_ERROR(impl_->ProgrammeInfoAt(r, q.programme).status());
  }
  std::vector<std::string> ids;
  const std::string prefix =
      referent.empty() ? keys::OpenPrefix(q.programme) : keys::ReferentPrefix(referent);
  PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(Domain::kIndexes, prefix, [&](std::string_view k, std::string_view) {
    ids.emplace_back(k.substr(k.rfind('\0') + 1));
    return true;
  }));
  const Date today = clock_.today();
  std::vector<CaseloadEntry> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto s, impl_->LoadState(r, id));
    if (!q.programme.empty() && s.programme != q.programme) continue;
    if (!q.step.empty() && s.step != q.step) continue;
    CaseloadEntry entry;
    entry.days_in_step = s.step_since.days_until(today);
    entry.days_since_last_event = s.last_event.days_until(today);
    auto person = impl_->PersonAt(r, s.person);
    if (person.ok()) entry.person_name = person->name;
    entry.state = std::move(s);
    out.push_back(std::move(entry));
  }
  // Longest without contact first: who needs seeing.
  std::sort(out.begin(), out.end(), [](const CaseloadEntry& a, const CaseloadEntry& b) {
    if (a.days_since_last_event != b.days_since_last_event)
      return a.days_since_last_event > b.days_since_last_event;
    return a.state.id < b.state.id;
  });
  return out;
}

Result<OutcomesReport> Engine::Outcomes(const OutcomesQuery& q) const {
  const std::unique_ptr<StoreReader> snapshot = store_.Snapshot();
  PARCOURS_ASSIGN_OR_RETURN(auto info, impl_->ProgrammeInfoAt(*snapshot, q.programme));
  PARCOURS_ASSIGN_OR_RETURN(const ReportPeriod period, ParseReportPeriod(q.from, q.to));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, impl_->WorkflowAt(*snapshot, info.id, info.version));
  return ComputeOutcomes(*snapshot, *wf, period.from, period.to);
}

}  // namespace parcours
