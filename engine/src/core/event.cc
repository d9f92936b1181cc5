#include "parcours/event.h"

#include <cstdint>
#include <iterator>

namespace parcours {
namespace {

constexpr const char* kKindNames[] = {"enroll", "transition", "milestone", "assign",
                                     "void",   "deadline_missed", "note"};

Result<Date> DateField(const Json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return Status::Corruption(std::string("missing date ") + key);
  auto d = Date::ParseIso(j[key].get<std::string>());
  if (!d) return Status::Corruption(std::string("bad date ") + key);
  return *d;
}

}  // namespace

const char* EventKindName(EventKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<EventKind> ParseEventKind(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kKindNames)); ++i)
    if (name == kKindNames[i]) return static_cast<EventKind>(i);
  return std::nullopt;
}

Json Event::ToJson() const {
  return Json{{"pathway", pathway}, {"seq", seq},       {"kind", EventKindName(kind)},
              {"action", action},   {"from", from},     {"to", to},
              {"date", date.iso()}, {"recorded", recorded}, {"actor", actor},
              {"fields", fields},   {"data", data}};
}

Result<Event> Event::FromJson(const Json& j) {
  try {
    Event e;
    e.pathway = j.at("pathway").get<std::string>();
    if (!j.at("seq").is_number_unsigned() || j.at("seq").get<uint64_t>() > UINT32_MAX) {
      return Status::Corruption("event has a bad sequence number");
    }
    e.seq = j.at("seq").get<uint32_t>();
    auto kind = ParseEventKind(j.at("kind").get<std::string>());
    if (!kind) return Status::Corruption("event of unknown kind");
    e.kind = *kind;
    e.action = j.at("action").get<std::string>();
    e.from = j.at("from").get<std::string>();
    e.to = j.at("to").get<std::string>();
    PARCOURS_ASSIGN_OR_RETURN(e.date, DateField(j, "date"));
    e.recorded = j.at("recorded").get<std::string>();
    e.actor = j.at("actor").get<std::string>();
    e.fields = j.at("fields");
    e.data = j.at("data");
    return e;
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("event does not decode: ") + ex.what());
  }
}

Json PathwayState::ToJson() const {
  Json j{{"id", id},
         {"person", person},
         {"programme", programme},
         {"version", version},
         {"step", step},
         {"exited", exited},
         {"referent", referent},
         {"enrolled", enrolled.iso()},
         {"step_since", step_since.iso()},
         {"last_event", last_event.iso()},
         {"last_seq", last_seq},
         {"created", created},
         {"ordinal", ordinal},
         {"entry", entry}};
  if (!deadlines.empty()) {
    Json open = Json::object();
    for (const auto& [deadline, d] : deadlines) open[deadline] = {{"due", d.due.iso()}, {"missed", d.missed}};
    j["deadlines"] = std::move(open);
  }
  return j;
}

Result<PathwayState> PathwayState::FromJson(const Json& j) {
  try {
    PathwayState s;
    s.id = j.at("id").get<std::string>();
    s.person = j.at("person").get<std::string>();
    s.programme = j.at("programme").get<std::string>();
    s.version = j.at("version").get<int>();
    s.step = j.at("step").get<std::string>();
    s.exited = j.at("exited").get<bool>();
    s.referent = j.at("referent").get<std::string>();
    PARCOURS_ASSIGN_OR_RETURN(s.enrolled, DateField(j, "enrolled"));
    PARCOURS_ASSIGN_OR_RETURN(s.step_since, DateField(j, "step_since"));
    PARCOURS_ASSIGN_OR_RETURN(s.last_event, DateField(j, "last_event"));
    if (!j.at("last_seq").is_number_unsigned() || j.at("last_seq").get<uint64_t>() > UINT32_MAX) {
      return Status::Corruption("pathway state has a bad sequence number");
    }
    s.last_seq = j.at("last_seq").get<uint32_t>();
    s.created = j.value("created", "");
    s.ordinal = j.value("ordinal", 0u);
    s.entry = j.at("entry");
    if (j.contains("deadlines")) {
      for (const auto& [deadline, d] : j.at("deadlines").items()) {
        OpenDeadline open;
        PARCOURS_ASSIGN_OR_RETURN(open.due, DateField(d, "due"));
        open.missed = d.at("missed").get<bool>();
        s.deadlines.emplace(deadline, open);
      }
    }
    return s;
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("pathway state does not decode: ") + ex.what());
  }
}

}  // namespace parcours
