// Internals of the Service (include/parcours/service.h): reading a request's
// arguments, and one handler per command, grouped by area (pathways.cc,
// persons.cc, programmes.cc, reports.cc, users.cc). A handler turns the
// arguments into an engine request, runs it, and builds the result JSON: what
// a client prints, with everything it needs to render it for a person
// (names, step labels, what can be done next) without asking again.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/engine.h"

namespace parcours::service {

// A request's "args" object, read with typed getters. Every getter refuses a
// value of the wrong type with a usage error naming the argument and the type
// it must have; a required one that is absent is a usage error too.
class Args {
 public:
  // `names`: every argument the command accepts (for messages).
  Args(std::string command, const Json& args, std::vector<std::string> names);

  // Usage error for an argument that is not one of `names`.
  Status CheckKnown() const;

  Result<std::string> Text(std::string_view name) const;  // required
  Result<std::string> TextOr(std::string_view name, std::string fallback = {}) const;
  Result<std::optional<std::string>> OptText(std::string_view name) const;
  Result<bool> Flag(std::string_view name) const;  // absent: false
  Result<int64_t> Integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  // An object of text values ({"contract": "cdd"}); absent: empty.
  Result<RawFields> TextMap(std::string_view name) const;

 private:
  const Json* Find(std::string_view name) const;
  Status WrongType(std::string_view name, std::string_view want) const;

  std::string command_;
  const Json& args_;
  std::vector<std::string> names_;
};

// One request being handled.
struct Call {
  Engine& engine;
  const Args& args;
  std::string actor;       // who asks: the token's user, or the request's actor
  std::string request_id;  // empty on reads, or when none was given
};

using Handler = Result<Json> (*)(const Call& call);

// Result pieces shared by several areas.
// {"transitions": [...], "milestones": [...]} of what a pathway can do next, as
// "next_transitions" / "next_milestones", with the person's name and labels.
Json CommandJson(const Engine& engine, const CommandResult& r);
// The person's name, or null when their data was erased.
Json PersonName(const Engine& engine, const std::string& person_id);

// Handlers, by area.
Result<Json> Enroll(const Call& call);
Result<Json> Advance(const Call& call);
Result<Json> Record(const Call& call);
Result<Json> Void(const Call& call);
Result<Json> Assign(const Call& call);
Result<Json> Note(const Call& call);
Result<Json> Show(const Call& call);
Result<Json> History(const Call& call);
Result<Json> Caseload(const Call& call);
Result<Json> Due(const Call& call);

Result<Json> PersonAdd(const Call& call);
Result<Json> PersonEdit(const Call& call);
Result<Json> PersonShow(const Call& call);
Result<Json> PersonFind(const Call& call);

Result<Json> ProgrammeInstall(const Call& call);
Result<Json> ProgrammeList(const Call& call);
Result<Json> ProgrammeShow(const Call& call);

Result<Json> ReportList(const Call& call);
Result<Json> ReportRun(const Call& call);
Result<Json> ReportOutcomes(const Call& call);

Result<Json> UserAdd(const Call& call);
Result<Json> UserList(const Call& call);
Result<Json> UserRevoke(const Call& call);

}  // namespace parcours::service
