// The plugin host: ABI checks, failure isolation and hook calls, on the
// fixture plugins of tests/plugins/.
#include <gtest/gtest.h>

#include <spdlog/logger.h>

#include "parcours/plugins.h"
#include "parcours/sdk/abi.h"

namespace parcours {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/fixture_" + name + ".so";
}

class PluginHostTest : public ::testing::Test {
 protected:
  FixedDateClock clock_{*Date::ParseIso("2026-11-21")};
  PluginRegistry registry_{clock_, std::make_shared<spdlog::logger>("test")};
};

TEST_F(PluginHostTest, LoadsAGoodPluginAndListsWhatItProvides) {
  ASSERT_TRUE(registry_.LoadFile(Fixture("good")).ok());
  ASSERT_EQ(registry_.plugins().size(), 1u);
  const PluginInfo& p = registry_.plugins()[0];
  EXPECT_EQ(p.name, "good");
  EXPECT_EQ(p.version, "1.2.3");
  EXPECT_EQ(p.abi_major, PARCOURS_ABI_MAJOR);
  EXPECT_EQ(p.guards, (std::vector<std::string>{"good.adults_only", "good.short_history"}));
  EXPECT_EQ(p.before_commit, std::vector<std::string>{"good.stamp"});
  EXPECT_EQ(p.after_commit, std::vector<std::string>{"good.count"});
  EXPECT_EQ(p.field_types, std::vector<std::string>{"good.even"});
  EXPECT_EQ(p.workflows, std::vector<std::string>{"good.flow"});
  EXPECT_EQ(p.reports, std::vector<std::string>{"good.counts"});
  EXPECT_TRUE(registry_.errors().empty());
  EXPECT_TRUE(registry_.SelfCheck("good").ok());
  ASSERT_TRUE(registry_.WorkflowYaml("good.flow").has_value());
  EXPECT_NE(registry_.WorkflowYaml("good.flow")->find("programme: fixture_flow"), std::string::npos);
}

TEST_F(PluginHostTest, CallsHooks) {
  ASSERT_TRUE(registry_.LoadFile(Fixture("good")).ok());
  EXPECT_TRUE(registry_.RunGuard("good.adults_only", Json{{"person", {{"age", 30}}}}).ok());
  Status refused = registry_.RunGuard("good.adults_only", Json{{"person", {{"age", 16}}}});
  EXPECT_TRUE(refused.IsRefused());
  EXPECT_EQ(refused.message(), "the person is under 18 (16)");

  auto derived = registry_.RunBeforeCommit("good.stamp", Json::object());
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, (Json{{"stamped_by", "good"}}));
  EXPECT_TRUE(registry_.RunAfterCommit("good.count", Json{{"action", "place"}}).ok());

  auto even = registry_.ParseField("good.even", "42");
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(*even, Json(42));
  auto odd = registry_.ParseField("good.even", "7");
  EXPECT_TRUE(odd.status().IsRefused());
  EXPECT_EQ(odd.status().message(), "7 is odd");
  EXPECT_EQ(odd.status().allowed(), "an even whole number");
}

TEST_F(PluginHostTest, RefusesWrongAbiMajorBeforeCallingIt) {
  Status s = registry_.LoadFile(Fixture("wrong_abi"));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("fixture_wrong_abi.so"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("built for plugin ABI " + std::to_string(PARCOURS_ABI_MAJOR + 1) + ".0"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("this engine provides ABI " + std::to_string(PARCOURS_ABI_MAJOR) + "."),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(registry_.plugins().empty());
  ASSERT_EQ(registry_.errors().size(), 1u);
}

TEST_F(PluginHostTest, RefusesNewerMinor) {
  Status s = registry_.LoadFile(Fixture("newer_minor"));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("newer than the ABI"), std::string::npos) << s.message();
  EXPECT_TRUE(registry_.plugins().empty());
}

TEST_F(PluginHostTest, RefusesLibraryWithoutEntrySymbol) {
  Status s = registry_.LoadFile(Fixture("no_entry"));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("no entry symbol \"parcours_plugin_entry\""), std::string::npos) << s.message();
}

TEST_F(PluginHostTest, RefusesAFileThatIsNotALibrary) {
  Status s = registry_.LoadFile(std::string(PARCOURS_SOURCE_DIR) + "/workflows/insertion.yaml");
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("a text file, not a shared library"), std::string::npos) << s.message();
  Status missing = registry_.LoadFile("/nonexistent/plugin.so");
  EXPECT_TRUE(missing.IsRefused());
  EXPECT_EQ(missing.message(), "/nonexistent/plugin.so: no such file");
}

TEST_F(PluginHostTest, ReportsInitThatThrowsAndKeepsTheOthers) {
  Status s = registry_.LoadFile(Fixture("throws_init"));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("plugin throws_init failed to initialise: configuration file missing"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(registry_.LoadFile(Fixture("good")).ok());
  ASSERT_EQ(registry_.plugins().size(), 1u);
  EXPECT_EQ(registry_.plugins()[0].name, "good");
}

TEST_F(PluginHostTest, RefusesADuplicateName) {
  ASSERT_TRUE(registry_.LoadFile(Fixture("good")).ok());
  Status s = registry_.LoadFile(Fixture("good"));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("a plugin named \"good\" is already loaded"), std::string::npos) << s.message();
  EXPECT_EQ(registry_.plugins().size(), 1u);
}

TEST_F(PluginHostTest, RefusesAPluginDeclaringAHookTwice) {
  Status s = registry_.LoadFile(Fixture("duplicate_hooks"));
  ASSERT_TRUE(s.IsRefused());
  EXPECT_NE(s.message().find("plugin duplicate_hooks is invalid: guard duplicate_hooks.twin is declared twice"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(registry_.plugins().empty());
}

TEST_F(PluginHostTest, AGuardThatThrowsIsARefusalNamingPluginAndHook) {
  ASSERT_TRUE(registry_.LoadFile(Fixture("throwing_guard")).ok());
  Status s = registry_.RunGuard("throwing_guard.explodes", Json::object());
  ASSERT_TRUE(s.IsRefused());
  EXPECT_EQ(s.message(), "plugin throwing_guard, guard explodes failed: database of eligibility unreachable");
}

TEST_F(PluginHostTest, UnknownHooksAreRefusedNotCrashes) {
  EXPECT_TRUE(registry_.RunGuard("absent.guard", Json::object()).IsRefused());
  EXPECT_TRUE(registry_.RunBeforeCommit("absent.action", Json::object()).status().IsRefused());
  EXPECT_TRUE(registry_.ParseField("absent.type", "x").status().IsRefused());
  EXPECT_TRUE(registry_.SelfCheck("absent").IsNotFound());
}

TEST_F(PluginHostTest, LoadDirectorySkipsBrokenPluginsAndLoadsTheRest) {
  registry_.LoadDirectory(PARCOURS_FIXTURE_DIR);
  std::vector<std::string> names;
  for (const auto& p : registry_.plugins()) names.push_back(p.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"good", "plain_entry", "reads_pathway", "throwing_guard"}));
  // wrong_abi, newer_minor, no_entry, throws_init, duplicate_hooks; the raw-ABI
  // entry_data, null_array, huge_count, count_overrun, bad_pointer, bad_name,
  // bad_function; undefined_symbol, missing_dependency. None crashes the process.
  EXPECT_EQ(registry_.errors().size(), 14u);
}

}  // namespace
}  // namespace parcours

namespace parcours {
namespace {

// Two hosts in one process each get their own plugin instance, bound to their
// own services: the second must not see the first's (destroyed) host.
TEST(PluginHostLifetimeTest, EachRegistryGetsItsOwnInstance) {
  FixedDateClock first_clock(*Date::ParseIso("2026-01-01"));
  {
    PluginRegistry first(first_clock, std::make_shared<spdlog::logger>("first"));
    ASSERT_TRUE(first.LoadFile(Fixture("good")).ok());
    EXPECT_TRUE(first.RunAfterCommit("good.count", Json{{"action", "x"}}).ok());
  }
  FixedDateClock second_clock(*Date::ParseIso("2026-06-01"));
  PluginRegistry second(second_clock, std::make_shared<spdlog::logger>("second"));
  ASSERT_TRUE(second.LoadFile(Fixture("good")).ok());
  // good.count logs through its host: this would use the destroyed registry
  // if instances were shared.
  EXPECT_TRUE(second.RunAfterCommit("good.count", Json{{"action", "y"}}).ok());
}

}  // namespace
}  // namespace parcours
