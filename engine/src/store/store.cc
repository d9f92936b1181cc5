#include "parcours/store.h"

#include "parcours/date.h"

#include <cstdarg>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

namespace parcours {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDomainNames[kDomainCount] = {"meta",     "programmes", "persons",
                                                    "pathways", "events",     "indexes"};
constexpr const char* kSchemaKey = "schema_version";

// Routes RocksDB's own log into the project's logger (or nowhere), so that the
// store directory holds no LOG files of its own.
class SpdlogRocksLogger : public rocksdb::Logger {
 public:
  explicit SpdlogRocksLogger(std::shared_ptr<spdlog::logger> log)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), log_(std::move(log)) {}

  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (!log_) return;
    char buf[1024];
    std::vsnprintf(buf, sizeof buf, format, ap);
    switch (level) {
      // RocksDB's warnings repeat what the Status we return already says
      // (e.g. a locked store); keep them below the default level.
      case rocksdb::InfoLogLevel::DEBUG_LEVEL:
      case rocksdb::InfoLogLevel::INFO_LEVEL:
      case rocksdb::InfoLogLevel::HEADER_LEVEL: log_->debug("rocksdb: {}", buf); break;
      case rocksdb::InfoLogLevel::WARN_LEVEL: log_->info("rocksdb: {}", buf); break;
      default: log_->warn("rocksdb: {}", buf); break;
    }
  }
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }

 private:
  std::shared_ptr<spdlog::logger> log_;
};

// Translates a RocksDB status at the boundary.
Status FromRocks(const rocksdb::Status& s, const std::string& path, std::string_view doing) {
  if (s.ok()) return Status::Ok();
  const std::string detail = s.ToString();
  if (s.IsIOError() && detail.find("lock") != std::string::npos) {
    return Status::Unavailable("the store at " + path + " is in use by another parcours process",
                               "Wait for it to finish, then try again.");
  }
  if (s.IsCorruption()) {
    return Status::Corruption("the store at " + path + " is damaged (" + std::string(doing) +
                              "): " + detail);
  }
  return Status::Unavailable("cannot " + std::string(doing) + " the store at " + path + ": " +
                             detail);
}

bool IsEmptyOrMissingDir(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return true;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

bool LooksLikeStore(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p / "CURRENT", ec);
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

struct Store::Rep {
  std::string path;
  bool created = false;
  bool read_only = false;
  std::shared_ptr<rocksdb::Logger> rocks_logger;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // indexed by Domain

  ~Rep() {
    if (db) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
      db->Close().PermitUncheckedError();
    }
  }
  rocksdb::ColumnFamilyHandle* cf(Domain d) const { return handles[static_cast<int>(d)]; }
};

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::~Store() = default;

bool Store::created() const { return rep_->created; }
const std::string& Store::path() const { return rep_->path; }
bool Store::read_only() const { return rep_->read_only; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  // RocksDB tells a second opener in this process apart by path: give it one
  // spelling per directory ("store", "./store", "store/" are one store).
  std::error_code canon_ec;
  const std::string db_path = fs::weakly_canonical(fs::absolute(path, canon_ec), canon_ec).string();
  rep->read_only = options.read_only;
  rep->rocks_logger = std::make_shared<SpdlogRocksLogger>(options.logger);

  const fs::path dir(path);
  const bool fresh = IsEmptyOrMissingDir(dir);
  if (fresh && !(options.create && !options.read_only)) {
    return Status::Unavailable("there is no store at " + path,
                               "Create one with `parcours init`, or point --data (or "
                               "PARCOURS_DATA) at an existing store.");
  }
  if (!fresh && !LooksLikeStore(dir)) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return options.create ? Status::Refused(path + " is not a directory",
                                              "Give --data a directory: empty, missing, or a store.")
                            : Status::Unavailable("there is no store at " + path + " (it is a file)",
                                                  "Point --data (or PARCOURS_DATA) at a store directory.");
    }
    return options.create
               ? Status::Refused(path + " is not empty and is not a Parcours store",
                                 "Choose an empty or missing directory for a new store.")
               : Status::Unavailable(path + " is not a Parcours store",
                                     "Create one with `parcours init` in an empty directory.");
  }
  if (fresh) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::Unavailable("cannot create " + path + ": " + ec.message());
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = fresh;
  db_options.create_missing_column_families = fresh;
  db_options.info_log = rep->rocks_logger;
  db_options.keep_log_file_num = 1;

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const char* name : kDomainNames) families.emplace_back(name, rocksdb::ColumnFamilyOptions());

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only ? rocksdb::DB::OpenForReadOnly(db_options, db_path, families, &handles, &raw)
                        : rocksdb::DB::Open(db_options, db_path, families, &handles, &raw);
  if (!s.ok()) {
    if (s.IsInvalidArgument() && s.ToString().find("Column famil") != std::string::npos) {
      return Status::Unavailable(path + " is a RocksDB database but not a Parcours store");
    }
    // A store that cannot even be opened is unavailable, whatever the cause.
    Status st = FromRocks(s, path, "open");
    if (st.code() == Status::Code::kCorruption) {
      return Status::Unavailable(st.message(), "Restore the store from a backup (docs/operations.md).");
    }
    return st;
  }
  rep->db.reset(raw);
  // handles[0] is the default family, unused: keep only the domains.
  rep->db->DestroyColumnFamilyHandle(handles[0]);
  rep->handles.assign(handles.begin() + 1, handles.end());
  rep->created = fresh;

  auto store = std::unique_ptr<Store>(new Store(std::move(rep)));
  if (fresh) {
    WriteBatch init;
    init.Put(Domain::kMeta, kSchemaKey, std::to_string(kSchemaVersion));
    init.Put(Domain::kMeta, "created", SystemClock().now_timestamp());
    PARCOURS_RETURN_IF_ERROR(store->Write(init));
  }
  PARCOURS_ASSIGN_OR_RETURN(auto version, store->Get(Domain::kMeta, kSchemaKey));
  if (!version) return Status::Unavailable(path + " is not a Parcours store (no schema version)");
  if (*version != std::to_string(kSchemaVersion)) {
    const bool newer = std::atoi(version->c_str()) > kSchemaVersion;
    return Status::Unavailable("the store at " + path + " has format version " + *version +
                                   "; this parcours reads version " + std::to_string(kSchemaVersion),
                               newer ? "It was written by a newer parcours: upgrade parcours (see "
                                       "docs/operations.md)."
                                     : "It was written by an older parcours and this build has no "
                                       "migration for it (see docs/operations.md).");
  }
  return store;
}

Result<std::optional<std::string>> Store::Get(Domain domain, std::string_view key) const {
  std::string value;
  rocksdb::Status s =
      rep_->db->Get(rocksdb::ReadOptions(), rep_->cf(domain), rocksdb::Slice(key.data(), key.size()),
                    &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, rep_->path, "read");
  return std::optional<std::string>(std::move(value));
}

Status Store::Write(WriteBatch& batch) {
  if (rep_->read_only) return Status::Internal("write on a store opened read-only");
  rocksdb::WriteBatch rocks_batch;
  for (const auto& op : batch.rep_->ops) {
    rocksdb::Status s = op.is_delete ? rocks_batch.Delete(rep_->cf(op.domain), op.key)
                                     : rocks_batch.Put(rep_->cf(op.domain), op.key, op.value);
    if (!s.ok()) return FromRocks(s, rep_->path, "prepare a write for");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;  // acknowledged means on disk
  return FromRocks(rep_->db->Write(write_options, &rocks_batch), rep_->path, "write to");
}

Status Store::ScanRange(Domain domain, std::string_view begin, std::string_view end,
                        const Visitor& visit) const {
  rocksdb::ReadOptions read_options;
  const rocksdb::Slice upper(end.data(), end.size());
  if (!end.empty()) read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(rep_->db->NewIterator(read_options, rep_->cf(domain)));
  for (it->Seek(rocksdb::Slice(begin.data(), begin.size())); it->Valid(); it->Next()) {
    if (!visit(it->key().ToStringView(), it->value().ToStringView())) break;
  }
  return FromRocks(it->status(), rep_->path, "read");
}

Status Store::ScanPrefix(Domain domain, std::string_view prefix, const Visitor& visit) const {
  // The smallest key greater than every key with `prefix`: drop trailing 0xff
  // bytes, then increment the last one. Empty means "no upper bound".
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return ScanRange(domain, prefix, end, visit);
}

}  // namespace parcours
