// parcours programme install | list | show: validation with file:line
// problems, identical reinstall, versions, and running pathways keeping theirs.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

// The shipped insertion programme with one more exit reason, "health".
std::string InsertionWithHealthExit() {
  std::string yaml = ReadText(SourcePath("workflows/insertion.yaml"));
  const std::string anchor = "          - {id: other, label: Autre}\n\nmilestones:";
  const auto at = yaml.find(anchor);
  EXPECT_NE(at, std::string::npos) << "workflows/insertion.yaml changed: update this test's edit";
  if (at != std::string::npos) {
    yaml.insert(at + std::string("          - {id: other, label: Autre}\n").size(),
                "          - {id: health, label: Santé}\n");
  }
  return yaml;
}

// Many problems at known lines (the line of each problem is in the comment).
constexpr const char* kBrokenYaml =
    "programme: broken\n"          // 1
    "label: Broken\n"              // 2
    "steps:\n"                     // 3
    "  - id: start\n"              // 4  no initial step
    "  - id: middle\n"             // 5
    "  - id: middle\n"             // 6  duplicate id
    "  - id: end\n"                // 7
    "    final: true\n"            // 8
    "transitions:\n"               // 9
    "  - id: go\n"                 // 10
    "    from: [start]\n"          // 11
    "    to: nowhere\n"            // 12 unknown step
    "  - id: finish\n"             // 13
    "    from: [middle]\n"         // 14
    "    to: end\n"                // 15
    "    fields:\n"                // 16
    "      - id: size\n"           // 17
    "        type: float\n"        // 18 bad field type
    "      - id: kind\n"           // 19 enum with no values
    "        type: enum\n";        // 20

// Valid but for one step that nothing leads to.
constexpr const char* kUnreachableYaml =
    "programme: small\n"           // 1
    "label: Small\n"               // 2
    "steps:\n"                     // 3
    "  - id: start\n"              // 4
    "    initial: true\n"          // 5
    "  - id: island\n"             // 6 unreachable
    "  - id: end\n"                // 7
    "    final: true\n"            // 8
    "transitions:\n"               // 9
    "  - id: finish\n"             // 10
    "    from: [start, island]\n"  // 11
    "    to: end\n";               // 12

using ProgrammeTest = InsertionTest;

TEST_F(ProgrammeTest, InstallPrintsProgrammeAndVersion) {
  // The fixture installed it once already; a fresh store shows the first install.
  TempDir other;
  const CliResult init = RunCli({"--data", other / "s", "init"});
  ASSERT_EQ(init.exit_code, 0);
  const CliResult r = RunCli({"--data", other / "s", "programme", "install", SourcePath("workflows/insertion.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Installed \"Parcours insertion\" (insertion) as version 1"));
  const CliResult j = RunCli({"--json", "--data", other / "s", "programme", "list"});
  EXPECT_EQ(j.json()["programmes"][0]["version"], 1);
}

TEST_F(ProgrammeTest, IdenticalReinstallIsANoOp) {
  const std::string before = Digest();
  const Json j = Ok({"programme", "install", InsertionWithoutDeadlines()});
  EXPECT_EQ(Pick(j, {"programme", "version", "changed"}), (Json{{"programme", "insertion"}, {"version", 1}, {"changed", false}}));
  EXPECT_EQ(Digest(), before);
  const CliResult human = Run({"programme", "install", InsertionWithoutDeadlines()});
  EXPECT_TRUE(Contains(human.out, "already installed as version 1"));
}

TEST_F(ProgrammeTest, SameDefinitionWithOtherCommentsIsANoOp) {
  const std::string copy = dir() / "insertion-copy.yaml";
  WriteFile(copy, "# a copy with another comment\n" + ReadText(InsertionWithoutDeadlines()));
  const std::string before = Digest();
  EXPECT_EQ(Ok({"programme", "install", copy}).value("changed", true), false);
  EXPECT_EQ(Digest(), before);
}

TEST_F(ProgrammeTest, InvalidFileIsRefusedWithEveryProblemAsFileLine) {
  const std::string file = dir() / "broken.yaml";
  WriteFile(file, kBrokenYaml);
  const CliResult r = Refused(3, {"programme", "install", file},
                              {file + " is not a valid workflow",
                               file + ":4: no initial step",
                               file + ":6: duplicate step id \"middle\"",
                               file + ":12:",  // unknown step "nowhere"
                               "\"nowhere\"",
                               file + ":18:",  // unknown type
                               "\"float\"",
                               "allowed types: text, integer, date, yesno, enum",
                               file + ":19:",  // enum without values
                               "needs \"values\""});
  // Every problem line starts with file:line.
  std::size_t problem_lines = 0;
  std::size_t start = 0;
  while (start < r.err.size()) {
    const std::size_t end = r.err.find('\n', start);
    const std::string line = r.err.substr(start, end - start);
    if (line.rfind(file + ":", 0) == 0) ++problem_lines;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  EXPECT_GE(problem_lines, 5u) << r.err;
  EXPECT_EQ(Ok({"programme", "list"})["programmes"].size(), 1u);
}

TEST_F(ProgrammeTest, UnreachableStepIsAProblem) {
  const std::string file = dir() / "small.yaml";
  WriteFile(file, kUnreachableYaml);
  Refused(3, {"programme", "install", file}, {file + ":6:", "\"island\"", "cannot be reached"});
}

TEST_F(ProgrammeTest, InvalidFileJsonErrorListsProblems) {
  const std::string file = dir() / "broken.yaml";
  WriteFile(file, kBrokenYaml);
  const Json err = RefusedJson(3, {"programme", "install", file}, {file + ":4:", file + ":18:"});
  EXPECT_EQ(err.value("code", ""), "refused");
}

TEST_F(ProgrammeTest, NotYamlIsRefusedWithALine) {
  const std::string file = dir() / "garbage.yaml";
  WriteFile(file, "programme: [unclosed\n  steps: {\n");
  Refused(3, {"programme", "install", file}, {file + ":2:", "YAML syntax error"});
}

TEST_F(ProgrammeTest, MissingFileIsNotFound) {
  Refused(4, {"programme", "install", dir() / "nope.yaml"}, {dir() / "nope.yaml", "workflow YAML file"});
}

// A directory is not an empty workflow file: say what it is (like a missing file, exit 4).
TEST_F(ProgrammeTest, DirectoryIsNotAWorkflowFile) {
  const CliResult r = Refused(4, {"programme", "install", dir().path()}, {dir().path(), "directory"});
  EXPECT_FALSE(Contains(r.err, "the file is empty")) << r.err;
}

TEST_F(ProgrammeTest, ChangedFileBecomesVersion2AndRunningPathwaysKeepVersion1) {
  const std::string awa = AddPerson("Awa Diallo");
  const std::string karim = AddPerson("Karim Benali", "1999-09-14", "M");
  const std::string w1 = Enroll(awa, "2026-09-01");

  const std::string v2 = dir() / "insertion.yaml";
  WriteFile(v2, InsertionWithHealthExit());
  EXPECT_EQ(Pick(Ok({"programme", "install", v2}), {"programme", "version", "changed"}),
            (Json{{"programme", "insertion"}, {"version", 2}, {"changed", true}}));
  // Installing it again is a no-op.
  EXPECT_EQ(Ok({"programme", "install", v2}).value("changed", true), false);

  const std::string w2 = Enroll(karim, "2026-10-01");
  EXPECT_EQ(Show(w1).value("version", 0), 1);
  EXPECT_EQ(Show(w2).value("version", 0), 2);

  // The v1 pathway still follows v1: "health" is not one of its exit reasons...
  Refused(3, {"advance", w1, "exit", "--field", "reason=health"},
          {"\"health\"", "employment, training, dropout, moved, refused, other"});
  // ...while the v2 pathway accepts it.
  EXPECT_EQ(Advance(w2, "exit", "2026-11-02", {"reason=health"}), "exited");
  EXPECT_EQ(Advance(w1, "exit", "2026-11-02", {"reason=moved"}), "exited");

  const Json list = Ok({"programme", "list"});
  ASSERT_EQ(list["programmes"].size(), 1u);
  EXPECT_EQ(list["programmes"][0]["version"], 2);
  EXPECT_EQ(list["programmes"][0]["source"], v2);

  // show: latest by default, any version on request.
  const Json latest = Ok({"programme", "show", "insertion"});
  EXPECT_EQ(latest.value("version", 0), 2);
  EXPECT_EQ(latest.value("latest_version", 0), 2);
  const Json first = Ok({"programme", "show", "insertion", "--version", "1"});
  EXPECT_EQ(first.value("version", 0), 1);
  EXPECT_EQ(first.value("latest_version", 0), 2);
  const CliResult human = Run({"programme", "show", "insertion", "--version", "1"});
  EXPECT_TRUE(Contains(human.out, "version 1 (latest: 2)"));
  EXPECT_FALSE(Contains(human.out, "health"));
}

TEST_F(ProgrammeTest, ListShowsInstalledProgrammes) {
  const Json j = Ok({"programme", "list"});
  ASSERT_EQ(j["programmes"].size(), 1u);
  const Json& p = j["programmes"][0];
  EXPECT_EQ(p["id"], "insertion");
  EXPECT_EQ(p["label"], "Parcours insertion");
  EXPECT_EQ(p["version"], 1);
  EXPECT_EQ(p["installed_by"], kActor);
  EXPECT_EQ(p["source"], InsertionWithoutDeadlines());
  EXPECT_EQ(p["installed"].get<std::string>().substr(0, 2), "20");

  const CliResult human = Run({"programme", "list"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_TRUE(Contains(human.out, "insertion  v1"));
  EXPECT_TRUE(Contains(human.out, "Parcours insertion"));
}

TEST_F(StoreTest, ProgrammeListOnAnEmptyStoreSaysHowToInstall) {
  InitStore();
  EXPECT_EQ(Ok({"programme", "list"}), (Json{{"programmes", Json::array()}}));
  const CliResult r = Run({"programme", "list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out, "parcours programme install FILE"));
}

TEST_F(ProgrammeTest, ShowGivesTheWholeContract) {
  const Json j = Ok({"programme", "show", "insertion"});
  EXPECT_EQ(j.value("programme", ""), "insertion");
  EXPECT_EQ(j.value("label", ""), "Parcours insertion");
  EXPECT_EQ(j.value("version", 0), 1);

  std::vector<std::string> steps;
  for (const auto& s : j["steps"]) steps.push_back(s["id"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"referral", "positioning", "training", "vae", "placement", "exited"}));
  EXPECT_EQ(j["steps"][0]["initial"], true);
  EXPECT_EQ(j["steps"][5]["final"], true);
  EXPECT_EQ(j["steps"][0]["label"], "Orientation");

  std::map<std::string, std::pair<std::vector<std::string>, std::string>> transitions;
  for (const auto& t : j["transitions"]) transitions[t["id"]] = {t["from"], t["to"]};
  using V = std::vector<std::string>;
  EXPECT_EQ(transitions["position"], std::make_pair(V{"referral"}, std::string("positioning")));
  EXPECT_EQ(transitions["start_training"], std::make_pair(V{"positioning", "vae"}, std::string("training")));
  EXPECT_EQ(transitions["start_vae"], std::make_pair(V{"positioning", "training"}, std::string("vae")));
  EXPECT_EQ(transitions["place"], std::make_pair(V{"positioning", "training", "vae"}, std::string("placement")));
  EXPECT_EQ(transitions["exit"].second, "exited");
  EXPECT_EQ(transitions["exit"].first.size(), 5u);

  std::map<std::string, V> milestones;
  for (const auto& m : j["milestones"]) milestones[m["id"]] = m["in"];
  EXPECT_EQ(milestones["training_completed"], V{"training"});
  EXPECT_EQ(milestones["vae_decided"], V{"vae"});
  EXPECT_EQ(milestones["follow_up"], V{"exited"});
  EXPECT_EQ(milestones["interview"], (V{"referral", "positioning", "training", "vae", "placement"}));

  const Json& prescriber = j["enrolment"]["fields"][0];
  EXPECT_EQ(prescriber["id"], "prescriber");
  EXPECT_EQ(prescriber["required"], true);
  EXPECT_EQ(prescriber["values"].size(), 7u);

  const CliResult human = Run({"programme", "show", "insertion"});
  EXPECT_TRUE(Contains(human.out, "Orientation (referral) [initial]"));
  EXPECT_TRUE(Contains(human.out, "Sortie (exited) [final]"));
  EXPECT_TRUE(Contains(human.out, "months: a whole number from 1 to 60; required when contract is cdd"));
}

TEST_F(ProgrammeTest, ShowUnknownProgrammeNamesTheInstalledOnes) {
  Refused(4, {"programme", "show", "insertoin"}, {"\"insertoin\"", "Installed programmes: insertion"});
}

TEST_F(ProgrammeTest, ShowUnknownVersionSaysWhichVersionsExist) {
  Refused(4, {"programme", "show", "insertion", "--version", "3"}, {"no version 3", "It has version 1 only."});
}

TEST_F(ProgrammeTest, ShowVersionMustBePositive) {
  Refused(2, {"programme", "show", "insertion", "--version", "0"}, {"--version"});
}

}  // namespace
}  // namespace parcours::e2e
