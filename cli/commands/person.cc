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
  Json args{{"name", o.name}, {"birth", o.birth}, {"sex", o.sex}, {"attrs", attrs},
            {"allow_duplicate", o.allow_duplicate}};
  return RunCommand(ctx, Request("person.add", std::move(args)), [](const Json& p) {
    return "Added " + Text(p, "name") + " (" + Text(p, "sex") + ", born " + Text(p, "birth") + ") as " + Text(p, "id");
  });
}

struct EditOptions {
  std::string id;
  std::optional<std::string> name, birth, sex, date;
  std::vector<std::string> attrs;
  bool allow_duplicate = false;
};

Status Edit(Context& ctx, const EditOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(RawFields attrs, ParseKeyValues(o.attrs, "--attr"));
  Json args{{"person", o.id}, {"attrs", attrs}, {"allow_duplicate", o.allow_duplicate}};
  if (o.name) args["name"] = *o.name;
  if (o.birth) args["birth"] = *o.birth;
  if (o.sex) args["sex"] = *o.sex;
  if (o.date) args["date"] = *o.date;
  return RunCommand(ctx, Request("person.edit", std::move(args)), [](const Json& r) {
    std::string h = "Edited " + Text(r, "id") + " " + Text(r, "name") + ":";
    const Json changes = r.value("changes", Json::object());
    for (const auto& [what, v] : changes.items()) {
      const std::string before = Text(v, "from");
      h += "\n  " + what + ": " + (before.empty() ? "(none)" : before) + " -> " + Text(v, "to");
      if (what.rfind("attrs.", 0) == 0) h += " from " + Text(r, "date");
    }
    return h;
  });
}

std::string ShowHuman(const Json& j) {
  auto parsed = Person::FromJson(j);
  if (!parsed.ok()) return "(the person could not be read: " + RenderHints(parsed.status().message()) + ")";
  const Person& p = *parsed;
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
  const Json pathways = j.value("pathways", Json::array());
  for (const auto& s : pathways) {
    rows.push_back({Text(s, "pathway"), Text(s, "programme"), Text(s, "step"), Text(s, "status"),
                    Text(s, "enrolled"), Text(s, "referent")});
  }
  h += pathways.empty() ? "No pathway yet." : Table({"PATHWAY", "PROGRAMME", "STEP", "STATUS", "ENROLLED", "REFERENT"}, rows);
  return h;
}

Status Show(Context& ctx, const std::string& id) {
  return RunCommand(ctx, Request("person.show", {{"person", id}}), ShowHuman);
}

struct FindOptions {
  std::string text;
  int limit = 0;  // 0: the engine's default
};

Status Find(Context& ctx, const FindOptions& o) {
  Json args{{"text", o.text}};
  if (o.limit != 0) args["limit"] = o.limit;
  return RunCommand(ctx, Request("person.find", std::move(args)), [text = o.text](const Json& r) {
    const Json persons = r.value("persons", Json::array());
    if (persons.empty()) return "Nobody matches \"" + text + "\".";
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : persons) rows.push_back({Text(p, "id"), Text(p, "name"), Text(p, "sex"), Text(p, "birth")});
    std::string out = Table({"ID", "NAME", "SEX", "BORN"}, rows);
    const std::size_t total = r.value("total", persons.size());
    if (total > persons.size()) {
      out += "\n" + std::to_string(persons.size()) + " of " + std::to_string(total) +
             " shown: add a word of the name to narrow the search, or --limit N to see more.";
    }
    return out;
  });
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
  auto find_opt = std::make_shared<FindOptions>();
  find->add_option("TEXT", find_opt->text, "Part of a name: every word must start a word of the name")->required();
  find->add_option("--limit", find_opt->limit, "Show at most N persons (default " + std::to_string(kFindLimit) + ")")
      ->check(CLI::Range(std::size_t{1}, kFindMaxLimit));
  find->footer("Example: parcours person find diallo");
  find->callback([&ctx, find_opt] { ctx.action = [&ctx, find_opt] { return Find(ctx, *find_opt); }; });
}

}  // namespace parcours::cli
