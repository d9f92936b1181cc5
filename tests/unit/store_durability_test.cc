// The store under damage and over time: a write-ahead log that lost
// acknowledged writes is refused, an unacknowledged torn write is not, files
// stay few, and files get the modes the umask allows (store.h, store_db.h).
#include "parcours/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/store_db.h"
#include "store_test_support.h"
#include "support/cli_runner.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;
using namespace store_testing;  // NOLINT
using testing::TempDir;

void Put(Store& store, const std::string& key, const std::string& value, bool sync = true) {
  WriteBatch batch;
  batch.Put(Domain::kPersons, key, value);
  WriteOptions options;
  options.sync = sync;
  Status s = store.Write(batch, options);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

std::optional<std::string> Get(const Store& store, const std::string& key) {
  return MustGet(store, Domain::kPersons, key);
}

// The newest write-ahead log file that holds something.
fs::path NewestLog(const std::string& dir) {
  std::vector<fs::path> logs;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && fs::file_size(e.path()) > 0) logs.push_back(e.path());
  }
  std::sort(logs.begin(), logs.end());
  return logs.empty() ? fs::path() : logs.back();
}

// Name -> content of every write-ahead log and table file, to prove that a
// refused open lost nothing more (RocksDB may still rewrite its MANIFEST).
std::map<std::string, std::size_t> DataFiles(const std::string& dir) {
  std::map<std::string, std::size_t> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if ((ext != ".log" && ext != ".sst") || fs::file_size(e.path()) == 0) continue;
    std::ifstream in(e.path(), std::ios::binary);
    out[e.path().filename().string()] = std::hash<std::string>()(std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return out;
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteText(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// A store with three acknowledged writes still in its write-ahead log.
class StoreDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore(dir_.path(), /*create=*/true);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (const char* key : {"k1", "k2", "k3"}) Put(**store, key, std::string("value of ") + key);
    store->reset();
    log_ = NewestLog(dir_.path());
    ASSERT_FALSE(log_.empty());
  }

  // Every open, reader or writer, is refused with a message saying what was
  // found and what to do, and changes no file.
  void ExpectRefused() {
    const auto before = DataFiles(dir_.path());
    for (bool read_only : {false, true, false}) {
      auto store = OpenStore(dir_.path(), /*create=*/false, read_only);
      ASSERT_FALSE(store.ok()) << (read_only ? "reader" : "writer") << " opened a damaged store";
      EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
      const std::string& msg = store.status().message();
      EXPECT_TRUE(Contains(msg, dir_.path())) << msg;
      EXPECT_TRUE(Contains(msg, "damaged")) << msg;
      EXPECT_TRUE(Contains(store.status().allowed(), "backup")) << store.status().allowed();
      EXPECT_EQ(DataFiles(dir_.path()), before) << "a refused open changed the store's data files";
    }
  }

  void ExpectAllThree() {
    for (bool read_only : {true, false, true}) {
      auto store = OpenStore(dir_.path(), /*create=*/false, read_only);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      for (const char* key : {"k1", "k2", "k3"}) EXPECT_EQ(Get(**store, key), std::string("value of ") + key);
    }
  }

  TempDir dir_;
  fs::path log_;
};

TEST_F(StoreDamageTest, IntactStoreOpens) { ExpectAllThree(); }

TEST_F(StoreDamageTest, LogTruncatedByOneByteIsRefused) {
  fs::resize_file(log_, fs::file_size(log_) - 1);
  ExpectRefused();
}

TEST_F(StoreDamageTest, LogWithACorruptedByteIsRefused) {
  std::string text = ReadText(log_);
  text[text.size() - 3] ^= 0x5a;  // inside the last record: k3's value
  WriteText(log_, text);
  ExpectRefused();
}

TEST_F(StoreDamageTest, DeletedLogIsRefused) {
  fs::remove(log_);
  ExpectRefused();
}

TEST_F(StoreDamageTest, RefusalSaysWhichChangesWereLost) {
  fs::resize_file(log_, fs::file_size(log_) - 1);
  auto store = OpenStore(dir_.path(), /*create=*/false);
  ASSERT_FALSE(store.ok());
  const std::string& msg = store.status().message();
  EXPECT_TRUE(Contains(msg, "write-ahead log")) << msg;
  EXPECT_TRUE(Contains(msg, "acknowledged")) << msg;
}

// What a process killed while writing leaves: the start of a record that was
// never acknowledged. The store opens with every acknowledged write.
TEST_F(StoreDamageTest, UnacknowledgedTornWriteAtTheEndIsDropped) {
  {
    std::ofstream out(log_, std::ios::binary | std::ios::app);
    out << std::string("\x13\x7f\x20\x01\x2a\x00\x01", 7);
  }
  ExpectAllThree();
  // Recovered for good: the damaged log is gone, the next write is kept.
  {
    auto store = OpenStore(dir_.path(), /*create=*/false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Put(**store, "k4", "four");
  }
  auto store = OpenStore(dir_.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(Get(**store, "k4"), "four");
}

TEST_F(StoreDamageTest, WriteCutBeforeItsAcknowledgementIsDropped) {
  const fs::path record = dir_ / store::kAcknowledgedFileName;
  const std::string acknowledged_k3 = ReadText(record);
  // k3's record cut in the middle, and the record of what was acknowledged
  // as it was before k3: k3 was never acknowledged.
  {
    auto store = OpenStore(dir_.path(), /*create=*/false);
    ASSERT_TRUE(store.ok());
  }
  std::string text = ReadText(log_);
  ASSERT_GT(text.size(), 10u);
  const auto acknowledged = std::stoull(acknowledged_k3);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu\n", static_cast<unsigned long long>(acknowledged - 1));
  WriteText(record, buf);
  fs::resize_file(log_, fs::file_size(log_) - 4);
  auto store = OpenStore(dir_.path(), /*create=*/false);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(Get(**store, "k2"), "value of k2");
  EXPECT_EQ(Get(**store, "k3"), std::nullopt);
}

TEST_F(StoreDamageTest, StoreWithoutAnAcknowledgedRecordOpens) {
  fs::remove(dir_ / store::kAcknowledgedFileName);  // a store made before the record existed
  ExpectAllThree();
}

TEST(StoreWriteOptionsTest, OnlySyncedWritesAreRecordedAsAcknowledged) {
  TempDir dir;
  auto store = OpenStore(dir.path(), /*create=*/true);
  ASSERT_TRUE(store.ok());
  const fs::path record = dir / store::kAcknowledgedFileName;
  const auto acknowledged = [&] { return std::stoull(ReadText(record)); };
  const auto after_init = acknowledged();
  EXPECT_GT(after_init, 0u);
  Put(**store, "unsynced", "u", /*sync=*/false);
  EXPECT_EQ(acknowledged(), after_init);
  EXPECT_EQ(Get(**store, "unsynced"), "u");
  Put(**store, "synced", "s", /*sync=*/true);
  EXPECT_EQ(acknowledged(), after_init + 2);
}

std::map<std::string, int> CountFiles(const std::string& dir) {
  std::map<std::string, int> count;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const std::string ext = e.path().extension().string();
    if (ext == ".sst" || ext == ".log") ++count[ext];
    if (name.rfind("MANIFEST-", 0) == 0) ++count["MANIFEST"];
    if (name.rfind("OPTIONS-", 0) == 0) ++count["OPTIONS"];
  }
  return count;
}

// Each open used to flush the recovered log into a new table file: 200
// commands left 200 files. The store now stays small.
TEST(StoreFilesTest, ManyShortWritersLeaveFewFiles) {
  TempDir dir;
  { ASSERT_TRUE(OpenStore(dir.path(), /*create=*/true).ok()); }
  int most = 0;
  for (int i = 0; i < 200; ++i) {
    auto store = OpenStore(dir.path(), /*create=*/false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    WriteBatch batch;
    const std::string n = std::to_string(i);
    batch.Put(Domain::kEvents, "W-22222#" + n, "event " + n);
    batch.Put(Domain::kPathways, "W-22222", "state " + n);
    batch.Put(Domain::kIndexes, "by-date/" + n, "W-22222");
    ASSERT_TRUE((*store)->Write(batch).ok());
    store->reset();
    auto count = CountFiles(dir.path());
    most = std::max(most, count[".sst"] + count[".log"]);
    EXPECT_LE(count["MANIFEST"], 1) << "after write " << i;
    EXPECT_LE(count["OPTIONS"], 2) << "after write " << i;
  }
  EXPECT_LT(most, 30);
  auto store = OpenStore(dir.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(store.ok());
  for (int i : {0, 99, 199}) {
    auto value = (*store)->Get(Domain::kEvents, "W-22222#" + std::to_string(i));
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, "event " + std::to_string(i));
  }
}

// A writer that wrote much (an import, a sweep of passed deadlines) used to
// leave its log for every later process to replay at its open: 7.5 MB of log
// made each `show` of a large store 90 ms instead of 20. It now flushes at
// close once its live logs hold more than 256 KB; a few small writes do not
// flush.
uint64_t LogBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".log") bytes += fs::file_size(e.path());
  return bytes;
}

TEST(StoreFilesTest, AWriterThatWroteMuchLeavesNoLogToReplay) {
  TempDir dir;
  { ASSERT_TRUE(OpenStore(dir.path(), /*create=*/true).ok()); }
  {
    auto store = OpenStore(dir.path(), /*create=*/false);
    ASSERT_TRUE(store.ok());
    WriteBatch small;
    small.Put(Domain::kEvents, "W-1#1", "a small write");
    ASSERT_TRUE((*store)->Write(small).ok());
  }
  const uint64_t after_small = LogBytes(dir.path());
  EXPECT_GT(after_small, 0u);  // a small write stays in the log: no flush for it
  {
    auto store = OpenStore(dir.path(), /*create=*/false);
    ASSERT_TRUE(store.ok());
    for (int b = 0; b < 20; ++b) {
      WriteBatch batch;
      for (int i = 0; i < 100; ++i) {
        batch.Put(Domain::kEvents, "W-2#" + std::to_string(b * 100 + i), std::string(500, 'x'));
      }
      ASSERT_TRUE((*store)->Write(batch).ok());
    }
    EXPECT_GT(LogBytes(dir.path()), uint64_t{512} << 10);
  }
  EXPECT_LT(LogBytes(dir.path()), uint64_t{64} << 10);
  auto store = OpenStore(dir.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(store.ok());
  auto value = (*store)->Get(Domain::kEvents, "W-2#1999");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), std::string(500, 'x'));
  value = (*store)->Get(Domain::kEvents, "W-1#1");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), "a small write");
}

TEST(StoreFilesTest, OpeningWithoutWritingAddsNoTableFile) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path(), /*create=*/true);
    ASSERT_TRUE(store.ok());
    Put(**store, "k", "v");
  }
  const int before = CountFiles(dir.path())[".sst"];
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(OpenStore(dir.path(), /*create=*/false).ok());
    ASSERT_TRUE(OpenStore(dir.path(), /*create=*/false, /*read_only=*/true).ok());
  }
  EXPECT_EQ(CountFiles(dir.path())[".sst"], before);
}

// Restores the process umask on scope exit.
struct UmaskGuard {
  explicit UmaskGuard(mode_t mask) : old(::umask(mask)) {}
  ~UmaskGuard() { ::umask(old); }
  mode_t old;
};

// Files are made as the umask allows, not rw-r--r-- whatever it is.
TEST(StoreFilesTest, FilesHonourTheUmask) {
  for (mode_t mask : {mode_t{002}, mode_t{022}, mode_t{077}}) {
    UmaskGuard guard(mask);
    TempDir dir;
    const std::string path = dir / "store";
    {
      auto store = OpenStore(path, /*create=*/true);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      for (int i = 0; i < 3; ++i) Put(**store, "k" + std::to_string(i), "v");
    }
    ASSERT_TRUE(OpenStore(path, /*create=*/false).ok());  // reopen: new log, manifest, options
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0777 & ~mask) << path;
    for (const auto& e : fs::directory_iterator(path)) {
      ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 07777, 0666 & ~mask) << e.path() << " with umask 0" << std::oct << mask;
    }
  }
}

}  // namespace
}  // namespace parcours
