// Deadlines: the due index, `due`, and recording the deadlines that passed.
#include "core/deadlines.h"

#include <algorithm>
#include <tuple>

#include "core/engine_impl.h"

namespace parcours {

using PlannedCommand = Engine::Impl::Planned<CommandResult>;

Result<std::vector<DueEntry>> Engine::Due(const DueQuery& q) const {
  if (q.all && !q.referent.empty()) {
    return Status::Refused("everyone's deadlines and those of referent " + Quoted(q.referent) +
                               " were both asked for",
                           "Ask for everyone's deadlines, or for one referent's.");
  }
  const std::string referent = !q.referent.empty() ? q.referent : (q.all ? std::string() : q.actor);
  std::optional<Date> before;
  if (q.before) {
    before = ParseUserDate(*q.before, clock_);
    if (!before) {
      return Status::Refused("date " + Quoted(*q.before) + " is not valid",
                             "Use YYYY-MM-DD, today or yesterday; leave the date out for every open deadline.");
    }
  }
  const std::unique_ptr<StoreReader> snapshot = store_.Snapshot();
  const StoreReader& r = *snapshot;
  if (!q.programme.empty()) PARCOURS_RETURN_IF_ERROR(impl_->ProgrammeInfoAt(r, q.programme).status());

  // The indexes are in due date order: soonest first. One referent's
  // deadlines are read from their own index where the store has it (format
  // 3, its migration finished: a reader of an older store scans them all);
  // everyone's from the deadlines not missed and those missed, merged.
  PARCOURS_ASSIGN_OR_RETURN(bool by_referent, impl_->HasDueOfReferent(r));
  by_referent = by_referent && !referent.empty();
  std::vector<DueKey> found;
  Status decode;
  auto visit = [&](std::string_view k, std::string_view v) {
    auto key = ParseDueKey(k);
    auto value = codec::DecodeDueValue(v);
    if (!key.ok() || !value.ok()) {
      decode = key.ok() ? value.status() : key.status();
      return false;
    }
    if (!q.programme.empty() && value->programme != q.programme) return true;
    if (!referent.empty() && value->referent != referent) return true;
    found.push_back(std::move(*key));
    return true;
  };
  auto scan = [&](const std::string& prefix) {
    if (!before) return r.ScanPrefix(Domain::kIndexes, prefix, visit);
    return r.ScanRange(Domain::kIndexes, prefix, prefix + before->plus_days(1).iso(), visit);
  };
  if (by_referent) {
    PARCOURS_RETURN_IF_ERROR(scan(keys::DueOfReferentPrefix(referent)));
  } else {
    PARCOURS_RETURN_IF_ERROR(scan(keys::DuePrefix()));
    PARCOURS_RETURN_IF_ERROR(decode);
    PARCOURS_RETURN_IF_ERROR(scan(keys::DueMissedPrefix()));
    std::sort(found.begin(), found.end(), [](const DueKey& a, const DueKey& b) {
      return std::tie(a.due, a.pathway, a.deadline) < std::tie(b.due, b.pathway, b.deadline);
    });
  }
  PARCOURS_RETURN_IF_ERROR(decode);

  const Date today = clock_.today();
  std::vector<DueEntry> out;
  for (auto& key : found) {
    DueEntry entry;
    PARCOURS_ASSIGN_OR_RETURN(entry.state, impl_->LoadState(r, key.pathway));
    PARCOURS_ASSIGN_OR_RETURN(auto wf, impl_->WorkflowAt(r, entry.state.programme, entry.state.version));
    const Deadline* d = wf->find_deadline(key.deadline);
    entry.label = d ? d->label : key.deadline;
    auto person = impl_->GetPersonRecord(r, entry.state.person);
    if (person.ok()) entry.person_name = person->name;
    else if (!person.status().IsNotFound()) return person.status();
    entry.deadline = std::move(key.deadline);
    entry.due = key.due;
    entry.days_left = today.days_until(key.due);
    out.push_back(std::move(entry));
  }
  return out;
}

Result<int> Engine::ProcessDeadlines() {
  const Date today = clock_.today();
  // What the index says passed (due before today) and is not missed yet
  // (missed ones are under keys::DueMissed).
  std::vector<DueKey> passed;
  Status decode;
  PARCOURS_RETURN_IF_ERROR(store_.ScanRange(
      Domain::kIndexes, keys::DuePrefix(), keys::Join({"due", today.iso()}),
      [&](std::string_view k, std::string_view v) {
        auto key = ParseDueKey(k);
        auto value = codec::DecodeDueValue(v);
        if (!key.ok() || !value.ok()) {
          decode = key.ok() ? value.status() : key.status();
          return false;
        }
        if (!value->missed) passed.push_back(std::move(*key));
        return true;
      }));
  PARCOURS_RETURN_IF_ERROR(decode);

  // Recorded in batches, each planned on the latest state: another process
  // may have recorded one, or a deadline may have been cleared since the
  // scan; then nothing is written for it. (A store just imported may have
  // thousands: one fsync per batch, not per deadline.)
  constexpr std::size_t kBatch = 1000;
  int recorded = 0;
  for (std::size_t first = 0; first < passed.size(); first += kBatch) {
    const std::size_t last = std::min(passed.size(), first + kBatch);
    int in_batch = 0;
    PARCOURS_RETURN_IF_ERROR(impl_->RunBatch("recording missed deadlines", [&](BatchReader& reader) -> Status {
      in_batch = 0;
      for (std::size_t i = first; i < last; ++i) {
        PARCOURS_ASSIGN_OR_RETURN(
            PlannedCommand planned,
            impl_->PlanDeadlineMissed(reader, passed[i].pathway, passed[i].deadline, PlanAs{clock_}));
        if (planned.result.event.seq == 0) continue;
        reader.Apply(std::move(planned.mutation));
        ++in_batch;
      }
      return Status::Ok();
    }));
    recorded += in_batch;
  }
  return recorded;
}

Result<PlannedCommand> Engine::Impl::PlanDeadlineMissed(const StoreReader& r, const std::string& pathway,
                                                        const std::string& deadline, const PlanAs& as) {
  const Date today = as.clock.today();
  PARCOURS_ASSIGN_OR_RETURN(auto loaded, LoadStateRaw(r, pathway));
  const PathwayState& before = loaded.state;
  const auto it = before.deadlines.find(deadline);
  if (it == before.deadlines.end() || it->second.missed || it->second.due >= today) {
    return PlannedCommand{Mutation{}, CommandResult{}};
  }
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, before.programme, before.version));
  Event e = NewEvent(before, EventKind::kDeadlineMissed, "deadline_missed", kDeadlineActor, as.clock);
  e.date = it->second.due.plus_days(1);  // the first day it was missed
  e.data = Json{{"deadline", deadline}, {"due", it->second.due.iso()}};
  PathwayState after = before;
  PARCOURS_RETURN_IF_ERROR(ApplyEvent(after, e, *wf));
  PARCOURS_ASSIGN_OR_RETURN(Mutation m, PathwayMutation(loaded, after, e, *wf));
  return PlannedCommand{std::move(m), Done(std::move(e), std::move(after), wf)};
}

}  // namespace parcours
