// parcours-plugin-conformance: runs the conformance suite against one plugin.
//
//   parcours-plugin-conformance path/to/plugin.so [gtest flags]
//   PARCOURS_CONFORMANCE_PLUGIN=path/to/plugin.so parcours-plugin-conformance
//
// Exit status: 0 when the plugin passes every check, 1 when a check fails,
// 2 on a usage error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "parcours/plugins.h"
#include "plugin_under_test.h"

namespace {

constexpr const char* kUsage =
    "usage: parcours-plugin-conformance PLUGIN.so [gtest flags]\n"
    "   or: PARCOURS_CONFORMANCE_PLUGIN=PLUGIN.so parcours-plugin-conformance [gtest flags]\n"
    "Checks that a Parcours plugin keeps the promises every plugin makes to the engine\n"
    "(docs/plugins.md, \"Testing with the conformance suite\").\n"
    "Example: parcours-plugin-conformance build/cej.so --gtest_filter='*Guards*'\n";

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);  // takes out the gtest flags
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (!arg.empty() && arg[0] == '-') {
      std::cerr << "parcours-plugin-conformance: unknown option " << arg << "\n" << kUsage;
      return 2;
    }
    files.push_back(arg);
  }
  if (files.empty()) {
    if (const char* env = std::getenv("PARCOURS_CONFORMANCE_PLUGIN"); env && *env) files.push_back(env);
  }
  if (files.size() != 1) {
    if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
    std::cerr << "parcours-plugin-conformance: "
              << (files.empty() ? "no plugin file given" : "give one plugin file at a time") << "\n"
              << kUsage;
    return 2;
  }

  parcours::conformance::PluginUnderTest::Load(files.front());
  const auto& plugin = parcours::conformance::PluginUnderTest::Get();
  std::cout << "Conformance of " << plugin.file() << " against engine ABI " << parcours::EngineAbiMajor() << "."
            << parcours::EngineAbiMinor() << ": ";
  if (const auto* info = plugin.info()) {
    std::cout << "plugin " << info->name << " " << info->version << " (ABI " << info->abi_major << "."
              << info->abi_minor << ")\n";
  } else {
    std::cout << "it does not load: " << plugin.load_status().message() << "\n";
  }
  const int failed = RUN_ALL_TESTS();

  // Warnings are not failures, but an author wants to see them.
  const auto warnings = plugin.Warnings();
  if (!warnings.empty()) {
    int total = 0;
    for (const auto& [message, count] : warnings) total += count;
    std::cout << "\nLogged during the checks, at warning level or above (" << total << " messages, "
              << warnings.size() << " distinct):\n";
    int shown = 0;
    for (const auto& [message, count] : warnings) {
      if (++shown > 10) {
        std::cout << "  ... and " << warnings.size() - 10 << " more distinct messages\n";
        break;
      }
      std::cout << "  " << count << " x " << message << "\n";
    }
  }
  return failed == 0 ? 0 : 1;
}
