// An Engine on a store in a temporary directory, the fixture of the engine's
// unit tests: a fixed "today", an io_context the test drains, a logger, and
// helpers to open the engine and install a programme.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "parcours/engine.h"
#include "parcours/plugins.h"
#include "support/cli_runner.h"

namespace parcours::testing {

// The date `iso` (YYYY-MM-DD); a failure, and a default date, when it is not one.
Date D(const char* iso);

// The text of a file of the source tree, e.g. ReadSource("workflows/insertion.yaml").
std::string ReadSource(const std::string& relative);

// A test fixture: an engine with the source tree's `insertion` programme
// installed. A fixture that wants another start overrides SetUp, calling
// OpenEngine() and Install() or InstallFromSource() as it needs, each under
// ASSERT_NO_FATAL_FAILURE.
class EngineTestBase : public ::testing::Test {
 protected:
  // `today` is what the engine's clock says all along (YYYY-MM-DD); `logger`
  // names the engine's logger.
  explicit EngineTestBase(const char* today = "2026-11-21", const std::string& logger = "engine-test");

  // Opens the engine and installs workflows/insertion.yaml.
  void SetUp() override;

  // Closes the engine, then the store, before the derived fixture's members
  // (a PluginRegistry the engine uses, say) go.
  void TearDown() override;

  // Creates the store in the temporary directory (in its subdirectory
  // `subdir` when given) and opens engine_ on it with `plugins` (may be null).
  void OpenEngine(const PluginRegistry* plugins = nullptr, const std::string& subdir = "");

  // Installs the programme `yaml` as the file `name`, by `actor`.
  void Install(const std::string& yaml, const std::string& name, const std::string& actor = "installer");

  // Installs the programme of the source tree's file `relative`, as the file
  // `name` (its file name when empty).
  void InstallFromSource(const std::string& relative, const std::string& name = "");

  // A new person, added by "counsellor"; a test failure when refused.
  Person AddPerson(const std::string& name, const std::string& birth, const std::string& sex = "F",
                   std::map<std::string, std::string> attrs = {});

  TempDir dir_;
  FixedDateClock clock_;
  boost::asio::io_context io_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
};

// EngineTestBase and the commands that build a population of the `insertion`
// programme, by "counsellor", each a test failure when refused (reports'
// tests, whose every figure is known).
class PopulationTestBase : public EngineTestBase {
 protected:
  using EngineTestBase::EngineTestBase;

  // The id of a new person.
  std::string NewPerson(const std::string& name, const std::string& birth, const std::string& sex,
                        std::map<std::string, std::string> attrs = {});
  // The id of the pathway of `person` enrolled in `insertion` on `date`.
  std::string Enroll(const std::string& person, const std::string& date, const std::string& prescriber = "ccas");
  void Advance(const std::string& pw, const std::string& transition, const std::string& date,
               RawFields fields = {});
  void Record(const std::string& pw, const std::string& milestone, const std::string& date,
              RawFields fields = {});
  // Voids the pathway's latest event (each call follows the event it cancels).
  void Void(const std::string& pw);
};

}  // namespace parcours::testing
