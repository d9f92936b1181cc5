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
    for (auto& entry : DueEntries(s.id, deadline, open.due, DueValue{s.programme, s.referent, open.missed}))
      out.push_back(std::move(entry));
  }
  return out;
}

IndexEntries DueEntries(std::string_view pathway, std::string_view deadline, Date due, const DueValue& v) {
  IndexEntries out;
  std::string value = codec::EncodeDueValue(v);
  const std::string date = due.iso();
  if (!v.referent.empty()) out.emplace_back(keys::DueOfReferent(v.referent, date, pathway, deadline), value);
  out.emplace_back(v.missed ? keys::DueMissed(date, pathway, deadline) : keys::Due(date, pathway, deadline),
                   std::move(value));
  return out;
}

Result<DueKey> ParseDueKey(std::string_view key) {
  // [due_ref \0 <referent> \0 | due \0 | due_missed \0] <date> \0 <pathway> \0 <deadline>
  const std::string by_referent = keys::Join({"due_ref", ""});
  std::size_t a = key.find('\0');
  if (key.starts_with(by_referent)) a = key.find('\0', by_referent.size());
  const std::size_t b = a == std::string_view::npos ? a : key.find('\0', a + 1);
  const std::size_t c = b == std::string_view::npos ? b : key.find('\0', b + 1);
  if (c == std::string_view::npos) return Status::Corruption("malformed due index entry");
  const auto due = Date::ParseIso(key.substr(a + 1, b - a - 1));
  if (!due) return Status::Corruption("due index entry with a bad date");
  return DueKey{*due, std::string(key.substr(b + 1, c - b - 1)), std::string(key.substr(c + 1))};
}

}  // namespace parcours
