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
  Json Void(const std::string& reason) { return Ok({"void", w_, "--reason", reason}); }
  std::string awa_, w_;
};

TEST_F(VoidTest, VoidCancelsTheLatestEvent) {
  const Json j = Void("recorded twice");
  EXPECT_EQ(j, (Json{{"pathway", w_}, {"step", "positioning"}, {"seq", 4}, {"voided", 3}}));
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
  Void("wrong interview");
  const Json j = Void("not positioned yet");
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
  Void("wrong interview");
  EXPECT_EQ(entry()["days_since_last_event"], 74);
  Void("not positioned yet");  // back in referral since the enrolment, 2026-09-01
  EXPECT_EQ(entry()["step"], "referral");
  EXPECT_EQ(entry()["days_in_step"], 81);
  EXPECT_EQ(entry()["days_since_last_event"], 81);
  const CliResult show = Run({"show", w_});
  EXPECT_TRUE(Contains(show.out, "Step: Orientation (referral) since 2026-09-01"));
}

TEST_F(VoidTest, DatesAreCheckedAgainstTheLatestEventStillInEffect) {
  Void("wrong interview");
  Void("not positioned yet");
  // The voided events of 2026-09-08 and 2026-09-10 no longer bound the date.
  EXPECT_EQ(Advance(w_, "position", "2026-09-02"), "positioning");
}

TEST_F(VoidTest, HistoryShowsBothTheEventAndItsVoid) {
  Void("recorded on the wrong person");
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
  const CliResult r = Run({"void", w_, "--reason", "duplicate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, w_ + " Awa Diallo: voided #3 (interview); step is Positionnement (positioning)"));
  EXPECT_TRUE(Contains(r.out, "Next: start_training, start_vae, place, exit"));
}

TEST_F(VoidTest, EnrolmentCannotBeVoided) {
  Void("wrong interview");
  Void("not positioned yet");
  Refused(3, {"void", w_, "--reason", "wrong person"},
          {"the enrolment of " + w_ + " cannot be voided", "advance " + w_ + " exit --field reason=other"});
  EXPECT_EQ(Show(w_).value("step", ""), "referral");
}

TEST_F(VoidTest, ReasonIsRequired) {
  Refused(2, {"void", w_}, {"--reason is required"});
  Refused(3, {"void", w_, "--reason", "  "}, {"reason is empty", "non-empty text"});
}

TEST_F(VoidTest, UnknownPathwayIsNotFound) {
  Refused(4, {"void", "W-22222", "--reason", "x"}, {"no pathway W-22222", "parcours caseload"});
}

TEST_F(VoidTest, VoidingAnExitReopensThePathway) {
  ASSERT_EQ(Advance(w_, "exit", "2026-10-01", {"reason=moved"}), "exited");
  EXPECT_EQ(Ok({"caseload"})["pathways"].size(), 0u);
  const Json j = Void("she did not move after all");
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
  Refused(3, {"void", w_, "--reason", "mistake"},
          {"would reopen " + w_, "another active pathway", again, "Exit or void " + again + " first"});
}

TEST_F(VoidTest, VoidingAFollowUpKeepsThePathwayExited) {
  // The follow-up comes 6 months after the exit: another pathway, exited in May.
  const std::string w = Enroll(AddPerson("Léo Martin", "2000-10-01", "M"), "2026-03-02");
  Advance(w, "exit", "2026-05-20", {"reason=employment"});
  Record(w, "follow_up", "2026-11-20", {"employed=yes"});
  EXPECT_EQ(Ok({"void", w, "--reason", "wrong answer"}).value("step", ""), "exited");
  EXPECT_EQ(Show(w).value("status", ""), "exited");
}

// ---- assign --------------------------------------------------------------------

using AssignTest = VoidTest;

TEST_F(AssignTest, AssignHandsThePathwayToAnotherReferent) {
  const Json j = Ok({"assign", w_, "karim.petit"});
  EXPECT_EQ(j, (Json{{"pathway", w_}, {"referent", "karim.petit"}, {"seq", 4}}));
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
  const Json j = Void("wrong colleague");
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
