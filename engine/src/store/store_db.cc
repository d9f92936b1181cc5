#include "store/store_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/transaction_log.h>

#include "parcours/store.h"

namespace parcours::store {
namespace {

// When a writer closes with more live write-ahead log files than this, or
// more bytes in them, it flushes the memtables to table files (which lets
// RocksDB delete the logs): every later process replays what the live logs
// hold at its open (about 9 ms a megabyte), so a writer that wrote much (an
// import, a sweep of passed deadlines) leaves nothing for each command after
// it to replay. A command writes a kilobyte or two: one in a hundred or so
// flushes.
constexpr std::size_t kMaxLiveWalFiles = 4;
constexpr uint64_t kMaxLiveWalBytes = 256 << 10;
// ...and a column family with this many level-0 table files, or this many
// small ones at any level, is compacted.
constexpr std::size_t kCompactAtLevel0Files = 4;
constexpr std::size_t kCompactAtSmallFiles = 6;
constexpr uint64_t kSmallFileBytes = 4 << 20;
// The block cache of one open store, shared by its domains: data, index and
// filter blocks read by the process (a CLI process reads few; the server
// keeps its working set).
constexpr std::size_t kBlockCacheBytes = 32 << 20;

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
      // (e.g. a damaged log); keep them below the default level.
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

// The best of `preferred` this RocksDB was built with (no compression if none).
rocksdb::CompressionType Supported(std::initializer_list<rocksdb::CompressionType> preferred) {
  const auto built = rocksdb::GetSupportedCompressions();
  for (auto type : preferred) {
    if (std::find(built.begin(), built.end(), type) != built.end()) return type;
  }
  return rocksdb::kNoCompression;
}

// The prefix of an index key that its filter knows: the kind and the first
// part, up to and with the second NUL (person_pw \0 <person> \0, name \0
// <folded name> \0, active \0 <person> \0 ...). Keys with fewer parts are
// outside its domain (whole-key filtering still covers them).
class IndexKeyPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "parcours.index_prefix.1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), End(key));
  }
  bool InDomain(const rocksdb::Slice& key) const override { return End(key) != 0; }

  // Where the prefix ends (just after the second NUL), 0 when there is none.
  static std::size_t End(const rocksdb::Slice& key) {
    const std::string_view k(key.data(), key.size());
    const std::size_t first = k.find('\0');
    if (first == std::string_view::npos) return 0;
    const std::size_t second = k.find('\0', first + 1);
    return second == std::string_view::npos ? 0 : second + 1;
  }
};

// Column family options (docs/architecture.md, "Storage options"): index and
// filter blocks in the block cache (an open reads no table's index; a process
// touches only what it reads), 16 KB blocks, LZ4 compression with ZSTD at the
// bottommost level, where most of a large store lies. A bloom filter where
// point reads look for absent keys (a new id, a request id never seen, an
// import key, a person's active pathway); in `indexes` it also knows each
// key's prefix (IndexKeyPrefix), so that a scan of a prefix nothing has (a new
// person's pathways, a name never seen) reads no block. None for `events`,
// read by pathway, whose reads find what they look for: there a filter would
// cost 1.25 bytes a key for nothing.
std::vector<rocksdb::ColumnFamilyDescriptor> Families(const std::shared_ptr<rocksdb::Cache>& cache) {
  auto table = [&cache](bool bloom) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    t.block_size = 16 << 10;
    t.format_version = 5;
    if (bloom) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.cache_index_and_filter_blocks = true;
    t.pin_l0_filter_and_index_blocks_in_cache = true;
    // Index and filter in 4 KB partitions under a small top level: a read
    // loads the partitions it needs, not a whole table's filter (about 1 MB
    // for a 64 MB table), which a small cache would evict and read again.
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.partition_filters = bloom;
    t.metadata_block_size = 4096;
    t.pin_top_level_index_and_filter = true;
    return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(t));
  };
  rocksdb::ColumnFamilyOptions cf;
  // A small memtable: a long-running writer flushes often, in small files.
  cf.write_buffer_size = 4 << 20;
  cf.compression = Supported({rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
  cf.bottommost_compression = Supported({rocksdb::kZSTD, rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
  cf.table_factory = table(true);
  rocksdb::ColumnFamilyOptions events = cf;
  events.table_factory = table(false);
  rocksdb::ColumnFamilyOptions indexes = cf;
  indexes.prefix_extractor = std::make_shared<IndexKeyPrefix>();

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, cf);
  for (int d = 0; d < kDomainCount; ++d) {
    const auto domain = static_cast<Domain>(d);
    families.emplace_back(DomainName(domain), domain == Domain::kEvents    ? events
                                              : domain == Domain::kIndexes ? indexes
                                                                           : cf);
  }
  return families;
}

// The recorded sequence number; 0 when there is no record (a store made
// before it existed) or the record is unreadable as a number.
Result<uint64_t> ReadAcknowledged(const std::string& dir, const std::string& path) {
  const std::string file = dir + "/" + kAcknowledgedFileName;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return uint64_t{0};
    if (err == EACCES || err == EPERM) return AccessDenied(path, path + "/" + kAcknowledgedFileName, false, false);
    return Status::Unavailable("cannot read " + file + ": " + std::strerror(err));
  }
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  return n > 0 ? static_cast<uint64_t>(std::strtoull(buf, nullptr, 10)) : uint64_t{0};
}

Status WalDamaged(const std::string& path, uint64_t recovered, uint64_t acknowledged) {
  return Status::Unavailable(
      "the store at " + path +
          " is damaged: its write-ahead log is damaged, truncated or missing; it recovers to change " +
          std::to_string(recovered) + " but change " + std::to_string(acknowledged) +
          " was acknowledged as saved",
      "Restore the store from a backup (docs/operations.md, restore); do not write to it before: "
      "nothing was changed.");
}

}  // namespace

bool Database::PrefixFiltered(Domain domain, std::string_view prefix) {
  if (domain != Domain::kIndexes) return false;
  const std::size_t end = IndexKeyPrefix::End(rocksdb::Slice(prefix.data(), prefix.size()));
  return end != 0 && end == prefix.size();
}

Status Database::Translate(const rocksdb::Status& s, std::string_view doing) const {
  if (s.ok()) return Status::Ok();
  const std::string detail = s.ToString();
  const std::string& path = params_.path;
  // Before the lock check: RocksDB says "While lock file: ...: Permission denied".
  if (IsPermissionText(detail) || IsReadOnlyFsText(detail)) {
    return AccessDenied(path, env_.fs ? env_.fs->last_failed_path() : "", IsReadOnlyFsText(detail),
                        !params_.read_only);
  }
  if (s.IsIOError() && detail.find("lock") != std::string::npos) {
    // RocksDB's own LOCK, held by a process that does not take Parcours' lock
    // (e.g. an older parcours).
    return Status::Unavailable("the store at " + path + " is in use by another process",
                               "Wait for it to finish, then try again.");
  }
  if (s.IsCorruption()) {
    return Status::Corruption("the store at " + path + " is damaged (" + std::string(doing) +
                              "): " + detail);
  }
  return Status::Unavailable("cannot " + std::string(doing) + " the store at " + path + ": " + detail);
}

rocksdb::Status Database::OpenRocks(const rocksdb::DBOptions& options, bool read_only) {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const auto families = Families(cache_);
  rocksdb::Status s =
      read_only ? rocksdb::DB::OpenForReadOnly(options, params_.db_path, families, &handles, &raw)
                : rocksdb::DB::Open(options, params_.db_path, families, &handles, &raw);
  if (!s.ok()) return s;
  db_.reset(raw);
  // handles[0] is the default family, unused: keep only the domains.
  db_->DestroyColumnFamilyHandle(handles[0]);
  handles_.assign(handles.begin() + 1, handles.end());
  return s;
}

Status Database::OpenError(const rocksdb::Status& s) const {
  if (s.IsInvalidArgument() && s.ToString().find("Column famil") != std::string::npos) {
    return Status::Unavailable(params_.path + " is a RocksDB database but not a Parcours store");
  }
  Status st = Translate(s, "open");
  if (st.code() == Status::Code::kCorruption) {
    // A store that cannot even be opened is unavailable, whatever the cause.
    return Status::Unavailable(st.message(), "Restore the store from a backup (docs/operations.md).");
  }
  return st;
}

void Database::CloseRocks() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  db_->Close().PermitUncheckedError();
  db_.reset();
}

Result<std::unique_ptr<Database>> Database::Open(const Params& params) {
  std::unique_ptr<Database> out(new Database());
  out->params_ = params;
  out->env_ = NewStoreEnv(ProcessUmask());
  out->rocks_logger_ = std::make_shared<SpdlogRocksLogger>(params.logger);
  out->cache_ = rocksdb::NewLRUCache(kBlockCacheBytes);

  rocksdb::DBOptions options;
  options.env = out->env_.env.get();
  options.create_if_missing = params.create;
  options.create_missing_column_families = params.create;
  options.info_log = out->rocks_logger_;
  options.keep_log_file_num = 1;
  options.max_file_opening_threads = 1;  // few files: no thread pool per open
  // The write-ahead log is synced at every acknowledged write: replaying it at
  // the next open is enough, no table file per process.
  options.avoid_flush_during_recovery = true;
  options.max_total_wal_size = 32 << 20;

  uint64_t acknowledged = 0;
  if (!params.create) {
    PARCOURS_ASSIGN_OR_RETURN(acknowledged, ReadAcknowledged(params.db_path, params.path));
  }

  if (params.read_only || !params.create) {
    // Nothing is written: replay the log up to any damage, then (below)
    // compare with what was acknowledged.
    options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    rocksdb::Status s = out->OpenRocks(options, /*read_only=*/true);
    if (!s.ok()) return out->OpenError(s);
  }
  if (!params.read_only) {
    if (!params.create) {
      // A writer checks before it changes anything: RocksDB's read-write open
      // starts a new log and MANIFEST, after which a lost log could not even
      // be put back.
      const uint64_t recovered = out->db_->GetLatestSequenceNumber();
      out->CloseRocks();
      if (recovered < acknowledged) return WalDamaged(params.path, recovered, acknowledged);
    }
    // Any damage in the log fails this open before anything is written.
    options.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
    rocksdb::Status s = out->OpenRocks(options, /*read_only=*/false);
    if (s.IsCorruption() && !params.create) {
      // The log replays past every acknowledged write (checked above): only a
      // write never acknowledged was torn (a process killed while writing).
      // Recover up to it and flush, so that the damaged log goes.
      if (params.logger) {
        params.logger->warn("the store at {} ends with an incomplete write that was never acknowledged; "
                            "recovering without it", params.path);
      }
      options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
      options.avoid_flush_during_recovery = false;
      s = out->OpenRocks(options, /*read_only=*/false);
    }
    if (!s.ok()) return out->OpenError(s);
  }
  const uint64_t recovered = out->db_->GetLatestSequenceNumber();
  if (recovered < acknowledged) {
    out->CloseRocks();
    return WalDamaged(params.path, recovered, acknowledged);
  }
  if (!params.read_only) {
    const std::string file = params.db_path + "/" + kAcknowledgedFileName;
    out->acknowledged_fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (out->acknowledged_fd_ < 0) {
      const int err = errno;
      out->CloseRocks();
      if (err == EACCES || err == EPERM || err == EROFS) {
        return AccessDenied(params.path, params.path + "/" + kAcknowledgedFileName, err == EROFS, true);
      }
      return Status::Unavailable("cannot open " + file + ": " + std::strerror(err));
    }
  }
  return out;
}

Database::~Database() {
  if (db_ && !params_.read_only) KeepSmall();
  CloseRocks();
  if (acknowledged_fd_ >= 0) ::close(acknowledged_fd_);
}

void Database::RecordAcknowledged() {
  if (acknowledged_fd_ < 0) return;
  // Fixed width, written in place: a torn update reads as a number between
  // the old and the new one, so the record never claims more than is durable.
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%020llu\n",
                              static_cast<unsigned long long>(db_->GetLatestSequenceNumber()));
  if (::pwrite(acknowledged_fd_, buf, static_cast<size_t>(n), 0) != n && params_.logger) {
    params_.logger->warn("cannot update {}/{}: {}", params_.path, kAcknowledgedFileName, std::strerror(errno));
  }
}

void Database::KeepSmall() {
  rocksdb::VectorLogPtr wals;
  std::size_t live = 0;
  uint64_t live_bytes = 0;
  if (db_->GetSortedWalFiles(wals).ok()) {
    for (const auto& wal : wals) {
      if (wal->Type() != rocksdb::kAliveLogFile) continue;
      ++live;
      live_bytes += wal->SizeFileBytes();
    }
  }
  if (live > kMaxLiveWalFiles || live_bytes > kMaxLiveWalBytes) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    rocksdb::Status s = db_->Flush(flush, handles_);
    if (!s.ok() && params_.logger) params_.logger->warn("rocksdb: flush at close: {}", s.ToString());
  }
  for (auto* h : handles_) {
    // Flushes of keys that only grow (one pathway's events) do not overlap:
    // RocksDB moves them down as they are, one small file each. Merge the
    // small files, over their key range only, when they pile up.
    rocksdb::ColumnFamilyMetaData meta;
    db_->GetColumnFamilyMetaData(h, &meta);
    std::size_t small = 0;
    std::string smallest, largest;
    for (const auto& level : meta.levels) {
      for (const auto& file : level.files) {
        if (file.size >= kSmallFileBytes) continue;
        if (small++ == 0 || file.smallestkey < smallest) smallest = file.smallestkey;
        if (small == 1 || file.largestkey > largest) largest = file.largestkey;
      }
    }
    const std::size_t level0 = meta.levels.empty() ? 0 : meta.levels[0].files.size();
    // Big files are left to RocksDB's own compactions.
    if (small < 2 || (level0 < kCompactAtLevel0Files && small < kCompactAtSmallFiles)) continue;
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    const rocksdb::Slice begin(smallest), end(largest);
    rocksdb::Status s = db_->CompactRange(compact, h, &begin, &end);
    if (!s.ok() && params_.logger) params_.logger->warn("rocksdb: compaction at close: {}", s.ToString());
  }
}

}  // namespace parcours::store
