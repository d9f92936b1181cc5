// Voids around notes and deadline_missed events, which are not steps of the
// pathway: the latest event in effect is found past them.
#include "engine_test_fixture.h"

namespace parcours::engine_testing {
namespace {

using VoidAsideTest = EngineTest;

Result<CommandResult> AddNote(Engine& engine, const std::string& pathway, const std::string& text) {
  NoteRequest req;
  req.pathway = pathway;
  req.text = text;
  req.actor = "counsellor";
  return engine.Note(req);
}

TEST_F(VoidAsideTest, TheLatestStepIsVoidedPastANote) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id, "2026-03-10");
  Advance(pw, "position", "2026-03-12");
  ASSERT_TRUE(AddNote(*engine_, pw, "called her back").ok());
  auto voided = TryVoid(pw, "wrong pathway", 2);
  ASSERT_TRUE(voided.ok()) << voided.status().ToString();
  EXPECT_EQ(voided->state.step, "referral");
}

TEST_F(VoidAsideTest, ANoteInEffectCanBeVoided) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id, "2026-03-10");
  ASSERT_TRUE(AddNote(*engine_, pw, "wrong person").ok());
  Advance(pw, "position", "2026-03-12");
  auto voided = TryVoid(pw, "not about her", 2);
  ASSERT_TRUE(voided.ok()) << voided.status().ToString();
  EXPECT_EQ(voided->state.step, "positioning");
}

TEST_F(VoidAsideTest, ADeadlineMissedCannotBeVoided) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id, "2026-02-01");
  auto missed = engine_->ProcessDeadlines();
  ASSERT_TRUE(missed.ok()) << missed.status().ToString();
  ASSERT_EQ(*missed, 1);
  ExpectRefusal([&] { return TryVoid(pw, "not missed", 2).status(); }, kRefused,
                {"was recorded when a deadline passed: it cannot be voided", "(see {cmd:due})"});
  // The enrolment is still the latest step: past the deadline_missed, the
  // refusal of voiding it names the enrolment.
  ExpectRefusal([&] { return TryVoid(pw, "typo", 1).status(); }, kRefused, {"cannot be voided"});
}

}  // namespace
}  // namespace parcours::engine_testing
