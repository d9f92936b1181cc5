// parcours note: dated notes in a pathway's history, never in reports.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

// Awa Diallo enrolled 2026-09-01, positioned 2026-09-08. Today is 2026-11-21.
class NoteTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    w_ = Enroll(AddPerson("Awa Diallo"), "2026-09-01");
    ASSERT_EQ(Advance(w_, "position", "2026-09-08"), "positioning");
  }
  Json Outcomes() {
    return Ok({"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to", "2026-12-31"});
  }
  std::string w_;
};

TEST_F(NoteTest, ANoteIsRecordedAndShownInTheHistory) {
  const CliResult r = Run({"note", w_, "Appelée, pas de réponse ; rappeler lundi."});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, w_ + " Awa Diallo: note #3 of 2026-11-21 recorded"));

  const Json j = Ok({"note", w_, "  Rendez-vous   pris  ", "--date", "2026-09-05"});  // before the latest event
  EXPECT_EQ(Pick(j, {"pathway", "seq", "action", "date", "text", "step"}),
            (Json{{"pathway", w_}, {"seq", 4}, {"action", "note"}, {"date", "2026-09-05"},
                  {"text", "Rendez-vous pris"}, {"step", "positioning"}}));

  const CliResult history = Run({"history", w_});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_TRUE(Contains(history.out, "note: Appelée, pas de réponse ; rappeler lundi."));
  EXPECT_TRUE(Contains(history.out, "note: Rendez-vous pris"));
  const Json show = Show(w_);
  ASSERT_EQ(show["events"].size(), 4u);
  EXPECT_EQ(show["events"][2]["kind"], "note");
  EXPECT_EQ(show["events"][2]["data"]["text"], "Appelée, pas de réponse ; rappeler lundi.");
  EXPECT_EQ(show["events"][2]["actor"], kActor);
  EXPECT_EQ(show.value("step_since", ""), "2026-09-08");
}

TEST_F(NoteTest, ANoteIsNotAContactAndNeverInReports) {
  const Json before = Outcomes();
  const Json caseload = Ok({"caseload"});
  Ok({"note", w_, "Left a message."});
  EXPECT_EQ(Outcomes(), before);
  EXPECT_EQ(Ok({"caseload"}), caseload);  // days since the last event unchanged
}

TEST_F(NoteTest, AnExitedPathwayTakesNotes) {
  Advance(w_, "exit", "2026-10-01", {"reason=moved"});
  EXPECT_EQ(Ok({"note", w_, "Moved to Lyon."}).value("status", ""), "exited");
}

TEST_F(NoteTest, RefusesBadInput) {
  Refused(3, {"note", w_, "   "}, {"note is empty"});
  Refused(3, {"note", w_, std::string(501, 'x')}, {"is too long", "at most 500 characters"});
  Refused(3, {"note", w_, "two\nlines"}, {"control character"});
  Refused(3, {"note", w_, "ok", "--date", "2026-11-22"}, {"date 2026-11-22 is in the future"});
  Refused(3, {"note", w_, "ok", "--date", "2026-08-31"},
          {"date 2026-08-31 is before the enrolment of " + w_ + " (2026-09-01)", "Use 2026-09-01 or a later date"});
  Refused(4, {"note", "W-ZZZZZ", "ok"}, {"no pathway W-ZZZZZ"});
  Refused(2, {"note", w_}, {"TEXT"});
}

}  // namespace
}  // namespace parcours::e2e
