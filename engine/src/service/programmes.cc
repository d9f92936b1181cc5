// Service handlers of programme commands: programme.install, programme.list,
// programme.show.
#include "service/handlers.h"

namespace parcours::service {

Result<Json> ProgrammeInstall(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string yaml, call.args.Text("yaml"));
  PARCOURS_ASSIGN_OR_RETURN(std::string source, call.args.Text("source"));
  // The engine's InstallProgramme has no request id: a repeated install of the
  // same text changes nothing anyway.
  PARCOURS_ASSIGN_OR_RETURN(auto r, call.engine.InstallProgramme(yaml, source, call.actor));
  const auto& p = r.programme;
  return Json{{"programme", p.id}, {"version", p.version}, {"changed", r.changed}, {"label", p.label}};
}

Result<Json> ProgrammeList(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(auto list, call.engine.ListProgrammes());
  Json arr = Json::array();
  for (const auto& p : list) {
    arr.push_back({{"id", p.id}, {"label", p.label}, {"version", p.version},
                   {"installed", p.installed}, {"installed_by", p.installed_by}, {"source", p.source}});
  }
  return Json{{"programmes", arr}};
}

namespace {

// Adds to each field of `json` (FieldSpec JSON, in `fields` order) "allowed":
// what its values may be, in words.
void AddAllowed(Json& json, const std::vector<FieldSpec>& fields) {
  for (std::size_t i = 0; i < fields.size() && i < json.size(); ++i) {
    json[i]["allowed"] = fields[i].describe_allowed();
  }
}

}  // namespace

Result<Json> ProgrammeShow(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string id, call.args.Text("programme"));
  PARCOURS_ASSIGN_OR_RETURN(int64_t version, call.args.Integer("version", 0, 1, 1000000));
  PARCOURS_ASSIGN_OR_RETURN(auto info, call.engine.GetProgrammeInfo(id));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, call.engine.GetWorkflow(id, static_cast<int>(version)));
  Json j = wf->to_json();
  j["version"] = version == 0 ? info.version : static_cast<int>(version);
  j["latest_version"] = info.version;
  // For people: each step's display name and each field's allowed values.
  for (std::size_t i = 0; i < wf->steps.size() && i < j["steps"].size(); ++i) {
    j["steps"][i]["display"] = wf->step_display(wf->steps[i].id);
  }
  AddAllowed(j["enrolment"]["fields"], wf->enrolment_fields);
  for (std::size_t i = 0; i < wf->transitions.size() && i < j["transitions"].size(); ++i) {
    AddAllowed(j["transitions"][i]["fields"], wf->transitions[i].fields);
  }
  for (std::size_t i = 0; i < wf->milestones.size() && i < j["milestones"].size(); ++i) {
    AddAllowed(j["milestones"][i]["fields"], wf->milestones[i].fields);
  }
  return j;
}

}  // namespace parcours::service
