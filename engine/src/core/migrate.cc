// Migrating a store of an earlier format (docs/operations.md, "Upgrade").
//
// Format 1 held events, pathway states and the values of report and due
// index entries as JSON text; format 2 holds them in the binary encoding of
// schema/codec.h (the decoders read both). A writer
// opening a format-1 store:
//   1. copies it beside itself, to <store>.format-1-backup-<UTC time>;
//   2. marks it format 2, with the `reencode` meta key naming the copy, in one
//      synced write: from then on an older parcours refuses the store instead
//      of meeting values it cannot read;
//   3. re-encodes every state, event and index entry still in JSON, in
//      batches;
//   4. deletes the `reencode` key, synced.
// Step 3 leaves binary values as they are, so a writer that finds the key
// (a migration interrupted by a crash) simply runs it again.
#include <filesystem>

#include "core/engine_impl.h"

namespace parcours {
namespace {

constexpr std::size_t kBatch = 1024;  // values re-encoded per write

// <store>.format-1-backup-<UTC time>, or with -2, -3... when taken.
std::string BackupPath(const std::string& store_path, const std::string& timestamp) {
  std::filesystem::path store(store_path);
  if (!store.has_filename()) store = store.parent_path();  // "store/" -> "store"
  // 2026-11-21T10:15:00.123Z -> 20261121T101500Z
  std::string stamp;
  for (char c : timestamp.substr(0, timestamp.find('.')))
    if (c != ':' && c != '-' && c != 'Z') stamp += c;
  stamp += 'Z';
  const std::string base = store.string() + ".format-1-backup-" + stamp;
  std::string path = base;
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(path, ec); ++n) path = base + "-" + std::to_string(n);
  return path;
}

// Re-encodes the values of `domain` still in JSON (codec::FormatTwoValue).
Status ReencodeDomain(Store& store, Domain domain, uint64_t& count) {
  WriteBatch batch;
  Status failed;
  PARCOURS_RETURN_IF_ERROR(store.ScanPrefix(domain, "", [&](std::string_view key, std::string_view value) {
    if (!codec::IsJsonValue(value)) return true;
    auto binary = codec::FormatTwoValue(domain, key, value);
    if (!binary.ok()) {
      failed = Status::Corruption(std::string(DomainName(domain)) + " " + EchoText(key) + ": " +
                                  binary.status().message());
      return false;
    }
    if (!*binary) return true;  // written alike by both formats
    batch.Put(domain, std::string(key), std::move(**binary));
    ++count;
    if (batch.Count() >= kBatch) {
      failed = store.Write(batch, WriteOptions{false});
      batch = WriteBatch();
      return failed.ok();
    }
    return true;
  }));
  PARCOURS_RETURN_IF_ERROR(failed);
  if (batch.Count() > 0) PARCOURS_RETURN_IF_ERROR(store.Write(batch, WriteOptions{false}));
  return Status::Ok();
}

}  // namespace

Status Engine::Impl::MigrateStore() {
  if (store.read_only()) return Status::Ok();
  PARCOURS_ASSIGN_OR_RETURN(auto pending, store.Get(Domain::kMeta, keys::Reencode()));
  if (store.schema_version() == kSchemaVersion && !pending) return Status::Ok();
  auto fail = [&](const Status& s) {
    return Status::Unavailable("the store at " + store.path() + " could not be migrated to format " +
                                   std::to_string(kSchemaVersion) + ": " + s.message(),
                               "Nothing was written. See docs/operations.md, \"Upgrade\".");
  };
  std::string backup = pending.value_or("");
  if (store.schema_version() < kSchemaVersion) {
    backup = BackupPath(store.path(), clock.now_timestamp());
    if (Status s = store.Checkpoint(backup); !s.ok()) return fail(s);
    if (log) log->info("migrating {} to format {}: a copy of it as it was is in {}", store.path(), kSchemaVersion, backup);
    WriteBatch mark;
    mark.Put(Domain::kMeta, keys::Reencode(), backup);
    if (Status s = store.SetSchemaVersion(kSchemaVersion, mark); !s.ok()) return fail(s);
  }
  uint64_t states = 0, events = 0, entries = 0;
  Status s;
  for (auto [domain, count] : {std::pair{Domain::kPathways, &states}, std::pair{Domain::kEvents, &events},
                               std::pair{Domain::kIndexes, &entries}}) {
    if (s = ReencodeDomain(store, domain, *count); !s.ok()) break;
  }
  if (s.ok()) {
    WriteBatch done;
    done.Delete(Domain::kMeta, keys::Reencode());
    s = store.Write(done, WriteOptions{true});
  }
  if (!s.ok()) return fail(s);
  if (log) {
    log->info("migrated {} to format {}: {} pathway states, {} events and {} index entries re-encoded (backup: {})",
              store.path(), kSchemaVersion, states, events, entries, backup);
  }
  return Status::Ok();
}

}  // namespace parcours
