// What the benchmark programs share: the insertion workflow's text and a
// fresh temporary directory per process.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace parcours::bench {

inline std::string ReadInsertionWorkflow() {
  std::ifstream in(std::string(PARCOURS_SOURCE_DIR) + "/workflows/insertion.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// <tmp>/parcours-<program>-<pid>-<name>, emptied.
inline std::filesystem::path TempDir(const std::string& program, const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("parcours-" + program + "-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace parcours::bench
