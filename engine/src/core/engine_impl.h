// Private to engine/src/core: what the Engine's source files share (helpers
// and Engine::Impl). Split by concept: engine.cc (programmes, pathway
// commands), persons.cc (persons), reads.cc (reads).
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "core/keys.h"
#include "parcours/engine.h"
#include "parcours/ids.h"
#include "parcours/text.h"

namespace parcours {

constexpr int kMinAge = 14;
constexpr int kMaxAge = 100;
constexpr int kMaxIdAttempts = 64;

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

inline Result<Json> ParseStoredJson(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string(what) + " does not decode: " + ex.what());
  }
}

// Index entries implied by a pathway's state (not by its events).
inline std::vector<std::pair<std::string, std::string>> StateIndexEntries(const PathwayState& s) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back(keys::PersonPathway(s.person, s.enrolled.iso(), s.ordinal, s.id), "");
  if (!s.exited) {
    out.emplace_back(keys::ActiveOf(s.person, s.programme), s.id);
    out.emplace_back(keys::Open(s.programme, s.id), "");
    out.emplace_back(keys::Referent(s.referent, s.id), "");
  }
  return out;
}

// The report index entry of an effective dated event.
inline std::pair<std::string, std::string> DayIndexEntry(const PathwayState& s, const Event& e,
                                                         const Workflow& wf) {
  const Step* to = wf.find_step(e.to);
  Json value{{"action", e.action},
             {"kind", EventKindName(e.kind)},
             {"from", e.from},
             {"to", e.to},
             {"exit", e.kind == EventKind::kTransition && to && to->final},
             {"fields", e.fields}};
  return {keys::Day(s.programme, e.date.iso(), e.pathway, e.seq), value.dump()};
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

// ---- Impl ---------------------------------------------------------------------

struct Engine::Impl {
  Impl(Store& s, const Clock& c, std::shared_ptr<spdlog::logger> l, EventBus& b,
       boost::asio::io_context& i, const PluginRegistry* p)
      : store(s), clock(c), log(std::move(l)), bus(b), io(i), plugins(p) {}

  Store& store;
  const Clock& clock;
  std::shared_ptr<spdlog::logger> log;
  EventBus& bus;
  boost::asio::io_context& io;
  const PluginRegistry* plugins;
  PluginRegistry::ReaderHandle pathway_reader;  // set by Engine(): plugins read pathways through it

  std::mutex write_mu;  // one writer at a time: read-check-write sequences stay valid
  std::mt19937_64 rng{std::random_device{}()};
  mutable std::mutex cache_mu;
  mutable std::map<std::pair<std::string, int>, std::shared_ptr<const Workflow>> workflows;

  Result<std::optional<Json>> GetJson(Domain d, std::string_view key, std::string_view what) const {
    PARCOURS_ASSIGN_OR_RETURN(auto raw, store.Get(d, key));
    if (!raw) return std::optional<Json>();
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseStoredJson(*raw, what));
    return std::optional<Json>(std::move(j));
  }

  Result<std::string> UnusedId(char prefix, Domain domain) {
    for (int i = 0; i < kMaxIdAttempts; ++i) {
      std::string id = NewId(prefix, rng);
      PARCOURS_ASSIGN_OR_RETURN(auto existing, store.Get(domain, id));
      if (!existing) return id;
    }
    return Status::Internal("could not find an unused id");
  }

  Result<std::string> PathwayId(std::string_view typed) const {
    auto id = NormalizeId(kPathwayPrefix, typed);
    if (!id) {
      return Status::NotFound("no pathway " + Quoted(typed),
                              "Pathway ids look like W-3F8Q4 (see `parcours caseload`).");
    }
    return *id;
  }

  Result<PathwayState> LoadState(std::string_view typed) const {
    PARCOURS_ASSIGN_OR_RETURN(std::string id, PathwayId(typed));
    PARCOURS_ASSIGN_OR_RETURN(auto j, GetJson(Domain::kPathways, id, "pathway"));
    if (!j) return Status::NotFound("no pathway " + id, "See `parcours caseload` for your pathways.");
    return PathwayState::FromJson(*j);
  }

  Result<std::vector<Event>> LoadEvents(const std::string& pathway) const {
    std::vector<Event> events;
    Status decode;
    PARCOURS_RETURN_IF_ERROR(store.ScanPrefix(
        Domain::kEvents, keys::EventPrefix(pathway), [&](std::string_view, std::string_view v) {
          auto j = ParseStoredJson(v, "event");
          if (!j.ok()) { decode = j.status(); return false; }
          auto e = Event::FromJson(*j);
          if (!e.ok()) { decode = e.status(); return false; }
          events.push_back(std::move(*e));
          return true;
        }));
    PARCOURS_RETURN_IF_ERROR(decode);
    return events;
  }

  // The effective date of a new event on a pathway whose latest dated event is
  // `after` (nullopt for an enrolment).
  Result<Date> EventDate(const std::optional<std::string>& raw, std::optional<Date> after) const {
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

  // Commits `event` and the move of the pathway from `before` (nullopt for an
  // enrolment) to `after`, with every index it touches, in one write batch.
  // `day_removed` lists report-index keys that stop being effective, and
  // `day_restored` entries that come back into effect (voids).
  Status Commit(const std::optional<PathwayState>& before, const PathwayState& after,
                const Event& event, const Workflow& wf,
                const std::vector<std::string>& day_removed = {},
                const std::vector<std::string>& notify = {},
                const std::vector<std::pair<std::string, std::string>>& day_restored = {}) {
    PARCOURS_RETURN_IF_ERROR(CheckActor(event.actor));
    WriteBatch batch;
    batch.Put(Domain::kEvents, keys::Event(event.pathway, event.seq), event.ToJson().dump());
    batch.Put(Domain::kPathways, after.id, after.ToJson().dump());

    const auto new_entries = StateIndexEntries(after);
    if (before) {
      const auto old_entries = StateIndexEntries(*before);
      for (const auto& [k, v] : old_entries) {
        const bool kept = std::any_of(new_entries.begin(), new_entries.end(),
                                      [&](const auto& n) { return n.first == k; });
        if (!kept) batch.Delete(Domain::kIndexes, k);
      }
    }
    for (const auto& [k, v] : new_entries) batch.Put(Domain::kIndexes, k, v);
    if (IsDatedPathwayEvent(event.kind)) {
      auto [k, v] = DayIndexEntry(after, event, wf);
      batch.Put(Domain::kIndexes, k, v);
    }
    for (const auto& k : day_removed) batch.Delete(Domain::kIndexes, k);
    for (const auto& [k, v] : day_restored) batch.Put(Domain::kIndexes, k, v);

    PARCOURS_RETURN_IF_ERROR(store.Write(batch));
    if (log) log->info("{} #{} {} by {} ({})", event.pathway, event.seq, event.action, event.actor,
                       event.date.iso());
    bus.Publish(event);
    Notify(notify, event, after.programme);
    return Status::Ok();
  }

  // Runs the after-commit plugin actions of a committed event on the
  // io_context. The event is stored whatever they do: failures are logged.
  void Notify(const std::vector<std::string>& actions, const Event& event, const std::string& programme) {
    if (actions.empty()) return;
    Json input = event.ToJson();
    input["programme"] = programme;
    for (const auto& name : actions) {
      boost::asio::post(io, [this, name, input] {
        const PluginRegistry::ReaderScope reads(pathway_reader);  // the plugin reads this engine's store
        Status s = plugins ? plugins->RunAfterCommit(name, input)
                           : Status::Refused("action " + name + " is not available: no plugin is loaded");
        if (!s.ok() && log) log->error("after {} #{}: {}", input.value("pathway", ""), input.value("seq", 0), s.message());
      });
    }
  }

  // The rule context of a command (docs/workflow-format.md, "Rule context"):
  // what conditions and plugin hooks see. `state` is null for an enrolment.
  Result<Json> RuleContext(const Workflow& wf, int version, const PathwayState* state, const Event& e,
                           const Person& person, Date person_birth) const {
    Json history = Json::array();
    if (state) {
      PARCOURS_ASSIGN_OR_RETURN(auto events, LoadEvents(state->id));
      const auto voided = VoidedSeqs(events);
      for (const auto& past : events) {
        if (past.kind == EventKind::kVoid || std::binary_search(voided.begin(), voided.end(), past.seq)) continue;
        history.push_back({{"seq", past.seq}, {"action", past.action}, {"kind", EventKindName(past.kind)},
                           {"date", past.date.iso()}, {"from", past.from}, {"to", past.to}, {"fields", past.fields}});
      }
    }
    const Json entry = state ? state->entry
                             : Json{{"sex", person.sex}, {"age", age_on(person_birth, e.date)},
                                    {"attrs", person.AttrsOn(e.date)}, {"fields", e.fields}};
    auto iso_or_null = [](std::optional<Date> d) { return d ? Json(d->iso()) : Json(); };
    Json ctx = {{"programme", wf.id},
                {"version", version},
                {"pathway", state ? Json(state->id) : Json()},
                {"action", e.action},
                {"kind", EventKindName(e.kind)},
                {"from", state ? Json(e.from) : Json()},
                {"to", e.to},
                {"step", state ? Json(state->step) : Json()},
                {"date", e.date.iso()},
                {"today", clock.today().iso()},
                {"enrolled", state ? state->enrolled.iso() : e.date.iso()},
                {"step_since", iso_or_null(state ? std::optional(state->step_since) : std::optional(e.date))},
                {"last_event", iso_or_null(state ? std::optional(state->last_event) : std::nullopt)},
                {"referent", state ? state->referent : e.data.value("referent", "")},
                {"actor", e.actor},
                {"entry", entry},
                {"person", {{"id", state ? state->person : person.id},
                            {"sex", entry.value("sex", "")},
                            {"age", person.id.empty() ? entry.value("age", 0) : age_on(person_birth, e.date)},
                            {"attrs", entry.value("attrs", Json::object())}}},
                {"history", std::move(history)}};
    SetFields(ctx, e.fields);
    return ctx;
  }

  // Puts `fields` in the context, under "fields" and at the top level.
  static void SetFields(Json& ctx, const Json& fields) {
    ctx["fields"] = fields;
    for (const auto& [k, v] : fields.items()) ctx[k] = v;
  }

  // Guards, then derived fields (added to e.fields). A refusal or a failing
  // rule stops the command before anything is written.
  Status ApplyRules(const ActionRules& rules, const Workflow& wf, Json& ctx, Event& e) const {
    const PluginRegistry::ReaderScope reads(pathway_reader);  // plugin hooks read this engine's store
    for (const auto& guard : rules.guards) {
      if (guard.when) {
        PARCOURS_ASSIGN_OR_RETURN(bool holds, guard.when->Test(ctx));
        if (!holds) {
          // The advice is the guard's message, in words; never the raw condition.
          const std::string rule = "rule of programme " + Quoted(wf.id) + " on " +
                                   (e.kind == EventKind::kEnroll ? std::string("enrolment") : Quoted(e.action)) +
                                   ", line " + std::to_string(guard.line) + " of its workflow";
          return Status::Refused(guard.message.empty() ? "the " + rule + " does not hold" : guard.message,
                                 "(" + rule + ")");
        }
      } else {
        PARCOURS_RETURN_IF_ERROR(plugins ? plugins->RunGuard(guard.plugin, ctx)
                                         : Status::Refused("guard " + guard.plugin + " is not available: no plugin is loaded",
                                                           "Nothing was written. See `parcours plugins list`."));
      }
    }
    for (const auto& d : rules.derive) {
      if (!d.plugin.empty()) {
        if (!plugins) {
          return Status::Refused("action " + d.plugin + " is not available: no plugin is loaded",
                                 "Nothing was written. See `parcours plugins list`.");
        }
        PARCOURS_ASSIGN_OR_RETURN(Json added, plugins->RunBeforeCommit(d.plugin, ctx));
        for (const auto& [k, v] : added.items()) {
          if (e.fields.contains(k) || ctx.contains(k)) {
            return Status::Refused("plugin action " + d.plugin + " tried to set field " + Quoted(k) +
                                       ", which already exists",
                                   "Nothing was written. Tell the programme's administrator.");
          }
          if (!v.is_string() && !v.is_number_integer() && !v.is_boolean()) {
            return Status::Refused("plugin action " + d.plugin + " gave field " + Quoted(k) +
                                       " a value that is not a text, whole number or boolean",
                                   "Nothing was written. Tell the programme's administrator.");
          }
          e.fields[k] = v;
        }
      } else {
        for (const auto& rule : d.rules) {
          bool holds = true;
          if (rule.when) {
            PARCOURS_ASSIGN_OR_RETURN(holds, rule.when->Test(ctx));
          }
          if (holds) {
            e.fields[d.field] = rule.value;
            break;
          }
        }
      }
      SetFields(ctx, e.fields);
    }
    return Status::Ok();
  }

  // ApplyRules for an event on an existing pathway.
  Status CheckRules(const ActionRules& rules, const Workflow& wf, const PathwayState& state, Event& e) const {
    if (rules.empty()) return Status::Ok();
    Person person;
    Date birth;
    auto p = GetPersonRecord(state.person);
    if (p.ok()) {
      person = std::move(*p);
      birth = person.birth;
    } else if (!p.status().IsNotFound()) {
      return p.status();
    }
    PARCOURS_ASSIGN_OR_RETURN(Json ctx, RuleContext(wf, state.version, &state, e, person, birth));
    return ApplyRules(rules, wf, ctx, e);
  }

  Result<Person> GetPersonRecord(const std::string& id) const {
    PARCOURS_ASSIGN_OR_RETURN(auto j, GetJson(Domain::kPersons, id, "person"));
    if (!j) return Status::NotFound("no person " + id);
    return Person::FromJson(*j);
  }

  Result<CommandResult> Done(Event event, PathwayState state, std::shared_ptr<const Workflow> wf) {
    CommandResult r;
    r.next_transitions = Ids(wf->transitions_from(state.step));
    r.next_milestones = Ids(wf->milestones_in(state.step));
    r.event = std::move(event);
    r.state = std::move(state);
    r.workflow = std::move(wf);
    return r;
  }

  Event NewEvent(const PathwayState& s, EventKind kind, std::string action, const std::string& actor) {
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
