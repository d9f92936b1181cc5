// Tests for the migration of a store of an earlier format
// (engine/src/core/migrate.cc): format 1 (events, states and the values of
// report and due index entries as JSON text) and format 2 (no index of open
// deadlines by referent). A writer backs the store up, then re-encodes it
// and indexes its deadlines by referent; readers need no migration; an
// interrupted migration resumes; one that fails leaves writes refused, with
// the reason.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parcours/engine.h"
#include "schema/codec.h"
#include "schema/keys.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;

class MigrateTest : public testing::PopulationTestBase {
 protected:
  MigrateTest() : PopulationTestBase("2026-11-21", "migrate-test") {}

  void SetUp() override {
    // The store in a subdirectory, so that its backup (beside it) is in the
    // temporary directory too.
    ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
    ASSERT_NO_FATAL_FAILURE(InstallFromSource("workflows/insertion.yaml"));
    const std::string a = Enroll(NewPerson("Inès Lefèvre", "1990-04-02", "F"), "2026-01-05");
    Advance(a, "position", "2026-02-01");
    Record(a, "interview", "2026-02-10", {{"mode", "phone"}});
    Void(a);
    const std::string b = Enroll(NewPerson("Karim Benali", "1985-09-30", "M"), "2026-01-06", "france_travail");
    Advance(b, "position", "2026-02-01");
    const std::string c = Enroll(NewPerson("Sophie Martin", "1978-06-12", "F"), "2026-11-10");  // positioning due
    const std::string d = Enroll(NewPerson("Yanis Haddad", "2001-03-15", "M"), "2026-11-15");
    auto assigned = engine_->Assign(AssignRequest{d, "marc", "counsellor", ""});
    ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
    const std::string e = Enroll(NewPerson("Lina Moreau", "1996-07-21", "F"), "2026-09-01");  // missed
    auto missed = engine_->ProcessDeadlines();
    ASSERT_TRUE(missed.ok()) << missed.status().ToString();
    ASSERT_EQ(*missed, 1);
    pathways_ = {a, b, c, d, e};
    views_ = Views();
    due_ = Due();
    due_of_ = {Due("counsellor"), Due("marc")};
    ASSERT_EQ(due_of_, (std::vector<std::vector<std::string>>{
                           {e + " positioning 2026-10-01", c + " positioning 2026-12-10"},
                           {d + " positioning 2026-12-15"}}));
    ASSERT_EQ(due_, (std::vector<std::string>{e + " positioning 2026-10-01", c + " positioning 2026-12-10",
                                              d + " positioning 2026-12-15"}));
    ASSERT_EQ(Count(keys::DueOfReferentPrefix("marc")), 1);
    ASSERT_EQ(Count(keys::DueMissedPrefix()), 1);
    report_ = Report();
    ASSERT_FALSE(due_.empty());
    events_ = JsonValues(*store_, Domain::kEvents).second;
    ASSERT_GE(events_, 7);
    index_values_ = Count(keys::DayPrefix()) + Count(keys::DuePrefix()) + Count(keys::DueMissedPrefix());
    ASSERT_GT(Count(keys::DuePrefix()), 0);
    ASSERT_GE(Count(keys::DayPrefix()), 5);
  }

  std::string StorePath() const { return dir_.path() + "/store"; }

  // Every pathway as GetPathway gives it, as JSON.
  std::vector<Json> Views() {
    std::vector<Json> out;
    for (const auto& id : pathways_) {
      auto view = engine_->GetPathway(id);
      EXPECT_TRUE(view.ok()) << view.status().ToString();
      if (!view.ok()) continue;
      Json events = Json::array();
      for (const auto& e : view->events) events.push_back(e.ToJson());
      out.push_back(Json{{"state", view->state.ToJson()}, {"events", events}, {"voided", view->voided}});
    }
    return out;
  }

  // Every open deadline (or one referent's), as `due` reads it.
  std::vector<std::string> Due(const std::string& referent = "") {
    DueQuery q;
    q.all = referent.empty();
    q.referent = referent;
    auto due = engine_->Due(q);
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    std::vector<std::string> out;
    if (due.ok()) {
      for (const auto& d : *due) out.push_back(d.state.id + " " + d.deadline + " " + d.due.iso());
    }
    return out;
  }

  // The year's outcomes, as reports read them from the report index.
  Json Report() {
    auto report = engine_->Outcomes(OutcomesQuery{"insertion", "2026-01-01", "2026-12-31"});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report->ToJson() : Json();
  }

  // The values of `domain` that are still JSON text, and all of them.
  std::pair<int, int> JsonValues(const StoreReader& r, Domain domain) {
    int json = 0, all = 0;
    EXPECT_TRUE(r.ScanPrefix(domain, "", [&](std::string_view, std::string_view v) {
                   json += codec::IsJsonValue(v) ? 1 : 0;
                   ++all;
                   return true;
                 }).ok());
    return {json, all};
  }

  // The entries of the indexes starting with `index_prefix`.
  int Count(const std::string& index_prefix) {
    int n = 0;
    EXPECT_TRUE(store_->ScanPrefix(Domain::kIndexes, index_prefix, [&](std::string_view, std::string_view) {
                  ++n;
                  return true;
                }).ok());
    return n;
  }

  // Makes the store as format `format` wrote it: without the due entries by
  // referent and, for format 1, with every state, event, report and due index
  // entry in JSON; marks it `version` (and `reencode_mark`) in the same write,
  // then closes it.
  void ToFormat(int format, int version, const std::optional<std::string>& reencode_mark = std::nullopt) {
    WriteBatch batch;
    for (Domain d : {Domain::kPathways, Domain::kEvents, Domain::kIndexes}) {
      ASSERT_TRUE(store_->ScanPrefix(d, "", [&](std::string_view k, std::string_view v) {
                           if (k.starts_with(keys::Join({"due_ref", ""}))) {
                             batch.Delete(d, k);
                             return true;
                           }
                           std::string key(k);
                           if (k.starts_with(keys::DueMissedPrefix())) {  // with the others
                             batch.Delete(d, k);
                             key = keys::DuePrefix() + key.substr(keys::DueMissedPrefix().size());
                             batch.Put(d, key, v);
                           }
                           // A value that does not decode stays as it is.
                           auto json = codec::FormatOneValue(d, key, v);
                           if (format == 1 && json.ok() && *json) batch.Put(d, key, **json);
                           return true;
                         }).ok());
    }
    if (reencode_mark) batch.Put(Domain::kMeta, "reencode", *reencode_mark);
    ASSERT_TRUE(store_->SetSchemaVersion(version, batch).ok());
    engine_.reset();
    store_.reset();
  }
  void ToFormatOne() { ToFormat(1, 1); }

  void OpenReadOnly(const std::string& path) {
    StoreOptions options;
    options.read_only = true;
    auto store = Store::Open(path, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_);
  }

  // The backups beside the store of a store of format `format`.
  std::vector<std::string> Backups(int format = 1) const {
    std::vector<std::string> out;
    const std::string prefix = "store.format-" + std::to_string(format) + "-backup-";
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with("store.format-")) {
        EXPECT_TRUE(name.starts_with(prefix)) << name;
      }
      if (name.starts_with(prefix)) out.push_back(entry.path().string());
    }
    return out;
  }

  std::vector<std::string> pathways_;
  std::vector<Json> views_;
  std::vector<std::string> due_;
  std::vector<std::vector<std::string>> due_of_;  // counsellor's, marc's
  Json report_;
  int events_ = 0;        // events in the store after SetUp
  int index_values_ = 0;  // report and due index entries after SetUp
};

TEST_F(MigrateTest, AWriterBacksUpThenReencodesAFormatOneStore) {
  ASSERT_NO_FATAL_FAILURE(ToFormatOne());
  ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
  EXPECT_EQ(store_->schema_version(), kSchemaVersion);
  EXPECT_EQ(JsonValues(*store_, Domain::kPathways), std::make_pair(0, 5));
  EXPECT_EQ(Count(keys::DueMissedPrefix()), 1);
  EXPECT_EQ(JsonValues(*store_, Domain::kEvents), std::make_pair(0, events_));
  EXPECT_EQ(JsonValues(*store_, Domain::kIndexes).first, 0);
  auto mark = store_->Get(Domain::kMeta, "reencode");
  ASSERT_TRUE(mark.ok());
  EXPECT_EQ(*mark, std::nullopt);
  EXPECT_EQ(Views(), views_);
  EXPECT_EQ(Due(), due_);
  EXPECT_EQ(Count(keys::DueOfReferentPrefix("marc")), 1);
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
  EXPECT_EQ(Report(), report_);
  // And it goes on as before.
  Record(pathways_[1], "interview", "2026-11-20", {{"mode", "video"}});

  // The backup is the store as it was: format 1, JSON values, same pathways.
  const auto backups = Backups();
  ASSERT_EQ(backups.size(), 1u);
  // Named after the time of the migration, to the second, in UTC.
  const std::string name = fs::path(backups[0]).filename().string();
  EXPECT_EQ(name.size(), std::string("store.format-1-backup-20261121T101500Z").size()) << name;
  EXPECT_EQ(name.back(), 'Z') << name;
  engine_.reset();
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenReadOnly(backups[0]));
  EXPECT_EQ(store_->schema_version(), 1);
  EXPECT_EQ(JsonValues(*store_, Domain::kEvents), std::make_pair(events_, events_));
  EXPECT_EQ(JsonValues(*store_, Domain::kIndexes).first, index_values_);
  EXPECT_EQ(Views(), views_);
}

TEST_F(MigrateTest, ReadersOfAFormatOneStoreNeedNoMigration) {
  ASSERT_NO_FATAL_FAILURE(ToFormatOne());
  ASSERT_NO_FATAL_FAILURE(OpenReadOnly(StorePath()));
  EXPECT_EQ(store_->schema_version(), 1);
  EXPECT_EQ(Views(), views_);
  EXPECT_EQ(Due(), due_);
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
  EXPECT_EQ(Report(), report_);
  EXPECT_EQ(JsonValues(*store_, Domain::kPathways), std::make_pair(5, 5));
  EXPECT_EQ(JsonValues(*store_, Domain::kIndexes).first, index_values_);
  EXPECT_TRUE(Backups().empty());
}

TEST_F(MigrateTest, AWriterBacksUpThenIndexesTheDeadlinesOfAFormatTwoStoreByReferent) {
  ASSERT_NO_FATAL_FAILURE(ToFormat(2, 2));
  // A reader reads every deadline of the index by date instead.
  ASSERT_NO_FATAL_FAILURE(OpenReadOnly(StorePath()));
  EXPECT_EQ(store_->schema_version(), 2);
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
  EXPECT_EQ(Count(keys::Join({"due_ref", ""})), 0);
  engine_.reset();
  store_.reset();
  EXPECT_TRUE(Backups(2).empty());

  ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
  EXPECT_EQ(store_->schema_version(), kSchemaVersion);
  EXPECT_EQ(Count(keys::Join({"due_ref", ""})), 3);
  EXPECT_EQ(Count(keys::DueMissedPrefix()), 1);
  EXPECT_EQ(Count(keys::DuePrefix()), 2);  // the missed one moved apart
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
  EXPECT_EQ(Due(), due_);
  EXPECT_EQ(Views(), views_);
  EXPECT_EQ(Report(), report_);
  auto mark = store_->Get(Domain::kMeta, "reencode");
  ASSERT_TRUE(mark.ok());
  EXPECT_EQ(*mark, std::nullopt);
  // And the index is kept from then on.
  Advance(pathways_[2], "position", "2026-11-20");
  EXPECT_EQ(Due("counsellor"), std::vector<std::string>{due_of_[0][0]});  // the missed one is left
  EXPECT_EQ(Count(keys::Join({"due_ref", ""})), 2);

  const auto backups = Backups(2);
  ASSERT_EQ(backups.size(), 1u);
  engine_.reset();
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenReadOnly(backups[0]));
  EXPECT_EQ(store_->schema_version(), 2);
  EXPECT_EQ(Views(), views_);
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
}

TEST_F(MigrateTest, AReaderOfAnUnfinishedMigrationDoesNotTrustTheIndexByReferent) {
  // As a crash leaves a migration from format 2: marked 3, nothing indexed by referent.
  ASSERT_NO_FATAL_FAILURE(ToFormat(2, kSchemaVersion, std::string("/somewhere/store.format-2-backup-x")));
  ASSERT_NO_FATAL_FAILURE(OpenReadOnly(StorePath()));
  EXPECT_EQ(Count(keys::Join({"due_ref", ""})), 0);
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
  engine_.reset();
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
  EXPECT_EQ(Count(keys::Join({"due_ref", ""})), 3);
  EXPECT_EQ(Count(keys::DueMissedPrefix()), 1);
  EXPECT_EQ((std::vector{Due("counsellor"), Due("marc")}), due_of_);
  EXPECT_EQ(Due(), due_);
  EXPECT_TRUE(Backups(2).empty());
}

TEST_F(MigrateTest, AnInterruptedMigrationResumesWithoutAnotherBackup) {
  // As a crash leaves it: marked format 3, values still JSON.
  ASSERT_NO_FATAL_FAILURE(ToFormat(1, kSchemaVersion, std::string("/somewhere/store.format-1-backup-x")));
  ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
  EXPECT_EQ(Count(keys::Join({"due_ref", ""})), 3);
  EXPECT_EQ(JsonValues(*store_, Domain::kEvents), std::make_pair(0, events_));
  EXPECT_EQ(JsonValues(*store_, Domain::kIndexes).first, 0);
  auto mark = store_->Get(Domain::kMeta, "reencode");
  ASSERT_TRUE(mark.ok());
  EXPECT_EQ(*mark, std::nullopt);
  EXPECT_TRUE(Backups().empty());
  EXPECT_EQ(Views(), views_);
}

TEST_F(MigrateTest, AFailedMigrationRefusesWritesAndSaysWhy) {
  {
    WriteBatch broken;
    broken.Put(Domain::kPathways, pathways_[0], "{\"id\": \"W-");
    ASSERT_TRUE(store_->Write(broken).ok());
  }
  ASSERT_NO_FATAL_FAILURE(ToFormatOne());
  ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
  RecordRequest req;
  req.pathway = pathways_[1];
  req.milestone = "interview";
  req.fields = {{"mode", "phone"}};
  req.actor = "counsellor";
  auto refused = engine_->Record(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable);
  const std::string& msg = refused.status().message();
  EXPECT_NE(msg.find("could not be migrated to format " + std::to_string(kSchemaVersion)), std::string::npos)
      << msg;
  EXPECT_NE(msg.find(pathways_[0]), std::string::npos) << msg;
  EXPECT_NE(refused.status().allowed().find("\"Upgrade\""), std::string::npos);
  // Reads go on, the sound pathway as it was.
  auto view = engine_->GetPathway(pathways_[1]);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->state.ToJson(), views_[1]["state"]);
}

TEST_F(MigrateTest, ADueEntryThatDoesNotDecodeStopsTheMigrationFromFormatTwo) {
  const std::string bad = keys::Due("2026-12-01", "W-BROKEN", "positioning");
  {
    WriteBatch broken;
    broken.Put(Domain::kIndexes, bad, std::string("\x7f", 1));
    ASSERT_TRUE(store_->Write(broken).ok());
  }
  ASSERT_NO_FATAL_FAILURE(ToFormat(2, 2));
  ASSERT_NO_FATAL_FAILURE(OpenEngine(nullptr, "store"));
  auto refused = engine_->Assign(AssignRequest{pathways_[2], "marc", "counsellor", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(refused.status().message().find("could not be migrated to format 3"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("W-BROKEN"), std::string::npos) << refused.status().message();
  // The backup was taken; the store stays marked as being migrated.
  EXPECT_EQ(Backups(2).size(), 1u);
  auto mark = store_->Get(Domain::kMeta, "reencode");
  ASSERT_TRUE(mark.ok());
  EXPECT_NE(*mark, std::nullopt);
}

}  // namespace
}  // namespace parcours
