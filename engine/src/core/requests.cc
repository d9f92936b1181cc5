// Request ids: a write command given an id is done once. The id is recorded
// with the command's result in the same batch as its writes, so that the
// same id again returns that first result and writes nothing, even after a
// crash between the commit and the reply.
#include "core/engine_impl.h"
#include "core/users.h"

namespace parcours {

namespace {

constexpr std::size_t kMaxRequestIdChars = 128;

bool IsRequestIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':';
}

}  // namespace

Status Engine::Impl::CheckRequestId(const std::string& id) {
  if (id.size() > kMaxRequestIdChars || !std::all_of(id.begin(), id.end(), IsRequestIdChar)) {
    return Status::Usage("request id " + Quoted(id) + " is not valid",
                         "A request id has 1 to " + std::to_string(kMaxRequestIdChars) +
                             " characters among letters, digits, '-', '_', '.' "
                             "and ':' (a UUID will do).");
  }
  return Status::Ok();
}

std::string Engine::Impl::ArgsDigest(const Json& args) {
  return Sha256Hex(args.dump(-1, ' ', false, Json::error_handler_t::replace));
}

Result<std::optional<Json>> Engine::Impl::FindRequest(const StoreReader& r, std::string_view command,
                                                      const std::string& id, const std::string& digest) const {
  PARCOURS_ASSIGN_OR_RETURN(auto done, GetJson(r, Domain::kMeta, keys::Request(id), "request"));
  if (!done) return std::optional<Json>();
  const std::string first = done->value("command", "");
  if (first != command) {
    return Status::Refused("request id " + Quoted(id) + " was already used for a " + first + " on " +
                               done->value("recorded", "") + ", not a " + std::string(command),
                           "Give each command its own request id; repeat an id "
                           "only to repeat the same command.");
  }
  if (done->value("args", digest) != digest) {
    return Status::Refused("request id " + Quoted(id) + " was already used for a " + first + " on " +
                               done->value("recorded", "") + " with other arguments",
                           "Give each command its own request id; repeat an id "
                           "only to repeat the same command with the same arguments.");
  }
  return std::optional<Json>(done->value("result", Json::object()));
}

void Engine::Impl::RecordRequest(Mutation& m, std::string_view command, const std::string& id,
                                 const std::string& digest, Json result) const {
  const std::string recorded = clock.now_timestamp();
  m.ExpectAbsent(Domain::kMeta, keys::Request(id));
  m.Put(Domain::kMeta, keys::Request(id),
        Json{{"command", command}, {"recorded", recorded}, {"args", digest}, {"result", std::move(result)}}.dump());
  m.Put(Domain::kMeta, keys::RequestOn(clock.today().iso(), id), "");
}

Status Engine::Impl::ForgetOldRequests() {
  if (!committer) return Status::Ok();
  // Kept kRequestIdDays whole days at least: forget those recorded before.
  const std::string cutoff = clock.today().plus_days(-(kRequestIdDays + 1)).iso();
  Mutation m;
  const std::string prefix = keys::RequestOnPrefix();
  PARCOURS_RETURN_IF_ERROR(store.ScanRange(Domain::kMeta, prefix, keys::RequestOn(cutoff, ""),
                                           [&](std::string_view k, std::string_view) {
                                             const std::string_view id = k.substr(k.rfind('\0') + 1);
                                             m.Delete(Domain::kMeta, std::string(k));
                                             m.Delete(Domain::kMeta, keys::Request(id));
                                             return m.writes.size() < 20000;
                                           }));
  if (m.writes.empty()) return Status::Ok();
  const Committer::Committed c = committer->Commit(std::move(m));
  return c.outcome == Committer::Outcome::kFailed ? c.status : Status::Ok();
}

// ---- results as stored with their request id
// -----------------------------------

Json Engine::Impl::Stored(const CommandResult& r) {
  return Json{{"event", r.event.ToJson()}, {"state", r.state.ToJson()}};
}

Status Engine::Impl::Restore(const StoreReader& r, const Json& j, CommandResult& out) const {
  if (!j.is_object() || !j.contains("event") || !j.contains("state")) {
    return Status::Corruption("the stored result of a request does not decode");
  }
  PARCOURS_ASSIGN_OR_RETURN(Event event, Event::FromJson(j["event"]));
  PARCOURS_ASSIGN_OR_RETURN(PathwayState state, PathwayState::FromJson(j["state"]));
  PARCOURS_ASSIGN_OR_RETURN(auto wf, WorkflowAt(r, state.programme, state.version));
  out = Done(std::move(event), std::move(state), std::move(wf));
  return Status::Ok();
}

Status Engine::Impl::Restore(const StoreReader&, const Json& j, Person& out) const {
  PARCOURS_ASSIGN_OR_RETURN(out, Person::FromJson(j));
  return Status::Ok();
}

Json Engine::Impl::Stored(const InstallResult& r) {
  return Json{{"id", r.programme.id}, {"version", r.programme.version}, {"changed", r.changed}};
}

Status Engine::Impl::Restore(const StoreReader& r, const Json& j, InstallResult& out) const {
  PARCOURS_ASSIGN_OR_RETURN(out.programme, ProgrammeInfoAt(r, j.value("id", "")));
  out.changed = j.value("changed", false);
  return Status::Ok();
}

// A token is shown once: a repeated user.add returns the user, never the token.
Json Engine::Impl::Stored(const AddedUser& r) { return Json{{"name", r.user.name}}; }

Status Engine::Impl::Restore(const StoreReader&, const Json& j, AddedUser& out) const {
  out.user.name = j.value("name", "");
  out.token.clear();
  return Status::Ok();
}

}  // namespace parcours
