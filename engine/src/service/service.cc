// The Service (include/parcours/service.h): checks a request, authenticates
// its caller, and dispatches it to the command's handler (handlers.h).
#include "parcours/service.h"

#include <algorithm>
#include <exception>

#include "common/yaml_read.h"
#include "parcours/text.h"
#include "service/handlers.h"

namespace parcours {
namespace {

using service::Handler;

struct CommandSpec {
  const char* name;
  bool writes;
  Handler handler;
  std::vector<std::string> args;
};

const std::vector<CommandSpec>& Specs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"programme.install", true, service::ProgrammeInstall, {"yaml", "source"}},
      {"programme.list", false, service::ProgrammeList, {}},
      {"programme.show", false, service::ProgrammeShow, {"programme", "version"}},
      {"person.add", true, service::PersonAdd, {"name", "birth", "sex", "attrs", "allow_duplicate"}},
      {"person.edit", true, service::PersonEdit,
       {"person", "name", "birth", "sex", "attrs", "date", "allow_duplicate"}},
      {"person.show", false, service::PersonShow, {"person"}},
      {"person.find", false, service::PersonFind, {"text", "limit"}},
      {"enroll", true, service::Enroll, {"person", "programme", "date", "referent", "fields"}},
      {"advance", true, service::Advance, {"pathway", "transition", "date", "fields"}},
      {"record", true, service::Record, {"pathway", "milestone", "date", "fields"}},
      {"void", true, service::Void, {"pathway", "seq", "reason"}},
      {"assign", true, service::Assign, {"pathway", "referent"}},
      {"note", true, service::Note, {"pathway", "text", "date"}},
      {"show", false, service::Show, {"pathway"}},
      {"history", false, service::History, {"pathway"}},
      {"caseload", false, service::Caseload, {"programme", "step", "referent", "all"}},
      {"due", false, service::Due, {"before", "programme", "referent", "all"}},
      {"report.list", false, service::ReportList, {}},
      {"report.run", false, service::ReportRun, {"report", "programme", "from", "to", "format"}},
      {"report.outcomes", false, service::ReportOutcomes, {"programme", "from", "to", "format"}},
      {"user.add", true, service::UserAdd, {"name", "role"}},
      {"user.list", false, service::UserList, {}},
      {"user.revoke", true, service::UserRevoke, {"name"}},
  };
  return kSpecs;
}

const CommandSpec* FindSpec(std::string_view name) {
  for (const auto& spec : Specs())
    if (name == spec.name) return &spec;
  return nullptr;
}

const std::vector<std::string>& RequestKeys() {
  static const std::vector<std::string> kKeys = {"command", "args", "actor", "token", "request_id"};
  return kKeys;
}

// Up to three known commands nearest to `name`: within two edits, or sharing
// its first part ("person" for "person.ad").
std::vector<std::string> Nearest(const std::string& name) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  if (name.size() <= yaml_read::kMaxHintedWord) {
    const std::string head = name.substr(0, name.find('.'));
    for (const auto& spec : Specs()) {
      const std::string candidate = spec.name;
      const std::size_t d = yaml_read::EditDistance(name, candidate);
      const bool same_area = !head.empty() && candidate.rfind(head + ".", 0) == 0;
      if (d <= 2 || same_area) scored.emplace_back(d, candidate);
    }
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

// The text under `key` of the request, if present; a usage error if not a text.
Result<std::optional<std::string>> RequestText(const Json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Status::Usage(std::string("the request's \"") + key + "\" must be a text",
                         std::string("Give \"") + key + "\" as a JSON string.");
  }
  return std::optional<std::string>(it->get<std::string>());
}

struct Caller {
  std::string actor;
};

// Who asks: the token's user (who must be allowed to run `command`), else the
// request's actor when the service trusts it.
Result<Caller> Identify(const Engine& engine, const ServiceOptions& options, const std::string& command,
                        const std::optional<std::string>& token, const std::optional<std::string>& actor) {
  if (token) {
    PARCOURS_ASSIGN_OR_RETURN(User user, engine.Authenticate(*token));
    if (actor && *actor != user.name) {
      return Status::Denied("the request's actor " + EchoText(*actor) + " is not the token's user",
                            "Leave \"actor\" out: a token says who asks.");
    }
    PARCOURS_RETURN_IF_ERROR(Authorize(user, command));
    return Caller{user.name};
  }
  if (options.require_token) {
    return Status::Denied("this service needs a token with every request",
                          "Send the token of a user ({cmd:user.add} gives one) as \"token\".");
  }
  if (!actor) {
    return Status::Usage("the request has no actor", "Give \"actor\": who is asking, e.g. \"lea.moreau\".");
  }
  auto clean = CleanText(*actor, "actor", kMaxNameChars);
  if (!clean.ok()) return clean.status();
  return Caller{std::move(*clean)};
}

Result<Json> Run(Engine& engine, const ServiceOptions& options, const Json& request) {
  if (!request.is_object()) {
    return Status::Usage("a request must be a JSON object",
                         "Send {\"command\": \"show\", \"args\": {\"pathway\": \"W-3F8Q4\"}}.");
  }
  for (const auto& [key, value] : request.items()) {
    const auto& keys = RequestKeys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Status::Usage("the request has an unknown key " + yaml_read::Quote(key) +
                               yaml_read::DidYouMean(key, keys),
                           "A request's keys: " + yaml_read::JoinComma(keys) + ".");
    }
  }
  PARCOURS_ASSIGN_OR_RETURN(auto command, RequestText(request, "command"));
  if (!command) {
    return Status::Usage("the request names no command",
                         "Give \"command\", one of: " + yaml_read::JoinComma(Service::Commands()) + ".");
  }
  const CommandSpec* spec = FindSpec(*command);
  if (spec == nullptr) {
    const auto near = Nearest(*command);
    return Status::Usage("unknown command " + yaml_read::Quote(*command) +
                             (near.empty() ? "" : " (nearest: " + yaml_read::JoinComma(near) + ")"),
                         "Commands: " + yaml_read::JoinComma(Service::Commands()) + ".");
  }
  static const Json kNoArgs = Json::object();
  const Json* args = &kNoArgs;
  if (auto it = request.find("args"); it != request.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Status::Usage("the request's \"args\" must be an object",
                           "Give the arguments of " + *command + " as {\"name\": value}.");
    }
    args = &*it;
  }
  PARCOURS_ASSIGN_OR_RETURN(auto actor, RequestText(request, "actor"));
  PARCOURS_ASSIGN_OR_RETURN(auto token, RequestText(request, "token"));
  PARCOURS_ASSIGN_OR_RETURN(auto request_id, RequestText(request, "request_id"));
  if (request_id && !spec->writes) {
    return Status::Usage("{cmd:" + *command + "} only reads: it takes no {arg:request_id}",
                         "Give a {arg:request_id} to commands that write, to make a retry safe.");
  }
  if (request_id && request_id->empty()) {
    return Status::Usage("the request's \"request_id\" is empty", "Leave it out, or give a unique id.");
  }
  service::Args reader(*command, *args, spec->args);
  PARCOURS_RETURN_IF_ERROR(reader.CheckKnown());
  PARCOURS_ASSIGN_OR_RETURN(Caller caller, Identify(engine, options, *command, token, actor));
  return spec->handler(service::Call{engine, reader, caller.actor, request_id.value_or("")});
}

Status::Code CodeOfWire(std::string_view code) {
  if (code == "usage") return Status::Code::kUsage;
  if (code == "refused") return Status::Code::kRefused;
  if (code == "not_found") return Status::Code::kNotFound;
  if (code == "unavailable") return Status::Code::kUnavailable;
  if (code == "corruption") return Status::Code::kCorruption;
  if (code == "denied") return Status::Code::kDenied;
  return Status::Code::kInternal;
}

const char* WireCode(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "ok";
    case Status::Code::kUsage: return "usage";
    case Status::Code::kRefused: return "refused";
    case Status::Code::kNotFound: return "not_found";
    case Status::Code::kUnavailable: return "unavailable";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kInternal: return "internal";
    case Status::Code::kDenied: return "denied";
  }
  return "internal";
}

}  // namespace

Service::Service(Engine& engine, ServiceOptions options) : engine_(engine), options_(options) {}

Json Service::Handle(const Json& request) {
  try {
    auto result = Run(engine_, options_, request);
    if (!result.ok()) return ErrorReply(result.status());
    return Json{{"ok", true}, {"result", std::move(*result)}};
  } catch (const std::exception& ex) {
    return ErrorReply(Status::Internal(std::string("the request failed: ") + ex.what()));
  } catch (...) {
    return ErrorReply(Status::Internal("the request failed"));
  }
}

const std::vector<std::string>& Service::Commands() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& spec : Specs()) names.push_back(spec.name);
    return names;
  }();
  return kNames;
}

bool Service::Writes(std::string_view command) {
  const CommandSpec* spec = FindSpec(command);
  return spec != nullptr && spec->writes;
}

int StatusExitCode(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return 0;
    case Status::Code::kUsage: return 2;
    case Status::Code::kRefused: return 3;
    case Status::Code::kNotFound: return 4;
    case Status::Code::kUnavailable: return 5;
    case Status::Code::kDenied: return 6;
    case Status::Code::kCorruption:
    case Status::Code::kInternal: return 1;
  }
  return 1;
}

Json ErrorReply(const Status& status) {
  const Status failed = status.ok() ? Status::Internal("an error reply for a status that is ok") : status;
  return Json{{"ok", false},
              {"error", {{"code", WireCode(failed.code())},
                         {"message", failed.message()},
                         {"hint", failed.allowed()},
                         {"exit", StatusExitCode(failed)}}}};
}

Status ReplyStatus(const Json& reply) {
  if (!reply.is_object() || !reply.contains("ok") || !reply["ok"].is_boolean()) {
    return Status::Internal("the reply is not a Service reply (no \"ok\")");
  }
  if (reply["ok"].get<bool>()) return Status::Ok();
  const Json error = reply.value("error", Json::object());
  if (!error.is_object()) return Status::Internal("the reply's \"error\" is not an object");
  auto text = [&](const char* key) {
    auto it = error.find(key);
    return it != error.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string message = text("message");
  const std::string hint = text("hint");
  switch (CodeOfWire(text("code"))) {
    case Status::Code::kUsage: return Status::Usage(message, hint);
    case Status::Code::kRefused: return Status::Refused(message, hint);
    case Status::Code::kNotFound: return Status::NotFound(message, hint);
    case Status::Code::kUnavailable: return Status::Unavailable(message, hint);
    case Status::Code::kDenied: return Status::Denied(message, hint);
    case Status::Code::kCorruption: return Status::Corruption(message);
    default:
      return Status::Internal(message.empty() ? "the reply's error has no message" : message);
  }
}

const Json& ReplyResult(const Json& reply) {
  static const Json kEmpty = Json::object();
  if (!reply.is_object()) return kEmpty;
  auto it = reply.find("result");
  return it != reply.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace parcours
