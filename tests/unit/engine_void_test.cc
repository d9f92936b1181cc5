// Tests for the engine's void command (engine.h): what a void cancels, what
// the pathway becomes once its events are replayed without the voided one,
// and every refusal. The fixture is in engine_test_fixture.h.
#include "parcours/engine.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine_test_fixture.h"

namespace parcours {
namespace {

using namespace engine_testing;  // NOLINT

// ---- void -----------------------------------------------------------------------------

TEST_F(EngineTest, VoidCancelsTheLatestEvent) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "position", "2026-03-02");
  Record(pw, "interview", "2026-03-05", {{"mode", "video"}});

  CommandResult r = Void(pw, "  wrong person  ");
  EXPECT_EQ(r.event.kind, EventKind::kVoid);
  EXPECT_EQ(r.event.action, "void");
  EXPECT_EQ(r.event.seq, 4u);
  EXPECT_EQ(r.event.data.at("voids"), 3);
  EXPECT_EQ(r.event.data.at("reason"), "wrong person");
  EXPECT_EQ(r.event.from, "positioning");
  EXPECT_EQ(r.event.to, "positioning");
  EXPECT_EQ(r.event.date, D(kToday));
  EXPECT_EQ(r.state.step, "positioning");
  EXPECT_EQ(r.state.last_event, D("2026-03-02"));  // the milestone no longer counts
  EXPECT_EQ(r.state.last_seq, 4u);

  // Void again: the transition before goes too.
  r = Void(pw);
  EXPECT_EQ(r.event.seq, 5u);
  EXPECT_EQ(r.event.data.at("voids"), 2);
  EXPECT_EQ(r.event.from, "positioning");
  EXPECT_EQ(r.event.to, "referral");
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(r.state.step_since, D("2026-03-01"));
  EXPECT_EQ(r.state.last_event, D("2026-03-01"));
  EXPECT_EQ(r.next_transitions, (Strings{"position", "exit"}));

  // Only the enrolment is left.
  ExpectRefusal([&] { return TryVoid(pw).status(); }, kRefused,
                {"the enrolment of " + pw + " cannot be voided",
                 "{cmd:advance " + pw + " exit} with {arg:fields} reason=other"});

  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->events.size(), 5u);  // history keeps everything
  EXPECT_EQ(view->voided, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(view->state.ToJson(), r.state.ToJson());

  // The pathway goes on from the restored state, with the next sequence number.
  CommandResult again = Advance(pw, "position", "2026-03-01");
  EXPECT_EQ(again.event.seq, 6u);
}

TEST_F(EngineTest, VoidRefusals) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  ExpectRefusal([&] { return TryVoid(pw).status(); }, kRefused, {"cannot be voided"});
  Advance(pw, "position", "2026-03-02");
  ExpectRefusal([&] { return TryVoid(pw, "").status(); }, kRefused, {"reason is empty"});
  ExpectRefusal([&] { return TryVoid(pw, "   ").status(); }, kRefused, {"reason is empty"});
  ExpectRefusal([&] { return TryVoid(pw, "bad\x01reason").status(); }, kRefused, {"reason"});
  ExpectRefusal([&] { return TryVoid("W-22222").status(); }, kNotFound, {"W-22222"});
  ExpectRefusal([&] { return TryVoid("").status(); }, kNotFound, {"no pathway"});
}

// Issue 6: a void names its event, so repeating it cancels nothing more.
TEST_F(EngineTest, VoidNamesItsEventAndARepeatIsRefused) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "position", "2026-03-02");
  Record(pw, "interview", "2026-03-05", {{"mode", "video"}});
  ExpectRefusal([&] { return TryVoid(pw, "typo", 0).status(); }, kRefused,
                {"say which event of " + pw + " to void, with {arg:seq}", "#3 (interview on 2026-03-05)",
                 "{cmd:history " + pw + "}"});
  ExpectRefusal([&] { return TryVoid(pw, "typo", 2).status(); }, kRefused,
                {"#2 (position on 2026-03-02) is not the latest event in effect", "#3 (interview on 2026-03-05)"});
  ExpectRefusal([&] { return TryVoid(pw, "typo", 4).status(); }, kRefused, {"has no event #4"});
  EXPECT_EQ(Void(pw, "typo", 3).event.data.at("voids"), 3);
  ExpectRefusal([&] { return TryVoid(pw, "typo", 3).status(); }, kRefused,
                {"#3 (interview on 2026-03-05) is no longer in effect: #4 voided it",
                 "The latest event in effect is #2 (position on 2026-03-02)"});
  EXPECT_EQ(State(pw).last_seq, 4u);
}

TEST_F(EngineTest, AVoidCanBeVoidedAndItsEventCountsAgain) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "position", "2026-03-02");
  auto positioned = [&] {
    auto r = engine_->Outcomes({"insertion", "2026-01-01", "2026-12-31"});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->ToJson()["indicators"].value("positioned", -1) : -1;
  };
  EXPECT_EQ(positioned(), 1);
  Void(pw, "typo", 2);
  EXPECT_EQ(State(pw).step, "referral");
  EXPECT_EQ(positioned(), 0);
  // Voiding the void (the log's last event) brings the transition back.
  CommandResult r = Void(pw, "it was right", 3);
  EXPECT_EQ(r.event.data.at("voids"), 3);
  EXPECT_EQ(r.state.step, "positioning");
  EXPECT_EQ(r.state.step_since, D("2026-03-02"));
  EXPECT_EQ(positioned(), 1);
  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->voided, (std::vector<uint32_t>{3}));
  EXPECT_EQ(view->state.ToJson(), r.state.ToJson());
  // And the void of the void can be voided in turn.
  r = Void(pw, "no, it was not", 4);
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(positioned(), 0);
}

TEST_F(EngineTest, VoidOfAnAssignmentRestoresTheReferent) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01", "alice");
  ASSERT_TRUE(TryAssign(pw, "bob").ok());
  CommandResult r = Void(pw);
  EXPECT_EQ(r.event.data.at("voids"), 2);
  EXPECT_EQ(r.state.referent, "alice");
  auto alice = engine_->Caseload(Q("", "", "alice"));
  auto bob = engine_->Caseload(Q("", "", "bob"));
  ASSERT_TRUE(alice.ok() && bob.ok());
  EXPECT_EQ(alice->size(), 1u);
  EXPECT_EQ(bob->size(), 0u);
}

TEST_F(EngineTest, VoidOfAnExitReopensThePathway) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "exit", "2026-03-02", {{"reason", "dropout"}});
  EXPECT_TRUE(State(pw).exited);
  CommandResult r = Void(pw, "she came back");
  EXPECT_FALSE(r.state.exited);
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(r.event.from, "exited");
  EXPECT_EQ(r.event.to, "referral");
  // Active again: in the caseload, and a new enrolment is refused.
  auto caseload = engine_->Caseload({});
  ASSERT_TRUE(caseload.ok());
  ASSERT_EQ(caseload->size(), 1u);
  EXPECT_EQ((*caseload)[0].state.id, pw);
  ExpectRefusal([&] { return TryEnroll(p.id).status(); }, kRefused, {"already has an active pathway", pw});
}

TEST_F(EngineTest, VoidOfAnExitIsRefusedWhenThePersonHasReEnrolled) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string first = Enroll(p.id, "2026-03-01");
  Advance(first, "exit", "2026-03-02", {{"reason", "moved"}});
  const std::string second = Enroll(p.id, "2026-03-10");
  ExpectRefusal([&] { return TryVoid(first).status(); }, kRefused,
                {"voiding #2 (exit on 2026-03-02) would reopen " + first, "another active pathway", second,
                 "Exit or void " + second + " first."});
  EXPECT_TRUE(State(first).exited);
  // Once the second is exited, the first's exit may be voided.
  Advance(second, "exit", "2026-03-11", {{"reason", "other"}});
  CommandResult r = Void(first);
  EXPECT_FALSE(r.state.exited);
}

TEST_F(EngineTest, VoidOfAFollowUpIsFineAfterReEnrolmentButNotOfTheExit) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string first = Enroll(p.id, "2025-09-01");
  Advance(first, "exit", "2025-09-02", {{"reason", "employment"}});
  Record(first, "follow_up", "2026-03-03", {{"employed", "yes"}});  // 6 months after the exit
  const std::string second = Enroll(p.id, "2026-03-10");
  // The follow-up can go: the pathway stays exited.
  CommandResult r = Void(first);
  EXPECT_EQ(r.event.data.at("voids"), 3);
  EXPECT_TRUE(r.state.exited);
  EXPECT_EQ(r.state.last_event, D("2025-09-02"));
  // The exit cannot.
  ExpectRefusal([&] { return TryVoid(first).status(); }, kRefused, {second});
}

}  // namespace
}  // namespace parcours
