// parcours person add|edit|show|find: persons and their identifying data.
#include <algorithm>
#include <optional>

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

struct EditOptions {
  std::string id;
  std::optional<std::string> name, birth, sex, date;
  std::vector<std::string> attrs;
  bool allow_duplicate = false;
};

Status Edit(Context& ctx, const EditOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(RawFields attrs, ParseKeyValues(o.attrs, "--attr"));
  EditPersonRequest req;
  req.person = o.id;
  req.name = o.name;
  req.birth = o.birth;
  req.sex = o.sex;
  req.attrs = attrs;
  req.date = o.date;
  req.allow_duplicate = o.allow_duplicate;
  req.actor = ctx.actor;
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(true));
  PARCOURS_ASSIGN_OR_RETURN(Person p, session->engine->EditPerson(req));
  const PersonChange& c = p.changes.back();
  Json changes = Json::object();
  std::string h = "Edited " + p.id + " " + p.name + ":";
  for (const auto& [what, v] : c.changes) {
    changes[what] = {{"from", v.first}, {"to", v.second}};
    h += "\n  " + what + ": " + (v.first.empty() ? "(none)" : v.first) + " -> " + v.second;
    if (what.rfind("attrs.", 0) == 0) h += " from " + c.date.iso();
  }
  ctx.out.Emit(Json{{"id", p.id}, {"date", c.date.iso()}, {"changes", changes}}, h);
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
  // Dated attribute values, when some changed: "rqth=no, yes from 2026-03-01".
  for (const auto& [k, values] : p.attr_history) {
    if (values.size() < 2 && (values.empty() || !values.front().from)) continue;
    std::string line;
    for (const auto& v : values)
      line += (line.empty() ? "" : ", ") + v.value + (v.from ? " from " + v.from->iso() : " at registration");
    h += "  " + k + ": " + line + "\n";
  }
  if (!p.changes.empty()) {
    h += "Changes:\n";
    for (const auto& c : p.changes) {
      std::string what;
      for (const auto& [k, v] : c.changes)
        what += (what.empty() ? "" : "; ") + k + " " + (v.first.empty() ? "(none)" : v.first) + " -> " + v.second;
      h += "  " + c.recorded + "  " + c.actor + "  " + what +
           (std::any_of(c.changes.begin(), c.changes.end(),
                        [](const auto& kv) { return kv.first.rfind("attrs.", 0) == 0; })
                ? " (from " + c.date.iso() + ")"
                : "") +
           "\n";
    }
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
  auto* cmd = app.add_subcommand("person", "Register, edit, show and find persons");
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

  auto* edit = cmd->add_subcommand("edit", "Correct a person's name, birth date or sex, or record attributes from a date");
  auto edit_opt = std::make_shared<EditOptions>();
  edit->add_option("ID", edit_opt->id, "Person id, e.g. P-7K2M9")->required();
  edit->add_option("--name", edit_opt->name, "Corrected full name");
  edit->add_option("--birth", edit_opt->birth, "Corrected birth date, YYYY-MM-DD");
  edit->add_option("--sex", edit_opt->sex, "Corrected sex: F, M or X");
  edit->add_option("--attr", edit_opt->attrs,
                   "KEY=VALUE, repeatable: an attribute's value from --date on (see person add)");
  edit->add_option("--date", edit_opt->date,
                   "When the attributes took that value: YYYY-MM-DD, today or yesterday (default today)");
  edit->add_flag("--allow-duplicate", edit_opt->allow_duplicate,
                 "Accept a name and birth date that another person has");
  edit->footer("Example: parcours person edit P-7K2M9 --attr rqth=yes --date 2026-03-01");
  edit->callback([&ctx, edit_opt] { ctx.action = [&ctx, edit_opt] { return Edit(ctx, *edit_opt); }; });

  auto* show = cmd->add_subcommand("show", "Show a person, their changes and their pathways");
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
