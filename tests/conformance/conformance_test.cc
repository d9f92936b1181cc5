// The conformance suite: generic checks every Parcours plugin must pass.
// Each TEST is one promise a plugin makes to the engine; docs/plugins.md
// ("Testing with the conformance suite") explains each and how to fix a
// failure. Hooks run through the engine's own PluginRegistry, on realistic
// inputs (rule_contexts.h).
#include <gtest/gtest.h>

#include <array>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include "parcours/report.h"
#include "parcours/workflow_loader.h"
#include "plugin_under_test.h"
#include "rule_contexts.h"

namespace parcours::conformance {
namespace {

const PluginUnderTest& Plugin() { return PluginUnderTest::Get(); }

// Every test but the load and ABI ones needs the plugin loaded.
constexpr const char* kNotLoaded =
    "the plugin did not load: see Conformance.LoadsWithoutErrorAndHasAValidNameAndVersion";
#define PARCOURS_REQUIRE_LOADED()                   \
  if (!Plugin().info()) GTEST_SKIP() << kNotLoaded; \
  const PluginInfo& info = *Plugin().info()

bool Matches(const std::string& text, const char* pattern) { return std::regex_match(text, std::regex(pattern)); }

// Names the host accepts for plugins and hooks.
constexpr const char* kNamePattern = "[a-z][a-z0-9_]*";
// Versions: MAJOR.MINOR[.PATCH][-suffix][+build], as in semantic versioning.
constexpr const char* kVersionPattern = "[0-9]+\\.[0-9]+(\\.[0-9]+)?(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?";

// At most `limit` characters of `text`, for messages about huge inputs.
std::string Clip(const std::string& text, std::size_t limit = 240) {
  return text.size() <= limit ? text : text.substr(0, limit) + "... (" + std::to_string(text.size()) + " bytes)";
}

// The problems one check finds, by hook: reported at the end, one failure per
// hook, with the first few in full.
class Findings {
 public:
  // `check`: the promise, for failures; `inputs`: what the hooks ran on, for
  // the counts of answers.
  explicit Findings(std::string check, std::string inputs = {})
      : check_(std::move(check)), inputs_(std::move(inputs)) {}
  Findings(const Findings&) = delete;
  Findings& operator=(const Findings&) = delete;

  void Add(const std::string& hook, const std::string& input, const std::string& problem) {
    problems_[hook].push_back(input + ": " + Clip(problem));
  }
  void Count(const std::string& hook, const Answer& answer) { ++counts_[hook][static_cast<int>(answer.code)]; }

  ~Findings() {
    for (const auto& [hook, counts] : counts_) {
      std::cout << "[   INFO   ] " << hook << " on " << inputs_ << ": " << counts[0] << " OK, " << counts[1]
                << " REFUSED, " << counts[2] << " FAILED\n";
    }
    for (const auto& [hook, problems] : problems_) {
      std::string first;
      for (std::size_t i = 0; i < problems.size() && i < 5; ++i) first += "\n  - " + problems[i];
      if (problems.size() > 5) first += "\n  ... and " + std::to_string(problems.size() - 5) + " more";
      ADD_FAILURE() << hook << ": " << check_ << ", broken on " << problems.size() << " input(s):" << first;
    }
  }

 private:
  std::string check_, inputs_;
  std::map<std::string, std::vector<std::string>> problems_;
  std::map<std::string, std::array<int, 3>> counts_;
};

bool IsStorableValue(const Json& value) {
  return value.is_string() || value.is_number_integer() || value.is_boolean();
}

// ---- loading ----------------------------------------------------------------

TEST(Conformance, LoadsWithoutErrorAndHasAValidNameAndVersion) {
  const auto& plugin = Plugin();
  ASSERT_TRUE(plugin.load_status().ok()) << "the engine refuses to load it: " << plugin.load_status().ToString();
  ASSERT_NE(plugin.info(), nullptr);
  EXPECT_TRUE(plugin.registry().errors().empty());
  const PluginInfo& info = *plugin.info();
  EXPECT_TRUE(Matches(info.name, kNamePattern)) << "name \"" << info.name << "\"";
  EXPECT_TRUE(Matches(info.version, kVersionPattern))
      << "version \"" << info.version << "\" is not MAJOR.MINOR[.PATCH], e.g. 1.0.0";
}

TEST(Conformance, AbiMajorIsTheEnginesAndMinorIsNotNewer) {
  const auto abi = Plugin().ReadDescriptorAbi();
  ASSERT_TRUE(abi.ok()) << Plugin().file() << ": " << abi.status().message();
  const std::string built = std::to_string(abi->major) + "." + std::to_string(abi->minor);
  const std::string engine = std::to_string(EngineAbiMajor()) + "." + std::to_string(EngineAbiMinor());
  EXPECT_EQ(abi->major, EngineAbiMajor()) << "built for plugin ABI " << built << "; this engine provides ABI "
                                          << engine << ": rebuild the plugin against this engine's SDK";
  EXPECT_LE(abi->minor, EngineAbiMinor()) << "built for plugin ABI " << built << ", newer than the ABI " << engine
                                          << " this engine provides: rebuild it against this engine's SDK";
}

TEST(Conformance, QualifiedNamesAreValidAndUnique) {
  PARCOURS_REQUIRE_LOADED();
  const std::pair<const char*, std::vector<std::string>> kinds[] = {
      {"guard", info.guards},
      {"action", [&] {
         auto actions = info.before_commit;
         actions.insert(actions.end(), info.after_commit.begin(), info.after_commit.end());
         return actions;
       }()},
      {"field type", info.field_types},
      {"workflow", info.workflows},
      {"report", info.reports},
  };
  for (const auto& [kind, names] : kinds) {
    std::set<std::string> seen;
    for (const auto& name : names) {
      const std::string prefix = info.name + ".";
      EXPECT_EQ(name.rfind(prefix, 0), 0u) << kind << " " << name << " is not qualified by " << info.name;
      EXPECT_TRUE(Matches(name.substr(prefix.size()), kNamePattern)) << kind << " " << name;
      // The host keeps only the last of two hooks with one name.
      EXPECT_TRUE(seen.insert(name).second) << "two " << kind << "s are named " << name
                                            << " (actions share one set of names, before and after commit)";
    }
  }
}

TEST(Conformance, SelfCheckPasses) {
  PARCOURS_REQUIRE_LOADED();
  const Status status = Plugin().registry().SelfCheck(info.name);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

// ---- what it bundles --------------------------------------------------------

TEST(Conformance, BundledWorkflowsLoadWithoutProblems) {
  PARCOURS_REQUIRE_LOADED();
  std::map<std::string, std::string> programmes;  // programme id -> workflow name
  for (const auto& name : info.workflows) {
    const auto yaml = Plugin().registry().WorkflowYaml(name);
    ASSERT_TRUE(yaml.has_value()) << name;
    const WorkflowLoad load = LoadWorkflowText(*yaml, name, &Plugin().registry());
    std::string problems;
    for (const auto& problem : load.problems) problems += "\n  " + problem.ToString();
    EXPECT_TRUE(load.problems.empty()) << "workflow " << name << " has problems:" << problems;
    if (!load.workflow) continue;
    const auto [it, inserted] = programmes.emplace(load.workflow->id, name);
    EXPECT_TRUE(inserted) << "workflows " << it->second << " and " << name << " both define programme "
                          << load.workflow->id;
  }
}

TEST(Conformance, BundledReportsAreValid) {
  PARCOURS_REQUIRE_LOADED();
  for (const auto& name : info.reports) {
    const auto yaml = Plugin().registry().ReportYaml(name);
    ASSERT_TRUE(yaml.has_value()) << name;
    const auto definition = ParseReportDefinition(*yaml, name);
    EXPECT_TRUE(definition.ok()) << "report " << name << ": " << definition.status().ToString();
  }
}

// ---- hooks ------------------------------------------------------------------

TEST(Conformance, GuardsAnswerOkOrRefusedWithAReason) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("a guard answers OK, or REFUSED with a reason for the counsellor", "rule contexts");
  for (const auto& guard : info.guards) {
    for (const auto& context : RuleContexts(Plugin())) {
      const Answer answer = Plugin().Guard(guard, context.json);
      findings.Count(guard, answer);
      if (answer.failed()) findings.Add(guard, context.what, answer.ToString());
      if (answer.refused() && answer.text.empty()) findings.Add(guard, context.what, "refused with no reason");
    }
  }
}

TEST(Conformance, BeforeCommitActionsReturnFieldsTheEngineCanStore) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("a before-commit action returns a JSON object of new fields (text, whole number or "
                    "boolean), or REFUSED with a reason",
                    "rule contexts");
  for (const auto& action : info.before_commit) {
    for (const auto& context : RuleContexts(Plugin())) {
      const Answer answer = Plugin().BeforeCommit(action, context.json);
      findings.Count(action, answer);
      if (answer.failed()) findings.Add(action, context.what, answer.ToString());
      if (answer.refused() && answer.text.empty()) findings.Add(action, context.what, "refused with no reason");
      if (!answer.ok()) continue;
      if (!answer.value.is_object()) {
        findings.Add(action, context.what, "returned " + answer.value.dump() + ", not a JSON object");
        continue;
      }
      for (const auto& [key, value] : answer.value.items()) {
        if (!Matches(key, kNamePattern)) {
          findings.Add(action, context.what, "field name \"" + key + "\" is not [a-z][a-z0-9_]*");
        }
        if (context.json.contains(key)) {
          findings.Add(action, context.what,
                       "sets \"" + key + "\", which the context already has (the engine refuses it)");
        }
        if (!IsStorableValue(value)) {
          findings.Add(action, context.what, "field \"" + key + "\" is " + value.dump() +
                                                 ", not a text, whole number or boolean");
        }
      }
    }
  }
}

TEST(Conformance, AfterCommitActionsSucceedOnCommittedEvents) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("an after-commit action answers OK", "committed events");
  for (const auto& action : info.after_commit) {
    for (const auto& event : CommittedEvents(Plugin())) {
      const Answer answer = Plugin().AfterCommit(action, event.json);
      findings.Count(action, answer);
      if (!answer.ok()) findings.Add(action, event.what, answer.ToString());
    }
  }
}

TEST(Conformance, FieldTypesRefuseHostileInput) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("a field type refuses empty, very long, control-character and invalid UTF-8 text",
                    "hostile input");
  for (const auto& type : info.field_types) {
    for (const auto& input : HostileFieldInputs()) {
      const Answer answer = Plugin().Field(type, input.json.get<std::string>());
      findings.Count(type, answer);
      if (!answer.refused()) findings.Add(type, input.what, "expected REFUSED, got " + answer.ToString());
      else if (answer.text.empty()) findings.Add(type, input.what, "refused with no reason");
    }
  }
}

TEST(Conformance, FieldTypesAnswerOrdinaryInputCoherently) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("a field type accepts a value (a text, whole number or boolean, whose stored form typed "
                    "again gives the same value) or refuses it with a reason",
                    "ordinary input");
  for (const auto& type : info.field_types) {
    for (const auto& input : OrdinaryFieldInputs()) {
      const std::string raw = input.json.get<std::string>();
      const Answer answer = Plugin().Field(type, raw);
      findings.Count(type, answer);
      const std::string what = input.what + " \"" + raw + "\"";
      if (answer.failed()) findings.Add(type, what, answer.ToString());
      if (answer.refused() && answer.text.empty()) findings.Add(type, what, "refused with no reason");
      if (!answer.ok()) continue;
      if (!IsStorableValue(answer.value)) {
        findings.Add(type, what, "stores " + answer.value.dump() + ", not a text, whole number or boolean");
        continue;
      }
      if (answer.value.is_boolean()) continue;
      const std::string again = answer.value.is_string() ? answer.value.get<std::string>() : answer.value.dump();
      const Answer retyped = Plugin().Field(type, again);
      if (!(retyped.ok() && retyped.value == answer.value)) {
        findings.Add(type, what, "stores " + answer.value.dump() + ", but typing \"" + again + "\" gives " +
                                     retyped.ToString());
      }
    }
  }
}

TEST(Conformance, HooksAreDeterministic) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("a hook gives the same answer to the same input");
  auto twice = [&](const std::string& hook, const std::string& what, auto&& call) {
    const Answer first = call(), second = call();
    if (!(first == second)) findings.Add(hook, what, first.ToString() + ", then " + second.ToString());
  };
  for (const auto& context : RuleContexts(Plugin())) {
    for (const auto& guard : info.guards)
      twice(guard, context.what, [&] { return Plugin().Guard(guard, context.json); });
    for (const auto& action : info.before_commit)
      twice(action, context.what, [&] { return Plugin().BeforeCommit(action, context.json); });
  }
  for (const auto* inputs : {&OrdinaryFieldInputs(), &HostileFieldInputs()}) {
    for (const auto& input : *inputs) {
      for (const auto& type : info.field_types)
        twice(type, input.what, [&] { return Plugin().Field(type, input.json.get<std::string>()); });
    }
  }
}

TEST(Conformance, NoHookThrowsAcrossTheLibraryBoundary) {
  PARCOURS_REQUIRE_LOADED();
  Findings findings("no exception leaves the plugin (the SDK's PARCOURS_PLUGIN hooks catch them)");
  auto check = [&](const std::string& hook, const std::string& what, const Answer& answer) {
    if (answer.threw) findings.Add(hook, what, answer.text);
  };
  for (const auto& context : RuleContexts(Plugin())) {
    for (const auto& guard : info.guards) check(guard, context.what, Plugin().Guard(guard, context.json));
    for (const auto& action : info.before_commit)
      check(action, context.what, Plugin().BeforeCommit(action, context.json));
  }
  for (const auto& event : CommittedEvents(Plugin())) {
    for (const auto& action : info.after_commit) check(action, event.what, Plugin().AfterCommit(action, event.json));
  }
  for (const auto* inputs : {&OrdinaryFieldInputs(), &HostileFieldInputs()}) {
    for (const auto& input : *inputs) {
      for (const auto& type : info.field_types)
        check(type, input.what, Plugin().Field(type, input.json.get<std::string>()));
    }
  }
}

}  // namespace
}  // namespace parcours::conformance
