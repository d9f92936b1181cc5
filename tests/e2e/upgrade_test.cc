// A store of format 1 (events, pathway states and report and due index
// entries as JSON text) used by this
// parcours: readers read it as it is, the first command that writes backs it
// up beside itself and migrates it, and the backup still reads as the store
// did (docs/operations.md, "Upgrade").
#include "e2e_fixture.cc"
#include "parcours/store.h"
#include "schema/codec.h"

namespace parcours::e2e {
namespace {

namespace fs = std::filesystem;

// Rewrites every state, event, report and due index entry of the store at
// `path` as format 1 wrote them, and marks it format 1.
void ToFormatOne(const std::string& path) {
  auto store = Store::Open(path, StoreOptions{false, false, nullptr});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  WriteBatch batch;
  for (Domain d : {Domain::kPathways, Domain::kEvents, Domain::kIndexes}) {
    ASSERT_TRUE((*store)->ScanPrefix(d, "", [&](std::string_view k, std::string_view v) {
                          auto json = codec::FormatOneValue(d, k, v).value();
                          if (json) batch.Put(d, k, *json);
                          return true;
                        }).ok());
  }
  ASSERT_GT(batch.Count(), 2u);
  ASSERT_TRUE((*store)->SetSchemaVersion(1, batch).ok());
}

std::vector<std::string> Backups(const std::string& store) {
  std::vector<std::string> out;
  const std::string prefix = fs::path(store).filename().string() + ".format-1-backup-";
  for (const auto& entry : fs::directory_iterator(fs::path(store).parent_path())) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) out.push_back(entry.path().string());
  }
  return out;
}

using UpgradeTest = InsertionTest;

TEST_F(UpgradeTest, TheFirstWriterMigratesAFormatOneStoreAfterABackup) {
  const std::string w = Enroll(AddPerson("Awa Diallo", "1991-04-02", "F"), "2026-09-01");
  ASSERT_EQ(Advance(w, "position", "2026-09-08"), "positioning");
  const Json before = Show(w);
  ASSERT_NO_FATAL_FAILURE(ToFormatOne(store()));

  // Readers read it as it is, and change nothing.
  const std::string digest = StoreDigest(store());
  EXPECT_EQ(Show(w), before);
  EXPECT_EQ(Ok({"caseload", "--all"})["pathways"].size(), 1u);
  EXPECT_EQ(StoreDigest(store()), digest);
  EXPECT_TRUE(Backups(store()).empty());

  // The first write migrates it first, then runs.
  const Json recorded = Ok({"record", w, "interview", "--field", "mode=phone"});
  EXPECT_EQ(recorded["seq"], 3);
  const auto backups = Backups(store());
  ASSERT_EQ(backups.size(), 1u);
  const Json after = Show(w);
  ASSERT_EQ(after["events"].size(), 3u);
  EXPECT_EQ(after["events"][0], before["events"][0]);
  EXPECT_EQ(after["events"][1], before["events"][1]);

  // The backup is the store as it was.
  const CliResult shown = RunCli({"--data", backups[0], "--json", "show", w}, {{"PARCOURS_TODAY", kToday}});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.json(), before);
}

}  // namespace
}  // namespace parcours::e2e
