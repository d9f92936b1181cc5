// parcours init, where the store lives (--data, PARCOURS_DATA, the per-user
// default), and what every other command says when there is no store.
#include <filesystem>

#include "e2e_fixture.cc"
#include "parcours/store.h"  // kSchemaVersion

namespace parcours::e2e {
namespace {

namespace fs = std::filesystem;

using InitTest = StoreTest;

TEST_F(InitTest, CreatesAStoreThenIsANoOp) {
  const Json created = Ok({"init"});
  EXPECT_EQ(created.value("created", false), true);
  EXPECT_EQ(created.value("store", ""), store());
  EXPECT_EQ(created.value("schema_version", 0), kSchemaVersion);
  EXPECT_TRUE(fs::is_directory(store()));

  const std::string before = Digest();
  const Json again = Ok({"init"});
  EXPECT_EQ(again.value("created", true), false);
  EXPECT_EQ(Digest(), before);

  const CliResult human = Run({"init"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_TRUE(Contains(human.out, "nothing to do"));
}

TEST_F(InitTest, HumanOutputSaysWhereTheStoreIs) {
  const CliResult r = Run({"init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Created a store in " + store()));
}

TEST_F(InitTest, CreatesTheStoreInAnExistingEmptyDirectory) {
  fs::create_directories(store());
  EXPECT_EQ(Ok({"init"}).value("created", false), true);
}

TEST_F(InitTest, RefusesANonEmptyDirectoryThatIsNotAStore) {
  fs::create_directories(store());
  WriteFile(store() + "/notes.txt", "my notes");
  const CliResult r = Run({"init"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(Contains(r.err, store()));
  EXPECT_TRUE(Contains(r.err, "not empty"));
  EXPECT_TRUE(Contains(r.err, "empty or missing directory"));  // what is allowed
  // Nothing was added next to the user's file.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(store())) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(ReadText(store() + "/notes.txt"), "my notes");
}

TEST_F(InitTest, RefusesAPathThatIsAFile) {
  WriteFile(store(), "not a directory");
  const CliResult r = Run({"init"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(Contains(r.err, "not a directory"));
  EXPECT_EQ(ReadText(store()), "not a directory");
}

TEST_F(InitTest, JsonRefusalIsOneErrorObjectOnStderr) {
  fs::create_directories(store());
  WriteFile(store() + "/x", "x");
  const CliResult r = Run({"--json", "init"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  const Json err = Json::parse(r.err);
  EXPECT_EQ(err["error"]["code"], "refused");
  EXPECT_EQ(err["error"]["exit"], 3);
}

// Every command but init needs a store, and says how to make one.
TEST_F(InitTest, EveryOtherCommandWithoutAStoreExits5NamingInit) {
  const std::vector<Args> commands = {
      {"programme", "install", SourcePath("workflows/insertion.yaml")},
      {"programme", "list"},
      {"programme", "show", "insertion"},
      {"person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02", "--sex", "F"},
      {"person", "show", "P-22222"},
      {"person", "find", "awa"},
      {"enroll", "P-22222", "insertion", "--field", "prescriber=ccas"},
      {"advance", "W-22222", "position"},
      {"record", "W-22222", "interview", "--field", "mode=phone"},
      {"void", "W-22222", "--reason", "mistake"},
      {"assign", "W-22222", "karim.petit"},
      {"show", "W-22222"},
      {"history", "W-22222"},
      {"caseload"},
      {"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to", "2026-06-30"},
  };
  for (const auto& args : commands) {
    const CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 5) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, "parcours init")) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, store())) << Describe(args, r);
    EXPECT_EQ(r.out, "") << Describe(args, r);
    EXPECT_FALSE(fs::exists(store())) << "a command without a store created one: " << Describe(args, r);
  }
}

TEST_F(InitTest, CommandOnAFileInsteadOfAStoreIsStoreUnavailable) {
  WriteFile(store(), "not a store");
  const CliResult r = Run({"caseload"});
  EXPECT_EQ(r.exit_code, 5) << "a path with no store behaves like a missing store\n" << r.err;
  EXPECT_TRUE(Contains(r.err, store()));
}

TEST_F(InitTest, PARCOURS_DATAIsUsedWhenThereIsNoDataOption) {
  const std::string other = dir() / "from-env";
  const CliResult r = RunCli({"--json", "init"}, {{"PARCOURS_DATA", other}, {"PARCOURS_TODAY", kToday}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json().value("store", ""), other);
  EXPECT_TRUE(fs::exists(other + "/CURRENT"));
}

TEST_F(InitTest, DataOptionWinsOverPARCOURS_DATA) {
  const std::string ignored = dir() / "ignored";
  const CliResult r = RunCli({"--json", "--data", store(), "init"}, {{"PARCOURS_DATA", ignored}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json().value("store", ""), store());
  EXPECT_FALSE(fs::exists(ignored));
}

TEST_F(InitTest, DefaultStoreIsUnderXdgDataHome) {
  const std::string xdg = dir() / "xdg";
  const CliResult r = RunCli({"--json", "init"}, {{"XDG_DATA_HOME", xdg}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json().value("store", ""), xdg + "/parcours");
  EXPECT_TRUE(fs::exists(xdg + "/parcours/CURRENT"));
}

TEST_F(InitTest, DefaultStoreFallsBackToHome) {
  const std::string home = dir() / "home";
  fs::create_directories(home);
  const CliResult r = RunCli({"--json", "init"}, {{"HOME", home}, {"XDG_DATA_HOME", ""}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json().value("store", ""), home + "/.local/share/parcours");
}

}  // namespace
}  // namespace parcours::e2e
