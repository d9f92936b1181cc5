// parcours person add|show|find: persons and their identifying data.
#include "context.h"

namespace parcours::cli {
namespace {

struct AddOptions {
  std::string name, birth, sex;
  std::vector<std::string> attrs;
  bool allow_duplicate = false;
};

Status Add(Context& ctx, const AddOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(RawFields attrs, ParseKeyValues(o.attrs, "--attr"));
  AddPersonRequest req;
  req.name = o.name;
  req.birth = o.birth;
  req.sex = o.sex;
  req.attrs = attrs;
  req.allow_duplicate = o.allow_duplicate;
  req.actor = ctx.actor;
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(true));
  PARCOURS_ASSIGN_OR_RETURN(Person p, session->engine->AddPerson(req));
  ctx.out.Emit(Json{{"id", p.id}},
               "Added " + p.name + " (" + p.sex + ", born " + p.birth.iso() + ") as " + p.id);
  return Status::Ok();
}

Status Show(Context& ctx, const std::string& id) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(Person p, session->engine->GetPerson(id));
  PARCOURS_ASSIGN_OR_RETURN(auto pathways, session->engine->PathwaysOfPerson(p.id));
  Json j = p.ToJson();
  j["pathways"] = Json::array();
  std::string h = p.id + "  " + p.name + " (" + p.sex + ", born " + p.birth.iso() + ")\n";
  if (!p.attrs.empty()) {
    std::string attrs;
    for (const auto& [k, v] : p.attrs) attrs += (attrs.empty() ? "" : " ") + k + "=" + v;
    h += "Attributes: " + attrs + "\n";
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : pathways) {
    j["pathways"].push_back({{"pathway", s.id}, {"programme", s.programme}, {"step", s.step},
                             {"status", s.status()}, {"enrolled", s.enrolled.iso()}, {"referent", s.referent}});
    rows.push_back({s.id, s.programme, s.step, s.status(), s.enrolled.iso(), s.referent});
  }
  h += pathways.empty() ? "No pathway yet." : Table({"PATHWAY", "PROGRAMME", "STEP", "STATUS", "ENROLLED", "REFERENT"}, rows);
  ctx.out.Emit(j, h);
  return Status::Ok();
}

Status Find(Context& ctx, const std::string& text) {
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(false));
  PARCOURS_ASSIGN_OR_RETURN(auto found, session->engine->FindPersons(text));
  Json arr = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : found) {
    arr.push_back({{"id", p.id}, {"name", p.name}, {"birth", p.birth.iso()}, {"sex", p.sex}});
    rows.push_back({p.id, p.name, p.sex, p.birth.iso()});
  }
  ctx.out.Emit(Json{{"persons", arr}},
               found.empty() ? "Nobody matches \"" + text + "\"." : Table({"ID", "NAME", "SEX", "BORN"}, rows));
  return Status::Ok();
}

}  // namespace

void SetPersonCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("person", "Register, show and find persons");
  cmd->require_subcommand(1);
  cmd->footer("Example: parcours person find diallo");

  auto* add = cmd->add_subcommand("add", "Register a person");
  auto add_opt = std::make_shared<AddOptions>();
  add->add_option("--name", add_opt->name, "Full name")->required();
  add->add_option("--birth", add_opt->birth, "Birth date, YYYY-MM-DD")->required();
  add->add_option("--sex", add_opt->sex, "F, M or X")->required();
  add->add_option("--attr", add_opt->attrs,
                  "KEY=VALUE, repeatable: education=0..8 (ISCED), labour_status=unemployed|"
                  "long_term_unemployed|inactive|employed, rsa|rqth|qpv=yes|no");
  add->add_flag("--allow-duplicate", add_opt->allow_duplicate,
                "Register even if a person with the same name and birth date exists");
  add->footer("Example: parcours person add --name \"Awa Diallo\" --birth 1991-04-02 --sex F --attr rsa=yes");
  add->callback([&ctx, add_opt] { ctx.action = [&ctx, add_opt] { return Add(ctx, *add_opt); }; });

  auto* show = cmd->add_subcommand("show", "Show a person and their pathways");
  auto show_id = std::make_shared<std::string>();
  show->add_option("ID", *show_id, "Person id, e.g. P-7K2M9")->required();
  show->footer("Example: parcours person show P-7K2M9");
  show->callback([&ctx, show_id] { ctx.action = [&ctx, show_id] { return Show(ctx, *show_id); }; });

  auto* find = cmd->add_subcommand("find", "Find persons by name (ignores accents and case)");
  auto text = std::make_shared<std::string>();
  find->add_option("TEXT", *text, "Part of a name: every word must start a word of the name")->required();
  find->footer("Example: parcours person find diallo");
  find->callback([&ctx, text] { ctx.action = [&ctx, text] { return Find(ctx, *text); }; });
}

}  // namespace parcours::cli
