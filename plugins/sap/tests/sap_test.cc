// The sap plugin, through sap.so as the engine loads it: the certification
// catalogue, the history guards, the placement log, the bundled workflow and
// the resultats report, and both end to end on a real store over two periods.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plugin_testing.h"

namespace parcours::plugin_testing {
namespace {

class SapTest : public PluginTest {
 protected:
  void SetUp() override { Load(SAP_PLUGIN_FILE); }

  // A job seeker referred by a CCAS and positioned at a rencontre métiers.
  static ContextBuilder Positioned() {
    ContextBuilder c("sap");
    c.Person("F", 29, {{"education", "3"}})
        .Enrol("2026-01-05", {{"prescriber", "ccas"}, {"public", "job_seeker"}, {"target_job", "social_care"}})
        .Then("position", "transition", "positioning", "2026-01-20", {{"format", "rencontre_metiers"}, {"session", "2026-01-20"}});
    return c;
  }

  // An employee of an associative employer, referred by the employer.
  static ContextBuilder Employee() {
    ContextBuilder c("sap");
    c.Person("F", 47).Enrol("2026-01-05",
                            {{"prescriber", "employer"}, {"public", "sector_employee"}, {"target_job", "social_care"}});
    return c;
  }

  Status Guard(const std::string& name, const Json& ctx) { return registry_->RunGuard(name, ctx); }
};

// ---- what it provides -----------------------------------------------------------

TEST_F(SapTest, ProvidesItsHooksWorkflowAndReport) {
  const PluginInfo* p = registry_->Find("sap");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->field_types, std::vector<std::string>{"sap.certification"});
  EXPECT_EQ(p->guards, (std::vector<std::string>{"sap.not_already_certified", "sap.vae_jury_decided"}));
  EXPECT_EQ(p->after_commit, std::vector<std::string>{"sap.log_placement"});
  EXPECT_TRUE(p->before_commit.empty());
  EXPECT_EQ(p->workflows, std::vector<std::string>{"sap.cellule"});
  EXPECT_EQ(p->reports, std::vector<std::string>{"sap.resultats"});
}

TEST_F(SapTest, SelfCheckPasses) {
  Status s = registry_->SelfCheck("sap");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// ---- the certification field type ----------------------------------------------------

TEST_F(SapTest, CertificationAcceptsTheWaysCounsellorsWriteIt) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"advf", "advf"},
      {"ADVF", "advf"},
      {"TP ADVF", "advf"},
      {"tp-advf", "advf"},
      {"Assistante de vie aux familles", "advf"},
      {"DEAES", "deaes"},
      {"DE AES", "deaes"},
      {"de-aes", "deaes"},
      {"Diplôme d'État d'accompagnant éducatif et social", "deaes"},
      {"DIPLÔME D'ÉTAT D'ACCOMPAGNANT ÉDUCATIF ET SOCIAL", "deaes"},
      {"  deavs ", "deavs"},
      {"Auxiliaire de vie sociale", "deavs"},
      {"MC aide à domicile", "mcad"},
      {"cap_aepe", "cap_aepe"},
      {"CAP AEPE", "cap_aepe"},
      {"Aide-soignante", "deas"},
      {"rcsad", "rcsad"},
      {"Responsable coordonnateur services au domicile", "rcsad"},
  };
  for (const auto& [raw, id] : cases) {
    auto r = registry_->ParseField("sap.certification", raw);
    ASSERT_TRUE(r.ok()) << raw << ": " << r.status().ToString();
    EXPECT_EQ(*r, Json(id)) << raw;
  }
}

TEST_F(SapTest, CertificationRefusesWhatIsNotInTheCatalogue) {
  for (const char* raw : {"BEP", "", "   ", "advf2", "aide", "DEAES DEAVS", "CAP"}) {
    auto r = registry_->ParseField("sap.certification", raw);
    ASSERT_FALSE(r.ok()) << raw;
    EXPECT_TRUE(r.status().IsRefused());
    EXPECT_NE(r.status().message().find("advf (ADVF), deaes (DEAES)"), std::string::npos) << r.status().message();
  }
  EXPECT_NE(registry_->FieldTypeAllowed("sap.certification").find("a home-care certification: advf (ADVF)"),
            std::string::npos);
}

// ---- guard: no training or VAE towards a title already obtained ---------------------

TEST_F(SapTest, NoNewTrainingTowardsATitleObtainedByTraining) {
  ContextBuilder c = Positioned();
  c.Then("start_training", "transition", "training", "2026-02-02",
         {{"provider", "GRETA"}, {"certification", "deaes"}, {"session", "2026-02-02"}})
      .Then("training_completed", "milestone", "", "2026-09-30", {{"result", "full"}});
  Status s = Guard("sap.not_already_certified",
                   c.Action("start_vae", "transition", "vae", "2026-10-05", {{"certification", "deaes"}, {"employer", "ADMR"}}));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("already obtained the DEAES in this pathway (training_completed on 2026-09-30)"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(Guard("sap.not_already_certified",
                    c.Action("start_vae", "transition", "vae", "2026-10-05", {{"certification", "rcsad"}, {"employer", "ADMR"}}))
                  .ok());
}

TEST_F(SapTest, NoNewTrainingTowardsATitleObtainedByVae) {
  ContextBuilder c = Employee();
  c.Then("start_vae", "transition", "vae", "2026-01-10", {{"certification", "advf"}, {"employer", "ADMR"}})
      .Then("vae_decided", "milestone", "", "2026-05-12", {{"result", "full"}});
  EXPECT_TRUE(Guard("sap.not_already_certified",
                    c.Action("start_training", "transition", "training", "2026-06-01",
                             {{"provider", "IRFA"}, {"certification", "advf"}, {"session", "2026-06-01"}}))
                  .IsRefused());
}

TEST_F(SapTest, PartialOrFailedResultsAllowAnotherTryAtTheSameTitle) {
  for (const char* result : {"partial", "none", "interrupted"}) {
    ContextBuilder c = Employee();
    c.Then("start_vae", "transition", "vae", "2026-01-10", {{"certification", "deaes"}, {"employer", "ADMR"}})
        .Then("vae_decided", "milestone", "", "2026-05-12", {{"result", result}});
    EXPECT_TRUE(Guard("sap.not_already_certified",
                      c.Action("start_training", "transition", "training", "2026-06-01",
                               {{"provider", "IRFA"}, {"certification", "deaes"}, {"session", "2026-06-01"}}))
                    .ok())
        << result;
  }
}

TEST_F(SapTest, AResultGrantsTheTitleOfTheLatestStart) {
  ContextBuilder c = Employee();
  c.Then("start_vae", "transition", "vae", "2026-01-10", {{"certification", "deaes"}, {"employer", "ADMR"}})
      .Then("vae_decided", "milestone", "", "2026-03-12", {{"result", "partial"}})
      .Then("start_training", "transition", "training", "2026-04-01",
            {{"provider", "IRFA"}, {"certification", "advf"}, {"session", "2026-04-01"}})
      .Then("training_completed", "milestone", "", "2026-07-01", {{"result", "full"}});
  EXPECT_TRUE(Guard("sap.not_already_certified",
                    c.Action("start_vae", "transition", "vae", "2026-08-01", {{"certification", "deaes"}, {"employer", "ADMR"}}))
                  .ok());
  EXPECT_FALSE(Guard("sap.not_already_certified",
                     c.Action("start_vae", "transition", "vae", "2026-08-01", {{"certification", "advf"}, {"employer", "ADMR"}}))
                   .ok());
}

TEST_F(SapTest, NotAlreadyCertifiedIgnoresActionsWithoutCertification) {
  EXPECT_TRUE(Guard("sap.not_already_certified", Positioned().Action("exit", "transition", "exited", "2026-03-01",
                                                                     {{"reason", "moved"}}))
                  .ok());
  EXPECT_TRUE(Guard("sap.not_already_certified", Json(nullptr)).ok());
}

// ---- guard: complementary training after the VAE jury -------------------------------

TEST_F(SapTest, TrainingAfterVaeWaitsForTheJury) {
  ContextBuilder c = Employee();
  c.Then("start_vae", "transition", "vae", "2026-01-10", {{"certification", "deaes"}, {"employer", "ADMR"}});
  const Json train = {{"provider", "IRFA"}, {"certification", "deaes"}, {"session", "2026-06-01"}};
  Status s = Guard("sap.vae_jury_decided", c.Action("start_training", "transition", "training", "2026-06-01", train));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("the VAE jury has not decided yet"), std::string::npos) << s.message();
  c.Then("vae_decided", "milestone", "", "2026-05-12", {{"result", "partial"}});
  EXPECT_TRUE(Guard("sap.vae_jury_decided", c.Action("start_training", "transition", "training", "2026-06-01", train)).ok());
}

TEST_F(SapTest, ADecisionOfAnEarlierVaeDoesNotCount) {
  ContextBuilder c = Employee();
  c.Then("start_vae", "transition", "vae", "2026-01-10", {{"certification", "advf"}, {"employer", "ADMR"}})
      .Then("vae_decided", "milestone", "", "2026-03-12", {{"result", "full"}})
      .Then("start_training", "transition", "training", "2026-04-01",
            {{"provider", "IRFA"}, {"certification", "deas"}, {"session", "2026-04-01"}})
      .Then("start_vae", "transition", "vae", "2026-05-01", {{"certification", "deaes"}, {"employer", "ADMR"}});
  EXPECT_FALSE(Guard("sap.vae_jury_decided",
                     c.Action("start_training", "transition", "training", "2026-06-01",
                              {{"provider", "IRFA"}, {"certification", "deaes"}, {"session", "2026-06-01"}}))
                   .ok());
}

TEST_F(SapTest, TrainingFromElsewhereNeedsNoJury) {
  EXPECT_TRUE(Guard("sap.vae_jury_decided",
                    Positioned().Action("start_training", "transition", "training", "2026-02-01",
                                        {{"provider", "GRETA"}, {"certification", "advf"}, {"session", "2026-02-01"}}))
                  .ok());
}

// ---- after commit: the placement log ------------------------------------------------------

TEST_F(SapTest, LogsPlacementsWithoutPersonalData) {
  const Json event = {{"pathway", "P-7Q2K9"}, {"seq", 5}, {"kind", "transition"}, {"action", "place"},
                      {"from", "training"}, {"to", "employed"}, {"date", "2026-05-04"}, {"recorded", "2026-05-04T10:00:00Z"},
                      {"actor", "cip1"}, {"programme", "sap"}, {"data", Json::object()},
                      {"fields", {{"employer", "Aide à domicile 68"}, {"employer_type", "association"}, {"job", "home_help"},
                                  {"contract", "cdd"}, {"months", 9}}}};
  Status s = registry_->RunAfterCommit("sap.log_placement", event);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(LogText().find("placement P-7Q2K9 on 2026-05-04: Aide à domicile 68 (association), cdd 9 months"),
            std::string::npos)
      << LogText();
  EXPECT_TRUE(registry_->RunAfterCommit("sap.log_placement", Json::object()).ok());
}

// ---- the bundled workflow ---------------------------------------------------------------

class SapWorkflowTest : public SapTest {
 protected:
  void SetUp() override {
    SapTest::SetUp();
    wf_ = BundledWorkflow("sap.cellule");
  }
  Workflow wf_;
};

TEST_F(SapWorkflowTest, LoadsWithItsPlugin) {
  EXPECT_EQ(wf_.id, "sap");
  const Transition* train = wf_.find_transition("start_training");
  ASSERT_NE(train, nullptr);
  bool typed = false;
  for (const auto& f : train->fields) typed |= f.id == "certification" && f.plugin_type == "sap.certification";
  EXPECT_TRUE(typed);
  EXPECT_EQ(wf_.find_transition("place")->rules.notify, std::vector<std::string>{"sap.log_placement"});
}

TEST_F(SapWorkflowTest, JobSeekersArePositionedBeforeTraining) {
  const Json train = {{"provider", "GRETA"}, {"certification", "advf"}, {"session", "2026-01-12"}};
  ContextBuilder seeker("sap");
  seeker.Enrol("2026-01-05", {{"prescriber", "ccas"}, {"public", "job_seeker"}, {"target_job", "home_help"}});
  Status s = CheckGuards(wf_, *registry_, seeker.Action("start_training", "transition", "training", "2026-01-12", train));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("attend a positioning session (rencontre métiers) before training"), std::string::npos)
      << s.message();
  EXPECT_TRUE(CheckGuards(wf_, *registry_, Employee().Action("start_training", "transition", "training", "2026-01-12", train)).ok());
  EXPECT_TRUE(CheckGuards(wf_, *registry_, Positioned().Action("start_training", "transition", "training", "2026-01-25",
                                                              {{"provider", "GRETA"}, {"certification", "advf"}, {"session", "2026-01-25"}}))
                  .ok());
}

TEST_F(SapWorkflowTest, TrainingJoinsASessionThatStartedRecentlyOrStartsSoon) {
  auto join = [&](const char* session) {
    return CheckGuards(wf_, *registry_, Positioned().Action("start_training", "transition", "training", "2026-03-01",
                                                           {{"provider", "GRETA"}, {"certification", "advf"}, {"session", session}}));
  };
  EXPECT_TRUE(join("2026-03-01").ok());
  EXPECT_TRUE(join("2025-11-29").ok());   // 92 days before
  EXPECT_FALSE(join("2025-11-28").ok());  // 93 days before
  EXPECT_TRUE(join("2026-04-01").ok());   // 31 days after
  EXPECT_FALSE(join("2026-04-02").ok());
}

TEST_F(SapWorkflowTest, SectorEmployeesAreReferredByTheirEmployer) {
  ContextBuilder c("sap");
  auto enrol = [&](const char* prescriber, const char* public_) {
    return CheckGuards(wf_, *registry_,
                       c.Enrolment("2026-01-05", {{"prescriber", prescriber}, {"public", public_}, {"target_job", "coordinator"}}));
  };
  EXPECT_TRUE(enrol("employer", "sector_employee").ok());
  EXPECT_TRUE(enrol("other", "sector_employee").ok());
  EXPECT_NE(enrol("ccas", "sector_employee").message().find("referred by their associative employer"), std::string::npos);
  EXPECT_TRUE(enrol("ccas", "job_seeker").ok());
  EXPECT_TRUE(enrol("ai", "ai_employee").ok());
}

TEST_F(SapWorkflowTest, FollowUpComesSixMonthsAfterTheExit) {
  ContextBuilder c = Positioned();
  c.Then("exit", "transition", "exited", "2026-02-10", {{"reason", "moved"}});
  EXPECT_FALSE(CheckGuards(wf_, *registry_, c.Action("follow_up", "milestone", "", "2026-08-09", {{"employed", "no"}})).ok());
  EXPECT_TRUE(CheckGuards(wf_, *registry_, c.Action("follow_up", "milestone", "", "2026-08-10", {{"employed", "no"}})).ok());
}

// ---- the bundled report ------------------------------------------------------------------

TEST_F(SapTest, ResultatsReportParsesWithTheSeedsThreeResultsFirst) {
  const ReportDefinition def = BundledReport("sap.resultats");
  ASSERT_GE(def.indicators.size(), 3u);
  EXPECT_EQ(def.indicators[0].id, "candidates_oriented");
  EXPECT_EQ(def.indicators[1].id, "persons_trained");
  EXPECT_EQ(def.indicators[2].id, "new_actions");
  EXPECT_EQ(def.indicators[2].kind, IndicatorKind::kDistinct);
  EXPECT_EQ(def.indicators[2].distinct, (std::vector<std::string>{"provider", "certification", "session"}));
  EXPECT_TRUE(def.compare_previous);
  // Every certification of the catalogue is listed in the per-certification figures.
  for (const char* id : {"advf", "deaes", "deavs", "mcad", "cap_aepe", "deas", "rcsad"}) {
    const auto& listed = def.find("trained_by_certification")->listed;
    EXPECT_NE(std::find(listed.begin(), listed.end(), id), listed.end()) << id;
    EXPECT_TRUE(registry_->ParseField("sap.certification", id).ok()) << id;
  }
}

TEST_F(SapTest, CandidatesOrientedAreReferralsOfJobSeekersAndAiEmployees) {
  const ReportDefinition def = BundledReport("sap.resultats");
  auto holds = [&](const Json& vars) { return *def.find("candidates_oriented")->when->Test(vars); };
  EXPECT_TRUE(holds({{"kind", "enroll"}, {"action", "enroll"}, {"public", "job_seeker"}}));
  EXPECT_TRUE(holds({{"kind", "enroll"}, {"action", "enroll"}, {"public", "ai_employee"}}));
  EXPECT_FALSE(holds({{"kind", "enroll"}, {"action", "enroll"}, {"public", "sector_employee"}}));
  EXPECT_FALSE(holds({{"kind", "transition"}, {"action", "position"}, {"entry", {{"fields", {{"public", "job_seeker"}}}}}}));
}

// ---- end to end, two periods -----------------------------------------------------------------

TEST_F(SapTest, ResultatsCompareAPeriodWithThePreviousOne) {
  EngineHarness h(*registry_, clock_);
  ASSERT_TRUE(h.ready());
  Status installed = h.Install(*registry_->WorkflowYaml("sap.cellule"), "sap.cellule");
  ASSERT_TRUE(installed.ok()) << installed.ToString();
  auto person = [&](const char* name) { return h.AddPerson(name, "F", "1988-04-02", {{"education", "3"}}); };
  auto seeker = [](const char* prescriber) {
    return RawFields{{"prescriber", prescriber}, {"public", "job_seeker"}, {"target_job", "home_help"}};
  };
  const RawFields greta_advf_april = {{"provider", "GRETA Sud Alsace"}, {"certification", "TP ADVF"}, {"session", "2026-04-15"}};
  const RawFields irfa_deaes_may = {{"provider", "IRFA"}, {"certification", "DEAES"}, {"session", "2026-05-02"}};

  // Previous period (2026-01-01 to 2026-03-31): two candidates, one training action.
  const std::string alice = h.MustEnroll(person("Alice"), "sap", "2026-01-10", seeker("ccas"));
  h.MustAdvance(alice, "position", "2026-01-20", {{"format", "rencontre_metiers"}, {"session", "2026-01-20"}});
  h.MustAdvance(alice, "start_training", "2026-02-01",
                {{"provider", "GRETA Sud Alsace"}, {"certification", "advf"}, {"session", "2026-02-01"}});
  const std::string bruno =
      h.MustEnroll(person("Bruno"), "sap", "2026-02-05", {{"prescriber", "ai"}, {"public", "ai_employee"}, {"target_job", "home_help"}});
  h.MustAdvance(bruno, "position", "2026-02-10", {{"format", "individual"}});

  // This period (2026-04-01 to 2026-06-29): three candidates, an employee, two actions.
  const std::string chloe = h.MustEnroll(person("Chloé"), "sap", "2026-04-02", seeker("city_employment"));
  auto early = h.Advance(chloe, "start_training", "2026-04-03", greta_advf_april);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.status().message().find("positioning session"), std::string::npos) << early.status().ToString();
  h.MustAdvance(chloe, "position", "2026-04-10", {{"format", "rencontre_metiers"}, {"session", "2026-04-10"}, {"employers_present", "4"}});
  h.MustAdvance(chloe, "start_training", "2026-04-15", greta_advf_april);
  h.MustAdvance(bruno, "start_training", "2026-04-15", greta_advf_april);  // the same action
  const std::string dina = h.MustEnroll(person("Dina"), "sap", "2026-04-03", seeker("france_travail"));
  h.MustAdvance(dina, "position", "2026-04-10", {{"format", "rencontre_metiers"}, {"session", "2026-04-10"}});
  h.MustAdvance(dina, "start_training", "2026-05-02", irfa_deaes_may);
  const std::string elise = h.MustEnroll(person("Élise"), "sap", "2026-04-05",
                                         {{"prescriber", "employer"}, {"public", "sector_employee"}, {"target_job", "social_care"}});
  h.MustAdvance(elise, "start_vae", "2026-04-20", {{"certification", "deaes"}, {"employer", "ADMR Thur"}, {"collective", "yes"}});
  auto before_jury = h.Advance(elise, "start_training", "2026-05-20", irfa_deaes_may);
  EXPECT_FALSE(before_jury.ok());
  h.MustRecord(elise, "vae_decided", "2026-06-01", {{"result", "partial"}});
  h.MustAdvance(elise, "start_training", "2026-06-10", irfa_deaes_may);  // joins Dina's session: the same action
  h.MustRecord(alice, "training_completed", "2026-04-30", {{"result", "full"}});
  h.MustAdvance(alice, "place", "2026-05-15",
                {{"employer", "Aide à domicile 68"}, {"employer_type", "association"}, {"job", "home_help"}, {"contract", "cdi"}});
  h.MustRecord(alice, "barrier_support", "2026-05-20", {{"need", "mobility"}, {"response", "aide au permis"}});
  h.MustEnroll(person("Fanny"), "sap", "2026-06-01", seeker("rsa_referent"));
  h.io().run();  // after-commit actions
  EXPECT_NE(LogText().find("placement " + alice + " on 2026-05-15: Aide à domicile 68 (association), cdi"),
            std::string::npos)
      << LogText();

  auto report = h.Report("sap.resultats", "sap", "2026-04-01", "2026-06-29");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->compare_previous);
  EXPECT_EQ(report->previous_from, D("2026-01-01"));
  EXPECT_EQ(report->previous_to, D("2026-03-31"));
  const ReportFigures& now = report->totals;
  const ReportFigures& before = report->previous;
  // The fiche action's three expected results, each up on the previous period.
  EXPECT_EQ(Number(now, "candidates_oriented"), 3);  // Chloé, Dina, Fanny (not Élise, an employee)
  EXPECT_EQ(Number(before, "candidates_oriented"), 2);
  EXPECT_EQ(Number(now, "persons_trained"), 4);  // Chloé, Bruno, Dina, Élise
  EXPECT_EQ(Number(before, "persons_trained"), 1);
  EXPECT_EQ(Number(now, "new_actions"), 2);  // GRETA ADVF of 04-15, IRFA DEAES of 05-02
  EXPECT_EQ(Number(before, "new_actions"), 1);
  // The figures around them.
  EXPECT_EQ(ByValue(now, "oriented_by_prescriber", "france_travail"), 1);
  EXPECT_EQ(ByValue(now, "oriented_by_prescriber", "city_employment"), 1);
  EXPECT_EQ(Number(now, "employees_enrolled"), 1);
  EXPECT_EQ(Number(now, "positioned"), 2);
  EXPECT_EQ(Number(now, "positioning_sessions"), 1);
  EXPECT_EQ(ByValue(now, "trained_by_certification", "advf"), 2);
  EXPECT_EQ(ByValue(now, "trained_by_certification", "deaes"), 2);
  EXPECT_EQ(Number(now, "vae_started"), 1);
  EXPECT_EQ(Number(now, "vae_with_employer"), 1);
  EXPECT_EQ(Number(now, "certified"), 1);
  EXPECT_EQ(Number(now, "partially_certified"), 1);
  EXPECT_EQ(Number(now, "placed"), 1);
  EXPECT_EQ(Number(now, "placed_associative"), 1);
  EXPECT_EQ(Number(now, "placed_durable"), 1);
  EXPECT_EQ(ByValue(now, "barriers_addressed", "mobility"), 1);
  EXPECT_EQ(Number(now, "active_at_end"), 6);
  const Json json = report->ToJson();
  ASSERT_TRUE(json.contains("change")) << json.dump();
  EXPECT_NE(json["change"].dump().find("candidates_oriented"), std::string::npos) << json["change"].dump();
}

}  // namespace
}  // namespace parcours::plugin_testing
