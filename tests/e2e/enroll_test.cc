// parcours enroll: starting a pathway, its refusals, one active pathway per
// programme, re-entry after exit, referents, dates and age at enrolment.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

class EnrollTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    awa_ = AddPerson("Awa Diallo", "1991-04-02", "F");
  }
  std::string awa_;
};

TEST_F(EnrollTest, PrintsThePathwayAndItsFirstStep) {
  const Json j = Ok({"enroll", awa_, "insertion", "--date", "2026-09-01", "--field", "prescriber=france_travail"});
  ASSERT_TRUE(j.contains("pathway") && j.contains("step")) << j.dump();
  EXPECT_EQ(j.value("step", ""), "referral");
  const std::string w = j.value("pathway", "");
  ASSERT_EQ(w.size(), 7u) << w;
  EXPECT_EQ(w.substr(0, 2), "W-");
  EXPECT_EQ(w.find_first_of("01OIL", 2), std::string::npos) << w;  // no look-alikes

  const Json show = Show(w);
  EXPECT_EQ(show.value("person", ""), awa_);
  EXPECT_EQ(show.value("programme", ""), "insertion");
  EXPECT_EQ(show.value("version", 0), 1);
  EXPECT_EQ(show.value("status", ""), "active");
  ASSERT_EQ(show["events"].size(), 1u);
  const Json& e = show["events"][0];
  EXPECT_EQ(e["seq"], 1);
  EXPECT_EQ(e["action"], "enroll");
  EXPECT_EQ(e["from"], nullptr);
  EXPECT_EQ(e["to"], "referral");
  EXPECT_EQ(e["date"], "2026-09-01");
  EXPECT_EQ(e["actor"], kActor);
  EXPECT_EQ(e["fields"], (Json{{"prescriber", "france_travail"}}));
}

TEST_F(EnrollTest, HumanOutputSaysWhatToDoNext) {
  const CliResult r = Run({"enroll", awa_, "insertion", "--field", "prescriber=france_travail"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Awa Diallo enrolled in \"Parcours insertion\" (v1) as W-"));
  EXPECT_TRUE(Contains(r.out, "Step: Orientation (referral) · referent: lea.moreau"));
  EXPECT_TRUE(Contains(r.out, "Next: position, exit · milestones: interview"));
}

TEST_F(EnrollTest, DateDefaultsToTodayAndAcceptsYesterday) {
  const std::string w = Ok({"enroll", awa_, "insertion", "--field", "prescriber=ccas"}).value("pathway", "");
  EXPECT_EQ(Show(w)["events"][0]["date"], kToday);
  const std::string karim = AddPerson("Karim Benali", "1999-09-14", "M");
  const std::string w2 =
      Ok({"enroll", karim, "insertion", "--date", "yesterday", "--field", "prescriber=ccas"}).value("pathway", "");
  EXPECT_EQ(Show(w2)["events"][0]["date"], "2026-11-20");
  EXPECT_EQ(Show(w2).value("enrolled", ""), "2026-11-20");
}

TEST_F(EnrollTest, ReferentDefaultsToTheActorOrIsGiven) {
  const std::string w1 = Enroll(awa_);
  EXPECT_EQ(Show(w1).value("referent", ""), kActor);
  const std::string karim = AddPerson("Karim Benali", "1999-09-14", "M");
  const std::string w2 = Enroll(karim, "2026-09-01", "ccas", {"--referent", "karim.petit"});
  EXPECT_EQ(Show(w2).value("referent", ""), "karim.petit");
  EXPECT_EQ(Show(w2)["events"][0]["actor"], kActor);
  const Json caseload = Ok({"caseload", "--referent", "karim.petit"});
  ASSERT_EQ(caseload["pathways"].size(), 1u);
  EXPECT_EQ(caseload["pathways"][0]["pathway"], w2);
}

TEST_F(EnrollTest, UnknownPersonIsNotFound) {
  Refused(4, {"enroll", "P-22222", "insertion", "--field", "prescriber=ccas"},
          {"no person P-22222", "parcours person find"});
  Refused(4, {"enroll", "Awa", "insertion", "--field", "prescriber=ccas"}, {"no person \"Awa\""});
}

TEST_F(EnrollTest, UnknownProgrammeIsNotFoundAndNamesTheInstalledOnes) {
  Refused(4, {"enroll", awa_, "insertoin", "--field", "prescriber=ccas"},
          {"no programme \"insertoin\"", "Installed programmes: insertion"});
}

TEST_F(EnrollTest, PrescriberIsRequiredAndNamesTheAcceptedValues) {
  Refused(3, {"enroll", awa_, "insertion"},
          {"field \"prescriber\" is required", "france_travail, mission_locale, ccas, rsa_referent, siae, self, other"});
}

TEST_F(EnrollTest, BadPrescriberNamesTheAcceptedValues) {
  Refused(3, {"enroll", awa_, "insertion", "--field", "prescriber=pole_emploi"},
          {"\"pole_emploi\"", "france_travail, mission_locale, ccas, rsa_referent, siae, self, other"});
}

TEST_F(EnrollTest, UnknownEnrolmentFieldNamesTheAcceptedFields) {
  Refused(3, {"enroll", awa_, "insertion", "--field", "prescriber=ccas", "--field", "funder=fse"},
          {"unknown field \"funder\"", "Accepted fields: prescriber"});
}

TEST_F(EnrollTest, MalformedFieldIsAUsageError) {
  Refused(2, {"enroll", awa_, "insertion", "--field", "prescriber"}, {"--field \"prescriber\" is not KEY=VALUE"});
  Refused(2, {"enroll", awa_, "insertion", "--field", "prescriber=ccas", "--field", "prescriber=siae"},
          {"prescriber is given twice"});
}

TEST_F(EnrollTest, SecondActivePathwayIsRefused) {
  const std::string w = Enroll(awa_);
  Refused(3, {"enroll", awa_, "insertion", "--field", "prescriber=ccas"},
          {awa_ + " already has an active pathway in \"insertion\": " + w, "exit it before enrolling again"});
}

TEST_F(EnrollTest, ReEntryAfterExitIsAllowed) {
  const std::string first = Enroll(awa_, "2026-03-01");
  EXPECT_EQ(Advance(first, "exit", "2026-04-01", {"reason=dropout"}), "exited");
  const std::string second = Enroll(awa_, "2026-10-01", "self");
  EXPECT_NE(first, second);
  EXPECT_EQ(Show(first).value("status", ""), "exited");
  EXPECT_EQ(Show(second).value("status", ""), "active");
  const Json person = Ok({"person", "show", awa_});
  ASSERT_EQ(person["pathways"].size(), 2u);
  EXPECT_EQ(person["pathways"][0]["pathway"], first);
  EXPECT_EQ(person["pathways"][1]["pathway"], second);
  // Still only one active at a time.
  Refused(3, {"enroll", awa_, "insertion", "--field", "prescriber=ccas"}, {second});
}

// One active pathway per programme holds on the dated timeline too: a
// re-entry cannot start before the previous pathway ended.
TEST_F(EnrollTest, ReEntryCannotBeDatedBeforeThePreviousExit) {
  const std::string first = Enroll(awa_, "2026-09-01");
  Advance(first, "exit", "2026-10-01", {"reason=moved"});
  Refused(3, {"enroll", awa_, "insertion", "--date", "2026-08-01", "--field", "prescriber=ccas"},
          {"2026-08-01", first, "2026-10-01"});
  Refused(3, {"enroll", awa_, "insertion", "--date", "2026-09-15", "--field", "prescriber=ccas"},
          {"2026-09-15", first, "2026-10-01"});
  // On the exit day or later: fine.
  EXPECT_EQ(Ok({"enroll", awa_, "insertion", "--date", "2026-10-01", "--field", "prescriber=ccas"}).value("step", ""),
            "referral");
}

TEST_F(EnrollTest, DateInTheFutureIsRefused) {
  Refused(3, {"enroll", awa_, "insertion", "--date", "2026-11-22", "--field", "prescriber=ccas"},
          {"2026-11-22 is in the future", "today (2026-11-21) or an earlier date"});
}

TEST_F(EnrollTest, BadDateNamesTheAcceptedForms) {
  for (const std::string bad : {"21/11/2026", "2026-02-29", "tomorrow", "2026-11"}) {
    Refused(3, {"enroll", awa_, "insertion", "--date", bad, "--field", "prescriber=ccas"},
            {"\"" + bad + "\" is not valid", "YYYY-MM-DD, today or yesterday"});
  }
}

TEST_F(EnrollTest, AgeAtEnrolmentMustBe14To100) {
  // 14 today (2026-11-21), 13 on the enrolment date.
  const std::string young = AddPerson("Jeune Pousse", "2012-06-01", "M");
  Refused(3, {"enroll", young, "insertion", "--date", "2026-05-31", "--field", "prescriber=mission_locale"},
          {young + " would be 13 on 2026-05-31", "between 14 and 100 years old"});
  EXPECT_EQ(Ok({"enroll", young, "insertion", "--date", "2026-06-01", "--field", "prescriber=mission_locale"})
                .value("step", ""),
            "referral");
}

TEST_F(EnrollTest, MissingArgumentsAreUsageErrors) {
  Refused(2, {"enroll"}, {"PERSON is required"});
  Refused(2, {"enroll", awa_}, {"PROGRAMME is required"});
}

}  // namespace
}  // namespace parcours::e2e
