// Service handlers of note and due: a pathway's dated notes and its open
// deadlines.
#include "service/handlers.h"

namespace parcours::service {

Result<Json> Note(const Call& call) {
  const Args& a = call.args;
  NoteRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.pathway, a.Text("pathway"));
  PARCOURS_ASSIGN_OR_RETURN(req.text, a.Text("text"));
  PARCOURS_ASSIGN_OR_RETURN(req.date, a.OptText("date"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.Note(req));
  Json j = CommandJson(call.engine, r);
  j["text"] = r.event.data.value("text", "");
  return j;
}

Result<Json> Due(const Call& call) {
  const Args& a = call.args;
  DueQuery q;
  PARCOURS_ASSIGN_OR_RETURN(q.before, a.OptText("before"));
  PARCOURS_ASSIGN_OR_RETURN(q.programme, a.TextOr("programme"));
  PARCOURS_ASSIGN_OR_RETURN(q.referent, a.TextOr("referent"));
  PARCOURS_ASSIGN_OR_RETURN(q.all, a.Flag("all"));
  q.actor = call.actor;
  PARCOURS_ASSIGN_OR_RETURN(auto entries, call.engine.Due(q));
  Json arr = Json::array();
  for (const auto& e : entries) {
    const auto& s = e.state;
    const auto open = s.deadlines.find(e.deadline);
    arr.push_back({{"pathway", s.id},
                   {"person", s.person},
                   {"name", e.person_name},
                   {"programme", s.programme},
                   {"step", s.step},
                   {"status", s.status()},
                   {"referent", s.referent},
                   {"deadline", e.deadline},
                   {"label", e.label},
                   {"due", e.due.iso()},
                   {"days_left", e.days_left},
                   {"missed", open != s.deadlines.end() && open->second.missed}});
  }
  // Whose deadlines these are, for "No open deadline of X matches."
  Json whose = q.all ? Json(nullptr) : Json(q.referent.empty() ? call.actor : q.referent);
  return Json{{"deadlines", arr}, {"referent", whose}, {"all", q.all}};
}

}  // namespace parcours::service
