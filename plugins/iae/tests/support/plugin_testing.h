// Helpers shared by the shipped plugins' tests (iae, sap, peps):
//  - PluginTest: a PluginRegistry with plugin libraries loaded;
//  - ContextBuilder: rule contexts shaped as the engine builds them
//    (docs/workflow-format.md, "Rule context");
//  - EngineHarness: a real engine over a store in a temporary directory, to
//    run a bundled workflow and report end to end.
// Linked as the target parcours_plugin_testing (plugins/iae/tests/CMakeLists.txt).
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "parcours/engine.h"
#include "parcours/plugins.h"
#include "parcours/report.h"
#include "parcours/store.h"
#include "parcours/workflow_loader.h"

namespace parcours::plugin_testing {

inline constexpr const char* kToday = "2026-11-21";

inline Date D(const std::string& iso) {
  auto d = Date::ParseIso(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(Date());
}

// A registry with plugin files loaded; fails the test if one does not load.
//
// Registries are shared by the whole test process and never destroyed: a
// plugin library stays loaded for the life of the process, and the SDK builds
// its Plugin once (parcours/sdk/plugin.h, detail::InitPlugin), keeping the
// host services of the first registry that initialised it. A second registry
// loading the same library gets hooks whose host() is the first registry's,
// which must therefore outlive every later call.
class PluginTest : public ::testing::Test {
 protected:
  // Makes registry_ the shared registry holding the files loaded so far by this test, plus `file`.
  void Load(const std::string& file) {
    files_.push_back(file);
    registry_ = &Shared(files_);
  }

  // The bundled workflow `name` ("iae.siae"), loaded as the engine installs it.
  Workflow BundledWorkflow(const std::string& name) {
    auto yaml = registry_->WorkflowYaml(name);
    EXPECT_TRUE(yaml.has_value()) << name;
    WorkflowLoad load = LoadWorkflowText(yaml.value_or(""), name, registry_);
    std::string problems;
    for (const auto& p : load.problems) problems += p.ToString() + "\n";
    EXPECT_TRUE(load.problems.empty()) << problems;
    return load.workflow.value_or(Workflow{});
  }

  // The bundled report `name` ("iae.sorties"), parsed as the engine does.
  ReportDefinition BundledReport(const std::string& name) {
    auto yaml = registry_->ReportYaml(name);
    EXPECT_TRUE(yaml.has_value()) << name;
    auto def = ParseReportDefinition(yaml.value_or(""), name);
    EXPECT_TRUE(def.ok()) << def.status().ToString();
    return def.ok() ? *def : ReportDefinition{};
  }

  // What the plugins logged through the host since the process started, one
  // line each: "[level] plugin <name>: message".
  static std::string LogText() { return LogStream().str(); }

  static const Clock& SharedClock() {
    static const auto* clock = new FixedDateClock(D(kToday));
    return *clock;
  }

  const Clock& clock_ = SharedClock();
  PluginRegistry* registry_ = &Shared({});

 private:
  static std::ostringstream& LogStream() {
    static auto* stream = new std::ostringstream();
    return *stream;
  }

  static std::shared_ptr<spdlog::logger> SharedLog() {
    static const auto* logger = new std::shared_ptr<spdlog::logger>([] {
      auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(LogStream());
      sink->set_pattern("[%l] %v");
      auto log = std::make_shared<spdlog::logger>("plugin-test", sink);
      log->set_level(spdlog::level::debug);
      return log;
    }());
    return *logger;
  }

  static PluginRegistry& Shared(const std::vector<std::string>& files) {
    static auto* registries = new std::map<std::vector<std::string>, PluginRegistry*>();
    PluginRegistry*& registry = (*registries)[files];
    if (!registry) {
      registry = new PluginRegistry(SharedClock(), SharedLog());
      for (const auto& file : files) {
        Status s = registry->LoadFile(file);
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    }
    return *registry;
  }

  std::vector<std::string> files_;
};

// Builds the rule context of one action after a pathway's past events.
//
//   ContextBuilder c("iae");
//   c.Person("F", 34, {{"rqth", "no"}})
//    .Enrol("2026-01-05", {{"prescriber", "france_travail"}, {"structure", "aci"}})
//    .Then("hire", "transition", "employed", "2026-01-10", {{"contract", "cddi"}, {"months", 6}});
//   Json ctx = c.Action("exit", "transition", "exited", "2026-07-01", {{"situation", "cdi"}});
class ContextBuilder {
 public:
  explicit ContextBuilder(std::string programme, std::string initial_step = "referral")
      : programme_(std::move(programme)), step_(std::move(initial_step)) {}

  ContextBuilder& Person(std::string sex, int age, Json attrs = Json::object()) {
    sex_ = std::move(sex);
    age_ = age;
    attrs_ = std::move(attrs);
    return *this;
  }

  // The enrolment: the first event of the history, and the entry.
  ContextBuilder& Enrol(const std::string& date, Json fields = Json::object()) {
    enrolled_ = step_since_ = last_event_ = date;
    entry_fields_ = fields;
    history_.push_back(Event("enroll", "enroll", nullptr, step_, date, std::move(fields)));
    return *this;
  }

  // A past event: a transition to `to`, or a milestone (`to` is then ignored).
  ContextBuilder& Then(const std::string& action, const std::string& kind, const std::string& to,
                       const std::string& date, Json fields = Json::object()) {
    const std::string target = kind == "transition" ? to : step_;
    history_.push_back(Event(action, kind, step_, target, date, std::move(fields)));
    if (kind == "transition") {
      step_ = target;
      step_since_ = date;
    }
    last_event_ = date;
    return *this;
  }

  // The context of the enrolment itself (pathway, from, history empty).
  Json Enrolment(const std::string& date, Json fields) const {
    Json entry = {{"sex", sex_}, {"age", age_}, {"attrs", attrs_}, {"fields", fields}};
    Json ctx = Base("enroll", "enroll", nullptr, step_, date, std::move(fields));
    ctx["pathway"] = nullptr;
    ctx["step"] = nullptr;
    ctx["enrolled"] = date;
    ctx["step_since"] = date;
    ctx["last_event"] = nullptr;
    ctx["entry"] = std::move(entry);
    ctx["history"] = Json::array();
    return ctx;
  }

  // The context of `action` on the pathway as built so far.
  Json Action(const std::string& action, const std::string& kind, const std::string& to, const std::string& date,
              Json fields = Json::object()) const {
    const std::string target = kind == "transition" ? to : step_;
    return Base(action, kind, step_, target, date, std::move(fields));
  }

  const std::string& step() const { return step_; }

 private:
  Json Event(const std::string& action, const std::string& kind, Json from, const std::string& to,
             const std::string& date, Json fields) {
    return Json{{"seq", ++seq_}, {"action", action}, {"kind", kind}, {"date", date},
                {"from", std::move(from)}, {"to", to}, {"fields", std::move(fields)}};
  }

  Json Base(const std::string& action, const std::string& kind, Json from, const std::string& to,
            const std::string& date, Json fields) const {
    Json ctx = {{"programme", programme_},
                {"version", 1},
                {"pathway", "P-TEST0001"},
                {"action", action},
                {"kind", kind},
                {"from", std::move(from)},
                {"to", to},
                {"step", step_},
                {"date", date},
                {"today", kToday},
                {"enrolled", enrolled_},
                {"step_since", step_since_},
                {"last_event", last_event_},
                {"referent", "cip1"},
                {"actor", "cip1"},
                {"entry", {{"sex", sex_}, {"age", age_}, {"attrs", attrs_}, {"fields", entry_fields_}}},
                {"person", {{"sex", sex_}, {"age", age_}, {"attrs", attrs_}}},
                {"history", history_}};
    ctx["fields"] = fields;
    for (const auto& [k, v] : fields.items()) ctx[k] = v;
    return ctx;
  }

  std::string programme_;
  std::string step_;
  std::string sex_ = "F";
  int age_ = 35;
  Json attrs_ = Json::object();
  Json entry_fields_ = Json::object();
  std::string enrolled_, step_since_, last_event_;
  Json history_ = Json::array();
  int seq_ = 0;
};

// The guards and derivations of an action of `wf` run as the engine runs them
// (engine/src/core/engine.cc, ApplyRules), without a store: for testing the
// conditions written in a bundled workflow. OK, or the first refusal.
inline const ActionRules& RulesOf(const Workflow& wf, const std::string& action) {
  static const ActionRules kNone;
  if (action == "enroll") return wf.enrolment_rules;
  if (const Transition* t = wf.find_transition(action)) return t->rules;
  if (const Milestone* m = wf.find_milestone(action)) return m->rules;
  ADD_FAILURE() << "no action " << action << " in workflow " << wf.id;
  return kNone;
}

inline Status CheckGuards(const Workflow& wf, const PluginRegistry& registry, const Json& ctx) {
  for (const auto& guard : RulesOf(wf, ctx.value("action", "")).guards) {
    if (guard.when) {
      auto holds = guard.when->Test(ctx);
      if (!holds.ok()) return holds.status();
      if (!*holds) return Status::Refused(guard.message);
    } else {
      PARCOURS_RETURN_IF_ERROR(registry.RunGuard(guard.plugin, ctx));
    }
  }
  return Status::Ok();
}

// The fields the action's derivations add.
inline Result<Json> Derive(const Workflow& wf, const PluginRegistry& registry, Json ctx) {
  Json added = Json::object();
  for (const auto& d : RulesOf(wf, ctx.value("action", "")).derive) {
    if (!d.plugin.empty()) {
      PARCOURS_ASSIGN_OR_RETURN(Json fields, registry.RunBeforeCommit(d.plugin, ctx));
      for (const auto& [k, v] : fields.items()) added[k] = v;
    } else {
      for (const auto& rule : d.rules) {
        bool holds = true;
        if (rule.when) {
          PARCOURS_ASSIGN_OR_RETURN(holds, rule.when->Test(ctx));
        }
        if (holds) {
          added[d.field] = rule.value;
          break;
        }
      }
    }
    for (const auto& [k, v] : added.items()) {
      ctx["fields"][k] = v;
      ctx[k] = v;
    }
  }
  return added;
}

// A real engine on a store in a fresh temporary directory, with the plugins
// of a registry. Each call asserts (non-fatally) that the command succeeds.
class EngineHarness {
 public:
  EngineHarness(const PluginRegistry& registry, const Clock& clock) {
    dir_ = std::filesystem::temp_directory_path() /
           ("parcours-plugin-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::remove_all(dir_);
    StoreOptions options;
    options.create = true;
    auto store = Store::Open(dir_.string(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) store_ = std::move(*store);
    if (store_) engine_ = std::make_unique<Engine>(*store_, clock, io_, std::make_shared<spdlog::logger>("engine"),
                                                   &registry);
  }
  ~EngineHarness() {
    engine_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  EngineHarness(const EngineHarness&) = delete;
  EngineHarness& operator=(const EngineHarness&) = delete;

  bool ready() const { return engine_ != nullptr; }
  Engine& engine() { return *engine_; }
  boost::asio::io_context& io() { return io_; }

  Status Install(const std::string& yaml, const std::string& source) {
    auto r = engine_->InstallProgramme(yaml, source, "admin");
    return r.ok() ? Status::Ok() : r.status();
  }

  // A person with `attrs`; returns the person id ("" on failure).
  std::string AddPerson(const std::string& name, const std::string& sex, const std::string& birth,
                        std::map<std::string, std::string> attrs = {}) {
    AddPersonRequest req{name, birth, sex, std::move(attrs), true, "cip1", ""};
    auto r = engine_->AddPerson(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : std::string();
  }

  Result<CommandResult> Enroll(const std::string& person, const std::string& programme, const std::string& date,
                               RawFields fields) {
    return engine_->Enroll(EnrollRequest{person, programme, date, "cip1", std::move(fields), "cip1", ""});
  }
  Result<CommandResult> Advance(const std::string& pathway, const std::string& transition, const std::string& date,
                                RawFields fields = {}) {
    return engine_->Advance(AdvanceRequest{pathway, transition, date, std::move(fields), "cip1", ""});
  }
  Result<CommandResult> Record(const std::string& pathway, const std::string& milestone, const std::string& date,
                               RawFields fields = {}) {
    return engine_->Record(RecordRequest{pathway, milestone, date, std::move(fields), "cip1", ""});
  }

  // Enrols and returns the pathway id, failing the test on refusal.
  std::string MustEnroll(const std::string& person, const std::string& programme, const std::string& date,
                         RawFields fields) {
    auto r = Enroll(person, programme, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << "enroll " << programme << ": " << r.status().ToString();
    return r.ok() ? r->state.id : std::string();
  }
  void MustAdvance(const std::string& pathway, const std::string& transition, const std::string& date,
                   RawFields fields = {}) {
    auto r = Advance(pathway, transition, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << transition << " " << pathway << ": " << r.status().ToString();
  }
  void MustRecord(const std::string& pathway, const std::string& milestone, const std::string& date,
                  RawFields fields = {}) {
    auto r = Record(pathway, milestone, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << milestone << " " << pathway << ": " << r.status().ToString();
  }

  Result<ReportResult> Report(const std::string& report, const std::string& programme, const std::string& from,
                              const std::string& to) {
    return engine_->RunReport(ReportQuery{report, programme, from, to});
  }

 private:
  std::filesystem::path dir_;
  boost::asio::io_context io_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
};

// A number of a report's figures (count, distinct or active_at_end), -1 if absent.
inline int64_t Number(const ReportFigures& figures, const std::string& id) {
  auto it = figures.numbers.find(id);
  return it != figures.numbers.end() && it->second ? *it->second : -1;
}

// A `by` indicator's count for `value`, 0 when absent.
inline int64_t ByValue(const ReportFigures& figures, const std::string& id, const std::string& value) {
  auto it = figures.by.find(id);
  if (it == figures.by.end()) return 0;
  auto v = it->second.find(value);
  return v == it->second.end() ? 0 : v->second;
}

}  // namespace parcours::plugin_testing
