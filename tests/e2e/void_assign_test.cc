// parcours void | assign: compensating events (history keeps both) and
// handing a pathway to another referent.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

// Awa Diallo enrolled 2026-09-01, positioned 2026-09-08, interviewed 2026-09-10.
class VoidTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    awa_ = AddPerson("Awa Diallo", "1991-04-02", "F");
    w_ = Enroll(awa_, "2026-09-01");
    ASSERT_EQ(Advance(w_, "position", "2026-09-08"), "positioning");
    Record(w_, "interview", "2026-09-10", {"mode=individual"});
  }
  Json Void(int seq, const std::string& reason) {
    return Ok({"void", w_, "--seq", std::to_string(seq), "--reason", reason});
  }
  std::string awa_, w_;
};

TEST_F(VoidTest, VoidCancelsTheEventItNames) {
  const Json j = Void(3, "recorded twice");
  EXPECT_EQ(Pick(j, {"pathway", "step", "seq", "voided"}),
            (Json{{"pathway", w_}, {"step", "positioning"}, {"seq", 4}, {"voided", 3}}));
  const Json show = Show(w_);
  ASSERT_EQ(show["events"].size(), 4u);
  EXPECT_EQ(show["events"][2]["action"], "interview");
  EXPECT_EQ(show["events"][2]["voided"], true);
  const Json& v = show["events"][3];
  EXPECT_EQ(v["action"], "void");
  EXPECT_EQ(v["voids"], 3);
  EXPECT_EQ(v["reason"], "recorded twice");
  EXPECT_EQ(v["actor"], kActor);
}

TEST_F(VoidTest, VoidingATransitionReturnsToThePreviousStep) {
  Void(3, "wrong interview");
  const Json j = Void(2, "not positioned yet");
  EXPECT_EQ(j.value("step", ""), "referral");
  EXPECT_EQ(j.value("voided", 0), 2);
  const Json show = Show(w_);
  EXPECT_EQ(show.value("step", ""), "referral");
  // Voiding twice voided the event before the first voided one.
  std::vector<bool> voided;
  for (const auto& e : show["events"]) voided.push_back(e.value("voided", false));
  EXPECT_EQ(voided, (std::vector<bool>{false, true, true, false, false}));
  // The workflow follows the restored step.
  Refused(3, {"advance", w_, "place", "--field", "contract=cdi"}, {"not possible from Orientation (referral)"});
  EXPECT_EQ(Advance(w_, "position", "2026-09-15"), "positioning");
}

TEST_F(VoidTest, CaseloadDaysFollowTheEventsStillInEffect) {
  auto entry = [this] {
    const Json j = Ok({"caseload"});
    EXPECT_EQ(j["pathways"].size(), 1u) << j.dump();
    return j["pathways"].empty() ? Json::object() : j["pathways"][0];
  };
  // Positioned 2026-09-08 (74 days before today), interviewed 2026-09-10 (72).
  EXPECT_EQ(entry()["days_in_step"], 74);
  EXPECT_EQ(entry()["days_since_last_event"], 72);
  Void(3, "wrong interview");
  EXPECT_EQ(entry()["days_since_last_event"], 74);
  Void(2, "not positioned yet");  // back in referral since the enrolment, 2026-09-01
  EXPECT_EQ(entry()["step"], "referral");
  EXPECT_EQ(entry()["days_in_step"], 81);
  EXPECT_EQ(entry()["days_since_last_event"], 81);
  const CliResult show = Run({"show", w_});
  EXPECT_TRUE(Contains(show.out, "Step: Orientation (referral) since 2026-09-01"));
}

TEST_F(VoidTest, DatesAreCheckedAgainstTheLatestEventStillInEffect) {
  Void(3, "wrong interview");
  Void(2, "not positioned yet");
  // The voided events of 2026-09-08 and 2026-09-10 no longer bound the date.
  EXPECT_EQ(Advance(w_, "position", "2026-09-02"), "positioning");
}

TEST_F(VoidTest, HistoryShowsBothTheEventAndItsVoid) {
  Void(3, "recorded on the wrong person");
  const CliResult history = Run({"history", w_});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_TRUE(Contains(history.out, "interview  mode=individual  [voided]"));
  EXPECT_TRUE(Contains(history.out, "void #3: recorded on the wrong person"));
  // show keeps only the events in effect and says where the rest is.
  const CliResult show = Run({"show", w_});
  EXPECT_FALSE(Contains(show.out, "interview"));
  EXPECT_FALSE(Contains(show.out, "void #3"));
  EXPECT_TRUE(Contains(show.out, "2 in effect; `parcours history " + w_ + "` shows all"));
}

TEST_F(VoidTest, HumanOutputSaysWhatWasVoidedAndTheStep) {
  const CliResult r = Run({"void", w_, "--seq", "3", "--reason", "duplicate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, w_ + " Awa Diallo: voided #3 (interview); step is Positionnement (positioning)"));
  EXPECT_TRUE(Contains(r.out, "Next: start_training, start_vae, place, exit"));
}

TEST_F(VoidTest, EnrolmentCannotBeVoided) {
  Void(3, "wrong interview");
  Void(2, "not positioned yet");
  Refused(3, {"void", w_, "--seq", "1", "--reason", "wrong person"},
          {"the enrolment of " + w_ + " cannot be voided",
           "use `parcours advance " + w_ + " exit` with --field reason=other."});
  EXPECT_EQ(Show(w_).value("step", ""), "referral");
}

TEST_F(VoidTest, ReasonIsRequired) {
  Refused(2, {"void", w_}, {"--reason is required"});
  Refused(3, {"void", w_, "--seq", "3", "--reason", "  "}, {"reason is empty", "non-empty text"});
}

TEST_F(VoidTest, UnknownPathwayIsNotFound) {
  Refused(4, {"void", "W-22222", "--reason", "x"}, {"no pathway W-22222", "parcours caseload"});
}

TEST_F(VoidTest, VoidingAnExitReopensThePathway) {
  ASSERT_EQ(Advance(w_, "exit", "2026-10-01", {"reason=moved"}), "exited");
  EXPECT_EQ(Ok({"caseload"})["pathways"].size(), 0u);
  const Json j = Void(4, "she did not move after all");
  EXPECT_EQ(j.value("step", ""), "positioning");
  EXPECT_EQ(Show(w_).value("status", ""), "active");
  const Json caseload = Ok({"caseload"});
  ASSERT_EQ(caseload["pathways"].size(), 1u);
  EXPECT_EQ(caseload["pathways"][0]["pathway"], w_);
  // Active again: no second enrolment.
  Refused(3, {"enroll", awa_, "insertion", "--field", "prescriber=ccas"}, {"already has an active pathway"});
}

TEST_F(VoidTest, VoidingAnExitIsRefusedWhenThePersonReEntered) {
  ASSERT_EQ(Advance(w_, "exit", "2026-10-01", {"reason=moved"}), "exited");
  const std::string again = Enroll(awa_, "2026-10-15");
  Refused(3, {"void", w_, "--seq", "4", "--reason", "mistake"},
          {"would reopen " + w_, "another active pathway", again, "Exit or void " + again + " first"});
}

TEST_F(VoidTest, VoidingAFollowUpKeepsThePathwayExited) {
  // The follow-up comes 6 months after the exit: another pathway, exited in May.
  const std::string w = Enroll(AddPerson("Léo Martin", "2000-10-01", "M"), "2026-03-02");
  Advance(w, "exit", "2026-05-20", {"reason=employment"});
  Record(w, "follow_up", "2026-11-20", {"employed=yes"});
  EXPECT_EQ(Ok({"void", w, "--seq", "3", "--reason", "wrong answer"}).value("step", ""), "exited");
  EXPECT_EQ(Show(w).value("status", ""), "exited");
}

// The regression of issue 6: a repeated command (up-arrow, Enter) cancelled a
// second event. A void names its event, and a voided event cannot be voided again.
TEST_F(VoidTest, RepeatingAVoidCancelsNothingMore) {
  Void(3, "recorded twice");
  Refused(3, {"void", w_, "--seq", "3", "--reason", "recorded twice"},
          {"#3 (interview on 2026-09-10) is no longer in effect: #4 voided it",
           "The latest event in effect is #2 (position on 2026-09-08)",
           "#4 (void of #3, interview) can be voided to bring back what it cancelled", "parcours history " + w_});
  EXPECT_EQ(Show(w_).value("step", ""), "positioning");
}

TEST_F(VoidTest, SeqIsRequiredAndTheRefusalSaysWhereToFindIt) {
  Refused(3, {"void", w_, "--reason", "typo"},
          {"say which event of " + w_ + " to void, with --seq", "The latest event in effect is #3 (interview on 2026-09-10)",
           "`parcours history " + w_ + "`"});
}

TEST_F(VoidTest, OnlyTheLatestEventInEffectCanBeVoided) {
  Refused(3, {"void", w_, "--seq", "2", "--reason", "typo"},
          {"#2 (position on 2026-09-08) is not the latest event in effect of " + w_,
           "The latest event in effect is #3 (interview on 2026-09-10)"});
  Refused(3, {"void", w_, "--seq", "7", "--reason", "typo"}, {w_ + " has no event #7 (its events are #1 to #3)"});
  Refused(2, {"void", w_, "--seq", "three", "--reason", "typo"}, {"--seq"});
}

TEST_F(VoidTest, AVoidCanBeVoided) {
  Void(3, "wrong interview");
  Void(2, "not positioned yet");
  // Only the latest void can be undone: an older one is refused.
  Refused(3, {"void", w_, "--seq", "4", "--reason", "typo"},
          {"#4 (void of #3, interview) is not the latest event in effect", "#5 (void of #2, position) can be voided"});
  const Json j = Void(5, "positioned after all");
  EXPECT_EQ(Pick(j, {"pathway", "step", "seq", "voided"}),
            (Json{{"pathway", w_}, {"step", "positioning"}, {"seq", 6}, {"voided", 5}}));
  const Json show = Show(w_);
  EXPECT_EQ(show.value("step", ""), "positioning");
  std::vector<bool> voided;
  for (const auto& e : show["events"]) voided.push_back(e.value("voided", false));
  EXPECT_EQ(voided, (std::vector<bool>{false, false, true, false, true, false}));
  // The state is replayed: positioned on 2026-09-08 again, the interview still voided.
  const Json entry = Ok({"caseload"})["pathways"][0];
  EXPECT_EQ(entry["days_in_step"], 74);
  EXPECT_EQ(entry["days_since_last_event"], 74);
  // Voiding the void of the void cancels the transition again.
  EXPECT_EQ(Void(6, "not positioned after all").value("step", ""), "referral");
  const CliResult history = Run({"history", w_});
  EXPECT_TRUE(Contains(history.out, "void #5: positioned after all  [voided]"));
}

// ---- assign --------------------------------------------------------------------

using AssignTest = VoidTest;

TEST_F(AssignTest, AssignHandsThePathwayToAnotherReferent) {
  const Json j = Ok({"assign", w_, "karim.petit"});
  EXPECT_EQ(Pick(j, {"pathway", "referent", "seq"}), (Json{{"pathway", w_}, {"referent", "karim.petit"}, {"seq", 4}}));
  const Json show = Show(w_);
  EXPECT_EQ(show.value("referent", ""), "karim.petit");
  EXPECT_EQ(show["events"][3]["action"], "assign");
  EXPECT_EQ(show["events"][3]["referent"], "karim.petit");
  EXPECT_EQ(show.value("step", ""), "positioning");

  EXPECT_EQ(Ok({"caseload", "--referent", kActor})["pathways"].size(), 0u);
  const Json karims = Ok({"caseload", "--referent", "karim.petit"});
  ASSERT_EQ(karims["pathways"].size(), 1u);
  EXPECT_EQ(karims["pathways"][0]["referent"], "karim.petit");
}

TEST_F(AssignTest, HumanOutputNamesBothReferents) {
  const CliResult r = Run({"assign", w_, "karim.petit"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, w_ + " Awa Diallo: referent is now karim.petit (was lea.moreau)"));
  const CliResult history = Run({"history", w_});
  EXPECT_TRUE(Contains(history.out, "assigned to karim.petit (was lea.moreau)"));
}

TEST_F(AssignTest, AssignIsAnEventThatCanBeVoided) {
  Ok({"assign", w_, "karim.petit"});
  const Json j = Void(4, "wrong colleague");
  EXPECT_EQ(j.value("voided", 0), 4);
  EXPECT_EQ(Show(w_).value("referent", ""), kActor);
  EXPECT_EQ(Ok({"caseload", "--referent", "karim.petit"})["pathways"].size(), 0u);
  EXPECT_EQ(Ok({"caseload", "--referent", kActor})["pathways"].size(), 1u);
}

TEST_F(AssignTest, AssigningTheCurrentReferentIsRefused) {
  Refused(3, {"assign", w_, kActor}, {"lea.moreau is already the referent of " + w_, "another referent"});
}

TEST_F(AssignTest, EmptyReferentIsRefused) {
  Refused(3, {"assign", w_, " "}, {"referent is empty", "non-empty text"});
}

TEST_F(AssignTest, UnknownPathwayIsNotFound) {
  Refused(4, {"assign", "W-22222", "karim.petit"}, {"no pathway W-22222"});
}

TEST_F(AssignTest, MissingNameIsAUsageError) {
  Refused(2, {"assign", w_}, {"NAME is required"});
}

}  // namespace
}  // namespace parcours::e2e
