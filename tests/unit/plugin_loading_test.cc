// Loading plugin files safely: the ELF check before dlopen, the loader's own
// errors, both entry forms, validation of what a plugin hands over, and lazy
// loading. Every bad file is refused with its own cause, never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <spdlog/logger.h>

#include "parcours/plugins.h"
#include "plugins/elf_check.h"
#include "support/cli_runner.h"

namespace parcours {
namespace {

using testing::TempDir;

std::string Fixture(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/fixture_" + name + ".so";
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PluginLoadingTest : public ::testing::Test {
 protected:
  // A copy of the good fixture with `edit` applied to its bytes.
  template <typename Edit>
  std::string Crafted(const std::string& name, Edit edit) {
    std::string bytes = ReadBytes(Fixture("good"));
    edit(bytes);
    const std::string path = dir_ / name;
    WriteBytes(path, bytes);
    return path;
  }

  // LoadFile's refusal, which must name the file.
  std::string Refusal(const std::string& path) {
    PluginRegistry registry(clock_, std::make_shared<spdlog::logger>("test"));
    Status s = registry.LoadFile(path);
    EXPECT_TRUE(s.IsRefused()) << path;
    EXPECT_TRUE(Has(s.message(), std::filesystem::weakly_canonical(path).string())) << s.message();
    EXPECT_TRUE(registry.plugins().empty());
    EXPECT_EQ(registry.errors().size(), 1u);
    return s.message();
  }

  TempDir dir_;
  FixedDateClock clock_{*Date::ParseIso("2026-11-21")};
};

TEST_F(PluginLoadingTest, AGoodLibraryPassesTheElfCheck) {
  EXPECT_EQ(plugins::ElfProblem(Fixture("good")), std::nullopt);
}

TEST_F(PluginLoadingTest, TruncatedLibrariesAreRefusedBeforeTheLoaderMapsThem) {
  const std::string whole = ReadBytes(Fixture("good"));
  ASSERT_GT(whole.size(), 20000u);
  // Cut at the reproduction's 100,000 bytes when the library is larger, and by a single byte.
  for (const std::size_t size : {std::min<std::size_t>(100000, whole.size() / 2), whole.size() - 1}) {
    const std::string path = dir_ / ("cut" + std::to_string(size) + ".so");
    WriteBytes(path, whole.substr(0, size));
    const std::string message = Refusal(path);
    EXPECT_TRUE(Has(message, "truncated: its headers describe " + plugins::GroupedNumber(whole.size()) +
                                 " bytes, the file has " + plugins::GroupedNumber(size)))
        << message;
  }
}

TEST_F(PluginLoadingTest, EachBadFileSaysItsOwnCause) {
  const std::string empty = dir_ / "empty.so";
  WriteBytes(empty, "");
  EXPECT_TRUE(Has(Refusal(empty), "empty (0 bytes), not a shared library"));

  const std::string text = dir_ / "text.so";
  WriteBytes(text, "#!/bin/sh\necho this is not a library\n");
  EXPECT_TRUE(Has(Refusal(text), "a text file, not a shared library"));

  const std::string random = dir_ / "random.so";
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919 + 13) % 256);
  WriteBytes(random, noise);
  EXPECT_TRUE(Has(Refusal(random), "not an ELF shared library: it starts with bytes 0d fc eb da"));

  const std::string magic = Crafted("magic.so", [](std::string& b) { b[3] = 'G'; });
  EXPECT_TRUE(Has(Refusal(magic), "not an ELF shared library: it starts with bytes 7f 45 4c 47, an ELF file with 7f 45 4c 46"));

  const std::string arm = Crafted("arm.so", [](std::string& b) {
    b[18] = static_cast<char>(183);  // EM_AARCH64
    b[19] = 0;
  });
  EXPECT_TRUE(Has(Refusal(arm), "built for aarch64, this is x86-64")) << Refusal(arm);

  const std::string bits32 = Crafted("bits32.so", [](std::string& b) { b[4] = 1; });
  EXPECT_TRUE(Has(Refusal(bits32), "a 32-bit library; this engine is 64-bit (x86-64)"));

  EXPECT_TRUE(Has(Refusal(Fixture("undefined_symbol")),
                  "the dynamic loader cannot load it: undefined symbol: parcours_fixture_stub_answer"))
      << Refusal(Fixture("undefined_symbol"));
  EXPECT_TRUE(Has(Refusal(Fixture("missing_dependency")),
                  "the dynamic loader cannot load it: libparcours_fixture_stub.so: cannot open shared object "
                  "file: No such file or directory"))
      << Refusal(Fixture("missing_dependency"));
}

TEST_F(PluginLoadingTest, APlainFunctionEntryIsAcceptedLikeTheAlias) {
  PluginRegistry registry(clock_, std::make_shared<spdlog::logger>("test"));
  ASSERT_TRUE(registry.LoadFile(Fixture("plain_entry")).ok());
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(registry.plugins()[0].guards, std::vector<std::string>{"plain_entry.always"});
  EXPECT_TRUE(registry.RunGuard("plain_entry.always", Json::object()).ok());
}

TEST_F(PluginLoadingTest, AnEntrySymbolThatIsNeitherFormIsRefused) {
  EXPECT_TRUE(Has(Refusal(Fixture("entry_data")), "its entry symbol \"parcours_plugin_entry\" does not point to "
                                                  "loaded code (declare it with PARCOURS_PLUGIN"))
      << Refusal(Fixture("entry_data"));
}

TEST_F(PluginLoadingTest, CountsAndPointersAreCheckedBeforeUse) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"null_array", "plugin null_array is invalid: it declares 2 actions but gives no array of them"},
      {"huge_count", "plugin huge_count is invalid: it declares 1,000,000 guards; at most 1,024 are allowed"},
      {"count_overrun", "plugin count_overrun is invalid: its array of 3 guards cannot be read (is the count the "
                        "length of its array?)"},
      {"bad_pointer", "plugin bad_pointer is invalid: its array of 1 guard cannot be read"},
      {"bad_name", "plugin bad_name is invalid: guard #1's name points to memory that cannot be read"},
      {"bad_function", "plugin bad_function is invalid: guard bad_function.always's function does not point to "
                       "loaded code"},
  };
  for (const auto& [fixture, message] : cases) {
    EXPECT_TRUE(Has(Refusal(Fixture(fixture)), message)) << fixture << ": " << Refusal(Fixture(fixture));
  }
}

TEST_F(PluginLoadingTest, RecordedLocationsLoadOnFirstUseOnly) {
  const std::string plugin_dir = dir_ / "plugins";
  std::filesystem::create_directory(plugin_dir);
  std::filesystem::copy_file(Fixture("good"), plugin_dir + "/good.so");
  const std::string whole = ReadBytes(Fixture("good"));
  WriteBytes(plugin_dir + "/half.so", whole.substr(0, whole.size() / 2));

  PluginRegistry registry(clock_, std::make_shared<spdlog::logger>("test"));
  registry.AddLocations({plugin_dir, dir_ / "missing-dir"});
  registry.AddFiles({Fixture("plain_entry")});
  EXPECT_EQ(registry.pending(), 3u);
  // The first use loads everything recorded, in order.
  EXPECT_TRUE(registry.HasGuard("good.adults_only"));
  EXPECT_EQ(registry.pending(), 0u);
  ASSERT_EQ(registry.plugins().size(), 2u);
  EXPECT_EQ(registry.plugins()[0].name, "good");
  EXPECT_EQ(registry.plugins()[1].name, "plain_entry");
  ASSERT_EQ(registry.errors().size(), 1u);
  EXPECT_TRUE(Has(registry.errors()[0].message, "truncated")) << registry.errors()[0].message;
}

TEST_F(PluginLoadingTest, ReadPathwayAnswersThroughTheLatestAttachedReader) {
  PluginRegistry registry(clock_, std::make_shared<spdlog::logger>("test"));
  ASSERT_TRUE(registry.LoadFile(Fixture("reads_pathway")).ok());
  const Json ctx{{"pathway", "W-3F8Q4"}};
  // No reader: the plugin's hook fails, saying why.
  auto none = registry.RunBeforeCommit("reads_pathway.summary", ctx);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(Has(none.status().message(), "the host gives no pathway access here")) << none.status().message();

  registry.SetPathwayReader([](const std::string&) -> Result<Json> { return Status::NotFound("none"); });
  {
    auto handle = registry.AttachPathwayReader([](const std::string& id) -> Result<Json> {
      return Json{{"state", {{"id", id}, {"step", "positioning"}, {"programme", "insertion"}}},
                  {"events", Json::array({Json::object(), Json::object()})}};
    });
    auto read = registry.RunBeforeCommit("reads_pathway.summary", ctx);
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(*read, (Json{{"read_events", 2}, {"read_step", "positioning"}, {"read_programme", "insertion"}}));
  }
  // Detached: the default reader answers again.
  Status refused = registry.RunGuard("reads_pathway.exists", ctx);
  EXPECT_TRUE(refused.IsRefused());
  EXPECT_EQ(refused.message(), "the host does not find pathway W-3F8Q4");
}

}  // namespace
}  // namespace parcours
