// Tests for the store wrapper over RocksDB (store.h).
#include "parcours/store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "store_test_support.h"
#include "support/cli_runner.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;
using namespace store_testing;  // NOLINT
using testing::StoreDigest;
using testing::TempDir;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

KeyValues ScanPrefix(const Store& store, Domain domain, std::string_view prefix) {
  KeyValues out;
  Status s = store.ScanPrefix(domain, prefix, [&](std::string_view k, std::string_view v) {
    out.emplace_back(std::string(k), std::string(v));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::vector<std::string> ScanPrefixKeys(const Store& store, Domain domain, std::string_view prefix) {
  std::vector<std::string> keys;
  for (auto& [k, v] : ScanPrefix(store, domain, prefix)) keys.push_back(k);
  return keys;
}

std::vector<std::string> ScanRangeKeys(const Store& store, Domain domain, std::string_view begin,
                                       std::string_view end) {
  std::vector<std::string> keys;
  Status s = store.ScanRange(domain, begin, end, [&](std::string_view k, std::string_view) {
    keys.emplace_back(k);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return keys;
}

using Keys = std::vector<std::string>;

TEST(StoreTest, DomainNames) {
  EXPECT_STREQ(DomainName(Domain::kMeta), "meta");
  EXPECT_STREQ(DomainName(Domain::kProgrammes), "programmes");
  EXPECT_STREQ(DomainName(Domain::kPersons), "persons");
  EXPECT_STREQ(DomainName(Domain::kPathways), "pathways");
  EXPECT_STREQ(DomainName(Domain::kEvents), "events");
  EXPECT_STREQ(DomainName(Domain::kIndexes), "indexes");
  EXPECT_EQ(kDomainCount, 6);
}

TEST(StoreTest, OpenWithoutCreateOnMissingDirIsUnavailable) {
  TempDir dir;
  const std::string path = dir / "nothing-here";
  auto store = OpenStore(path, /*create=*/false);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(Contains(store.status().message(), path)) << store.status().message();
  EXPECT_TRUE(Contains(store.status().message(), "no store")) << store.status().message();
  EXPECT_FALSE(store.status().allowed().empty());
  EXPECT_FALSE(fs::exists(path)) << "a failed open must not create the directory";
}

TEST(StoreTest, OpenWithoutCreateOnEmptyDirIsUnavailable) {
  TempDir dir;
  auto store = OpenStore(dir.path(), /*create=*/false);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(StoreTest, ReadOnlyOpenOnMissingDirIsUnavailableEvenWithCreate) {
  TempDir dir;
  auto store = OpenStore(dir / "missing", /*create=*/true, /*read_only=*/true);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
  EXPECT_FALSE(fs::exists(dir / "missing"));
}

TEST(StoreTest, CreateOnMissingNestedDirThenReopen) {
  TempDir dir;
  const std::string path = dir / "a/b/store";
  {
    auto store = MustOpen(path, /*create=*/true);
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->created());
    EXPECT_FALSE(store->read_only());
    EXPECT_EQ(store->path(), path);
    EXPECT_EQ(MustGet(*store, Domain::kMeta, "schema_version"), std::to_string(kSchemaVersion));
    MustPut(*store, Domain::kPersons, "P-22222", "someone");
  }
  {
    auto store = MustOpen(path, /*create=*/false);
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->created());
    EXPECT_EQ(MustGet(*store, Domain::kPersons, "P-22222"), "someone");
    EXPECT_EQ(MustGet(*store, Domain::kMeta, "schema_version"), std::to_string(kSchemaVersion));
  }
  {
    // create on an existing store is a plain open.
    auto store = MustOpen(path, /*create=*/true);
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->created());
    EXPECT_EQ(MustGet(*store, Domain::kPersons, "P-22222"), "someone");
  }
}

TEST(StoreTest, CreateOnEmptyExistingDir) {
  TempDir dir;
  auto store = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->created());
  EXPECT_EQ(MustGet(*store, Domain::kMeta, "schema_version"), std::to_string(kSchemaVersion));
}

TEST(StoreTest, CreateOnNonEmptyDirThatIsNotAStoreIsRefused) {
  TempDir dir;
  { std::ofstream(dir / "notes.txt") << "my notes\n"; }
  auto store = OpenStore(dir.path(), /*create=*/true);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kRefused);
  EXPECT_TRUE(Contains(store.status().message(), "not empty")) << store.status().message();
  EXPECT_TRUE(Contains(store.status().message(), dir.path())) << store.status().message();
  // Nothing was added next to the file.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);

  // Without create it is not a store either.
  auto plain = OpenStore(dir.path(), /*create=*/false);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().code(), Status::Code::kUnavailable);
}

TEST(StoreTest, CreateOnARegularFileIsRefused) {
  TempDir dir;
  { std::ofstream(dir / "file") << "x"; }
  auto store = OpenStore(dir / "file", /*create=*/true);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kRefused);
  EXPECT_TRUE(Contains(store.status().message(), "not a directory")) << store.status().message();
}

TEST(StoreTest, NewerSchemaVersionIsRefusedNamingBothVersions) {
  TempDir dir;
  {
    auto store = MustOpen(dir.path(), /*create=*/true);
    ASSERT_TRUE(store);
    MustPut(*store, Domain::kMeta, "schema_version", "999");
  }
  for (bool read_only : {false, true}) {
    auto store = OpenStore(dir.path(), /*create=*/false, read_only);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
    const std::string msg = store.status().message();
    EXPECT_TRUE(Contains(msg, "999")) << msg;
    EXPECT_TRUE(Contains(msg, "version " + std::to_string(kSchemaVersion))) << msg;
    EXPECT_TRUE(Contains(store.status().allowed(), "newer parcours")) << store.status().allowed();
  }
}

TEST(StoreTest, OlderSchemaVersionsOpenFromTheOldestMigratedOne) {
  TempDir dir;
  {
    auto store = MustOpen(dir.path(), /*create=*/true);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), kSchemaVersion);
    WriteBatch with;
    with.Put(Domain::kPersons, "P-22222", "someone");
    ASSERT_TRUE(store->SetSchemaVersion(kOldestSchemaVersion, with).ok());
    EXPECT_EQ(store->schema_version(), kOldestSchemaVersion);
    WriteBatch none;
    EXPECT_EQ(store->SetSchemaVersion(kSchemaVersion + 1, none).code(), Status::Code::kInternal);
  }
  {
    auto store = MustOpen(dir.path(), /*create=*/false);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), kOldestSchemaVersion);
    EXPECT_EQ(MustGet(*store, Domain::kPersons, "P-22222"), "someone");
    MustPut(*store, Domain::kMeta, "schema_version", std::to_string(kOldestSchemaVersion - 1));
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(Contains(store.status().message(), "format version 0")) << store.status().message();
  EXPECT_TRUE(Contains(store.status().allowed(), "older parcours")) << store.status().allowed();
}

TEST(StoreTest, ACheckpointIsAStoreOfItsOwn) {
  TempDir dir;
  const std::string path = dir / "store";
  const std::string copy = dir / "copy";
  auto store = MustOpen(path, /*create=*/true);
  ASSERT_TRUE(store);
  MustPut(*store, Domain::kEvents, "W-22222#1", "event one");
  ASSERT_TRUE(store->Checkpoint(copy).ok());
  MustPut(*store, Domain::kEvents, "W-22222#2", "event two");
  const Status again = store->Checkpoint(copy);
  EXPECT_EQ(again.code(), Status::Code::kRefused);
  EXPECT_TRUE(Contains(again.message(), "already exists")) << again.message();
  auto copied = OpenStore(copy, /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(MustGet(**copied, Domain::kEvents, "W-22222#1"), "event one");
  EXPECT_EQ(MustGet(**copied, Domain::kEvents, "W-22222#2"), std::nullopt);
}

TEST(StoreTest, MissingSchemaVersionIsUnavailable) {
  TempDir dir;
  {
    auto store = MustOpen(dir.path(), /*create=*/true);
    ASSERT_TRUE(store);
    WriteBatch batch;
    batch.Delete(Domain::kMeta, "schema_version");
    ASSERT_TRUE(store->Write(batch).ok());
  }
  auto store = OpenStore(dir.path(), /*create=*/false);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(Contains(store.status().message(), "schema version")) << store.status().message();
}

TEST(StoreTest, ReadOnlyWriteIsRefusedAndWritesNothing) {
  TempDir dir;
  { ASSERT_TRUE(MustOpen(dir.path(), /*create=*/true)); }
  const std::string before = StoreDigest(dir.path());
  {
    auto reader = MustOpen(dir.path(), /*create=*/false, /*read_only=*/true);
    ASSERT_TRUE(reader);
    WriteBatch batch;
    batch.Put(Domain::kPersons, "P-22222", "x");
    Status s = reader->Write(batch);
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "read-only")) << s.message();
    EXPECT_EQ(MustGet(*reader, Domain::kPersons, "P-22222"), std::nullopt);
  }
  EXPECT_EQ(StoreDigest(dir.path()), before);
}

TEST(StoreTest, CompactionDropsOverwrittenAndDeletedValues) {
  TempDir dir;
  auto store = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(store);
  // Incompressible values, each key written ten times, half of them deleted.
  uint64_t seed = 42;
  auto noise = [&seed](std::size_t n) {
    std::string out(n, '\0');
    for (char& c : out) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      c = static_cast<char>(seed >> 56);
    }
    return out;
  };
  for (int round = 0; round < 10; ++round) {
    WriteBatch batch;
    for (int k = 0; k < 200; ++k) batch.Put(Domain::kEvents, "W-" + std::to_string(k), noise(500));
    ASSERT_TRUE(store->Write(batch).ok());
    ASSERT_TRUE(store->Compact().ok());  // each round's values in tables, not only in the memtable
  }
  const uint64_t rewritten = store->TableBytes(Domain::kEvents);
  EXPECT_GT(rewritten, 200u * 500u);
  EXPECT_LT(rewritten, 2u * 200u * 500u);  // the nine older versions of each value are gone
  WriteBatch deletes;
  for (int k = 0; k < 100; ++k) deletes.Delete(Domain::kEvents, "W-" + std::to_string(k));
  ASSERT_TRUE(store->Write(deletes).ok());
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_LT(store->TableBytes(Domain::kEvents), rewritten * 6 / 10);
  EXPECT_EQ(MustGet(*store, Domain::kEvents, "W-0"), std::nullopt);
  EXPECT_EQ(MustGet(*store, Domain::kEvents, "W-199")->size(), 500u);
  EXPECT_EQ(store->TableBytes(Domain::kPersons), 0u);
}

TEST(StoreTest, CompactionIsRefusedReadOnly) {
  TempDir dir;
  { ASSERT_TRUE(MustOpen(dir.path(), /*create=*/true)); }
  auto reader = MustOpen(dir.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(reader);
  const Status s = reader->Compact();
  EXPECT_EQ(s.code(), Status::Code::kRefused);
  EXPECT_TRUE(Contains(s.message(), "read-only")) << s.message();
}

TEST(StoreTest, GetMissingKeyIsNullopt) {
  TempDir dir;
  auto store = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(store);
  auto value = store->Get(Domain::kPersons, "P-22222");
  ASSERT_TRUE(value.ok());
  EXPECT_FALSE(value->has_value());
  // A key present in one domain is absent from the others.
  MustPut(*store, Domain::kPersons, "P-22222", "p");
  EXPECT_EQ(MustGet(*store, Domain::kPathways, "P-22222"), std::nullopt);
  EXPECT_EQ(MustGet(*store, Domain::kPersons, "P-22222"), "p");
}

TEST(StoreTest, KeysAndValuesAreBinarySafe) {
  TempDir dir;
  auto store = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(store);
  const std::string key("a\0b\xff", 4);
  const std::string value("\0\x01\x02\xfe\xff", 5);
  MustPut(*store, Domain::kIndexes, key, value);
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, key), value);
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, std::string("a\0b", 3)), std::nullopt);
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, "a"), std::nullopt);
}

TEST(StoreTest, WriteBatchAppliesPutsAndDeletesAcrossDomainsTogether) {
  TempDir dir;
  auto store = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(store);
  MustPut(*store, Domain::kIndexes, "old-index", "1");
  MustPut(*store, Domain::kPathways, "W-22222", "state v1");

  WriteBatch batch;
  EXPECT_EQ(batch.Count(), 0u);
  batch.Put(Domain::kEvents, "W-22222#2", "event 2");
  batch.Put(Domain::kPathways, "W-22222", "state v2");
  batch.Put(Domain::kIndexes, "new-index", "2");
  batch.Delete(Domain::kIndexes, "old-index");
  batch.Put(Domain::kPersons, "tmp", "x");
  batch.Delete(Domain::kPersons, "tmp");  // later operations win
  EXPECT_EQ(batch.Count(), 6u);

  // Before the write, nothing of the batch is visible.
  EXPECT_EQ(MustGet(*store, Domain::kEvents, "W-22222#2"), std::nullopt);
  EXPECT_EQ(MustGet(*store, Domain::kPathways, "W-22222"), "state v1");

  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(MustGet(*store, Domain::kEvents, "W-22222#2"), "event 2");
  EXPECT_EQ(MustGet(*store, Domain::kPathways, "W-22222"), "state v2");
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, "new-index"), "2");
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, "old-index"), std::nullopt);
  EXPECT_EQ(MustGet(*store, Domain::kPersons, "tmp"), std::nullopt);

  // And it is durable across a reopen.
  store.reset();
  store = MustOpen(dir.path(), /*create=*/false);
  ASSERT_TRUE(store);
  EXPECT_EQ(MustGet(*store, Domain::kEvents, "W-22222#2"), "event 2");
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, "old-index"), std::nullopt);
}

TEST(StoreTest, WriteBatchIsMovable) {
  TempDir dir;
  auto store = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(store);
  WriteBatch a;
  a.Put(Domain::kPersons, "k1", "v1");
  WriteBatch b(std::move(a));
  b.Put(Domain::kPersons, "k2", "v2");
  WriteBatch c;
  c = std::move(b);
  EXPECT_EQ(c.Count(), 2u);
  ASSERT_TRUE(store->Write(c).ok());
  EXPECT_EQ(MustGet(*store, Domain::kPersons, "k1"), "v1");
  EXPECT_EQ(MustGet(*store, Domain::kPersons, "k2"), "v2");
}

TEST(StoreTest, EmptyWriteBatchIsOk) {
  TempDir dir;
  { ASSERT_TRUE(MustOpen(dir.path(), /*create=*/true)); }
  const std::string before = StoreDigest(dir.path());
  {
    auto store = MustOpen(dir.path(), /*create=*/false);
    ASSERT_TRUE(store);
    WriteBatch empty;
    EXPECT_EQ(empty.Count(), 0u);
    EXPECT_TRUE(store->Write(empty).ok());
    EXPECT_EQ(MustGet(*store, Domain::kMeta, "schema_version"), std::to_string(kSchemaVersion));
  }
  EXPECT_EQ(StoreDigest(dir.path()), before);
}

class StoreScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MustOpen(dir_.path(), /*create=*/true);
    ASSERT_TRUE(store_);
    WriteBatch batch;
    for (const auto& k : AllKeys()) batch.Put(Domain::kIndexes, k, "v:" + k);
    batch.Put(Domain::kPersons, "a", "other domain");
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  // In bytewise order.
  static Keys AllKeys() {
    return {std::string("a"),
            std::string("a\0x", 3),
            std::string("ab"),
            std::string("ab\xff"),
            std::string("ac"),
            std::string("a\xff"),
            std::string("a\xff\xff"),
            std::string("a\xff\xffz"),
            std::string("b"),
            std::string("b\0", 2),
            std::string("\xff"),
            std::string("\xff\xff")};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreScanTest, EmptyPrefixScansEverythingInKeyOrder) {
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, ""), AllKeys());
  const auto kv = ScanPrefix(*store_, Domain::kIndexes, "");
  ASSERT_FALSE(kv.empty());
  EXPECT_EQ(kv.front().second, "v:a");
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kPersons, ""), Keys{"a"});
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kPathways, ""), Keys{});
}

TEST_F(StoreScanTest, PrefixBounds) {
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "a"),
            (Keys{"a", std::string("a\0x", 3), "ab", "ab\xff", "ac", "a\xff", "a\xff\xff",
                  "a\xff\xffz"}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "ab"), (Keys{"ab", "ab\xff"}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, std::string("a\0", 2)),
            (Keys{std::string("a\0x", 3)}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "b"), (Keys{"b", std::string("b\0", 2)}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "zz"), Keys{});
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "abc"), Keys{});
}

TEST_F(StoreScanTest, PrefixEndingIn0xffStopsAtTheNextPrefix) {
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "a\xff"),
            (Keys{"a\xff", "a\xff\xff", "a\xff\xffz"}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "a\xff\xff"), (Keys{"a\xff\xff", "a\xff\xffz"}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "ab\xff"), (Keys{"ab\xff"}));
  // All 0xff: no upper bound, but nothing beyond the prefix exists.
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "\xff"), (Keys{"\xff", "\xff\xff"}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "\xff\xff"), (Keys{"\xff\xff"}));
  EXPECT_EQ(ScanPrefixKeys(*store_, Domain::kIndexes, "\xff\xff\xff"), Keys{});
}

TEST_F(StoreScanTest, VisitorCanStopEarly) {
  Keys seen;
  Status s = store_->ScanPrefix(Domain::kIndexes, "a", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return seen.size() < 2;
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(seen, (Keys{"a", std::string("a\0x", 3)}));
}

TEST_F(StoreScanTest, RangeIsHalfOpen) {
  EXPECT_EQ(ScanRangeKeys(*store_, Domain::kIndexes, "ab", "b"),
            (Keys{"ab", "ab\xff", "ac", "a\xff", "a\xff\xff", "a\xff\xffz"}));
  EXPECT_EQ(ScanRangeKeys(*store_, Domain::kIndexes, "ab", "ac"), (Keys{"ab", "ab\xff"}));
  // begin need not exist; end is excluded even when it exists.
  EXPECT_EQ(ScanRangeKeys(*store_, Domain::kIndexes, "aa", "ab\xff"), (Keys{"ab"}));
  EXPECT_EQ(ScanRangeKeys(*store_, Domain::kIndexes, "b", "b"), Keys{});
  // An empty end means no upper bound.
  EXPECT_EQ(ScanRangeKeys(*store_, Domain::kIndexes, "b", ""),
            (Keys{"b", std::string("b\0", 2), "\xff", "\xff\xff"}));
  EXPECT_EQ(ScanRangeKeys(*store_, Domain::kIndexes, "", ""), AllKeys());
}

// Index keys are filtered by their kind and first part (the prefix filters of
// `indexes`): a scan of any prefix, longer, shorter or exactly that part,
// present or not, finds what a scan in key order finds, from tables written
// at different times as well as from the memtable, through a snapshot too.
TEST(StoreIndexFilterTest, PrefixScansAndGetsFindWhatKeyOrderFinds) {
  using namespace std::string_literals;
  TempDir dir;
  const Keys older = {"active\0P-1\0insertion"s, "log\0000001"s, "name\0martin\0001990-01-01\0P-1"s,
                      "name\0martin\0001991-02-02\0P-2"s, "name\0martinez\0001990-01-01\0P-3"s,
                      "person_pw\0P-1\0002025-01-01\0001\0W-1"s, "tok\0martin\0P-1"s, "tok\0martinez\0P-3"s};
  const Keys newer = {"active\0P-4\0insertion"s, "log\0000002"s, "name\0martin\0001990-01-01\0P-4"s,
                      "person_pw\0P-1\0002026-01-01\0002\0W-2"s, "tok\0martin\0P-4"s, "log_head"s};
  const Keys latest = {"person_pw\0P-9\0002026-02-02\0001\0W-9"s, "tok\0mas\0P-9"s};
  auto write = [](Store& store, const Keys& keys) {
    WriteBatch batch;
    for (const auto& k : keys) batch.Put(Domain::kIndexes, k, "v");
    ASSERT_TRUE(store.Write(batch).ok());
  };
  {
    auto store = MustOpen(dir.path(), /*create=*/true);
    ASSERT_TRUE(store);
    write(*store, older);
    ASSERT_TRUE(store->Compact().ok());  // the bottom level
  }
  {
    auto store = MustOpen(dir.path(), /*create=*/false);
    ASSERT_TRUE(store);
    write(*store, newer);  // flushed into a table of its own at close
  }
  auto store = MustOpen(dir.path(), /*create=*/false);
  ASSERT_TRUE(store);
  write(*store, latest);  // in the memtable
  Keys all = older;
  all.insert(all.end(), newer.begin(), newer.end());
  all.insert(all.end(), latest.begin(), latest.end());
  std::sort(all.begin(), all.end());
  const auto snapshot = store->Snapshot();
  for (const std::string& prefix :
       {""s, "name\0"s, "name\0martin\0"s, "name\0martin\0001990-01-01\0"s, "name\0mart"s, "name\0martinez\0"s,
        "name\0dupont\0"s, "person_pw\0P-1\0"s, "person_pw\0P-2\0"s, "person_pw\0P-9\0"s, "tok\0mar"s, "tok\0"s,
        "tok\0martin\0"s, "tok\0mas\0"s, "active\0P-4\0"s, "active\0P-5\0"s, "log\0"s, "log"s, "zzz\0a\0"s}) {
    Keys expected;
    for (const auto& k : all)
      if (k.starts_with(prefix)) expected.push_back(k);
    EXPECT_EQ(ScanPrefixKeys(*store, Domain::kIndexes, prefix), expected) << prefix;
    Keys seen;
    ASSERT_TRUE(snapshot
                    ->ScanPrefix(Domain::kIndexes, prefix,
                                 [&](std::string_view k, std::string_view) {
                                   seen.emplace_back(k);
                                   return true;
                                 })
                    .ok());
    EXPECT_EQ(seen, expected) << prefix;
  }
  // Ranges, within one filter prefix or across several, from a key with a
  // filter prefix or without one.
  for (const auto& [begin, end] : std::vector<std::pair<std::string, std::string>>{
           {"name\0martin\0"s, "name\0martin\0001991"s},
           {"name\0martin\0"s, "name\0martinez\0\xff"s},
           {"name\0dupont\0"s, "name\0zzz\0"s},
           {"person_pw\0P-1\0"s, "person_pw\0P-9\0"s},
           {"person_pw\0P-2\0"s, "tok\0mas\0"s},
           {"active\0P-5\0"s, "name\0martin\0001991"s},
           {"tok\0martin\0P-2"s, "tok\0mas\0P-9"s},
           {"log\0"s, "log\0000002"s},
           {"log\0"s, "log\x01"s},
           {"a"s, "u"s}}) {
    Keys expected;
    for (const auto& k : all)
      if (k >= begin && k < end) expected.push_back(k);
    EXPECT_EQ(ScanRangeKeys(*store, Domain::kIndexes, begin, end), expected) << begin << " .. " << end;
  }
  for (const auto& k : all) EXPECT_EQ(MustGet(*store, Domain::kIndexes, k), "v");
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, "active\0P-5\0insertion"s), std::nullopt);
  EXPECT_EQ(MustGet(*store, Domain::kIndexes, "active\0P-1\0other"s), std::nullopt);
}

TEST(StoreDigestTest, DigestChangesWithContentAndOnlyWithIt) {
  TempDir dir;
  { ASSERT_TRUE(MustOpen(dir.path(), /*create=*/true)); }
  const std::string empty = StoreDigest(dir.path());
  EXPECT_TRUE(Contains(empty, "[meta]")) << empty;
  EXPECT_TRUE(Contains(empty, "schema_version = " + std::to_string(kSchemaVersion))) << empty;
  EXPECT_EQ(StoreDigest(dir.path()), empty);
  {
    auto store = MustOpen(dir.path(), /*create=*/false);
    ASSERT_TRUE(store);
    MustPut(*store, Domain::kPersons, "P-22222", "x");
  }
  EXPECT_NE(StoreDigest(dir.path()), empty);
}

}  // namespace
}  // namespace parcours
