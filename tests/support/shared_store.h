// Test support: stores built once and shared by every test process of a build.
//
// ctest runs each test in a process of its own, so a store that a fixture
// builds for many tests (the insertion template, a report's data set) would be
// built again by each of them: a dozen commands per test, each a process start
// (about 0.3 s under the sanitizers). The first test to build one keeps a copy
// under <build>/test-cache; the next ones, in any process, copy it.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace parcours::testing {

struct SharedStore {
  std::string store;                       // a closed store directory, to copy
  std::map<std::string, std::string> ids;  // what its builder named in it
};

// The copy kept under `key`, if a test has kept one since the parcours binary,
// the running test program or workflows/insertion.yaml last changed (any of
// them changing gives another name, so a stale copy is never used).
std::optional<SharedStore> FindSharedStore(const std::string& key);

// Keeps a copy of `store` (closed) and `ids` under `key`: written in a private
// directory, then renamed into place, so that a test running meanwhile sees
// all of it or nothing. Returns false when it could not (another test kept one
// first, or the disk refused): each test then simply builds its own.
bool KeepSharedStore(const std::string& key, const std::string& store,
                     const std::map<std::string, std::string>& ids);

// Where a file named `name`, made the same way by every test process of this
// build, is kept (named as the stores are, so that it changes with them). The
// caller writes it whole under another name and renames it there.
std::string SharedCacheFile(const std::string& name);

}  // namespace parcours::testing
