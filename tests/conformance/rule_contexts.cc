#include "rule_contexts.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "parcours/workflow_loader.h"
#include "plugin_under_test.h"

namespace parcours::conformance {
namespace {

struct Person {
  std::string sex;    // F, M or X
  std::string birth;  // YYYY-MM-DD
  Json attrs;

  // "a 34-year-old woman (rsa=yes)", the age on `date`.
  std::string Describe(const std::string& date) const {
    std::string text = "a " + std::to_string(age_on(*Date::ParseIso(birth), *Date::ParseIso(date))) + "-year-old " +
                       (sex == "F" ? "woman" : sex == "M" ? "man" : "person");
    std::string shown;
    for (const auto& [key, value] : attrs.items()) {
      shown += (shown.empty() ? "" : ", ") + key + "=" + value.get<std::string>();
    }
    return shown.empty() ? text : text + " (" + shown + ")";
  }
};

// Ages 15 to 58 over 2026, with and without RQTH or RSA, in a QPV or not.
const std::vector<Person>& Persons() {
  static const std::vector<Person> persons = {
      {"F", "1991-04-02", {{"rsa", "yes"}}},
      {"M", "2007-03-15", Json::object()},
      {"X", "2010-06-01", {{"rqth", "yes"}}},
      {"F", "1968-02-20", {{"qpv", "yes"}, {"rqth", "no"}}},
      {"M", "1999-01-30", {{"rqth", "yes"}, {"rsa", "no"}}},
  };
  return persons;
}

constexpr const char* kReferent = "lea.moreau";

// One event to record on a pathway.
struct Planned {
  std::string kind;  // enroll, transition, milestone, assign
  std::string action;
  std::string to;  // transitions: the step after; others: unused
  std::string date;
  Json fields = Json::object();
};

// Lives a pathway event by event, as the engine does, and gives the rule
// context (Engine's RuleContext) and the committed event of each.
class Pathway {
 public:
  Pathway(std::string id, std::string programme, std::string initial_step, const Person& person)
      : id_(std::move(id)), programme_(std::move(programme)), initial_(std::move(initial_step)), person_(person) {}

  const std::string& id() const { return id_; }

  // The context the hooks of `e` see, before it is committed.
  Json Context(const Planned& e) const {
    const bool enrolment = e.kind == "enroll";
    const Date date = *Date::ParseIso(e.date);
    const int age = age_on(*Date::ParseIso(person_.birth), date);
    const Json entry = enrolment ? EntryAt(age, e.fields) : entry_;
    Json context = {{"programme", programme_},
                    {"version", 1},
                    {"pathway", enrolment ? Json() : Json(id_)},
                    {"action", e.action},
                    {"kind", e.kind},
                    {"from", enrolment ? Json() : Json(step_)},
                    {"to", To(e)},
                    {"step", enrolment ? Json() : Json(step_)},
                    {"date", e.date},
                    {"today", PluginUnderTest::Today().iso()},
                    {"enrolled", enrolment ? e.date : enrolled_},
                    {"step_since", enrolment ? e.date : step_since_},
                    {"last_event", enrolment ? Json() : Json(last_event_)},
                    {"referent", referent_.empty() ? std::string(kReferent) : referent_},
                    {"actor", kReferent},
                    {"entry", entry},
                    {"person", {{"sex", person_.sex}, {"age", age}, {"attrs", person_.attrs}}},
                    {"history", history_},
                    {"fields", e.fields}};
    for (const auto& [key, value] : e.fields.items()) context[key] = value;
    return context;
  }

  // The event as after-commit actions receive it (Event::ToJson and the programme).
  Json Committed(const Planned& e) const {
    Json data = Json::object();
    if (e.kind == "enroll") {
      data = {{"person", "P-7K2M9"}, {"programme", programme_}, {"version", 1}, {"referent", kReferent}};
    } else if (e.kind == "assign") {
      data = {{"referent", e.fields.value("referent", "")}, {"previous", kReferent}};
    }
    return {{"pathway", id_},
            {"seq", seq_ + 1},
            {"kind", e.kind},
            {"action", e.action},
            {"from", e.kind == "enroll" ? "" : step_},
            {"to", To(e)},
            {"date", e.date},
            {"recorded", e.date + "T09:30:00.000Z"},
            {"actor", kReferent},
            {"fields", e.kind == "assign" ? Json::object() : e.fields},
            {"data", data},
            {"programme", programme_}};
  }

  // Records `e` as committed.
  void Commit(const Planned& e) {
    const Json event = Committed(e);
    ++seq_;
    history_.push_back({{"seq", seq_},
                        {"action", e.action},
                        {"kind", e.kind},
                        {"date", e.date},
                        {"from", event["from"]},
                        {"to", event["to"]},
                        {"fields", event["fields"]}});
    events_.push_back(event);
    if (e.kind == "enroll") {
      entry_ = EntryAt(age_on(*Date::ParseIso(person_.birth), *Date::ParseIso(e.date)), e.fields);
      enrolled_ = e.date;
      step_since_ = e.date;
      step_ = initial_;
    } else if (e.kind == "transition" && To(e) != step_) {
      step_ = e.to;
      step_since_ = e.date;
    }
    if (e.kind == "assign") referent_ = e.fields.value("referent", kReferent);
    else last_event_ = e.date;
  }

  // What the host's read_pathway answers for this pathway now.
  Json Stored(bool exited) const {
    return {{"state",
             {{"id", id_},
              {"person", "P-7K2M9"},
              {"programme", programme_},
              {"version", 1},
              {"step", step_},
              {"exited", exited},
              {"referent", referent_.empty() ? std::string(kReferent) : referent_},
              {"enrolled", enrolled_},
              {"step_since", step_since_},
              {"last_event", last_event_},
              {"last_seq", seq_},
              {"entry", entry_}}},
            {"events", events_}};
  }

 private:
  std::string To(const Planned& e) const {
    if (e.kind == "enroll") return initial_;
    return e.kind == "transition" ? e.to : step_;
  }
  Json EntryAt(int age, const Json& fields) const {
    return {{"sex", person_.sex}, {"age", age}, {"attrs", person_.attrs}, {"fields", fields}};
  }

  std::string id_, programme_, initial_;
  const Person& person_;
  std::string step_, enrolled_, step_since_, last_event_, referent_;
  uint32_t seq_ = 0;
  Json entry_ = Json::object();
  Json history_ = Json::array();
  Json events_ = Json::array();
};

// Pathway ids as the engine writes them (no 0/O, 1/I/l), numbered.
std::string PathwayId(int n) {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  std::string id = "W-";
  for (int i = 0; i < 5; ++i) {
    id.insert(2, 1, kAlphabet[n % kAlphabet.size()]);
    n /= static_cast<int>(kAlphabet.size());
  }
  return id;
}

struct Contexts {
  std::vector<Input> rule_contexts;
  std::vector<Input> events;
};

// Lives `plan` on a new pathway, keeping the context and event of each of its
// events from `plan[keep_from]` on.
void Live(const PluginUnderTest& plugin, Contexts& out, int& pathways, const std::string& programme,
          const std::string& initial, const Person& person, const std::vector<Planned>& plan, bool exits,
          std::size_t keep_from = 0) {
  Pathway pathway(PathwayId(++pathways), programme, initial, person);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Planned& e = plan[i];
    if (i < keep_from) {
      pathway.Commit(e);
      continue;
    }
    const std::string what = (e.kind == "enroll" ? "enrolment" : e.kind + " " + e.action) + " of " +
                             person.Describe(e.date) + " (" + programme + ", " + e.date + ")";
    if (e.kind != "assign") out.rule_contexts.push_back({what, pathway.Context(e)});
    out.events.push_back({what, pathway.Committed(e)});
    pathway.Commit(e);
  }
  plugin.AddPathway(pathway.id(), pathway.Stored(exits));
}

// ---- a generic insertion programme ------------------------------------------

Planned Enroll(const char* date, const char* prescriber) {
  return {"enroll", "enroll", "", date, {{"prescriber", prescriber}}};
}
Planned Move(const char* action, const char* to, const char* date, Json fields = Json::object()) {
  return {"transition", action, to, date, std::move(fields)};
}
Planned Record(const char* action, const char* date, Json fields) {
  return {"milestone", action, "", date, std::move(fields)};
}
Planned Assign(const char* date, const char* referent) {
  return {"assign", "assign", "", date, {{"referent", referent}}};
}

void AddInsertionStories(const PluginUnderTest& plugin, Contexts& out, int& pathways) {
  const auto& p = Persons();
  const std::string programme = "insertion", initial = "referral";
  Live(plugin, out, pathways, programme, initial, p[0],
       {Enroll("2026-01-05", "france_travail"), Move("position", "positioning", "2026-01-20"),
        Record("interview", "2026-02-03", {{"mode", "individual"}, {"minutes", 45}}),
        Move("start_training", "training", "2026-02-16",
             {{"provider", "AFPA Rennes"}, {"hours", 400}, {"certification", "ADVF"}}),
        Record("training_completed", "2026-06-12", {{"certified", "yes"}}),
        Move("place", "placement", "2026-07-01", {{"contract", "cdi"}}),
        Move("exit", "exited", "2026-07-02", {{"reason", "employment"}}),
        Record("follow_up", "2026-11-20", {{"employed", "yes"}})},
       true);
  Live(plugin, out, pathways, programme, initial, p[1],
       {Enroll("2026-03-02", "mission_locale"), Move("position", "positioning", "2026-03-10"),
        Assign("2026-03-12", "karim.counsellor"),
        Move("place", "placement", "2026-05-04", {{"contract", "cdd"}, {"months", 3}}),
        Move("exit", "exited", "2026-08-04", {{"reason", "employment"}})},
       true);
  Live(plugin, out, pathways, programme, initial, p[2],
       {Enroll("2026-09-07", "self"), Record("interview", "2026-09-21", {{"mode", "phone"}, {"minutes", 20}}),
        Move("exit", "exited", "2026-10-15", {{"reason", "dropout"}})},
       true);
  Live(plugin, out, pathways, programme, initial, p[3],
       {Enroll("2026-04-01", "ccas"), Move("position", "positioning", "2026-04-15"),
        Move("start_vae", "vae", "2026-05-04", {{"certification", "DEAES"}}),
        Move("exit", "exited", "2026-11-02", {{"reason", "moved"}})},
       true);
  Live(plugin, out, pathways, programme, initial, p[4],
       {Enroll("2026-02-02", "france_travail"), Move("position", "positioning", "2026-02-16"),
        Move("place", "placement", "2026-08-03", {{"contract", "interim"}, {"months", 6}}),
        Record("interview", "2026-11-21", {{"mode", "video"}, {"minutes", 30}})},
       false);
}

// ---- the plugin's bundled workflows -----------------------------------------

// A value of `field` in its stored form, varied by `variant`; nullopt when
// none can be made (a plugin type accepting none of the ordinary inputs).
std::optional<Json> SampleValue(const PluginUnderTest& plugin, const FieldSpec& field, int variant) {
  switch (field.type) {
    case FieldType::kEnum:
      if (field.values.empty()) return std::nullopt;
      return Json(field.values[variant % field.values.size()].id);
    case FieldType::kInteger: {
      // The loader guarantees min <= max; halves avoid overflow at the extremes.
      constexpr int64_t kTop = std::numeric_limits<int64_t>::max();
      const int64_t lo = field.min.value_or(field.max ? std::min<int64_t>(0, *field.max) : 0);
      const int64_t hi = field.max.value_or(lo > kTop - 24 ? kTop : lo + 24);
      const int64_t picks[] = {lo, hi, lo / 2 + hi / 2, std::clamp<int64_t>(6, lo, hi)};
      return Json(picks[variant % 4]);
    }
    case FieldType::kDate: return Json(variant % 2 ? "2026-04-15" : "2026-10-01");
    case FieldType::kYesNo: return Json(variant % 2 ? "no" : "yes");
    case FieldType::kText: {
      std::string text = variant % 2 ? "Atelier CV et lettre de motivation" : "AFPA Rennes";
      return Json(text.substr(0, std::max<std::size_t>(field.max_length, 1)));
    }
    case FieldType::kPlugin:
      for (const auto& input : OrdinaryFieldInputs()) {
        const Answer answer = plugin.Field(field.plugin_type, input.json.get<std::string>());
        if (answer.ok()) return answer.value;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

// Values for `fields`: every required field, and the optional ones on even
// variants or when another field makes them required.
Json SampleFields(const PluginUnderTest& plugin, const std::vector<FieldSpec>& fields, int variant) {
  Json out = Json::object();
  for (const auto& field : fields) {
    if (auto value = SampleValue(plugin, field, variant)) out[field.id] = *value;
  }
  for (const auto& field : fields) {
    if (field.required || variant % 2 == 0 || !out.contains(field.id)) continue;
    bool required = false;
    if (field.required_when && out.contains(field.required_when->field)) {
      const Json& other = out[field.required_when->field];
      for (const auto& value : field.required_when->values) required = required || other == Json(value);
    }
    if (!required) out.erase(field.id);
  }
  return out;
}

// A transition of `wf` that ends in `step` (to reach it), if any.
const Transition* Into(const Workflow& wf, const std::string& step) {
  for (const auto& t : wf.transitions)
    if (t.to == step) return &t;
  return nullptr;
}

void AddBundledWorkflowEvents(const PluginUnderTest& plugin, Contexts& out, int& pathways) {
  const PluginInfo* info = plugin.info();
  if (!info) return;
  for (const auto& name : info->workflows) {
    const auto yaml = plugin.registry().WorkflowYaml(name);
    if (!yaml) continue;
    const WorkflowLoad load = LoadWorkflowText(*yaml, name, &plugin.registry());
    if (!load.workflow) continue;  // BundledWorkflowsLoad reports it
    const Workflow& wf = *load.workflow;
    const std::string initial = wf.initial_step()->id;
    for (std::size_t p = 0; p < Persons().size(); ++p) {
      const Person& person = Persons()[p];
      const int variant = static_cast<int>(p);
      const Planned enroll{"enroll", "enroll", "", "2026-03-02", SampleFields(plugin, wf.enrolment_fields, variant)};
      // The event `e` on a pathway enrolled on 03-02 and in `step` since 03-16.
      auto live_in = [&](const std::string& step, const Planned& e) {
        std::vector<Planned> plan = {enroll};
        if (step != initial) {
          const Transition* into = Into(wf, step);
          plan.push_back({"transition", into ? into->id : "move", step, "2026-03-16",
                          into ? SampleFields(plugin, into->fields, variant) : Json::object()});
        }
        plan.push_back(e);
        const auto* final_step = wf.find_step(step);
        Live(plugin, out, pathways, wf.id, initial, person, plan, final_step && final_step->final, plan.size() - 1);
      };
      Live(plugin, out, pathways, wf.id, initial, person, {enroll}, false);
      for (const auto& t : wf.transitions) {
        for (const auto& from : t.from) {
          live_in(from, {"transition", t.id, t.to, "2026-04-15", SampleFields(plugin, t.fields, variant)});
        }
      }
      for (const auto& m : wf.milestones) {
        for (const auto& in : m.steps) {
          live_in(in, {"milestone", m.id, "", "2026-04-15", SampleFields(plugin, m.fields, variant)});
        }
      }
    }
  }
}

const Contexts& AllContexts(const PluginUnderTest& plugin) {
  static const Contexts contexts = [&] {
    Contexts out;
    int pathways = 0;
    AddInsertionStories(plugin, out, pathways);
    AddBundledWorkflowEvents(plugin, out, pathways);
    return out;
  }();
  return contexts;
}

std::vector<Input> Texts(std::initializer_list<std::pair<const char*, std::string>> items) {
  std::vector<Input> out;
  for (const auto& [what, text] : items) out.push_back({what, Json(text)});
  return out;
}

}  // namespace

const std::vector<Input>& RuleContexts(const PluginUnderTest& plugin) { return AllContexts(plugin).rule_contexts; }

const std::vector<Input>& CommittedEvents(const PluginUnderTest& plugin) { return AllContexts(plugin).events; }

const std::vector<Input>& OrdinaryFieldInputs() {
  static const std::vector<Input> inputs = Texts({
      {"a small number", "42"},
      {"zero", "0"},
      {"an odd number", "7"},
      {"a negative number", "-3"},
      {"a decimal number", "3.5"},
      {"a number with a thousands space", "1 000"},
      {"yes", "yes"},
      {"no", "no"},
      {"French yes", "Oui"},
      {"an ISO date", "2026-11-21"},
      {"a French date", "21/11/2026"},
      {"a SIRET number", "73282932000074"},
      {"a SIRET number with spaces", "732 829 320 00074"},
      {"a postcode", "75011"},
      {"a phone number", "06 12 34 56 78"},
      {"an e-mail address", "contact@example.org"},
      {"an IBAN", "FR76 3000 6000 0112 3456 7890 189"},
      {"an enum-like id", "cdi"},
      {"a certification", "ADVF"},
      {"a name with accents", "Hélène Müller"},
      {"a number with surrounding spaces", " 42 "},
      {"a number with a non-breaking space", "42\xc2\xa0"},
      {"N/A", "N/A"},
      {"a symbol", "\xe2\x9c\x93"},
      {"quotes and a semicolon", "'; DROP TABLE persons; --"},
      {"JSON text", "{\"a\": 1}"},
      {"the word null", "null"},
      {"the word true", "true"},
  });
  return inputs;
}

const std::vector<Input>& HostileFieldInputs() {
  static const std::vector<Input> inputs = [] {
    std::string digits_and_spaces;
    for (int i = 0; i < 10000; ++i) digits_and_spaces += "12 ";
    return Texts({
        {"empty text", ""},
        {"100,000 letters", std::string(100000, 'x')},
        {"30,000 digits and spaces", digits_and_spaces},
        {"a newline inside", "12\n34"},
        {"a leading tab", "\t42"},
        {"a trailing carriage return", "42\r"},
        {"a control character", "a\x01z"},
        {"a terminal escape sequence", "\x1b[31m42"},
        {"DEL", "42\x7f"},
        {"a stray byte 0xFF", "\xff"},
        {"a truncated sequence at the end", "42\xc3"},
        {"a bad continuation byte", "\xc3\x28"},
        {"a truncated three-byte sequence", "\xe2\x82\x28"},
        {"an overlong encoding", "\xc0\xaf"},
        {"a UTF-16 surrogate", "\xed\xa0\x80"},
        {"a code point above U+10FFFF", "\xf4\x90\x80\x80"},
    });
  }();
  return inputs;
}

}  // namespace parcours::conformance
