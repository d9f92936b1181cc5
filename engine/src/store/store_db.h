// The RocksDB database under a Store: how it is opened (options, the check
// that no acknowledged write was lost), kept small, and closed. Internal to
// the store; Store (store.cc) is the only user.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <spdlog/logger.h>

#include "parcours/status.h"
#include "parcours/store.h"
#include "store/store_fs.h"

namespace parcours::store {

// The side file holding the sequence number of the latest write acknowledged
// as durable (docs/architecture.md#durability).
inline constexpr const char* kAcknowledgedFileName = "parcours.acknowledged";

class Database {
 public:
  struct Params {
    std::string path;     // the store directory as the user gave it (for messages)
    std::string db_path;  // its canonical spelling (for RocksDB)
    bool create = false;  // create a new database
    bool read_only = false;
    std::shared_ptr<spdlog::logger> logger;
  };

  // Opens the database, refusing (Unavailable) when it recovers to an older
  // change than the latest one acknowledged, or when it is damaged. A writer
  // changes nothing on disk before that check passed, except to recover from
  // an unacknowledged torn write of a killed process.
  static Result<std::unique_ptr<Database>> Open(const Params& params);
  // Closes it; a writer first flushes and compacts when too many files piled up.
  ~Database();

  rocksdb::DB& db() const { return *db_; }
  // Column family handles, one per Domain, in Domain order.
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles() const { return handles_; }

  // Records that every write up to the latest sequence number is durable.
  // Call after a synced write returned, with writes serialised.
  void RecordAcknowledged();

  // True when a scan of `prefix` in `domain` may use the prefix filters: the
  // prefix is exactly what the domain's filter knows of a key (see
  // IndexKeyPrefix in store_db.cc), so the scan stays within one filter prefix.
  static bool PrefixFiltered(Domain domain, std::string_view prefix);
  // A RocksDB status as a parcours Status (permission problems name the file).
  Status Translate(const rocksdb::Status& s, std::string_view doing) const;

 private:
  Database() = default;
  rocksdb::Status OpenRocks(const rocksdb::DBOptions& options, bool read_only);
  Status OpenError(const rocksdb::Status& s) const;
  void CloseRocks();
  void KeepSmall();

  Params params_;
  StoreEnv env_;
  std::shared_ptr<rocksdb::Logger> rocks_logger_;
  std::shared_ptr<rocksdb::Cache> cache_;  // outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  int acknowledged_fd_ = -1;
};

}  // namespace parcours::store
