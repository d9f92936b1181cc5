// Service handlers of person commands: person.add, person.edit, person.show,
// person.find.
#include "service/handlers.h"

namespace parcours::service {

Result<Json> PersonAdd(const Call& call) {
  const Args& a = call.args;
  AddPersonRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.name, a.Text("name"));
  PARCOURS_ASSIGN_OR_RETURN(req.birth, a.Text("birth"));
  PARCOURS_ASSIGN_OR_RETURN(req.sex, a.Text("sex"));
  PARCOURS_ASSIGN_OR_RETURN(req.attrs, a.TextMap("attrs"));
  PARCOURS_ASSIGN_OR_RETURN(req.allow_duplicate, a.Flag("allow_duplicate"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(Person p, call.engine.AddPerson(req));
  return Json{{"id", p.id}, {"name", p.name}, {"birth", p.birth.iso()}, {"sex", p.sex}, {"attrs", p.attrs}};
}

Result<Json> PersonEdit(const Call& call) {
  const Args& a = call.args;
  EditPersonRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.person, a.Text("person"));
  PARCOURS_ASSIGN_OR_RETURN(req.name, a.OptText("name"));
  PARCOURS_ASSIGN_OR_RETURN(req.birth, a.OptText("birth"));
  PARCOURS_ASSIGN_OR_RETURN(req.sex, a.OptText("sex"));
  PARCOURS_ASSIGN_OR_RETURN(req.attrs, a.TextMap("attrs"));
  PARCOURS_ASSIGN_OR_RETURN(req.date, a.OptText("date"));
  PARCOURS_ASSIGN_OR_RETURN(req.allow_duplicate, a.Flag("allow_duplicate"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(Person p, call.engine.EditPerson(req));
  if (p.changes.empty()) return Status::Internal("person " + p.id + " was edited but has no change recorded");
  const PersonChange& c = p.changes.back();
  Json changes = Json::object();
  for (const auto& [what, v] : c.changes) changes[what] = {{"from", v.first}, {"to", v.second}};
  return Json{{"id", p.id}, {"name", p.name}, {"date", c.date.iso()}, {"changes", changes}};
}

Result<Json> PersonShow(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string id, call.args.Text("person"));
  PARCOURS_ASSIGN_OR_RETURN(Person p, call.engine.GetPerson(id));
  PARCOURS_ASSIGN_OR_RETURN(auto pathways, call.engine.PathwaysOfPerson(p.id));
  Json j = p.ToJson();
  j["pathways"] = Json::array();
  for (const auto& s : pathways) {
    j["pathways"].push_back({{"pathway", s.id}, {"programme", s.programme}, {"step", s.step},
                             {"status", s.status()}, {"enrolled", s.enrolled.iso()}, {"referent", s.referent}});
  }
  return j;
}

Result<Json> PersonFind(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string text, call.args.Text("text"));
  PARCOURS_ASSIGN_OR_RETURN(int64_t limit, call.args.Integer("limit", kFindLimit, 1, kFindMaxLimit));
  PARCOURS_ASSIGN_OR_RETURN(auto found, call.engine.FindPersons(text, static_cast<std::size_t>(limit)));
  Json arr = Json::array();
  for (const auto& p : found.persons) {
    arr.push_back({{"id", p.id}, {"name", p.name}, {"birth", p.birth.iso()}, {"sex", p.sex}});
  }
  return Json{{"persons", arr}, {"total", found.total}};
}

}  // namespace parcours::service
