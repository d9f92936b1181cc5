#include "support/shared_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <system_error>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"

namespace parcours::testing {
namespace {

namespace fs = std::filesystem;

long long Stamp(const fs::path& p) {
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  return ec ? 0 : static_cast<long long>(t.time_since_epoch().count());
}

// The running test program.
fs::path Self() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self;
}

// A kept copy's name: <program>-<key>, so that two test programs never take
// each other's copies for stale ones.
std::string Prefix(const std::string& key) { return Self().filename().string() + "-" + key; }

// <build>/test-cache/<program>-<key>-<hash of what the copy depends on>.
fs::path CachePath(const std::string& key) {
  const fs::path self = Self();
  const std::string depends = key + "|" + std::to_string(Stamp(PARCOURS_BIN)) + "|" +
                              std::to_string(Stamp(self)) + "|" +
                              std::to_string(Stamp(SourcePath("workflows/insertion.yaml")));
  const fs::path root = self.empty() ? fs::temp_directory_path() / "parcours-test-cache"
                                     : self.parent_path().parent_path() / "test-cache";
  return root / (Prefix(key) + "-" + std::to_string(std::hash<std::string>()(depends)));
}

}  // namespace

std::string SharedCacheFile(const std::string& name) { return CachePath(name).string(); }

std::optional<SharedStore> FindSharedStore(const std::string& key) {
  const fs::path dir = CachePath(key);
  std::ifstream in(dir / "ids.json");
  if (!in) return std::nullopt;
  const nlohmann::json ids = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!ids.is_object()) return std::nullopt;
  SharedStore shared{(dir / "store").string(), {}};
  for (const auto& [name, value] : ids.items()) {
    if (!value.is_string()) return std::nullopt;
    shared.ids.emplace(name, value.get<std::string>());
  }
  return shared;
}

bool KeepSharedStore(const std::string& key, const std::string& store,
                     const std::map<std::string, std::string>& ids) {
  const fs::path dir = CachePath(key);
  const fs::path work = dir.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (!ec) fs::copy(store, work / "store", fs::copy_options::recursive, ec);
  if (!ec) {
    std::ofstream out(work / "ids.json");
    out << nlohmann::json(ids).dump();
    out.close();
    if (!out) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec) fs::rename(work, dir, ec);  // fails if another test kept one first
  std::error_code ignored;
  if (ec) {
    fs::remove_all(work, ignored);
    return false;
  }
  // Copies kept by earlier builds are stale for good: remove them.
  const std::string prefix = Prefix(key) + "-";
  for (const auto& entry : fs::directory_iterator(dir.parent_path(), ignored)) {
    const std::string name = entry.path().filename().string();
    const bool same_key = name.size() > prefix.size() && name.rfind(prefix, 0) == 0 &&
                          name.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
    if (entry.path() != dir && same_key) {
      fs::remove_all(entry.path(), ignored);
    }
  }
  return true;
}

}  // namespace parcours::testing
