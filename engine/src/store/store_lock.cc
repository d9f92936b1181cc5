#include "store/store_lock.h"

#include "store/store_fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

namespace parcours::store {
namespace {

using Clock = std::chrono::steady_clock;

// An fd closed on scope exit unless released.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

std::string Seconds(std::chrono::milliseconds wait) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(wait.count()) / 1000.0);
  return buf;
}

Status CannotOpen(const std::string& dir, const std::string& file, int err, bool for_writing) {
  if (err == EACCES || err == EPERM || err == EROFS) return AccessDenied(dir, file, err == EROFS, for_writing);
  return Status::Unavailable("cannot open the lock file " + file + " of the store at " + dir + ": " +
                             std::strerror(err));
}

// Opens `file`, creating it (0666 & ~umask) when missing. Readers open an
// existing file read-only (flock needs no write access). Returns -1 with
// `err` = 0 when a reader may proceed without it.
int OpenLockFile(const std::string& file, bool writer, int& err) {
  err = 0;
  for (;;) {
    int fd = ::open(file.c_str(), (writer ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd >= 0) return fd;
    if (errno != ENOENT) {
      err = errno;
      return -1;
    }
    fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno == EEXIST) continue;  // created meanwhile by another process
    err = errno;
    if (!writer && (err == EACCES || err == EPERM || err == EROFS)) err = 0;
    return -1;
  }
}

// flock with retries until `deadline`; false when still busy then.
bool LockUntil(int fd, int operation, Clock::time_point deadline) {
  auto pause = std::chrono::microseconds(500);
  for (;;) {
    if (::flock(fd, operation | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK && errno != EINTR) return false;
    const auto now = Clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
}

}  // namespace

StoreLock::StoreLock(StoreLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}
StoreLock::~StoreLock() { Release(); }

void StoreLock::Release() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
  fd_ = -1;
}

Result<StoreLock> StoreLock::Acquire(const std::string& dir, Mode mode, std::chrono::milliseconds wait) {
  const bool writer = mode == Mode::kExclusive;
  const auto deadline = Clock::now() + wait;
  const std::string lock_path = dir + "/" + kLockFileName;
  const std::string turnstile_path = dir + "/" + kTurnstileFileName;
  int err = 0;
  Fd lock{OpenLockFile(lock_path, writer, err)};
  if (lock.fd < 0) {
    if (err != 0) return CannotOpen(dir, lock_path, err, writer);
    return StoreLock();  // a reader of a store it may not add a lock file to
  }
  Fd turnstile{OpenLockFile(turnstile_path, writer, err)};
  if (turnstile.fd < 0 && err != 0) return CannotOpen(dir, turnstile_path, err, writer);

  const auto busy = [&] {
    return Status::Unavailable(
        "the store at " + dir + " is in use by another parcours process (waited " + Seconds(wait) + ")",
        "Try again once it has finished, or wait longer with {arg:wait} SECONDS.");
  };
  if (writer) {
    // Hold the turnstile while waiting, so that no new reader gets in.
    if (!LockUntil(turnstile.fd, LOCK_EX, deadline)) return busy();
    if (!LockUntil(lock.fd, LOCK_EX, deadline)) return busy();
  } else {
    if (turnstile.fd >= 0) {
      if (!LockUntil(turnstile.fd, LOCK_SH, deadline)) return busy();
      ::flock(turnstile.fd, LOCK_UN);
    }
    if (!LockUntil(lock.fd, LOCK_SH, deadline)) return busy();
  }
  StoreLock out;
  out.fd_ = lock.release();
  return out;  // the turnstile is closed, hence released, here
}

}  // namespace parcours::store
