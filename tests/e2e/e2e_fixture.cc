// Shared fixture of the end-to-end tests: a store in a temporary directory and
// helpers that run the real `parcours` binary on it.
//
// A header in all but name: the other e2e files `#include "e2e_fixture.cc"`.
// Compiled on its own (tests/CMakeLists.txt globs e2e/*.cc) it defines only
// inline code, so it adds no symbol and no test.
#ifndef PARCOURS_TESTS_E2E_FIXTURE_CC_
#define PARCOURS_TESTS_E2E_FIXTURE_CC_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/shared_store.h"

namespace parcours::e2e {

using Json = nlohmann::json;
using parcours::testing::CliResult;
using parcours::testing::RunCli;
using parcours::testing::InsertionWithoutDeadlines;
using parcours::testing::SourcePath;
using parcours::testing::StoreDigest;
using parcours::testing::TempDir;
using Args = std::vector<std::string>;
using Env = std::map<std::string, std::string>;

// "Today" of every test, so that dates, ages and durations are reproducible.
inline constexpr const char* kToday = "2026-11-21";
// The counsellor running the commands unless a test says otherwise.
inline constexpr const char* kActor = "lea.moreau";

// Success when `text` contains `needle`; the failure shows both.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << needle << "\" not found in:\n" << text;
}

// Every command's outcome, for failure messages.
inline std::string Describe(const Args& args, const CliResult& r) {
  std::string cmd = "parcours";
  for (const auto& a : args) cmd += " " + a;
  return cmd + "\n  exit " + std::to_string(r.exit_code) + "\n  stdout: " + r.out + "\n  stderr: " + r.err;
}

// Writes `text` to `path`.
// The entries of `j` under `keys` (a command's JSON may carry more keys).
inline Json Pick(const Json& j, std::initializer_list<const char*> keys) {
  Json out = Json::object();
  for (const char* key : keys)
    if (j.contains(key)) out[key] = j[key];
  return out;
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A temporary directory holding the store `store()`; nothing is created
// until the test (or a derived fixture) runs `init`.
class StoreTest : public ::testing::Test {
 protected:
  const std::string& store() const { return store_; }
  const TempDir& dir() const { return tmp_; }

  // Runs `parcours --data STORE --actor lea.moreau ARGS` with PARCOURS_TODAY fixed.
  CliResult Run(const Args& args, const Env& extra_env = {}) const {
    Args full = {"--data", store_, "--actor", kActor};
    full.insert(full.end(), args.begin(), args.end());
    Env env = {{"PARCOURS_TODAY", kToday}};
    for (const auto& [k, v] : extra_env) env[k] = v;
    return RunCli(full, env);
  }

  // Runs ARGS with --json; expects success and returns the JSON object printed.
  Json Ok(const Args& args, const Env& extra_env = {}) const {
    Args with_json = {"--json"};
    with_json.insert(with_json.end(), args.begin(), args.end());
    const CliResult r = Run(with_json, extra_env);
    EXPECT_EQ(r.exit_code, 0) << Describe(with_json, r);
    EXPECT_EQ(r.err, "") << Describe(with_json, r);
    if (r.exit_code != 0) return Json::object();
    const Json j = r.json();
    return j.is_object() ? j : Json::object();
  }

  // Runs ARGS (human output) and expects a refusal: exit `code`, nothing on
  // stdout, every one of `needles` (what was wrong, what is allowed) on
  // stderr, and the store exactly as it was.
  CliResult Refused(int code, const Args& args, std::initializer_list<std::string> needles,
                    const Env& extra_env = {}) const {
    const std::string before = StoreDigest(store_);
    const CliResult r = Run(args, extra_env);
    EXPECT_EQ(r.exit_code, code) << Describe(args, r);
    EXPECT_EQ(r.out, "") << Describe(args, r);
    for (const auto& needle : needles) EXPECT_TRUE(Contains(r.err, needle)) << Describe(args, r);
    EXPECT_EQ(StoreDigest(store_), before) << "a refused command changed the store: " << Describe(args, r);
    return r;
  }

  // The same refusal checks in --json mode; returns the "error" object of stderr.
  Json RefusedJson(int code, const Args& args, std::initializer_list<std::string> needles) const {
    Args with_json = {"--json"};
    with_json.insert(with_json.end(), args.begin(), args.end());
    const std::string before = StoreDigest(store_);
    const CliResult r = Run(with_json);
    EXPECT_EQ(r.exit_code, code) << Describe(with_json, r);
    EXPECT_EQ(r.out, "") << Describe(with_json, r);
    EXPECT_EQ(StoreDigest(store_), before) << Describe(with_json, r);
    Json err;
    try {
      err = Json::parse(r.err).at("error");
    } catch (const Json::exception& e) {
      ADD_FAILURE() << "stderr is not a JSON error: " << e.what() << "\n" << Describe(with_json, r);
      return Json::object();
    }
    const std::string text = err.value("message", "") + "\n" + err.value("allowed", "");
    for (const auto& needle : needles) EXPECT_TRUE(Contains(text, needle)) << Describe(with_json, r);
    EXPECT_EQ(err.value("exit", -1), code);
    return err;
  }

  std::string Digest() const { return StoreDigest(store_); }

  void InitStore() const {
    const CliResult r = Run({"init"});
    ASSERT_EQ(r.exit_code, 0) << Describe({"init"}, r);
  }
  void InstallInsertion() const {
    const Json j = Ok({"programme", "install", InsertionWithoutDeadlines()});
    ASSERT_EQ(j.value("programme", ""), "insertion");
  }

  // Registers a person; returns the id.
  std::string AddPerson(const std::string& name, const std::string& birth = "1991-04-02",
                        const std::string& sex = "F", const Args& extra = {}) const {
    Args args = {"person", "add", "--name", name, "--birth", birth, "--sex", sex};
    args.insert(args.end(), extra.begin(), extra.end());
    const Json j = Ok(args);
    EXPECT_TRUE(j.contains("id")) << j.dump();
    return j.value("id", "");
  }

  // Enrols `person` in insertion; returns the pathway id.
  std::string Enroll(const std::string& person, const std::string& date = "2026-09-01",
                     const std::string& prescriber = "france_travail", const Args& extra = {}) const {
    Args args = {"enroll", person, "insertion", "--date", date, "--field", "prescriber=" + prescriber};
    args.insert(args.end(), extra.begin(), extra.end());
    const Json j = Ok(args);
    EXPECT_EQ(j.value("step", ""), "referral") << j.dump();
    return j.value("pathway", "");
  }

  // Runs `advance PATHWAY TRANSITION --date DATE [--field F]...`; returns the new step.
  std::string Advance(const std::string& pathway, const std::string& transition, const std::string& date,
                      const Args& fields = {}) const {
    Args args = {"advance", pathway, transition, "--date", date};
    for (const auto& f : fields) args.insert(args.end(), {"--field", f});
    return Ok(args).value("step", "");
  }

  // Runs `record PATHWAY MILESTONE --date DATE [--field F]...`; returns the JSON printed.
  Json Record(const std::string& pathway, const std::string& milestone, const std::string& date,
              const Args& fields = {}) const {
    Args args = {"record", pathway, milestone, "--date", date};
    for (const auto& f : fields) args.insert(args.end(), {"--field", f});
    return Ok(args);
  }

  Json Show(const std::string& pathway) const { return Ok({"show", pathway}); }

  // Named values (ids) a fixture's data set is made of.
  using Ids = std::map<std::string, std::string>;

  // A data set shared by the tests of a fixture: the first test that asks
  // for `key` (in any test process of this build) runs `build` on its store
  // and keeps a copy (support/shared_store.h); the next ones copy it in place
  // of their store. Returns the ids `build` returned. Each test still gets
  // its own store.
  Ids SharedDataSet(const std::string& key, const std::function<Ids()>& build) {
    namespace fs = std::filesystem;
    if (auto shared = parcours::testing::FindSharedStore("data-" + key)) {
      fs::remove_all(store_);
      fs::copy(shared->store, store_, fs::copy_options::recursive);
      return shared->ids;
    }
    Ids ids = build();
    if (!HasFailure()) parcours::testing::KeepSharedStore("data-" + key, store_, ids);
    return ids;
  }

 private:
  TempDir tmp_;
  std::string store_ = tmp_ / "store";
};

// A store with the shipped insertion programme installed. `init` and
// `programme install` run once per build of the tests, in a template store that
// each test copies (a closed RocksDB directory copies safely;
// support/shared_store.h): this saves two commands per test.
// init_test.cc and programme_test.cc test those commands.
class InsertionTest : public StoreTest {
 protected:
  void SetUp() override {
    const std::string& source = TemplateStore();
    ASSERT_FALSE(source.empty()) << "could not make the template store";
    std::filesystem::copy(source, store(), std::filesystem::copy_options::recursive);
  }

 private:
  static const std::string& TemplateStore() {
    static TempDir dir;
    static const std::string path = []() -> std::string {
      if (auto shared = parcours::testing::FindSharedStore("insertion-template")) return shared->store;
      const std::string store = dir / "store";
      const Env env = {{"PARCOURS_TODAY", kToday}};
      const CliResult init = RunCli({"--data", store, "--actor", kActor, "init"}, env);
      const CliResult install = RunCli(
          {"--data", store, "--actor", kActor, "programme", "install", InsertionWithoutDeadlines()}, env);
      EXPECT_EQ(init.exit_code, 0) << init.err;
      EXPECT_EQ(install.exit_code, 0) << install.err;
      if (init.exit_code != 0 || install.exit_code != 0) return std::string();
      parcours::testing::KeepSharedStore("insertion-template", store, {});
      return store;
    }();
    return path;
  }
};

}  // namespace parcours::e2e

#endif  // PARCOURS_TESTS_E2E_FIXTURE_CC_
