// parcours plugins list|check, --plugin, and plugin failures on a real store,
// with the fixture plugins of tests/plugins/: every failure's message and exit
// code, and that nothing is written.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/fixture_" + name + ".so";
}

class PluginsTest : public StoreTest {
 protected:
  // Writes, in the test's directory, the programme `programme` of two steps,
  // start and done, whose one transition, finish, runs `hooks` (the YAML
  // lines of its plugin rules); returns the file's path.
  std::string WriteFinishProgramme(const std::string& programme, const std::string& hooks) {
    const std::string yaml = dir() / (programme + ".yaml");
    WriteFile(yaml, "programme: " + programme + R"(
steps:
  - id: start
    initial: true
  - id: done
    final: true
transitions:
  - id: finish
    from: [start]
    to: done
)" + hooks);
    return yaml;
  }
};

TEST_F(PluginsTest, CheckAcceptsAGoodPlugin) {
  const CliResult r = Run({"--no-default-plugins", "plugins", "check", Fixture("good")});
  EXPECT_EQ(r.exit_code, 0) << Describe({"plugins", "check"}, r);
  EXPECT_TRUE(Contains(r.out, "Plugin good 1.2.3 (ABI 1.0)"));
  EXPECT_TRUE(Contains(r.out, "loads and passes its checks"));
}

TEST_F(PluginsTest, CheckRefusesEachBrokenFixtureWithItsReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"wrong_abi", "built for plugin ABI 2.0; this engine provides ABI 1.0"},
      {"newer_minor", "built for plugin ABI 1.1, newer than the ABI 1.0 this engine provides"},
      {"no_entry", "not a Parcours plugin: it has no entry symbol \"parcours_plugin_entry\""},
      {"throws_init", "plugin throws_init failed to initialise: configuration file missing"},
      {"duplicate_hooks", "guard duplicate_hooks.twin is declared twice"},
  };
  for (const auto& [fixture, message] : cases) {
    const CliResult r = Run({"--no-default-plugins", "plugins", "check", Fixture(fixture)});
    EXPECT_EQ(r.exit_code, 3) << fixture << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, Fixture(fixture))) << fixture;  // names the file
    EXPECT_TRUE(Contains(r.err, message)) << fixture;
  }
}

TEST_F(PluginsTest, ListShowsLoadedPluginsAndSkipsBrokenOnes) {
  const Args args = {"--json", "--no-default-plugins", "--plugin", Fixture("good"), "--plugin",
                     Fixture("wrong_abi"), "plugins", "list"};
  const CliResult r = Run(args);
  ASSERT_EQ(r.exit_code, 0) << Describe(args, r);
  // The skipped library is also reported as a warning, naming file and reason.
  EXPECT_TRUE(Contains(r.err, "plugin " + Fixture("wrong_abi") + " skipped: built for plugin ABI 2.0"));
  const Json j = r.json();
  ASSERT_EQ(j["plugins"].size(), 1u);
  EXPECT_EQ(j["plugins"][0]["name"], "good");
  EXPECT_EQ(j["plugins"][0]["provides"]["guards"], Json::array({"good.adults_only", "good.short_history"}));
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_TRUE(Contains(j["errors"][0]["message"].get<std::string>(), "built for plugin ABI 2.0"));
}

TEST_F(PluginsTest, GuardThatThrowsRefusesTheCommandAndWritesNothing) {
  InitStore();
  const std::string yaml = WriteFinishProgramme("flow", R"(    guards:
      - plugin: throwing_guard.explodes
)");
  const Args plugin = {"--no-default-plugins", "--plugin", Fixture("throwing_guard")};
  Args install = plugin;
  install.insert(install.end(), {"programme", "install", yaml});
  Ok(install);
  // Without the plugin, the file cannot be installed again, and says why.
  Refused(3, {"--no-default-plugins", "programme", "install", yaml},
          {"guard \"throwing_guard.explodes\": plugin \"throwing_guard\" is not loaded"});

  const std::string person = AddPerson("Awa Diallo");
  Args enroll = plugin;
  enroll.insert(enroll.end(), {"enroll", person, "flow"});
  const std::string pathway = Ok(enroll).value("pathway", "");
  Args advance = plugin;
  advance.insert(advance.end(), {"advance", pathway, "finish"});
  Refused(3, advance, {"plugin throwing_guard, guard explodes failed: database of eligibility unreachable",
                       "Nothing was written"});
}

TEST_F(PluginsTest, AHookReadsThePathwayThroughTheHost) {
  InitStore();
  const std::string yaml = WriteFinishProgramme("reading", R"(    guards:
      - plugin: reads_pathway.exists
    derive:
      - plugin: reads_pathway.summary
)");
  const Args plugin = {"--no-default-plugins", "--plugin", Fixture("reads_pathway")};
  auto with_plugin = [&](Args args) {
    args.insert(args.begin(), plugin.begin(), plugin.end());
    return args;
  };
  Ok(with_plugin({"programme", "install", yaml}));
  const std::string person = AddPerson("Awa Diallo");
  const std::string pathway = Ok(with_plugin({"enroll", person, "reading"})).value("pathway", "");
  // Before: the host gave plugins no pathway access, and the guard failed.
  Ok(with_plugin({"advance", pathway, "finish"}));
  const Json shown = Show(pathway);
  ASSERT_EQ(shown["events"].size(), 2u) << shown.dump();
  EXPECT_EQ(shown["events"][1]["fields"]["read_events"], 1) << shown.dump();
  EXPECT_EQ(shown["events"][1]["fields"]["read_step"], "start") << shown.dump();
  EXPECT_EQ(shown["events"][1]["fields"]["read_programme"], "reading") << shown.dump();
}

}  // namespace
}  // namespace parcours::e2e
