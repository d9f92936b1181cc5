// BatchReader: a batch's writes laid over a snapshot, and what it read from
// the snapshot becoming the batch's expectations (engine/src/core/batch_reader.h).
#include "core/batch_reader.h"
#include "engine_test_fixture.h"

namespace parcours::engine_testing {
namespace {

class BatchReaderTest : public EngineTest {
 protected:
  void Put(Domain d, const std::string& k, const std::string& v) {
    WriteBatch batch;
    batch.Put(d, k, v);
    ASSERT_TRUE(store_->Write(batch).ok());
  }
  static std::vector<std::pair<std::string, std::string>> Scan(const StoreReader& r, const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_TRUE(r.ScanPrefix(Domain::kMeta, prefix, [&](std::string_view k, std::string_view v) {
                   out.emplace_back(k, v);
                   return true;
                 }).ok());
    return out;
  }
};

TEST_F(BatchReaderTest, ReadsSeeTheBatchsWritesOverTheSnapshot) {
  Put(Domain::kMeta, "t/a", "1");
  Put(Domain::kMeta, "t/b", "2");
  auto snapshot = store_->Snapshot();
  BatchReader reader(*snapshot);
  Mutation m;
  m.Put(Domain::kMeta, "t/c", "3");
  m.Delete(Domain::kMeta, "t/a");
  m.Put(Domain::kMeta, "t/b", "two");
  reader.Apply(std::move(m));
  Put(Domain::kMeta, "t/d", "later");  // after the snapshot: not seen

  EXPECT_EQ(*reader.Get(Domain::kMeta, "t/a"), std::nullopt);
  EXPECT_EQ(*reader.Get(Domain::kMeta, "t/b"), std::optional<std::string>("two"));
  EXPECT_EQ(*reader.Get(Domain::kMeta, "t/d"), std::nullopt);
  EXPECT_EQ(Scan(reader, "t/"), (std::vector<std::pair<std::string, std::string>>{{"t/b", "two"}, {"t/c", "3"}}));
  EXPECT_FALSE(reader.ScanRange(Domain::kMeta, "t/", "t0", [](std::string_view, std::string_view) { return true; })
                   .ok());
}

TEST_F(BatchReaderTest, WhatWasReadFromTheSnapshotIsExpectedUnchangedAtCommit) {
  Put(Domain::kMeta, "t/a", "1");
  auto opened = Committer::Open(*store_);
  ASSERT_TRUE(opened.ok());
  Committer& committer = **opened;

  auto plan = [&](const StoreReader& snapshot) {
    BatchReader reader(snapshot);
    EXPECT_EQ(*reader.Get(Domain::kMeta, "t/a"), std::optional<std::string>("1"));
    Scan(reader, "t/");
    Mutation m;
    m.Put(Domain::kMeta, "t/written", "x");
    m.logged.push_back("event-key");
    reader.Apply(std::move(m));
    return reader.Take();
  };
  // Nothing changed since the plan read: committed, with its events logged.
  Mutation first = plan(*store_->Snapshot());
  EXPECT_EQ(first.expects.size(), 1u);
  EXPECT_EQ(first.expect_prefixes.size(), 1u);
  EXPECT_EQ(first.logged, std::vector<std::string>{"event-key"});
  EXPECT_EQ(committer.Commit(std::move(first)).outcome, Committer::Outcome::kCommitted);

  // A value read changed before the commit: a conflict, nothing written.
  auto snapshot = store_->Snapshot();
  Mutation second = plan(*snapshot);
  Put(Domain::kMeta, "t/a", "changed");
  EXPECT_EQ(committer.Commit(std::move(second)).outcome, Committer::Outcome::kConflict);

  // A key appeared under a prefix scanned: a conflict too.
  Put(Domain::kMeta, "t/a", "1");
  WriteBatch remove;
  remove.Delete(Domain::kMeta, "t/written");
  ASSERT_TRUE(store_->Write(remove).ok());
  auto snapshot2 = store_->Snapshot();
  BatchReader reader(*snapshot2);
  EXPECT_EQ(Scan(reader, "t/").size(), 1u);
  Mutation third = reader.Take();
  Put(Domain::kMeta, "t/new", "n");
  EXPECT_EQ(committer.Commit(std::move(third)).outcome, Committer::Outcome::kConflict);
}

}  // namespace
}  // namespace parcours::engine_testing
