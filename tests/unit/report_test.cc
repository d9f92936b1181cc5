// Tests for the outcomes report (report.h) computed through Engine::Outcomes
// over a small population whose every figure is known.
#include "parcours/report.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "parcours/engine.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

using testing::D;
using testing::StoreDigest;
using Strings = std::vector<std::string>;
using Counts = std::map<std::string, int64_t>;

const Strings kReasons = {"employment", "training", "dropout", "moved", "refused", "other"};
const Strings kPrescribers = {"france_travail", "mission_locale", "ccas", "rsa_referent",
                              "siae", "self", "other"};

// Every indicator at zero, then `nonzero` on top.
Counts Expect(Counts nonzero) {
  Counts all;
  for (const auto& name : OutcomeIndicatorNames()) all[name] = 0;
  for (const auto& [k, v] : nonzero) all[k] = v;
  return all;
}
Counts Reasons(Counts nonzero) {
  Counts all;
  for (const auto& r : kReasons) all[r] = 0;
  for (const auto& [k, v] : nonzero) all[k] = v;
  return all;
}

class ReportTest : public testing::PopulationTestBase {
 protected:
  ReportTest() : PopulationTestBase("2026-12-31", "report-test") {}

  Result<OutcomesReport> Outcomes(const std::string& from, const std::string& to,
                                  const std::string& programme = "insertion") {
    return engine_->Outcomes(OutcomesQuery{programme, from, to});
  }

  OutcomesReport Report(const std::string& from, const std::string& to) {
    auto r = Outcomes(from, to);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : OutcomesReport{};
  }

  // The population of the main period, 2026-02-01 .. 2026-04-30. Ages are at
  // enrolment. Comments say what each pathway contributes to that period.
  void BuildPopulation() {
    // Alice, F, 24 (under_26), france_travail: referred (on `from`), positioned,
    // entered_training, certified, placed cdi (durable); active at end.
    alice_ = Enroll(NewPerson("Alice Arnaud", "2001-03-10", "F"), "2026-02-01", "france_travail");
    Advance(alice_, "position", "2026-02-05");
    Advance(alice_, "start_training", "2026-02-10", {{"provider", "AFPA"}});
    Record(alice_, "training_completed", "2026-03-20", {{"certified", "yes"}});
    Record(alice_, "interview", "2026-03-25", {{"mode", "individual"}});
    Advance(alice_, "place", "2026-04-01", {{"contract", "cdi"}});

    // Bruno, M, 26 on the day (26_49), mission_locale: referred, positioned,
    // placed cdd 6 months on `to` (durable); his exit the day after does not
    // count: active at end.
    bruno_ = Enroll(NewPerson("Bruno Bernard", "2000-02-02", "M"), "2026-02-02", "mission_locale");
    Advance(bruno_, "position", "2026-02-03");
    Advance(bruno_, "place", "2026-04-30", {{"contract", "cdd"}, {"months", "6"}});
    Advance(bruno_, "exit", "2026-05-01", {{"reason", "employment"}});

    // Chloé, F, 49 (26_49), ccas: referred, positioned, vae_started,
    // vae_partial, placed cdd 3 months (not durable), exit employment; her
    // follow-up, 6 months after the exit, is after the period.
    chloe_ = Enroll(NewPerson("Chloé Chevalier", "1976-03-01", "F"), "2026-02-10", "ccas");
    Advance(chloe_, "position", "2026-02-11");
    Advance(chloe_, "start_vae", "2026-02-20", {{"certification", "CAP cuisine"}});
    Record(chloe_, "vae_decided", "2026-03-05", {{"result", "partial"}});
    Advance(chloe_, "place", "2026-03-10", {{"contract", "cdd"}, {"months", "3"}});
    Advance(chloe_, "exit", "2026-03-31", {{"reason", "employment"}});
    Record(chloe_, "follow_up", "2026-10-01", {{"employed", "yes"}});

    // Didier, M, 50 (50_plus), ccas: enrolled and positioned before the
    // period; vae_started on `from`, vae_full, placed creation (durable);
    // active at end.
    didier_ = Enroll(NewPerson("Didier Dubois", "1976-01-15", "M"), "2026-01-20", "ccas");
    Advance(didier_, "position", "2026-01-25");
    Advance(didier_, "start_vae", "2026-02-01", {{"certification", "BTS MCO"}});
    Record(didier_, "vae_decided", "2026-02-28", {{"result", "full"}});
    Advance(didier_, "place", "2026-03-15", {{"contract", "creation"}});

    // Eden, X, 35 (26_49), self: enrolled the day before the period; exit
    // dropout; follow-up (not employed) after the period.
    eden_ = Enroll(NewPerson("Eden Eliot", "1990-05-05", "X"), "2026-01-31", "self");
    Advance(eden_, "exit", "2026-02-15", {{"reason", "dropout"}});
    Record(eden_, "follow_up", "2026-08-20", {{"employed", "no"}});

    // Fanny, F, france_travail: enrolled the day after the period: nowhere.
    fanny_ = Enroll(NewPerson("Fanny Fabre", "2005-07-07", "F"), "2026-05-01", "france_travail");
    Advance(fanny_, "position", "2026-05-02");

    // Gaston, M, 45 (26_49), siae: referred, positioned, entered_training,
    // not certified, placed interim 2 months (not durable), exit moved.
    gaston_ = Enroll(NewPerson("Gaston Girard", "1980-08-08", "M"), "2026-03-01", "siae");
    Advance(gaston_, "position", "2026-03-02");
    Advance(gaston_, "start_training", "2026-03-03", {{"provider", "GRETA"}});
    Record(gaston_, "training_completed", "2026-03-25", {{"certified", "no"}});
    Advance(gaston_, "place", "2026-04-10", {{"contract", "interim"}, {"months", "2"}});
    Advance(gaston_, "exit", "2026-04-20", {{"reason", "moved"}});

    // Hélène, F, 66 (50_plus), rsa_referent: referred, positioned; a
    // placement voided (not counted); exit refused.
    helene_ = Enroll(NewPerson("Hélène Hubert", "1960-01-01", "F"), "2026-02-15", "rsa_referent");
    Advance(helene_, "position", "2026-02-16");
    Advance(helene_, "place", "2026-03-01", {{"contract", "cdd"}, {"months", "12"}});
    Void(helene_);
    Advance(helene_, "exit", "2026-03-02", {{"reason", "refused"}});

    // Jules, M, 25 the day before his birthday (under_26), mission_locale:
    // referred, positioned, entered_training twice and certified twice
    // (counted once each), vae_started, exit training on `to`; his
    // follow-up is after the period.
    jules_ = Enroll(NewPerson("Jules Jacob", "2000-02-06", "M"), "2026-02-05", "mission_locale");
    Advance(jules_, "position", "2026-02-06");
    Advance(jules_, "start_training", "2026-02-07", {{"provider", "AFPA"}});
    Advance(jules_, "start_vae", "2026-02-20", {{"certification", "CAP"}});
    Advance(jules_, "start_training", "2026-03-01", {{"provider", "CNAM"}});
    Record(jules_, "training_completed", "2026-03-30", {{"certified", "yes"}});
    Record(jules_, "training_completed", "2026-04-05", {{"certified", "yes"}});
    Advance(jules_, "exit", "2026-04-30", {{"reason", "training"}});
    Record(jules_, "follow_up", "2026-10-30", {{"employed", "yes"}});

    // Karima, F, 30 (26_49), other: enrolled and exited before the period;
    // only her follow-up (employed), 6 months after the exit, is in it.
    karima_ = Enroll(NewPerson("Karima Khelifi", "1995-01-01", "F"), "2025-08-05", "other");
    Advance(karima_, "exit", "2025-08-20", {{"reason", "employment"}});
    Record(karima_, "follow_up", "2026-02-20", {{"employed", "yes"}});

    // Mona, F, 40 (26_49), ccas, and Noé, M, 22 (under_26), mission_locale:
    // the same, with follow-ups (employed) on 6 whole months after their exits.
    const std::string mona = Enroll(NewPerson("Mona Martin", "1985-04-04", "F"), "2025-06-01", "ccas");
    Advance(mona, "exit", "2025-09-15", {{"reason", "employment"}});
    Record(mona, "follow_up", "2026-03-15", {{"employed", "yes"}});
    const std::string noe = Enroll(NewPerson("Noé Noël", "2003-03-03", "M"), "2025-07-01", "mission_locale");
    Advance(noe, "exit", "2025-10-30", {{"reason", "training"}});
    Record(noe, "follow_up", "2026-04-30", {{"employed", "yes"}});

    // Léon, M, ccas: everything before the period: nowhere.
    leon_ = Enroll(NewPerson("Léon Lambert", "1985-06-06", "M"), "2026-01-02", "ccas");
    Advance(leon_, "exit", "2026-01-10", {{"reason", "moved"}});
  }

  std::string alice_, bruno_, chloe_, didier_, eden_, fanny_, gaston_, helene_, jules_, karima_, leon_;
};

TEST(ReportNamesTest, IndicatorsBreakdownsAndAgeBands) {
  EXPECT_EQ(OutcomeIndicatorNames(),
            (Strings{"referred", "positioned", "entered_training", "certified", "vae_started",
                     "vae_full", "vae_partial", "placed", "durable_employment", "exits",
                     "employed_6m", "active_at_end"}));
  EXPECT_EQ(OutcomeBreakdownNames(), (Strings{"sex", "age_band", "prescriber"}));
  EXPECT_STREQ(AgeBand(14), "under_26");
  EXPECT_STREQ(AgeBand(25), "under_26");
  EXPECT_STREQ(AgeBand(26), "26_49");
  EXPECT_STREQ(AgeBand(49), "26_49");
  EXPECT_STREQ(AgeBand(50), "50_plus");
  EXPECT_STREQ(AgeBand(100), "50_plus");
}

TEST_F(ReportTest, EveryTotalOfAKnownPopulation) {
  BuildPopulation();
  const OutcomesReport r = Report("2026-02-01", "2026-04-30");
  EXPECT_EQ(r.programme, "insertion");
  EXPECT_EQ(r.from, D("2026-02-01"));
  EXPECT_EQ(r.to, D("2026-04-30"));
  EXPECT_EQ(r.totals.counts, Expect({{"referred", 6},
                                     {"positioned", 6},
                                     {"entered_training", 3},
                                     {"certified", 2},
                                     {"vae_started", 3},
                                     {"vae_full", 1},
                                     {"vae_partial", 1},
                                     {"placed", 5},
                                     {"durable_employment", 3},
                                     {"exits", 5},
                                     {"employed_6m", 3},
                                     {"active_at_end", 3}}));
  EXPECT_EQ(r.totals.exits_by_reason,
            Reasons({{"employment", 1}, {"training", 1}, {"dropout", 1}, {"moved", 1}, {"refused", 1}}));
}

TEST_F(ReportTest, BreakdownBySex) {
  BuildPopulation();
  const OutcomesReport r = Report("2026-02-01", "2026-04-30");
  const auto& sex = r.breakdowns.at("sex");
  EXPECT_EQ(sex.size(), 3u);
  EXPECT_EQ(sex.at("F").counts, Expect({{"referred", 3},
                                        {"positioned", 3},
                                        {"entered_training", 1},
                                        {"certified", 1},
                                        {"vae_started", 1},
                                        {"vae_partial", 1},
                                        {"placed", 2},
                                        {"durable_employment", 1},
                                        {"exits", 2},
                                        {"employed_6m", 2},
                                        {"active_at_end", 1}}));
  EXPECT_EQ(sex.at("F").exits_by_reason, Reasons({{"employment", 1}, {"refused", 1}}));
  EXPECT_EQ(sex.at("M").counts, Expect({{"referred", 3},
                                        {"positioned", 3},
                                        {"entered_training", 2},
                                        {"certified", 1},
                                        {"vae_started", 2},
                                        {"vae_full", 1},
                                        {"placed", 3},
                                        {"durable_employment", 2},
                                        {"exits", 2},
                                        {"employed_6m", 1},
                                        {"active_at_end", 2}}));
  EXPECT_EQ(sex.at("M").exits_by_reason, Reasons({{"moved", 1}, {"training", 1}}));
  EXPECT_EQ(sex.at("X").counts, Expect({{"exits", 1}}));
  EXPECT_EQ(sex.at("X").exits_by_reason, Reasons({{"dropout", 1}}));
}

TEST_F(ReportTest, BreakdownByAgeBandAtEnrolment) {
  BuildPopulation();
  const OutcomesReport r = Report("2026-02-01", "2026-04-30");
  const auto& age = r.breakdowns.at("age_band");
  EXPECT_EQ(age.size(), 3u);
  EXPECT_EQ(age.at("under_26").counts, Expect({{"referred", 2},
                                               {"positioned", 2},
                                               {"entered_training", 2},
                                               {"certified", 2},
                                               {"vae_started", 1},
                                               {"placed", 1},
                                               {"durable_employment", 1},
                                               {"exits", 1},
                                               {"employed_6m", 1},
                                               {"active_at_end", 1}}));
  EXPECT_EQ(age.at("under_26").exits_by_reason, Reasons({{"training", 1}}));
  EXPECT_EQ(age.at("26_49").counts, Expect({{"referred", 3},
                                            {"positioned", 3},
                                            {"entered_training", 1},
                                            {"vae_started", 1},
                                            {"vae_partial", 1},
                                            {"placed", 3},
                                            {"durable_employment", 1},
                                            {"exits", 3},
                                            {"employed_6m", 2},
                                            {"active_at_end", 1}}));
  EXPECT_EQ(age.at("26_49").exits_by_reason,
            Reasons({{"employment", 1}, {"dropout", 1}, {"moved", 1}}));
  EXPECT_EQ(age.at("50_plus").counts, Expect({{"referred", 1},
                                              {"positioned", 1},
                                              {"vae_started", 1},
                                              {"vae_full", 1},
                                              {"placed", 1},
                                              {"durable_employment", 1},
                                              {"exits", 1},
                                              {"active_at_end", 1}}));
  EXPECT_EQ(age.at("50_plus").exits_by_reason, Reasons({{"refused", 1}}));
}

TEST_F(ReportTest, BreakdownByPrescriber) {
  BuildPopulation();
  const OutcomesReport r = Report("2026-02-01", "2026-04-30");
  const auto& pr = r.breakdowns.at("prescriber");
  Strings keys;
  for (const auto& [k, v] : pr) keys.push_back(k);
  Strings sorted = kPrescribers;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(keys, sorted);  // every declared prescriber, even without anyone
  EXPECT_EQ(pr.at("ccas").counts, Expect({{"referred", 1},
                                          {"positioned", 1},
                                          {"vae_started", 2},
                                          {"vae_full", 1},
                                          {"vae_partial", 1},
                                          {"placed", 2},
                                          {"durable_employment", 1},
                                          {"exits", 1},
                                          {"employed_6m", 1},
                                          {"active_at_end", 1}}));
  EXPECT_EQ(pr.at("mission_locale").counts, Expect({{"referred", 2},
                                                    {"positioned", 2},
                                                    {"entered_training", 1},
                                                    {"certified", 1},
                                                    {"vae_started", 1},
                                                    {"placed", 1},
                                                    {"durable_employment", 1},
                                                    {"exits", 1},
                                                    {"employed_6m", 1},
                                                    {"active_at_end", 1}}));
  EXPECT_EQ(pr.at("mission_locale").exits_by_reason, Reasons({{"training", 1}}));
  EXPECT_EQ(pr.at("france_travail").counts, Expect({{"referred", 1},
                                                    {"positioned", 1},
                                                    {"entered_training", 1},
                                                    {"certified", 1},
                                                    {"placed", 1},
                                                    {"durable_employment", 1},
                                                    {"active_at_end", 1}}));
  EXPECT_EQ(pr.at("other").counts, Expect({{"employed_6m", 1}}));
  EXPECT_EQ(pr.at("self").counts, Expect({{"exits", 1}}));
  EXPECT_EQ(pr.at("siae").counts, Expect({{"referred", 1},
                                          {"positioned", 1},
                                          {"entered_training", 1},
                                          {"placed", 1},
                                          {"exits", 1}}));
  EXPECT_EQ(pr.at("rsa_referent").counts,
            Expect({{"referred", 1}, {"positioned", 1}, {"exits", 1}}));
  EXPECT_EQ(pr.at("rsa_referent").exits_by_reason, Reasons({{"refused", 1}}));
}

TEST_F(ReportTest, BreakdownsAddUpToTheTotals) {
  BuildPopulation();
  const OutcomesReport r = Report("2026-02-01", "2026-04-30");
  for (const auto& dimension : OutcomeBreakdownNames()) {
    Counts sum;
    for (const auto& [value, set] : r.breakdowns.at(dimension))
      for (const auto& [k, n] : set.counts) sum[k] += n;
    EXPECT_EQ(sum, r.totals.counts) << dimension;
  }
}

TEST_F(ReportTest, AnEmptyProgrammeReportsZerosEverywhere) {
  const OutcomesReport r = Report("2026-01-01", "2026-12-31");
  EXPECT_EQ(r.totals.counts, Expect({}));
  EXPECT_EQ(r.totals.exits_by_reason, Reasons({}));
  EXPECT_EQ(r.breakdowns.at("sex").size(), 3u);
  EXPECT_EQ(r.breakdowns.at("age_band").size(), 3u);
  EXPECT_EQ(r.breakdowns.at("prescriber").size(), kPrescribers.size());
  EXPECT_EQ(r.breakdowns.at("prescriber").at("siae").counts, Expect({}));
  EXPECT_EQ(r.breakdowns.at("age_band").at("50_plus").exits_by_reason, Reasons({}));
}

TEST_F(ReportTest, PeriodBoundariesAreInclusive) {
  const std::string pw = Enroll(NewPerson("Ann Bell", "1990-01-01", "F"), "2026-03-10", "ccas");
  Advance(pw, "position", "2026-03-15");
  Advance(pw, "exit", "2026-03-20", {{"reason", "other"}});

  auto totals = [&](const char* from, const char* to) { return Report(from, to).totals.counts; };
  // Enrolment on `from`, on `to`, on both.
  EXPECT_EQ(totals("2026-03-10", "2026-03-12"), Expect({{"referred", 1}, {"active_at_end", 1}}));
  EXPECT_EQ(totals("2026-03-01", "2026-03-10"), Expect({{"referred", 1}, {"active_at_end", 1}}));
  EXPECT_EQ(totals("2026-03-10", "2026-03-10"), Expect({{"referred", 1}, {"active_at_end", 1}}));
  // The day after and the day before.
  EXPECT_EQ(totals("2026-03-11", "2026-03-14"), Expect({{"active_at_end", 1}}));
  EXPECT_EQ(totals("2026-03-01", "2026-03-09"), Expect({}));
  // Exit on `to`: counted, and no longer active at the end.
  EXPECT_EQ(totals("2026-03-16", "2026-03-20"), Expect({{"exits", 1}}));
  // Exit the day after `to`: still active at the end.
  EXPECT_EQ(totals("2026-03-15", "2026-03-19"), Expect({{"positioned", 1}, {"active_at_end", 1}}));
  // Exit on `from`.
  EXPECT_EQ(totals("2026-03-20", "2026-03-31"), Expect({{"exits", 1}}));
  // Everything after the exit: nothing.
  EXPECT_EQ(totals("2026-03-21", "2026-06-30"), Expect({}));
  EXPECT_EQ(Report("2026-03-20", "2026-03-20").totals.exits_by_reason, Reasons({{"other", 1}}));
  EXPECT_EQ(Report("2026-03-21", "2026-03-31").totals.exits_by_reason, Reasons({}));
}

// The widest period a person can type: up to the last representable day.
TEST_F(ReportTest, PeriodEndingOnTheLastRepresentableDay) {
  const std::string pw = Enroll(NewPerson("Ann Bell", "1990-01-01", "F"), "2026-03-10", "ccas");
  Advance(pw, "position", "2026-03-15");
  EXPECT_EQ(Report("2026-01-01", "9998-12-31").totals.counts,
            Expect({{"referred", 1}, {"positioned", 1}, {"active_at_end", 1}}));
  EXPECT_EQ(Report("2026-01-01", "9999-12-31").totals.counts,
            Expect({{"referred", 1}, {"positioned", 1}, {"active_at_end", 1}}));
  EXPECT_EQ(Report("0001-01-01", "9999-12-31").totals.counts,
            Expect({{"referred", 1}, {"positioned", 1}, {"active_at_end", 1}}));
}

TEST_F(ReportTest, APathwayCountsOnceEvenWithSeveralQualifyingEvents) {
  const std::string pw = Enroll(NewPerson("Ann Bell", "1990-01-01", "F"), "2025-09-01", "ccas");
  Advance(pw, "position", "2025-09-02");
  Advance(pw, "start_training", "2025-09-03", {{"provider", "A"}});
  Record(pw, "training_completed", "2025-09-04", {{"certified", "yes"}});
  Advance(pw, "start_vae", "2025-09-05", {{"certification", "CAP"}});
  Advance(pw, "start_training", "2025-09-06", {{"provider", "B"}});
  Record(pw, "training_completed", "2025-09-07", {{"certified", "yes"}});
  Advance(pw, "exit", "2025-09-08", {{"reason", "training"}});
  Record(pw, "follow_up", "2026-03-09", {{"employed", "yes"}});
  Record(pw, "follow_up", "2026-03-10", {{"employed", "yes"}});
  const OutcomesReport r = Report("2025-09-01", "2026-03-31");
  EXPECT_EQ(r.totals.counts, Expect({{"referred", 1},
                                     {"positioned", 1},
                                     {"entered_training", 1},
                                     {"certified", 1},
                                     {"vae_started", 1},
                                     {"exits", 1},
                                     {"employed_6m", 1}}));
  EXPECT_EQ(r.breakdowns.at("sex").at("F").counts.at("entered_training"), 1);
}

TEST_F(ReportTest, VoidedEventsDoNotCount) {
  const std::string pw = Enroll(NewPerson("Ann Bell", "1990-01-01", "F"), "2026-03-01", "ccas");
  Advance(pw, "position", "2026-03-02");
  Advance(pw, "place", "2026-03-03", {{"contract", "cdi"}});
  Void(pw);
  EXPECT_EQ(Report("2026-03-01", "2026-03-31").totals.counts,
            Expect({{"referred", 1}, {"positioned", 1}, {"active_at_end", 1}}));

  // A voided exit: active again, no exit counted.
  Advance(pw, "exit", "2026-03-04", {{"reason", "dropout"}});
  EXPECT_EQ(Report("2026-03-01", "2026-03-31").totals.counts,
            Expect({{"referred", 1}, {"positioned", 1}, {"exits", 1}}));
  Void(pw);
  const OutcomesReport r = Report("2026-03-01", "2026-03-31");
  EXPECT_EQ(r.totals.counts, Expect({{"referred", 1}, {"positioned", 1}, {"active_at_end", 1}}));
  EXPECT_EQ(r.totals.exits_by_reason, Reasons({}));

  // A voided milestone.
  Advance(pw, "start_vae", "2026-03-05", {{"certification", "CAP"}});
  Record(pw, "vae_decided", "2026-03-06", {{"result", "full"}});
  Void(pw);
  Record(pw, "vae_decided", "2026-03-06", {{"result", "partial"}});
  EXPECT_EQ(Report("2026-03-01", "2026-03-31").totals.counts,
            Expect({{"referred", 1},
                    {"positioned", 1},
                    {"vae_started", 1},
                    {"vae_partial", 1},
                    {"active_at_end", 1}}));
}

TEST_F(ReportTest, DurableEmploymentAndVaeNone) {
  auto placed = [&](const char* name, RawFields fields) {
    const std::string pw = Enroll(NewPerson(name, "1990-01-01", "M"), "2026-03-01", "siae");
    Advance(pw, "position", "2026-03-01");
    Advance(pw, "place", "2026-03-02", std::move(fields));
  };
  placed("Cdi Man", {{"contract", "cdi"}});                                   // durable
  placed("Creation Man", {{"contract", "creation"}});                         // durable
  placed("Cdd Six", {{"contract", "cdd"}, {"months", "6"}});                   // durable
  placed("Cdd Five", {{"contract", "cdd"}, {"months", "5"}});                  // not
  // A subsidised contract is transition employment, whatever its length.
  placed("Aide Twelve", {{"contract", "contrat_aide"}, {"months", "12"}});     // not
  placed("Aide Six", {{"contract", "contrat_aide"}, {"months", "6"}});         // not
  placed("Interim Six", {{"contract", "interim"}, {"months", "6"}});           // durable
  placed("Interim One", {{"contract", "interim"}, {"months", "1"}});           // not
  placed("Cdi Months", {{"contract", "cdi"}, {"months", "2"}});                // durable: cdi
  const std::string vae = Enroll(NewPerson("Vae None", "1990-01-01", "F"), "2026-03-01", "siae");
  Advance(vae, "position", "2026-03-01");
  Advance(vae, "start_vae", "2026-03-01", {{"certification", "CAP"}});
  Record(vae, "vae_decided", "2026-03-02", {{"result", "none"}});

  const OutcomesReport r = Report("2026-03-01", "2026-03-31");
  EXPECT_EQ(r.totals.counts, Expect({{"referred", 10},
                                     {"positioned", 10},
                                     {"vae_started", 1},
                                     {"placed", 9},
                                     {"durable_employment", 5},
                                     {"active_at_end", 10}}));
}

TEST_F(ReportTest, ActiveAtEnd) {
  // Enrolled before, still active: counted even with no event in the period.
  Enroll(NewPerson("Early Bird", "1990-01-01", "F"), "2026-01-10", "ccas");
  // Enrolled before, exited before: not counted.
  const std::string gone = Enroll(NewPerson("Long Gone", "1990-01-01", "F"), "2026-01-10", "ccas");
  Advance(gone, "exit", "2026-01-11", {{"reason", "moved"}});
  // Enrolled after the end: not counted.
  Enroll(NewPerson("Late Comer", "1990-01-01", "M"), "2026-04-01", "ccas");
  // Enrolled in the period, exited after the end: counted.
  const std::string later = Enroll(NewPerson("Later Exit", "1990-01-01", "M"), "2026-03-05", "self");
  Advance(later, "exit", "2026-04-02", {{"reason", "other"}});

  const OutcomesReport r = Report("2026-03-01", "2026-03-31");
  EXPECT_EQ(r.totals.counts, Expect({{"referred", 1}, {"active_at_end", 2}}));
  EXPECT_EQ(r.breakdowns.at("sex").at("F").counts, Expect({{"active_at_end", 1}}));
  EXPECT_EQ(r.breakdowns.at("sex").at("M").counts, Expect({{"referred", 1}, {"active_at_end", 1}}));
  EXPECT_EQ(r.breakdowns.at("prescriber").at("self").counts,
            Expect({{"referred", 1}, {"active_at_end", 1}}));
}

TEST_F(ReportTest, OtherProgrammesDoNotCount) {
  constexpr const char* kAtelier = R"(programme: atelier
steps:
  - id: open
    initial: true
  - id: done
    final: true
transitions:
  - id: finish
    from: [open]
    to: done
)";
  ASSERT_TRUE(engine_->InstallProgramme(kAtelier, "atelier.yaml", "installer").ok());
  const std::string person = NewPerson("Ann Bell", "1990-01-01", "F");
  EnrollRequest req{person, "atelier", "2026-03-01", "", {}, "counsellor", ""};
  ASSERT_TRUE(engine_->Enroll(req).ok());
  EXPECT_EQ(Report("2026-03-01", "2026-03-31").totals.counts, Expect({}));
  auto atelier = Outcomes("2026-03-01", "2026-03-31", "atelier");
  ASSERT_TRUE(atelier.ok()) << atelier.status().ToString();
  EXPECT_EQ(atelier->totals.counts, Expect({{"referred", 1}, {"active_at_end", 1}}));
  EXPECT_TRUE(atelier->totals.exits_by_reason.empty());
}

TEST_F(ReportTest, RefusalsAndUnknownProgramme) {
  BuildPopulation();
  const std::string before = StoreDigest(dir_.path());
  auto expect = [&](Result<OutcomesReport> r, Status::Code code, const std::string& needle) {
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find(needle), std::string::npos) << r.status().ToString();
  };
  expect(Outcomes("2026-02-30", "2026-04-30"), Status::Code::kRefused, "{arg:from} \"2026-02-30\"");
  expect(Outcomes("2026-02-01", "2026-4-30"), Status::Code::kRefused, "{arg:to} \"2026-4-30\"");
  expect(Outcomes("", "2026-04-30"), Status::Code::kRefused, "{arg:from}");
  expect(Outcomes("2026-02-01", "today"), Status::Code::kRefused, "{arg:to}");
  expect(Outcomes("2026-05-01", "2026-04-30"), Status::Code::kRefused,
         "the period ends (2026-04-30) before it starts (2026-05-01)");
  expect(Outcomes("2026-02-01", "2026-04-30", "nope"), Status::Code::kNotFound, "no programme \"nope\"");
  EXPECT_EQ(StoreDigest(dir_.path()), before);
}

// ---- rendering ------------------------------------------------------------------------

Strings SplitLines(const std::string& text) {
  Strings lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Strings SplitCommas(const std::string& line) {
  Strings cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  return cells;
}

TEST_F(ReportTest, CsvHasAHeaderAndOneRowPerGroup) {
  BuildPopulation();
  const std::string csv = Report("2026-02-01", "2026-04-30").ToCsv();
  const Strings lines = SplitLines(csv);
  ASSERT_EQ(lines.size(), 1u + 1u + 3u + 3u + kPrescribers.size()) << csv;
  EXPECT_EQ(csv.back(), '\n');

  const Strings header = SplitCommas(lines[0]);
  ASSERT_GE(header.size(), 2u);
  EXPECT_EQ(header[0], "group");
  EXPECT_EQ(header[1], "value");
  Strings expected_columns;
  for (const auto& name : OutcomeIndicatorNames()) {
    expected_columns.push_back(name);
    if (name == "exits")
      for (const auto& r : kReasons) expected_columns.push_back("exits_" + r);
  }
  // Same columns; the exit reasons may come in any order after "exits".
  Strings got(header.begin() + 2, header.end());
  Strings want = expected_columns;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(std::string(lines[0], 0, std::string("group,value,referred,positioned").size()),
            "group,value,referred,positioned");

  // Rows keyed by "group,value", cells by column name.
  std::map<std::string, std::map<std::string, std::string>> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const Strings cells = SplitCommas(lines[i]);
    ASSERT_EQ(cells.size(), header.size()) << lines[i];
    for (std::size_t c = 2; c < cells.size(); ++c) rows[cells[0] + "," + cells[1]][header[c]] = cells[c];
  }
  EXPECT_EQ(lines[1].rfind("all,all,", 0), 0u) << lines[1];
  const auto& all = rows.at("all,all");
  EXPECT_EQ(all.at("referred"), "6");
  EXPECT_EQ(all.at("placed"), "5");
  EXPECT_EQ(all.at("durable_employment"), "3");
  EXPECT_EQ(all.at("exits"), "5");
  EXPECT_EQ(all.at("exits_moved"), "1");
  EXPECT_EQ(all.at("exits_other"), "0");
  EXPECT_EQ(all.at("employed_6m"), "3");
  EXPECT_EQ(all.at("active_at_end"), "3");
  EXPECT_EQ(rows.at("sex,X").at("exits_dropout"), "1");
  EXPECT_EQ(rows.at("sex,M").at("entered_training"), "2");
  EXPECT_EQ(rows.at("age_band,under_26").at("certified"), "2");
  EXPECT_EQ(rows.at("age_band,50_plus").at("vae_full"), "1");
  EXPECT_EQ(rows.at("prescriber,ccas").at("vae_started"), "2");
  EXPECT_EQ(rows.at("prescriber,rsa_referent").at("placed"), "0");
  EXPECT_EQ(rows.at("prescriber,other").at("employed_6m"), "1");
  // Groups come in the order of the breakdowns.
  std::vector<std::string> groups;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string g = SplitCommas(lines[i])[0];
    if (groups.empty() || groups.back() != g) groups.push_back(g);
  }
  EXPECT_EQ(groups, (Strings{"all", "sex", "age_band", "prescriber"}));
}

TEST_F(ReportTest, JsonShape) {
  BuildPopulation();
  const Json j = Report("2026-02-01", "2026-04-30").ToJson();
  EXPECT_EQ(j.at("report"), "outcomes");
  EXPECT_EQ(j.at("programme"), "insertion");
  EXPECT_EQ(j.at("from"), "2026-02-01");
  EXPECT_EQ(j.at("to"), "2026-04-30");
  EXPECT_EQ(j.size(), 6u);

  const Json& ind = j.at("indicators");
  EXPECT_EQ(ind.size(), OutcomeIndicatorNames().size() + 1);
  for (const auto& name : OutcomeIndicatorNames()) EXPECT_TRUE(ind.at(name).is_number_integer()) << name;
  EXPECT_EQ(ind.at("referred"), 6);
  EXPECT_EQ(ind.at("positioned"), 6);
  EXPECT_EQ(ind.at("vae_partial"), 1);
  EXPECT_EQ(ind.at("active_at_end"), 3);
  ASSERT_TRUE(ind.at("exits_by_reason").is_object());
  EXPECT_EQ(ind.at("exits_by_reason").size(), kReasons.size());
  EXPECT_EQ(ind.at("exits_by_reason").at("refused"), 1);
  EXPECT_EQ(ind.at("exits_by_reason").at("other"), 0);

  const Json& b = j.at("breakdowns");
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(b.at("sex").size(), 3u);
  EXPECT_EQ(b.at("sex").at("F").at("referred"), 3);
  EXPECT_EQ(b.at("sex").at("F").at("exits_by_reason").at("employment"), 1);
  EXPECT_EQ(b.at("sex").at("X").at("exits"), 1);
  EXPECT_EQ(b.at("age_band").size(), 3u);
  EXPECT_EQ(b.at("age_band").at("under_26").at("certified"), 2);
  EXPECT_EQ(b.at("age_band").at("26_49").at("exits"), 3);
  EXPECT_EQ(b.at("age_band").at("50_plus").at("vae_full"), 1);
  EXPECT_EQ(b.at("prescriber").size(), kPrescribers.size());
  EXPECT_EQ(b.at("prescriber").at("mission_locale").at("referred"), 2);
  EXPECT_EQ(b.at("prescriber").at("self").at("exits_by_reason").at("dropout"), 1);
  for (const auto& [dim, groups] : b.items())
    for (const auto& [value, set] : groups.items())
      EXPECT_EQ(set.size(), OutcomeIndicatorNames().size() + 1) << dim << "/" << value;
}

TEST_F(ReportTest, TableShowsTheSameFigures) {
  BuildPopulation();
  const std::string table = Report("2026-02-01", "2026-04-30").ToTable();
  EXPECT_NE(table.find("insertion"), std::string::npos);
  EXPECT_NE(table.find("2026-02-01"), std::string::npos);
  EXPECT_NE(table.find("2026-04-30"), std::string::npos);
  // The "referred" row of the sex breakdown: all, then F, M, X.
  const std::size_t by_sex = table.find("By sex");
  ASSERT_NE(by_sex, std::string::npos) << table;
  const std::size_t row = table.find("referred", by_sex);
  ASSERT_NE(row, std::string::npos);
  std::istringstream cells(table.substr(row, table.find('\n', row) - row));
  std::string name;
  Strings numbers;
  cells >> name;
  for (std::string n; cells >> n;) numbers.push_back(n);
  EXPECT_EQ(name, "referred");
  EXPECT_EQ(numbers, (Strings{"6", "3", "3", "0"}));
}

}  // namespace
}  // namespace parcours
