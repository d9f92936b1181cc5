// Service handlers of pathway commands and reads: enroll, advance, record,
// void, assign, show, history, caseload.
#include <algorithm>

#include "service/handlers.h"

namespace parcours::service {

Json PersonName(const Engine& engine, const std::string& person_id) {
  auto person = engine.GetPerson(person_id);
  return person.ok() ? Json(person->name) : Json(nullptr);
}

Json CommandJson(const Engine& engine, const CommandResult& r) {
  const auto& s = r.state;
  const auto& wf = *r.workflow;
  return Json{{"pathway", s.id},
              {"person", s.person},
              {"person_name", PersonName(engine, s.person)},
              {"programme", s.programme},
              {"programme_label", wf.label},
              {"version", s.version},
              {"step", s.step},
              {"step_display", wf.step_display(s.step)},
              {"status", s.status()},
              {"referent", s.referent},
              {"enrolled", s.enrolled.iso()},
              {"seq", r.event.seq},
              {"action", r.event.action},
              {"date", r.event.date.iso()},
              {"fields", r.event.fields},
              {"next_transitions", r.next_transitions},
              {"next_milestones", r.next_milestones}};
}

Result<Json> Enroll(const Call& call) {
  const Args& a = call.args;
  EnrollRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.person, a.Text("person"));
  PARCOURS_ASSIGN_OR_RETURN(req.programme, a.Text("programme"));
  PARCOURS_ASSIGN_OR_RETURN(req.date, a.OptText("date"));
  PARCOURS_ASSIGN_OR_RETURN(req.referent, a.TextOr("referent"));
  PARCOURS_ASSIGN_OR_RETURN(req.fields, a.TextMap("fields"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.Enroll(req));
  return CommandJson(call.engine, r);
}

Result<Json> Advance(const Call& call) {
  const Args& a = call.args;
  AdvanceRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.pathway, a.Text("pathway"));
  PARCOURS_ASSIGN_OR_RETURN(req.transition, a.Text("transition"));
  PARCOURS_ASSIGN_OR_RETURN(req.date, a.OptText("date"));
  PARCOURS_ASSIGN_OR_RETURN(req.fields, a.TextMap("fields"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.Advance(req));
  Json j = CommandJson(call.engine, r);
  const Step* from = r.workflow->find_step(r.event.from);
  j["transition"] = r.event.action;
  j["from"] = r.event.from;
  j["from_label"] = from ? from->label : r.event.from;
  return j;
}

Result<Json> Record(const Call& call) {
  const Args& a = call.args;
  RecordRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.pathway, a.Text("pathway"));
  PARCOURS_ASSIGN_OR_RETURN(req.milestone, a.Text("milestone"));
  PARCOURS_ASSIGN_OR_RETURN(req.date, a.OptText("date"));
  PARCOURS_ASSIGN_OR_RETURN(req.fields, a.TextMap("fields"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.Record(req));
  Json j = CommandJson(call.engine, r);
  j["milestone"] = r.event.action;
  return j;
}

Result<Json> Void(const Call& call) {
  const Args& a = call.args;
  VoidRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.pathway, a.Text("pathway"));
  PARCOURS_ASSIGN_OR_RETURN(req.reason, a.Text("reason"));
  PARCOURS_ASSIGN_OR_RETURN(int64_t seq, a.Integer("seq", 0, 0, UINT32_MAX));
  req.seq = static_cast<uint32_t>(seq);
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.Void(req));
  Json j = CommandJson(call.engine, r);
  j["voided"] = r.event.data.value("voids", 0u);
  j["voided_action"] = r.event.data.value("voided_action", "");
  j["reason"] = r.event.data.value("reason", "");
  return j;
}

Result<Json> Assign(const Call& call) {
  const Args& a = call.args;
  AssignRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.pathway, a.Text("pathway"));
  PARCOURS_ASSIGN_OR_RETURN(req.referent, a.Text("referent"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.Assign(req));
  Json j = CommandJson(call.engine, r);
  j["previous"] = r.event.data.value("previous", "");
  return j;
}

namespace {

bool IsVoided(const PathwayView& v, uint32_t seq) {
  return std::binary_search(v.voided.begin(), v.voided.end(), seq);
}

// A pathway with every event, as `show` and `history` print it.
Json ViewJson(const PathwayView& v) {
  const auto& wf = *v.workflow;
  Json events = Json::array();
  for (const auto& e : v.events) {
    Json j{{"seq", e.seq},
           {"kind", EventKindName(e.kind)},
           {"action", e.action},
           {"from", e.from.empty() ? Json() : Json(e.from)},
           {"to", e.to},
           {"from_display", e.from.empty() ? Json() : Json(wf.step_display(e.from))},
           {"to_display", wf.step_display(e.to)},
           {"date", e.date.iso()},
           {"recorded", e.recorded},
           {"actor", e.actor},
           {"fields", e.fields},
           {"data", e.data}};
    if (e.kind == EventKind::kEnroll) j["referent"] = e.data.value("referent", "");
    if (e.kind == EventKind::kAssign) {
      j["referent"] = e.data.value("referent", "");
      j["previous"] = e.data.value("previous", "");
    }
    if (e.kind == EventKind::kVoid) {
      j["voids"] = e.data.value("voids", 0u);
      j["reason"] = e.data.value("reason", "");
    }
    j["voided"] = IsVoided(v, e.seq);
    events.push_back(std::move(j));
  }
  const auto& s = v.state;
  return Json{{"pathway", s.id},
              {"person", s.person},
              {"person_name", v.person ? Json(v.person->name) : Json(nullptr)},
              {"programme", s.programme},
              {"programme_label", wf.label},
              {"version", s.version},
              {"step", s.step},
              {"step_display", wf.step_display(s.step)},
              {"step_since", s.step_since.iso()},
              {"status", s.status()},
              {"referent", s.referent},
              {"enrolled", s.enrolled.iso()},
              {"events", events}};
}

}  // namespace

Result<Json> Show(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string id, call.args.Text("pathway"));
  PARCOURS_ASSIGN_OR_RETURN(auto view, call.engine.GetPathway(id));
  return ViewJson(view);
}

Result<Json> History(const Call& call) { return Show(call); }

Result<Json> Caseload(const Call& call) {
  const Args& a = call.args;
  CaseloadQuery q;
  PARCOURS_ASSIGN_OR_RETURN(q.programme, a.TextOr("programme"));
  PARCOURS_ASSIGN_OR_RETURN(q.step, a.TextOr("step"));
  PARCOURS_ASSIGN_OR_RETURN(q.referent, a.TextOr("referent"));
  PARCOURS_ASSIGN_OR_RETURN(q.all, a.Flag("all"));
  q.actor = call.actor;
  PARCOURS_ASSIGN_OR_RETURN(auto entries, call.engine.Caseload(q));
  Json arr = Json::array();
  for (const auto& e : entries) {
    const auto& s = e.state;
    arr.push_back({{"pathway", s.id},
                   {"person", s.person},
                   {"name", e.person_name},
                   {"programme", s.programme},
                   {"step", s.step},
                   {"referent", s.referent},
                   {"days_in_step", e.days_in_step},
                   {"days_since_last_event", e.days_since_last_event}});
  }
  // Whose pathways these are, for "No active pathway of X matches."
  Json whose = q.all ? Json(nullptr) : Json(q.referent.empty() ? call.actor : q.referent);
  return Json{{"pathways", arr}, {"referent", whose}, {"all", q.all}};
}

}  // namespace parcours::service
