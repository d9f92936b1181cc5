// The iae plugin, through iae.so as the engine loads it: every exit
// classification rule, the SIRET field type, the insertion-contract guards,
// the bundled SIAE workflow and sorties report, and both end to end on a
// real store.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iae_fixture.h"

namespace parcours::plugin_testing {
namespace {

// ---- what it provides ---------------------------------------------------------

TEST_F(IaeTest, ProvidesItsHooksWorkflowAndReport) {
  const PluginInfo* p = registry_->Find("iae");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->version, "1.0.0");
  EXPECT_EQ(p->before_commit, std::vector<std::string>{"iae.classify_exit"});
  EXPECT_EQ(p->guards, (std::vector<std::string>{"iae.contract_matches_structure", "iae.cddi_max_duration"}));
  EXPECT_EQ(p->field_types, std::vector<std::string>{"iae.siret"});
  EXPECT_EQ(p->workflows, std::vector<std::string>{"iae.siae"});
  EXPECT_EQ(p->reports, std::vector<std::string>{"iae.sorties"});
  EXPECT_TRUE(p->after_commit.empty());
  EXPECT_NE(registry_->FieldTypeAllowed("iae.siret").find("14-digit SIRET"), std::string::npos);
}

TEST_F(IaeTest, SelfCheckPasses) {
  Status s = registry_->SelfCheck("iae");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// ---- classification: the exit's own situation ------------------------------------

// The IAE rules as the law states them, written independently of the plugin's
// tables: (situation, months or none) -> (category, rule).
struct Expected {
  std::string situation;
  std::optional<Json> months;
  std::string category;
  std::string rule;
};

const std::vector<Expected>& SituationOracle() {
  static const std::vector<Expected> kOracle = {
      // Durable employment: CDI, CDD or interim of 6 months or more, creation, civil service.
      {"cdi", std::nullopt, "durable", "cdi"},
      {"cdi", Json(2), "durable", "cdi"},
      {"cdd", Json(6), "durable", "cdd_6_months_or_more"},
      {"cdd", Json(18), "durable", "cdd_6_months_or_more"},
      {"cdd", Json("6"), "durable", "cdd_6_months_or_more"},
      {"cdd", Json(6.0), "durable", "cdd_6_months_or_more"},
      {"interim", Json(6), "durable", "interim_6_months_or_more"},
      {"interim", Json(9), "durable", "interim_6_months_or_more"},
      {"creation", std::nullopt, "durable", "business_creation"},
      {"creation", Json(1), "durable", "business_creation"},
      {"civil_service", std::nullopt, "durable", "civil_service"},
      {"cdi_aide", std::nullopt, "durable", "subsidised_cdi"},  // a CDI with a subsidy, at another employer
      // Transition employment: CDD or interim under 6 months, subsidised contract.
      {"cdd", Json(5), "transition", "cdd_under_6_months"},
      {"cdd", Json(1), "transition", "cdd_under_6_months"},
      {"cdd", Json(0), "transition", "cdd_under_6_months"},
      {"cdd", Json(5.9), "transition", "cdd_under_6_months"},
      {"cdd", Json("3"), "transition", "cdd_under_6_months"},
      {"cdd", std::nullopt, "transition", "cdd_duration_unknown"},
      {"cdd", Json("six"), "transition", "cdd_duration_unknown"},
      {"cdd", Json(-6), "transition", "cdd_duration_unknown"},
      {"cdd", Json(nullptr), "transition", "cdd_duration_unknown"},
      {"interim", Json(5), "transition", "interim_under_6_months"},
      {"interim", std::nullopt, "transition", "interim_duration_unknown"},
      {"contrat_aide", std::nullopt, "transition", "subsidised_contract"},
      {"contrat_aide", Json(3), "transition", "subsidised_contract"},
      {"contrat_aide", Json(12), "transition", "subsidised_contract"},  // even 6 months or more
      // Positive exits: pre-qualifying or qualifying training, hired by another
      // SIAE, another exit recognised as positive.
      {"qualifying_training", std::nullopt, "positive", "qualifying_training"},
      {"prequalifying_training", std::nullopt, "positive", "prequalifying_training"},
      {"other_siae", std::nullopt, "positive", "other_siae"},
      {"other_siae", Json(4), "positive", "other_siae"},
      {"other_positive", std::nullopt, "positive", "other_positive"},
      // Withdrawn from the exit rates.
      {"retirement", std::nullopt, "withdrawn", "retirement"},
      {"long_illness", std::nullopt, "withdrawn", "long_illness"},
      {"death", std::nullopt, "withdrawn", "death"},
      {"administrative_decision", std::nullopt, "withdrawn", "administrative_decision"},
      {"gross_misconduct", std::nullopt, "withdrawn", "gross_misconduct"},
      {"employer_transfer", std::nullopt, "withdrawn", "employer_transfer"},
      {"trial_period_break", std::nullopt, "withdrawn", "trial_period_break"},
      // Everything else.
      {"job_seeker", std::nullopt, "other", "other"},
      {"inactive", std::nullopt, "other", "other"},
      {"moved", std::nullopt, "other", "other"},
      {"dropout", std::nullopt, "other", "other"},
      {"other", std::nullopt, "other", "other"},
      {"stage", Json(8), "other", "other"},  // not a situation the rules know
      {"CDI", std::nullopt, "other", "other"},  // ids are case-sensitive
  };
  return kOracle;
}

std::string Describe(const Expected& e) {
  return "situation=" + e.situation + " months=" + (e.months ? e.months->dump() : std::string("(none)"));
}

TEST_F(IaeTest, ClassifiesEverySituationOfTheExit) {
  for (const auto& e : SituationOracle()) {
    Json fields = {{"situation", e.situation}};
    if (e.months) fields["months"] = *e.months;
    const Json got = Classify(fields);
    EXPECT_EQ(got, (Json{{"exit_category", e.category}, {"exit_category_rule", e.rule}, {"exit_category_basis", "exit"}}))
        << Describe(e);
  }
}

TEST_F(IaeTest, ClassifiesTheExitsContractLikeASituation) {
  // The insertion workflow's contract ids are situation ids.
  for (const auto& e : SituationOracle()) {
    Json fields = {{"contract", e.situation}};
    if (e.months) fields["months"] = *e.months;
    const Json got = Classify(fields);
    EXPECT_EQ(got.value("exit_category", ""), e.category) << "contract: " << Describe(e);
    EXPECT_EQ(got.value("exit_category_rule", ""), e.rule) << "contract: " << Describe(e);
  }
}

TEST_F(IaeTest, SituationWinsOverContractAndReason) {
  EXPECT_EQ(Classify({{"situation", "job_seeker"}, {"contract", "cdi"}, {"reason", "employment"}})["exit_category"],
            "other");
  EXPECT_EQ(Classify({{"contract", "cdi"}, {"reason", "dropout"}})["exit_category"], "durable");
}

TEST_F(IaeTest, AnEmptySituationIsNotASituation) {
  const Json got = Classify({{"situation", ""}, {"contract", "cdd"}, {"months", 7}});
  EXPECT_EQ(got["exit_category_rule"], "cdd_6_months_or_more");
}

TEST_F(IaeTest, EverySituationOfTheBundledWorkflowIsClassifiedAsTheLawSays) {
  const Workflow wf = BundledWorkflow("iae.siae");
  const Transition* exit = wf.find_transition("exit");
  ASSERT_NE(exit, nullptr);
  const FieldSpec* situation = nullptr;
  for (const auto& f : exit->fields)
    if (f.id == "situation") situation = &f;
  ASSERT_NE(situation, nullptr);
  std::set<std::string> known;
  for (const auto& e : SituationOracle()) known.insert(e.situation);
  for (const auto& value : situation->values) {
    EXPECT_TRUE(known.count(value.id)) << "the oracle does not cover situation " << value.id;
    for (const auto& e : SituationOracle()) {
      if (e.situation != value.id) continue;
      Json fields = {{"situation", e.situation}};
      if (e.months) fields["months"] = *e.months;
      EXPECT_EQ(Classify(fields)["exit_category"], e.category) << Describe(e);
    }
  }
}

// ---- classification: the insertion workflow's exit reason and placement ---------

TEST_F(IaeTest, ReasonTrainingIsAQualifyingTraining) {
  EXPECT_EQ(Classify({{"reason", "training"}}, InsertionPathway()),
            (Json{{"exit_category", "positive"}, {"exit_category_rule", "qualifying_training"}, {"exit_category_basis", "exit"}}));
}

TEST_F(IaeTest, OtherReasonsAreOtherExits) {
  for (const char* reason : {"dropout", "moved", "refused", "other"}) {
    EXPECT_EQ(Classify({{"reason", reason}}, InsertionPathway()),
              (Json{{"exit_category", "other"}, {"exit_category_rule", "other"}, {"exit_category_basis", "exit"}}))
        << reason;
  }
}

TEST_F(IaeTest, ReasonEmploymentReadsTheLatestPlacement) {
  struct Case {
    Json place;
    std::string category, rule;
  };
  const std::vector<Case> cases = {
      {{{"contract", "cdi"}}, "durable", "cdi"},
      {{{"contract", "cdd"}, {"months", 6}}, "durable", "cdd_6_months_or_more"},
      {{{"contract", "cdd"}, {"months", 3}}, "transition", "cdd_under_6_months"},
      {{{"contract", "interim"}, {"months", 12}}, "durable", "interim_6_months_or_more"},
      {{{"contract", "interim"}, {"months", 2}}, "transition", "interim_under_6_months"},
      {{{"contract", "contrat_aide"}, {"months", 12}}, "transition", "subsidised_contract"},
      {{{"contract", "creation"}}, "durable", "business_creation"},
      {{{"situation", "civil_service"}}, "durable", "civil_service"},
  };
  for (const auto& c : cases) {
    ContextBuilder pathway = InsertionPathway();
    pathway.Then("place", "transition", "placement", "2026-04-01", c.place);  // seq 3
    EXPECT_EQ(Classify({{"reason", "employment"}}, pathway),
              (Json{{"exit_category", c.category}, {"exit_category_rule", c.rule}, {"exit_category_basis", "place#3"}}))
        << c.place.dump();
  }
}

TEST_F(IaeTest, ReasonEmploymentUsesTheLatestOfSeveralPlacements) {
  ContextBuilder pathway = InsertionPathway();
  pathway.Then("place", "transition", "placement", "2026-03-01", {{"contract", "cdd"}, {"months", 2}})
      .Then("interview", "milestone", "", "2026-04-20", {{"mode", "phone"}})
      .Then("place", "transition", "placement", "2026-05-01", {{"contract", "cdi"}})
      .Then("interview", "milestone", "", "2026-06-20", {{"mode", "phone"}});
  EXPECT_EQ(Classify({{"reason", "employment"}}, pathway),
            (Json{{"exit_category", "durable"}, {"exit_category_rule", "cdi"}, {"exit_category_basis", "place#5"}}));
}

TEST_F(IaeTest, ReasonEmploymentUsesThePlacementsOwnMonthsNotTheExits) {
  ContextBuilder pathway = InsertionPathway();
  pathway.Then("place", "transition", "placement", "2026-03-01", {{"contract", "cdd"}, {"months", 3}});
  EXPECT_EQ(Classify({{"reason", "employment"}, {"months", 12}}, pathway)["exit_category"], "transition");
}

TEST_F(IaeTest, ReasonEmploymentWithoutAKnownContractIsOther) {
  EXPECT_EQ(Classify({{"reason", "employment"}}, InsertionPathway()),
            (Json{{"exit_category", "other"}, {"exit_category_rule", "employment_unspecified"},
                  {"exit_category_basis", "exit"}}));
  ContextBuilder pathway = InsertionPathway();
  pathway.Then("place", "transition", "placement", "2026-03-01", {{"employer", "Hôtel du Parc"}});
  EXPECT_EQ(Classify({{"reason", "employment"}}, pathway),
            (Json{{"exit_category", "other"}, {"exit_category_rule", "employment_unspecified"},
                  {"exit_category_basis", "place#3"}}));
}

TEST_F(IaeTest, OnlyPlaceEventsCountAsPlacements) {
  ContextBuilder pathway = InsertionPathway();
  pathway.Then("start_training", "transition", "training", "2026-03-01", {{"provider", "GRETA"}, {"contract", "cdi"}});
  EXPECT_EQ(Classify({{"reason", "employment"}}, pathway)["exit_category_rule"], "employment_unspecified");
}

TEST_F(IaeTest, WarnsAboutSituationsItDoesNotKnow) {
  auto warnings = [] {
    const std::string log = LogText();
    std::size_t n = 0;
    for (std::size_t at = log.find("is not an IAE situation"); at != std::string::npos;
         at = log.find("is not an IAE situation", at + 1))
      ++n;
    return n;
  };
  const std::size_t before = warnings();
  Classify({{"situation", "job_seeker"}});
  Classify({{"reason", "refused"}}, InsertionPathway());
  EXPECT_EQ(warnings(), before);
  Classify({{"situation", "stage"}});
  EXPECT_EQ(warnings(), before + 1);
  EXPECT_NE(LogText().find("[warning] plugin iae: situation \"stage\" is not an IAE situation; the exit is classified as other"),
            std::string::npos)
      << LogText();
  Classify({{"contract", "apprentissage"}});
  EXPECT_EQ(warnings(), before + 2);
}

TEST_F(IaeTest, AnExitSayingNothingIsOther) {
  EXPECT_EQ(Classify(Json::object()),
            (Json{{"exit_category", "other"}, {"exit_category_rule", "no_situation"}, {"exit_category_basis", "none"}}));
}

TEST_F(IaeTest, MalformedContextsNeverFail) {
  for (const Json& ctx : {Json(nullptr), Json::object(), Json{{"fields", "cdi"}}, Json{{"fields", Json::array()}},
                          Json{{"fields", {{"situation", 12}}}}, Json{{"fields", {{"reason", "employment"}}}, {"history", 7}},
                          Json{{"fields", {{"reason", "employment"}}}, {"history", {1, "x", {{"action", 3}}}}},
                          Json{{"fields", {{"reason", "employment"}}},
                               {"history", {{{"action", "place"}, {"fields", nullptr}, {"seq", "x"}}}}}}) {
    auto r = registry_->RunBeforeCommit("iae.classify_exit", ctx);
    ASSERT_TRUE(r.ok()) << ctx.dump() << ": " << r.status().ToString();
    EXPECT_EQ((*r)["exit_category"], "other") << ctx.dump();
  }
}

// ---- the SIRET field type ---------------------------------------------------------

TEST_F(IaeTest, SiretAcceptsValidNumbersAndStoresTheirDigits) {
  for (const char* raw : {"73282932000074", "732 829 320 00074", "732.829.320.00074", "732\xC2\xA0" "829\xC2\xA0" "320\xC2\xA0" "00074",
                          "732\xE2\x80\xAF" "829 320 00074"}) {
    auto r = registry_->ParseField("iae.siret", raw);
    ASSERT_TRUE(r.ok()) << raw << ": " << r.status().ToString();
    EXPECT_EQ(*r, Json("73282932000074")) << raw;
  }
}

TEST_F(IaeTest, SiretRefusesWrongLengthsLettersAndCheckDigits) {
  struct Case {
    const char* raw;
    const char* why;
  };
  for (const Case& c : {Case{"73282932000075", "check digit"}, Case{"7328293200007", "has 13"},
                        Case{"732829320000745", "has 15"}, Case{"", "has 0"}, Case{"7328293200007A", "only digits"},
                        Case{"732-829-320-00074", "only digits"}, Case{"00000000000000", "not a real SIREN"}}) {
    auto r = registry_->ParseField("iae.siret", c.raw);
    ASSERT_FALSE(r.ok()) << c.raw;
    EXPECT_TRUE(r.status().IsRefused());
    EXPECT_NE(r.status().message().find(c.why), std::string::npos) << r.status().message();
  }
}

TEST_F(IaeTest, SiretOfLaPosteUsesTheDigitSumRule) {
  EXPECT_TRUE(registry_->ParseField("iae.siret", "35600000000048").ok());  // Luhn-valid
  EXPECT_TRUE(registry_->ParseField("iae.siret", "35600000049837").ok());  // sum 45, not Luhn-valid
  EXPECT_FALSE(registry_->ParseField("iae.siret", "35600000049838").ok());  // sum 46
  // The exception is La Poste's alone: the same digit sum elsewhere needs Luhn.
  EXPECT_FALSE(registry_->ParseField("iae.siret", "35700000049804").ok());  // sum 40, not Luhn-valid
}

// ---- guards: contract and structure ---------------------------------------------

TEST_F(IaeTest, EachStructureHiresUnderItsOwnContracts) {
  const std::map<std::string, std::set<std::string>> allowed = {
      {"ai", {"ai_cdd", "cddi"}}, {"aci", {"cddi"}}, {"ei", {"cddi"}}, {"etti", {"ctti"}}};
  for (const auto& [structure, contracts] : allowed) {
    for (const char* contract : {"cddi", "ctti", "ai_cdd"}) {
      ContextBuilder c("iae");
      c.Enrol("2026-01-05", {{"prescriber", "plie"}, {"structure", structure}});
      Status s = registry_->RunGuard("iae.contract_matches_structure",
                                    c.Action("hire", "transition", "employed", "2026-01-10", {{"contract", contract}}));
      EXPECT_EQ(s.ok(), contracts.count(contract) == 1) << structure << " " << contract << ": " << s.ToString();
      if (!s.ok()) {
        EXPECT_TRUE(s.IsRefused());
        EXPECT_NE(s.message().find("contract " + std::string(contract) + " is not possible"), std::string::npos)
            << s.message();
      }
    }
  }
}

TEST_F(IaeTest, ContractGuardNamesWhatTheStructureMayUse) {
  ContextBuilder c("iae");
  c.Enrol("2026-01-05", {{"prescriber", "plie"}, {"structure", "etti"}});
  Status s = registry_->RunGuard("iae.contract_matches_structure",
                                c.Action("hire", "transition", "employed", "2026-01-10", {{"contract", "cddi"}}));
  EXPECT_NE(s.message().find("it hires under ctti (Contrat de travail temporaire d'insertion (CTTI))"), std::string::npos)
      << s.message();
}

TEST_F(IaeTest, ContractGuardLeavesOtherWorkflowsAlone) {
  ContextBuilder c("insertion");
  c.Enrol("2026-01-05", {{"prescriber", "plie"}});
  EXPECT_TRUE(registry_->RunGuard("iae.contract_matches_structure",
                                 c.Action("place", "transition", "placement", "2026-01-10", {{"contract", "cdi"}}))
                  .ok());
  EXPECT_TRUE(registry_->RunGuard("iae.contract_matches_structure", Json::object()).ok());
}

// ---- guards: total length of the insertion contract -------------------------------

// The context of a renewal of `months` after a hire of 12 months and `renewals`.
Json Renewal(int age, const std::string& rqth, std::vector<int> renewals, int months, Json extra = Json::object()) {
  ContextBuilder c("iae");
  c.Person("M", age, {{"rqth", rqth}})
      .Enrol("2024-01-05", {{"prescriber", "france_travail"}, {"structure", "aci"}})
      .Then("hire", "transition", "employed", "2024-01-10", {{"contract", "cddi"}, {"months", 12}, {"weekly_hours", 24}});
  for (int r : renewals) c.Then("renew", "milestone", "", "2025-01-01", {{"months", r}});
  Json fields = {{"months", months}};
  for (const auto& [k, v] : extra.items()) fields[k] = v;
  return c.Action("renew", "milestone", "", "2026-01-01", fields);
}

TEST_F(IaeTest, ContractMayLast24MonthsInTotal) {
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", Renewal(30, "no", {}, 12)).ok());
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", Renewal(30, "no", {6}, 6)).ok());
  Status s = registry_->RunGuard("iae.cddi_max_duration", Renewal(30, "no", {6}, 7));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("would last 25 months in total (18 already, 7 now); the limit is 24 months"),
            std::string::npos)
      << s.message();
}

TEST_F(IaeTest, ContractMayLast60MonthsFromAge50OrWithRqth) {
  EXPECT_FALSE(registry_->RunGuard("iae.cddi_max_duration", Renewal(49, "no", {12}, 12)).ok());
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", Renewal(50, "no", {12}, 12)).ok());
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", Renewal(35, "yes", {12, 12}, 12)).ok());
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", Renewal(57, "no", {12, 12, 12}, 12)).ok());  // 60
  Status s = registry_->RunGuard("iae.cddi_max_duration", Renewal(57, "no", {12, 12, 12, 12}, 1));   // 61
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("even with a derogation (aged 50 or more) the limit is 60 months"), std::string::npos)
      << s.message();
}

TEST_F(IaeTest, ContractMayBeRenewedToCompleteATraining) {
  EXPECT_FALSE(registry_->RunGuard("iae.cddi_max_duration", Renewal(30, "no", {12}, 3, {{"to_complete_training", "no"}})).ok());
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", Renewal(30, "no", {12}, 3, {{"to_complete_training", "yes"}})).ok());
}

TEST_F(IaeTest, ContractLengthCountsOnlyHireAndRenewals) {
  ContextBuilder c("iae");
  c.Enrol("2024-01-05", {{"structure", "aci"}})
      .Then("hire", "transition", "employed", "2024-01-10", {{"months", 20}})
      .Then("immersion", "milestone", "", "2024-03-10", {{"days", 30}, {"employer", "Boulangerie"}})
      .Then("training", "milestone", "", "2024-04-10", {{"hours", 400}, {"months", 9}, {"provider", "AFPA"}});
  EXPECT_TRUE(registry_->RunGuard("iae.cddi_max_duration", c.Action("renew", "milestone", "", "2025-01-01", {{"months", 4}})).ok());
  EXPECT_FALSE(registry_->RunGuard("iae.cddi_max_duration", c.Action("renew", "milestone", "", "2025-01-01", {{"months", 5}})).ok());
}

// ---- the bundled workflow ---------------------------------------------------------

TEST_F(IaeTest, BundledWorkflowLoadsWithItsPlugin) {
  const Workflow wf = BundledWorkflow("iae.siae");
  EXPECT_EQ(wf.id, "iae");
  ASSERT_NE(wf.find_transition("exit"), nullptr);
  ASSERT_EQ(wf.find_transition("exit")->rules.derive.size(), 1u);
  EXPECT_EQ(wf.find_transition("exit")->rules.derive[0].plugin, "iae.classify_exit");
  EXPECT_EQ(wf.find_transition("hire")->rules.guards.size(), 5u);
  bool siret = false;
  for (const auto& f : wf.find_transition("exit")->fields) siret |= f.plugin_type == "iae.siret";
  EXPECT_TRUE(siret);
}

TEST_F(IaeTest, BundledWorkflowNeedsThePlugin) {
  PluginRegistry empty(clock_, std::make_shared<spdlog::logger>("empty"));
  WorkflowLoad load = LoadWorkflowText(*registry_->WorkflowYaml("iae.siae"), "iae.siae", &empty);
  ASSERT_FALSE(load.problems.empty());
  EXPECT_NE(load.problems[0].ToString().find("plugin \"iae\" is not loaded"), std::string::npos)
      << load.problems[0].ToString();
}

class IaeWorkflowTest : public IaeTest {
 protected:
  void SetUp() override {
    IaeTest::SetUp();
    wf_ = BundledWorkflow("iae.siae");
  }
  Status Hire(const std::string& structure, Json fields, const std::string& date = "2026-03-01") {
    ContextBuilder c("iae");
    c.Enrol("2026-02-01", {{"prescriber", "france_travail"}, {"structure", structure}});
    return CheckGuards(wf_, *registry_, c.Action("hire", "transition", "employed", date, std::move(fields)));
  }
  Workflow wf_;
};

TEST_F(IaeWorkflowTest, HireNeedsARecentPassIaeOutsideAnAssociationIntermediaire) {
  const Json cddi = {{"contract", "cddi"}, {"months", 6}, {"weekly_hours", 26}};
  Json with_pass = cddi;
  with_pass["pass_iae_date"] = "2024-03-02";  // 23 months before
  Json old_pass = cddi;
  old_pass["pass_iae_date"] = "2024-03-01";  // 24 months before
  Json future_pass = cddi;
  future_pass["pass_iae_date"] = "2026-03-02";
  EXPECT_TRUE(Hire("ai", cddi).ok());
  EXPECT_TRUE(Hire("aci", with_pass).ok());
  for (const Json& fields : {cddi, old_pass, future_pass}) {
    Status s = Hire("aci", fields);
    ASSERT_TRUE(s.IsRefused()) << fields.dump();
    EXPECT_NE(s.message().find("needs a PASS IAE"), std::string::npos) << s.message();
  }
}

TEST_F(IaeWorkflowTest, CddiLastsAtLeast4MonthsAnd20HoursAWeek) {
  auto hire = [&](int months, int hours, const char* derogation) {
    Json fields = {{"contract", "cddi"}, {"months", months}, {"weekly_hours", hours}, {"pass_iae_date", "2026-02-15"}};
    if (derogation) fields["hours_derogation"] = derogation;
    return Hire("ei", fields);
  };
  EXPECT_TRUE(hire(4, 20, nullptr).ok());
  EXPECT_NE(hire(3, 20, nullptr).message().find("at least 4 months"), std::string::npos);
  EXPECT_NE(hire(6, 19, nullptr).message().find("at least 20 hours a week"), std::string::npos);
  EXPECT_FALSE(hire(6, 19, "no").ok());
  EXPECT_TRUE(hire(6, 12, "yes").ok());
  // The 4-month and 20-hour floors are the CDDI's: an ETTI mission may be shorter.
  EXPECT_TRUE(Hire("etti", {{"contract", "ctti"}, {"months", 1}, {"weekly_hours", 10}, {"pass_iae_date", "2026-02-15"}}).ok());
}

TEST_F(IaeWorkflowTest, HireChecksContractAgainstStructure) {
  Status s = Hire("etti", {{"contract", "cddi"}, {"months", 6}, {"weekly_hours", 26}, {"pass_iae_date", "2026-02-15"}});
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("not possible in an Entreprise de travail temporaire d'insertion"), std::string::npos)
      << s.message();
}

TEST_F(IaeWorkflowTest, FollowUpComesSixMonthsAfterTheExit) {
  ContextBuilder c = Employed();
  c.Then("exit", "transition", "exited", "2026-03-15", {{"situation", "cdi"}});
  EXPECT_TRUE(CheckGuards(wf_, *registry_, c.Action("follow_up", "milestone", "", "2026-09-15", {{"employed", "yes"}})).ok());
  Status early = CheckGuards(wf_, *registry_, c.Action("follow_up", "milestone", "", "2026-09-14", {{"employed", "yes"}}));
  EXPECT_NE(early.message().find("6 months or more after the exit"), std::string::npos) << early.ToString();
}

TEST_F(IaeWorkflowTest, AnExitFromAnAiOrAnEttiGivesTheHoursWorked) {
  for (const char* structure : {"ai", "etti"}) {
    const ContextBuilder c = HiredIn(structure);
    Status missing = CheckGuards(wf_, *registry_, c.Action("exit", "transition", "exited", "2026-06-01", {{"situation", "cdi"}}));
    ASSERT_TRUE(missing.IsRefused()) << structure;
    EXPECT_NE(missing.message().find("give the hours the person worked in the structure (hours_worked)"),
              std::string::npos)
        << missing.message();
    EXPECT_TRUE(CheckGuards(wf_, *registry_,
                            c.Action("exit", "transition", "exited", "2026-06-01",
                                     {{"situation", "cdi"}, {"hours_worked", 420}}))
                    .ok())
        << structure;
  }
  EXPECT_TRUE(CheckGuards(wf_, *registry_,
                          HiredIn("aci").Action("exit", "transition", "exited", "2026-06-01", {{"situation", "cdi"}}))
                  .ok());
}

TEST_F(IaeWorkflowTest, ExitDerivesTheCategory) {
  auto added = Derive(wf_, *registry_,
                      Employed().Action("exit", "transition", "exited", "2026-07-01", {{"situation", "interim"}, {"months", 6}}));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ((*added)["exit_category"], "durable");
}

// ---- the bundled report -------------------------------------------------------------

TEST_F(IaeTest, SortiesReportParses) {
  const ReportDefinition def = BundledReport("iae.sorties");
  std::vector<std::string> ids;
  for (const auto& ind : def.indicators) ids.push_back(ind.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"exits", "counted", "durable", "transition", "positive", "other", "dynamic",
                                           "durable_rate", "transition_rate", "positive_rate", "dynamic_rate",
                                           "not_counted", "not_counted_by_rule", "exits_by_category", "exits_by_rule",
                                           "employed_6m", "active_at_end"}));
  // The rates divide by the exits that count in them.
  for (const char* rate : {"durable_rate", "transition_rate", "positive_rate", "dynamic_rate"})
    EXPECT_EQ(def.find(rate)->denominator, "counted") << rate;
  EXPECT_EQ(def.find("dynamic_rate")->numerator, "dynamic");
  EXPECT_EQ(def.find("exits_by_category")->listed,
            (std::vector<std::string>{"durable", "transition", "positive", "other", "withdrawn"}));
  EXPECT_EQ(def.programmes, (std::vector<std::string>{"iae", "peps"}));
  EXPECT_TRUE(def.compare_previous);
}

// The report's conditions on exit events as the report evaluator sees them.
TEST_F(IaeTest, SortiesConditionsSelectTheRightExits) {
  const ReportDefinition def = BundledReport("iae.sorties");
  auto holds = [&](const std::string& id, const Json& vars) {
    auto r = def.find(id)->when->Test(vars);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && *r;
  };
  const Json durable = {{"exit", true}, {"action", "exit"}, {"exit_category", "durable"}};
  const Json closed = {{"exit", true}, {"action", "close"}, {"reason", "not_hired"}};
  const Json milestone = {{"exit", false}, {"action", "follow_up"}, {"employed", "yes"}};
  EXPECT_TRUE(holds("exits", durable));
  EXPECT_TRUE(holds("durable", durable));
  EXPECT_TRUE(holds("dynamic", durable));
  EXPECT_FALSE(holds("transition", durable));
  EXPECT_FALSE(holds("exits", closed));  // a referral that never led to a hire is no exit of the SIAE
  EXPECT_FALSE(holds("exits", milestone));
  EXPECT_TRUE(holds("employed_6m", milestone));
  EXPECT_FALSE(holds("dynamic", Json{{"exit", true}, {"exit_category", "other"}}));
  EXPECT_TRUE(holds("positive", Json{{"exit", true}, {"exit_category", "positive"}}));
  // Withdrawn exits and stays too short: exits, but not in the rates.
  const Json withdrawn = {{"exit", true}, {"exit_category", "withdrawn"}, {"exit_counted", "no"}};
  const Json short_stay = {{"exit", true}, {"exit_category", "durable"}, {"exit_counted", "no"}};
  for (const Json& e : {withdrawn, short_stay}) {
    EXPECT_TRUE(holds("exits", e)) << e.dump();
    EXPECT_TRUE(holds("not_counted", e)) << e.dump();
    for (const char* id : {"counted", "durable", "transition", "positive", "other", "dynamic"})
      EXPECT_FALSE(holds(id, e)) << id << " " << e.dump();
  }
  // Exits classified before exit_counted existed (or by peps's own rules) count.
  EXPECT_TRUE(holds("counted", durable));
  EXPECT_FALSE(holds("not_counted", durable));
  EXPECT_TRUE(holds("counted", Json{{"exit", true}, {"exit_category", "durable"}, {"exit_counted", "yes"}}));
}

// ---- end to end on a real store --------------------------------------------------------

class IaeEngineTest : public IaeTest {};

TEST_F(IaeEngineTest, SiaePathwaysGiveTheSortiesFigures) {
  EngineHarness h(*registry_, clock_);
  ASSERT_TRUE(h.ready());
  Status installed = h.Install(*registry_->WorkflowYaml("iae.siae"), "iae.siae");
  ASSERT_TRUE(installed.ok()) << installed.ToString();

  const RawFields aci = {{"prescriber", "france_travail"}, {"structure", "aci"}};
  const RawFields hire = {{"contract", "cddi"}, {"months", "12"}, {"weekly_hours", "26"}, {"pass_iae_date", "2025-11-02"}};
  struct Person {
    const char* name;
    RawFields exit;  // empty: still employed
  };
  const std::vector<Person> people = {
      {"Awa", {{"situation", "cdi"}, {"employer_siret", "732 829 320 00074"}}},
      {"Bruno", {{"situation", "cdd"}, {"months", "4"}}},
      {"Chloé", {{"situation", "qualifying_training"}}},
      {"Djamel", {{"situation", "job_seeker"}}},
      {"Emma", {}},
  };
  std::vector<std::string> pathways;
  for (const auto& p : people) {
    const std::string person = h.AddPerson(p.name, "F", "1990-05-01", {{"rqth", "no"}});
    const std::string pw = h.MustEnroll(person, "iae", "2026-01-05", aci);
    h.MustAdvance(pw, "hire", "2026-01-12", hire);
    if (!p.exit.empty()) h.MustAdvance(pw, "exit", "2026-06-30", p.exit);
    pathways.push_back(pw);
  }
  // A referral that does not lead to a hire is closed, not an exit.
  const std::string late = h.AddPerson("Fanny", "F", "1985-02-01");
  h.MustAdvance(h.MustEnroll(late, "iae", "2026-02-01", aci), "close", "2026-02-20", {{"reason", "not_hired"}});

  auto view = h.engine().GetPathway(pathways[0]);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const Json& exit_fields = view->events.back().fields;
  EXPECT_EQ(exit_fields.value("exit_category", ""), "durable");
  EXPECT_EQ(exit_fields.value("exit_category_rule", ""), "cdi");
  EXPECT_EQ(exit_fields.value("employer_siret", ""), "73282932000074");

  auto report = h.Report("iae.sorties", "iae", "2026-01-01", "2026-06-30");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ReportFigures& t = report->totals;
  EXPECT_EQ(Number(t, "exits"), 4);
  EXPECT_EQ(Number(t, "durable"), 1);
  EXPECT_EQ(Number(t, "transition"), 1);
  EXPECT_EQ(Number(t, "positive"), 1);
  EXPECT_EQ(Number(t, "other"), 1);
  EXPECT_EQ(Number(t, "dynamic"), 3);
  EXPECT_EQ(Number(t, "durable_rate"), 250);  // 25.0 %
  EXPECT_EQ(Number(t, "dynamic_rate"), 750);  // 75.0 %
  EXPECT_EQ(ByValue(t, "exits_by_category", "durable"), 1);
  EXPECT_EQ(ByValue(t, "exits_by_rule", "cdd_under_6_months"), 1);
  EXPECT_EQ(Number(t, "active_at_end"), 1);  // Emma

  // A refused hire writes nothing and says why.
  const std::string gaspard = h.AddPerson("Gaspard", "M", "1980-01-01");
  const std::string pw = h.MustEnroll(gaspard, "iae", "2026-03-01", {{"prescriber", "plie"}, {"structure", "etti"}});
  auto refused = h.Advance(pw, "hire", "2026-03-05",
                           {{"contract", "cddi"}, {"months", "6"}, {"weekly_hours", "26"}, {"pass_iae_date", "2026-03-01"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("contract cddi is not possible"), std::string::npos)
      << refused.status().ToString();
  auto after = h.engine().GetPathway(pw);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->events.size(), 1u);
}

// iae.classify_exit on another programme's exit: the insertion workflow's
// shape, where the exit says only "employment" and the contract is on the
// placement.
constexpr const char* kInsertionLikeYaml = R"(programme: insertion_iae
steps:
  - id: referral
    initial: true
  - id: placement
  - id: exited
    final: true
enrolment:
  fields:
    - id: prescriber
      type: enum
      values: [france_travail, other]
transitions:
  - id: place
    from: [referral]
    to: placement
    fields:
      - id: contract
        type: enum
        required: true
        values: [cdi, cdd, interim, contrat_aide, creation]
      - id: months
        type: integer
        min: 1
        required_when: {field: contract, in: [cdd, interim, contrat_aide]}
  - id: exit
    from: any
    to: exited
    fields:
      - id: reason
        type: enum
        required: true
        values: [employment, training, dropout, moved, refused, other]
    derive:
      - plugin: iae.classify_exit
)";

TEST_F(IaeEngineTest, SortiesIsRefusedOnAProgrammeItDoesNotServe) {
  EngineHarness h(*registry_, clock_);
  ASSERT_TRUE(h.ready());
  Status installed = h.Install(kInsertionLikeYaml, "insertion_iae.yaml");
  ASSERT_TRUE(installed.ok()) << installed.ToString();
  auto report = h.Report("iae.sorties", "insertion_iae", "2026-01-01", "2026-12-31");
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().IsRefused()) << report.status().ToString();
  EXPECT_EQ(report.status().message(),
            "report \"iae.sorties\" does not apply to programme \"insertion_iae\"; it serves the programmes iae, peps");
  EXPECT_NE(report.status().allowed().find("{arg:programme} iae"), std::string::npos)
      << report.status().allowed();
}

TEST_F(IaeEngineTest, ClassifiesTheExitOfAnotherWorkflowFromItsPlacement) {
  EngineHarness h(*registry_, clock_);
  ASSERT_TRUE(h.ready());
  Status installed = h.Install(kInsertionLikeYaml, "insertion_iae.yaml");
  ASSERT_TRUE(installed.ok()) << installed.ToString();
  struct Case {
    RawFields place;  // empty: no placement
    const char* reason;
    const char* category;
    const char* basis;
  };
  const std::vector<Case> cases = {
      {{{"contract", "cdd"}, {"months", "8"}}, "employment", "durable", "place#2"},
      {{{"contract", "interim"}, {"months", "2"}}, "employment", "transition", "place#2"},
      {{{"contract", "contrat_aide"}, {"months", "12"}}, "employment", "transition", "place#2"},
      {{}, "employment", "other", "exit"},
      {{}, "training", "positive", "exit"},
      {{{"contract", "cdi"}}, "moved", "other", "exit"},
  };
  for (const auto& c : cases) {
    const std::string pw = h.MustEnroll(h.AddPerson("Léa", "F", "1995-03-03"), "insertion_iae", "2026-02-01",
                                        {{"prescriber", "france_travail"}});
    if (!c.place.empty()) h.MustAdvance(pw, "place", "2026-03-01", c.place);
    h.MustAdvance(pw, "exit", "2026-05-01", {{"reason", c.reason}});
    auto view = h.engine().GetPathway(pw);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    const Json& fields = view->events.back().fields;
    EXPECT_EQ(fields.value("exit_category", ""), c.category) << c.reason << " " << fields.dump();
    EXPECT_EQ(fields.value("exit_category_basis", ""), c.basis) << c.reason << " " << fields.dump();
  }
}

}  // namespace
}  // namespace parcours::plugin_testing
