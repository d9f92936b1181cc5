#include "core/batch_reader.h"

#include "core/engine_impl.h"

#include <vector>

namespace parcours {

Result<std::optional<std::string>> BatchReader::Get(Domain domain, std::string_view key) const {
  Key k{domain, std::string(key)};
  if (auto it = overlay_.find(k); it != overlay_.end()) return it->second;
  if (auto it = read_.find(k); it != read_.end()) return it->second;
  PARCOURS_ASSIGN_OR_RETURN(auto value, base_.Get(domain, key));
  read_.emplace(std::move(k), value);
  return value;
}

Status BatchReader::ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const {
  // The snapshot's entries under the prefix, then this batch's writes over them.
  std::map<std::string, std::string, std::less<>> merged;
  std::vector<std::string> keys;
  PARCOURS_RETURN_IF_ERROR(base_.ScanPrefix(domain, prefix, [&](std::string_view k, std::string_view v) {
    keys.emplace_back(k);
    merged.emplace(std::string(k), std::string(v));
    return true;
  }));
  scanned_.try_emplace(Key{domain, std::string(prefix)}, std::move(keys));
  for (auto it = overlay_.lower_bound(Key{domain, std::string(prefix)});
       it != overlay_.end() && it->first.first == domain && it->first.second.starts_with(prefix); ++it) {
    if (it->second) merged[it->first.second] = *it->second;
    else merged.erase(it->first.second);
  }
  for (const auto& [k, v] : merged) {
    if (!visit(k, v)) break;
  }
  return Status::Ok();
}

Status BatchReader::ScanRange(Domain, std::string_view, std::string_view, const Visitor&) const {
  return Status::Internal("a range scan while planning a batch");
}

void BatchReader::Apply(Mutation&& m) {
  for (auto& w : m.writes) overlay_[Key{w.domain, std::move(w.key)}] = std::move(w.value);
  for (auto& k : m.logged) logged_.push_back(std::move(k));
  if (m.on_durable) on_durable_.push_back(std::move(m.on_durable));
}

Mutation BatchReader::Take() {
  Mutation m;
  m.read_at = base_.sequence();
  m.writes.reserve(overlay_.size());
  for (auto& [k, v] : overlay_) m.writes.push_back({k.first, k.second, std::move(v)});
  for (auto& [k, v] : read_) m.expects.push_back({k.first, k.second, std::move(v)});
  for (auto& [k, keys] : scanned_) m.expect_prefixes.push_back({k.first, k.second, std::move(keys)});
  m.logged = std::move(logged_);
  m.on_durable = [calls = std::move(on_durable_)] {
    for (const auto& call : calls) call();
  };
  overlay_.clear();
  read_.clear();
  scanned_.clear();
  logged_.clear();
  on_durable_.clear();
  return m;
}

Status Engine::Impl::RunBatch(std::string_view what, const std::function<Status(BatchReader&)>& plan,
                              const std::function<Status(Mutation&)>& seal, const std::function<void()>& undo) {
  PARCOURS_RETURN_IF_ERROR(committer_status);
  if (!committer) return Status::Internal("write on a store opened read-only");
  for (int attempt = 0; attempt < kMaxPlans; ++attempt) {
    if (attempt > 0 && undo) undo();
    const std::unique_ptr<StoreReader> snapshot = store.Snapshot();
    BatchReader reader(*snapshot);
    PARCOURS_RETURN_IF_ERROR(plan(reader));
    Mutation m = reader.Take();
    if (seal) PARCOURS_RETURN_IF_ERROR(seal(m));
    const Committer::Committed c = committer->Commit(std::move(m));
    if (c.outcome == Committer::Outcome::kCommitted) return Status::Ok();
    if (c.outcome == Committer::Outcome::kFailed) return c.status;
  }
  return Status::Unavailable(std::string(what) + " kept meeting other commands changing the same data (" +
                                 std::to_string(kMaxPlans) + " tries)",
                             "Run it again.");
}

}  // namespace parcours
