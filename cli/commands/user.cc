// parcours user add|list|revoke: who may use the store, with which role
// (docs/security.md).
#include "context.h"

namespace parcours::cli {
namespace {

std::string AddedHuman(const Json& r) {
  const Json user = r.value("user", Json::object());
  const std::string who = Text(user, "name") + " (" + Text(user, "role") + ")";
  auto token = r.find("token");
  if (token == r.end() || !token->is_string()) {
    return "User " + who + " was added by this request already; its token was shown then (only its hash is stored).";
  }
  return "Added user " + who + ". Their token:\n" + token->get<std::string>() +
         "\nThis token is shown once: keep it; only its hash is stored.";
}

std::string ListHuman(const Json& r) {
  const Json users = r.value("users", Json::array());
  if (users.empty()) return "No user yet. Add one with `parcours user add NAME --role programme_admin`.";
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : users) {
    const std::string status = u.value("active", false)
                                   ? "active"
                                   : "revoked " + Text(u, "revoked").substr(0, 10) + " by " + Text(u, "revoked_by");
    rows.push_back({Text(u, "name"), Text(u, "role"), Text(u, "created").substr(0, 10), Text(u, "created_by"), status});
  }
  return Table({"USER", "ROLE", "ADDED", "BY", "STATUS"}, rows);
}

std::string RevokedHuman(const Json& r) {
  const Json user = r.value("user", Json::object());
  return "Revoked user " + Text(user, "name") + " (" + Text(user, "role") + "): their token no longer works.";
}

}  // namespace

void SetUserCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("user", "Add, list and revoke users and their tokens");
  cmd->require_subcommand(1);
  cmd->footer("Example: parcours user add lea.moreau --role counsellor");

  struct AddOptions {
    std::string name, role;
  };
  auto add_opt = std::make_shared<AddOptions>();
  auto* add = cmd->add_subcommand("add", "Add a user and print their token (shown once; only its hash is stored)");
  add->add_option("NAME", add_opt->name, "User name: letters, digits, '.', '-', '_', e.g. lea.moreau")->required();
  add->add_option("--role", add_opt->role, "counsellor, programme_admin, funder or auditor")->required();
  add->footer("Example: parcours user add lea.moreau --role counsellor");
  add->callback([&ctx, add_opt] {
    ctx.action = [&ctx, add_opt] {
      return RunCommand(ctx, Request("user.add", {{"name", add_opt->name}, {"role", add_opt->role}}), AddedHuman);
    };
  });

  auto* list = cmd->add_subcommand("list", "List users, their roles, and who was revoked");
  list->footer("Example: parcours user list");
  list->callback([&ctx] { ctx.action = [&ctx] { return RunCommand(ctx, Request("user.list"), ListHuman); }; });

  auto name = std::make_shared<std::string>();
  auto* revoke = cmd->add_subcommand("revoke", "Revoke a user: their token stops working (the user stays listed)");
  revoke->add_option("NAME", *name, "User name")->required();
  revoke->footer("Example: parcours user revoke lea.moreau");
  revoke->callback([&ctx, name] {
    ctx.action = [&ctx, name] { return RunCommand(ctx, Request("user.revoke", {{"name", *name}}), RevokedHuman); };
  });
}

}  // namespace parcours::cli
