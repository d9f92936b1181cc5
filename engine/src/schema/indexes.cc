#include "schema/indexes.h"

#include "schema/codec.h"
#include "schema/keys.h"

namespace parcours {

IndexEntries StateIndexEntries(const PathwayState& s) {
  IndexEntries out;
  out.emplace_back(keys::PersonPathway(s.person, s.enrolled.iso(), s.ordinal, s.id), "");
  if (!s.exited) {
    out.emplace_back(keys::ActiveOf(s.person, s.programme), s.id);
    out.emplace_back(keys::Open(s.programme, s.id), "");
    out.emplace_back(keys::Referent(s.referent, s.id), "");
  }
  // Open deadlines by due date: opened, cleared and missed in the same batch
  // as the event that does it.
  for (auto& entry : DeadlineIndexEntries(s)) out.push_back(std::move(entry));
  return out;
}

std::pair<std::string, std::string> DayIndexEntry(const PathwayState& s, const Event& e, const Workflow& wf) {
  const Step* to = wf.find_step(e.to);
  const DayValue value{e.kind, e.action, e.from, e.to, e.kind == EventKind::kTransition && to && to->final, e.fields};
  return {keys::Day(s.programme, e.date.iso(), e.pathway, e.seq), codec::EncodeDayValue(value)};
}

IndexEntries DeadlineIndexEntries(const PathwayState& s) {
  IndexEntries out;
  for (const auto& [deadline, open] : s.deadlines) {
    out.emplace_back(keys::Due(open.due.iso(), s.id, deadline),
                     codec::EncodeDueValue(DueValue{s.programme, s.referent, open.missed}));
  }
  return out;
}

}  // namespace parcours
