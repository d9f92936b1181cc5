#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>

#include <boost/dll/runtime_symbol_info.hpp>

#include "parcours/plugins.h"
#include "parcours/sdk/abi.h"
#include "plugins/library.h"
#include "plugins/provided.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;

void AppendToString(void* self, const char* data, size_t size) {
  static_cast<std::string*>(self)->append(data, size);
}

// Set while this thread runs a plugin's init: pathways cannot be read then.
thread_local int loading_depth = 0;
// The reader of the engine calling a hook on this thread (ReaderScope), if any.
thread_local const PluginRegistry::PathwayReader* scoped_reader = nullptr;

std::string AbiText(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// What a hook call returned.
struct CallOutcome {
  int code = PARCOURS_FAILED;
  std::string out;
};

// Calls a plugin function with a sink; exceptions become PARCOURS_FAILED.
template <typename Fn>
CallOutcome CallPlugin(Fn&& fn) {
  CallOutcome r;
  ParcoursSink sink{&r.out, &AppendToString};
  try {
    r.code = fn(&sink);
  } catch (const std::exception& e) {
    r.code = PARCOURS_FAILED;
    r.out = std::string("threw an exception: ") + e.what();
  } catch (...) {
    r.code = PARCOURS_FAILED;
    r.out = "threw an exception";
  }
  return r;
}

}  // namespace

int EngineAbiMajor() { return PARCOURS_ABI_MAJOR; }
int EngineAbiMinor() { return PARCOURS_ABI_MINOR; }

Json PluginInfo::ToJson() const {
  return Json{{"name", name},
              {"version", version},
              {"description", description},
              {"file", file},
              {"abi", AbiText(abi_major, abi_minor)},
              {"provides",
               {{"guards", guards},
                {"before_commit", before_commit},
                {"after_commit", after_commit},
                {"field_types", field_types},
                {"workflows", workflows},
                {"reports", reports}}}};
}

std::vector<std::string> DefaultPluginLocations() {
  std::vector<std::string> out;
  boost::dll::fs::error_code ec;
  const auto exe = boost::dll::program_location(ec);
  if (!ec) {
    const auto bin = exe.parent_path();
    out.push_back((bin.parent_path() / "plugins").string());
    out.push_back((bin.parent_path() / "lib" / "parcours" / "plugins").string());
  }
  if (const char* path = std::getenv("PARCOURS_PLUGIN_PATH"); path && *path) {
    std::string all(path);
    std::size_t start = 0;
    while (start <= all.size()) {
      std::size_t end = all.find(':', start);
      if (end == std::string::npos) end = all.size();
      if (end > start) out.push_back(all.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

// ---- Impl --------------------------------------------------------------------

struct PluginRegistry::Impl {
  template <typename Hook>
  struct Entry {
    std::string plugin;
    std::string hook;
    Hook abi;  // the host's validated copy
  };
  struct FieldEntry : Entry<ParcoursFieldType> {
    std::string allowed;
  };
  struct SelfCheckEntry {
    void* self = nullptr;
    ParcoursSelfCheckFn fn = nullptr;
  };
  struct Pending {
    std::string location;
    bool file = false;  // true: LoadFile (missing is an error); false: a location
  };

  const Clock& clock;
  std::shared_ptr<spdlog::logger> log;
  ParcoursHost host{};

  // Pathway readers: the default (SetPathwayReader), and attached ones, latest last.
  std::mutex readers_mu;
  PathwayReader default_reader;
  std::vector<const PathwayReader*> attached;

  // Lazy loading: what is recorded and not loaded yet.
  std::recursive_mutex load_mu;
  std::atomic<bool> has_pending{false};
  std::vector<Pending> pending;

  std::vector<PluginInfo> plugins;
  std::vector<PluginLoadError> errors;
  std::map<std::string, SelfCheckEntry> self_checks;  // plugin name -> its self-check
  std::map<std::string, Entry<ParcoursGuard>> guards;
  std::map<std::string, Entry<ParcoursAction>> actions;
  std::map<std::string, FieldEntry> field_types;
  std::map<std::string, std::string> workflows;
  std::map<std::string, std::string> reports;

  Impl(const Clock& c, std::shared_ptr<spdlog::logger> l) : clock(c), log(std::move(l)) {
    host.abi_major = PARCOURS_ABI_MAJOR;
    host.abi_minor = PARCOURS_ABI_MINOR;
    host.self = this;
    host.log = &HostLog;
    host.today = &HostToday;
    host.read_pathway = &HostReadPathway;
  }

  static void HostLog(void* self, const char* plugin, int level, const char* message) {
    auto* impl = static_cast<Impl*>(self);
    if (!impl->log) return;
    const auto lvl = level >= PARCOURS_LOG_ERROR  ? spdlog::level::err
                     : level == PARCOURS_LOG_WARN ? spdlog::level::warn
                     : level == PARCOURS_LOG_INFO ? spdlog::level::info
                                                  : spdlog::level::debug;
    impl->log->log(lvl, "plugin {}: {}", plugin ? plugin : "?", message ? message : "");
  }
  static int32_t HostToday(void* self) { return static_cast<Impl*>(self)->clock.today().days(); }
  static int HostReadPathway(void* self, const char* id, ParcoursSink* out) {
    auto* impl = static_cast<Impl*>(self);
    auto write = [&](const std::string& s) {
      if (out && out->write) out->write(out->self, s.data(), s.size());
    };
    if (loading_depth > 0) {
      write("pathways cannot be read while plugins load (read them in a hook, not in init)");
      return PARCOURS_FAILED;
    }
    PathwayReader reader;
    if (scoped_reader != nullptr) {
      reader = *scoped_reader;
    } else {
      // A copy, called without the lock: the reader may call back into the registry.
      std::lock_guard lock(impl->readers_mu);
      reader = impl->attached.empty() ? impl->default_reader : *impl->attached.back();
    }
    if (!reader) {
      write("the host gives no pathway access here");
      return PARCOURS_FAILED;
    }
    try {
      auto r = reader(id ? id : "");
      if (r.ok()) {
        write(r->dump());
        return PARCOURS_OK;
      }
      write(r.status().message());
      return r.status().IsNotFound() ? PARCOURS_REFUSED : PARCOURS_FAILED;
    } catch (const std::exception& e) {
      write(e.what());
      return PARCOURS_FAILED;
    }
  }

  Status Fail(const std::string& file, const std::string& message) {
    errors.push_back({file, message});
    if (log) log->warn("plugin {} skipped: {}", file, message);
    return Status::Refused(file + ": " + message);
  }

  const PluginInfo* FindLoaded(const std::string& name) const {
    for (const auto& p : plugins)
      if (p.name == name) return &p;
    return nullptr;
  }

  Status LoadFile(const std::string& path) {
    std::error_code fec;
    const std::string file = fs::weakly_canonical(fs::path(path), fec).string();
    if (!fs::exists(file, fec)) return Fail(path, "no such file");
    if (!fs::is_regular_file(file, fec)) return Fail(file, "not a regular file");

    auto lib = plugins::OpenPluginLibrary(file);
    if (!lib.ok()) return Fail(file, lib.status().message());
    const ParcoursPluginDescriptor* d = nullptr;
    ++loading_depth;
    try {
      d = lib->entry();
    } catch (...) {
      --loading_depth;
      return Fail(file, "its entry function threw an exception");
    }
    --loading_depth;
    auto desc = plugins::ReadDescriptorAbi(d);
    if (!desc.ok()) return Fail(file, desc.status().message());

    // The ABI first, before reading or calling anything else.
    const std::string engine_abi = AbiText(PARCOURS_ABI_MAJOR, PARCOURS_ABI_MINOR);
    if (desc->abi_major != PARCOURS_ABI_MAJOR) {
      return Fail(file, "built for plugin ABI " + AbiText(desc->abi_major, desc->abi_minor) +
                            "; this engine provides ABI " + engine_abi +
                            " (the major version must match: rebuild the plugin against this SDK)");
    }
    if (desc->abi_minor > PARCOURS_ABI_MINOR) {
      return Fail(file, "built for plugin ABI " + AbiText(desc->abi_major, desc->abi_minor) +
                            ", newer than the ABI " + engine_abi +
                            " this engine provides (upgrade parcours, or rebuild the plugin against this SDK)");
    }
    if (Status s = plugins::ReadDescriptor(d, *desc); !s.ok()) return Fail(file, s.message());
    if (const PluginInfo* existing = FindLoaded(desc->name)) {
      return Fail(file, "a plugin named \"" + desc->name + "\" is already loaded from " + existing->file);
    }

    const ParcoursPlugin* provided = nullptr;
    ++loading_depth;
    CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return desc->init(&host, &provided, sink); });
    --loading_depth;
    if (r.code != PARCOURS_OK || !provided) {
      return Fail(file, "plugin " + desc->name + " failed to initialise: " +
                            (r.out.empty() ? "no details given" : r.out));
    }
    auto copy = plugins::CopyProvided(provided, desc->name);
    if (!copy.ok()) return Fail(file, copy.status().message());
    Register(file, *desc, *copy);
    return Status::Ok();
  }

  // Records what a validated plugin provides.
  void Register(const std::string& file, const plugins::Descriptor& d, const plugins::Provided& p) {
    PluginInfo info;
    info.name = d.name;
    info.version = d.version;
    info.description = d.description;
    info.file = file;
    info.abi_major = static_cast<int>(d.abi_major);
    info.abi_minor = static_cast<int>(d.abi_minor);
    for (const auto& g : p.guards) {
      guards[g.qualified] = {info.name, g.local, g.abi};
      info.guards.push_back(g.qualified);
    }
    for (const auto& a : p.actions) {
      actions[a.qualified] = {info.name, a.local, a.abi};
      (a.abi.phase == PARCOURS_AFTER_COMMIT ? info.after_commit : info.before_commit).push_back(a.qualified);
    }
    for (size_t i = 0; i < p.field_types.size(); ++i) {
      const auto& f = p.field_types[i];
      FieldEntry entry;
      entry.plugin = info.name;
      entry.hook = f.local;
      entry.abi = f.abi;
      entry.allowed = p.field_allowed[i];
      field_types[f.qualified] = std::move(entry);
      info.field_types.push_back(f.qualified);
    }
    for (const auto& [name, yaml] : p.workflows) {
      workflows[name] = yaml;
      info.workflows.push_back(name);
    }
    for (const auto& [name, yaml] : p.reports) {
      reports[name] = yaml;
      info.reports.push_back(name);
    }
    self_checks[info.name] = {p.self_check_self, p.self_check};
    if (log) log->debug("plugin {} {} loaded from {}", info.name, info.version, file);
    plugins.push_back(std::move(info));
  }

  void LoadDirectory(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file(ec) && entry.path().extension() == ".so") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) static_cast<void>(LoadFile(f));
  }

  void LoadLocations(const std::vector<std::string>& locations) {
    std::vector<std::string> seen;
    for (const auto& location : locations) {
      std::error_code ec;
      const std::string canonical = fs::weakly_canonical(location, ec).string();
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
      seen.push_back(canonical);
      if (fs::is_directory(location, ec)) LoadDirectory(location);
      else if (fs::exists(location, ec)) static_cast<void>(LoadFile(location));
    }
  }

  // Loads what was recorded and is not loaded yet, once, in order.
  void LoadPending() {
    if (!has_pending.load(std::memory_order_acquire)) return;
    std::lock_guard lock(load_mu);
    Impl* self = this;
    while (!pending.empty()) {
      std::vector<Pending> batch;
      batch.swap(pending);
      std::vector<std::string> locations;
      for (const auto& p : batch) {
        if (!p.file) {
          locations.push_back(p.location);
          continue;
        }
        self->LoadLocations(locations);
        locations.clear();
        static_cast<void>(self->LoadFile(p.location));
      }
      self->LoadLocations(locations);
    }
    has_pending.store(false, std::memory_order_release);
  }

  Status HookFailure(const char* kind, const std::string& name, const CallOutcome& r) const {
    const std::string what = r.out.empty() ? "no details given" : r.out;
    return Status::Refused(
        "plugin " + name.substr(0, name.find('.')) + ", " + kind + " " + name.substr(name.find('.') + 1) +
            " failed: " + what,
        "Nothing was written. Tell the programme's administrator; {cmd:plugins.check} tests the plugin.");
  }
};

PluginRegistry::PluginRegistry(const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<Impl>(clock, std::move(log))) {}
PluginRegistry::~PluginRegistry() = default;

Status PluginRegistry::LoadFile(const std::string& path) {
  std::lock_guard lock(impl_->load_mu);
  return impl_->LoadFile(path);
}

void PluginRegistry::LoadDirectory(const std::string& dir) {
  std::lock_guard lock(impl_->load_mu);
  impl_->LoadDirectory(dir);
}

void PluginRegistry::LoadLocations(const std::vector<std::string>& locations) {
  std::lock_guard lock(impl_->load_mu);
  impl_->LoadLocations(locations);
}

void PluginRegistry::AddLocations(const std::vector<std::string>& locations) {
  std::lock_guard lock(impl_->load_mu);
  for (const auto& l : locations) impl_->pending.push_back({l, false});
  if (!impl_->pending.empty()) impl_->has_pending.store(true, std::memory_order_release);
}

void PluginRegistry::AddFiles(const std::vector<std::string>& files) {
  std::lock_guard lock(impl_->load_mu);
  for (const auto& f : files) impl_->pending.push_back({f, true});
  if (!impl_->pending.empty()) impl_->has_pending.store(true, std::memory_order_release);
}

std::size_t PluginRegistry::pending() const {
  std::lock_guard lock(impl_->load_mu);
  return impl_->pending.size();
}

const std::vector<PluginInfo>& PluginRegistry::plugins() const {
  impl_->LoadPending();
  return impl_->plugins;
}
const std::vector<PluginLoadError>& PluginRegistry::errors() const {
  impl_->LoadPending();
  return impl_->errors;
}

const PluginInfo* PluginRegistry::Find(const std::string& plugin_name) const {
  impl_->LoadPending();
  return impl_->FindLoaded(plugin_name);
}

void PluginRegistry::SetPathwayReader(PathwayReader reader) {
  std::lock_guard lock(impl_->readers_mu);
  impl_->default_reader = std::move(reader);
}

PluginRegistry::ReaderHandle PluginRegistry::AttachPathwayReader(PathwayReader reader) const {
  Impl* impl = impl_.get();
  auto* attached = new PathwayReader(std::move(reader));
  {
    std::lock_guard lock(impl->readers_mu);
    impl->attached.push_back(attached);
  }
  return ReaderHandle(attached, [impl](const PathwayReader* r) {
    {
      std::lock_guard lock(impl->readers_mu);
      auto& a = impl->attached;
      a.erase(std::remove(a.begin(), a.end(), r), a.end());
    }
    delete r;
  });
}

PluginRegistry::ReaderScope::ReaderScope(const ReaderHandle& reader) : previous_(scoped_reader) {
  if (reader) scoped_reader = reader.get();
}
PluginRegistry::ReaderScope::~ReaderScope() { scoped_reader = previous_; }

bool PluginRegistry::HasGuard(const std::string& name) const {
  impl_->LoadPending();
  return impl_->guards.count(name) > 0;
}
bool PluginRegistry::HasBeforeCommit(const std::string& name) const {
  impl_->LoadPending();
  auto it = impl_->actions.find(name);
  return it != impl_->actions.end() && it->second.abi.phase == PARCOURS_BEFORE_COMMIT;
}
bool PluginRegistry::HasAfterCommit(const std::string& name) const {
  impl_->LoadPending();
  auto it = impl_->actions.find(name);
  return it != impl_->actions.end() && it->second.abi.phase == PARCOURS_AFTER_COMMIT;
}
bool PluginRegistry::HasFieldType(const std::string& name) const {
  impl_->LoadPending();
  return impl_->field_types.count(name) > 0;
}

std::string PluginRegistry::FieldTypeAllowed(const std::string& name) const {
  impl_->LoadPending();
  auto it = impl_->field_types.find(name);
  if (it == impl_->field_types.end() || it->second.allowed.empty()) return "a valid " + name;
  return it->second.allowed;
}

Status PluginRegistry::RunGuard(const std::string& name, const Json& context) const {
  impl_->LoadPending();
  auto it = impl_->guards.find(name);
  if (it == impl_->guards.end()) {
    return Status::Refused(
        "guard " + name + " is not available: plugin " + name.substr(0, name.find('.')) + " is not loaded",
        "Nothing was written. See {cmd:plugins.list}.");
  }
  const auto& g = it->second.abi;
  const std::string input = context.dump();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return g.check(g.self, input.c_str(), sink); });
  if (r.code == PARCOURS_OK) return Status::Ok();
  if (r.code == PARCOURS_REFUSED) {
    return Status::Refused(r.out.empty() ? "refused by " + name : r.out, "(rule " + name + ")");
  }
  return impl_->HookFailure("guard", name, r);
}

Result<Json> PluginRegistry::RunBeforeCommit(const std::string& name, const Json& context) const {
  impl_->LoadPending();
  auto it = impl_->actions.find(name);
  if (it == impl_->actions.end() || it->second.abi.phase != PARCOURS_BEFORE_COMMIT) {
    return Status::Refused(
        "action " + name + " is not available: plugin " + name.substr(0, name.find('.')) + " is not loaded",
        "Nothing was written. See {cmd:plugins.list}.");
  }
  const auto& a = it->second.abi;
  const std::string input = context.dump();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return a.run(a.self, input.c_str(), sink); });
  if (r.code == PARCOURS_REFUSED) return Status::Refused(r.out, "(rule " + name + ")");
  if (r.code != PARCOURS_OK) return impl_->HookFailure("action", name, r);
  try {
    Json fields = r.out.empty() ? Json::object() : Json::parse(r.out);
    if (!fields.is_object()) return impl_->HookFailure("action", name, {PARCOURS_FAILED, "returned " + r.out + ", not a JSON object"});
    return fields;
  } catch (const Json::exception&) {
    return impl_->HookFailure("action", name, {PARCOURS_FAILED, "returned text that is not JSON: " + r.out});
  }
}

Status PluginRegistry::RunAfterCommit(const std::string& name, const Json& event) const {
  impl_->LoadPending();
  auto it = impl_->actions.find(name);
  if (it == impl_->actions.end() || it->second.abi.phase != PARCOURS_AFTER_COMMIT) {
    return Status::Refused("action " + name + " is not available");
  }
  const auto& a = it->second.abi;
  const std::string input = event.dump();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return a.run(a.self, input.c_str(), sink); });
  if (r.code == PARCOURS_OK) return Status::Ok();
  return impl_->HookFailure("action", name, r);
}

Result<Json> PluginRegistry::ParseField(const std::string& type, const std::string& raw) const {
  impl_->LoadPending();
  auto it = impl_->field_types.find(type);
  if (it == impl_->field_types.end()) {
    return Status::Refused("field type " + type + " is not available: plugin " +
                               type.substr(0, type.find('.')) + " is not loaded",
                           "Nothing was written. See {cmd:plugins.list}.");
  }
  const auto& f = it->second.abi;
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return f.parse(f.self, raw.c_str(), sink); });
  if (r.code == PARCOURS_REFUSED) return Status::Refused(r.out, FieldTypeAllowed(type));
  if (r.code != PARCOURS_OK) return impl_->HookFailure("field type", type, r);
  try {
    return Json::parse(r.out);
  } catch (const Json::exception&) {
    return impl_->HookFailure("field type", type, {PARCOURS_FAILED, "returned text that is not JSON: " + r.out});
  }
}

Status PluginRegistry::SelfCheck(const std::string& plugin_name) const {
  impl_->LoadPending();
  auto it = impl_->self_checks.find(plugin_name);
  if (it == impl_->self_checks.end()) return Status::NotFound("no plugin " + plugin_name + " is loaded");
  const auto check = it->second;
  if (!check.fn) return Status::Ok();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return check.fn(check.self, sink); });
  if (r.code == PARCOURS_OK) return Status::Ok();
  return Status::Refused("plugin " + plugin_name + " failed its self-checks:\n" + r.out);
}

std::optional<std::string> PluginRegistry::WorkflowYaml(const std::string& name) const {
  impl_->LoadPending();
  auto it = impl_->workflows.find(name);
  if (it == impl_->workflows.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> PluginRegistry::ReportYaml(const std::string& name) const {
  impl_->LoadPending();
  auto it = impl_->reports.find(name);
  if (it == impl_->reports.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> PluginRegistry::ReportNames() const {
  impl_->LoadPending();
  std::vector<std::string> out;
  for (const auto& [name, yaml] : impl_->reports) out.push_back(name);
  return out;
}

}  // namespace parcours
