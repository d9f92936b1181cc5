// Parcours' own lock over a store directory, so that readers and writers of
// one store never run at the same time (docs/architecture.md#concurrency).
//
// Two files in the store directory, locked with flock(2):
//   parcours.lock        writers hold it exclusive, readers shared, for as long
//                        as RocksDB is open;
//   parcours.turnstile   a writer holds it exclusive while it waits for
//                        parcours.lock; readers pass through it (shared, at
//                        once released) before taking parcours.lock, so that
//                        a stream of readers cannot starve a writer.
// The kernel releases both when the process ends, even if it crashed.
#pragma once

#include <chrono>
#include <string>

#include "parcours/status.h"

namespace parcours::store {

inline constexpr const char* kLockFileName = "parcours.lock";
inline constexpr const char* kTurnstileFileName = "parcours.turnstile";

class StoreLock {
 public:
  enum class Mode { kShared, kExclusive };

  StoreLock() = default;
  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

  // Takes the lock of the store in `dir`, retrying until `wait` has passed.
  // Lock files are created as needed with mode 0666 & ~umask.
  // Errors (Unavailable): busy for all of `wait` (the message says how long we
  // waited); a lock file that may not be opened or created (permission or
  // read-only file system; the message names the file). A shared lock on a
  // store whose lock file is missing and may not be created (an older store in
  // a directory this user may not write) is granted unlocked: held() is false.
  static Result<StoreLock> Acquire(const std::string& dir, Mode mode, std::chrono::milliseconds wait);

  // False for the unlocked grant above.
  bool held() const { return fd_ >= 0; }
  // Releases the lock now (the destructor does it too).
  void Release();

 private:
  int fd_ = -1;
};

}  // namespace parcours::store
