// Private to engine/src/core: what the Engine's source files share (helpers
// and Engine::Impl). Split by concept: engine.cc (programmes, pathway
// commands), persons.cc (persons), reads.cc (reads), requests.cc (request ids).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "core/batch_reader.h"
#include "core/commit.h"
#include "core/deadlines.h"
#include "schema/codec.h"
#include "schema/indexes.h"
#include "schema/keys.h"
#include "parcours/engine.h"
#include "parcours/ids.h"
#include "parcours/text.h"

namespace parcours {

constexpr int kMinAge = 14;
constexpr int kMaxAge = 100;
constexpr int kMaxIdAttempts = 64;
// How many times a command is planned again when what it read changed
// before it could commit (docs/architecture.md "The command path").
constexpr int kMaxPlans = 16;

// A user's text in a message: quoted, escaped and cut when long (EchoText).
inline std::string Quoted(std::string_view s) { return EchoText(s); }

// The actor of a request comes from the caller unchecked: it is refused when it
// cannot be stored and read back (invalid UTF-8, control characters).
inline Status CheckActor(std::string_view actor) {
  if (IsCleanText(actor)) return Status::Ok();
  return CleanText(actor, "actor", kMaxNameChars).status();
}

inline std::string JoinWords(const std::vector<std::string>& words, std::string_view sep = ", ") {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

// An optional request argument as JSON: null when absent.
inline Json OrNull(const std::optional<std::string>& v) { return v ? Json(*v) : Json(); }

inline Result<Json> ParseStoredJson(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string(what) + " does not decode: " + ex.what());
  }
}

inline std::vector<std::string> Ids(const std::vector<const Transition*>& ts) {
  std::vector<std::string> out;
  for (const auto* t : ts) out.push_back(t->id);
  return out;
}
inline std::vector<std::string> Ids(const std::vector<const Milestone*>& ms) {
  std::vector<std::string> out;
  for (const auto* m : ms) out.push_back(m->id);
  return out;
}

// "From here you can: position, exit." (+ milestones), for refusals.
inline std::string NextMoves(const Workflow& wf, std::string_view step) {
  const auto ts = Ids(wf.transitions_from(step));
  const auto ms = Ids(wf.milestones_in(step));
  std::string out;
  if (!ts.empty()) out = "From here you can: " + JoinWords(ts) + ".";
  else out = "No transition is possible from " + wf.step_display(step) + ".";
  if (!ms.empty()) out += " Milestones you can record here: " + JoinWords(ms) + ".";
  return out;
}

// For whom and when a write command is planned: a command typed now (the
// engine's clock), or an imported row (the instant it was recorded, and the
// ids and programme version it gives; core/import.cc).
struct PlanAs {
  explicit PlanAs(const Clock& c) : clock(c) {}
  const Clock& clock;
  std::string id;   // the id of the person or pathway it creates; empty: a new one
  int version = 0;  // the programme version an enrolment follows; 0: the latest
};

// ---- Impl ---------------------------------------------------------------------

struct Engine::Impl {
  Impl(Store& s, const Clock& c, std::shared_ptr<spdlog::logger> l, EventBus& b,
       boost::asio::io_context& i, const PluginRegistry* p)
      : store(s), clock(c), log(std::move(l)), bus(b), io(i), plugins(p) {
    if (store.read_only()) return;
    auto opened = Committer::Open(store);
    if (opened.ok()) committer = std::move(*opened);
    else committer_status = opened.status();
  }

  Store& store;
  const Clock& clock;
  std::shared_ptr<spdlog::logger> log;
  EventBus& bus;
  boost::asio::io_context& io;
  const PluginRegistry* plugins;
  PluginRegistry::ReaderHandle pathway_reader;  // set by Engine(): plugins read pathways through it
  std::unique_ptr<Committer> committer;         // null on a store opened read-only
  Status committer_status;                      // why there is no committer on a writable store

  std::array<std::mutex, 64> pathway_locks;  // by hash of the pathway id: see Run
  std::mutex rng_mu;
  std::mt19937_64 rng{std::random_device{}()};
  mutable std::mutex cache_mu;
  mutable std::map<std::pair<std::string, int>, std::shared_ptr<const Workflow>> workflows;
  // What ProgrammeInfoAt reads from a version's definition (immutable once
  // installed), so that a command reads the small head only.
  mutable std::map<std::pair<std::string, int>, ProgrammeInfo> programme_infos;

  // ---- the command path ----------------------------------------------------------

  // What a plan produces: the writes with the expectations they rest on, and
  // the command's result once they are committed.
  template <typename T>
  struct Planned {
    Mutation mutation;
    T result;
  };

  // Plans a write command on a snapshot and commits it; plans again (on a
  // newer snapshot) while what it read changed before it could commit. With a
  // request id, a command already done returns its first result, and the id
  // is recorded in the same batch as the command's writes, with a digest of
  // `args` (the request's arguments): the id given again with other arguments
  // is refused, rather than answered with a result that is not theirs.
  // `plan` is called as plan(const StoreReader&) -> Result<Planned<T>>;
  // `args` as args() -> Json, only for a command with a request id.
  //
  // Commands on one pathway (`pathway`, when not empty) follow each other:
  // each needs the state the previous one commits, so planning it earlier
  // would only conflict. They hold that pathway's lock from plan to commit;
  // commands on other pathways plan meanwhile and share the batch.
  template <typename T, typename Plan, typename Args = Json (*)()>
  Result<T> Run(std::string_view command, const std::string& request_id, std::string_view pathway, Plan&& plan,
                const Args& args = &NoArgs) {
    PARCOURS_RETURN_IF_ERROR(CheckRequestId(request_id));
    const std::string digest = request_id.empty() ? std::string() : ArgsDigest(args());
    PARCOURS_RETURN_IF_ERROR(committer_status);
    if (!committer) return Status::Internal("write on a store opened read-only");
    std::unique_lock<std::mutex> serial;
    if (!pathway.empty()) {
      serial = std::unique_lock(pathway_locks[std::hash<std::string_view>()(pathway) % pathway_locks.size()]);
    }
    for (int attempt = 0; attempt < kMaxPlans; ++attempt) {
      const std::unique_ptr<StoreReader> snapshot = store.Snapshot();
      if (!request_id.empty()) {
        PARCOURS_ASSIGN_OR_RETURN(auto done, FindRequest(*snapshot, command, request_id, digest));
        if (done) {
          T first;
          PARCOURS_RETURN_IF_ERROR(Restore(*snapshot, *done, first));
          return first;
        }
      }
      PARCOURS_ASSIGN_OR_RETURN(Planned<T> planned, plan(static_cast<const StoreReader&>(*snapshot)));
      if (!request_id.empty()) {
        RecordRequest(planned.mutation, command, request_id, digest, Stored(planned.result));
      }
      planned.mutation.read_at = snapshot->sequence();
      const Committer::Committed c = committer->Commit(std::move(planned.mutation));
      if (c.outcome == Committer::Outcome::kCommitted) return std::move(planned.result);
      if (c.outcome == Committer::Outcome::kFailed) return c.status;
    }
    return Status::Unavailable("the " + std::string(command) + " kept meeting other commands changing the same data (" +
                                   std::to_string(kMaxPlans) + " tries); nothing was written",
                               "Try again.");
  }

  // Plans many commands into one batch, on a BatchReader over a snapshot
  // (core/batch_reader.h), and commits them as one mutation; plans the batch
  // again on a newer snapshot while what it read changed (kMaxPlans tries,
  // then Unavailable naming `what`). `plan(reader)` plans the commands, each
  // laying its writes over the reader; `seal(mutation)`, when given, adds
  // what goes with the batch just before its commit; `undo()`, when given,
  // runs before the batch is planned again.
  Status RunBatch(std::string_view what, const std::function<Status(BatchReader&)>& plan,
                  const std::function<Status(Mutation&)>& seal = nullptr,
                  const std::function<void()>& undo = nullptr);

  // Request ids (requests.cc).
  static Json NoArgs() { return Json(); }
  static Status CheckRequestId(const std::string& id);
  // What is kept of a request's arguments: a SHA-256 of their JSON (they may
  // hold identifying data, which a request record must not keep).
  static std::string ArgsDigest(const Json& args);
  Result<std::optional<Json>> FindRequest(const StoreReader& r, std::string_view command, const std::string& id,
                                          const std::string& digest) const;
  void RecordRequest(Mutation& m, std::string_view command, const std::string& id, const std::string& digest,
                     Json result) const;
  // Deletes request ids older than kRequestIdDays (+1); run when a writer opens.
  Status ForgetOldRequests();
  // Brings a store of an earlier format to kSchemaVersion, after a backup
  // copy; run when a writer opens (migrate.cc).
  Status MigrateStore();
  // True when `r` has the index of open deadlines by referent: a store of
  // format 3 whose migration has finished (migrate.cc).
  Result<bool> HasDueOfReferent(const StoreReader& r) const;
  // A command's result as stored with its request id, and back.
  static Json Stored(const CommandResult& r);
  static Json Stored(const Person& p) { return p.ToJson(); }
  static Json Stored(const InstallResult& r);
  static Json Stored(const AddedUser& r);
  static Json Stored(const User& r);
  Status Restore(const StoreReader& r, const Json& j, CommandResult& out) const;
  Status Restore(const StoreReader& r, const Json& j, Person& out) const;
  Status Restore(const StoreReader& r, const Json& j, InstallResult& out) const;
  Status Restore(const StoreReader& r, const Json& j, AddedUser& out) const;
  Status Restore(const StoreReader& r, const Json& j, User& out) const;

  // ---- reads, on a snapshot or the latest state ------------------------------------

  Result<std::optional<Json>> GetJson(const StoreReader& r, Domain d, std::string_view key,
                                      std::string_view what) const {
    PARCOURS_ASSIGN_OR_RETURN(auto raw, r.Get(d, key));
    if (!raw) return std::optional<Json>();
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseStoredJson(*raw, what));
    return std::optional<Json>(std::move(j));
  }
  Result<std::optional<Json>> GetJson(Domain d, std::string_view key, std::string_view what) const {
    return GetJson(store, d, key, what);
  }

  // A new id not in `domain` as `r` sees it; the plan must also expect it
  // absent at commit (ClaimId).
  Result<std::string> UnusedId(const StoreReader& r, char prefix, Domain domain) {
    for (int i = 0; i < kMaxIdAttempts; ++i) {
      std::string id;
      {
        std::lock_guard lock(rng_mu);
        id = NewId(prefix, rng);
      }
      PARCOURS_ASSIGN_OR_RETURN(auto existing, r.Get(domain, id));
      if (!existing) return id;
    }
    return Status::Internal("could not find an unused id");
  }

  // The lock key of a command on the pathway typed as `typed` (see Run).
  static std::string PathwayKey(std::string_view typed) {
    auto id = NormalizeId(kPathwayPrefix, typed);
    return id ? *id : std::string(typed);
  }

  Result<std::string> PathwayId(std::string_view typed) const {
    auto id = NormalizeId(kPathwayPrefix, typed);
    if (!id) {
      return Status::NotFound("no pathway " + Quoted(typed),
                              "Pathway ids look like W-3F8Q4 (see {cmd:caseload}).");
    }
    return *id;
  }

  // A pathway's state and its stored bytes (for the plan's expectation that
  // nobody changed it before the commit).
  struct LoadedState {
    PathwayState state;
    std::string raw;
  };
  Result<LoadedState> LoadStateRaw(const StoreReader& r, std::string_view typed) const {
    PARCOURS_ASSIGN_OR_RETURN(std::string id, PathwayId(typed));
    PARCOURS_ASSIGN_OR_RETURN(auto raw, r.Get(Domain::kPathways, id));
    if (!raw) return Status::NotFound("no pathway " + id, "See {cmd:caseload} for your pathways.");
    PARCOURS_ASSIGN_OR_RETURN(PathwayState state, codec::DecodeState(*raw));
    return LoadedState{std::move(state), std::move(*raw)};
  }
  Result<PathwayState> LoadState(const StoreReader& r, std::string_view typed) const {
    PARCOURS_ASSIGN_OR_RETURN(LoadedState loaded, LoadStateRaw(r, typed));
    return std::move(loaded.state);
  }
  Result<PathwayState> LoadState(std::string_view typed) const { return LoadState(store, typed); }

  Result<std::vector<Event>> LoadEvents(const StoreReader& r, const std::string& pathway) const {
    std::vector<Event> events;
    Status decode;
    PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(
        Domain::kEvents, keys::EventPrefix(pathway), [&](std::string_view, std::string_view v) {
          auto e = codec::DecodeEvent(v);
          if (!e.ok()) { decode = e.status(); return false; }
          events.push_back(std::move(*e));
          return true;
        }));
    PARCOURS_RETURN_IF_ERROR(decode);
    return events;
  }
  Result<std::vector<Event>> LoadEvents(const std::string& pathway) const { return LoadEvents(store, pathway); }

  // The plan of each write command: what the Engine's command runs on a
  // snapshot, and an import on a batch's reader (core/import.cc), so that an
  // imported row is checked by the very rules of the command it stands for.
  using PlannedCommand = Planned<CommandResult>;
  Result<Planned<InstallResult>> PlanInstall(const StoreReader& r, const Workflow& wf, std::string_view yaml,
                                             const std::string& source, const std::string& actor,
                                             const PlanAs& as);
  Result<Planned<Person>> PlanAddPerson(const StoreReader& r, const AddPersonRequest& req, const PlanAs& as);
  Result<Planned<Person>> PlanEditPerson(const StoreReader& r, const EditPersonRequest& req, const PlanAs& as);
  Result<PlannedCommand> PlanEnroll(const StoreReader& r, const EnrollRequest& req, const PlanAs& as);
  Result<PlannedCommand> PlanAdvance(const StoreReader& r, const AdvanceRequest& req, const PlanAs& as);
  Result<PlannedCommand> PlanRecord(const StoreReader& r, const parcours::RecordRequest& req, const PlanAs& as);
  Result<PlannedCommand> PlanAssign(const StoreReader& r, const AssignRequest& req, const PlanAs& as);
  Result<PlannedCommand> PlanNote(const StoreReader& r, const NoteRequest& req, const PlanAs& as);
  Result<PlannedCommand> PlanVoid(const StoreReader& r, const VoidRequest& req, const PlanAs& as);
  // deadline_missed for `deadline` of `pathway`, if it is open, not missed
  // and due before as.clock's today; else an empty plan (event seq 0).
  Result<PlannedCommand> PlanDeadlineMissed(const StoreReader& r, const std::string& pathway,
                                            const std::string& deadline, const PlanAs& as);

  // Programmes and persons as `r` sees them (engine.cc, persons.cc).
  Result<ProgrammeInfo> ProgrammeInfoAt(const StoreReader& r, const std::string& id) const;
  Result<std::vector<ProgrammeInfo>> ProgrammesAt(const StoreReader& r) const;
  Result<std::shared_ptr<const Workflow>> WorkflowAt(const StoreReader& r, const std::string& id, int version) const;
  Result<Person> PersonAt(const StoreReader& r, const std::string& typed) const;
  Result<std::vector<PathwayState>> PathwaysOfPersonAt(const StoreReader& r, const std::string& person_id) const;

  // The effective date of a new event on a pathway whose latest dated event is
  // `after` (nullopt for an enrolment).
  Result<Date> EventDate(const std::optional<std::string>& raw, std::optional<Date> after, const Clock& clock) const {
    const Date today = clock.today();
    Date date = today;
    if (raw) {
      auto parsed = ParseUserDate(*raw, clock);
      if (!parsed) {
        return Status::Refused("date " + Quoted(*raw) + " is not valid",
                               "Use YYYY-MM-DD, today or yesterday; leave the date out for today.");
      }
      date = *parsed;
    }
    if (date > today) {
      return Status::Refused("date " + date.iso() + " is in the future",
                             "Use today (" + today.iso() + ") or an earlier date.");
    }
    if (after && date < *after) {
      return Status::Refused("date " + date.iso() + " is before the pathway's latest event (" +
                                 after->iso() + ")",
                             "Use " + after->iso() + " or a later date, up to today.");
    }
    return date;
  }

  // The writes of `event` moving the pathway from `before` (nullopt for an
  // enrolment) to `after`, with every index it touches, expecting the
  // pathway's stored state to be still `before` (absent for an enrolment) at
  // commit. `day_removed` lists report-index keys that stop being effective,
  // and `day_restored` entries that come back into effect (voids). The event
  // goes in the commit log; once durable it is published and the durable
  // subscribers (after-commit actions among them) are woken.
  Result<Mutation> PathwayMutation(const std::optional<LoadedState>& before, const PathwayState& after,
                                   const Event& event, const Workflow& wf,
                                   const std::vector<std::string>& day_removed = {},
                                   const std::vector<std::pair<std::string, std::string>>& day_restored = {}) {
    PARCOURS_RETURN_IF_ERROR(CheckActor(event.actor));
    Mutation m;
    m.ExpectValue(Domain::kPathways, after.id, before ? std::optional<std::string>(before->raw) : std::nullopt);
    m.ExpectAbsent(Domain::kEvents, keys::Event(event.pathway, event.seq));
    m.Put(Domain::kEvents, keys::Event(event.pathway, event.seq), codec::EncodeEvent(event));
    m.Put(Domain::kPathways, after.id, codec::EncodeState(after));

    // Only the entries that change: most events leave the person, referent
    // and open-pathway entries as they were, and rewriting them would cost a
    // log record and a memtable insert each.
    const auto new_entries = StateIndexEntries(after);
    const auto old_entries = before ? StateIndexEntries(before->state) : IndexEntries();
    for (const auto& [k, v] : old_entries) {
      const bool kept =
          std::any_of(new_entries.begin(), new_entries.end(), [&](const auto& n) { return n.first == k; });
      if (!kept) m.Delete(Domain::kIndexes, k);
    }
    for (const auto& [k, v] : new_entries) {
      const bool same = std::any_of(old_entries.begin(), old_entries.end(),
                                    [&](const auto& o) { return o.first == k && o.second == v; });
      if (!same) m.Put(Domain::kIndexes, k, v);
    }
    if (IsDatedPathwayEvent(event.kind)) {
      auto [k, v] = DayIndexEntry(after, event, wf);
      m.Put(Domain::kIndexes, std::move(k), std::move(v));
    }
    for (const auto& k : day_removed) m.Delete(Domain::kIndexes, k);
    for (const auto& [k, v] : day_restored) m.Put(Domain::kIndexes, k, v);

    m.logged.push_back(keys::Event(event.pathway, event.seq));
    m.on_durable = [this, event] {
      if (log) log->info("{} #{} {} by {} ({})", event.pathway, event.seq, event.action, event.actor, event.date.iso());
      bus.Publish(event);
      WakeSubscribers();
    };
    return m;
  }

  // ---- tokens (users.cc) -------------------------------------------------------------

  // Authenticate's cache, token hash -> user: a server authenticates every
  // request, mostly with the same few tokens. Only this process writes the
  // store while it is open to write (the store lock), so its own revocations
  // are the only changes: each clears the cache once durable (ForgetTokens),
  // and a lookup that overlapped one does not fill it (`token_generation`).
  static constexpr std::size_t kMaxCachedTokens = 4096;
  std::mutex tokens_mu;
  std::unordered_map<std::string, User> tokens;
  uint64_t token_generation = 0;
  void ForgetTokens() {
    std::lock_guard lock(tokens_mu);
    tokens.clear();
    ++token_generation;
  }

  // ---- durable subscribers (subscribers.cc) ----------------------------------------

  struct Subscription {
    std::string name;
    std::function<Status(const Event&)> handler;
    std::mutex running;  // one delivery pass at a time
    bool failed = false;
    // A pass is posted and has not started: commits meanwhile need no other
    // (it will read their events), so a batch of commands wakes it once.
    std::atomic<bool> scheduled{false};
    // When set and true, there is nothing to deliver: the cursor moves to the
    // log's head without reading the events.
    std::function<bool()> idle;
  };
  Status Subscribe(const std::string& name, std::function<Status(const Event&)> handler, bool from_start,
                   std::function<bool()> idle);
  std::mutex subscriptions_mu;
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  // Lives as long as the engine: a delivery posted on the io_context and run
  // after the engine is gone does nothing.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  // Posts a delivery pass of every subscription on the io_context.
  void WakeSubscribers();
  // Delivers the events after `s`'s cursor, in commit order, moving the
  // cursor on after each page; stops at the first failure.
  void Deliver(Subscription& s);
  // The after-commit plugin actions of an event (its workflow's `notify`).
  Status RunAfterCommitActions(const Event& event);
  // The programme and workflow version of pathways (never change once
  // enrolled), so that the after-commit pass needs no state read per event.
  static constexpr std::size_t kMaxCachedProgrammes = 65536;
  std::mutex programme_of_mu;
  std::unordered_map<std::string, std::pair<std::string, int>> programme_of;
  Result<std::pair<std::string, int>> ProgrammeOf(const std::string& pathway);
  // Whether any installed workflow version has after-commit actions
  // (`notify`): when none has, the after-commit subscriber reads no event.
  // Known once computed (1 or 0), until an install makes it unknown (-1).
  std::atomic<int> notify_actions{-1};
  bool AnyNotifyAction();
  // Adds the durable subscriber that runs them.
  Status RegisterAfterCommitActions(Engine& engine);

  // The rule context of a command (docs/workflow-format.md, "Rule context"):
  // what conditions and plugin hooks see. `state` is null for an enrolment.
  // The pathway's history is read only `with_history` (ReadsHistory);
  // otherwise `history` is empty. (core/rules_context.cc)
  Result<Json> RuleContext(const StoreReader& r, const Workflow& wf, int version, const PathwayState* state,
                           const Event& e, const Person& person, Date person_birth, Date today,
                           bool with_history) const;
  // Puts `fields` in the context, under "fields" and at the top level.
  static void SetFields(Json& ctx, const Json& fields);
  // Guards, then derived fields (added to e.fields). A refusal or a failing
  // rule stops the command before anything is written.
  Status ApplyRules(const ActionRules& rules, const Workflow& wf, Json& ctx, Event& e) const;
  // ApplyRules for an event on an existing pathway.
  Status CheckRules(const StoreReader& r, const ActionRules& rules, const Workflow& wf, const PathwayState& state,
                    Event& e, const Clock& clock) const;
  Result<Person> GetPersonRecord(const StoreReader& r, const std::string& id) const {
    PARCOURS_ASSIGN_OR_RETURN(auto j, GetJson(r, Domain::kPersons, id, "person"));
    if (!j) return Status::NotFound("no person " + id);
    return Person::FromJson(*j);
  }

  static CommandResult Done(Event event, PathwayState state, std::shared_ptr<const Workflow> wf) {
    CommandResult r;
    r.next_transitions = Ids(wf->transitions_from(state.step));
    r.next_milestones = Ids(wf->milestones_in(state.step));
    r.event = std::move(event);
    r.state = std::move(state);
    r.workflow = std::move(wf);
    return r;
  }

  Event NewEvent(const PathwayState& s, EventKind kind, std::string action, const std::string& actor,
                 const Clock& clock) const {
    Event e;
    e.pathway = s.id;
    e.seq = s.last_seq + 1;
    e.kind = kind;
    e.action = std::move(action);
    e.from = s.step;
    e.to = s.step;
    e.date = clock.today();
    e.recorded = clock.now_timestamp();
    e.actor = actor;
    return e;
  }
};

}  // namespace parcours
