// The peps plugin, through peps.so as the engine loads it: the ESAT and PMSMP
// guards, the bundled workflow's rules and exit categories (checked against
// iae.classify_exit), the resultats report, and end to end on a real store.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plugin_testing.h"

namespace parcours::plugin_testing {
namespace {

class PepsTest : public PluginTest {
 protected:
  void SetUp() override { Load(PEPS_PLUGIN_FILE); }

  static ContextBuilder Diagnosed(const std::string& track, const std::string& rqth = "no") {
    ContextBuilder c("peps");
    Json fields = {{"prescriber", track == "esat_worker" ? "esat" : "france_travail"}, {"track", track},
                   {"target_job", "waiter"}};
    if (track != "job_seeker") fields["structure"] = track == "esat_worker" ? "ESAT Saint-André" : "AI Défi";
    c.Person("M", 31, {{"rqth", rqth}}).Enrol("2026-03-02", fields).Then("diagnose", "transition", "diagnosis", "2026-03-09", {{"job", "waiter"}});
    return c;
  }

  static Json Immersion(const std::string& type, const std::string& employer, int days = 10) {
    return {{"immersion_type", type}, {"employer", employer}, {"sector", "restaurant"}, {"days", days}};
  }
};

// ---- what it provides ---------------------------------------------------------

TEST_F(PepsTest, ProvidesItsGuardsWorkflowAndReport) {
  const PluginInfo* p = registry_->Find("peps");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->guards, (std::vector<std::string>{"peps.esat_requires_rqth", "peps.pmsmp_renewal"}));
  EXPECT_EQ(p->workflows, std::vector<std::string>{"peps.plateforme"});
  EXPECT_EQ(p->reports, std::vector<std::string>{"peps.resultats"});
  EXPECT_TRUE(p->before_commit.empty());
  EXPECT_TRUE(p->field_types.empty());
}

TEST_F(PepsTest, SelfCheckPasses) {
  Status s = registry_->SelfCheck("peps");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// ---- guard: the ESAT track needs RQTH --------------------------------------------

Json EnrolEsat(const char* rqth) {
  ContextBuilder c("peps");
  Json attrs = Json::object();
  if (rqth) attrs["rqth"] = rqth;
  c.Person("F", 38, attrs);
  return c.Enrolment("2026-03-02", {{"prescriber", "esat"}, {"track", "esat_worker"}, {"structure", "ESAT Saint-André"},
                                    {"target_job", "kitchen_porter"}});
}

TEST_F(PepsTest, EsatTrackNeedsRqth) {
  EXPECT_TRUE(registry_->RunGuard("peps.esat_requires_rqth", EnrolEsat("yes")).ok());
  Status no = registry_->RunGuard("peps.esat_requires_rqth", EnrolEsat("no"));
  ASSERT_TRUE(no.IsRefused());
  EXPECT_NE(no.message().find("recognised disabled workers (RQTH); the person's rqth attribute is \"no\""),
            std::string::npos)
      << no.message();
  Status missing = registry_->RunGuard("peps.esat_requires_rqth", EnrolEsat(nullptr));
  EXPECT_NE(missing.message().find("rqth attribute is not recorded"), std::string::npos) << missing.message();
  // Issue 6: the advice is a command that exists (without the person's id in
  // the context, ID stands for it).
  EXPECT_NE(no.message().find("record it with `parcours person edit ID --attr rqth=yes --date DATE`"),
            std::string::npos)
      << no.message();
}

TEST_F(PepsTest, OtherTracksNeedNoRqth) {
  ContextBuilder c("peps");
  c.Person("M", 24, {{"rqth", "no"}});
  for (const char* track : {"job_seeker", "siae_employee"}) {
    EXPECT_TRUE(registry_->RunGuard("peps.esat_requires_rqth",
                                   c.Enrolment("2026-03-02", {{"prescriber", "ai"}, {"track", track}, {"target_job", "cook"}}))
                    .ok())
        << track;
  }
}

TEST_F(PepsTest, EsatGuardReadsTheEnrolmentTrackOnLaterActions) {
  EXPECT_FALSE(registry_->RunGuard("peps.esat_requires_rqth",
                                  Diagnosed("esat_worker", "no").Action("place", "transition", "employed", "2026-05-01"))
                   .ok());
  EXPECT_TRUE(registry_->RunGuard("peps.esat_requires_rqth",
                                 Diagnosed("esat_worker", "yes").Action("place", "transition", "employed", "2026-05-01"))
                  .ok());
}

// ---- guard: one PMSMP renewal per company -------------------------------------------

TEST_F(PepsTest, APmsmpWithOneCompanyIsRenewedOnceAtMost) {
  ContextBuilder c = Diagnosed("job_seeker");
  EXPECT_TRUE(registry_->RunGuard("peps.pmsmp_renewal",
                                 c.Action("start_immersion", "transition", "immersion", "2026-03-16", Immersion("pmsmp", "Hôtel du Lac")))
                  .ok());
  c.Then("start_immersion", "transition", "immersion", "2026-03-16", Immersion("pmsmp", "Hôtel du Lac"));
  EXPECT_TRUE(registry_->RunGuard("peps.pmsmp_renewal",
                                 c.Action("start_immersion", "transition", "immersion", "2026-04-01", Immersion("pmsmp", "Hôtel du Lac")))
                  .ok());
  c.Then("start_immersion", "transition", "immersion", "2026-04-01", Immersion("pmsmp", "Hôtel du Lac"));
  // The same company, however it is written.
  Status third = registry_->RunGuard(
      "peps.pmsmp_renewal", c.Action("start_immersion", "transition", "immersion", "2026-05-01", Immersion("pmsmp", "  HOTEL du lac ")));
  ASSERT_TRUE(third.IsRefused());
  EXPECT_NE(third.message().find("already hosted 2 PMSMP of this person (2026-03-16, 2026-04-01)"), std::string::npos)
      << third.message();
  // Another company, or another kind of immersion, is fine.
  EXPECT_TRUE(registry_->RunGuard("peps.pmsmp_renewal",
                                 c.Action("start_immersion", "transition", "immersion", "2026-05-01", Immersion("pmsmp", "Brasserie Kruger")))
                  .ok());
  EXPECT_TRUE(registry_->RunGuard("peps.pmsmp_renewal",
                                 c.Action("start_immersion", "transition", "immersion", "2026-05-01",
                                          Immersion("ai_provision", "Hôtel du Lac")))
                  .ok());
}

TEST_F(PepsTest, OnlyEarlierPmsmpCount) {
  ContextBuilder c = Diagnosed("siae_employee");
  c.Then("start_immersion", "transition", "immersion", "2026-03-16", Immersion("ai_provision", "Hôtel du Lac"))
      .Then("start_immersion", "transition", "immersion", "2026-04-16", Immersion("ai_provision", "Hôtel du Lac"))
      .Then("start_immersion", "transition", "immersion", "2026-05-16", Immersion("pmsmp", "Hôtel du Lac"));
  EXPECT_TRUE(registry_->RunGuard("peps.pmsmp_renewal",
                                 c.Action("start_immersion", "transition", "immersion", "2026-06-16", Immersion("pmsmp", "Hôtel du Lac")))
                  .ok());
  EXPECT_TRUE(registry_->RunGuard("peps.pmsmp_renewal", Json(nullptr)).ok());
}

// ---- the bundled workflow ------------------------------------------------------------

class PepsWorkflowTest : public PepsTest {
 protected:
  void SetUp() override {
    PepsTest::SetUp();
    wf_ = BundledWorkflow("peps.plateforme");
  }
  Status Immerse(const std::string& track, const Json& immersion) {
    return CheckGuards(wf_, *registry_,
                       Diagnosed(track, track == "esat_worker" ? "yes" : "no")
                           .Action("start_immersion", "transition", "immersion", "2026-03-16", immersion));
  }
  Workflow wf_;
};

TEST_F(PepsWorkflowTest, LoadsWithoutTheIaePlugin) {
  EXPECT_EQ(wf_.id, "peps");
  EXPECT_EQ(registry_->Find("iae"), nullptr);
  ASSERT_EQ(wf_.enrolment_rules.guards.size(), 2u);
  EXPECT_EQ(wf_.enrolment_rules.guards[0].plugin, "peps.esat_requires_rqth");
  ASSERT_EQ(wf_.find_transition("exit")->rules.derive.size(), 1u);
  EXPECT_EQ(wf_.find_transition("exit")->rules.derive[0].field, "exit_category");
}

TEST_F(PepsWorkflowTest, ImmersionKindsFollowTheTrack) {
  EXPECT_TRUE(Immerse("esat_worker", Immersion("esat_provision", "Restaurant Le Cerf", 60)).ok());
  EXPECT_NE(Immerse("job_seeker", Immersion("esat_provision", "Restaurant Le Cerf")).message().find("only an ESAT worker"),
            std::string::npos);
  EXPECT_TRUE(Immerse("siae_employee", Immersion("ai_provision", "Restaurant Le Cerf", 45)).ok());
  EXPECT_NE(Immerse("esat_worker", Immersion("ai_provision", "Restaurant Le Cerf")).message().find("association intermédiaire"),
            std::string::npos);
  EXPECT_TRUE(Immerse("esat_worker", Immersion("pmsmp", "Restaurant Le Cerf", 30)).ok());
}

TEST_F(PepsWorkflowTest, APmsmpLastsOneMonthAtMost) {
  EXPECT_TRUE(Immerse("job_seeker", Immersion("pmsmp", "Hôtel du Lac", 30)).ok());
  Status s = Immerse("job_seeker", Immersion("pmsmp", "Hôtel du Lac", 31));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("a PMSMP lasts one month at most"), std::string::npos) << s.message();
}

TEST_F(PepsWorkflowTest, EnrolmentChecksRqthAndTheEsatPrescriber) {
  ContextBuilder c("peps");
  c.Person("F", 38, {{"rqth", "yes"}});
  const Json esat = {{"prescriber", "esat"}, {"track", "esat_worker"}, {"structure", "ESAT Saint-André"}, {"target_job", "cook"}};
  EXPECT_TRUE(CheckGuards(wf_, *registry_, c.Enrolment("2026-03-02", esat)).ok());
  Json by_ft = esat;
  by_ft["prescriber"] = "france_travail";
  EXPECT_NE(CheckGuards(wf_, *registry_, c.Enrolment("2026-03-02", by_ft)).message().find("an ESAT worker is referred by the ESAT"),
            std::string::npos);
  EXPECT_TRUE(CheckGuards(wf_, *registry_, EnrolEsat("no")).IsRefused());
}

TEST_F(PepsWorkflowTest, FollowUpComesSixMonthsAfterTheExit) {
  ContextBuilder c = Diagnosed("job_seeker");
  c.Then("exit", "transition", "exited", "2026-04-30", {{"situation", "job_seeker"}});
  EXPECT_FALSE(CheckGuards(wf_, *registry_, c.Action("follow_up", "milestone", "", "2026-10-29", {{"employed", "no"}})).ok());
  EXPECT_TRUE(CheckGuards(wf_, *registry_, c.Action("follow_up", "milestone", "", "2026-10-30", {{"employed", "no"}})).ok());
}

// The platform's exit categories are the IAE ones: for every situation of its
// exit and every contract length, the workflow's derived exit_category is the
// one iae.classify_exit gives.
TEST_F(PepsWorkflowTest, ExitCategoriesAreTheIaeOnes) {
  Load(IAE_PLUGIN_FILE);
  const FieldSpec* situation = nullptr;
  for (const auto& f : wf_.find_transition("exit")->fields)
    if (f.id == "situation") situation = &f;
  ASSERT_NE(situation, nullptr);
  int compared = 0;
  for (const auto& value : situation->values) {
    std::vector<std::optional<int>> lengths = {std::nullopt};
    for (int m = 1; m <= 13; ++m) lengths.push_back(m);
    for (const auto& months : lengths) {
      Json fields = {{"situation", value.id}};
      if (months) fields["months"] = *months;
      const Json ctx = Diagnosed("siae_employee").Action("exit", "transition", "exited", "2026-06-01", fields);
      auto derived = Derive(wf_, *registry_, ctx);
      auto iae = registry_->RunBeforeCommit("iae.classify_exit", ctx);
      ASSERT_TRUE(derived.ok()) << derived.status().ToString();
      ASSERT_TRUE(iae.ok()) << iae.status().ToString();
      EXPECT_EQ((*derived)["exit_category"], (*iae)["exit_category"]) << fields.dump();
      ++compared;
    }
  }
  EXPECT_EQ(compared, 14 * 14);
}

// ---- the bundled report ----------------------------------------------------------------

TEST_F(PepsTest, ResultatsReportParses) {
  const ReportDefinition def = BundledReport("peps.resultats");
  for (const char* id : {"hired", "durable_exits", "durable_rate", "hired_in_target_job", "job_match_rate", "esat_in_company",
                         "esat_hired", "durable_exits_siae"})
    EXPECT_NE(def.find(id), nullptr) << id;
  EXPECT_EQ(def.find("job_match_rate")->numerator, "hired_in_target_job");
  EXPECT_TRUE(def.compare_previous);
  auto holds = [&](const char* id, const Json& vars) { return *def.find(id)->when->Test(vars); };
  const Json entry = {{"fields", {{"track", "esat_worker"}, {"target_job", "waiter"}}}};
  EXPECT_TRUE(holds("hired_in_target_job", {{"action", "place"}, {"job", "waiter"}, {"entry", entry}}));
  EXPECT_FALSE(holds("hired_in_target_job", {{"action", "place"}, {"job", "cook"}, {"entry", entry}}));
  EXPECT_TRUE(holds("esat_hired", {{"action", "place"}, {"job", "cook"}, {"entry", entry}}));
}

// ---- end to end ----------------------------------------------------------------------------

TEST_F(PepsTest, PlatformPathwaysGiveTheResults) {
  Load(IAE_PLUGIN_FILE);  // for iae.sorties at the end; the workflow does not need it
  EngineHarness h(*registry_, clock_);
  ASSERT_TRUE(h.ready());
  Status installed = h.Install(*registry_->WorkflowYaml("peps.plateforme"), "peps.plateforme");
  ASSERT_TRUE(installed.ok()) << installed.ToString();

  // The ESAT track is refused without RQTH, and nothing is written.
  const std::string no_rqth = h.AddPerson("Gilles", "M", "1984-07-01", {{"rqth", "no"}});
  const RawFields esat = {{"prescriber", "esat"}, {"track", "esat_worker"}, {"structure", "ESAT Saint-André"},
                          {"target_job", "kitchen_porter"}};
  auto refused = h.Enroll(no_rqth, "peps", "2026-03-02", esat);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("RQTH"), std::string::npos) << refused.status().ToString();
  auto none = h.engine().PathwaysOfPerson(no_rqth);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // An ESAT worker moving to ordinary work.
  const std::string hugo = h.MustEnroll(h.AddPerson("Hugo", "M", "1990-02-01", {{"rqth", "yes"}}), "peps", "2026-03-02", esat);
  h.MustAdvance(hugo, "diagnose", "2026-03-09", {{"job", "kitchen_porter"}});
  h.MustAdvance(hugo, "start_immersion", "2026-03-16",
                {{"immersion_type", "esat_provision"}, {"employer", "Hôtel du Lac"}, {"sector", "hotel"}, {"days", "60"}});
  h.MustAdvance(hugo, "place", "2026-05-18",
                {{"employer", "Hôtel du Lac"}, {"sector", "hotel"}, {"job", "kitchen_porter"}, {"contract", "cdi"}});
  h.MustAdvance(hugo, "exit", "2026-06-30", {{"situation", "cdi"}, {"in_chrd", "yes"}});

  // An AI employee hired as a waiter on a seasonal contract.
  const RawFields ai = {{"prescriber", "ai"}, {"track", "siae_employee"}, {"structure", "AI Défi"}, {"target_job", "waiter"}};
  const std::string ines = h.MustEnroll(h.AddPerson("Inès", "F", "1999-09-09"), "peps", "2026-03-03", ai);
  h.MustAdvance(ines, "diagnose", "2026-03-10", {{"job", "waiter"}});
  h.MustRecord(ines, "employer_meeting", "2026-03-20", {{"employer", "Brasserie Kruger"}, {"outcome", "job_offer"}});
  h.MustAdvance(ines, "place", "2026-04-01",
                {{"employer", "Brasserie Kruger"}, {"sector", "restaurant"}, {"job", "waiter"}, {"contract", "cdd"}, {"months", "4"}});
  h.MustAdvance(ines, "exit", "2026-06-15", {{"situation", "cdd"}, {"months", "4"}, {"in_chrd", "yes"}});

  // A job seeker who trains, and one who leaves.
  const RawFields seeker = {{"prescriber", "france_travail"}, {"track", "job_seeker"}, {"target_job", "cook"}};
  const std::string jade = h.MustEnroll(h.AddPerson("Jade", "F", "2001-01-15"), "peps", "2026-04-01", seeker);
  h.MustAdvance(jade, "diagnose", "2026-04-08", {{"job", "cook"}});
  h.MustAdvance(jade, "start_training", "2026-05-04", {{"provider", "AFPA Mulhouse"}, {"certification_type", "titre_pro"}});
  const std::string karl = h.MustEnroll(h.AddPerson("Karl", "M", "1975-05-05"), "peps", "2026-04-02", seeker);
  h.MustAdvance(karl, "exit", "2026-05-02", {{"situation", "moved"}});

  auto view = h.engine().GetPathway(hugo);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->events.back().fields.value("exit_category", ""), "durable");

  auto report = h.Report("peps.resultats", "peps", "2026-03-01", "2026-06-30");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ReportFigures& t = report->totals;
  EXPECT_EQ(Number(t, "referred"), 4);
  EXPECT_EQ(ByValue(t, "referred_by_track", "esat_worker"), 1);
  EXPECT_EQ(Number(t, "hired"), 2);
  EXPECT_EQ(ByValue(t, "hired_by_sector", "hotel"), 1);
  EXPECT_EQ(Number(t, "hired_durable"), 1);
  EXPECT_EQ(Number(t, "exits"), 3);
  EXPECT_EQ(Number(t, "durable_exits"), 1);
  EXPECT_EQ(Number(t, "dynamic_exits"), 2);
  EXPECT_EQ(Number(t, "durable_rate"), 333);  // 33.3 %
  EXPECT_EQ(Number(t, "dynamic_rate"), 667);
  EXPECT_EQ(ByValue(t, "exits_by_category", "transition"), 1);
  EXPECT_EQ(Number(t, "durable_exits_siae"), 0);
  EXPECT_EQ(Number(t, "employer_meetings"), 1);
  EXPECT_EQ(Number(t, "immersions"), 1);
  EXPECT_EQ(Number(t, "trained"), 1);
  EXPECT_EQ(Number(t, "hired_in_target_job"), 2);
  EXPECT_EQ(Number(t, "job_match_rate"), 1000);
  EXPECT_EQ(Number(t, "esat_workers"), 1);
  EXPECT_EQ(Number(t, "esat_in_company"), 1);
  EXPECT_EQ(Number(t, "esat_hired"), 1);
  EXPECT_EQ(Number(t, "active_at_end"), 1);  // Jade

  // The same figures through the IAE report, on this programme.
  auto sorties = h.Report("iae.sorties", "peps", "2026-03-01", "2026-06-30");
  ASSERT_TRUE(sorties.ok()) << sorties.status().ToString();
  EXPECT_EQ(Number(sorties->totals, "exits"), 3);
  EXPECT_EQ(Number(sorties->totals, "durable"), 1);
}

}  // namespace
}  // namespace parcours::plugin_testing
