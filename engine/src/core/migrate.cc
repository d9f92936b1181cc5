// Migrating a store of an earlier format (docs/operations.md, "Upgrade").
//
// Format 1 held events, pathway states and the values of report and due
// index entries as JSON text; format 2 holds them in the binary encoding of
// schema/codec.h (the decoders read both). Format 3 adds the index of open
// deadlines by referent (keys::DueOfReferent) and keeps the missed ones apart
// (keys::DueMissed). A writer opening a store of format 1 or 2:
//   1. copies it beside itself, to <store>.format-<N>-backup-<UTC time>;
//   2. marks it format 3, with the `reencode` meta key (keys::Migrating)
//      naming the copy, in one synced write: from then on an older parcours
//      refuses the store instead of meeting values it cannot read or writing
//      without keeping the new index;
//   3. runs the steps from its format on, in batches: re-encodes every state,
//      event and index entry still in JSON (from 1); adds a due-by-referent
//      entry for every due entry and moves the missed ones (from 1 and 2);
//   4. deletes the `reencode` key, synced.
// Both steps can run again over their own output (step 3 leaves binary
// values as they are; a missed entry moves with its entry by referent, in one
// batch), so a writer that finds
// the key (a migration interrupted by a crash, from a format it no longer
// knows) runs them all.
#include <filesystem>
#include <functional>

#include "core/engine_impl.h"

namespace parcours {
namespace {

constexpr std::size_t kBatch = 1024;  // changes per write

// <store>.format-<from>-backup-<UTC time>, or with -2, -3... when taken.
std::string BackupPath(const std::string& store_path, int from, const std::string& timestamp) {
  std::filesystem::path store(store_path);
  if (!store.has_filename()) store = store.parent_path();  // "store/" -> "store"
  // 2026-11-21T10:15:00.123Z -> 20261121T101500Z
  std::string stamp;
  for (char c : timestamp.substr(0, timestamp.find('.')))
    if (c != ':' && c != '-' && c != 'Z') stamp += c;
  stamp += 'Z';
  const std::string base = store.string() + ".format-" + std::to_string(from) + "-backup-" + stamp;
  std::string path = base;
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(path, ec); ++n) path = base + "-" + std::to_string(n);
  return path;
}

// Scans the keys of `domain` starting with `prefix`, `change` adding to a
// batch what each entry becomes; writes the batches unsynced, every kBatch
// changes (the migration syncs once, when it ends).
Status Rewrite(Store& store, Domain domain, std::string_view prefix,
               const std::function<Status(std::string_view key, std::string_view value, WriteBatch&)>& change) {
  WriteBatch batch;
  Status failed;
  PARCOURS_RETURN_IF_ERROR(store.ScanPrefix(domain, prefix, [&](std::string_view key, std::string_view value) {
    failed = change(key, value, batch);
    if (failed.ok() && batch.Count() >= kBatch) {
      failed = store.Write(batch, WriteOptions{false});
      batch = WriteBatch();
    }
    return failed.ok();
  }));
  PARCOURS_RETURN_IF_ERROR(failed);
  return batch.Count() > 0 ? store.Write(batch, WriteOptions{false}) : Status::Ok();
}

// Re-encodes the values of `domain` still in JSON (codec::FormatTwoValue).
Status ReencodeDomain(Store& store, Domain domain, uint64_t& count) {
  return Rewrite(store, domain, "", [&](std::string_view key, std::string_view value, WriteBatch& batch) {
    if (!codec::IsJsonValue(value)) return Status::Ok();
    auto binary = codec::FormatTwoValue(domain, key, value);
    if (!binary.ok()) {
      return Status::Corruption(std::string(DomainName(domain)) + " " + EchoText(key) + ": " +
                                binary.status().message());
    }
    if (!*binary) return Status::Ok();  // written alike by both formats
    batch.Put(domain, std::string(key), std::move(**binary));
    ++count;
    return Status::Ok();
  });
}

// Indexes the open deadlines as format 3 does (DueEntries): a
// keys::DueOfReferent entry beside every due entry of a pathway with a
// referent, and the missed ones moved from keys::Due to keys::DueMissed (the
// referent and the missed flag are in the entry's value).
Status IndexDeadlines(Store& store, uint64_t& by_referent, uint64_t& missed) {
  return Rewrite(store, Domain::kIndexes, keys::DuePrefix(),
                 [&](std::string_view key, std::string_view value, WriteBatch& batch) {
                   auto due = codec::DecodeDueValue(value);
                   auto parts = ParseDueKey(key);
                   if (!due.ok() || !parts.ok()) {
                     return Status::Corruption("index entry " + EchoText(key) + ": " +
                                               (due.ok() ? parts.status() : due.status()).message());
                   }
                   bool kept = false;
                   for (const auto& [k, v] : DueEntries(parts->pathway, parts->deadline, parts->due, *due)) {
                     kept = kept || k == key;
                     batch.Put(Domain::kIndexes, k, v);
                   }
                   if (!kept) batch.Delete(Domain::kIndexes, std::string(key));
                   by_referent += due->referent.empty() ? 0 : 1;
                   missed += due->missed ? 1 : 0;
                   return Status::Ok();
                 });
}

}  // namespace

Result<bool> Engine::Impl::HasDueOfReferent(const StoreReader& r) const {
  if (store.schema_version() < 3) return false;
  PARCOURS_ASSIGN_OR_RETURN(auto pending, r.Get(Domain::kMeta, keys::Migrating()));
  return !pending;
}

Status Engine::Impl::MigrateStore() {
  if (store.read_only()) return Status::Ok();
  PARCOURS_ASSIGN_OR_RETURN(auto pending, store.Get(Domain::kMeta, keys::Migrating()));
  if (store.schema_version() == kSchemaVersion && !pending) return Status::Ok();
  auto fail = [&](const Status& s) {
    return Status::Unavailable("the store at " + store.path() + " could not be migrated to format " +
                                   std::to_string(kSchemaVersion) + ": " + s.message(),
                               "Nothing was written. See docs/operations.md, \"Upgrade\".");
  };
  // The format the steps start from: unknown when a migration was interrupted.
  int from = kOldestSchemaVersion;
  std::string backup = pending.value_or("");
  if (store.schema_version() < kSchemaVersion) {
    from = store.schema_version();
    backup = BackupPath(store.path(), from, clock.now_timestamp());
    if (Status s = store.Checkpoint(backup); !s.ok()) return fail(s);
    if (log) log->info("migrating {} to format {}: a copy of it as it was is in {}", store.path(), kSchemaVersion, backup);
    WriteBatch mark;
    mark.Put(Domain::kMeta, keys::Migrating(), backup);
    if (Status s = store.SetSchemaVersion(kSchemaVersion, mark); !s.ok()) return fail(s);
  }
  uint64_t states = 0, events = 0, entries = 0, by_referent = 0, missed = 0;
  Status s;
  if (from < 2) {
    for (auto [domain, count] : {std::pair{Domain::kPathways, &states}, std::pair{Domain::kEvents, &events},
                                 std::pair{Domain::kIndexes, &entries}}) {
      if (s = ReencodeDomain(store, domain, *count); !s.ok()) break;
    }
  }
  if (s.ok()) s = IndexDeadlines(store, by_referent, missed);
  if (s.ok()) {
    WriteBatch done;
    done.Delete(Domain::kMeta, keys::Migrating());
    s = store.Write(done, WriteOptions{true});
  }
  if (!s.ok()) return fail(s);
  if (log) {
    log->info(
        "migrated {} to format {}: {} pathway states, {} events and {} index entries re-encoded; {} open deadlines "
        "indexed by referent, {} missed ones apart (backup: {})",
        store.path(), kSchemaVersion, states, events, entries, by_referent, missed, backup);
  }
  return Status::Ok();
}

}  // namespace parcours
