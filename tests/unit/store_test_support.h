// Helpers shared by the store's unit tests (store_test.cc, store_lock_test.cc,
// store_durability_test.cc).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "parcours/store.h"

namespace parcours::store_testing {

// Opens without waiting for another user of the store, unless told.
inline Result<std::unique_ptr<Store>> OpenStore(const std::string& path, bool create, bool read_only = false,
                                         std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
  StoreOptions options;
  options.create = create;
  options.read_only = read_only;
  options.wait = wait;
  return Store::Open(path, options);
}

inline std::unique_ptr<Store> MustOpen(const std::string& path, bool create, bool read_only = false) {
  auto store = OpenStore(path, create, read_only);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

inline std::optional<std::string> MustGet(const Store& store, Domain domain, std::string_view key) {
  auto value = store.Get(domain, key);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : std::nullopt;
}

inline void MustPut(Store& store, Domain domain, std::string_view key, std::string_view value) {
  WriteBatch batch;
  batch.Put(domain, key, value);
  Status s = store.Write(batch);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Holds the store's lock as another process does while it writes.
class HeldByAnotherProcess {
 public:
  explicit HeldByAnotherProcess(const std::string& store)
      : fd_(::open((store + "/parcours.lock").c_str(), O_RDWR | O_CLOEXEC)) {
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::flock(fd_, LOCK_EX), 0);
  }
  ~HeldByAnotherProcess() { Release(); }
  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

}  // namespace parcours::store_testing
