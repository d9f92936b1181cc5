// The rule context of a command, and running a workflow's guards and
// derived fields on it (docs/workflow-format.md, "Rules").
#include "core/engine_impl.h"

namespace parcours {

namespace {

// True when `rules` may read the pathway's history: a plugin's guard or
// action (they receive the whole context), or a condition that names it. The
// other commands need not read the pathway's events (an import records a
// follow-up with a guard on each exited pathway).
bool ReadsHistory(const ActionRules& rules) {
  auto names_it = [](const std::optional<rules::Expression>& when) {
    if (!when) return false;
    for (const auto& name : when->Identifiers())
      if (name == "history" || name.starts_with("history.")) return true;
    return false;
  };
  for (const auto& guard : rules.guards)
    if (!guard.plugin.empty() || names_it(guard.when)) return true;
  for (const auto& d : rules.derive) {
    if (!d.plugin.empty()) return true;
    for (const auto& rule : d.rules)
      if (names_it(rule.when)) return true;
  }
  return false;
}

}  // namespace

// The rule context of a command (docs/workflow-format.md, "Rule context"):
// what conditions and plugin hooks see. `state` is null for an enrolment.
Result<Json> Engine::Impl::RuleContext(const StoreReader& r, const Workflow& wf, int version,
                                       const PathwayState* state, const Event& e, const Person& person,
                                       Date person_birth, Date today, bool with_history) const {
  Json history = Json::array();
  if (state && with_history) {
    PARCOURS_ASSIGN_OR_RETURN(auto events, LoadEvents(r, state->id));
    const auto voided = VoidedSeqs(events);
    for (const auto& past : events) {
      if (past.kind == EventKind::kVoid || std::binary_search(voided.begin(), voided.end(), past.seq))
        continue;
      history.push_back({{"seq", past.seq},
                         {"action", past.action},
                         {"kind", EventKindName(past.kind)},
                         {"date", past.date.iso()},
                         {"from", past.from},
                         {"to", past.to},
                         {"fields", past.fields}});
    }
  }
  const Json entry = state ? state->entry
                           : Json{{"sex", person.sex},
                                  {"age", age_on(person_birth, e.date)},
                                  {"attrs", person.AttrsOn(e.date)},
                                  {"fields", e.fields}};
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
              {"today", today.iso()},
              {"enrolled", state ? state->enrolled.iso() : e.date.iso()},
              {"step_since", iso_or_null(state ? std::optional(state->step_since) : std::optional(e.date))},
              {"last_event", iso_or_null(state ? std::optional(state->last_event) : std::nullopt)},
              {"referent", state ? state->referent : e.data.value("referent", "")},
              {"actor", e.actor},
              {"entry", entry},
              {"person",
               {{"id", state ? state->person : person.id},
                {"sex", entry.value("sex", "")},
                {"age", person.id.empty() ? entry.value("age", 0) : age_on(person_birth, e.date)},
                {"attrs", entry.value("attrs", Json::object())}}},
              {"history", std::move(history)}};
  SetFields(ctx, e.fields);
  return ctx;
}

// Puts `fields` in the context, under "fields" and at the top level.
void Engine::Impl::SetFields(Json& ctx, const Json& fields) {
  ctx["fields"] = fields;
  for (const auto& [k, v] : fields.items()) ctx[k] = v;
}

// Guards, then derived fields (added to e.fields). A refusal or a failing
// rule stops the command before anything is written.
Status Engine::Impl::ApplyRules(const ActionRules& rules, const Workflow& wf, Json& ctx, Event& e) const {
  const PluginRegistry::ReaderScope reads(pathway_reader);  // plugin hooks read this engine's store
  for (const auto& guard : rules.guards) {
    if (guard.when) {
      PARCOURS_ASSIGN_OR_RETURN(bool holds, guard.when->Test(ctx));
      if (!holds) {
        // The advice is the guard's message, in words; never the raw condition.
        const std::string rule =
            "rule of programme " + Quoted(wf.id) + " on " +
            (e.kind == EventKind::kEnroll ? std::string("enrolment") : Quoted(e.action)) + ", line " +
            std::to_string(guard.line) + " of its workflow";
        return Status::Refused(guard.message.empty() ? "the " + rule + " does not hold" : guard.message,
                               "(" + rule + ")");
      }
    } else {
      PARCOURS_RETURN_IF_ERROR(
          plugins ? plugins->RunGuard(guard.plugin, ctx)
                  : Status::Refused("guard " + guard.plugin + " is not available: no plugin is loaded",
                                    "Nothing was written. See {cmd:plugins.list}."));
    }
  }
  for (const auto& d : rules.derive) {
    if (!d.plugin.empty()) {
      if (!plugins) {
        return Status::Refused("action " + d.plugin + " is not available: no plugin is loaded",
                               "Nothing was written. See {cmd:plugins.list}.");
      }
      PARCOURS_ASSIGN_OR_RETURN(Json added, plugins->RunBeforeCommit(d.plugin, ctx));
      for (const auto& [k, v] : added.items()) {
        if (e.fields.contains(k) || ctx.contains(k)) {
          return Status::Refused(
              "plugin action " + d.plugin + " tried to set field " + Quoted(k) + ", which already exists",
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
Status Engine::Impl::CheckRules(const StoreReader& r, const ActionRules& rules, const Workflow& wf,
                                const PathwayState& state, Event& e, const Clock& clock) const {
  if (rules.empty()) return Status::Ok();
  Person person;
  Date birth;
  auto p = GetPersonRecord(r, state.person);
  if (p.ok()) {
    person = std::move(*p);
    birth = person.birth;
  } else if (!p.status().IsNotFound()) {
    return p.status();
  }
  PARCOURS_ASSIGN_OR_RETURN(
      Json ctx, RuleContext(r, wf, state.version, &state, e, person, birth, clock.today(), ReadsHistory(rules)));
  return ApplyRules(rules, wf, ctx, e);
}

}  // namespace parcours
