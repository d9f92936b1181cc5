// Raw RocksDB as a benchmark peer: what a user would get from it without
// Parcours.
#pragma once

#include <filesystem>
#include <memory>

#include <rocksdb/db.h>

namespace parcours::bench {

// A new RocksDB in `dir` with its default options and one column family;
// null when it does not open.
inline std::unique_ptr<rocksdb::DB> OpenRawRocksDb(const std::filesystem::path& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) return nullptr;
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace parcours::bench
