// The engine: the one API through which every command goes.
//
// A command is a plain request struct carrying the text a person typed and the
// actor. The engine validates it against the pathway's workflow, turns it into
// an Event, commits the event together with the pathway's new state and every
// index it touches in one atomic write, then publishes it on the EventBus.
// Refusals are Status values saying what was wrong and what is allowed; when a
// command is refused nothing is written.
//
// One Engine per open store. Writes are serialised by the engine; reads may run
// concurrently with them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "parcours/date.h"
#include "parcours/event.h"
#include "parcours/event_bus.h"
#include "parcours/exchange.h"
#include "parcours/plugins.h"
#include "parcours/report.h"
#include "parcours/status.h"
#include "parcours/store.h"
#include "parcours/workflow.h"

namespace parcours {

// ---- programmes -------------------------------------------------------------

struct ProgrammeInfo {
  std::string id;
  std::string label;
  int version = 0;          // latest installed version
  std::string installed;    // timestamp of that version
  std::string installed_by;
  std::string source;       // file it was installed from
};

struct InstallResult {
  ProgrammeInfo programme;
  bool changed = false;  // false: identical to the latest version, nothing written
};

// ---- persons ----------------------------------------------------------------

// Attributes a person may carry, each with its accepted values (docs/cli.md).
const std::map<std::string, std::vector<std::string>>& KnownPersonAttributes();

struct AddPersonRequest {
  std::string name;
  std::string birth;                         // YYYY-MM-DD
  std::string sex;                           // F, M or X
  std::map<std::string, std::string> attrs;  // see KnownPersonAttributes()
  bool allow_duplicate = false;
  std::string actor;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

// An attribute's value from a date on (`from` absent: since registration).
struct DatedValue {
  std::optional<Date> from;
  std::string value;
};

// One `person edit`: who recorded it, when, and what changed. `changes` maps
// "name", "birth", "sex" or "attrs.<key>" to {before, after} ("" when absent);
// attribute changes take effect on `date`, the others are corrections.
struct PersonChange {
  std::string recorded;  // timestamp
  std::string actor;
  Date date;
  std::map<std::string, std::pair<std::string, std::string>> changes;
};

struct Person {
  std::string id;
  std::string name;
  Date birth;
  std::string sex;
  std::map<std::string, std::string> attrs;  // the latest value of each attribute
  std::string created;  // timestamp
  std::string created_by;
  // Each attribute's values over time, oldest first (effective-dated).
  std::map<std::string, std::vector<DatedValue>> attr_history;
  std::vector<PersonChange> changes;  // oldest first

  // The attribute values in effect on `date`.
  std::map<std::string, std::string> AttrsOn(Date date) const;
  Json ToJson() const;
  static Result<Person> FromJson(const Json& j);
};

// Changes to a person: only what is given changes.
struct EditPersonRequest {
  std::string person;
  std::optional<std::string> name;
  std::optional<std::string> birth;           // YYYY-MM-DD
  std::optional<std::string> sex;             // F, M or X
  std::map<std::string, std::string> attrs;   // see KnownPersonAttributes()
  std::optional<std::string> date;            // when the attributes change; absent: today
  bool allow_duplicate = false;
  std::string actor;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

// ---- pathway commands ---------------------------------------------------------

struct EnrollRequest {
  std::string person;
  std::string programme;
  // YYYY-MM-DD, today or yesterday; absent: today. An empty or other
  // invalid text is refused, never taken as today.
  std::optional<std::string> date;
  std::string referent;  // empty: the actor
  RawFields fields;
  std::string actor;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

struct AdvanceRequest {
  std::string pathway;
  std::string transition;
  std::optional<std::string> date;  // as EnrollRequest::date
  RawFields fields;
  std::string actor;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

struct RecordRequest {
  std::string pathway;
  std::string milestone;
  std::optional<std::string> date;  // as EnrollRequest::date
  RawFields fields;
  std::string actor;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

struct VoidRequest {
  std::string pathway;
  std::string reason;
  std::string actor;
  // The event to void (its seq): the latest pathway event in effect, or the
  // log's last event when it is a void. 0 (not given) is refused.
  uint32_t seq = 0;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

struct AssignRequest {
  std::string pathway;
  std::string referent;
  std::string actor;
  // Idempotency key (empty: none): the same id again returns the first
  // result and writes nothing (remembered at least kRequestIdDays days).
  std::string request_id;
};

// A dated note in a pathway's history: shown by `history`, never counted in
// reports. Identifying data, like a person's name.
struct NoteRequest {
  std::string pathway;
  std::string text;
  std::optional<std::string> date;  // as EnrollRequest::date
  std::string actor;
  std::string request_id;  // as AdvanceRequest::request_id
};

// What a committed command produced, and what can be done next.
struct CommandResult {
  Event event;
  PathwayState state;
  std::shared_ptr<const Workflow> workflow;
  std::vector<std::string> next_transitions;
  std::vector<std::string> next_milestones;
};

// How long request ids are remembered, at least.
inline constexpr int kRequestIdDays = 7;

// ---- users, roles and tokens ------------------------------------------------------

enum class Role { kCounsellor, kProgrammeAdmin, kFunder, kAuditor };
// "counsellor", "programme_admin", "funder", "auditor".
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view text);

struct User {
  std::string name;
  Role role = Role::kCounsellor;
  std::string created;     // timestamp
  std::string created_by;
  std::string revoked;     // timestamp; empty while the user is active
  std::string revoked_by;
};

struct AddUserRequest {
  std::string name;
  std::string role;  // a RoleName
  std::string actor;
  std::string request_id;
};

// A new user and their token, which is shown this once: only its hash is kept.
struct AddedUser {
  User user;
  std::string token;
};

// May `user` run the Service command `command` ("advance", "user.add"...)?
// Denied naming the role and what it may do (docs/security.md "Roles").
Status Authorize(const User& user, std::string_view command);

// ---- deadlines ------------------------------------------------------------------

struct DueQuery {
  std::optional<std::string> before;  // YYYY-MM-DD, inclusive; absent: every open deadline
  std::string programme;              // empty: every programme
  std::string referent;               // empty: the actor's pathways (everyone's when `all` or no actor)
  std::string actor;
  bool all = false;
};

struct DueEntry {
  PathwayState state;
  std::string person_name;  // empty if erased
  std::string deadline;     // the workflow's deadline id, e.g. "positioning"
  std::string label;        // its label, e.g. "Positioning within 30 days of referral"
  Date due;
  int days_left = 0;        // negative: overdue by that many days
};

// ---- reads ------------------------------------------------------------------

struct PathwayView {
  PathwayState state;
  std::vector<Event> events;
  std::vector<uint32_t> voided;  // seqs cancelled by a void
  std::shared_ptr<const Workflow> workflow;
  std::optional<Person> person;  // absent if the person's data was erased
};

// What `person find` shows by default (a page a counsellor can read), and at most.
inline constexpr std::size_t kFindLimit = 50;
inline constexpr std::size_t kFindMaxLimit = 100000;

struct PersonMatches {
  std::vector<Person> persons;  // the first matches by name, at most the limit asked
  std::size_t total = 0;        // every match
};

struct CaseloadQuery {
  std::string programme;  // empty: every programme
  std::string step;       // empty: every step, else a step of any installed version
  std::string referent;   // empty: the actor's pathways (everyone's when `all` or no actor)
  std::string actor;      // who asks
  bool all = false;       // everyone's pathways; refused with a referent
};

struct CaseloadEntry {
  PathwayState state;
  std::string person_name;  // empty if erased
  int days_in_step = 0;
  int days_since_last_event = 0;
};

struct OutcomesQuery {
  std::string programme;
  std::string from;  // YYYY-MM-DD, inclusive
  std::string to;    // YYYY-MM-DD, inclusive
};

// A report a funder can run: built in, or defined by a plugin.
struct ReportInfo {
  std::string name;         // "outcomes", or "<plugin>.<report>"
  std::string label;
  std::string description;
  std::string provider;     // "built-in" or the plugin's name
  // The programme ids it applies to (its definition's `programmes`); empty:
  // every programme. RunReport refuses any other programme.
  std::vector<std::string> programmes;
};

struct ReportQuery {
  std::string report;     // a ReportInfo name
  std::string programme;
  std::string from;       // YYYY-MM-DD, inclusive
  std::string to;         // YYYY-MM-DD, inclusive
};

class Engine {
 public:
  // `store`, `clock`, `io` and `plugins` (may be null: no plugins) must
  // outlive the engine.
  Engine(Store& store, const Clock& clock, boost::asio::io_context& io,
         std::shared_ptr<spdlog::logger> log, const PluginRegistry* plugins = nullptr);
  ~Engine();

  const Clock& clock() const { return clock_; }
  // Every committed event, as it commits, in memory only: see AddSubscriber
  // for delivery that survives a crash.
  EventBus& bus() { return bus_; }

  // A durable subscriber (docs/architecture.md "Subscribers"): `handler` sees
  // every committed pathway event at least once, in commit order (so in
  // order per pathway), on the io_context, starting after the last event it
  // handled: a cursor kept in the store under `name`, so that after a crash
  // it resumes where it stopped. A new name starts at the first event ever
  // committed (`from_start`) or at the next one. A handler's error stops
  // delivery to it (logged) until the next commit wakes it. On a store
  // opened read-only nothing is delivered. Refused: a name in use, or not
  // made of a-z, 0-9, '.', '_' and '-'.
  Status AddSubscriber(const std::string& name, std::function<Status(const Event&)> handler,
                       bool from_start = true);
  // Counters of the commit path: write batches (fsyncs), commands committed,
  // plans found in conflict and planned again.
  struct CommitStats {
    uint64_t batches = 0;
    uint64_t committed = 0;
    uint64_t conflicts = 0;
  };
  CommitStats commit_stats() const;
  const PluginRegistry* plugins() const { return plugins_; }

  // Programmes. `yaml` is the file's text, `source` its name for messages.
  // Refused with every problem of the file (one per line) when it is invalid.
  Result<InstallResult> InstallProgramme(std::string_view yaml, const std::string& source,
                                         const std::string& actor);
  Result<std::vector<ProgrammeInfo>> ListProgrammes() const;
  // The definition of `id` at `version` (0: the latest).
  Result<std::shared_ptr<const Workflow>> GetWorkflow(const std::string& id, int version = 0) const;
  Result<ProgrammeInfo> GetProgrammeInfo(const std::string& id) const;

  // Persons.
  Result<Person> AddPerson(const AddPersonRequest& request);
  Result<Person> GetPerson(const std::string& id) const;
  // Corrects the name, birth date or sex, or records attribute values from a
  // date on; recorded in the person's change history. Re-indexes the name and
  // updates the entry attributes of the person's pathways.
  Result<Person> EditPerson(const EditPersonRequest& request);
  // Persons whose name contains every word of `text` as a word prefix,
  // ignoring accents and case, sorted by name: the first `limit` of them, and
  // how many match in all. Reads the name index, then only the persons shown.
  Result<PersonMatches> FindPersons(const std::string& text, std::size_t limit = kFindLimit) const;
  // A person's pathways (their current states), oldest first; empty when the
  // person has none. `person_id` must be normalised (as GetPerson returns it).
  Result<std::vector<PathwayState>> PathwaysOfPerson(const std::string& person_id) const;

  // Pathway commands.
  Result<CommandResult> Enroll(const EnrollRequest& request);
  Result<CommandResult> Advance(const AdvanceRequest& request);
  Result<CommandResult> Record(const RecordRequest& request);
  Result<CommandResult> Void(const VoidRequest& request);
  Result<CommandResult> Assign(const AssignRequest& request);
  Result<CommandResult> Note(const NoteRequest& request);

  // Users (docs/security.md). AddUser refuses a name in use, revoked or not.
  Result<AddedUser> AddUser(const AddUserRequest& request);
  Result<std::vector<User>> ListUsers() const;
  Result<User> RevokeUser(const std::string& name, const std::string& actor, const std::string& request_id = "");
  // The active user holding `token`; Denied otherwise (never says which part
  // was wrong).
  Result<User> Authenticate(const std::string& token) const;
  // True once any user exists: referents must then be known users.
  Result<bool> HasUsers() const;

  // Deadlines (docs/workflow-format.md "Deadlines"): open ones, soonest first.
  Result<std::vector<DueEntry>> Due(const DueQuery& query) const;
  // Records one deadline_missed event on each pathway whose deadline passed
  // before today and is still open; returns how many were recorded.
  Result<int> ProcessDeadlines();

  // Bulk import and export (docs/import-export.md). Import plans each row
  // with its command's own rules and commits rows in batches with a
  // checkpoint, so that an interrupted import resumes where it stopped; a
  // refused row goes to the file's rejects file and the others go in.
  // Refused as a whole: no file, a file that cannot be read, a format it
  // cannot tell, a CSV header it does not know.
  Result<ImportSummary> Import(const ImportRequest& request);
  // Imports a generated population through the same path as a file (so it
  // resumes, and is not generated twice); "today" is the clock's. Refused:
  // the programme is not installed.
  Result<ImportFileSummary> Generate(const GenerateRequest& request);
  // Writes every programme version, person, edit, enrolment and event as
  // rows an import takes back.
  Result<ExportSummary> Export(const ExportRequest& request) const;

  // Reads.
  Result<PathwayView> GetPathway(const std::string& id) const;
  Result<std::vector<CaseloadEntry>> Caseload(const CaseloadQuery& query) const;
  Result<OutcomesReport> Outcomes(const OutcomesQuery& query) const;
  // Reports defined declaratively (built in, or by plugins); see
  // docs/reports.md. Implemented in src/report/reports.cc.
  Result<std::vector<ReportInfo>> ListReports() const;
  Result<ReportResult> RunReport(const ReportQuery& query) const;

  // The engine's internals (engine/src/core/engine_impl.h); named here only
  // so that its source files can name its nested types.
  struct Impl;

 private:
  Store& store_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  const PluginRegistry* plugins_;
  EventBus bus_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parcours
