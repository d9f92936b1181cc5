// Deadlines in workflow files (loader_deadlines.cc), in pathway states
// (ApplyEvent, ReplayPathway) and month arithmetic (Date::plus_months). The
// engine's side (due, ProcessDeadlines, notes) is in deadlines_engine_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/deadlines.h"
#include "schema/codec.h"
#include "schema/indexes.h"
#include "parcours/event.h"
#include "parcours/expression.h"
#include "parcours/workflow_loader.h"
#include "support/engine_fixture.h"
#include "workflow_loader_test_support.h"

namespace parcours {
namespace {

using namespace workflow_testing;  // NOLINT
using testing::D;

// kMini (lines 1-10), a milestone (11-13), then the deadlines of each test
// from line 14 on.
std::string WithDeadlines(std::string_view deadlines) {
  return Mini("milestones:\n  - id: check\n    in: any\n") + std::string(deadlines);
}

// ---- the loader ----------------------------------------------------------------

TEST(DeadlineLoaderTest, ReadsEveryPart) {
  const auto load = Load(WithDeadlines(R"(deadlines:
  - id: first_check
    label: Premier contrôle
    opened_by: enroll
    due: 30 days
    cleared_by: [check]
    cleared_in: [end]
  - id: closing
    opened_by: [check, finish]
    due: 6 months
    cleared_by: finish
  - id: weekly
    opened_by: [check]
    due: 2 weeks
    cleared_in: end
)"));
  ASSERT_TRUE(load.workflow) << Describe(load);
  const auto& ds = load.workflow->deadlines;
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds[0].id, "first_check");
  EXPECT_EQ(ds[0].label, "Premier contrôle");
  EXPECT_EQ(ds[0].opened_by, (std::vector<std::string>{"enroll"}));
  EXPECT_EQ(ds[0].amount, 30);
  EXPECT_EQ(ds[0].unit, DurationUnit::kDays);
  EXPECT_EQ(ds[0].cleared_by, (std::vector<std::string>{"check"}));
  EXPECT_EQ(ds[0].cleared_in, (std::vector<std::string>{"end"}));
  EXPECT_EQ(ds[0].line, 15);
  EXPECT_EQ(ds[1].label, "closing");  // defaults to the id
  EXPECT_EQ(ds[1].unit, DurationUnit::kMonths);
  EXPECT_EQ(ds[1].cleared_by, (std::vector<std::string>{"finish"}));
  EXPECT_EQ(ds[2].unit, DurationUnit::kWeeks);
  EXPECT_EQ(ds[2].DueAfter(D("2026-03-01")), D("2026-03-15"));
  EXPECT_EQ(ds[2].describe_delay(), "2 weeks");
  EXPECT_EQ(load.workflow->find_deadline("closing"), &ds[1]);
  EXPECT_EQ(load.workflow->find_deadline("nope"), nullptr);

  const Json canonical = load.workflow->to_json();
  ASSERT_TRUE(canonical.contains("deadlines"));
  EXPECT_EQ(canonical["deadlines"][1]["due"], "6 months");
  EXPECT_EQ(canonical["deadlines"][1]["opened_by"], (Json{"check", "finish"}));
}

TEST(DeadlineLoaderTest, AWorkflowWithoutDeadlinesKeepsItsCanonicalForm) {
  const auto load = Load(kMini);
  ASSERT_TRUE(load.workflow) << Describe(load);
  EXPECT_FALSE(load.workflow->to_json().contains("deadlines"));
}

TEST(DeadlineLoaderTest, TheShippedInsertionWorkflowDeclaresItsDeadlines) {
  const auto load = LoadWorkflowText(testing::ReadSource("workflows/insertion.yaml"), "insertion.yaml");
  ASSERT_TRUE(load.workflow) << Describe(load);
  const Deadline* positioning = load.workflow->find_deadline("positioning");
  const Deadline* follow_up = load.workflow->find_deadline("follow_up");
  ASSERT_TRUE(positioning && follow_up);
  EXPECT_EQ(positioning->DueAfter(D("2026-01-31")), D("2026-03-02"));
  EXPECT_EQ(follow_up->DueAfter(D("2026-08-31")), D("2027-03-01"));
}

TEST(DeadlineLoaderTest, RefusesAListThatIsNotOne) {
  EXPECT_TRUE(HasProblem(Load(WithDeadlines("deadlines: soon\n")), 14, "\"deadlines\" must be a list"));
  EXPECT_TRUE(HasProblem(Load(WithDeadlines("deadlines:\n  - soon\n")), 15, "deadline #1: must be a map"));
}

TEST(DeadlineLoaderTest, RefusesUnknownAndMissingKeys) {
  const auto load = Load(WithDeadlines(R"(deadlines:
  - id: d
    opened_by: enroll
    due: 3 days
    cleard_by: [check]
)"));
  EXPECT_TRUE(HasProblem(load, 18, "unknown key \"cleard_by\" (did you mean \"cleared_by\"?)"));
  EXPECT_TRUE(HasProblem(load, 15, "deadline \"d\": nothing clears it"));

  const auto missing = Load(WithDeadlines("deadlines:\n  - id: d\n    cleared_by: [check]\n"));
  EXPECT_TRUE(HasProblem(missing, 15, "deadline \"d\": missing \"opened_by\""));
  EXPECT_TRUE(HasProblem(missing, 15, "deadline \"d\": missing \"due\""));

  const auto no_id = Load(WithDeadlines("deadlines:\n  - opened_by: enroll\n    due: 1 day\n    cleared_in: [end]\n"));
  EXPECT_TRUE(HasProblem(no_id, 15, "deadline #1: missing \"id\""));
  const auto bad_id = Load(WithDeadlines("deadlines:\n  - id: Due-Date\n    opened_by: enroll\n    due: 1 day\n    cleared_in: [end]\n"));
  EXPECT_TRUE(HasProblem(bad_id, 15, "id \"Due-Date\" is not valid"));
}

TEST(DeadlineLoaderTest, RefusesUnknownEventsWithTheNearestName) {
  const auto load = Load(WithDeadlines(R"(deadlines:
  - id: d
    opened_by: [enrol, chek]
    due: 3 days
    cleared_by: [finsh]
    cleared_in: [ned]
)"));
  EXPECT_TRUE(HasProblem(load, 16, "unknown event \"enrol\" in opened_by (did you mean \"enroll\"?); enroll, "
                                   "transitions and milestones: finish, check"));
  EXPECT_TRUE(HasProblem(load, 16, "unknown event \"chek\" in opened_by (did you mean \"check\"?)"));
  EXPECT_TRUE(HasProblem(load, 18, "unknown transition or milestone \"finsh\" in cleared_by (did you mean "
                                   "\"finish\"?); transitions and milestones: finish, check"));
  EXPECT_TRUE(HasProblem(load, 19, "unknown step \"ned\" in cleared_in (did you mean \"end\"?); steps: start, end"));
}

TEST(DeadlineLoaderTest, RefusesTheEnrolmentAsWhatClearsADeadline) {
  const auto load = Load(WithDeadlines("deadlines:\n  - id: d\n    opened_by: check\n    due: 1 day\n"
                                       "    cleared_by: [enroll]\n"));
  EXPECT_TRUE(HasProblem(load, 18, "deadline \"d\": the enrolment cannot clear a deadline"));
}

TEST(DeadlineLoaderTest, RefusesBadLists) {
  const auto load = Load(WithDeadlines(R"(deadlines:
  - id: d
    opened_by: []
    due: 3 days
    cleared_by: [check, check]
    cleared_in: {step: end}
  - id: e
    opened_by: [[check]]
    due: 3 days
    cleared_in: [end, end]
)"));
  EXPECT_TRUE(HasProblem(load, 16, "\"opened_by\" is an empty list; name at least one"));
  EXPECT_TRUE(HasProblem(load, 18, "\"check\" is listed twice in cleared_by"));
  EXPECT_TRUE(HasProblem(load, 19, "\"cleared_in\" must be a list of step ids, found a map"));
  EXPECT_TRUE(HasProblem(load, 21, "\"opened_by\" must list transition or milestone ids, found a list"));
  EXPECT_TRUE(HasProblem(load, 23, "step \"end\" is listed twice in cleared_in"));
}

TEST(DeadlineLoaderTest, RefusesBadDelays) {
  struct Case {
    const char* due;
    const char* problem;
  };
  const Case cases[] = {
      {"30", "due \"30\" is not a delay; write it as a whole number and a unit: \"30 days\", \"2 weeks\" or \"6 months\""},
      {"thirty days", "due \"thirty days\" is not a delay"},
      {"30 years", "due \"30 years\" is not a delay"},
      {"30  days", "due \"30  days\" is not a delay"},
      {"2.5 days", "due \"2.5 days\" is not a delay"},
      {"0 days", "due \"0 days\" is out of range; from 1 to 3660 days"},
      {"-3 days", "due \"-3 days\" is out of range; from 1 to 3660 days"},
      {"3661 days", "due \"3661 days\" is out of range; from 1 to 3660 days"},
      {"521 weeks", "due \"521 weeks\" is out of range; from 1 to 520 weeks"},
      {"121 months", "due \"121 months\" is out of range; from 1 to 120 months"},
      {"99999999999 days", "is not a delay"},
  };
  for (const auto& c : cases) {
    const auto load = Load(WithDeadlines(std::string("deadlines:\n  - id: d\n    opened_by: enroll\n    due: \"") +
                                         c.due + "\"\n    cleared_in: [end]\n"));
    EXPECT_TRUE(HasProblem(load, 17, c.problem)) << c.due;
  }
  EXPECT_TRUE(HasProblem(Load(WithDeadlines("deadlines:\n  - id: d\n    opened_by: enroll\n    due: [30, days]\n"
                                            "    cleared_in: [end]\n")),
                         17, "\"due\" must be a text, found a list"));
  for (const char* ok : {"1 day", "1 days", "3660 days", "1 week", "520 weeks", "1 month", "120 months"}) {
    const auto load = Load(WithDeadlines(std::string("deadlines:\n  - id: d\n    opened_by: enroll\n    due: ") + ok +
                                         "\n    cleared_in: [end]\n"));
    EXPECT_TRUE(load.workflow) << ok << Describe(load);
  }
}

TEST(DeadlineLoaderTest, RefusesADuplicateId) {
  const auto load = Load(WithDeadlines(R"(deadlines:
  - id: d
    opened_by: enroll
    due: 3 days
    cleared_in: [end]
  - id: d
    opened_by: check
    due: 3 days
    cleared_in: [end]
)"));
  EXPECT_TRUE(HasProblem(load, 19, "duplicate deadline id \"d\" (first declared on line 15)"));
}

// ---- months -----------------------------------------------------------------------

TEST(DeadlineMonthsTest, SameDayOfTheMonthOrTheFirstOfTheNextMonth) {
  EXPECT_EQ(D("2026-03-15").plus_months(6), D("2026-09-15"));
  EXPECT_EQ(D("2026-08-31").plus_months(6), D("2027-03-01"));  // the insertion follow_up rule's example
  EXPECT_EQ(D("2026-01-31").plus_months(1), D("2026-03-01"));
  EXPECT_EQ(D("2028-01-31").plus_months(1), D("2028-03-01"));  // leap year: no 31st either
  EXPECT_EQ(D("2028-01-29").plus_months(1), D("2028-02-29"));
  EXPECT_EQ(D("2026-01-29").plus_months(1), D("2026-03-01"));
  EXPECT_EQ(D("2027-08-29").plus_months(6), D("2028-02-29"));
  EXPECT_EQ(D("2026-10-31").plus_months(1), D("2026-12-01"));
  EXPECT_EQ(D("2026-12-31").plus_months(2), D("2027-03-01"));
  EXPECT_EQ(D("2026-11-30").plus_months(3), D("2027-03-01"));
  EXPECT_EQ(D("2028-02-29").plus_months(12), D("2029-03-01"));
  EXPECT_EQ(D("2026-12-15").plus_months(1), D("2027-01-15"));
  EXPECT_EQ(D("2026-05-10").plus_months(0), D("2026-05-10"));
  EXPECT_EQ(D("2026-05-10").plus_months(120), D("2036-05-10"));
}

// plus_months(n) is the first day on which the rules' months_between reaches
// n: a deadline in months falls due exactly when a guard on months_between
// starts to allow the milestone (insertion's follow_up).
TEST(DeadlineMonthsTest, AgreesWithMonthsBetweenEveryDayOfThreeYears) {
  auto reached = rules::Expression::Parse("months_between(a, b) >= n");
  ASSERT_TRUE(reached.ok()) << reached.status().ToString();
  for (Date a = D("2026-01-01"); a < D("2029-01-01"); a = a.plus_days(1)) {
    for (int n : {1, 6}) {
      const Date due = a.plus_months(n);
      auto on = reached->Test(Json{{"a", a.iso()}, {"b", due.iso()}, {"n", n}});
      auto before = reached->Test(Json{{"a", a.iso()}, {"b", due.plus_days(-1).iso()}, {"n", n}});
      ASSERT_TRUE(on.ok() && before.ok()) << a.iso();
      EXPECT_TRUE(*on) << a.iso() << " + " << n << " = " << due.iso();
      EXPECT_FALSE(*before) << a.iso() << " + " << n << " = " << due.iso();
    }
  }
}

// ---- pathway states ----------------------------------------------------------------

class DeadlineStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto load = LoadWorkflowText(testing::ReadSource("workflows/insertion.yaml"), "insertion.yaml");
    ASSERT_TRUE(load.workflow) << Describe(load);
    wf_ = std::move(*load.workflow);
  }

  // The next event of the pathway: `action` of `kind`, leading to `to`
  // (the current step when empty).
  Event Next(EventKind kind, const std::string& action, const char* date, const std::string& to = "") {
    Event e;
    e.pathway = "W-TEST1";
    e.seq = static_cast<uint32_t>(events_.size()) + 1;
    e.kind = kind;
    e.action = action;
    e.from = events_.empty() ? "" : events_.back().to;
    e.to = to.empty() ? e.from : to;
    e.date = D(date);
    e.recorded = "2026-01-01T00:00:00.000Z";
    e.actor = "counsellor";
    if (kind == EventKind::kEnroll) {
      e.data = Json{{"person", "P-TEST1"}, {"programme", "insertion"}, {"version", 1}, {"referent", "lea"}};
    }
    events_.push_back(e);
    return e;
  }
  // Applies the next event to state_, as the engine does for a command.
  void Apply(EventKind kind, const std::string& action, const char* date, const std::string& to = "") {
    ASSERT_TRUE(ApplyEvent(state_, Next(kind, action, date, to), wf_).ok());
  }
  void Void(uint32_t target) {
    Event e = Next(EventKind::kVoid, "void", "2026-06-01");
    e.data = Json{{"voids", target}};
    events_.back() = e;
    auto replayed = ReplayPathway(events_, wf_);
    ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
    state_ = *replayed;
  }
  void Missed(const char* deadline, const char* due) {
    Event e = Next(EventKind::kDeadlineMissed, "deadline_missed", "2026-06-01");
    e.data = Json{{"deadline", deadline}, {"due", due}};
    events_.back() = e;
    ASSERT_TRUE(ApplyEvent(state_, e, wf_).ok());
  }

  Workflow wf_;
  std::vector<Event> events_;
  PathwayState state_;
};

TEST_F(DeadlineStateTest, TheEnrolmentOpensPositioningAndPositionClearsIt) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-31", "referral");
  ASSERT_EQ(state_.deadlines.size(), 1u);
  EXPECT_EQ(state_.deadlines.at("positioning"), (OpenDeadline{D("2026-03-02"), false}));
  Apply(EventKind::kMilestone, "interview", "2026-02-03");
  EXPECT_EQ(state_.deadlines.size(), 1u);
  Apply(EventKind::kTransition, "position", "2026-02-10", "positioning");
  EXPECT_TRUE(state_.deadlines.empty());
}

TEST_F(DeadlineStateTest, ExitClearsPositioningAndOpensTheFollowUpWhichClearsIt) {
  Apply(EventKind::kEnroll, "enroll", "2026-02-01", "referral");
  Apply(EventKind::kTransition, "exit", "2026-08-31", "exited");
  ASSERT_EQ(state_.deadlines.size(), 1u);
  EXPECT_EQ(state_.deadlines.at("follow_up").due, D("2027-03-01"));
  Apply(EventKind::kMilestone, "follow_up", "2027-03-01");
  EXPECT_TRUE(state_.deadlines.empty());
}

TEST_F(DeadlineStateTest, AVoidReopensAndAVoidOfTheVoidClosesAgain) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-05", "referral");
  Apply(EventKind::kTransition, "position", "2026-01-20", "positioning");
  EXPECT_TRUE(state_.deadlines.empty());
  Void(2);
  EXPECT_EQ(state_.deadlines.at("positioning"), (OpenDeadline{D("2026-02-04"), false}));
  Void(3);
  EXPECT_TRUE(state_.deadlines.empty());
}

TEST_F(DeadlineStateTest, VoidingAnExitRemovesTheFollowUp) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-05", "referral");
  Apply(EventKind::kTransition, "position", "2026-01-20", "positioning");
  Apply(EventKind::kTransition, "exit", "2026-02-20", "exited");
  EXPECT_TRUE(state_.deadlines.contains("follow_up"));
  Void(3);
  EXPECT_TRUE(state_.deadlines.empty());
  EXPECT_EQ(state_.step, "positioning");
}

TEST_F(DeadlineStateTest, MissedMarksTheDeadlineOfThatDueDateOnly) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-05", "referral");
  Missed("positioning", "2026-01-01");  // another opening: nothing
  EXPECT_FALSE(state_.deadlines.at("positioning").missed);
  Missed("follow_up", "2026-02-04");  // not open: nothing
  EXPECT_FALSE(state_.deadlines.contains("follow_up"));
  Missed("positioning", "2026-02-04");
  EXPECT_TRUE(state_.deadlines.at("positioning").missed);
  // Still open (and listed) until position clears it; replay agrees.
  auto replayed = ReplayPathway(events_, wf_);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->deadlines, state_.deadlines);
  Apply(EventKind::kTransition, "position", "2026-02-10", "positioning");
  EXPECT_TRUE(state_.deadlines.empty());
  // Voiding the position reopens it as missed: no second deadline_missed.
  Void(5);
  EXPECT_EQ(state_.deadlines.at("positioning"), (OpenDeadline{D("2026-02-04"), true}));
}

TEST_F(DeadlineStateTest, ANoteChangesNothingButTheLastSeq) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-05", "referral");
  const PathwayState before = state_;
  Event note = Next(EventKind::kNote, "note", "2026-03-01");
  note.data = Json{{"text", "Called, no answer."}};
  ASSERT_TRUE(ApplyEvent(state_, note, wf_).ok());
  EXPECT_EQ(state_.last_seq, 2u);
  EXPECT_EQ(state_.last_event, before.last_event);
  PathwayState same = state_;
  same.last_seq = before.last_seq;
  EXPECT_EQ(same.ToJson(), before.ToJson());
}

TEST_F(DeadlineStateTest, AnEventThatClearsAndOpensRenewsTheDeadline) {
  auto load = Load(WithDeadlines(R"(deadlines:
  - id: contact
    opened_by: [enroll, check]
    due: 1 month
    cleared_by: [check]
    cleared_in: [end]
)"));
  ASSERT_TRUE(load.workflow) << Describe(load);
  wf_ = std::move(*load.workflow);
  Apply(EventKind::kEnroll, "enroll", "2026-01-31", "start");
  EXPECT_EQ(state_.deadlines.at("contact").due, D("2026-03-01"));
  Missed("contact", "2026-03-01");
  Apply(EventKind::kMilestone, "check", "2026-03-10");
  EXPECT_EQ(state_.deadlines.at("contact"), (OpenDeadline{D("2026-04-10"), false}));
  Apply(EventKind::kTransition, "finish", "2026-03-12", "end");
  EXPECT_TRUE(state_.deadlines.empty());
}

TEST_F(DeadlineStateTest, StoredStatesKeepTheirDeadlines) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-05", "referral");
  Missed("positioning", "2026-02-04");
  const Json j = state_.ToJson();
  EXPECT_EQ(j["deadlines"], (Json{{"positioning", {{"due", "2026-02-04"}, {"missed", true}}}}));
  auto back = PathwayState::FromJson(j);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->deadlines, state_.deadlines);

  // A state stored before deadlines existed has none; one without any stores none.
  Json old = j;
  old.erase("deadlines");
  auto read = PathwayState::FromJson(old);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->deadlines.empty());
  EXPECT_FALSE(read->ToJson().contains("deadlines"));

  Json bad = j;
  bad["deadlines"]["positioning"]["due"] = "soon";
  EXPECT_EQ(PathwayState::FromJson(bad).status().code(), Status::Code::kCorruption);
}

TEST_F(DeadlineStateTest, EachOpenDeadlineHasADueEntryByDateAndOneByReferent) {
  Apply(EventKind::kEnroll, "enroll", "2026-01-05", "referral");
  auto entries = DeadlineIndexEntries(state_);
  std::sort(entries.begin(), entries.end());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].first, std::string("due\0" "2026-02-04\0W-TEST1\0positioning", 34));
  EXPECT_EQ(entries[1].first, std::string("due_ref\0lea\0" "2026-02-04\0W-TEST1\0positioning", 42));
  EXPECT_EQ(entries[1].second, entries[0].second);
  auto value = codec::DecodeDueValue(entries[0].second);
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(value->programme, "insertion");
  EXPECT_EQ(value->referent, "lea");
  EXPECT_FALSE(value->missed);
  for (const auto& [key, unused] : entries) {
    auto parsed = ParseDueKey(key);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->due, D("2026-02-04"));
    EXPECT_EQ(parsed->pathway, "W-TEST1");
    EXPECT_EQ(parsed->deadline, "positioning");
  }
  // Once missed, it is indexed apart from those still to record.
  state_.deadlines.at("positioning").missed = true;
  entries = DeadlineIndexEntries(state_);
  std::sort(entries.begin(), entries.end());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].first, std::string("due_missed\0" "2026-02-04\0W-TEST1\0positioning", 41));
  EXPECT_EQ(entries[1].first, std::string("due_ref\0lea\0" "2026-02-04\0W-TEST1\0positioning", 42));
  auto parsed = ParseDueKey(entries[0].first);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->due, D("2026-02-04"));
  EXPECT_EQ(parsed->pathway, "W-TEST1");
  // A pathway without a referent is indexed by date only.
  state_.referent.clear();
  EXPECT_EQ(DeadlineIndexEntries(state_).size(), 1u);
  Apply(EventKind::kTransition, "position", "2026-01-20", "positioning");
  EXPECT_TRUE(DeadlineIndexEntries(state_).empty());
}

TEST(DueKeyTest, MalformedKeysAreRefusedAsCorruption) {
  using namespace std::string_literals;
  for (const std::string& key : {"due\0"s, "due\0" "2026-02-04\0W-1"s, "due\0soon\0W-1\0positioning"s,
                                 "due_ref\0lea\0" "2026-02-04\0W-1"s, "due_ref\0lea"s, ""s}) {
    auto parsed = ParseDueKey(key);
    ASSERT_FALSE(parsed.ok()) << key;
    EXPECT_EQ(parsed.status().code(), Status::Code::kCorruption);
  }
}

TEST(DeadlineEventTest, NewKindsRoundTrip) {
  for (EventKind kind : {EventKind::kDeadlineMissed, EventKind::kNote}) {
    Event e;
    e.pathway = "W-TEST1";
    e.seq = 3;
    e.kind = kind;
    e.action = EventKindName(kind);
    e.date = D("2026-02-05");
    auto back = Event::FromJson(e.ToJson());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->kind, kind);
  }
  EXPECT_STREQ(EventKindName(EventKind::kDeadlineMissed), "deadline_missed");
  EXPECT_STREQ(EventKindName(EventKind::kNote), "note");
  EXPECT_FALSE(IsDatedPathwayEvent(EventKind::kDeadlineMissed));
  EXPECT_FALSE(IsDatedPathwayEvent(EventKind::kNote));
}

}  // namespace
}  // namespace parcours
