// Service handlers of user commands: user.add, user.list, user.revoke
// (docs/security.md).
#include "service/handlers.h"

namespace parcours::service {
namespace {

Json UserJson(const User& u) {
  return Json{{"name", u.name},
              {"role", RoleName(u.role)},
              {"created", u.created},
              {"created_by", u.created_by},
              {"active", u.revoked.empty()},
              {"revoked", u.revoked.empty() ? Json() : Json(u.revoked)},
              {"revoked_by", u.revoked.empty() ? Json() : Json(u.revoked_by)}};
}

}  // namespace

// The token is in this reply only: shown once, never stored. A request id
// done again gives the user with "token": null.
Result<Json> UserAdd(const Call& call) {
  AddUserRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.name, call.args.Text("name"));
  PARCOURS_ASSIGN_OR_RETURN(req.role, call.args.Text("role"));
  req.actor = call.actor;
  req.request_id = call.request_id;
  PARCOURS_ASSIGN_OR_RETURN(AddedUser added, call.engine.AddUser(req));
  return Json{{"user", UserJson(added.user)},
              {"token", added.token.empty() ? Json() : Json(added.token)}};
}

Result<Json> UserList(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(auto users, call.engine.ListUsers());
  Json arr = Json::array();
  for (const auto& u : users) arr.push_back(UserJson(u));
  return Json{{"users", arr}};
}

Result<Json> UserRevoke(const Call& call) {
  PARCOURS_ASSIGN_OR_RETURN(std::string name, call.args.Text("name"));
  PARCOURS_ASSIGN_OR_RETURN(User user, call.engine.RevokeUser(name, call.actor, call.request_id));
  return Json{{"user", UserJson(user)}};
}

}  // namespace parcours::service
