// The iae plugin: which exits count in the IAE exit rates (the minimum stay
// in the structure, the exits the rules withdraw), through iae.so, and the
// sorties report's rates on a real store.
#include <string>

#include <gtest/gtest.h>

#include "iae_fixture.h"

namespace parcours::plugin_testing {
namespace {

// ---- which exits count in the exit rates ----------------------------------------------

Json Counted(const char* rule) { return Json{{"exit_counted", "yes"}, {"exit_counted_rule", rule}}; }
Json NotCounted(const char* rule) { return Json{{"exit_counted", "no"}, {"exit_counted_rule", rule}}; }

TEST_F(IaeTest, ClassifyExitSaysWhetherTheExitCountsInTheRates) {
  EXPECT_EQ(ClassifyAll({{"situation", "cdi"}}, Employed()),
            (Json{{"exit_category", "durable"},
                  {"exit_category_rule", "cdi"},
                  {"exit_category_basis", "exit"},
                  {"exit_counted", "yes"},
                  {"exit_counted_rule", "stay_3_months_or_more"}}));
}

TEST_F(IaeTest, InAnAciOrAnEiAnExitCountsAfterThreeMonths) {
  for (const char* structure : {"aci", "ei"}) {
    const ContextBuilder c = HiredIn(structure);  // hired 2026-01-12
    EXPECT_EQ(Counting({{"situation", "cdi"}}, c, "2026-04-12"), Counted("stay_3_months_or_more")) << structure;
    EXPECT_EQ(Counting({{"situation", "cdi"}}, c, "2026-04-11"), NotCounted("stay_under_3_months")) << structure;
    EXPECT_EQ(Counting({{"situation", "job_seeker"}}, c, "2026-01-21"), NotCounted("stay_under_3_months"))
        << structure;
  }
  // Whole calendar months, as months_between: from 31 January, 3 months on 1 May.
  EXPECT_EQ(Counting({{"situation", "cdi"}}, HiredIn("aci", "2026-01-31"), "2026-04-30"),
            NotCounted("stay_under_3_months"));
  EXPECT_EQ(Counting({{"situation", "cdi"}}, HiredIn("aci", "2026-01-31"), "2026-05-01"),
            Counted("stay_3_months_or_more"));
  // The stay starts at the first hire, not at a renewal.
  ContextBuilder renewed = HiredIn("ei", "2026-01-12");
  renewed.Then("renew", "milestone", "", "2026-03-01", {{"months", 6}});
  EXPECT_EQ(Counting({{"situation", "cdi"}}, renewed, "2026-04-12"), Counted("stay_3_months_or_more"));
}

TEST_F(IaeTest, InAnAiOrAnEttiAnExitCountsAfter150HoursWorked) {
  for (const char* structure : {"ai", "etti"}) {
    const ContextBuilder c = HiredIn(structure);
    EXPECT_EQ(Counting({{"situation", "cdi"}, {"hours_worked", 150}}, c, "2026-02-20"), Counted("hours_150_or_more"))
        << structure;
    EXPECT_EQ(Counting({{"situation", "cdi"}, {"hours_worked", 149}}, c, "2026-12-20"), NotCounted("hours_under_150"))
        << structure;
    EXPECT_EQ(Counting({{"situation", "cdi"}}, c, "2026-12-20"), NotCounted("hours_unknown")) << structure;
  }
}

TEST_F(IaeTest, WithdrawnExitsNeverCount) {
  for (const char* situation : {"retirement", "long_illness", "death", "administrative_decision", "gross_misconduct",
                                "employer_transfer", "trial_period_break"}) {
    EXPECT_EQ(Counting({{"situation", situation}}, HiredIn("aci", "2024-01-12"), "2026-01-21"),
              NotCounted("withdrawn"))
        << situation;
    EXPECT_EQ(Counting({{"situation", situation}, {"hours_worked", 900}}, HiredIn("ai"), "2026-09-01"),
              NotCounted("withdrawn"))
        << situation;
  }
}

TEST_F(IaeTest, OutsideAnSiaeNoMinimumStayApplies) {
  EXPECT_EQ(Counting({{"reason", "employment"}}, InsertionPathway(), "2026-02-10"), Counted("no_minimum_stay"));
  EXPECT_EQ(Counting({{"reason", "dropout"}}, InsertionPathway(), "2026-02-10"), Counted("no_minimum_stay"));
}

// ---- the rates on a real store ----------------------------------------------------

class IaeRatesEngineTest : public IaeTest {};

// The dynamic exit rate divides by the exits that count: a 9-day stay ending
// in retirement and one CDI give 100 %, not 50 %; stays too short are left out.
TEST_F(IaeRatesEngineTest, WithdrawnExitsAndShortStaysAreLeftOutOfTheRates) {
  EngineHarness h(*registry_, clock_);
  ASSERT_TRUE(h.ready());
  Status installed = h.Install(*registry_->WorkflowYaml("iae.siae"), "iae.siae");
  ASSERT_TRUE(installed.ok()) << installed.ToString();
  auto pathway = [&](const char* name, const char* structure, const char* hired) {
    const std::string pw = h.MustEnroll(h.AddPerson(name, "M", "1962-04-01"), "iae", "2026-01-05",
                                        {{"prescriber", "france_travail"}, {"structure", structure}});
    const bool etti = std::string(structure) == "etti";
    h.MustAdvance(pw, "hire", hired,
                  {{"contract", etti ? "ctti" : "cddi"}, {"months", "6"}, {"weekly_hours", "26"},
                   {"pass_iae_date", "2026-01-02"}});
    return pw;
  };
  h.MustAdvance(pathway("Rémi", "aci", "2026-02-02"), "exit", "2026-02-11", {{"situation", "retirement"}});
  h.MustAdvance(pathway("Sarah", "aci", "2026-01-12"), "exit", "2026-06-12", {{"situation", "cdi"}});

  auto report = h.Report("iae.sorties", "iae", "2026-01-01", "2026-06-30");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Number(report->totals, "exits"), 2);
  EXPECT_EQ(Number(report->totals, "counted"), 1);
  EXPECT_EQ(Number(report->totals, "dynamic"), 1);
  EXPECT_EQ(Number(report->totals, "dynamic_rate"), 1000);  // 100.0 %
  EXPECT_EQ(Number(report->totals, "durable_rate"), 1000);
  EXPECT_EQ(Number(report->totals, "not_counted"), 1);
  EXPECT_EQ(ByValue(report->totals, "not_counted_by_rule", "withdrawn"), 1);
  EXPECT_EQ(ByValue(report->totals, "exits_by_category", "withdrawn"), 1);

  // A CDI after 2 months in an EI, and after 100 hours in an AI: not counted.
  // A CDD of 2 months after 200 hours in an ETTI: counted, transition.
  h.MustAdvance(pathway("Tom", "ei", "2026-03-02"), "exit", "2026-05-01", {{"situation", "cdi"}});
  h.MustAdvance(pathway("Ugo", "ai", "2026-03-02"), "exit", "2026-06-01", {{"situation", "cdi"}, {"hours_worked", "100"}});
  h.MustAdvance(pathway("Vic", "etti", "2026-03-02"), "exit", "2026-04-01",
                {{"situation", "cdd"}, {"months", "2"}, {"hours_worked", "200"}});
  report = h.Report("iae.sorties", "iae", "2026-01-01", "2026-06-30");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Number(report->totals, "exits"), 5);
  EXPECT_EQ(Number(report->totals, "counted"), 2);     // Sarah, Vic
  EXPECT_EQ(Number(report->totals, "durable"), 1);     // Sarah; not Tom nor Ugo
  EXPECT_EQ(Number(report->totals, "transition"), 1);  // Vic
  EXPECT_EQ(Number(report->totals, "dynamic_rate"), 1000);
  EXPECT_EQ(Number(report->totals, "durable_rate"), 500);
  EXPECT_EQ(ByValue(report->totals, "not_counted_by_rule", "stay_under_3_months"), 1);  // Tom
  EXPECT_EQ(ByValue(report->totals, "not_counted_by_rule", "hours_under_150"), 1);      // Ugo
}

}  // namespace
}  // namespace parcours::plugin_testing
