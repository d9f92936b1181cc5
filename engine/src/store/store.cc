#include "parcours/store.h"

#include "parcours/date.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "store/store_db.h"
#include "store/store_lock.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDomainNames[kDomainCount] = {"meta",     "programmes", "persons",
                                                    "pathways", "events",     "indexes"};
constexpr const char* kSchemaKey = "schema_version";

enum class DirState { kMissing, kEmpty, kStore, kNotDirectory, kOther, kUnreadable };

// What `p` holds. Parcours' own files (locks, the acknowledged record) alone,
// as an interrupted `init` may leave them, count as empty.
DirState Inspect(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return DirState::kMissing;
  if (!fs::is_directory(p, ec)) return DirState::kNotDirectory;
  if (fs::exists(p / "CURRENT", ec)) return DirState::kStore;
  if (ec) return DirState::kUnreadable;
  fs::directory_iterator entries(p, ec);
  if (ec) return DirState::kUnreadable;
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name != store::kLockFileName && name != store::kTurnstileFileName &&
        name != store::kAcknowledgedFileName) {
      return DirState::kOther;
    }
  }
  return DirState::kEmpty;
}

// The refusal for a directory that holds something else than a store, or
// that this user may not look into.
Status NotAStore(const std::string& path, DirState state, bool create) {
  if (state == DirState::kUnreadable) {
    return Status::Unavailable("cannot read the store at " + path + ": permission denied on " + path,
                               "Ask the store's owner for access; a team shares a store through a group "
                               "with read and write access (docs/operations.md, team setup).");
  }
  if (state == DirState::kNotDirectory) {
    return create ? Status::Refused(path + " is not a directory",
                                    "Point {arg:data} at a directory: empty, missing, or a store.")
                  : Status::Unavailable("there is no store at " + path + " (it is a file)",
                                        "Point {arg:data} at a store directory.");
  }
  return create ? Status::Refused(path + " is not empty and is not a Parcours store",
                                  "Choose an empty or missing directory for a new store.")
                : Status::Unavailable(path + " is not a Parcours store",
                                      "Create one with {cmd:init} in an empty directory.");
}

Status NoStore(const std::string& path) {
  return Status::Unavailable("there is no store at " + path,
                             "Create one with {cmd:init}, or point {arg:data} at an existing store.");
}

}  // namespace

const char* DomainName(Domain domain) { return kDomainNames[static_cast<int>(domain)]; }

// ---- WriteBatch -------------------------------------------------------------

struct WriteBatch::Rep {
  struct Op {
    Domain domain;
    bool is_delete;
    std::string key;
    std::string value;
  };
  std::vector<Op> ops;
};

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::Put(Domain domain, std::string_view key, std::string_view value) {
  rep_->ops.push_back({domain, false, std::string(key), std::string(value)});
}
void WriteBatch::Delete(Domain domain, std::string_view key) {
  rep_->ops.push_back({domain, true, std::string(key), {}});
}
std::size_t WriteBatch::Count() const { return rep_->ops.size(); }

// ---- Store ------------------------------------------------------------------

// An open database with the lock that guards it, shared by a writer and the
// readers this same process opens while the writer is open.
struct OpenDatabase {
  store::StoreLock lock;
  std::unique_ptr<store::Database> db;
  ~OpenDatabase() {
    db.reset();  // closed before the lock is released
    lock.Release();
  }
};

namespace {
// The stores this process has open for writing, by canonical path. A reader
// of one of them reads through the writer's database: another lock on the
// same file would wait for this very process.
std::mutex writers_mu;
std::map<std::string, std::weak_ptr<OpenDatabase>>& Writers() {
  static std::map<std::string, std::weak_ptr<OpenDatabase>> writers;
  return writers;
}
}  // namespace

struct Store::Rep {
  std::string path;
  bool created = false;
  bool read_only = false;
  std::shared_ptr<OpenDatabase> open;
  int schema_version = kSchemaVersion;
  std::mutex write_mu;  // serialises writes and their record
  bool unsynced = false;  // an unsynced write since the last synced one (under write_mu)

  rocksdb::DB& rocks() const { return open->db->db(); }
  rocksdb::ColumnFamilyHandle* cf(Domain d) const { return open->db->handles()[static_cast<int>(d)]; }
  const store::Database& db() const { return *open->db; }
};

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
// A clean close makes every write durable, unsynced ones included, and
// records it as acknowledged: so the log's last record is always one that a
// damaged log would be caught losing.
Store::~Store() {
  if (!rep_ || rep_->read_only || !rep_->open || !rep_->open->db) return;
  std::lock_guard lock(rep_->write_mu);
  if (!rep_->unsynced) return;
  if (rep_->rocks().SyncWAL().ok()) rep_->open->db->RecordAcknowledged();
}

bool Store::created() const { return rep_->created; }
const std::string& Store::path() const { return rep_->path; }
bool Store::read_only() const { return rep_->read_only; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  rep->read_only = options.read_only;
  const bool may_create = options.create && !options.read_only;

  const fs::path dir(path);
  DirState state = Inspect(dir);
  if (state == DirState::kNotDirectory || state == DirState::kOther || state == DirState::kUnreadable) {
    return NotAStore(path, state, options.create);
  }
  if (state != DirState::kStore && !may_create) {
    return NoStore(path);
  }
  if (state == DirState::kMissing) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::Unavailable("cannot create " + path + ": " + ec.message());
  }
  // RocksDB tells a second opener in this process apart by path: give it one
  // spelling per directory ("store", "./store", "store/" are one store).
  std::error_code canon_ec;
  const std::string db_path = fs::weakly_canonical(fs::absolute(path, canon_ec), canon_ec).string();
  if (options.read_only) {
    std::lock_guard lock(writers_mu);
    if (auto it = Writers().find(db_path); it != Writers().end()) {
      rep->open = it->second.lock();
      if (!rep->open) Writers().erase(it);
    }
  }
  if (!rep->open) {
    rep->open = std::make_shared<OpenDatabase>();
    PARCOURS_ASSIGN_OR_RETURN(
        rep->open->lock,
        store::StoreLock::Acquire(path, options.read_only ? store::StoreLock::Mode::kShared
                                                          : store::StoreLock::Mode::kExclusive,
                                  options.wait));
    // Under the lock, look again: another process may have made the store meanwhile.
    state = Inspect(dir);
    if (state == DirState::kNotDirectory || state == DirState::kOther || state == DirState::kUnreadable) {
      return NotAStore(path, state, options.create);
    }
    if (state != DirState::kStore && !may_create) return NoStore(path);
    rep->created = state != DirState::kStore;

    store::Database::Params params;
    params.path = path;
    params.db_path = db_path;
    params.create = rep->created;
    params.read_only = options.read_only;
    params.logger = options.logger;
    PARCOURS_ASSIGN_OR_RETURN(rep->open->db, store::Database::Open(params));
    if (!options.read_only) {
      std::lock_guard lock(writers_mu);
      Writers()[db_path] = rep->open;
    }
  }
  const bool fresh = rep->created;

  auto store = std::unique_ptr<Store>(new Store(std::move(rep)));
  if (fresh) {
    WriteBatch init;
    init.Put(Domain::kMeta, kSchemaKey, std::to_string(kSchemaVersion));
    init.Put(Domain::kMeta, "created", SystemClock().now_timestamp());
    PARCOURS_RETURN_IF_ERROR(store->Write(init));
  }
  PARCOURS_ASSIGN_OR_RETURN(auto version, store->Get(Domain::kMeta, kSchemaKey));
  if (!version) return Status::Unavailable(path + " is not a Parcours store (no schema version)");
  int number = 0;
  for (int v = kOldestSchemaVersion; v <= kSchemaVersion; ++v)
    if (*version == std::to_string(v)) number = v;
  if (number == 0) {
    const bool newer = std::atoi(version->c_str()) > kSchemaVersion;
    return Status::Unavailable("the store at " + path + " has format version " + *version +
                                   "; this parcours reads version " + std::to_string(kSchemaVersion),
                               newer ? "It was written by a newer parcours: upgrade parcours (see "
                                       "docs/operations.md)."
                                     : "It was written by an older parcours and this build has no "
                                       "migration for it (see docs/operations.md).");
  }
  store->rep_->schema_version = number;
  return store;
}

int Store::schema_version() const { return rep_->schema_version; }

Status Store::SetSchemaVersion(int version, WriteBatch& batch) {
  if (version < kOldestSchemaVersion || version > kSchemaVersion) {
    return Status::Internal("no schema version " + std::to_string(version));
  }
  batch.Put(Domain::kMeta, kSchemaKey, std::to_string(version));
  PARCOURS_RETURN_IF_ERROR(Write(batch, WriteOptions{true}));
  rep_->schema_version = version;
  return Status::Ok();
}

Status Store::Checkpoint(const std::string& dir) const {
  std::error_code ec;
  if (fs::exists(dir, ec)) return Status::Refused(dir + " already exists", "Give a new directory.");
  rocksdb::Checkpoint* raw = nullptr;
  PARCOURS_RETURN_IF_ERROR(
      rep_->db().Translate(rocksdb::Checkpoint::Create(&rep_->rocks(), &raw), "prepare a copy of"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return rep_->db().Translate(checkpoint->CreateCheckpoint(dir), "copy");
}

Status Store::Compact() {
  if (rep_->read_only) return Status::Refused("the store at " + rep_->path + " is open read-only");
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (int d = 0; d < kDomainCount; ++d) {
    PARCOURS_RETURN_IF_ERROR(rep_->db().Translate(
        rep_->rocks().CompactRange(options, rep_->cf(static_cast<Domain>(d)), nullptr, nullptr), "compact"));
  }
  return Status::Ok();
}

uint64_t Store::TableBytes(Domain domain) const {
  uint64_t bytes = 0;
  return rep_->rocks().GetIntProperty(rep_->cf(domain), rocksdb::DB::Properties::kTotalSstFilesSize, &bytes)
             ? bytes
             : 0;
}

namespace {

// The key just after every key starting with `prefix`: drop trailing 0xff
// bytes, then increment the last one. Empty means "no upper bound".
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

}  // namespace

// Reads at one point in time (`snapshot`), or at the latest state (null).
struct Store::Reads {
  static Result<std::optional<std::string>> Get(const Rep& rep, const rocksdb::Snapshot* snapshot, Domain domain,
                                                std::string_view key) {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot;
    std::string value;
    rocksdb::Status s = rep.rocks().Get(options, rep.cf(domain), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return rep.db().Translate(s, "read");
    return std::optional<std::string>(std::move(value));
  }

  // A scan from `begin` to `end`; a scan of the keys starting with `begin`
  // when `prefix` (which lets the domain's prefix filters skip tables). A
  // range is read in total order: seeking a key with a filter prefix would
  // otherwise skip the tables without that prefix, and with them the keys of
  // the range under the next prefixes.
  static Status Scan(const Rep& rep, const rocksdb::Snapshot* snapshot, Domain domain, std::string_view begin,
                     std::string_view end, const Visitor& visit, bool prefix = false) {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot;
    options.prefix_same_as_start = prefix && store::Database::PrefixFiltered(domain, begin);
    options.total_order_seek = !prefix;
    const rocksdb::Slice upper(end.data(), end.size());
    if (!end.empty()) options.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(rep.rocks().NewIterator(options, rep.cf(domain)));
    for (it->Seek(rocksdb::Slice(begin.data(), begin.size())); it->Valid(); it->Next()) {
      if (!visit(it->key().ToStringView(), it->value().ToStringView())) break;
    }
    return rep.db().Translate(it->status(), "read");
  }
};

// A RocksDB snapshot, released with the reader.
class Store::SnapshotReader final : public StoreReader {
 public:
  explicit SnapshotReader(const Rep& rep) : rep_(rep), snapshot_(rep.rocks().GetSnapshot()) {}
  ~SnapshotReader() override { rep_.rocks().ReleaseSnapshot(snapshot_); }
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;

  Result<std::optional<std::string>> Get(Domain domain, std::string_view key) const override {
    return Reads::Get(rep_, snapshot_, domain, key);
  }
  Status ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const override {
    return Reads::Scan(rep_, snapshot_, domain, prefix, PrefixEnd(prefix), visit, /*prefix=*/true);
  }
  Status ScanRange(Domain domain, std::string_view begin, std::string_view end,
                   const Visitor& visit) const override {
    return Reads::Scan(rep_, snapshot_, domain, begin, end, visit);
  }
  uint64_t sequence() const override { return snapshot_->GetSequenceNumber(); }

 private:
  const Rep& rep_;
  const rocksdb::Snapshot* snapshot_;
};

uint64_t Store::sequence() const { return rep_->rocks().GetLatestSequenceNumber(); }

Result<std::optional<std::string>> Store::Get(Domain domain, std::string_view key) const {
  return Reads::Get(*rep_, nullptr, domain, key);
}

std::unique_ptr<StoreReader> Store::Snapshot() const { return std::make_unique<SnapshotReader>(*rep_); }

Status Store::Write(WriteBatch& batch, const WriteOptions& options) {
  if (rep_->read_only) return Status::Internal("write on a store opened read-only");
  rocksdb::WriteBatch rocks_batch;
  for (const auto& op : batch.rep_->ops) {
    rocksdb::Status s = op.is_delete ? rocks_batch.Delete(rep_->cf(op.domain), op.key)
                                     : rocks_batch.Put(rep_->cf(op.domain), op.key, op.value);
    if (!s.ok()) return rep_->db().Translate(s, "prepare a write for");
  }
  rocksdb::WriteOptions rocks_options;
  rocks_options.sync = options.sync;
  std::lock_guard lock(rep_->write_mu);
  PARCOURS_RETURN_IF_ERROR(rep_->db().Translate(rep_->rocks().Write(rocks_options, &rocks_batch), "write to"));
  // Acknowledged means on disk: only now may the record say so.
  if (options.sync && batch.Count() > 0) rep_->open->db->RecordAcknowledged();
  // A synced write syncs the log up to it, earlier unsynced writes included.
  if (batch.Count() > 0) rep_->unsynced = !options.sync;
  return Status::Ok();
}

Status Store::ScanRange(Domain domain, std::string_view begin, std::string_view end,
                        const Visitor& visit) const {
  return Reads::Scan(*rep_, nullptr, domain, begin, end, visit);
}

Status Store::ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const {
  return Reads::Scan(*rep_, nullptr, domain, prefix, PrefixEnd(prefix), visit, /*prefix=*/true);
}

}  // namespace parcours
