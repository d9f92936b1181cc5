// Private to the engine: the commit half of the command path.
//
// A command is planned on a consistent snapshot of the store: it validates the
// input, runs guards and derived fields, and produces a Mutation: the writes
// (event, new state, index entries) and the expectations they rest on (this
// pathway's state is still the one read, this key is still absent...). The
// Committer applies mutations in arrival order, many per RocksDB WriteBatch
// and one fsync, checking each one's expectations against the latest state
// (the store plus the writes of the mutations before it in the batch). A
// mutation whose expectations no longer hold is not written: its command is
// planned again on a newer snapshot (Engine::Impl::Run).
//
// No lock is held across the fsync: while a batch is being synced, the next
// commands plan and queue; the first of them then leads the next batch
// (RocksDB's own write-group scheme).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "parcours/event.h"
#include "parcours/status.h"
#include "parcours/store.h"

namespace parcours {

// One write: a put, or a delete when `value` is absent.
struct Write {
  Domain domain;
  std::string key;
  std::optional<std::string> value;
};

// "This key holds `value`" (absent: "this key does not exist") at commit time.
struct Expect {
  Domain domain;
  std::string key;
  std::optional<std::string> value;
};

// "The keys under `prefix` are exactly `keys`" at commit time (e.g. no
// probable duplicate of a person was registered since the plan read).
struct ExpectPrefix {
  Domain domain;
  std::string prefix;
  std::vector<std::string> keys;
};

struct Mutation {
  std::vector<Write> writes;
  std::vector<Expect> expects;
  std::vector<ExpectPrefix> expect_prefixes;
  // The sequence of the snapshot the plan read (StoreReader::sequence; 0:
  // unknown). When nothing was written since, the expectations hold without
  // being read again.
  uint64_t read_at = 0;
  // Keys (Domain::kEvents) of the events this mutation appends, in order: the
  // committer numbers them in the store's commit log, which durable
  // subscribers read (core/subscribers.cc).
  std::vector<std::string> logged;
  // Run once the batch holding this mutation is durable, in commit order
  // (publishing events, after-commit actions, logging). Must not throw.
  std::function<void()> on_durable;

  void Put(Domain d, std::string key, std::string value) {
    writes.push_back({d, std::move(key), std::move(value)});
  }
  void Delete(Domain d, std::string key) { writes.push_back({d, std::move(key), std::nullopt}); }
  void ExpectValue(Domain d, std::string key, std::optional<std::string> value) {
    expects.push_back({d, std::move(key), std::move(value)});
  }
  void ExpectAbsent(Domain d, std::string key) { expects.push_back({d, std::move(key), std::nullopt}); }
};

// Commits mutations in groups. One per engine; the store must have been
// opened to write.
class Committer {
 public:
  struct Options {
    std::size_t max_batch = 256;  // mutations per write batch at most
    bool sync = true;             // fsync each batch (WriteOptions::sync)
  };
  // Fails (the message says why) when the store's commit log head does not
  // decode.
  static Result<std::unique_ptr<Committer>> Open(Store& store, Options options);
  static Result<std::unique_ptr<Committer>> Open(Store& store) { return Open(store, Options()); }

  enum class Outcome { kCommitted, kConflict, kFailed };
  struct Committed {
    Outcome outcome = Outcome::kFailed;
    Status status;  // why, for kFailed
  };
  // Blocks until `m` is durable (kCommitted), was found in conflict with a
  // mutation committed since its plan read (kConflict: nothing of it was
  // written), or its batch could not be written (kFailed).
  Committed Commit(Mutation m);

  // Counters, for benchmarks and tests.
  struct Stats {
    uint64_t batches = 0;    // write batches, i.e. fsyncs when sync
    uint64_t committed = 0;  // mutations written
    uint64_t conflicts = 0;  // mutations refused for a changed expectation
  };
  Stats stats() const;

 private:
  struct Waiter;
  Committer(Store& store, Options options, uint64_t log_head);
  void Lead(std::unique_lock<std::mutex>& lock);

  Store& store_;
  Options options_;
  uint64_t log_head_;  // number of the last event in the commit log (leader only)
  mutable std::mutex mu_;
  std::deque<Waiter*> queue_;
  bool leading_ = false;
  Stats stats_;
};

}  // namespace parcours
