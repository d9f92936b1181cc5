// Private to the engine: planning many commands into one write batch.
//
// An import plans thousands of rows and commits them together. Each row is
// planned by its command's own plan step on a BatchReader: a snapshot of the
// store with the writes of the rows planned before it laid over, so that a
// row sees the person or pathway an earlier row of the batch created. The
// reader remembers what it read from the snapshot (values, and the keys
// under each prefix scanned): those become the batch's expectations, checked
// by the Committer as for any command, so that a batch planned while another
// command changed what it read is planned again rather than committed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/commit.h"
#include "parcours/store.h"

namespace parcours {

class BatchReader : public StoreReader {
 public:
  explicit BatchReader(const StoreReader& base) : base_(base) {}

  Result<std::optional<std::string>> Get(Domain domain, std::string_view key) const override;
  Status ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const override;
  // Refused: a plan reads by key and prefix only, which is what the
  // expectations of a batch can say.
  Status ScanRange(Domain domain, std::string_view begin, std::string_view end,
                   const Visitor& visit) const override;
  uint64_t sequence() const override { return base_.sequence(); }

  // Lays the writes of a planned row over the snapshot, and keeps its
  // logged events and its on_durable call (in order) for the batch.
  void Apply(Mutation&& m);
  // Rows applied so far.
  bool empty() const { return overlay_.empty(); }

  // The batch: every key's last write, the expectations of what was read
  // from the snapshot, the events in order, and one on_durable running each
  // row's in turn. The reader is empty afterwards.
  Mutation Take();

 private:
  using Key = std::pair<Domain, std::string>;
  const StoreReader& base_;
  std::map<Key, std::optional<std::string>> overlay_;
  mutable std::map<Key, std::optional<std::string>> read_;           // point reads of the snapshot
  mutable std::map<Key, std::vector<std::string>> scanned_;          // prefix scans: keys found
  std::vector<std::string> logged_;
  std::vector<std::function<void()>> on_durable_;
};

}  // namespace parcours
