// parcours advance | record: moving along the insertion workflow, every
// refusal of the workflow, of fields and of dates.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

// Awa Diallo enrolled on 2026-09-01 (pathway w_), referral step.
class PathwayTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    awa_ = AddPerson("Awa Diallo", "1991-04-02", "F");
    w_ = Enroll(awa_, "2026-09-01");
  }
  // w_ in positioning since 2026-09-08.
  void Position() { ASSERT_EQ(Advance(w_, "position", "2026-09-08"), "positioning"); }
  Args Adv(const std::string& transition, const Args& fields = {}) const {
    Args args = {"advance", w_, transition};
    for (const auto& f : fields) args.insert(args.end(), {"--field", f});
    return args;
  }
  Args Rec(const std::string& milestone, const Args& fields = {}) const {
    Args args = {"record", w_, milestone};
    for (const auto& f : fields) args.insert(args.end(), {"--field", f});
    return args;
  }
  std::string awa_, w_;
};

// ---- advance -------------------------------------------------------------------

TEST_F(PathwayTest, AdvancePrintsPathwayStepAndSeq) {
  const Json j = Ok({"advance", w_, "position", "--date", "2026-09-08"});
  EXPECT_EQ(Pick(j, {"pathway", "step", "seq"}), (Json{{"pathway", w_}, {"step", "positioning"}, {"seq", 2}}));
  const Json e = Show(w_)["events"][1];
  EXPECT_EQ(e["action"], "position");
  EXPECT_EQ(e["from"], "referral");
  EXPECT_EQ(e["to"], "positioning");
  EXPECT_EQ(e["date"], "2026-09-08");
  EXPECT_EQ(e["actor"], kActor);
  EXPECT_EQ(e["fields"], Json::object());
}

TEST_F(PathwayTest, AdvanceHumanOutputShowsLabelsAndNextMoves) {
  const CliResult r = Run({"advance", w_, "position", "--date", "2026-09-08"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, w_ + " Awa Diallo: Orientation -> Positionnement (positioning), 2026-09-08"));
  EXPECT_TRUE(Contains(r.out, "Next: start_training, start_vae, place, exit · milestones: interview"));
}

TEST_F(PathwayTest, TransitionNotPossibleFromTheStepListsTheAllowedOnes) {
  Refused(3, Adv("start_vae", {"certification=DEAES"}),
          {"\"start_vae\" is not possible from Orientation (referral)", "From here you can: position, exit"});
  Refused(3, Adv("place", {"contract=cdi"}), {"\"place\" is not possible", "position, exit"});
}

TEST_F(PathwayTest, UnknownTransitionListsTheAllowedOnes) {
  Refused(3, Adv("positon"), {"has no transition \"positon\"", "From here you can: position, exit"});
}

TEST_F(PathwayTest, MilestoneGivenToAdvanceHintsRecord) {
  Refused(3, Adv("interview", {"mode=phone"}),
          {"no transition \"interview\"", "\"interview\" is a milestone: use `parcours record " + w_ + " interview`"});
}

TEST_F(PathwayTest, StartTrainingNeedsAProviderAndAPositiveWholeNumberOfHours) {
  Position();
  Refused(3, Adv("start_training"), {"field \"provider\" is required for transition \"start_training\"", "text"});
  Refused(3, Adv("start_training", {"provider=GRETA", "hours=0"}), {"\"hours\"", "\"0\"", "at least 1"});
  Refused(3, Adv("start_training", {"provider=GRETA", "hours=twelve"}), {"\"hours\"", "\"twelve\"", "whole number"});
  Refused(3, Adv("start_training", {"provider=   "}), {"\"provider\""});
  const Json j = Ok({"advance", w_, "start_training", "--date", "2026-09-20", "--field", "provider=GRETA",
                     "--field", "hours=420", "--field", "certification=DEAES"});
  EXPECT_EQ(j.value("step", ""), "training");
  EXPECT_EQ(Show(w_)["events"][2]["fields"],
            (Json{{"provider", "GRETA"}, {"hours", 420}, {"certification", "DEAES"}}));
}

TEST_F(PathwayTest, StartVaeNeedsACertification) {
  Position();
  Refused(3, Adv("start_vae"), {"field \"certification\" is required for transition \"start_vae\""});
  EXPECT_EQ(Advance(w_, "start_vae", "2026-10-01", {"certification=Titre professionnel ADVF"}), "vae");
  EXPECT_EQ(Show(w_)["events"][2]["fields"]["certification"], "Titre professionnel ADVF");
}

TEST_F(PathwayTest, PlaceNeedsAContractFromTheList) {
  Position();
  Refused(3, Adv("place"), {"field \"contract\" is required", "cdi, cdd, interim, contrat_aide, creation"});
  Refused(3, Adv("place", {"contract=alternance"}), {"\"alternance\"", "cdi, cdd, interim, contrat_aide, creation"});
}

TEST_F(PathwayTest, MonthsAreRequiredForFixedTermContracts) {
  Position();
  for (const std::string contract : {"cdd", "interim", "contrat_aide"}) {
    Refused(3, Adv("place", {"contract=" + contract}),
            {"field \"months\" is required when contract is cdd, interim or contrat_aide", "from 1 to 60"});
  }
  Refused(3, Adv("place", {"contract=cdd", "months=0"}), {"\"months\"", "\"0\" is out of range", "from 1 to 60"});
  Refused(3, Adv("place", {"contract=cdd", "months=61"}), {"\"61\" is out of range", "from 1 to 60"});
  Refused(3, Adv("place", {"contract=cdd", "months=six"}), {"\"six\"", "from 1 to 60"});
  EXPECT_EQ(Advance(w_, "place", "2026-10-01", {"contract=cdd", "months=6"}), "placement");
  EXPECT_EQ(Show(w_)["events"][2]["fields"], (Json{{"contract", "cdd"}, {"months", 6}}));
}

TEST_F(PathwayTest, MonthsAreNotRequiredForCdi) {
  Position();
  EXPECT_EQ(Advance(w_, "place", "2026-10-01", {"contract=cdi"}), "placement");
  EXPECT_EQ(Show(w_)["events"][2]["fields"], (Json{{"contract", "cdi"}}));
}

TEST_F(PathwayTest, MonthsAreNotRequiredForCreation) {
  Position();
  EXPECT_EQ(Advance(w_, "place", "2026-10-01", {"contract=creation"}), "placement");
}

TEST_F(PathwayTest, UnknownTransitionFieldNamesTheAcceptedFields) {
  Position();
  Refused(3, Adv("place", {"contract=cdi", "salary=2000"}),
          {"unknown field \"salary\" for transition \"place\"", "Accepted fields: contract, months"});
  Refused(3, Adv("exit", {"reason=moved", "note=x"}), {"unknown field \"note\"", "Accepted fields: reason"});
}

TEST_F(PathwayTest, ExitNeedsAReasonFromTheList) {
  Refused(3, Adv("exit"), {"field \"reason\" is required", "employment, training, dropout, moved, refused, other"});
  Refused(3, Adv("exit", {"reason=bored"}), {"\"bored\"", "employment, training, dropout, moved, refused, other"});
  EXPECT_EQ(Advance(w_, "exit", "2026-09-02", {"reason=refused"}), "exited");
  EXPECT_EQ(Show(w_).value("status", ""), "exited");
}

TEST_F(PathwayTest, ExitIsPossibleFromEveryNonFinalStep) {
  const std::vector<std::pair<std::string, Args>> path = {
      {"position", {}}, {"start_training", {"provider=GRETA"}}, {"start_vae", {"certification=DEAES"}},
      {"place", {"contract=cdi"}}};
  // Each step, reached on a fresh re-entry, can be left by exit (one event a day from 2026-10-10).
  int day = 10;
  auto next_date = [&day] { return "2026-10-" + std::to_string(day++); };
  std::string w = w_;
  for (std::size_t reach = 0; reach <= path.size(); ++reach) {
    for (std::size_t i = 0; i < reach; ++i) Advance(w, path[i].first, next_date(), path[i].second);
    EXPECT_EQ(Advance(w, "exit", next_date(), {"reason=other"}), "exited") << "after " << reach << " moves";
    if (reach < path.size()) w = Enroll(awa_, next_date());
  }
}

TEST_F(PathwayTest, NothingIsPossibleAfterExitButFollowUp) {
  ASSERT_EQ(Advance(w_, "exit", "2026-09-02", {"reason=moved"}), "exited");
  Refused(3, Adv("position"), {"not possible from Sortie (exited): the pathway has exited",
                               "No transition is possible from Sortie (exited)", "follow_up"});
  Refused(3, Adv("exit", {"reason=moved"}), {"the pathway has exited"});
}

TEST_F(PathwayTest, DateBeforeThePreviousEventIsRefused) {
  Position();  // 2026-09-08
  Refused(3, {"advance", w_, "start_vae", "--date", "2026-09-07", "--field", "certification=DEAES"},
          {"2026-09-07 is before the pathway's latest event (2026-09-08)", "Use 2026-09-08 or a later date"});
  Refused(3, {"record", w_, "interview", "--date", "2026-09-01", "--field", "mode=phone"},
          {"before the pathway's latest event (2026-09-08)"});
  // The same day is fine.
  EXPECT_EQ(Advance(w_, "start_vae", "2026-09-08", {"certification=DEAES"}), "vae");
}

TEST_F(PathwayTest, DateBeforeEnrolmentIsRefused) {
  Refused(3, {"advance", w_, "position", "--date", "2026-08-31"}, {"before the pathway's latest event (2026-09-01)"});
}

TEST_F(PathwayTest, DateInTheFutureIsRefused) {
  Refused(3, {"advance", w_, "position", "--date", "2026-11-22"},
          {"2026-11-22 is in the future", "today (2026-11-21) or an earlier date"});
  Refused(3, {"record", w_, "interview", "--date", "2027-01-01", "--field", "mode=phone"}, {"in the future"});
}

TEST_F(PathwayTest, BadDateIsRefused) {
  Refused(3, {"advance", w_, "position", "--date", "08/09/2026"},
          {"\"08/09/2026\" is not valid", "YYYY-MM-DD, today or yesterday"});
}

TEST_F(PathwayTest, DateAcceptsTodayAndYesterday) {
  EXPECT_EQ(Ok({"advance", w_, "position", "--date", "yesterday"}).value("seq", 0), 2);
  EXPECT_EQ(Ok({"record", w_, "interview", "--date", "today", "--field", "mode=video"}).value("seq", 0), 3);
  const Json events = Show(w_)["events"];
  EXPECT_EQ(events[1]["date"], "2026-11-20");
  EXPECT_EQ(events[2]["date"], "2026-11-21");
  // Without --date: today.
  Ok({"advance", w_, "start_vae", "--field", "certification=DEAES"});
  EXPECT_EQ(Show(w_)["events"][3]["date"], kToday);
}

TEST_F(PathwayTest, UnknownPathwayIsNotFound) {
  Refused(4, {"advance", "W-22222", "position"}, {"no pathway W-22222", "parcours caseload"});
  Refused(4, {"advance", "bogus", "position"}, {"no pathway \"bogus\"", "W-"});
  Refused(4, {"record", "W-22222", "interview", "--field", "mode=phone"}, {"no pathway W-22222"});
}

TEST_F(PathwayTest, PathwayIdsAreCaseInsensitive) {
  std::string lower = w_;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(Ok({"advance", lower, "position", "--date", "2026-09-08"}).value("pathway", ""), w_);
}

TEST_F(PathwayTest, AdvanceMissingTransitionIsAUsageError) {
  Refused(2, {"advance", w_}, {"TRANSITION is required"});
}

// ---- record --------------------------------------------------------------------

TEST_F(PathwayTest, RecordPrintsTheMilestoneAndKeepsTheStep) {
  Position();
  const Json j = Ok({"record", w_, "interview", "--date", "2026-09-10", "--field", "mode=individual", "--field",
                     "minutes=45"});
  EXPECT_EQ(Pick(j, {"pathway", "milestone", "step", "seq"}),
            (Json{{"pathway", w_}, {"milestone", "interview"}, {"step", "positioning"}, {"seq", 3}}));
  const Json e = Show(w_)["events"][2];
  EXPECT_EQ(e["action"], "interview");
  EXPECT_EQ(e["from"], "positioning");
  EXPECT_EQ(e["to"], "positioning");
  EXPECT_EQ(e["fields"], (Json{{"mode", "individual"}, {"minutes", 45}}));

  const CliResult human = Run({"record", w_, "interview", "--field", "mode=group"});
  EXPECT_TRUE(Contains(human.out, w_ + " Awa Diallo: recorded interview (mode=group), 2026-11-21"));
}

TEST_F(PathwayTest, MilestoneNotAllowedInTheStepSaysWhereItIs) {
  Position();
  Refused(3, Rec("training_completed", {"certified=yes"}),
          {"\"training_completed\" cannot be recorded in Positionnement (positioning)",
           "recorded in: Formation (training)", "From here you can: start_training, start_vae, place, exit"});
  Refused(3, Rec("vae_decided", {"result=full"}), {"cannot be recorded in", "VAE (vae)"});
  Refused(3, Rec("follow_up", {"employed=yes"}), {"cannot be recorded in", "Sortie (exited)"});
}

TEST_F(PathwayTest, UnknownMilestoneListsWhatIsPossible) {
  Refused(3, Rec("meeting"), {"has no milestone \"meeting\"", "Milestones you can record here: interview"});
}

TEST_F(PathwayTest, TransitionGivenToRecordHintsAdvance) {
  Refused(3, Rec("position"), {"no milestone \"position\"", "\"position\" is a transition: use `parcours advance " +
                                                                w_ + " position`"});
}

TEST_F(PathwayTest, InterviewInEveryNonFinalStepButNotAfterExit) {
  const std::vector<std::pair<std::string, Args>> moves = {
      {"position", {}}, {"start_training", {"provider=GRETA"}}, {"start_vae", {"certification=DEAES"}},
      {"place", {"contract=cdi"}}};
  Record(w_, "interview", "2026-09-02", {"mode=individual"});  // referral
  int day = 3;
  for (const auto& [transition, fields] : moves) {
    const std::string date = "2026-09-0" + std::to_string(day++);
    const std::string step = Advance(w_, transition, date, fields);
    const Json r = Record(w_, "interview", date, {"mode=phone"});
    EXPECT_EQ(r.value("step", ""), step) << "interview in " << step;
  }
  ASSERT_EQ(Advance(w_, "exit", "2026-09-09", {"reason=employment"}), "exited");
  Refused(3, Rec("interview", {"mode=phone"}), {"\"interview\" cannot be recorded in Sortie (exited)",
                                                "Milestones you can record here: follow_up"});
  EXPECT_EQ(Show(w_)["events"].size(), 11u);
}

TEST_F(PathwayTest, InterviewFieldsAreValidated) {
  Refused(3, Rec("interview"), {"field \"mode\" is required", "individual, group, phone, video"});
  Refused(3, Rec("interview", {"mode=email"}), {"\"email\"", "individual, group, phone, video"});
  Refused(3, Rec("interview", {"mode=phone", "minutes=4"}), {"\"4\" is out of range", "from 5 to 480"});
  Refused(3, Rec("interview", {"mode=phone", "minutes=481"}), {"\"481\" is out of range", "from 5 to 480"});
  Refused(3, Rec("interview", {"mode=phone", "topic=cv"}), {"unknown field \"topic\"", "mode, minutes"});
}

TEST_F(PathwayTest, TrainingCompletedNeedsYesOrNo) {
  Position();
  Advance(w_, "start_training", "2026-09-20", {"provider=GRETA"});
  Refused(3, Rec("training_completed"), {"field \"certified\" is required", "yes or no"});
  Refused(3, Rec("training_completed", {"certified=oui"}), {"\"oui\"", "yes or no"});
  EXPECT_EQ(Record(w_, "training_completed", "2026-11-10", {"certified=yes"}).value("step", ""), "training");
}

TEST_F(PathwayTest, VaeDecidedNeedsAResult) {
  Position();
  Advance(w_, "start_vae", "2026-10-01", {"certification=DEAES"});
  Refused(3, Rec("vae_decided"), {"field \"result\" is required", "full, partial, none"});
  Refused(3, Rec("vae_decided", {"result=half"}), {"\"half\"", "full, partial, none"});
  EXPECT_EQ(Record(w_, "vae_decided", "2026-10-15", {"result=partial"}).value("step", ""), "vae");
}

TEST_F(PathwayTest, FollowUpIsRecordedAfterExit) {
  Position();
  Advance(w_, "place", "2026-09-10", {"contract=cdi"});
  Refused(3, Rec("follow_up", {"employed=yes"}), {"cannot be recorded in Emploi (placement)"});
  Advance(w_, "exit", "2026-09-30", {"reason=employment"});
  Refused(3, Rec("follow_up"), {"field \"employed\" is required", "yes or no"});
  // Today (2026-11-21) is under 6 months after the exit.
  Refused(3, Rec("follow_up", {"employed=yes"}),
          {"the 6-month follow-up is recorded 6 whole months or more after the exit",
           "from the same day of the month, 6 months after the exit date"});
}

TEST_F(PathwayTest, FollowUpIsRecordedFromSixWholeMonthsAfterExit) {
  const std::string w = Enroll(AddPerson("Léo Martin", "2000-10-01", "M"), "2026-03-02");
  Advance(w, "exit", "2026-05-20", {"reason=employment"});
  Refused(3, {"record", w, "follow_up", "--date", "2026-11-19", "--field", "employed=yes"},
          {"6 whole months or more after the exit"});
  const Json j = Record(w, "follow_up", "2026-11-20", {"employed=yes"});
  EXPECT_EQ(j.value("step", ""), "exited");
  EXPECT_EQ(Show(w)["events"].back()["fields"], (Json{{"employed", "yes"}}));
}

}  // namespace
}  // namespace parcours::e2e
