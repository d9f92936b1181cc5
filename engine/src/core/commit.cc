#include "core/commit.h"

#include "schema/keys.h"
#include "parcours/text.h"

#include <map>
#include <utility>

namespace parcours {

// A command waiting in Commit. Each has its own condition variable, so that
// a finished batch wakes its own commands and the next leader only, not every
// thread waiting (with 32 clients about twice as many wake-ups otherwise).
struct Committer::Waiter {
  Mutation mutation;
  bool done = false;
  Committed result;
  std::condition_variable cv;
};

Committer::Committer(Store& store, Options options, uint64_t log_head)
    : store_(store), options_(options), log_head_(log_head) {}

Result<std::unique_ptr<Committer>> Committer::Open(Store& store, Options options) {
  PARCOURS_ASSIGN_OR_RETURN(auto head, store.Get(Domain::kMeta, keys::LogHead()));
  uint64_t n = 0;
  if (head && !keys::ParseLogNumber(*head, n)) {
    return Status::Corruption("the commit log head " + EchoText(*head) + " does not decode");
  }
  return std::unique_ptr<Committer>(new Committer(store, options, n));
}

Committer::Stats Committer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Committer::Committed Committer::Commit(Mutation m) {
  Waiter self{std::move(m), false, {}, {}};
  std::unique_lock lock(mu_);
  queue_.push_back(&self);
  // Wait until a leader has written our mutation, or until we are at the
  // head of the queue with no batch in flight: then we lead the next batch.
  self.cv.wait(lock, [&] { return self.done || (!leading_ && queue_.front() == &self); });
  if (!self.done) Lead(lock);
  return self.result;
}

namespace {

using Overlay = std::map<std::pair<Domain, std::string>, std::optional<std::string>>;

// The value of a key for the mutations of this batch: what an earlier one
// wrote, else the store's latest.
Result<std::optional<std::string>> Current(const Store& store, const Overlay& overlay, Domain d,
                                           const std::string& key) {
  auto it = overlay.find({d, key});
  if (it != overlay.end()) return it->second;
  return store.Get(d, key);
}

// True when every expectation of `m` holds.
Result<bool> Holds(const Store& store, const Overlay& overlay, const Mutation& m) {
  for (const auto& e : m.expects) {
    PARCOURS_ASSIGN_OR_RETURN(auto now, Current(store, overlay, e.domain, e.key));
    if (now != e.value) return false;
  }
  for (const auto& e : m.expect_prefixes) {
    std::vector<std::string> keys;
    PARCOURS_RETURN_IF_ERROR(store.ScanPrefix(e.domain, e.prefix, [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return true;
    }));
    // Apply this batch's earlier writes under the prefix.
    for (auto it = overlay.lower_bound({e.domain, e.prefix});
         it != overlay.end() && it->first.first == e.domain && it->first.second.starts_with(e.prefix); ++it) {
      auto pos = std::lower_bound(keys.begin(), keys.end(), it->first.second);
      const bool present = pos != keys.end() && *pos == it->first.second;
      if (it->second && !present) keys.insert(pos, it->first.second);
      if (!it->second && present) keys.erase(pos);
    }
    if (keys != e.keys) return false;
  }
  return true;
}

}  // namespace

void Committer::Lead(std::unique_lock<std::mutex>& lock) {
  leading_ = true;
  std::vector<Waiter*> group;
  while (!queue_.empty() && group.size() < options_.max_batch) {
    group.push_back(queue_.front());
    queue_.pop_front();
  }
  lock.unlock();

  // Check each mutation against the store and the ones before it; the
  // store's only writer is this leader, so what it reads stays true until
  // the batch is written.
  Overlay overlay;
  WriteBatch batch;
  const uint64_t head_before = log_head_;
  std::vector<Waiter*> written;
  const uint64_t latest = store_.sequence();
  for (Waiter* w : group) {
    // Nothing written since the plan's snapshot (and nothing before it in
    // this batch): what it read is what it expects.
    const bool unchanged = w->mutation.read_at != 0 && w->mutation.read_at == latest && written.empty();
    auto holds = unchanged ? Result<bool>(true) : Holds(store_, overlay, w->mutation);
    if (!holds.ok()) {
      w->result = {Outcome::kFailed, holds.status()};
      continue;
    }
    if (!*holds) {
      w->result = {Outcome::kConflict, Status::Ok()};
      continue;
    }
    for (auto& op : w->mutation.writes) {
      if (op.value)
        batch.Put(op.domain, op.key, *op.value);
      else
        batch.Delete(op.domain, op.key);
      overlay[{op.domain, op.key}] = op.value;
    }
    for (const auto& event_key : w->mutation.logged) batch.Put(Domain::kIndexes, keys::Log(++log_head_), event_key);
    written.push_back(w);
  }
  if (log_head_ != head_before) batch.Put(Domain::kMeta, keys::LogHead(), keys::LogNumber(log_head_));
  Status status;
  if (batch.Count() > 0) status = store_.Write(batch, WriteOptions{options_.sync});
  if (!status.ok()) log_head_ = head_before;
  uint64_t conflicts = 0;
  for (Waiter* w : group) {
    if (w->result.outcome == Outcome::kConflict) ++conflicts;
  }
  for (Waiter* w : written) {
    w->result =
        status.ok() ? Committed{Outcome::kCommitted, Status::Ok()} : Committed{Outcome::kFailed, status};
    // In commit order, before anyone learns of the commit.
    if (status.ok() && w->mutation.on_durable) w->mutation.on_durable();
  }

  lock.lock();
  stats_.batches += batch.Count() > 0 ? 1 : 0;
  stats_.committed += status.ok() ? written.size() : 0;
  stats_.conflicts += conflicts;
  // Notified under the lock: a waiter that sees `done` returns and its
  // condition variable goes with it.
  for (Waiter* w : group) {
    w->done = true;
    w->cv.notify_one();
  }
  leading_ = false;
  if (!queue_.empty()) queue_.front()->cv.notify_one();
}

}  // namespace parcours
