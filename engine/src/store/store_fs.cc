#include "store/store_fs.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace parcours::store {

mode_t ProcessUmask() {
  // Linux 4.7+ shows it in /proc; elsewhere set it and put it back at once.
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  const mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}

StoreFileSystem::StoreFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target, mode_t umask)
    : rocksdb::FileSystemWrapper(target), umask_(umask) {}

std::string StoreFileSystem::last_failed_path() const {
  std::lock_guard lock(mu_);
  return last_failed_path_;
}

rocksdb::IOStatus StoreFileSystem::Checked(const rocksdb::IOStatus& s, const std::string& path) {
  if (!s.ok()) {
    std::lock_guard lock(mu_);
    last_failed_path_ = path;
  }
  return s;
}

namespace {
bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}
}  // namespace

rocksdb::IOStatus StoreFileSystem::Created(const rocksdb::IOStatus& s, const std::string& path,
                                           bool existed, bool directory) {
  if (!s.ok() || existed) return Checked(s, path);
  // Only what this process created just now: never loosen a mode someone chose.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return s;
  const mode_t wanted = directory ? ((0777 & ~umask_) | (st.st_mode & S_ISGID)) : (0666 & ~umask_);
  if ((st.st_mode & 07777) != wanted) static_cast<void>(::chmod(path.c_str(), wanted));
  return s;
}

rocksdb::IOStatus StoreFileSystem::NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                                     std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                                     rocksdb::IODebugContext* dbg) {
  return Checked(target()->NewSequentialFile(f, o, r, dbg), f);
}

rocksdb::IOStatus StoreFileSystem::NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& o,
                                                       std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                                       rocksdb::IODebugContext* dbg) {
  return Checked(target()->NewRandomAccessFile(f, o, r, dbg), f);
}

rocksdb::IOStatus StoreFileSystem::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                                   std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                   rocksdb::IODebugContext* dbg) {
  const bool existed = Exists(f);
  return Created(target()->NewWritableFile(f, o, r, dbg), f, existed, false);
}

rocksdb::IOStatus StoreFileSystem::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                      rocksdb::IODebugContext* dbg) {
  const bool existed = Exists(f);
  return Created(target()->ReopenWritableFile(f, o, r, dbg), f, existed, false);
}

rocksdb::IOStatus StoreFileSystem::ReuseWritableFile(const std::string& f, const std::string& old_f,
                                                     const rocksdb::FileOptions& o,
                                                     std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                     rocksdb::IODebugContext* dbg) {
  // The old file is renamed: it keeps its owner and mode, which were set when
  // this wrapper created it.
  return Checked(target()->ReuseWritableFile(f, old_f, o, r, dbg), f);
}

rocksdb::IOStatus StoreFileSystem::NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                                   std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                                   rocksdb::IODebugContext* dbg) {
  const bool existed = Exists(f);
  return Created(target()->NewRandomRWFile(f, o, r, dbg), f, existed, false);
}

rocksdb::IOStatus StoreFileSystem::NewDirectory(const std::string& d, const rocksdb::IOOptions& o,
                                                std::unique_ptr<rocksdb::FSDirectory>* r,
                                                rocksdb::IODebugContext* dbg) {
  return Checked(target()->NewDirectory(d, o, r, dbg), d);
}

rocksdb::IOStatus StoreFileSystem::GetChildren(const std::string& d, const rocksdb::IOOptions& o,
                                               std::vector<std::string>* r, rocksdb::IODebugContext* dbg) {
  return Checked(target()->GetChildren(d, o, r, dbg), d);
}

rocksdb::IOStatus StoreFileSystem::DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                                              rocksdb::IODebugContext* dbg) {
  return Checked(target()->DeleteFile(f, o, dbg), f);
}

rocksdb::IOStatus StoreFileSystem::RenameFile(const std::string& from, const std::string& to,
                                              const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) {
  return Checked(target()->RenameFile(from, to, o, dbg), to);
}

rocksdb::IOStatus StoreFileSystem::CreateDir(const std::string& d, const rocksdb::IOOptions& o,
                                             rocksdb::IODebugContext* dbg) {
  const bool existed = Exists(d);
  return Created(target()->CreateDir(d, o, dbg), d, existed, true);
}

rocksdb::IOStatus StoreFileSystem::CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& o,
                                                      rocksdb::IODebugContext* dbg) {
  const bool existed = Exists(d);
  return Created(target()->CreateDirIfMissing(d, o, dbg), d, existed, true);
}

rocksdb::IOStatus StoreFileSystem::LockFile(const std::string& f, const rocksdb::IOOptions& o,
                                            rocksdb::FileLock** l, rocksdb::IODebugContext* dbg) {
  const bool existed = Exists(f);
  return Created(target()->LockFile(f, o, l, dbg), f, existed, false);
}

StoreEnv NewStoreEnv(mode_t umask) {
  StoreEnv out;
  out.fs = std::make_shared<StoreFileSystem>(rocksdb::FileSystem::Default(), umask);
  out.env = rocksdb::NewCompositeEnv(out.fs);
  return out;
}

bool IsPermissionText(const std::string& text) {
  return text.find(std::strerror(EACCES)) != std::string::npos ||
         text.find(std::strerror(EPERM)) != std::string::npos;
}

bool IsReadOnlyFsText(const std::string& text) {
  return text.find(std::strerror(EROFS)) != std::string::npos;
}

Status AccessDenied(const std::string& dir, const std::string& file, bool read_only_fs, bool writing) {
  const std::string what = file.empty() ? "" : " on " + file;
  if (read_only_fs) {
    return Status::Unavailable("cannot write the store at " + dir + ": it is on a read-only file system" +
                                   (file.empty() ? "" : " (" + file + ")"),
                               "Commands that write need a writable file system; commands that only "
                               "read still work.");
  }
  return Status::Unavailable(
      "cannot " + std::string(writing ? "write" : "read") + " the store at " + dir +
          ": permission denied" + what,
      "Ask the store's owner for access; a team shares a store through a group with read and "
      "write access (docs/operations.md, team setup).");
}

}  // namespace parcours::store
