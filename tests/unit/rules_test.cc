// Workflow rules in the engine: condition guards, derived fields, plugin
// guards, actions and field types, on a real store. Every refusal leaves the
// store unchanged.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "parcours/engine.h"
#include "parcours/plugins.h"
#include "parcours/workflow_loader.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

using testing::StoreDigest;

std::string Fixture(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/fixture_" + name + ".so";
}

// A small programme exercising every kind of rule.
const char* kRulesWorkflow = R"(programme: rules
label: Rules
steps:
  - id: referral
    initial: true
  - id: positioning
  - id: placement
  - id: exited
    final: true
enrolment:
  fields:
    - id: prescriber
      type: enum
      values: [france_travail, siae]
      required: true
  guards:
    - plugin: good.adults_only
  derive:
    - plugin: good.stamp
transitions:
  - id: position
    from: [referral]
    to: positioning
    guards:
      - when: "days_between(enrolled, date) <= 30"
        message: "positioning must take place within 30 days of the referral"
  - id: place
    from: [positioning]
    to: placement
    fields:
      - id: contract
        type: enum
        values: [cdi, cdd]
        required: true
      - id: months
        type: integer
        min: 1
      - id: badge
        type: good.even
    derive:
      - field: category
        rules:
          - when: "contract == 'cdi' or months >= 6"
            value: durable
          - value: transition
    notify: [good.count]
  - id: exit
    from: any
    to: exited
    guards:
      - plugin: throwing_guard.explodes
milestones:
  - id: call
    in: any
    guards:
      - when: "len(history) == 0"
        message: "no history"
  - id: meeting
    in: any
    guards:
      - plugin: good.short_history
)";

class RulesTest : public testing::EngineTestBase {
 protected:
  RulesTest() : EngineTestBase("2026-11-21", "test") {}

  void SetUp() override {
    ASSERT_TRUE(plugins_.LoadFile(Fixture("good")).ok());
    ASSERT_TRUE(plugins_.LoadFile(Fixture("throwing_guard")).ok());
    ASSERT_NO_FATAL_FAILURE(OpenEngine(&plugins_, "store"));
    ASSERT_NO_FATAL_FAILURE(Install(kRulesWorkflow, "rules.yaml", "admin"));
  }

  std::string AddPerson(const std::string& name, const std::string& birth) {
    AddPersonRequest req;
    req.name = name;
    req.birth = birth;
    req.sex = "F";
    req.actor = "lea";
    auto p = engine_->AddPerson(req);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->id : "";
  }

  Result<CommandResult> Enroll(const std::string& person, const std::string& date) {
    return engine_->Enroll(EnrollRequest{person, "rules", date, "", {{"prescriber", "siae"}}, "lea", ""});
  }

  std::string Digest() { return DigestOf(*store_); }
  // The store's content, read through the open store (a second open would be locked).
  static std::string DigestOf(const Store& store) {
    std::string out;
    for (int d = 0; d < kDomainCount; ++d) {
      static_cast<void>(store.ScanPrefix(static_cast<Domain>(d), "", [&](std::string_view k, std::string_view v) {
        out.append(k).append("=").append(v).append("\n");
        return true;
      }));
    }
    return out;
  }

  PluginRegistry plugins_{clock_, log_};
};

TEST_F(RulesTest, PluginGuardRefusesEnrolmentAndNothingIsWritten) {
  const std::string minor = AddPerson("Jeune Personne", "2011-01-01");  // 15 on 2026-11-21
  const std::string before = Digest();
  auto r = Enroll(minor, "2026-11-21");
  ASSERT_TRUE(r.status().IsRefused());
  EXPECT_EQ(r.status().message(), "the person is under 18 (15)");
  EXPECT_EQ(r.status().allowed(), "(rule good.adults_only)");
  EXPECT_EQ(Digest(), before);
}

TEST_F(RulesTest, PluginActionDerivesAFieldStoredWithTheEvent) {
  auto r = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->event.fields, (Json{{"prescriber", "siae"}, {"stamped_by", "good"}}));
  auto view = engine_->GetPathway(r->state.id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->events[0].fields["stamped_by"], "good");
}

TEST_F(RulesTest, ConditionGuardRefusesWithItsMessage) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-10-01");
  ASSERT_TRUE(enrolled.ok());
  const std::string before = Digest();
  auto late = engine_->Advance(AdvanceRequest{enrolled->state.id, "position", "2026-11-20", {}, "lea", ""});
  ASSERT_TRUE(late.status().IsRefused());
  EXPECT_EQ(late.status().message(), "positioning must take place within 30 days of the referral");
  // The advice names the rule; the condition text is never shown (issue 6).
  EXPECT_NE(late.status().allowed().find("rule of programme"), std::string::npos) << late.status().allowed();
  EXPECT_EQ(late.status().allowed().find("days_between"), std::string::npos) << late.status().allowed();
  EXPECT_EQ(Digest(), before);

  auto in_time = engine_->Advance(AdvanceRequest{enrolled->state.id, "position", "2026-10-31", {}, "lea", ""});
  EXPECT_TRUE(in_time.ok()) << in_time.status().ToString();
}

// The history is read for plugin hooks, which receive the whole context,
// and for the conditions that name it (a condition cannot read an event: it
// is a group of fields); other rules need not read it.
TEST_F(RulesTest, PluginsAndConditionsThatReadTheHistoryAreGivenIt) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  const std::string id = enrolled->state.id;
  auto record = [&](const std::string& milestone) {
    return engine_->Record(RecordRequest{id, milestone, "2026-11-02", {}, "lea", ""});
  };
  auto call = record("call");  // history: the enrolment, not []
  ASSERT_TRUE(call.status().IsRefused()) << call.status().ToString();
  EXPECT_NE(call.status().message().find("'history' holds an object"), std::string::npos)
      << call.status().message();
  ASSERT_TRUE(record("meeting").ok());  // history: the enrolment
  ASSERT_TRUE(record("meeting").ok());  // the enrolment and a meeting
  const std::string before = Digest();
  auto another = record("meeting");
  ASSERT_TRUE(another.status().IsRefused()) << another.status().ToString();
  EXPECT_EQ(another.status().message(), "the pathway has 3 events");
  EXPECT_EQ(Digest(), before);
}

TEST_F(RulesTest, DerivedFieldTakesTheFirstMatchingRule) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(enrolled.ok());
  const std::string id = enrolled->state.id;
  ASSERT_TRUE(engine_->Advance(AdvanceRequest{id, "position", "2026-11-02", {}, "lea", ""}).ok());
  auto placed = engine_->Advance(AdvanceRequest{id, "place", "2026-11-03", {{"contract", "cdd"}, {"months", "3"}}, "lea", ""});
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(placed->event.fields["category"], "transition");

  ASSERT_TRUE(engine_->Void(VoidRequest{id, "wrong duration", "lea", 3, ""}).ok());
  auto replaced = engine_->Advance(AdvanceRequest{id, "place", "2026-11-03", {{"contract", "cdd"}, {"months", "6"}}, "lea", ""});
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->event.fields["category"], "durable");
}

TEST_F(RulesTest, PluginFieldTypeValidatesValues) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(enrolled.ok());
  const std::string id = enrolled->state.id;
  ASSERT_TRUE(engine_->Advance(AdvanceRequest{id, "position", "2026-11-02", {}, "lea", ""}).ok());
  const std::string before = Digest();
  auto odd = engine_->Advance(AdvanceRequest{id, "place", "2026-11-03", {{"contract", "cdi"}, {"badge", "7"}}, "lea", ""});
  ASSERT_TRUE(odd.status().IsRefused());
  EXPECT_EQ(odd.status().message(), "field \"badge\": \"7\" is not valid: 7 is odd; expected an even whole number");
  EXPECT_EQ(Digest(), before);
  auto even = engine_->Advance(AdvanceRequest{id, "place", "2026-11-03", {{"contract", "cdi"}, {"badge", "8"}}, "lea", ""});
  ASSERT_TRUE(even.ok()) << even.status().ToString();
  EXPECT_EQ(even->event.fields["badge"], 8);
}

TEST_F(RulesTest, ThrowingPluginGuardIsARefusalNamingPluginAndHook) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(enrolled.ok());
  const std::string before = Digest();
  auto r = engine_->Advance(AdvanceRequest{enrolled->state.id, "exit", "2026-11-02", {}, "lea", ""});
  ASSERT_TRUE(r.status().IsRefused());
  EXPECT_EQ(r.status().message(),
            "plugin throwing_guard, guard explodes failed: database of eligibility unreachable");
  EXPECT_EQ(Digest(), before);
}

TEST_F(RulesTest, NotifyRunsAfterCommitOnTheIoContext) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(enrolled.ok());
  const std::string id = enrolled->state.id;
  ASSERT_TRUE(engine_->Advance(AdvanceRequest{id, "position", "2026-11-02", {}, "lea", ""}).ok());
  ASSERT_TRUE(engine_->Advance(AdvanceRequest{id, "place", "2026-11-03", {{"contract", "cdi"}}, "lea", ""}).ok());
  // The after-commit action is queued (a delivery pass of the durable
  // subscribers per commit), not run inline.
  EXPECT_GE(io_.poll(), 1u);
}

TEST_F(RulesTest, InstallRefusesReferencesToMissingPluginsAndBadConditions) {
  PluginRegistry none(clock_, log_);
  WorkflowLoad load = LoadWorkflowText(kRulesWorkflow, "rules.yaml", &none);
  std::vector<std::string> messages;
  for (const auto& p : load.problems) messages.push_back(p.ToString());
  ASSERT_EQ(messages.size(), 6u) << ::testing::PrintToString(messages);
  EXPECT_EQ(messages[0],
            "rules.yaml:17: enrolment guard #1: guard \"good.adults_only\": plugin \"good\" is not loaded "
            "(see {cmd:plugins.list})");

  const char* bad = R"(programme: bad
steps:
  - id: a
    initial: true
  - id: z
    final: true
transitions:
  - id: go
    from: [a]
    to: z
    guards:
      - when: "days_between(enroled, date) <= 30"
        message: "too late"
      - when: "date >"
        message: "broken"
      - when: "true"
    derive:
      - field: step
        rules:
          - value: x
)";
  load = LoadWorkflowText(bad, "bad.yaml");
  messages.clear();
  for (const auto& p : load.problems) messages.push_back(p.ToString());
  ASSERT_EQ(messages.size(), 4u) << ::testing::PrintToString(messages);
  EXPECT_NE(messages[0].find("bad.yaml:12: transition \"go\" guard #1: condition \"days_between(enroled, date) <= 30\" uses unknown variable \"enroled\" (did you mean \"enrolled\"?)"),
            std::string::npos)
      << messages[0];
  EXPECT_NE(messages[1].find("bad.yaml:14: transition \"go\" guard #2: condition \"date >\": column"), std::string::npos)
      << messages[1];
  EXPECT_NE(messages[2].find("bad.yaml:16: transition \"go\" guard #3: a condition guard needs a \"message\""),
            std::string::npos)
      << messages[2];
  EXPECT_NE(messages[3].find("bad.yaml:18: transition \"go\" derive #1: field \"step\" already exists"), std::string::npos)
      << messages[3];
}

TEST_F(RulesTest, StoredWorkflowStaysReadableWithoutItsPlugins) {
  auto enrolled = Enroll(AddPerson("Awa Diallo", "1991-04-02"), "2026-11-01");
  ASSERT_TRUE(enrolled.ok());
  PluginRegistry none(clock_, log_);
  Engine bare(*store_, clock_, io_, log_, &none);
  auto view = bare.GetPathway(enrolled->state.id);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const std::string before = Digest();
  auto r = bare.Advance(AdvanceRequest{enrolled->state.id, "exit", "2026-11-02", {}, "lea", ""});
  ASSERT_TRUE(r.status().IsRefused());
  EXPECT_EQ(r.status().message(), "guard throwing_guard.explodes is not available: plugin throwing_guard is not loaded");
  EXPECT_EQ(Digest(), before);
}

}  // namespace
}  // namespace parcours
