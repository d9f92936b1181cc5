// Plugins as the engine sees them: loading, and calling their hooks safely.
//
// A PluginRegistry loads plugin libraries, checks each file before the
// dynamic loader sees it (a complete 64-bit ELF shared library for this
// machine), checks its ABI before calling anything else, validates every count
// and pointer it hands over, initialises it with the host's services, and keeps
// it loaded for the life of the process. Every call into a plugin goes through
// the registry, which turns an error status, a refusal or a stray exception
// into a Status naming the plugin and the hook. A library that fails to load is
// recorded in errors() and skipped; the others keep working.
//
// Locations given to AddLocations/AddFiles are loaded lazily, on the first
// call that needs plugins (any accessor or hook call below), so that a command
// that uses no plugin never opens a plugin file.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "parcours/date.h"
#include "parcours/status.h"

namespace parcours {

using Json = nlohmann::json;

struct PluginInfo {
  std::string name;
  std::string version;
  std::string description;
  std::string file;
  int abi_major = 0;
  int abi_minor = 0;
  // Qualified names ("iae.classify_exit") of what it provides.
  std::vector<std::string> guards;
  std::vector<std::string> before_commit;
  std::vector<std::string> after_commit;
  std::vector<std::string> field_types;
  std::vector<std::string> workflows;
  std::vector<std::string> reports;

  Json ToJson() const;
};

struct PluginLoadError {
  std::string file;
  std::string message;  // names the file, what was expected and what was found
};

// The ABI this engine provides (parcours/sdk/abi.h).
int EngineAbiMajor();
int EngineAbiMinor();

// Directories searched by default, in order: next to the executable
// (<bin>/../plugins, <bin>/../lib/parcours/plugins), then each entry of
// $PARCOURS_PLUGIN_PATH (':'-separated directories or files).
std::vector<std::string> DefaultPluginLocations();

class PluginRegistry {
 public:
  // Reads a pathway for plugins: {"state":..., "events":[...]}, NotFound if absent.
  using PathwayReader = std::function<Result<Json>(const std::string& id)>;

  PluginRegistry(const Clock& clock, std::shared_ptr<spdlog::logger> log);
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Loads one library now. On failure the error is also recorded in errors().
  // Refused: not a complete ELF shared library for this machine, refused by
  // the dynamic loader (its dlerror text), no usable entry symbol, wrong ABI,
  // duplicate name, init failed or threw, invalid names, counts or pointers
  // in what it provides.
  Status LoadFile(const std::string& path);
  // Loads every *.so in `dir` (sorted by name); a missing directory is not an error.
  void LoadDirectory(const std::string& dir);
  // Loads each location: a directory (LoadDirectory) or a file (LoadFile).
  void LoadLocations(const std::vector<std::string>& locations);

  // Records locations (as LoadLocations: a missing one is not an error) and
  // files (as LoadFile) to load on first use, in the order given.
  void AddLocations(const std::vector<std::string>& locations);
  void AddFiles(const std::vector<std::string>& files);
  // How many recorded locations and files are not loaded yet.
  std::size_t pending() const;

  const std::vector<PluginInfo>& plugins() const;
  const std::vector<PluginLoadError>& errors() const;
  const PluginInfo* Find(const std::string& plugin_name) const;

  // Engine services plugins may use. read_pathway answers through, in order:
  // the reader in scope on the calling thread (ReaderScope: an engine calling
  // a hook, so that each engine's hooks read its own store), else the reader
  // attached last and still attached, else the one set here; with none it
  // answers FAILED. An Engine attaches itself for its lifetime; attaching is
  // allowed on a const registry (it does not change which plugins are loaded).
  void SetPathwayReader(PathwayReader reader);
  // Keeps the reader attached while a copy lives.
  using ReaderHandle = std::shared_ptr<const PathwayReader>;
  [[nodiscard]] ReaderHandle AttachPathwayReader(PathwayReader reader) const;
  // While it lives, read_pathway on this thread answers through `reader`
  // (which must outlive it). Scopes nest.
  class ReaderScope {
   public:
    explicit ReaderScope(const ReaderHandle& reader);
    ~ReaderScope();
    ReaderScope(const ReaderScope&) = delete;
    ReaderScope& operator=(const ReaderScope&) = delete;

   private:
    const PathwayReader* previous_;
  };

  // ---- hooks, by qualified name ("plugin.hook"); each loads pending plugins first ----
  bool HasGuard(const std::string& name) const;
  bool HasBeforeCommit(const std::string& name) const;
  bool HasAfterCommit(const std::string& name) const;
  bool HasFieldType(const std::string& name) const;
  // What a valid value of a field type looks like ("a 14-digit SIRET number").
  std::string FieldTypeAllowed(const std::string& name) const;

  // OK when allowed; Refused with the plugin's reason; Refused naming plugin
  // and hook when the guard failed or threw.
  Status RunGuard(const std::string& name, const Json& context) const;
  // The fields to add to the event (a JSON object).
  Result<Json> RunBeforeCommit(const std::string& name, const Json& context) const;
  Status RunAfterCommit(const std::string& name, const Json& event) const;
  // The stored value of `raw`, or Refused saying why.
  Result<Json> ParseField(const std::string& type, const std::string& raw) const;
  // The plugin's self-checks, if it has any.
  Status SelfCheck(const std::string& plugin_name) const;

  // Workflow and report definitions provided by plugins, by qualified name.
  std::optional<std::string> WorkflowYaml(const std::string& name) const;
  std::optional<std::string> ReportYaml(const std::string& name) const;
  std::vector<std::string> ReportNames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parcours
