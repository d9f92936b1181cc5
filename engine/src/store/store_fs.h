// The file system RocksDB uses for a store: the default one, with two changes.
// What RocksDB creates gets the modes the process umask allows (files
// 0666 & ~umask, directories 0777 & ~umask keeping a setgid bit), as any other
// program's files would, instead of RocksDB's fixed rw-r--r--. And the path of
// the last operation that failed is remembered, so that an error can name it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "parcours/status.h"

namespace parcours::store {

// The umask of this process, read without changing it where the kernel allows.
mode_t ProcessUmask();

class StoreFileSystem : public rocksdb::FileSystemWrapper {
 public:
  StoreFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target, mode_t umask);
  const char* Name() const override { return "ParcoursStoreFileSystem"; }

  // The path given to the latest operation that failed, "" if none did.
  std::string last_failed_path() const;

  rocksdb::IOStatus NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& o,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                        rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old_f,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& d, const rocksdb::IOOptions& o,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetChildren(const std::string& d, const rocksdb::IOOptions& o,
                                std::vector<std::string>* r, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& d, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LockFile(const std::string& f, const rocksdb::IOOptions& o,
                             rocksdb::FileLock** l, rocksdb::IODebugContext* dbg) override;

 private:
  // Records `path` when `s` failed; gives the mode to a file created just now.
  rocksdb::IOStatus Created(const rocksdb::IOStatus& s, const std::string& path, bool existed,
                            bool directory);
  rocksdb::IOStatus Checked(const rocksdb::IOStatus& s, const std::string& path);

  mode_t umask_;
  mutable std::mutex mu_;
  std::string last_failed_path_;
};

// An Env for RocksDB over a StoreFileSystem (keep both alive while the DB is open).
struct StoreEnv {
  std::shared_ptr<StoreFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};
StoreEnv NewStoreEnv(mode_t umask);

// True when `text` (a RocksDB status or an strerror text) says access was
// denied or the file system is read-only.
bool IsPermissionText(const std::string& text);
bool IsReadOnlyFsText(const std::string& text);

// The refusal for a store file this user may not open: names the store, the
// file and the cause (permission or read-only file system), and what to do.
Status AccessDenied(const std::string& dir, const std::string& file, bool read_only_fs, bool writing);

}  // namespace parcours::store
