// Tests for events, pathway state and replay (event.h), and the event bus
// (event_bus.h) on its own.
#include "parcours/event.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "parcours/event_bus.h"
#include "parcours/workflow.h"
#include "parcours/workflow_loader.h"
#include "support/cli_runner.h"

namespace parcours {
namespace {

Date D(const char* iso) {
  auto d = Date::ParseIso(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(Date());
}

const Workflow& Insertion() {
  static const Workflow wf = [] {
    WorkflowLoad load = LoadWorkflowFile(testing::SourcePath("workflows/insertion.yaml"));
    if (!load.workflow) {
      ADD_FAILURE() << "insertion.yaml does not load: "
                    << (load.problems.empty() ? "" : load.problems.front().ToString());
      return Workflow{};
    }
    return *load.workflow;
  }();
  return wf;
}

Event SampleEvent() {
  Event e;
  e.pathway = "W-3F8QZ";
  e.seq = 7;
  e.kind = EventKind::kTransition;
  e.action = "place";
  e.from = "training";
  e.to = "placement";
  e.date = D("2026-03-14");
  e.recorded = "2026-03-15T09:14:03.120Z";
  e.actor = "karim.benali";
  e.fields = Json{{"contract", "cdd"}, {"months", 6}, {"note", "Éloïse, 李"}};
  e.data = Json{{"anything", Json::array({1, 2})}};
  return e;
}

PathwayState SampleState() {
  PathwayState s;
  s.id = "W-3F8QZ";
  s.person = "P-7K2M9";
  s.programme = "insertion";
  s.version = 3;
  s.step = "training";
  s.exited = false;
  s.referent = "Amélie";
  s.enrolled = D("2025-11-02");
  s.step_since = D("2026-01-05");
  s.last_event = D("2026-02-28");
  s.last_seq = 12;
  s.entry = Json{{"sex", "F"}, {"age", 31}, {"attrs", {{"rsa", "yes"}}}, {"fields", {{"prescriber", "ccas"}}}};
  return s;
}

void ExpectSameEvent(const Event& a, const Event& b) {
  EXPECT_EQ(a.pathway, b.pathway);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.recorded, b.recorded);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.fields, b.fields);
  EXPECT_EQ(a.data, b.data);
}

void ExpectCorruption(const Status& s) {
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.code_name() << ": " << s.message();
  EXPECT_FALSE(s.message().empty());
}

// ---- Event JSON ------------------------------------------------------------------

TEST(EventTest, KindNames) {
  EXPECT_STREQ(EventKindName(EventKind::kEnroll), "enroll");
  EXPECT_STREQ(EventKindName(EventKind::kTransition), "transition");
  EXPECT_STREQ(EventKindName(EventKind::kMilestone), "milestone");
  EXPECT_STREQ(EventKindName(EventKind::kAssign), "assign");
  EXPECT_STREQ(EventKindName(EventKind::kVoid), "void");
}

TEST(EventTest, DatedKinds) {
  EXPECT_TRUE(IsDatedPathwayEvent(EventKind::kEnroll));
  EXPECT_TRUE(IsDatedPathwayEvent(EventKind::kTransition));
  EXPECT_TRUE(IsDatedPathwayEvent(EventKind::kMilestone));
  EXPECT_FALSE(IsDatedPathwayEvent(EventKind::kAssign));
  EXPECT_FALSE(IsDatedPathwayEvent(EventKind::kVoid));
}

TEST(EventTest, ToJsonShape) {
  const Json j = SampleEvent().ToJson();
  EXPECT_EQ(j.at("pathway"), "W-3F8QZ");
  EXPECT_EQ(j.at("seq"), 7);
  EXPECT_EQ(j.at("kind"), "transition");
  EXPECT_EQ(j.at("action"), "place");
  EXPECT_EQ(j.at("from"), "training");
  EXPECT_EQ(j.at("to"), "placement");
  EXPECT_EQ(j.at("date"), "2026-03-14");
  EXPECT_EQ(j.at("recorded"), "2026-03-15T09:14:03.120Z");
  EXPECT_EQ(j.at("actor"), "karim.benali");
  EXPECT_EQ(j.at("fields").at("months"), 6);
  EXPECT_EQ(j.size(), 11u);
}

TEST(EventTest, JsonRoundTripEveryKind) {
  for (EventKind kind : {EventKind::kEnroll, EventKind::kTransition, EventKind::kMilestone,
                         EventKind::kAssign, EventKind::kVoid}) {
    Event e = SampleEvent();
    e.kind = kind;
    // Through text too, as the store keeps it.
    auto back = Event::FromJson(Json::parse(e.ToJson().dump()));
    ASSERT_TRUE(back.ok()) << back.status().message();
    ExpectSameEvent(*back, e);
  }
}

TEST(EventTest, DefaultEventRoundTrips) {
  Event e;
  auto back = Event::FromJson(e.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  ExpectSameEvent(*back, e);
  EXPECT_EQ(back->date.iso(), "1970-01-01");
}

TEST(EventTest, FromJsonRefusesCorruptInput) {
  const Json good = SampleEvent().ToJson();
  ASSERT_TRUE(Event::FromJson(good).ok());

  for (const char* key : {"pathway", "seq", "kind", "action", "from", "to", "date", "recorded",
                          "actor", "fields", "data"}) {
    Json j = good;
    j.erase(key);
    auto e = Event::FromJson(j);
    ASSERT_FALSE(e.ok()) << "without " << key;
    ExpectCorruption(e.status());
  }
  auto with = [&](const char* key, Json value) {
    Json j = good;
    j[key] = std::move(value);
    return Event::FromJson(j);
  };
  ExpectCorruption(with("kind", "teleport").status());
  ExpectCorruption(with("kind", 1).status());
  ExpectCorruption(with("seq", "7").status());
  ExpectCorruption(with("date", "2026-02-30").status());
  ExpectCorruption(with("date", "14/03/2026").status());
  ExpectCorruption(with("date", 20260314).status());
  ExpectCorruption(with("pathway", nullptr).status());
  ExpectCorruption(with("actor", Json::array()).status());
  ExpectCorruption(Event::FromJson(Json()).status());
  ExpectCorruption(Event::FromJson(Json::array({1, 2})).status());
  ExpectCorruption(Event::FromJson(Json("event")).status());
  ExpectCorruption(Event::FromJson(Json::object()).status());
}

// A sequence number that is not a whole number >= 0 is corrupt data, not a
// number to wrap around (-1 would decode as 4294967295, and the next event
// would get seq 0).
TEST(EventTest, FromJsonRefusesSequenceNumbersThatAreNotUnsigned) {
  Json j = SampleEvent().ToJson();
  j["seq"] = -1;
  ExpectCorruption(Event::FromJson(j).status());
  j["seq"] = 1.5;
  ExpectCorruption(Event::FromJson(j).status());
  Json s = SampleState().ToJson();
  s["last_seq"] = -1;
  ExpectCorruption(PathwayState::FromJson(s).status());
}

// ---- PathwayState JSON -------------------------------------------------------------

TEST(PathwayStateTest, JsonRoundTrip) {
  const PathwayState s = SampleState();
  auto back = PathwayState::FromJson(Json::parse(s.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, s.id);
  EXPECT_EQ(back->person, s.person);
  EXPECT_EQ(back->programme, s.programme);
  EXPECT_EQ(back->version, 3);
  EXPECT_EQ(back->step, "training");
  EXPECT_FALSE(back->exited);
  EXPECT_EQ(back->referent, "Amélie");
  EXPECT_EQ(back->enrolled, D("2025-11-02"));
  EXPECT_EQ(back->step_since, D("2026-01-05"));
  EXPECT_EQ(back->last_event, D("2026-02-28"));
  EXPECT_EQ(back->last_seq, 12u);
  EXPECT_EQ(back->entry, s.entry);
  EXPECT_EQ(back->ToJson(), s.ToJson());

  PathwayState exited = s;
  exited.exited = true;
  auto back2 = PathwayState::FromJson(exited.ToJson());
  ASSERT_TRUE(back2.ok());
  EXPECT_TRUE(back2->exited);
  EXPECT_STREQ(back2->status(), "exited");
  EXPECT_STREQ(s.status(), "active");
}

TEST(PathwayStateTest, FromJsonRefusesCorruptInput) {
  const Json good = SampleState().ToJson();
  for (const char* key : {"id", "person", "programme", "version", "step", "exited", "referent",
                          "enrolled", "step_since", "last_event", "last_seq", "entry"}) {
    Json j = good;
    j.erase(key);
    auto s = PathwayState::FromJson(j);
    ASSERT_FALSE(s.ok()) << "without " << key;
    ExpectCorruption(s.status());
  }
  auto with = [&](const char* key, Json value) {
    Json j = good;
    j[key] = std::move(value);
    return PathwayState::FromJson(j);
  };
  ExpectCorruption(with("exited", "no").status());
  ExpectCorruption(with("version", "3").status());
  ExpectCorruption(with("enrolled", "2025-13-02").status());
  ExpectCorruption(with("step_since", "").status());
  ExpectCorruption(with("last_event", nullptr).status());
  ExpectCorruption(PathwayState::FromJson(Json()).status());
  ExpectCorruption(PathwayState::FromJson(Json::array()).status());
}

// ---- Replay ---------------------------------------------------------------------

class ReplayTest : public ::testing::Test {
 protected:
  Event Make(EventKind kind, std::string action, std::string from, std::string to, const char* date,
             Json data = Json::object()) {
    Event e;
    e.pathway = "W-3F8QZ";
    e.seq = static_cast<uint32_t>(log_.size() + 1);
    e.kind = kind;
    e.action = std::move(action);
    e.from = std::move(from);
    e.to = std::move(to);
    e.date = D(date);
    e.recorded = "2026-03-15T10:00:00.000Z";
    e.actor = "tester";
    e.data = std::move(data);
    log_.push_back(e);
    return e;
  }
  void Enroll(const char* date) {
    Make(EventKind::kEnroll, "enroll", "", "referral", date,
         Json{{"person", "P-7K2M9"},
              {"programme", "insertion"},
              {"version", 2},
              {"referent", "alice"},
              {"entry", {{"sex", "F"}, {"age", 30}}}});
  }
  void Move(const char* action, const char* from, const char* to, const char* date) {
    Make(EventKind::kTransition, action, from, to, date);
  }
  void Milestone(const char* action, const char* step, const char* date) {
    Make(EventKind::kMilestone, action, step, step, date);
  }
  void Assign(const char* referent, const char* step, const char* date) {
    Make(EventKind::kAssign, "assign", step, step, date, Json{{"referent", referent}});
  }
  void VoidSeq(uint32_t seq, const char* step, const char* date) {
    Make(EventKind::kVoid, "void", step, step, date, Json{{"voids", seq}, {"reason", "mistake"}});
  }
  PathwayState Replay() {
    auto s = ReplayPathway(log_, Insertion());
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : PathwayState{};
  }

  std::vector<Event> log_;
};

TEST_F(ReplayTest, EnrolmentSetsTheWholeState) {
  Enroll("2026-01-05");
  const PathwayState s = Replay();
  EXPECT_EQ(s.id, "W-3F8QZ");
  EXPECT_EQ(s.person, "P-7K2M9");
  EXPECT_EQ(s.programme, "insertion");
  EXPECT_EQ(s.version, 2);
  EXPECT_EQ(s.referent, "alice");
  EXPECT_EQ(s.step, "referral");
  EXPECT_FALSE(s.exited);
  EXPECT_EQ(s.enrolled, D("2026-01-05"));
  EXPECT_EQ(s.step_since, D("2026-01-05"));
  EXPECT_EQ(s.last_event, D("2026-01-05"));
  EXPECT_EQ(s.last_seq, 1u);
  // Entry attributes are not in the log (they can be erased with the
  // person): replay does not produce them, even from stray event data.
  EXPECT_EQ(s.entry, Json::object());
}

TEST_F(ReplayTest, TransitionsMilestonesAndAssignments) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  Milestone("interview", "positioning", "2026-01-20");
  Assign("bob", "positioning", "2026-01-25");
  const PathwayState s = Replay();
  EXPECT_EQ(s.step, "positioning");
  EXPECT_EQ(s.step_since, D("2026-01-10"));
  EXPECT_EQ(s.last_event, D("2026-01-20"));  // an assignment is not a dated event
  EXPECT_EQ(s.referent, "bob");
  EXPECT_EQ(s.last_seq, 4u);
  EXPECT_FALSE(s.exited);
  EXPECT_EQ(s.enrolled, D("2026-01-05"));
}

TEST_F(ReplayTest, ExitMakesThePathwayExited) {
  Enroll("2026-01-05");
  Move("exit", "referral", "exited", "2026-01-06");
  const PathwayState s = Replay();
  EXPECT_EQ(s.step, "exited");
  EXPECT_TRUE(s.exited);
  EXPECT_STREQ(s.status(), "exited");
}

TEST_F(ReplayTest, VoidOfATransitionRestoresStepAndStepSince) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  Milestone("interview", "positioning", "2026-01-12");
  Move("start_training", "positioning", "training", "2026-02-01");
  VoidSeq(4, "training", "2026-02-03");
  const PathwayState s = Replay();
  EXPECT_EQ(s.step, "positioning");
  EXPECT_EQ(s.step_since, D("2026-01-10"));
  EXPECT_EQ(s.last_event, D("2026-01-12"));
  EXPECT_EQ(s.last_seq, 5u);  // the void itself counts for sequence numbers
}

TEST_F(ReplayTest, VoidOfAMilestoneRestoresLastEvent) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  Milestone("interview", "positioning", "2026-01-20");
  VoidSeq(3, "positioning", "2026-01-21");
  const PathwayState s = Replay();
  EXPECT_EQ(s.step, "positioning");
  EXPECT_EQ(s.step_since, D("2026-01-10"));
  EXPECT_EQ(s.last_event, D("2026-01-10"));
  EXPECT_EQ(s.last_seq, 4u);
}

TEST_F(ReplayTest, VoidOfAnExitReopens) {
  Enroll("2026-01-05");
  Move("exit", "referral", "exited", "2026-01-06");
  VoidSeq(2, "exited", "2026-01-07");
  const PathwayState s = Replay();
  EXPECT_EQ(s.step, "referral");
  EXPECT_FALSE(s.exited);
  EXPECT_EQ(s.step_since, D("2026-01-05"));
  EXPECT_EQ(s.last_event, D("2026-01-05"));
}

TEST_F(ReplayTest, VoidOfAnAssignmentRestoresTheReferent) {
  Enroll("2026-01-05");
  Assign("bob", "referral", "2026-01-06");
  VoidSeq(2, "referral", "2026-01-07");
  EXPECT_EQ(Replay().referent, "alice");
}

TEST_F(ReplayTest, TwoVoidsCancelTwoEvents) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  Move("start_vae", "positioning", "vae", "2026-01-11");
  VoidSeq(3, "vae", "2026-01-12");
  VoidSeq(2, "positioning", "2026-01-12");
  const PathwayState s = Replay();
  EXPECT_EQ(s.step, "referral");
  EXPECT_EQ(s.step_since, D("2026-01-05"));
  EXPECT_EQ(s.last_event, D("2026-01-05"));
  EXPECT_EQ(s.last_seq, 5u);
  EXPECT_EQ(VoidedSeqs(log_), (std::vector<uint32_t>{2, 3}));
}

TEST_F(ReplayTest, VoidedSeqsAreSortedAndOnlyFromVoids) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  Milestone("interview", "positioning", "2026-01-11");
  Milestone("interview", "positioning", "2026-01-12");
  EXPECT_EQ(VoidedSeqs(log_), std::vector<uint32_t>{});
  VoidSeq(4, "positioning", "2026-01-13");
  VoidSeq(3, "positioning", "2026-01-13");
  VoidSeq(2, "positioning", "2026-01-13");
  EXPECT_EQ(VoidedSeqs(log_), (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_EQ(VoidedSeqs({}), std::vector<uint32_t>{});
}

// Issue 6: a void can be voided; the event it cancelled comes back into
// effect, and a void of that void cancels it again.
TEST_F(ReplayTest, AVoidedVoidCancelsNothing) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  VoidSeq(2, "positioning", "2026-01-12");
  EXPECT_EQ(Replay().step, "referral");
  VoidSeq(3, "referral", "2026-01-12");
  EXPECT_EQ(VoidedSeqs(log_), (std::vector<uint32_t>{3}));
  PathwayState s = Replay();
  EXPECT_EQ(s.step, "positioning");
  EXPECT_EQ(s.step_since, D("2026-01-10"));
  EXPECT_EQ(s.last_seq, 4u);
  VoidSeq(4, "positioning", "2026-01-13");
  EXPECT_EQ(VoidedSeqs(log_), (std::vector<uint32_t>{2, 4}));
  s = Replay();
  EXPECT_EQ(s.step, "referral");
  EXPECT_EQ(s.step_since, D("2026-01-05"));
}

TEST_F(ReplayTest, LogMustStartWithAnEnrolment) {
  EXPECT_EQ(ReplayPathway({}, Insertion()).status().code(), Status::Code::kCorruption);
  Move("position", "referral", "positioning", "2026-01-10");
  EXPECT_EQ(ReplayPathway(log_, Insertion()).status().code(), Status::Code::kCorruption);
}

TEST_F(ReplayTest, UnknownStepIsCorruption) {
  Enroll("2026-01-05");
  Move("teleport", "referral", "mars", "2026-01-10");
  auto s = ReplayPathway(log_, Insertion());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kCorruption);
  EXPECT_NE(s.status().message().find("mars"), std::string::npos) << s.status().message();
}

TEST_F(ReplayTest, ApplyEventOneByOneMatchesReplay) {
  Enroll("2026-01-05");
  Move("position", "referral", "positioning", "2026-01-10");
  Milestone("interview", "positioning", "2026-01-20");
  PathwayState s;
  for (const auto& e : log_) ASSERT_TRUE(ApplyEvent(s, e, Insertion()).ok());
  EXPECT_EQ(s.ToJson(), Replay().ToJson());
}

// ---- EventBus --------------------------------------------------------------------

TEST(EventBusTest, DeliversOnlyWhenTheIoContextRunsInPublishOrder) {
  boost::asio::io_context io;
  EventBus bus(io, nullptr);
  std::vector<std::string> got;
  bus.Subscribe("first", [&](const Event& e) { got.push_back("first:" + std::to_string(e.seq)); });
  bus.Subscribe("second", [&](const Event& e) { got.push_back("second:" + std::to_string(e.seq)); });
  Event e = SampleEvent();
  e.seq = 1;
  bus.Publish(e);
  e.seq = 2;
  bus.Publish(e);
  EXPECT_TRUE(got.empty());
  io.run();
  EXPECT_EQ(got, (std::vector<std::string>{"first:1", "second:1", "first:2", "second:2"}));
}

TEST(EventBusTest, AThrowingHandlerDoesNotStopOthers) {
  boost::asio::io_context io;
  EventBus bus(io, std::make_shared<spdlog::logger>("event-bus-test"));
  int thrown = 0;
  std::vector<uint32_t> got;
  bus.Subscribe("throws", [&](const Event&) {
    ++thrown;
    throw std::runtime_error("boom");
  });
  bus.Subscribe("throws-anything", [&](const Event&) { throw 42; });
  bus.Subscribe("records", [&](const Event& e) { got.push_back(e.seq); });
  Event e = SampleEvent();
  for (uint32_t seq = 1; seq <= 3; ++seq) {
    e.seq = seq;
    bus.Publish(e);
  }
  EXPECT_NO_THROW(io.run());
  EXPECT_EQ(thrown, 3);
  EXPECT_EQ(got, (std::vector<uint32_t>{1, 2, 3}));
}

TEST(EventBusTest, EventIsCopiedAtPublish) {
  boost::asio::io_context io;
  EventBus bus(io, nullptr);
  std::string action;
  bus.Subscribe("s", [&](const Event& e) { action = e.action; });
  {
    Event e = SampleEvent();
    bus.Publish(e);
    e.action = "changed";
  }
  io.run();
  EXPECT_EQ(action, "place");
}

TEST(EventBusTest, LateSubscriberMissesEarlierEvents) {
  boost::asio::io_context io;
  EventBus bus(io, nullptr);
  bus.Publish(SampleEvent());
  int calls = 0;
  bus.Subscribe("late", [&](const Event&) { ++calls; });
  io.run();
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace parcours
