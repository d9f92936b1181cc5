// Bad plugin files through the real binary: each is refused with its own cause
// by `plugins check FILE` (exit 3) and skipped with that cause by `--plugin
// FILE` (a warning), never a crash; and plugins load only for the commands
// that need them, so a half-copied file in a plugin directory never breaks
// reads.
#include "e2e_fixture.cc"
#include "plugins/elf_check.h"

namespace parcours::e2e {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/fixture_" + name + ".so";
}

std::string Shipped(const std::string& name) {
  return std::string(PARCOURS_FIXTURE_DIR) + "/../plugins/" + name + ".so";
}

class PluginFilesTest : public StoreTest {
 protected:
  // A copy of `from` with `edit` applied to its bytes, at dir()/name.
  template <typename Edit>
  std::string Crafted(const std::string& name, const std::string& from, Edit edit) const {
    std::string bytes = ReadText(from);
    edit(bytes);
    const std::string path = dir() / name;
    WriteFile(path, bytes);
    return path;
  }

  // `plugins check FILE` and `--plugin FILE plugins list` both name FILE and `cause`.
  void ExpectCause(const std::string& file, const std::string& cause) const {
    const std::string canonical = std::filesystem::weakly_canonical(file).string();
    const Args check = {"--no-default-plugins", "plugins", "check", file};
    const CliResult r = Run(check);
    EXPECT_EQ(r.exit_code, 3) << Describe(check, r);
    EXPECT_EQ(r.out, "") << Describe(check, r);
    EXPECT_TRUE(Contains(r.err, canonical + ": " + cause)) << Describe(check, r);

    const Args list = {"--json", "--no-default-plugins", "--plugin", file, "plugins", "list"};
    const CliResult l = Run(list);
    ASSERT_EQ(l.exit_code, 0) << Describe(list, l);
    EXPECT_TRUE(Contains(l.err, "plugin " + canonical + " skipped: " + cause)) << Describe(list, l);
    const Json j = l.json();
    ASSERT_EQ(j["errors"].size(), 1u) << j.dump();
    EXPECT_TRUE(Contains(j["errors"][0]["message"].get<std::string>(), cause)) << j.dump();
  }
};

TEST_F(PluginFilesTest, ATruncatedPluginIsRefusedAndNeverCrashesAReader) {
  const std::string whole = ReadText(Shipped("iae"));
  ASSERT_GT(whole.size(), 100000u);
  const std::string cut = dir() / "t.so";
  WriteFile(cut, whole.substr(0, 100000));
  ExpectCause(cut, "truncated: its headers describe " + plugins::GroupedNumber(whole.size()) +
                       " bytes, the file has 100,000");
  // The reproduction: a read through --plugin t.so neither crashes nor even opens it.
  InitStore();
  const Args caseload = {"--plugin", cut, "caseload"};
  const CliResult r = Run(caseload);
  EXPECT_EQ(r.exit_code, 0) << Describe(caseload, r);
  EXPECT_EQ(r.err, "") << Describe(caseload, r);
}

TEST_F(PluginFilesTest, EachOfEightBadFilesSaysItsOwnCause) {
  const std::string good = Fixture("good");
  const std::string random = dir() / "random.so";
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919 + 13) % 256);
  WriteFile(random, noise);
  ExpectCause(random, "not an ELF shared library: it starts with bytes 0d fc eb da");

  const std::string empty = dir() / "empty.so";
  WriteFile(empty, "");
  ExpectCause(empty, "empty (0 bytes), not a shared library");

  const std::string text = dir() / "text.so";
  WriteFile(text, "<html><body>502 Bad Gateway</body></html>\n");
  ExpectCause(text, "a text file, not a shared library");

  ExpectCause(Crafted("arm64.so", good, [](std::string& b) {
                b[18] = static_cast<char>(183);  // e_machine: EM_AARCH64
                b[19] = 0;
              }),
              "built for aarch64, this is x86-64");
  ExpectCause(Crafted("elf32.so", good, [](std::string& b) { b[4] = 1; }),  // EI_CLASS: ELFCLASS32
              "a 32-bit library; this engine is 64-bit (x86-64)");
  ExpectCause(Crafted("magic.so", good, [](std::string& b) { b[1] = 'X'; }),
              "not an ELF shared library: it starts with bytes 7f 58 4c 46, an ELF file with 7f 45 4c 46");
  ExpectCause(Fixture("undefined_symbol"),
              "the dynamic loader cannot load it: undefined symbol: parcours_fixture_stub_answer");
  ExpectCause(Fixture("missing_dependency"),
              "the dynamic loader cannot load it: libparcours_fixture_stub.so: cannot open shared object file: "
              "No such file or directory");
}

TEST_F(PluginFilesTest, BothEntryFormsLoadAndBadDescriptorsAreRefusedNotCrashes) {
  const Args plain = {"--no-default-plugins", "plugins", "check", Fixture("plain_entry")};
  const CliResult ok = Run(plain);
  EXPECT_EQ(ok.exit_code, 0) << Describe(plain, ok);
  EXPECT_TRUE(Contains(ok.out, "Plugin plain_entry 1.0.0 (ABI 1.0)")) << ok.out;

  ExpectCause(Fixture("entry_data"), "its entry symbol \"parcours_plugin_entry\" does not point to loaded code");
  ExpectCause(Fixture("null_array"),
              "plugin null_array is invalid: it declares 2 actions but gives no array of them");
  ExpectCause(Fixture("huge_count"),
              "plugin huge_count is invalid: it declares 1,000,000 guards; at most 1,024 are allowed");
  ExpectCause(Fixture("count_overrun"), "plugin count_overrun is invalid: its array of 3 guards cannot be read");
  ExpectCause(Fixture("bad_pointer"), "plugin bad_pointer is invalid: its array of 1 guard cannot be read");
  ExpectCause(Fixture("bad_name"),
              "plugin bad_name is invalid: guard #1's name points to memory that cannot be read");
  ExpectCause(Fixture("bad_function"),
              "plugin bad_function is invalid: guard bad_function.always's function does not point to loaded code");
}

TEST_F(PluginFilesTest, ReadsNeverLoadPluginsAndCommandsThatNeedThemDo) {
  InitStore();
  InstallInsertion();
  const std::string person = AddPerson("Awa Diallo");
  const std::string pathway = Enroll(person);
  // A plugin directory holding a half-copied library, as during a deployment.
  const std::string plugin_dir = dir() / "plugins";
  std::filesystem::create_directory(plugin_dir);
  const std::string whole = ReadText(Fixture("good"));
  WriteFile(plugin_dir + "/half.so", whole.substr(0, whole.size() / 2));
  const Env env = {{"PARCOURS_PLUGIN_PATH", plugin_dir}};

  for (const Args& read : std::vector<Args>{{"caseload"},
                                            {"show", pathway},
                                            {"history", pathway},
                                            {"person", "find", "Diallo"},
                                            {"programme", "list"},
                                            {"report", "outcomes", "--programme", "insertion", "--from",
                                             "2026-01-01", "--to", "2026-12-31"}}) {
    Args args = {"--log-level", "debug", "--plugin", Fixture("good")};
    args.insert(args.end(), read.begin(), read.end());
    const CliResult r = Run(args, env);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    // Neither the default plugins, nor --plugin, nor the directory's file are opened.
    EXPECT_FALSE(Contains(r.err, "plugin ")) << Describe(args, r);
  }
  // Listing plugins loads them all, and names the broken file and its cause.
  const Args list = {"--log-level", "debug", "--plugin", Fixture("good"), "plugins", "list"};
  const CliResult r = Run(list, env);
  EXPECT_EQ(r.exit_code, 0) << Describe(list, r);
  EXPECT_TRUE(Contains(r.err, "plugin good 1.2.3 loaded from")) << Describe(list, r);
  EXPECT_TRUE(Contains(r.err, "plugin " + plugin_dir + "/half.so skipped: truncated")) << Describe(list, r);
}

}  // namespace
}  // namespace parcours::e2e
