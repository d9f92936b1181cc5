// The store: one narrow wrapper over an embedded RocksDB database.
//
// Data lives in named domains (RocksDB column families). A change is a
// WriteBatch applied atomically and durably (synced) by Store::Write: a reader,
// a crash or an error sees all of it or none of it. RocksDB's statuses are
// translated to parcours::Status here and nowhere else.
#pragma once

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
inline constexpr int kSchemaVersion = 1;

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
  // Open without taking the writer lock; Write() is then refused. Several
  // read-only openers may coexist with one writer.
  // Default: false
  bool read_only = false;
  // Where RocksDB's own log messages go (at debug/info/warn levels).
  // Default: nullptr (RocksDB messages are dropped)
  std::shared_ptr<spdlog::logger> logger;
};

class Store {
 public:
  // Opens (or with options.create, creates) the store in directory `path`.
  // On success the store, with its schema version checked. Errors:
  //   Unavailable: no store there, locked by another process, unreadable,
  //                or written by a newer Parcours (message names both versions).
  //   Refused:     options.create on a non-empty directory that is not a store.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // True when Open() created the store just now.
  bool created() const;
  const std::string& path() const;
  bool read_only() const;

  // The value at key, nullopt when absent.
  Result<std::optional<std::string>> Get(Domain domain, std::string_view key) const;

  // Applies `batch` atomically and durably (fsync before returning).
  Status Write(WriteBatch& batch);

  // Calls visit(key, value) for every key starting with `prefix`, in key
  // order, until visit returns false.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  Status ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const;
  // Same over keys in [begin, end).
  Status ScanRange(Domain domain, std::string_view begin, std::string_view end,
                   const Visitor& visit) const;

 private:
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace parcours
