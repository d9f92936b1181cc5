// What a short-lived process pays to use the store: open, one synced write (or
// one read), close. Parcours' Store (our lock, the acknowledged-change check,
// file modes, bounded files) next to raw RocksDB doing the same on a database
// of the same size, in the same run, so the ratio is the figure to read.
//
//   build/bin/parcours_bench --benchmark_filter='Open' --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "parcours/store.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;

constexpr int kKeys = 5000;
const std::vector<std::string> kFamilies = {"meta", "programmes", "persons", "pathways", "events", "indexes"};

std::string TempPath(const std::string& what) {
  return (fs::temp_directory_path() / ("parcours-bench-" + what + "-" + std::to_string(::getpid()))).string();
}

// A Parcours store holding kKeys events, at `path`.
void MakeStore(const std::string& path) {
  fs::remove_all(path);
  StoreOptions options;
  options.create = true;
  auto store = std::move(Store::Open(path, options)).value();
  WriteBatch batch;
  for (int i = 0; i < kKeys; ++i) batch.Put(Domain::kEvents, "e" + std::to_string(i), std::string(200, 'x'));
  static_cast<void>(store->Write(batch));
}

// A raw RocksDB database with the same column families and data, at `path`.
void MakeRaw(const std::string& path) {
  fs::remove_all(path);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families{{rocksdb::kDefaultColumnFamilyName, {}}};
  for (const auto& f : kFamilies) families.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(options, path, families, &handles, &db).ok()) return;
  rocksdb::WriteBatch batch;
  for (int i = 0; i < kKeys; ++i) batch.Put(handles[5], "e" + std::to_string(i), std::string(200, 'x'));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  static_cast<void>(db->Write(sync, &batch));
  for (auto* h : handles) static_cast<void>(db->DestroyColumnFamilyHandle(h));
  static_cast<void>(db->Close());
  delete db;
}

void BM_StoreOpenWriteClose(benchmark::State& state) {
  const std::string path = TempPath("store-w");
  MakeStore(path);
  int i = 0;
  for (auto _ : state) {
    auto store = std::move(Store::Open(path, StoreOptions())).value();
    WriteBatch batch;
    batch.Put(Domain::kEvents, "n" + std::to_string(i++), std::string(200, 'y'));
    if (!store->Write(batch).ok()) state.SkipWithError("write failed");
  }
  fs::remove_all(path);
}
BENCHMARK(BM_StoreOpenWriteClose)->Unit(benchmark::kMillisecond);

void BM_RawRocksDbOpenWriteClose(benchmark::State& state) {
  const std::string path = TempPath("raw-w");
  MakeRaw(path);
  std::vector<rocksdb::ColumnFamilyDescriptor> families{{rocksdb::kDefaultColumnFamilyName, {}}};
  for (const auto& f : kFamilies) families.emplace_back(f, rocksdb::ColumnFamilyOptions());
  int i = 0;
  for (auto _ : state) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok()) {
      state.SkipWithError("open failed");
      break;
    }
    rocksdb::WriteBatch batch;
    batch.Put(handles[5], "n" + std::to_string(i++), std::string(200, 'y'));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    if (!db->Write(sync, &batch).ok()) state.SkipWithError("write failed");
    for (auto* h : handles) static_cast<void>(db->DestroyColumnFamilyHandle(h));
    static_cast<void>(db->Close());
    delete db;
  }
  fs::remove_all(path);
}
BENCHMARK(BM_RawRocksDbOpenWriteClose)->Unit(benchmark::kMillisecond);

void BM_StoreOpenReadClose(benchmark::State& state) {
  const std::string path = TempPath("store-r");
  MakeStore(path);
  StoreOptions options;
  options.read_only = true;
  for (auto _ : state) {
    auto store = std::move(Store::Open(path, options)).value();
    benchmark::DoNotOptimize(store->Get(Domain::kEvents, "e42"));
  }
  fs::remove_all(path);
}
BENCHMARK(BM_StoreOpenReadClose)->Unit(benchmark::kMillisecond);

void BM_RawRocksDbOpenReadOnlyClose(benchmark::State& state) {
  const std::string path = TempPath("raw-r");
  MakeRaw(path);
  std::vector<rocksdb::ColumnFamilyDescriptor> families{{rocksdb::kDefaultColumnFamilyName, {}}};
  for (const auto& f : kFamilies) families.emplace_back(f, rocksdb::ColumnFamilyOptions());
  for (auto _ : state) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, families, &handles, &db).ok()) {
      state.SkipWithError("open failed");
      break;
    }
    std::string value;
    benchmark::DoNotOptimize(db->Get(rocksdb::ReadOptions(), handles[5], "e42", &value));
    for (auto* h : handles) static_cast<void>(db->DestroyColumnFamilyHandle(h));
    delete db;
  }
  fs::remove_all(path);
}
BENCHMARK(BM_RawRocksDbOpenReadOnlyClose)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parcours
