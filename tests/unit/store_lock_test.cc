// The store shared by processes and threads: one writer or many readers,
// waiting up to StoreOptions::wait, a turnstile for writers (store_lock.h).
#include "parcours/store.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "store_test_support.h"
#include "support/cli_runner.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;
using namespace store_testing;  // NOLINT
using testing::TempDir;

TEST(StoreLockTest, SecondWriterIsUnavailableMentioningAnotherProcess) {
  TempDir dir;
  auto writer = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(writer);
  for (bool create : {false, true}) {
    auto second = OpenStore(dir.path(), create);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
    EXPECT_TRUE(Contains(second.status().message(), "another")) << second.status().message();
    EXPECT_TRUE(Contains(second.status().message(), "waited 0 s")) << second.status().message();
    EXPECT_TRUE(Contains(second.status().message(), dir.path())) << second.status().message();
    EXPECT_TRUE(Contains(second.status().allowed(), "{arg:wait} SECONDS")) << second.status().allowed();
  }
  // The first writer is unaffected.
  MustPut(*writer, Domain::kPersons, "k", "v");
  EXPECT_EQ(MustGet(*writer, Domain::kPersons, "k"), "v");
}

// The same directory spelt differently ("dir/", "dir/./x/..") is the same
// store: a second writer in the same process must be refused too, or two
// RocksDB instances write the same files.
TEST(StoreLockTest, SecondWriterThroughAnotherSpellingOfThePathIsUnavailable) {
  TempDir dir;
  auto writer = MustOpen(dir / "store", /*create=*/true);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(fs::create_directory(dir / "store/sub"));
  for (const std::string& other : {dir / "store/", dir / "store/./sub/.."}) {
    auto second = OpenStore(other, /*create=*/false);
    EXPECT_FALSE(second.ok()) << other << " opened as a second writer of " << (dir / "store");
    if (!second.ok()) {
      EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
    }
  }
}

TEST(StoreLockTest, WriterCanReopenOnceTheFirstIsClosed) {
  TempDir dir;
  auto writer = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(writer);
  writer.reset();
  auto again = MustOpen(dir.path(), /*create=*/false);
  EXPECT_TRUE(again);
}

// A busy store is waited for, up to StoreOptions::wait.
TEST(StoreLockTest, SecondWriterWaitsForTheFirstToClose) {
  TempDir dir;
  auto writer = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(writer);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    MustPut(*writer, Domain::kPersons, "P-22222", "written before closing");
    writer.reset();
  });
  const auto start = std::chrono::steady_clock::now();
  auto second = OpenStore(dir.path(), /*create=*/false, /*read_only=*/false, std::chrono::seconds(10));
  const auto waited = std::chrono::steady_clock::now() - start;
  closer.join();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_GE(waited, std::chrono::milliseconds(100));
  EXPECT_EQ(MustGet(**second, Domain::kPersons, "P-22222"), "written before closing");
}

TEST(StoreLockTest, BusyStoreIsUnavailableAfterTheWaitSayingHowLong) {
  TempDir dir;
  { ASSERT_TRUE(MustOpen(dir.path(), /*create=*/true)); }
  HeldByAnotherProcess held(dir.path());
  for (bool read_only : {false, true}) {
    const auto start = std::chrono::steady_clock::now();
    auto second = OpenStore(dir.path(), /*create=*/false, read_only, std::chrono::milliseconds(300));
    const auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
    EXPECT_TRUE(Contains(second.status().message(), "in use by another")) << second.status().message();
    EXPECT_TRUE(Contains(second.status().message(), "waited 0.3 s")) << second.status().message();
    EXPECT_GE(waited, std::chrono::milliseconds(300));
    EXPECT_LT(waited, std::chrono::seconds(3));
  }
}

// A reader never runs while another process writes: it waits for the writer
// to finish.
TEST(StoreLockTest, ReaderWaitsForAWriterOfAnotherProcess) {
  TempDir dir;
  {
    auto writer = MustOpen(dir.path(), /*create=*/true);
    ASSERT_TRUE(writer);
    MustPut(*writer, Domain::kPersons, "P-33333", "person");
  }
  HeldByAnotherProcess held(dir.path());
  auto busy = OpenStore(dir.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_FALSE(busy.ok());
  EXPECT_TRUE(Contains(busy.status().message(), "in use by another")) << busy.status().message();
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    held.Release();
  });
  auto reader = OpenStore(dir.path(), /*create=*/false, /*read_only=*/true, std::chrono::seconds(10));
  release.join();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->read_only());
  EXPECT_FALSE((*reader)->created());
  EXPECT_EQ(MustGet(**reader, Domain::kPersons, "P-33333"), "person");
}

// In the writer's own process, a reader reads through the writer's database:
// it sees every write, and does not wait for its own process.
TEST(StoreLockTest, ReaderInTheWritersProcessReadsThroughIt) {
  TempDir dir;
  auto writer = MustOpen(dir.path(), /*create=*/true);
  ASSERT_TRUE(writer);
  MustPut(*writer, Domain::kEvents, "W-22222#1", "event one");
  auto reader = MustOpen(dir.path() + "/", /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(reader->read_only());
  EXPECT_EQ(MustGet(*reader, Domain::kEvents, "W-22222#1"), "event one");
  MustPut(*writer, Domain::kPersons, "P-44444", "later");
  EXPECT_EQ(MustGet(*reader, Domain::kPersons, "P-44444"), "later");
  WriteBatch batch;
  batch.Put(Domain::kPersons, "P-55555", "x");
  EXPECT_FALSE(reader->Write(batch).ok());
  // The reader may outlive the writer.
  writer.reset();
  EXPECT_EQ(MustGet(*reader, Domain::kPersons, "P-44444"), "later");
}

TEST(StoreLockTest, ReadersShareTheStoreAndKeepWritersOut) {
  TempDir dir;
  {
    auto writer = MustOpen(dir.path(), /*create=*/true);
    ASSERT_TRUE(writer);
    MustPut(*writer, Domain::kPersons, "P-33333", "person");
  }
  auto reader = MustOpen(dir.path(), /*create=*/false, /*read_only=*/true);
  auto reader2 = MustOpen(dir.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(reader && reader2);
  EXPECT_EQ(MustGet(*reader2, Domain::kPersons, "P-33333"), "person");
  auto writer = OpenStore(dir.path(), /*create=*/false);
  ASSERT_FALSE(writer.ok());
  EXPECT_TRUE(Contains(writer.status().message(), "in use by another")) << writer.status().message();
  reader.reset();
  reader2.reset();
  EXPECT_TRUE(MustOpen(dir.path(), /*create=*/false));
}

// Turnstile: once a writer waits, a new reader waits behind it, so a stream
// of readers cannot keep a writer out.
TEST(StoreLockTest, AWaitingWriterGoesBeforeNewReaders) {
  TempDir dir;
  { ASSERT_TRUE(MustOpen(dir.path(), /*create=*/true)); }
  auto reader = MustOpen(dir.path(), /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(reader);
  std::unique_ptr<Store> writer;
  std::thread waiting_writer([&] {
    auto w = OpenStore(dir.path(), /*create=*/false, /*read_only=*/false, std::chrono::seconds(10));
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    if (w.ok()) writer = std::move(w).value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the writer now waits
  auto late_reader = OpenStore(dir.path(), /*create=*/false, /*read_only=*/true);
  EXPECT_FALSE(late_reader.ok()) << "a new reader got in ahead of the waiting writer";
  reader.reset();
  waiting_writer.join();
  ASSERT_TRUE(writer);
  MustPut(*writer, Domain::kPersons, "P-44444", "later");
}

}  // namespace
}  // namespace parcours
