// Declarative report definitions (docs/reports.md): parsing and validation,
// each indicator kind, breakdowns, the previous period, and the formats, over
// a small population of the `insertion` programme whose every figure is known.
#include "parcours/report.h"

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "parcours/engine.h"
#include "report/builtin.h"
#include "report/evaluator.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

using testing::D;
using testing::StoreDigest;
using Strings = std::vector<std::string>;

Strings SplitLines(const std::string& text) {
  Strings lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The problems of a definition that must not load, one per line.
Strings Problems(const std::string& yaml, const std::string& name = "test.sample") {
  auto def = ParseReportDefinition(yaml, name);
  EXPECT_FALSE(def.ok()) << yaml;
  if (def.ok()) return {};
  EXPECT_TRUE(def.status().IsRefused());
  EXPECT_FALSE(def.status().allowed().empty());
  return SplitLines(def.status().message());
}

// ---- parsing and validation ---------------------------------------------------------------

TEST(ReportDefinitionParseTest, AMinimalDefinition) {
  auto def = ParseReportDefinition("report: counts\nindicators:\n  - id: referred\n    when: \"kind == 'enroll'\"\n");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->name, "counts");
  EXPECT_EQ(def->label, "counts");  // defaults to the name
  EXPECT_EQ(def->description, "");
  ASSERT_EQ(def->indicators.size(), 1u);
  EXPECT_EQ(def->indicators[0].id, "referred");
  EXPECT_EQ(def->indicators[0].label, "referred");
  EXPECT_EQ(def->indicators[0].kind, IndicatorKind::kCount);
  EXPECT_EQ(def->indicators[0].line, 3);
  EXPECT_TRUE(def->breakdowns.empty());
  EXPECT_FALSE(def->compare_previous);
}

TEST(ReportDefinitionParseTest, EveryKindOfIndicator) {
  auto def = ParseReportDefinition(R"(report: sorties
label: Sorties IAE
description: Exits by category, with rates
indicators:
  - id: exits
    label: Sorties
    when: "exit"
  - id: durable
    when: "exit and exit_category == 'durable'"
  - id: durable_rate
    rate: [durable, exits]
  - id: new_actions
    when: "action == 'start_training'"
    distinct: [provider, certification, session]
  - id: exits_by_reason
    when: "exit"
    by: reason
  - id: by_category
    when: "exit"
    by: exit_category
    values: [durable, transition, positive, other]
  - id: by_contract
    when: "action == 'place'"
    by: fields.contract
    values: found
  - id: active_at_end
    active_at_end: true
breakdowns: [sex, age_band, prescriber, entry.attrs.rqth]
compare_previous: true
)", "iae.sorties");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->name, "iae.sorties");
  EXPECT_EQ(def->label, "Sorties IAE");
  EXPECT_EQ(def->description, "Exits by category, with rates");
  ASSERT_EQ(def->indicators.size(), 8u);
  EXPECT_EQ(def->indicators[0].label, "Sorties");
  EXPECT_EQ(def->indicators[2].kind, IndicatorKind::kRate);
  EXPECT_EQ(def->indicators[2].numerator, "durable");
  EXPECT_EQ(def->indicators[2].denominator, "exits");
  EXPECT_EQ(def->indicators[3].kind, IndicatorKind::kDistinct);
  EXPECT_EQ(def->indicators[3].distinct, (Strings{"provider", "certification", "session"}));
  EXPECT_EQ(def->indicators[4].kind, IndicatorKind::kBy);
  EXPECT_EQ(def->indicators[4].by, "reason");
  EXPECT_EQ(def->indicators[4].by_values, ByValues::kWorkflow);
  EXPECT_EQ(def->indicators[5].by_values, ByValues::kList);
  EXPECT_EQ(def->indicators[5].listed, (Strings{"durable", "transition", "positive", "other"}));
  EXPECT_EQ(def->indicators[6].by_values, ByValues::kFound);
  EXPECT_EQ(def->indicators[7].kind, IndicatorKind::kActiveAtEnd);
  EXPECT_EQ(def->breakdowns, (Strings{"sex", "age_band", "prescriber", "entry.attrs.rqth"}));
  EXPECT_TRUE(def->compare_previous);
  EXPECT_NE(def->find("durable"), nullptr);
  EXPECT_EQ(def->find("nope"), nullptr);
}

TEST(ReportDefinitionParseTest, TheBuiltInOutcomesDefinitionLoads) {
  ASSERT_EQ(BuiltInReportNames(), Strings{"outcomes"});
  auto yaml = BuiltInReportYaml("outcomes");
  ASSERT_TRUE(yaml.has_value());
  EXPECT_FALSE(BuiltInReportYaml("sorties").has_value());
  auto def = ParseReportDefinition(*yaml, "outcomes");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  Strings ids;
  for (const auto& ind : def->indicators) ids.push_back(ind.id);
  Strings expected = OutcomeIndicatorNames();
  expected.insert(expected.begin() + 10, "exits_by_reason");  // after exits
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(def->breakdowns, OutcomeBreakdownNames());
  EXPECT_EQ(def->find("exits_by_reason")->by_values, ByValues::kExits);
  EXPECT_EQ(OutcomesDefinition().indicators.size(), 13u);
}

TEST(ReportDefinitionParseTest, EveryProblemIsReportedAtOnceWithReportLineAndIndicator) {
  const Strings problems = Problems(R"(report: sample
lable: Typo
indicators:
  - id: exits
    when: "exit"
  - id: Bad-Id
    when: "exit"
  - id: exits
    when: "action == 'place'"
  - id: broken
    when: "contract in ['cdi' 'cdd']"
  - id: ratio
    rate: [exits, later]
  - id: later
    when: "exit"
  - id: ghost_rate
    rate: [exits, ghost]
  - id: nothing
    label: Nothing to count
  - id: both
    when: "exit"
    rate: [exits, later]
  - id: split
    when: "exit"
    distinct: [provider]
    by: reason
  - id: stray
    rate: [exits, later]
    by: reason
  - id: inactive
    active_at_end: false
  - id: extra
    when: "exit"
    colour: red
breakdowns: [sex, region, entry.attrs.rqth, sex]
compare_previous: maybe
)");
  const Strings expected = {
      R"(report "test.sample", line 2: unknown key "lable" (did you mean "label"?); the keys are report, label, description, programmes, indicators, breakdowns, compare_previous)",
      R"(report "test.sample", line 6: indicator #2: id "Bad-Id" is not valid; an id starts with a lowercase letter and uses only a-z, 0-9 and _)",
      R"(report "test.sample", line 8: indicator "exits": id is already used by the indicator at line 4)",
      R"(report "test.sample", line 11: indicator "broken": condition "contract in ['cdi' 'cdd']": column 20: expected ',' or ']' in the list opened at column 13, found the string 'cdd')",
      R"(report "test.sample", line 13: indicator "ratio": rate: the denominator "later" is declared below it (line 14); a rate may only use indicators declared above it)",
      R"(report "test.sample", line 17: indicator "ghost_rate": rate: the denominator "ghost" is not an indicator; the indicators above it that a rate can use are exits, later)",
      R"(report "test.sample", line 18: indicator "nothing": needs one of when (a condition), rate: [numerator, denominator] or active_at_end: true)",
      R"(report "test.sample", line 20: indicator "both": has when, rate; an indicator has exactly one of when, rate or active_at_end)",
      R"(report "test.sample", line 26: indicator "split": has both distinct and by; choose one)",
      R"(report "test.sample", line 29: indicator "stray": by only goes with when (it refines what a matching event counts))",
      R"(report "test.sample", line 31: indicator "inactive": active_at_end must be true, found "false")",
      R"(report "test.sample", line 34: indicator "extra": unknown key "colour"; the keys are id, label, when, distinct, by, values, rate, active_at_end)",
      R"(report "test.sample", line 35: unknown breakdown "region"; breakdowns are sex, age_band, prescriber, or a path below entry such as entry.attrs.rqth or entry.fields.prescriber)",
      R"(report "test.sample", line 35: breakdown sex is listed twice)",
      R"(report "test.sample", line 36: compare_previous must be true or false, found "maybe")",
  };
  EXPECT_EQ(problems, expected);
}

TEST(ReportDefinitionParseTest, RatesOnlyDivideCountsDeclaredAbove) {
  const Strings problems = Problems(R"(report: sample
indicators:
  - id: exits
    when: exit
  - id: reasons
    when: exit
    by: reason
  - id: share
    rate: [reasons, exits]
  - id: again
    rate: [share, exits]
  - id: self
    rate: [self, exits]
  - id: short
    rate: [exits]
)");
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find(R"(line 9: indicator "share": rate: the numerator "reasons" is a by indicator; a rate divides counts)"),
            std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find(R"(line 11: indicator "again": rate: the numerator "share" is a rate indicator)"), std::string::npos)
      << problems[1];
  EXPECT_NE(problems[2].find(R"(indicator "self": rate: the numerator is the rate itself)"), std::string::npos)
      << problems[2];
  EXPECT_NE(problems[3].find(R"(indicator "short": rate must be [numerator, denominator], two indicator ids)"),
            std::string::npos) << problems[3];
}

TEST(ReportDefinitionParseTest, ProgrammesNamesTheProgrammesTheReportServes) {
  auto def = ParseReportDefinition("report: sample\nprogrammes: [iae, peps, my-plie]\nindicators:\n  - id: a\n    when: exit\n",
                                   "test.sample");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->programmes, (Strings{"iae", "peps", "my-plie"}));
  // Without it, the report serves every programme.
  auto any = ParseReportDefinition("report: sample\nindicators:\n  - id: a\n    when: exit\n", "test.sample");
  ASSERT_TRUE(any.ok()) << any.status().ToString();
  EXPECT_TRUE(any->programmes.empty());

  auto first = [](const std::string& programmes) {
    const Strings p = Problems("report: sample\nprogrammes: " + programmes + "\nindicators:\n  - id: a\n    when: exit\n");
    return p.empty() ? std::string() : p[0];
  };
  EXPECT_EQ(first("[]"),
            R"(report "test.sample", line 2: programmes must be a non-empty list of programme ids, such as [iae, peps], found a list; leave it out for a report that applies to every programme)");
  EXPECT_EQ(first("iae"),
            R"(report "test.sample", line 2: programmes must be a non-empty list of programme ids, such as [iae, peps], found "iae"; leave it out for a report that applies to every programme)");
  EXPECT_EQ(first("[iae, Peps]"),
            R"(report "test.sample", line 2: programmes: "Peps" is not a programme id; a programme id starts with a lowercase letter and uses only a-z, 0-9, _ and -)");
  EXPECT_EQ(first("[iae, [peps]]"),
            R"(report "test.sample", line 2: programmes: a list is not a programme id; a programme id starts with a lowercase letter and uses only a-z, 0-9, _ and -)");
  EXPECT_EQ(first("[iae, iae]"), R"(report "test.sample", line 2: programmes: iae is listed twice)");
}

TEST(ReportDefinitionParseTest, ShapeProblems) {
  auto first = [](const std::string& yaml) {
    const Strings p = Problems(yaml);
    return p.empty() ? std::string() : p[0];
  };
  EXPECT_EQ(first(""), R"(report "test.sample", line 1: the definition is empty; a report needs at least report and indicators)");
  EXPECT_EQ(first("- a\n- b\n"),
            R"(report "test.sample", line 1: a report definition is a map with report, label, indicators...; found a list)");
  EXPECT_EQ(first("report: sample\n"),
            R"(report "test.sample", line 1: missing indicators: a list of at least one indicator (- id: ... when: ...))");
  EXPECT_EQ(first("report: sample\nindicators: []\n"),
            R"(report "test.sample", line 2: indicators must be a non-empty list of indicators, found a list)");
  EXPECT_EQ(first("indicators:\n  - id: a\n    when: exit\n"),
            R"(report "test.sample", line 1: missing report: the report's id, e.g. report: sorties)");
  EXPECT_EQ(first("report: other\nindicators:\n  - id: a\n    when: exit\n"),
            R"(report "test.sample", line 1: report: other does not match the name it is provided under; write report: sample)");
  EXPECT_EQ(first("report: sample\nindicators:\n  - id: a\n    when: [exit\n"),
            R"(report "test.sample", line 5: YAML syntax error: end of sequence flow not found)");
  EXPECT_EQ(first("report: sample\nindicators:\n  - just text\n"),
            R"(report "test.sample", line 3: an indicator is a map (- id: ... when: ...), found "just text")");
  EXPECT_EQ(first("report: sample\nindicators:\n  - id: a\n    when: exit\n    values: found\n"),
            R"(report "test.sample", line 5: indicator "a": values only goes with by)");
  EXPECT_EQ(first("report: sample\nindicators:\n  - id: a\n    when: exit\n    by: reason\n    values: everything\n"),
            R"(report "test.sample", line 6: indicator "a": values "everything" is not known; give workflow, exits, found or a list of values)");
  EXPECT_EQ(first("report: sample\nindicators:\n  - id: a\n    when: exit\n    distinct: [provider, 3x]\n"),
            R"(report "test.sample", line 5: indicator "a": distinct: "3x" is not a variable name (letters, digits, _ and dots))");
  EXPECT_EQ(first("report: sample\nindicators:\n  - id: a\n    when: exit\n    by: not\n"),
            R"(report "test.sample", line 5: indicator "a": by must name one variable, such as reason or entry.attrs.rqth, found "not")");
  EXPECT_EQ(first("report: sample\nindicators:\n  - id: a\n    when: \"x = 1\"\n"),
            R"(report "test.sample", line 4: indicator "a": condition "x = 1": column 3: unexpected '='; use '==' to compare)");
  // A plugin's report may carry its full name too; an unnamed one takes the file's.
  EXPECT_TRUE(ParseReportDefinition("report: sample\nindicators:\n  - id: a\n    when: exit\n", "test.sample").ok());
  auto unnamed = ParseReportDefinition("report: mine\nindicators:\n  - id: a\n    when: exit\n");
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(unnamed->name, "mine");
}

// ---- evaluation over a known population ---------------------------------------------------

constexpr const char* kSample = R"yaml(report: sample
label: Sample report
description: Every kind of indicator, for tests
indicators:
  - id: referred
    label: Referred
    when: "kind == 'enroll'"
  - id: positioned
    when: "action == 'position'"
  - id: trained
    when: "action == 'start_training'"
  - id: placed
    when: "action == 'place'"
  - id: durable
    when: "action == 'place' and (contract in ['cdi', 'creation'] or months >= 6)"
  - id: durable_rate
    rate: [durable, placed]
  - id: training_actions
    when: "action == 'start_training'"
    distinct: [provider, fields.certification]
  - id: exits
    when: exit
  - id: exits_by_reason
    when: exit
    by: reason
  - id: contracts
    when: "action == 'place'"
    by: contract
    values: [cdi, interim]
  - id: exit_rate
    rate: [exits, referred]
  - id: rqth_referred
    when: "kind == 'enroll' and entry.attrs.rqth == 'yes'"
  - id: active
    active_at_end: true
breakdowns: [sex, entry.attrs.rqth]
compare_previous: true
)yaml";

const Strings kReasons = {"employment", "training", "dropout", "moved", "refused", "other"};

std::map<std::string, int64_t> Reasons(std::map<std::string, int64_t> nonzero) {
  std::map<std::string, int64_t> all;
  for (const auto& r : kReasons) all[r] = 0;
  for (const auto& [k, v] : nonzero) all[k] = v;
  return all;
}

using Numbers = std::map<std::string, std::optional<int64_t>>;

class ReportDefinitionTest : public testing::PopulationTestBase {
 protected:
  ReportDefinitionTest() : PopulationTestBase("2026-06-30", "report-def-test") {}

  // The period is March 2026; the previous one is February 2026 (a whole
  // month: the month before). Comments say what each pathway contributes.
  void BuildPopulation() {
    // Anna, F, rqth yes. Previous: referred, positioned, active at its end.
    // Period: trained (GRETA/DEAES), placed cdi (durable), active at the end.
    const auto anna = Enroll(NewPerson("Anna Arnaud", "1990-01-01", "F", {{"rqth", "yes"}}), "2026-02-10");
    Advance(anna, "position", "2026-02-15");
    Advance(anna, "start_training", "2026-03-02", {{"provider", "GRETA"}, {"certification", "DEAES"}});
    Advance(anna, "place", "2026-03-20", {{"contract", "cdi"}});

    // Boris, M, rqth no. Period: referred on `from`, positioned, trained twice
    // (GRETA/DEAES again, and AFPA without certification), placed cdd 3 months
    // on `to` (not durable), active at the end.
    const auto boris = Enroll(NewPerson("Boris Bernard", "1985-05-05", "M", {{"rqth", "no"}}), "2026-03-01");
    Advance(boris, "position", "2026-03-02");
    Advance(boris, "start_training", "2026-03-05", {{"provider", "GRETA"}, {"certification", "DEAES"}});
    Advance(boris, "start_vae", "2026-03-10", {{"certification", "ADVF"}});
    Advance(boris, "start_training", "2026-03-12", {{"provider", "AFPA"}});
    Advance(boris, "place", "2026-03-31", {{"contract", "cdd"}, {"months", "3"}});

    // Chloé, F, no rqth recorded. Previous: exit moved. Period: nothing.
    const auto chloe = Enroll(NewPerson("Chloé Chevalier", "1980-03-03", "F"), "2026-01-20");
    Advance(chloe, "position", "2026-01-25");
    Advance(chloe, "exit", "2026-02-20", {{"reason", "moved"}});

    // Gus, M, exited in 2025. Period: only a follow-up (6 months after his
    // exit), which no indicator counts: in no group.
    const auto gus = Enroll(NewPerson("Gus Garnier", "1981-04-04", "M"), "2025-08-01");
    Advance(gus, "exit", "2025-09-10", {{"reason", "moved"}});
    Record(gus, "follow_up", "2026-03-15", {{"employed", "yes"}});

    // Dan, M, rqth yes. Period: referred (rqth), positioned, trained
    // (GRETA/DEAES), a placement voided; his exit after `to` leaves him active.
    const auto dan = Enroll(NewPerson("Dan Dupont", "1970-07-07", "M", {{"rqth", "yes"}}), "2026-03-10");
    Advance(dan, "position", "2026-03-11");
    Advance(dan, "start_training", "2026-03-12", {{"provider", "GRETA"}, {"certification", "DEAES"}});
    Advance(dan, "place", "2026-03-20", {{"contract", "cdi"}});
    Void(dan);
    Advance(dan, "exit", "2026-04-01", {{"reason", "dropout"}});

    // Eve, X, rqth no. Previous: referred on its last day, active at its end.
    // Period: exit employment on `from`.
    const auto eve = Enroll(NewPerson("Eve Eliot", "2000-02-02", "X", {{"rqth", "no"}}), "2026-02-28");
    Advance(eve, "exit", "2026-03-01", {{"reason", "employment"}});

    // Fay, F, no rqth recorded: enrolled the day before the previous period
    // (not referred in it), positioned on its first day; active at both ends.
    const auto fay = Enroll(NewPerson("Fay Fabre", "1995-09-09", "F"), "2026-01-31");
    Advance(fay, "position", "2026-02-01");
    Advance(fay, "exit", "2026-04-15", {{"reason", "other"}});
  }

  ReportDefinition Sample() const {
    auto def = ParseReportDefinition(kSample, "test.sample");
    EXPECT_TRUE(def.ok()) << def.status().ToString();
    return def.ok() ? *def : ReportDefinition{};
  }

  Result<ReportResult> Evaluate(const ReportDefinition& def, const char* from, const char* to) {
    auto wf = engine_->GetWorkflow("insertion");
    EXPECT_TRUE(wf.ok());
    return EvaluateReport(*store_, def, **wf, D(from), D(to));
  }

  ReportResult SampleMarch() {
    auto r = Evaluate(Sample(), "2026-03-01", "2026-03-31");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ReportResult{};
  }

};

TEST_F(ReportDefinitionTest, TotalsOfEveryIndicatorKind) {
  BuildPopulation();
  const ReportResult r = SampleMarch();
  EXPECT_EQ(r.report, "test.sample");
  EXPECT_EQ(r.label, "Sample report");
  EXPECT_EQ(r.programme, "insertion");
  EXPECT_EQ(r.totals.numbers, (Numbers{{"referred", 2},          // Boris (on `from`), Dan
                                       {"positioned", 2},        // Boris, Dan
                                       {"trained", 3},           // Anna, Boris (twice, once), Dan
                                       {"placed", 2},            // Anna, Boris (on `to`); Dan's voided
                                       {"durable", 1},           // Anna
                                       {"durable_rate", 500},    // 1 of 2: 50.0 %
                                       {"training_actions", 2},  // GRETA/DEAES, AFPA/-
                                       {"exits", 1},             // Eve (on `from`)
                                       {"exit_rate", 500},       // 1 of 2
                                       {"rqth_referred", 1},     // Dan
                                       {"active", 4}}));         // Anna, Boris, Dan, Fay
  EXPECT_EQ(r.totals.by.at("exits_by_reason"), Reasons({{"employment", 1}}));
  // Listed values first (at 0 when nobody has them), then values found.
  EXPECT_EQ(r.totals.by.at("contracts"), (std::map<std::string, int64_t>{{"cdi", 1}, {"interim", 0}, {"cdd", 1}}));
  ASSERT_EQ(r.indicators.size(), 13u);
  EXPECT_EQ(r.indicators[9].id, "contracts");
  EXPECT_EQ(r.indicators[9].listed_values, (Strings{"cdi", "interim"}));
  EXPECT_EQ(r.indicators[8].listed_values, kReasons);  // from the workflow's reason enum
}

using Period = std::pair<Date, Date>;
Period P(const char* from, const char* to) { return {D(from), D(to)}; }

TEST(PreviousPeriod, AWholeYearIsComparedWithThePreviousYear) {
  EXPECT_EQ(PreviousPeriod(D("2025-01-01"), D("2025-12-31")), P("2024-01-01", "2024-12-31"));  // 2024 is leap
  EXPECT_EQ(PreviousPeriod(D("2026-01-01"), D("2026-12-31")), P("2025-01-01", "2025-12-31"));
  EXPECT_EQ(PreviousPeriod(D("2025-01-01"), D("2026-12-31")), P("2023-01-01", "2024-12-31"));  // two years
}

TEST(PreviousPeriod, AWholeMonthIsComparedWithThePreviousMonthWhateverItsLength) {
  EXPECT_EQ(PreviousPeriod(D("2026-03-01"), D("2026-03-31")), P("2026-02-01", "2026-02-28"));
  EXPECT_EQ(PreviousPeriod(D("2024-03-01"), D("2024-03-31")), P("2024-02-01", "2024-02-29"));  // leap February
  EXPECT_EQ(PreviousPeriod(D("2024-02-01"), D("2024-02-29")), P("2024-01-01", "2024-01-31"));
  EXPECT_EQ(PreviousPeriod(D("2023-02-01"), D("2023-02-28")), P("2023-01-01", "2023-01-31"));
  EXPECT_EQ(PreviousPeriod(D("2026-05-01"), D("2026-05-31")), P("2026-04-01", "2026-04-30"));
  EXPECT_EQ(PreviousPeriod(D("2026-01-01"), D("2026-01-31")), P("2025-12-01", "2025-12-31"));  // over the year end
}

TEST(PreviousPeriod, AWholeQuarterIsComparedWithThePreviousQuarter) {
  EXPECT_EQ(PreviousPeriod(D("2026-04-01"), D("2026-06-30")), P("2026-01-01", "2026-03-31"));
  EXPECT_EQ(PreviousPeriod(D("2026-01-01"), D("2026-03-31")), P("2025-10-01", "2025-12-31"));  // over the year end
  EXPECT_EQ(PreviousPeriod(D("2024-04-01"), D("2024-06-30")), P("2024-01-01", "2024-03-31"));  // with 29 February
  EXPECT_EQ(PreviousPeriod(D("2026-07-01"), D("2026-12-31")), P("2026-01-01", "2026-06-30"));  // a half-year
}

TEST(PreviousPeriod, OtherPeriodsAreComparedWithAsManyDaysJustBefore) {
  EXPECT_EQ(PreviousPeriod(D("2024-03-01"), D("2024-03-01")), P("2024-02-29", "2024-02-29"));
  EXPECT_EQ(PreviousPeriod(D("2026-03-10"), D("2026-03-19")), P("2026-02-28", "2026-03-09"));
  EXPECT_EQ(PreviousPeriod(D("2024-03-02"), D("2024-03-31")), P("2024-02-01", "2024-03-01"));   // 30 days, leap
  EXPECT_EQ(PreviousPeriod(D("2026-01-01"), D("2026-01-30")), P("2025-12-02", "2025-12-31"));   // not the whole month
  EXPECT_EQ(PreviousPeriod(D("2025-01-02"), D("2025-12-31")), P("2024-01-04", "2025-01-01"));   // not the whole year
}

TEST_F(ReportDefinitionTest, PreviousPeriodIsComparedWithTheCalendarPeriodBefore) {
  BuildPopulation();
  const ReportResult r = SampleMarch();
  ASSERT_TRUE(r.compare_previous);
  EXPECT_EQ(r.previous_from, D("2026-02-01"));
  EXPECT_EQ(r.previous_to, D("2026-02-28"));
  EXPECT_EQ(r.previous.numbers, (Numbers{{"referred", 2},  // Anna, Eve (on its last day); not Fay (the day before)
                                         {"positioned", 2},  // Anna, Fay (on its first day)
                                         {"trained", 0},
                                         {"placed", 0},
                                         {"durable", 0},
                                         {"durable_rate", std::nullopt},  // 0 of 0
                                         {"training_actions", 0},
                                         {"exits", 1},  // Chloé
                                         {"exit_rate", 500},
                                         {"rqth_referred", 1},  // Anna
                                         {"active", 3}}));      // Anna, Eve, Fay
  EXPECT_EQ(r.previous.by.at("exits_by_reason"), Reasons({{"moved", 1}}));
  EXPECT_EQ(r.previous.by.at("contracts"), (std::map<std::string, int64_t>{{"cdi", 0}, {"interim", 0}}));

  const Json j = r.ToJson();
  EXPECT_EQ(j.at("previous").at("from"), "2026-02-01");
  EXPECT_EQ(j.at("previous").at("to"), "2026-02-28");
  EXPECT_EQ(j.at("previous").at("indicators").at("durable_rate"), nullptr);
  EXPECT_EQ(j.at("previous").at("indicators").at("active"), 3);
  const Json& change = j.at("change");
  EXPECT_EQ(change.at("referred"), 0);
  EXPECT_EQ(change.at("trained"), 3);
  EXPECT_EQ(change.at("placed"), 2);
  EXPECT_EQ(change.at("training_actions"), 2);
  EXPECT_EQ(change.at("active"), 1);
  EXPECT_EQ(change.at("durable_rate"), nullptr);  // no rate in the previous period
  EXPECT_EQ(change.at("exit_rate"), 0.0);
  EXPECT_EQ(change.at("exits_by_reason").at("employment"), 1);
  EXPECT_EQ(change.at("exits_by_reason").at("moved"), -1);
  EXPECT_EQ(change.at("exits_by_reason").at("other"), 0);
  EXPECT_EQ(change.at("contracts"), (Json{{"cdd", 1}, {"cdi", 1}, {"interim", 0}}));
}

TEST_F(ReportDefinitionTest, BreakdownsBySexAndAnEntryAttribute) {
  BuildPopulation();
  const ReportResult r = SampleMarch();
  EXPECT_EQ(r.dimensions, (Strings{"sex", "entry.attrs.rqth"}));
  EXPECT_EQ(r.dimension_values.at("sex"), (Strings{"F", "M", "X"}));
  EXPECT_EQ(r.dimension_values.at("entry.attrs.rqth"), (Strings{"yes", "no"}));

  const auto& sex = r.breakdowns.at("sex");
  ASSERT_EQ(sex.size(), 3u);
  EXPECT_EQ(sex.at("F").numbers, (Numbers{{"referred", 0}, {"positioned", 0}, {"trained", 1}, {"placed", 1},
                                          {"durable", 1}, {"durable_rate", 1000}, {"training_actions", 1},
                                          {"exits", 0}, {"exit_rate", std::nullopt}, {"rqth_referred", 0},
                                          {"active", 2}}));  // Anna, Fay; Chloé is in no group
  EXPECT_EQ(sex.at("M").numbers, (Numbers{{"referred", 2}, {"positioned", 2}, {"trained", 2}, {"placed", 1},
                                          {"durable", 0}, {"durable_rate", 0}, {"training_actions", 2},
                                          {"exits", 0}, {"exit_rate", 0}, {"rqth_referred", 1}, {"active", 2}}));
  EXPECT_EQ(sex.at("X").numbers, (Numbers{{"referred", 0}, {"positioned", 0}, {"trained", 0}, {"placed", 0},
                                          {"durable", 0}, {"durable_rate", std::nullopt}, {"training_actions", 0},
                                          {"exits", 1}, {"exit_rate", std::nullopt}, {"rqth_referred", 0},
                                          {"active", 0}}));
  EXPECT_EQ(sex.at("X").by.at("exits_by_reason"), Reasons({{"employment", 1}}));
  EXPECT_EQ(sex.at("M").by.at("contracts"), (std::map<std::string, int64_t>{{"cdi", 0}, {"interim", 0}, {"cdd", 1}}));

  // Fay and Chloé have no rqth: Fay counts under "unspecified", Chloé nowhere.
  const auto& rqth = r.breakdowns.at("entry.attrs.rqth");
  ASSERT_EQ(rqth.size(), 3u);
  EXPECT_EQ(rqth.at("yes").numbers, (Numbers{{"referred", 1}, {"positioned", 1}, {"trained", 2}, {"placed", 1},
                                             {"durable", 1}, {"durable_rate", 1000}, {"training_actions", 1},
                                             {"exits", 0}, {"exit_rate", 0}, {"rqth_referred", 1},
                                             {"active", 2}}));  // Anna, Dan
  EXPECT_EQ(rqth.at("no").numbers, (Numbers{{"referred", 1}, {"positioned", 1}, {"trained", 1}, {"placed", 1},
                                            {"durable", 0}, {"durable_rate", 0}, {"training_actions", 2},
                                            {"exits", 1}, {"exit_rate", 1000}, {"rqth_referred", 0},
                                            {"active", 1}}));  // Boris, Eve
  EXPECT_EQ(rqth.at("unspecified").numbers.at("active"), 1);  // Fay
  EXPECT_EQ(rqth.at("unspecified").numbers.at("referred"), 0);

  const Json j = r.ToJson();
  EXPECT_EQ(j.at("breakdowns").at("entry.attrs.rqth").at("no").at("exit_rate"), 100.0);
  EXPECT_EQ(j.at("breakdowns").at("sex").at("F").at("durable_rate"), 100.0);
  EXPECT_EQ(j.at("breakdowns").at("sex").at("X").at("durable_rate"), nullptr);
}

TEST_F(ReportDefinitionTest, JsonShape) {
  BuildPopulation();
  const Json j = SampleMarch().ToJson();
  Strings keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (Strings{"breakdowns", "change", "from", "indicators", "label", "previous", "programme", "report",
                           "to"}));
  EXPECT_EQ(j.at("report"), "test.sample");
  EXPECT_EQ(j.at("label"), "Sample report");
  EXPECT_EQ(j.at("from"), "2026-03-01");
  EXPECT_EQ(j.at("to"), "2026-03-31");
  const Json& ind = j.at("indicators");
  EXPECT_EQ(ind.size(), 13u);
  EXPECT_TRUE(ind.at("referred").is_number_integer());
  EXPECT_EQ(ind.at("durable_rate"), 50.0);
  EXPECT_TRUE(ind.at("durable_rate").is_number_float());
  EXPECT_EQ(ind.at("exits_by_reason").at("employment"), 1);
  EXPECT_EQ(ind.at("contracts"), (Json{{"cdd", 1}, {"cdi", 1}, {"interim", 0}}));
  EXPECT_NE(j.dump().find("\"durable_rate\":50.0"), std::string::npos) << j.dump();
}

TEST_F(ReportDefinitionTest, RatesRoundToOneDecimal) {
  // 2 of 3 placements durable: 66.7 %; 1 of 3: 33.3 %.
  for (const auto& [name, contract] : std::vector<std::pair<std::string, std::string>>{
           {"Ann One", "cdi"}, {"Ann Two", "creation"}, {"Ann Three", "interim"}}) {
    const auto pw = Enroll(NewPerson(name, "1990-01-01", "F"), "2026-03-01");
    Advance(pw, "position", "2026-03-02");
    RawFields fields = {{"contract", contract}};
    if (contract == "interim") fields["months"] = "2";
    Advance(pw, "place", "2026-03-03", fields);
  }
  auto def = ParseReportDefinition(R"(report: rates
indicators:
  - id: placed
    when: "action == 'place'"
  - id: durable
    when: "action == 'place' and contract in ['cdi', 'creation']"
  - id: short
    when: "action == 'place' and contract == 'interim'"
  - id: durable_rate
    rate: [durable, placed]
  - id: short_rate
    rate: [short, placed]
  - id: inverse
    rate: [placed, short]
)");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  auto r = Evaluate(*def, "2026-03-01", "2026-03-31");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.numbers.at("durable_rate"), 667);
  EXPECT_EQ(r->totals.numbers.at("short_rate"), 333);
  EXPECT_EQ(r->totals.numbers.at("inverse"), 3000);  // rates may exceed 100 %
  const Json j = r->ToJson();
  EXPECT_NE(j.dump().find("\"durable_rate\":66.7"), std::string::npos) << j.dump();
  EXPECT_NE(j.dump().find("\"short_rate\":33.3"), std::string::npos) << j.dump();
  EXPECT_FALSE(j.contains("previous"));
  EXPECT_FALSE(j.contains("change"));
  EXPECT_EQ(j.at("breakdowns"), Json::object());
}

TEST_F(ReportDefinitionTest, VoidedEventsAndPeriodBoundaries) {
  const auto pw = Enroll(NewPerson("Ann Bell", "1990-01-01", "F"), "2026-03-10");
  Advance(pw, "position", "2026-03-15");
  Advance(pw, "start_training", "2026-03-16", {{"provider", "GRETA"}});
  Void(pw);
  Advance(pw, "exit", "2026-03-20", {{"reason", "other"}});
  auto def = ParseReportDefinition(R"(report: bounds
indicators:
  - id: referred
    when: "kind == 'enroll'"
  - id: trained
    when: "action == 'start_training'"
  - id: actions
    when: "action == 'start_training'"
    distinct: [provider]
  - id: exits
    when: exit
  - id: active
    active_at_end: true
)");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  auto totals = [&](const char* from, const char* to) {
    auto r = Evaluate(*def, from, to);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->totals.numbers : Numbers{};
  };
  auto expect = [](int64_t referred, int64_t exits, int64_t active) {
    return Numbers{{"referred", referred}, {"trained", 0}, {"actions", 0}, {"exits", exits}, {"active", active}};
  };
  EXPECT_EQ(totals("2026-03-10", "2026-03-10"), expect(1, 0, 1));  // enrolment on both bounds
  EXPECT_EQ(totals("2026-03-01", "2026-03-09"), expect(0, 0, 0));  // the day before
  EXPECT_EQ(totals("2026-03-11", "2026-03-19"), expect(0, 0, 1));  // voided training not counted
  EXPECT_EQ(totals("2026-03-20", "2026-03-31"), expect(0, 1, 0));  // exit on `from`
  EXPECT_EQ(totals("2026-03-11", "2026-03-20"), expect(0, 1, 0));  // exit on `to`: no longer active
  EXPECT_EQ(totals("2026-03-21", "2026-12-31"), expect(0, 0, 0));
}

TEST_F(ReportDefinitionTest, AFailingConditionNamesTheReportAndIndicator) {
  BuildPopulation();
  auto def = ParseReportDefinition(R"(report: broken
indicators:
  - id: odd
    when: "action == 'place' and months < 'six'"
)", "test.broken");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  auto r = Evaluate(*def, "2026-03-01", "2026-03-31");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsRefused());
  EXPECT_EQ(r.status().message().rfind(R"(report "test.broken": indicator "odd": condition "action == 'place' and months < 'six'": column )", 0), 0u)
      << r.status().message();
  EXPECT_NE(r.status().message().find("cannot compare an integer with a string"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("event dated 2026-03-31"), std::string::npos) << r.status().message();
}

TEST_F(ReportDefinitionTest, CsvShowsTheSameFigures) {
  BuildPopulation();
  const Strings lines = SplitLines(SampleMarch().ToCsv());
  ASSERT_EQ(lines.size(), 1u + 3u + 3u + 3u) << SampleMarch().ToCsv();
  EXPECT_EQ(lines[0],
            "group,value,referred,positioned,trained,placed,durable,durable_rate,training_actions,exits,"
            "exits_by_reason.employment,exits_by_reason.training,exits_by_reason.dropout,exits_by_reason.moved,"
            "exits_by_reason.refused,exits_by_reason.other,contracts.cdi,contracts.interim,contracts.cdd,"
            "exit_rate,rqth_referred,active");
  EXPECT_EQ(lines[1], "all,all,2,2,3,2,1,50.0,2,1,1,0,0,0,0,0,1,0,1,50.0,1,4");
  EXPECT_EQ(lines[2], "previous,2026-02-01/2026-02-28,2,2,0,0,0,,0,1,0,0,0,1,0,0,0,0,0,50.0,1,3");
  EXPECT_EQ(lines[3], "change,all,0,0,3,2,1,,2,0,1,0,0,-1,0,0,1,0,1,0.0,0,1");
  EXPECT_EQ(lines[4], "sex,F,0,0,1,1,1,100.0,1,0,0,0,0,0,0,0,1,0,0,,0,2");
  EXPECT_EQ(lines[7], "entry.attrs.rqth,yes,1,1,2,1,1,100.0,1,0,0,0,0,0,0,0,1,0,0,0.0,1,2");
  EXPECT_EQ(lines[9], "entry.attrs.rqth,unspecified,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,,0,1");
}

TEST_F(ReportDefinitionTest, TableShowsTheSameFigures) {
  BuildPopulation();
  const std::string table = SampleMarch().ToTable();
  const Strings lines = SplitLines(table);
  ASSERT_GE(lines.size(), 4u) << table;
  EXPECT_EQ(lines[0], "Sample report: insertion, 2026-03-01 to 2026-03-31");
  EXPECT_EQ(lines[1], "Compared with the previous period: 2026-02-01 to 2026-02-28");
  auto row = [&](const std::string& section, const std::string& name) {
    const std::size_t at = table.find(section);
    EXPECT_NE(at, std::string::npos) << section;
    std::size_t start = table.find("\n" + name, at);
    while (start != std::string::npos && start + 1 + name.size() < table.size() &&
           table[start + 1 + name.size()] != ' ' && table[start + 1 + name.size()] != '\n')
      start = table.find("\n" + name, start + 1);
    EXPECT_NE(start, std::string::npos) << name << "\n" << table;
    if (start == std::string::npos) return Strings{};
    std::istringstream in(table.substr(start + 1, table.find('\n', start + 1) - start - 1));
    Strings cells;
    for (std::string c; in >> c;) cells.push_back(c);
    return cells;
  };
  EXPECT_EQ(row("By sex", "INDICATOR"), (Strings{"INDICATOR", "all", "previous", "change", "F", "M", "X"}));
  EXPECT_EQ(row("By sex", "Referred"), (Strings{"Referred", "2", "2", "0", "0", "2", "0"}));
  EXPECT_EQ(row("By sex", "trained"), (Strings{"trained", "3", "0", "+3", "1", "2", "0"}));
  EXPECT_EQ(row("By sex", "durable_rate"), (Strings{"durable_rate", "50.0%", "-", "-", "100.0%", "0.0%", "-"}));
  EXPECT_EQ(row("By sex", "exits_by_reason"), (Strings{"exits_by_reason"}));
  EXPECT_EQ(row("By sex", "  moved"), (Strings{"moved", "0", "1", "-1", "0", "0", "0"}));
  EXPECT_EQ(row("By entry.attrs.rqth", "INDICATOR"),
            (Strings{"INDICATOR", "all", "previous", "change", "yes", "no", "unspecified"}));
  EXPECT_EQ(row("By entry.attrs.rqth", "active"), (Strings{"active", "4", "3", "+1", "2", "1", "1"}));
}

TEST_F(ReportDefinitionTest, ConditionsMayReadTheEntryAndEnrolmentDate) {
  BuildPopulation();
  auto def = ParseReportDefinition(R"(report: entry
indicators:
  - id: quick_training
    when: "action == 'start_training' and days_between(enrolled, date) <= 10"
  - id: by_sex
    when: "action == 'start_training'"
    by: entry.sex
  - id: prescribed
    when: "kind == 'enroll'"
    by: entry.fields.prescriber
)");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  auto r = Evaluate(*def, "2026-03-01", "2026-03-31");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.numbers.at("quick_training"), 2);  // Boris (4 days), Dan (2); Anna took 20
  EXPECT_EQ(r->totals.by.at("by_sex"), (std::map<std::string, int64_t>{{"F", 1}, {"M", 2}, {"X", 0}}));
  EXPECT_EQ(r->totals.by.at("prescribed").at("ccas"), 2);
  EXPECT_EQ(r->totals.by.at("prescribed").at("france_travail"), 0);
}

// ---- through the engine: the built-in outcomes, and plugins' reports -----------------------

TEST_F(ReportDefinitionTest, RunOutcomesGivesTheFiguresOfTheOutcomesReport) {
  BuildPopulation();
  auto run = engine_->RunReport(ReportQuery{"outcomes", "insertion", "2026-02-01", "2026-03-31"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto outcomes = engine_->Outcomes(OutcomesQuery{"insertion", "2026-02-01", "2026-03-31"});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  const Json generic = run->ToJson();
  const Json legacy = outcomes->ToJson();
  EXPECT_EQ(generic.at("indicators"), legacy.at("indicators"));
  EXPECT_EQ(generic.at("breakdowns"), legacy.at("breakdowns"));
  EXPECT_EQ(generic.at("label"), "Outcomes");
  EXPECT_EQ(legacy.size(), 6u);
  EXPECT_EQ(legacy.at("indicators").at("active_at_end"), 4);  // Anna, Boris, Dan, Fay
}

TEST_F(ReportDefinitionTest, RunReportRefusals) {
  BuildPopulation();
  const std::string before = StoreDigest(dir_.path());
  auto expect = [&](const ReportQuery& q, Status::Code code, const std::string& message, const std::string& allowed) {
    auto r = engine_->RunReport(q);
    ASSERT_FALSE(r.ok()) << message;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_EQ(r.status().message(), message);
    EXPECT_EQ(r.status().allowed(), allowed);
  };
  expect({"sorties", "insertion", "2026-03-01", "2026-03-31"}, Status::Code::kNotFound,
         "no report \"sorties\"", "Reports: outcomes (see {cmd:report.list}).");
  expect({"outcomes", "insertion", "2026-02-30", "2026-03-31"}, Status::Code::kRefused,
         "{arg:from} \"2026-02-30\" is not a valid date", "Use YYYY-MM-DD.");
  expect({"outcomes", "insertion", "2026-03-01", "31/03/2026"}, Status::Code::kRefused,
         "{arg:to} \"31/03/2026\" is not a valid date", "Use YYYY-MM-DD.");
  expect({"outcomes", "insertion", "2026-04-01", "2026-03-31"}, Status::Code::kRefused,
         "the period ends (2026-03-31) before it starts (2026-04-01)",
         "Give {arg:from} on or before {arg:to}.");
  auto missing = engine_->RunReport({"outcomes", "nope", "2026-03-01", "2026-03-31"});
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_EQ(StoreDigest(dir_.path()), before);

  auto list = engine_->ListReports();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "outcomes");
  EXPECT_EQ((*list)[0].label, "Outcomes");
  EXPECT_EQ((*list)[0].provider, "built-in");
  EXPECT_FALSE((*list)[0].description.empty());
}

TEST_F(ReportDefinitionTest, PluginReportsAreListedAndRun) {
  PluginRegistry registry(clock_, std::make_shared<spdlog::logger>("plugins"));
  ASSERT_TRUE(registry.LoadFile(std::string(PARCOURS_FIXTURE_DIR) + "/fixture_good.so").ok());
  Engine engine(*store_, clock_, io_, std::make_shared<spdlog::logger>("with-plugins"), &registry);
  BuildPopulation();

  auto list = engine.ListReports();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].name, "good.counts");
  EXPECT_EQ((*list)[1].label, "Counts");
  EXPECT_EQ((*list)[1].provider, "good");

  auto r = engine.RunReport(ReportQuery{"good.counts", "insertion", "2026-03-01", "2026-03-31"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ToJson().at("indicators"), (Json{{"referred", 2}}));
  EXPECT_EQ(r->ToJson().at("report"), "good.counts");

  auto unknown = engine.RunReport(ReportQuery{"good.missing", "insertion", "2026-03-01", "2026-03-31"});
  EXPECT_EQ(unknown.status().allowed(), "Reports: outcomes, good.counts (see {cmd:report.list}).");
}

}  // namespace
}  // namespace parcours
