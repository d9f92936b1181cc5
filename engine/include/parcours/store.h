// The store: one narrow wrapper over an embedded RocksDB database.
//
// Data lives in named domains (RocksDB column families). A change is a
// WriteBatch applied atomically and (by default) durably by Store::Write: a
// reader, a crash or an error sees all of it or none of it. RocksDB's statuses
// are translated to parcours::Status here and nowhere else.
//
// Processes share a store through a lock in its directory: one writer at a
// time, or any number of readers; a reader sees every write acknowledged
// before it opened (docs/architecture.md#concurrency).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "parcours/status.h"

namespace parcours {

enum class Domain {
  kMeta,        // store metadata: schema version, creation
  kProgrammes,  // installed workflow definitions, every version
  kPersons,     // identifying data of persons (name, birth date...), apart from events
  kPathways,    // current state of each pathway
  kEvents,      // the immutable event log, by pathway and sequence number
  kIndexes,     // derived lookups: names, active pathways, caseloads, events by date
};
inline constexpr int kDomainCount = 6;
// The column family name of a domain: "meta", "programmes", "persons"...
const char* DomainName(Domain domain);

// The layout version this build reads and writes (meta key "schema_version").
inline constexpr int kSchemaVersion = 3;
// The oldest layout version Open() accepts: stores of versions from this one
// to kSchemaVersion open, and the engine migrates them when it writes
// (docs/operations.md, "Upgrade"). 1: events and states as JSON text;
// 2: no index of open deadlines by referent.
inline constexpr int kOldestSchemaVersion = 1;

// A set of puts and deletes applied all together by Store::Write.
class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  void Put(Domain domain, std::string_view key, std::string_view value);
  void Delete(Domain domain, std::string_view key);
  std::size_t Count() const;

 private:
  friend class Store;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

struct StoreOptions {
  // Create the store when the directory is missing or empty. A non-empty
  // directory that is not a store is refused either way.
  // Default: false
  bool create = false;
  // Open to read only: share the store with other readers (never with a
  // writer); Write() is then refused.
  // Default: false
  bool read_only = false;
  // Where RocksDB's own log messages go (at debug/info/warn levels).
  // Default: nullptr (RocksDB messages are dropped)
  std::shared_ptr<spdlog::logger> logger;
  // How long Open() waits for another process using the store (a writer, or
  // for a writer the readers) before it gives up. Zero: do not wait.
  // Default: 5 s
  std::chrono::milliseconds wait{5000};
};

struct WriteOptions {
  // Return only once the write is on disk (fsync of the write-ahead log). An
  // unsynced write is atomic and visible, but a crash may lose it until a
  // later synced write returns.
  // Default: true
  bool sync = true;
};

// Reading the store: its latest state (Store) or one point in time (a
// snapshot from Store::Snapshot()).
class StoreReader {
 public:
  virtual ~StoreReader() = default;
  // The value at key, nullopt when absent.
  virtual Result<std::optional<std::string>> Get(Domain domain, std::string_view key) const = 0;
  // Calls visit(key, value) for every key starting with `prefix`, in key
  // order, until visit returns false.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  virtual Status ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const = 0;
  // Same over keys in [begin, end).
  virtual Status ScanRange(Domain domain, std::string_view begin, std::string_view end,
                           const Visitor& visit) const = 0;
  // The point in the store's history this reader sees (a number any write
  // increases), so that a writer can tell nothing was written since; 0 when
  // the reader cannot say.
  virtual uint64_t sequence() const { return 0; }
};

class Store : public StoreReader {
 public:
  // Opens (or with options.create, creates) the store in directory `path`,
  // holding its lock (shared for a reader, exclusive for a writer) until the
  // Store is destroyed. On success the store, with its schema version
  // checked. Errors:
  //   Unavailable: no store there; in use by another process for all of
  //                options.wait (the message says how long we waited); a
  //                file this user may not read or write, or a read-only file
  //                system (the message names the file); damaged, including a
  //                write-ahead log that recovers to an older change than the
  //                last one acknowledged; or written by a newer Parcours
  //                (message names both versions).
  //   Refused:     options.create on a non-empty directory that is not a store.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // True when Open() created the store just now.
  bool created() const;
  const std::string& path() const;
  bool read_only() const;

  Result<std::optional<std::string>> Get(Domain domain, std::string_view key) const override;
  Status ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const override;
  Status ScanRange(Domain domain, std::string_view begin, std::string_view end,
                   const Visitor& visit) const override;
  // The latest write's.
  uint64_t sequence() const override;

  // The store as it is now, frozen: reads through it never see a later
  // write. Lives at most as long as the Store.
  std::unique_ptr<StoreReader> Snapshot() const;

  // Applies `batch` atomically; with options.sync (the default), durably:
  // on disk before returning, and recorded as acknowledged so that a later
  // Open() refuses a store that lost it. Writes are serialised.
  Status Write(WriteBatch& batch, const WriteOptions& options = WriteOptions());

  // The store's layout version (kOldestSchemaVersion to kSchemaVersion), and
  // its change, durably, with the writes of `batch` (a migration's last step).
  int schema_version() const;
  Status SetSchemaVersion(int version, WriteBatch& batch);

  // A consistent copy of the store in the new directory `dir` (hard links to
  // its table files where the file system allows, else copies), which opens
  // as a store of its own. Refused when `dir` exists.
  Status Checkpoint(const std::string& dir) const;

  // Rewrites every domain's tables in their most compact form (a full
  // compaction: old versions and deleted values dropped, everything at the
  // bottommost level). Long on a large store; writes go on meanwhile.
  Status Compact();
  // The bytes of a domain's table files (not its write-ahead log).
  uint64_t TableBytes(Domain domain) const;


 private:
  struct Rep;
  struct Reads;
  class SnapshotReader;
  explicit Store(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace parcours
