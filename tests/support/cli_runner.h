// Test support: run the real `parcours` binary, make temporary stores, and
// fingerprint a store's whole content to prove a refused command wrote nothing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parcours::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  // stdout parsed as JSON; a failed EXPECT and null when it is not JSON.
  nlohmann::json json() const;
};

// Runs PARCOURS_BIN with `args` (no shell). `env` entries are added to (or
// replace in) the test's environment; PARCOURS_DATA, PARCOURS_TODAY and
// PARCOURS_PLUGIN_PATH are cleared unless given.
CliResult RunCli(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});

// A fresh directory under the system temp dir, removed with its content on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Every key and value of every domain of the store at `path`, as one string
// (opened read-only). Equal digests before and after a command mean the
// command wrote nothing.
std::string StoreDigest(const std::string& path);

// Absolute path of a file in the source tree, e.g. SourcePath("workflows/insertion.yaml").
std::string SourcePath(const std::string& relative);

// A copy of workflows/insertion.yaml without its `deadlines:` section, at one
// path for every test process of a build (support/shared_store.h). The
// end-to-end tests and scenarios of other features run on it: their "today"
// is months after the dates they record, so every positioning deadline would
// be missed, and the deadline_missed events that a writer records would shift
// the events they check. Deadlines have their own tests (tests/e2e/due_test.cc,
// tests/unit/deadlines_*_test.cc).
std::string InsertionWithoutDeadlines();

// The bytes of the file at `path` ("" when it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace parcours::testing
