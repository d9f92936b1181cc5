#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "parcours/plugins.h"
#include "parcours/sdk/abi.h"

namespace parcours {
namespace {

namespace fs = std::filesystem;

void AppendToString(void* self, const char* data, size_t size) {
  static_cast<std::string*>(self)->append(data, size);
}

// Libraries are never unloaded: objects and code they handed out stay valid
// for the life of the process. Deliberately never destroyed.
std::vector<boost::dll::shared_library>& LoadedLibraries() {
  static auto* libraries = new std::vector<boost::dll::shared_library>();
  return *libraries;
}
std::mutex& LoadedLibrariesMutex() {
  static auto* mu = new std::mutex();
  return *mu;
}

bool IsValidName(const char* name) {
  if (!name || !*name || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (const char* p = name; *p; ++p) {
    const char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

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
    const Hook* abi;
  };

  const Clock& clock;
  std::shared_ptr<spdlog::logger> log;
  PathwayReader reader;
  ParcoursHost host{};

  std::vector<PluginInfo> plugins;
  std::vector<PluginLoadError> errors;
  std::map<std::string, const ParcoursPlugin*> provided;  // plugin name -> what it provides
  std::map<std::string, Entry<ParcoursGuard>> guards;
  std::map<std::string, Entry<ParcoursAction>> actions;
  std::map<std::string, Entry<ParcoursFieldType>> field_types;
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
    auto write = [&](const std::string& s) { out->write(out->self, s.data(), s.size()); };
    if (!impl->reader) {
      write("the host gives no pathway access here");
      return PARCOURS_FAILED;
    }
    try {
      auto r = impl->reader(id ? id : "");
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

  // Checks and records what an initialised plugin provides; nothing is
  // recorded unless everything is valid.
  Status Register(const std::string& file, const ParcoursPluginDescriptor& d, const ParcoursPlugin& p) {
    PluginInfo info;
    info.name = d.name;
    info.version = d.version ? d.version : "";
    info.description = d.description ? d.description : "";
    info.file = file;
    info.abi_major = static_cast<int>(d.abi_major);
    info.abi_minor = static_cast<int>(d.abi_minor);

    std::vector<std::string> problems;
    std::set<std::string> seen;
    auto qualify = [&](const char* what, const char* name) -> std::string {
      if (!IsValidName(name)) {
        problems.push_back(std::string(what) + " name \"" + (name ? name : "") +
                           "\" is not valid (use lowercase letters, digits and _)");
        return {};
      }
      const std::string qualified = info.name + "." + name;
      if (!seen.insert(std::string(what) + " " + qualified).second) {
        problems.push_back(std::string(what) + " " + qualified + " is declared twice");
        return {};
      }
      return qualified;
    };
    std::map<std::string, Entry<ParcoursGuard>> new_guards;
    std::map<std::string, Entry<ParcoursAction>> new_actions;
    std::map<std::string, Entry<ParcoursFieldType>> new_fields;
    std::map<std::string, std::string> new_workflows, new_reports;
    for (size_t i = 0; i < p.guard_count; ++i) {
      const auto& g = p.guards[i];
      if (auto q = qualify("guard", g.name); !q.empty()) {
        if (!g.check) problems.push_back("guard " + q + " has no function");
        new_guards[q] = {info.name, g.name, &g};
        info.guards.push_back(q);
      }
    }
    for (size_t i = 0; i < p.action_count; ++i) {
      const auto& a = p.actions[i];
      if (auto q = qualify("action", a.name); !q.empty()) {
        if (!a.run) problems.push_back("action " + q + " has no function");
        if (a.phase != PARCOURS_BEFORE_COMMIT && a.phase != PARCOURS_AFTER_COMMIT)
          problems.push_back("action " + q + " has an unknown phase");
        new_actions[q] = {info.name, a.name, &a};
        (a.phase == PARCOURS_AFTER_COMMIT ? info.after_commit : info.before_commit).push_back(q);
      }
    }
    for (size_t i = 0; i < p.field_type_count; ++i) {
      const auto& f = p.field_types[i];
      if (auto q = qualify("field type", f.name); !q.empty()) {
        if (!f.parse) problems.push_back("field type " + q + " has no function");
        new_fields[q] = {info.name, f.name, &f};
        info.field_types.push_back(q);
      }
    }
    for (size_t i = 0; i < p.workflow_count; ++i) {
      const auto& w = p.workflows[i];
      if (auto q = qualify("workflow", w.name); !q.empty()) {
        new_workflows[q] = w.yaml ? w.yaml : "";
        info.workflows.push_back(q);
      }
    }
    for (size_t i = 0; i < p.report_count; ++i) {
      const auto& r = p.reports[i];
      if (auto q = qualify("report", r.name); !q.empty()) {
        new_reports[q] = r.yaml ? r.yaml : "";
        info.reports.push_back(q);
      }
    }
    if (!problems.empty()) {
      std::string all;
      for (const auto& pr : problems) all += (all.empty() ? "" : "; ") + pr;
      return Fail(file, "plugin " + info.name + " is invalid: " + all);
    }
    guards.merge(new_guards);
    actions.merge(new_actions);
    field_types.merge(new_fields);
    workflows.merge(new_workflows);
    reports.merge(new_reports);
    provided[info.name] = &p;
    if (log) log->debug("plugin {} {} loaded from {}", info.name, info.version, file);
    plugins.push_back(std::move(info));
    return Status::Ok();
  }

  Status HookFailure(const char* kind, const std::string& name, const CallOutcome& r) const {
    const std::string what = r.out.empty() ? "no details given" : r.out;
    return Status::Refused("plugin " + name.substr(0, name.find('.')) + ", " + kind + " " +
                               name.substr(name.find('.') + 1) + " failed: " + what,
                           "Nothing was written. Tell the programme's administrator; `parcours plugins "
                           "check` tests the plugin.");
  }
};

PluginRegistry::PluginRegistry(const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<Impl>(clock, std::move(log))) {}
PluginRegistry::~PluginRegistry() = default;

Status PluginRegistry::LoadFile(const std::string& path) {
  std::error_code fec;
  const std::string file = fs::weakly_canonical(fs::path(path), fec).string();
  if (!fs::is_regular_file(file, fec)) return impl_->Fail(path, "no such file");

  boost::dll::fs::error_code ec;
  boost::dll::shared_library lib(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec || !lib.is_loaded()) {
    return impl_->Fail(file, "not a loadable shared library (" + ec.message() + ")");
  }
  if (!lib.has(PARCOURS_PLUGIN_ENTRY_NAME)) {
    return impl_->Fail(file, std::string("not a Parcours plugin: it has no entry symbol \"") +
                                 PARCOURS_PLUGIN_ENTRY_NAME + "\" (declare one with PARCOURS_PLUGIN)");
  }
  // Keep the library before calling into it: it is never unloaded.
  ParcoursEntryFn entry = nullptr;
  {
    std::lock_guard lock(LoadedLibrariesMutex());
    LoadedLibraries().push_back(lib);
    entry = LoadedLibraries().back().get_alias<const ParcoursPluginDescriptor*()>(PARCOURS_PLUGIN_ENTRY_NAME);
  }
  const ParcoursPluginDescriptor* d = nullptr;
  try {
    d = entry();
  } catch (...) {
    return impl_->Fail(file, "its entry function threw an exception");
  }
  if (!d) return impl_->Fail(file, "its entry function returned no descriptor");

  // The ABI first, before reading or calling anything else.
  const std::string engine_abi = AbiText(PARCOURS_ABI_MAJOR, PARCOURS_ABI_MINOR);
  if (d->abi_major != PARCOURS_ABI_MAJOR) {
    return impl_->Fail(file, "built for plugin ABI " + AbiText(d->abi_major, d->abi_minor) +
                                 "; this engine provides ABI " + engine_abi +
                                 " (the major version must match: rebuild the plugin against this SDK)");
  }
  if (d->abi_minor > PARCOURS_ABI_MINOR) {
    return impl_->Fail(file, "built for plugin ABI " + AbiText(d->abi_major, d->abi_minor) +
                                 ", newer than the ABI " + engine_abi +
                                 " this engine provides (upgrade parcours, or rebuild the plugin "
                                 "against this SDK)");
  }
  if (!IsValidName(d->name)) {
    return impl_->Fail(file, std::string("its name \"") + (d->name ? d->name : "") +
                                 "\" is not valid (use lowercase letters, digits and _)");
  }
  if (const PluginInfo* existing = Find(d->name)) {
    return impl_->Fail(file, std::string("a plugin named \"") + d->name + "\" is already loaded from " +
                                 existing->file);
  }
  if (!d->init) return impl_->Fail(file, std::string("plugin ") + d->name + " has no init function");

  const ParcoursPlugin* provided = nullptr;
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return d->init(&impl_->host, &provided, sink); });
  if (r.code != PARCOURS_OK || !provided) {
    return impl_->Fail(file, std::string("plugin ") + d->name + " failed to initialise: " +
                                 (r.out.empty() ? "no details given" : r.out));
  }
  return impl_->Register(file, *d, *provided);
}

void PluginRegistry::LoadDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".so") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) static_cast<void>(LoadFile(f));
}

void PluginRegistry::LoadLocations(const std::vector<std::string>& locations) {
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

const std::vector<PluginInfo>& PluginRegistry::plugins() const { return impl_->plugins; }
const std::vector<PluginLoadError>& PluginRegistry::errors() const { return impl_->errors; }

const PluginInfo* PluginRegistry::Find(const std::string& plugin_name) const {
  for (const auto& p : impl_->plugins)
    if (p.name == plugin_name) return &p;
  return nullptr;
}

void PluginRegistry::SetPathwayReader(PathwayReader reader) { impl_->reader = std::move(reader); }

bool PluginRegistry::HasGuard(const std::string& name) const { return impl_->guards.count(name) > 0; }
bool PluginRegistry::HasBeforeCommit(const std::string& name) const {
  auto it = impl_->actions.find(name);
  return it != impl_->actions.end() && it->second.abi->phase == PARCOURS_BEFORE_COMMIT;
}
bool PluginRegistry::HasAfterCommit(const std::string& name) const {
  auto it = impl_->actions.find(name);
  return it != impl_->actions.end() && it->second.abi->phase == PARCOURS_AFTER_COMMIT;
}
bool PluginRegistry::HasFieldType(const std::string& name) const { return impl_->field_types.count(name) > 0; }

std::string PluginRegistry::FieldTypeAllowed(const std::string& name) const {
  auto it = impl_->field_types.find(name);
  if (it == impl_->field_types.end() || !it->second.abi->allowed) return "a valid " + name;
  return it->second.abi->allowed;
}

Status PluginRegistry::RunGuard(const std::string& name, const Json& context) const {
  auto it = impl_->guards.find(name);
  if (it == impl_->guards.end()) {
    return Status::Refused("guard " + name + " is not available: plugin " + name.substr(0, name.find('.')) +
                               " is not loaded",
                           "Nothing was written. See `parcours plugins list`.");
  }
  const auto* g = it->second.abi;
  const std::string input = context.dump();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return g->check(g->self, input.c_str(), sink); });
  if (r.code == PARCOURS_OK) return Status::Ok();
  if (r.code == PARCOURS_REFUSED) {
    return Status::Refused(r.out.empty() ? "refused by " + name : r.out, "(rule " + name + ")");
  }
  return impl_->HookFailure("guard", name, r);
}

Result<Json> PluginRegistry::RunBeforeCommit(const std::string& name, const Json& context) const {
  auto it = impl_->actions.find(name);
  if (it == impl_->actions.end() || it->second.abi->phase != PARCOURS_BEFORE_COMMIT) {
    return Status::Refused("action " + name + " is not available: plugin " + name.substr(0, name.find('.')) +
                               " is not loaded",
                           "Nothing was written. See `parcours plugins list`.");
  }
  const auto* a = it->second.abi;
  const std::string input = context.dump();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return a->run(a->self, input.c_str(), sink); });
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
  auto it = impl_->actions.find(name);
  if (it == impl_->actions.end() || it->second.abi->phase != PARCOURS_AFTER_COMMIT) {
    return Status::Refused("action " + name + " is not available");
  }
  const auto* a = it->second.abi;
  const std::string input = event.dump();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return a->run(a->self, input.c_str(), sink); });
  if (r.code == PARCOURS_OK) return Status::Ok();
  return impl_->HookFailure("action", name, r);
}

Result<Json> PluginRegistry::ParseField(const std::string& type, const std::string& raw) const {
  auto it = impl_->field_types.find(type);
  if (it == impl_->field_types.end()) {
    return Status::Refused("field type " + type + " is not available: plugin " + type.substr(0, type.find('.')) +
                               " is not loaded",
                           "Nothing was written. See `parcours plugins list`.");
  }
  const auto* f = it->second.abi;
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return f->parse(f->self, raw.c_str(), sink); });
  if (r.code == PARCOURS_REFUSED) return Status::Refused(r.out, FieldTypeAllowed(type));
  if (r.code != PARCOURS_OK) return impl_->HookFailure("field type", type, r);
  try {
    return Json::parse(r.out);
  } catch (const Json::exception&) {
    return impl_->HookFailure("field type", type, {PARCOURS_FAILED, "returned text that is not JSON: " + r.out});
  }
}

Status PluginRegistry::SelfCheck(const std::string& plugin_name) const {
  auto it = impl_->provided.find(plugin_name);
  if (it == impl_->provided.end()) return Status::NotFound("no plugin " + plugin_name + " is loaded");
  const ParcoursPlugin* p = it->second;
  if (!p->self_check) return Status::Ok();
  CallOutcome r = CallPlugin([&](ParcoursSink* sink) { return p->self_check(p->self_check_self, sink); });
  if (r.code == PARCOURS_OK) return Status::Ok();
  return Status::Refused("plugin " + plugin_name + " failed its self-checks:\n" + r.out);
}

std::optional<std::string> PluginRegistry::WorkflowYaml(const std::string& name) const {
  auto it = impl_->workflows.find(name);
  if (it == impl_->workflows.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> PluginRegistry::ReportYaml(const std::string& name) const {
  auto it = impl_->reports.find(name);
  if (it == impl_->reports.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> PluginRegistry::ReportNames() const {
  std::vector<std::string> out;
  for (const auto& [name, yaml] : impl_->reports) out.push_back(name);
  return out;
}

}  // namespace parcours
