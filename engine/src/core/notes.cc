// Notes: dated free text in a pathway's history (docs/cli.md, "note").
#include "core/engine_impl.h"

namespace parcours {

using PlannedCommand = Engine::Impl::Planned<CommandResult>;

Result<CommandResult> Engine::Note(const NoteRequest& req) {
  const auto args = [&] {
    return Json{{"pathway", req.pathway}, {"text", req.text}, {"date", OrNull(req.date)}};
  };
  return impl_->Run<CommandResult>(
      "note", req.request_id, Impl::PathwayKey(req.pathway),
      [&](const StoreReader& r) { return impl_->PlanNote(r, req, PlanAs{clock_}); }, args);
}

Result<PlannedCommand> Engine::Impl::PlanNote(const StoreReader& r, const NoteRequest& req, const PlanAs& as) {
  PARCOURS_ASSIGN_OR_RETURN(std::string text, CleanText(req.text, "note", kMaxReasonChars));
  PARCOURS_ASSIGN_OR_RETURN(auto loaded, LoadStateRaw(r, req.pathway));
  const PathwayState& before = loaded.state;
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, before.programme, before.version));
  // A note is not a step of the pathway: it may be dated before the latest
  // event, but not before the enrolment nor after today.
  PARCOURS_ASSIGN_OR_RETURN(Date date, EventDate(req.date, std::nullopt, as.clock));
  if (date < before.enrolled) {
    return Status::Refused("date " + date.iso() + " is before the enrolment of " + before.id + " (" +
                               before.enrolled.iso() + ")",
                           "Use " + before.enrolled.iso() + " or a later date, up to today.");
  }
  Event e = NewEvent(before, EventKind::kNote, "note", req.actor, as.clock);
  e.date = date;
  e.data = Json{{"text", text}};
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_ASSIGN_OR_RETURN(Mutation m, PathwayMutation(loaded, after, e, *wf));
  return PlannedCommand{std::move(m), Done(std::move(e), std::move(after), wf)};
}

}  // namespace parcours
