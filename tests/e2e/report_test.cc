// parcours report outcomes: every indicator, the breakdowns (sex, age band at
// enrolment, prescriber), periods, voided events, and the three formats.
#include <algorithm>
#include <set>
#include <sstream>

#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

const std::vector<std::string> kIndicators = {
    "referred",    "positioned", "entered_training",   "certified", "vae_started", "vae_full",
    "vae_partial", "placed",     "durable_employment", "exits",     "employed_6m", "active_at_end"};
const std::vector<std::string> kReasons = {"employment", "training", "dropout", "moved", "refused", "other"};

// Indicator values of one group, zero for those not named.
Json Figures(std::map<std::string, int> counts, std::map<std::string, int> reasons = {}) {
  Json j = Json::object();
  for (const auto& name : kIndicators) j[name] = counts.count(name) ? counts[name] : 0;
  Json by_reason = Json::object();
  for (const auto& r : kReasons) by_reason[r] = reasons.count(r) ? reasons[r] : 0;
  j["exits_by_reason"] = by_reason;
  return j;
}

// Today is 2026-11-21. Five pathways, each dated event chosen to test a rule:
//   Awa   F 1991-04-02 france_travail  09-01 enrol, 09-08 position, 09-20 start_training,
//                                      11-10 training_completed yes, 11-15 place cdi
//   Karim M 1999-09-14 mission_locale  09-15 enrol, 09-20 position, 10-01 start_vae,
//                                      10-15 vae_decided full (voided), 10-15 vae_decided partial
//   Inès  F 1970-01-30 ccas            10-01 enrol, 11-02 exit moved
//   Léo   M 2000-10-01 mission_locale  03-01 enrol (aged 25; 26 today), 03-10 position,
//                                      09-10 place cdd 3 months, 10-31 exit employment
//   Sam   X 1980-06-06 siae            09-05 enrol, 09-06 position, 09-30 place interim 6 months
//   Noah  M 2003-05-05 mission_locale  04-01 enrol, 05-20 exit employment, 11-20 follow_up
//                                      employed yes (6 months after the exit)
class ReportTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    const Ids ids = SharedDataSet("report", [this] { return Build(); });
    awa_ = ids.at("awa");
    karim_ = ids.at("karim");
    ines_ = ids.at("ines");
    leo_ = ids.at("leo");
    sam_ = ids.at("sam");
  }

  Ids Build() {
    const std::string awa = Enroll(AddPerson("Awa Diallo", "1991-04-02", "F"), "2026-09-01", "france_travail");
    Advance(awa, "position", "2026-09-08");
    Record(awa, "interview", "2026-09-10", {"mode=individual"});
    Advance(awa, "start_training", "2026-09-20", {"provider=GRETA", "certification=DEAES"});
    Record(awa, "training_completed", "2026-11-10", {"certified=yes"});
    Advance(awa, "place", "2026-11-15", {"contract=cdi"});

    const std::string karim = Enroll(AddPerson("Karim Benali", "1999-09-14", "M"), "2026-09-15", "mission_locale");
    Advance(karim, "position", "2026-09-20");
    Advance(karim, "start_vae", "2026-10-01", {"certification=ADVF"});
    Record(karim, "vae_decided", "2026-10-15", {"result=full"});
    Ok({"void", karim, "--seq", "4", "--reason", "the jury's decision was partial"});
    Record(karim, "vae_decided", "2026-10-15", {"result=partial"});

    const std::string ines = Enroll(AddPerson("Inès Lefèvre", "1970-01-30", "F"), "2026-10-01", "ccas");
    Advance(ines, "exit", "2026-11-02", {"reason=moved"});

    const std::string leo = Enroll(AddPerson("Léo Martin", "2000-10-01", "M"), "2026-03-01", "mission_locale");
    Advance(leo, "position", "2026-03-10");
    Advance(leo, "place", "2026-09-10", {"contract=cdd", "months=3"});
    Advance(leo, "exit", "2026-10-31", {"reason=employment"});

    const std::string sam = Enroll(AddPerson("Sam Roux", "1980-06-06", "X"), "2026-09-05", "siae");
    Advance(sam, "position", "2026-09-06");
    Advance(sam, "place", "2026-09-30", {"contract=interim", "months=6"});

    const std::string noah = Enroll(AddPerson("Noah Petit", "2003-05-05", "M"), "2026-04-01", "mission_locale");
    Advance(noah, "exit", "2026-05-20", {"reason=employment"});
    Record(noah, "follow_up", "2026-11-20", {"employed=yes"});
    return Ids{{"awa", awa}, {"karim", karim}, {"ines", ines}, {"leo", leo}, {"sam", sam}};
  }

  Json Report(const std::string& from, const std::string& to) const {
    return Ok({"report", "outcomes", "--programme", "insertion", "--from", from, "--to", to});
  }

  std::string awa_, karim_, ines_, leo_, sam_;
};

TEST_F(ReportTest, JsonHasTheShapeOfTheContract) {
  const Json j = Report("2026-09-01", "2026-11-30");
  EXPECT_EQ(j.value("report", ""), "outcomes");
  EXPECT_EQ(j.value("programme", ""), "insertion");
  EXPECT_EQ(j.value("from", ""), "2026-09-01");
  EXPECT_EQ(j.value("to", ""), "2026-11-30");
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"breakdowns", "from", "indicators", "programme", "report", "to"}));
  std::vector<std::string> dims;
  for (const auto& [k, v] : j["breakdowns"].items()) dims.push_back(k);
  std::sort(dims.begin(), dims.end());
  EXPECT_EQ(dims, (std::vector<std::string>{"age_band", "prescriber", "sex"}));
}

TEST_F(ReportTest, EveryIndicatorOverTheWholePeriod) {
  const Json j = Report("2026-09-01", "2026-11-30");
  EXPECT_EQ(j["indicators"], Figures({{"referred", 4},  // Léo was enrolled in March
                                      {"positioned", 3},
                                      {"entered_training", 1},
                                      {"certified", 1},
                                      {"vae_started", 1},
                                      {"vae_full", 0},  // voided
                                      {"vae_partial", 1},
                                      {"placed", 3},
                                      {"durable_employment", 2},  // cdi, interim 6 months; not cdd 3
                                      {"exits", 2},
                                      {"employed_6m", 1},
                                      {"active_at_end", 3}},
                                     {{"moved", 1}, {"employment", 1}}));
}

TEST_F(ReportTest, BreakdownBySex) {
  const Json sex = Report("2026-09-01", "2026-11-30")["breakdowns"]["sex"];
  EXPECT_EQ(sex["F"], Figures({{"referred", 2}, {"positioned", 1}, {"entered_training", 1}, {"certified", 1},
                               {"placed", 1}, {"durable_employment", 1}, {"exits", 1}, {"active_at_end", 1}},
                              {{"moved", 1}}));
  EXPECT_EQ(sex["M"], Figures({{"referred", 1}, {"positioned", 1}, {"vae_started", 1}, {"vae_partial", 1},
                               {"placed", 1}, {"exits", 1}, {"employed_6m", 1}, {"active_at_end", 1}},
                              {{"employment", 1}}));
  EXPECT_EQ(sex["X"], Figures({{"referred", 1}, {"positioned", 1}, {"placed", 1}, {"durable_employment", 1},
                               {"active_at_end", 1}}));
}

TEST_F(ReportTest, BreakdownByAgeBandUsesTheAgeAtEnrolment) {
  const Json age = Report("2026-09-01", "2026-11-30")["breakdowns"]["age_band"];
  // Léo was 25 when enrolled, 26 today: under_26 (with Noah, who was 22).
  EXPECT_EQ(age["under_26"], Figures({{"placed", 1}, {"exits", 1}, {"employed_6m", 1}}, {{"employment", 1}}));
  EXPECT_EQ(age["26_49"], Figures({{"referred", 3}, {"positioned", 3}, {"entered_training", 1}, {"certified", 1},
                                   {"vae_started", 1}, {"vae_partial", 1}, {"placed", 2},
                                   {"durable_employment", 2}, {"active_at_end", 3}}));
  EXPECT_EQ(age["50_plus"], Figures({{"referred", 1}, {"exits", 1}}, {{"moved", 1}}));
}

TEST_F(ReportTest, BreakdownByPrescriber) {
  const Json by = Report("2026-09-01", "2026-11-30")["breakdowns"]["prescriber"];
  EXPECT_EQ(by["france_travail"], Figures({{"referred", 1}, {"positioned", 1}, {"entered_training", 1},
                                           {"certified", 1}, {"placed", 1}, {"durable_employment", 1},
                                           {"active_at_end", 1}}));
  EXPECT_EQ(by["mission_locale"], Figures({{"referred", 1}, {"positioned", 1}, {"vae_started", 1},
                                           {"vae_partial", 1}, {"placed", 1}, {"exits", 1}, {"employed_6m", 1},
                                           {"active_at_end", 1}},
                                          {{"employment", 1}}));
  EXPECT_EQ(by["ccas"], Figures({{"referred", 1}, {"exits", 1}}, {{"moved", 1}}));
  EXPECT_EQ(by["siae"], Figures({{"referred", 1}, {"positioned", 1}, {"placed", 1}, {"durable_employment", 1},
                                 {"active_at_end", 1}}));
  for (const std::string none : {"rsa_referent", "self", "other"}) EXPECT_EQ(by[none], Figures({})) << none;
}

TEST_F(ReportTest, OnlyEventsDatedInThePeriodCount) {
  const Json october = Report("2026-10-01", "2026-10-31")["indicators"];
  EXPECT_EQ(october, Figures({{"referred", 1},  // Inès, on the first day
                              {"vae_started", 1},
                              {"vae_partial", 1},
                              {"exits", 1},  // Léo, on the last day
                              {"active_at_end", 4}},  // Inès exits in November; Léo has exited
                             {{"employment", 1}}));
  const Json one_day = Report("2026-11-02", "2026-11-02")["indicators"];
  EXPECT_EQ(one_day, Figures({{"exits", 1}, {"active_at_end", 3}}, {{"moved", 1}}));
  // Before anything happened: nobody enrolled yet.
  EXPECT_EQ(Report("2026-01-01", "2026-01-31")["indicators"], Figures({}));
  // March: Léo enrolled and positioned, still active at the end.
  EXPECT_EQ(Report("2026-03-01", "2026-03-31")["indicators"],
            Figures({{"referred", 1}, {"positioned", 1}, {"active_at_end", 1}}));
}

TEST_F(ReportTest, VoidedEventsDoNotCount) {
  const Json before = Report("2026-09-01", "2026-11-30")["indicators"];
  Ok({"void", sam_, "--seq", "3", "--reason", "the contract fell through"});
  Ok({"void", karim_, "--seq", "6", "--reason", "the jury has not met yet"});
  const Json after = Report("2026-09-01", "2026-11-30")["indicators"];
  EXPECT_EQ(after["placed"], before["placed"].get<int>() - 1);
  EXPECT_EQ(after["durable_employment"], before["durable_employment"].get<int>() - 1);
  EXPECT_EQ(after["vae_partial"], 0);
  EXPECT_EQ(after["vae_full"], 0);
  // Voiding Inès's exit makes her active at the end again.
  Ok({"void", ines_, "--seq", "2", "--reason", "she did not move"});
  const Json reopened = Report("2026-09-01", "2026-11-30")["indicators"];
  EXPECT_EQ(reopened["exits"], 1);
  EXPECT_EQ(reopened["exits_by_reason"]["moved"], 0);
  EXPECT_EQ(reopened["active_at_end"], 4);
}

TEST_F(ReportTest, EachPathwayCountsOnceEvenWhenItRepeatsAMove) {
  // Awa's placement voided, then training again from a VAE: two start_training.
  Ok({"void", awa_, "--seq", "6", "--reason", "not signed yet"});
  Advance(awa_, "start_vae", "2026-11-16", {"certification=DEAES"});
  Advance(awa_, "start_training", "2026-11-17", {"provider=AFPA"});
  EXPECT_EQ(Report("2026-09-01", "2026-11-30")["indicators"]["entered_training"], 1);
}

TEST_F(ReportTest, FormatJsonIsTheSameAsJsonOption) {
  const CliResult r = Run({"report", "outcomes", "--programme", "insertion", "--from", "2026-09-01", "--to",
                           "2026-11-30", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json(), Report("2026-09-01", "2026-11-30"));
}

TEST_F(ReportTest, JsonOptionWinsOverFormat) {
  const CliResult r = Run({"--json", "report", "outcomes", "--programme", "insertion", "--from", "2026-09-01", "--to",
                           "2026-11-30", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json(), Report("2026-09-01", "2026-11-30"));
}

TEST_F(ReportTest, AgeBandBoundariesAtEnrolment) {
  // 26 and 50 on the day of enrolment (2026-11-01).
  Enroll(AddPerson("Exactly TwentySix", "2000-11-01", "M"), "2026-11-01", "other");
  Enroll(AddPerson("Exactly Fifty", "1976-11-01", "F"), "2026-11-01", "other");
  const Json j = Report("2026-11-01", "2026-11-01");
  EXPECT_EQ(j["indicators"]["referred"], 2);
  EXPECT_EQ(j["breakdowns"]["age_band"]["under_26"]["referred"], 0);
  EXPECT_EQ(j["breakdowns"]["age_band"]["26_49"]["referred"], 1);
  EXPECT_EQ(j["breakdowns"]["age_band"]["50_plus"]["referred"], 1);
  EXPECT_EQ(j["breakdowns"]["prescriber"]["other"]["referred"], 2);
}

// Splits CSV text into rows of cells (no quoting in this report).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream cells_in(line);
    std::string cell;
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// The figure `column` (an indicator or exits_<reason>) of a JSON indicator set.
int FigureOf(const Json& set, const std::string& column) {
  if (column.rfind("exits_", 0) == 0) return set["exits_by_reason"][column.substr(6)];
  return set[column];
}

TEST_F(ReportTest, CsvShowsTheSameFiguresAsJson) {
  const Json j = Report("2026-09-01", "2026-11-30");
  const CliResult r = Run({"report", "outcomes", "--programme", "insertion", "--from", "2026-09-01", "--to",
                           "2026-11-30", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = ParseCsv(r.out);
  ASSERT_GE(rows.size(), 2u);
  const auto& header = rows[0];
  ASSERT_GE(header.size(), 3u);
  EXPECT_EQ(header[0], "group");
  EXPECT_EQ(header[1], "value");
  // Every indicator and every exit reason is a column.
  for (const auto& name : kIndicators) EXPECT_NE(std::find(header.begin(), header.end(), name), header.end()) << name;
  for (const auto& reason : kReasons)
    EXPECT_NE(std::find(header.begin(), header.end(), "exits_" + reason), header.end()) << reason;

  std::size_t groups = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), header.size()) << "row " << i;
    const Json& set = row[0] == "all" ? j["indicators"] : j["breakdowns"][row[0]][row[1]];
    ASSERT_TRUE(set.is_object()) << row[0] << "," << row[1];
    for (std::size_t c = 2; c < header.size(); ++c) {
      EXPECT_EQ(std::stoi(row[c]), FigureOf(set, header[c])) << row[0] << "," << row[1] << " " << header[c];
    }
    ++groups;
  }
  // all + F, M, X + three age bands + seven prescribers.
  EXPECT_EQ(groups, 1u + 3u + 3u + 7u);
  EXPECT_EQ(rows[1][0], "all");
}

TEST_F(ReportTest, TableShowsTheSameFiguresAsJson) {
  const Json j = Report("2026-09-01", "2026-11-30");
  const CliResult r = Run({"report", "outcomes", "--programme", "insertion", "--from", "2026-09-01", "--to",
                           "2026-11-30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Outcomes: insertion, 2026-09-01 to 2026-11-30"));
  // Each section: "By DIM", a header "INDICATOR all v1 v2...", then one row per figure.
  std::istringstream in(r.out);
  std::string line, dimension;
  std::vector<std::string> columns;
  int checked = 0;
  std::set<std::string> sections;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string w; words >> w;) cells.push_back(w);
    if (cells.empty()) continue;
    if (cells[0] == "By" && cells.size() == 2) {
      dimension = cells[1];
      sections.insert(dimension);
    } else if (cells[0] == "INDICATOR") {
      columns.assign(cells.begin() + 1, cells.end());
    } else if (!dimension.empty()) {
      ASSERT_EQ(cells.size(), columns.size() + 1) << line;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const Json& set = columns[c] == "all" ? j["indicators"] : j["breakdowns"][dimension][columns[c]];
        EXPECT_EQ(std::stoi(cells[c + 1]), FigureOf(set, cells[0])) << dimension << " " << columns[c] << " " << cells[0];
        ++checked;
      }
    }
  }
  EXPECT_EQ(sections, (std::set<std::string>{"sex", "age_band", "prescriber"}));
  // 12 indicators + 6 exit reasons, for all + 3 + all + 3 + all + 7 columns.
  EXPECT_EQ(checked, 18 * (4 + 4 + 8));
}

TEST_F(ReportTest, BadDatesAreRefused) {
  Refused(3, {"report", "outcomes", "--programme", "insertion", "--from", "2026-02-30", "--to", "2026-03-31"},
          {"--from \"2026-02-30\" is not a valid date", "YYYY-MM-DD"});
  Refused(3, {"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to", "31/03/2026"},
          {"--to \"31/03/2026\" is not a valid date", "YYYY-MM-DD"});
}

TEST_F(ReportTest, PeriodEndingBeforeItStartsIsRefused) {
  Refused(3, {"report", "outcomes", "--programme", "insertion", "--from", "2026-12-01", "--to", "2026-01-01"},
          {"the period ends (2026-01-01) before it starts (2026-12-01)", "--from on or before --to"});
}

TEST_F(ReportTest, UnknownProgrammeIsNotFound) {
  Refused(4, {"report", "outcomes", "--programme", "insertoin", "--from", "2026-01-01", "--to", "2026-12-31"},
          {"no programme \"insertoin\"", "Installed programmes: insertion"});
}

TEST_F(ReportTest, OptionsAreRequiredAndFormatChecked) {
  Refused(2, {"report", "outcomes", "--from", "2026-01-01", "--to", "2026-12-31"}, {"--programme"});
  Refused(2, {"report", "outcomes", "--programme", "insertion", "--to", "2026-12-31"}, {"--from"});
  Refused(2, {"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01"}, {"--to"});
  Refused(2,
          {"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to", "2026-12-31", "--format",
           "xlsx"},
          {"xlsx", "table", "csv", "json"});
  Refused(2, {"report"}, {"subcommand"});
}

TEST_F(StoreTest, ReportOnAnEmptyProgrammeIsAllZeros) {
  InitStore();
  InstallInsertion();
  const Json j = Ok({"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to", "2026-12-31"});
  EXPECT_EQ(j["indicators"], Figures({}));
  EXPECT_EQ(j["breakdowns"]["sex"]["F"], Figures({}));
  EXPECT_EQ(j["breakdowns"]["age_band"]["50_plus"], Figures({}));
}

// ---- plugin reports and the programmes they serve --------------------------------

// A shipped plugin, as built next to the test fixtures (build/plugins/NAME.so).
std::string ShippedPlugin(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/../plugins/" + name + ".so";
}

class PluginReportTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    ASSERT_TRUE(std::filesystem::exists(ShippedPlugin("iae"))) << "build the iae target: " << ShippedPlugin("iae");
  }
  // ARGS with only the iae plugin loaded.
  static Args WithIae(const Args& args) {
    Args full = {"--no-default-plugins", "--plugin", ShippedPlugin("iae")};
    full.insert(full.end(), args.begin(), args.end());
    return full;
  }
};

TEST_F(PluginReportTest, APluginReportIsRefusedOnAProgrammeItDoesNotServe) {
  Enroll(AddPerson("Awa Diallo", "1991-04-02", "F"), "2026-09-01", "france_travail");
  const Args run = {"report", "run", "iae.sorties", "--programme", "insertion", "--from", "2026-01-01",
                    "--to", "2026-12-31"};
  Refused(3, WithIae(run),
          {"report \"iae.sorties\" does not apply to programme \"insertion\"", "it serves the programmes iae, peps",
           "Run it with --programme iae"});
  Args json = {"--json"};
  json.insert(json.end(), run.begin(), run.end());
  const CliResult r = Run(WithIae(json));
  EXPECT_EQ(r.exit_code, 3) << Describe(json, r);
  EXPECT_EQ(r.out, "");
  // The built-in outcomes report serves every programme.
  EXPECT_EQ(Ok(WithIae({"report", "run", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to",
                        "2026-12-31"}))["indicators"]["referred"],
            1);
}

TEST_F(PluginReportTest, APluginReportRunsOnAProgrammeItServes) {
  Ok(WithIae({"programme", "install", "iae.siae"}));
  const Json j = Ok(WithIae({"report", "run", "iae.sorties", "--programme", "iae", "--from", "2026-01-01", "--to",
                             "2026-12-31"}));
  EXPECT_EQ(j["report"], "iae.sorties");
  EXPECT_EQ(j["indicators"]["exits"], 0);
}

TEST_F(PluginReportTest, ReportListShowsTheProgrammesEachReportServes) {
  const Json j = Ok(WithIae({"report", "list"}));
  std::map<std::string, Json> programmes;
  for (const auto& r : j["reports"]) programmes[r["name"].get<std::string>()] = r["programmes"];
  EXPECT_EQ(programmes["outcomes"], nullptr);  // every programme
  EXPECT_EQ(programmes["iae.sorties"], (Json{"iae", "peps"}));
  const CliResult human = Run(WithIae({"report", "list"}));
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_TRUE(Contains(human.out, "PROGRAMMES")) << human.out;
  EXPECT_TRUE(Contains(human.out, "iae, peps")) << human.out;
  EXPECT_TRUE(Contains(human.out, "any")) << human.out;
}

}  // namespace
}  // namespace parcours::e2e
