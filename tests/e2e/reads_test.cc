// parcours show | history | caseload: what a counsellor reads back.
#include <set>

#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

// Every key of `required` is in `object`; the failure lists what is missing.
::testing::AssertionResult HasKeys(const Json& object, const std::set<std::string>& required) {
  std::string missing;
  for (const auto& k : required)
    if (!object.contains(k)) missing += " " + k;
  if (missing.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing keys:" << missing << " in " << object.dump();
}

using ShowTest = InsertionTest;

TEST_F(ShowTest, ShowJsonHasTheKeysOfTheContract) {
  const std::string awa = AddPerson("Awa Diallo");
  const std::string w = Enroll(awa, "2026-09-01", "ccas");
  Advance(w, "position", "2026-09-08");
  Record(w, "interview", "2026-09-10", {"mode=individual", "minutes=45"});

  const Json j = Show(w);
  EXPECT_TRUE(HasKeys(j, {"pathway", "person", "programme", "version", "step", "status", "events"}));
  EXPECT_EQ(j["pathway"], w);
  EXPECT_EQ(j["person"], awa);
  EXPECT_EQ(j["programme"], "insertion");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["step"], "positioning");
  EXPECT_EQ(j["status"], "active");
  ASSERT_EQ(j["events"].size(), 3u);
  for (const auto& e : j["events"]) {
    EXPECT_TRUE(HasKeys(e, {"seq", "action", "from", "to", "date", "actor", "fields"}));
  }
  EXPECT_EQ(j["events"][2]["seq"], 3);
  EXPECT_EQ(j["events"][2]["action"], "interview");
  EXPECT_EQ(j["events"][2]["from"], "positioning");
  EXPECT_EQ(j["events"][2]["to"], "positioning");
  EXPECT_EQ(j["events"][2]["date"], "2026-09-10");
  EXPECT_EQ(j["events"][2]["actor"], kActor);
  EXPECT_EQ(j["events"][2]["fields"], (Json{{"mode", "individual"}, {"minutes", 45}}));
}

TEST_F(ShowTest, ExitedStatus) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  Advance(w, "exit", "2026-09-02", {"reason=dropout"});
  const Json j = Show(w);
  EXPECT_EQ(j["status"], "exited");
  EXPECT_EQ(j["step"], "exited");
}

TEST_F(ShowTest, ActorIsRecordedOnEveryEvent) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  const CliResult r = RunCli({"--json", "--data", store(), "--actor", "karim.petit", "advance", w, "position"},
                             {{"PARCOURS_TODAY", kToday}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Show(w);
  EXPECT_EQ(j["events"][0]["actor"], kActor);
  EXPECT_EQ(j["events"][1]["actor"], "karim.petit");
}

TEST_F(ShowTest, HistoryJsonIsTheSameObjectAsShow) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  Advance(w, "position", "2026-09-08");
  Ok({"void", w, "--seq", "2", "--reason", "too early"});
  EXPECT_EQ(Ok({"history", w}), Show(w));
}

TEST_F(ShowTest, HumanShowAndHistory) {
  const std::string awa = AddPerson("Awa Diallo");
  const std::string w = Enroll(awa, "2026-09-01", "ccas");
  Advance(w, "position", "2026-09-08");
  const CliResult show = Run({"show", w});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_TRUE(Contains(show.out, w + " Awa Diallo (" + awa + ") · \"Parcours insertion\" v1"));
  EXPECT_TRUE(Contains(show.out, "Step: Positionnement (positioning) since 2026-09-08 · active · referent: lea.moreau"));
  EXPECT_TRUE(Contains(show.out, "2026-09-01  #1   enrolled in Orientation (referral)  prescriber=ccas"));
  EXPECT_TRUE(Contains(show.out, "2026-09-08  #2   position: Orientation (referral) -> Positionnement (positioning)"));
  const CliResult history = Run({"history", w});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_TRUE(Contains(history.out, "DATE        SEQ  EVENT"));
  EXPECT_TRUE(Contains(history.out, "#2   position"));
}

TEST_F(ShowTest, UnknownPathwayIsNotFound) {
  Refused(4, {"show", "W-22222"}, {"no pathway W-22222", "parcours caseload"});
  Refused(4, {"history", "W-22222"}, {"no pathway W-22222", "parcours caseload"});
  Refused(4, {"show", "P-22222"}, {"no pathway \"P-22222\"", "W-"});
}

// ---- caseload --------------------------------------------------------------------

// Today is 2026-11-21.
//   Awa   (lea.moreau)   enrolled 09-01, positioning since 10-01, interview 11-01
//   Karim (karim.petit)  enrolled 09-15, positioning 09-20, training since 10-01
//   Inès  (lea.moreau)   enrolled 10-01, exited 11-02: not in any caseload
//   Zoé   (lea.moreau)   enrolled today
class CaseloadTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    const Ids ids = SharedDataSet("caseload", [this] {
      const std::string awa = Enroll(AddPerson("Awa Diallo"), "2026-09-01");
      Advance(awa, "position", "2026-10-01");
      Record(awa, "interview", "2026-11-01", {"mode=phone"});
      const std::string karim = Enroll(AddPerson("Karim Benali", "1999-09-14", "M"), "2026-09-15", "mission_locale",
                                       {"--referent", "karim.petit"});
      Advance(karim, "position", "2026-09-20");
      Advance(karim, "start_training", "2026-10-01", {"provider=AFPA"});
      const std::string ines = Enroll(AddPerson("Inès Lefèvre", "1970-01-30"), "2026-10-01", "ccas");
      Advance(ines, "exit", "2026-11-02", {"reason=moved"});
      const std::string zoe = Enroll(AddPerson("Zoé Petit", "2004-02-10"), kToday, "self");
      return Ids{{"awa", awa}, {"karim", karim}, {"ines", ines}, {"zoe", zoe}};
    });
    awa_ = ids.at("awa");
    karim_ = ids.at("karim");
    ines_ = ids.at("ines");
    zoe_ = ids.at("zoe");
  }
  std::vector<std::string> Pathways(const Args& filters) const {
    Args args = {"caseload"};
    args.insert(args.end(), filters.begin(), filters.end());
    const Json caseload = Ok(args);
    std::vector<std::string> ids;
    for (const auto& p : caseload["pathways"]) ids.push_back(p["pathway"]);
    return ids;
  }
  std::string awa_, karim_, ines_, zoe_;
};

TEST_F(CaseloadTest, ListsActivePathwaysLongestWithoutContactFirst) {
  const Json j = Ok({"caseload", "--all"});
  ASSERT_EQ(j["pathways"].size(), 3u) << j.dump();
  const Json& karim = j["pathways"][0];
  EXPECT_TRUE(HasKeys(karim, {"pathway", "person", "programme", "step", "referent", "days_in_step",
                              "days_since_last_event"}));
  EXPECT_EQ(karim["pathway"], karim_);
  EXPECT_EQ(karim["programme"], "insertion");
  EXPECT_EQ(karim["step"], "training");
  EXPECT_EQ(karim["referent"], "karim.petit");
  EXPECT_EQ(karim["days_in_step"], 51);
  EXPECT_EQ(karim["days_since_last_event"], 51);

  const Json& awa = j["pathways"][1];
  EXPECT_EQ(awa["pathway"], awa_);
  EXPECT_EQ(awa["step"], "positioning");
  EXPECT_EQ(awa["referent"], kActor);
  EXPECT_EQ(awa["days_in_step"], 51);
  EXPECT_EQ(awa["days_since_last_event"], 20);

  const Json& zoe = j["pathways"][2];
  EXPECT_EQ(zoe["pathway"], zoe_);
  EXPECT_EQ(zoe["days_in_step"], 0);
  EXPECT_EQ(zoe["days_since_last_event"], 0);
}

TEST_F(CaseloadTest, DaysFollowToday) {
  const Json j = Ok({"caseload", "--referent", kActor}, {{"PARCOURS_TODAY", "2026-12-21"}});
  ASSERT_EQ(j["pathways"].size(), 2u);
  EXPECT_EQ(j["pathways"][0]["pathway"], awa_);
  EXPECT_EQ(j["pathways"][0]["days_in_step"], 81);
  EXPECT_EQ(j["pathways"][0]["days_since_last_event"], 50);
  EXPECT_EQ(j["pathways"][1]["days_since_last_event"], 30);
}

TEST_F(CaseloadTest, PersonIsThePersonId) {
  const Json j = Ok({"caseload", "--step", "positioning"});
  ASSERT_EQ(j["pathways"].size(), 1u);
  EXPECT_EQ(j["pathways"][0]["person"], Show(awa_)["person"]);
}

// Issue 6: the caseload is the actor's own by default; --all for everyone's.
TEST_F(CaseloadTest, DefaultsToTheActorsOwnPathways) {
  EXPECT_EQ(Pathways({}), (std::vector<std::string>{awa_, zoe_}));
  const CliResult r = RunCli({"--json", "--data", store(), "--actor", "karim.petit", "caseload"},
                             {{"PARCOURS_TODAY", kToday}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json karims = Json::parse(r.out);
  ASSERT_EQ(karims["pathways"].size(), 1u);
  EXPECT_EQ(karims["pathways"][0]["pathway"], karim_);
  EXPECT_EQ(Pathways({"--all"}), (std::vector<std::string>{karim_, awa_, zoe_}));
  Refused(3, {"caseload", "--all", "--referent", "karim.petit"},
          {"--all and --referent \"karim.petit\" contradict each other", "--all for everyone's"});
}

TEST_F(CaseloadTest, Filters) {
  EXPECT_EQ(Pathways({"--all", "--programme", "insertion"}), (std::vector<std::string>{karim_, awa_, zoe_}));
  EXPECT_EQ(Pathways({"--programme", "insertion"}), (std::vector<std::string>{awa_, zoe_}));
  EXPECT_EQ(Pathways({"--all", "--step", "training"}), std::vector<std::string>{karim_});
  EXPECT_EQ(Pathways({"--step", "training"}), std::vector<std::string>{});
  EXPECT_EQ(Pathways({"--referent", "karim.petit"}), std::vector<std::string>{karim_});
  EXPECT_EQ(Pathways({"--referent", kActor}), (std::vector<std::string>{awa_, zoe_}));
  EXPECT_EQ(Pathways({"--referent", kActor, "--step", "referral"}), std::vector<std::string>{zoe_});
  EXPECT_EQ(Pathways({"--programme", "insertion", "--step", "positioning", "--referent", kActor}),
            std::vector<std::string>{awa_});
  EXPECT_EQ(Pathways({"--step", "exited"}), std::vector<std::string>{});
  EXPECT_EQ(Pathways({"--referent", "nobody"}), std::vector<std::string>{});
}

TEST_F(CaseloadTest, HumanTableFlagsWhoHasNotBeenSeenForAMonth) {
  const CliResult r = Run({"caseload", "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The programme and the person id tell apart two pathways of one name.
  const std::string karim = Show(karim_)["person"], awa = Show(awa_)["person"];
  EXPECT_TRUE(Contains(r.out, "PATHWAY  PROGRAMME  PERSON   NAME          STEP         IN STEP  LAST SEEN  REFERENT"));
  EXPECT_TRUE(Contains(r.out, karim_ + "  insertion  " + karim +
                                  "  Karim Benali  training         51d        51d  karim.petit   <- not seen for a month"));
  EXPECT_TRUE(Contains(r.out, awa_ + "  insertion  " + awa + "  Awa Diallo    positioning      51d        20d  lea.moreau\n"));
  EXPECT_FALSE(Contains(r.out, "Inès"));
  const CliResult none = Run({"caseload", "--referent", "nobody"});
  EXPECT_TRUE(Contains(none.out, "No active pathway of nobody matches. `parcours caseload --all` lists everyone's."));
}

TEST_F(CaseloadTest, UnknownProgrammeIsNotFound) {
  Refused(4, {"caseload", "--programme", "insertoin"}, {"no programme \"insertoin\"", "Installed programmes: insertion"});
}

TEST_F(CaseloadTest, UnknownStepIsRefusedNamingTheSteps) {
  const CliResult r = Refused(3, {"caseload", "--programme", "insertion", "--step", "formation"},
                              {"no version of programme \"insertion\" has a step \"formation\"", "Steps: "});
  for (const std::string step : {"referral", "positioning", "training", "vae", "placement", "exited"}) {
    EXPECT_TRUE(Contains(r.err, step));
  }
}

// A mistyped step (here the French label) must not look like an empty caseload.
TEST_F(CaseloadTest, UnknownStepWithoutProgrammeIsRefusedToo) {
  Refused(3, {"caseload", "--step", "formation"}, {"\"formation\"", "referral", "positioning", "training"});
}

}  // namespace
}  // namespace parcours::e2e
