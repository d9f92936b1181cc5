#include "plugins/provided.h"

#include <cstring>
#include <set>

#include "plugins/elf_check.h"
#include "plugins/library.h"

namespace parcours::plugins {
namespace {

constexpr const char* kNameRule = "use lowercase letters, digits and _";

// Copies `count` entries of `array`, declared as `kind`s, or says why not.
template <typename T>
bool CopyArray(const T* array, size_t count, const char* kind, std::vector<T>& out,
               std::vector<std::string>& problems) {
  const std::string what = std::string(kind) + (count == 1 ? "" : "s");
  if (count > PARCOURS_MAX_ENTRIES) {
    problems.push_back("it declares " + GroupedNumber(count) + " " + what + "; at most " +
                       GroupedNumber(PARCOURS_MAX_ENTRIES) + " are allowed (is the count the length of its array?)");
    return false;
  }
  if (count == 0) return true;
  if (array == nullptr) {
    problems.push_back("it declares " + std::to_string(count) + " " + what + " but gives no array of them");
    return false;
  }
  out.resize(count);
  if (!CopyFrom(static_cast<const void*>(array), out.data(), count * sizeof(T))) {
    problems.push_back("its array of " + std::to_string(count) + " " + what +
                       " cannot be read (is the count the length of its array?)");
    out.clear();
    return false;
  }
  return true;
}

class Checker {
 public:
  explicit Checker(std::string plugin) : plugin_(std::move(plugin)) {}

  // The qualified name of entry `index` of kind `kind`, or "" after recording why it is not valid.
  std::string Qualify(const char* kind, size_t index, const char* raw, std::string* local) {
    auto name = ReadText(raw, PARCOURS_MAX_NAME_BYTES, std::string(kind) + " #" + std::to_string(index + 1) + "'s name");
    if (!name.ok()) {
      problems.push_back(name.status().message());
      return {};
    }
    if (!IsValidName(*name)) {
      problems.push_back(std::string(kind) + " name \"" + *name + "\" is not valid (" + kNameRule + ")");
      return {};
    }
    const std::string qualified = plugin_ + "." + *name;
    if (!seen_.insert(std::string(kind) + " " + qualified).second) {
      problems.push_back(std::string(kind) + " " + qualified + " is declared twice");
      return {};
    }
    *local = *name;
    return qualified;
  }

  void Function(const std::string& what, const void* fn) {
    if (fn == nullptr) problems.push_back(what + " has no function");
    else if (!IsLoadedCode(fn)) problems.push_back(what + "'s function does not point to loaded code");
  }

  std::string Text(const char* raw, size_t max, const std::string& what) {
    auto text = ReadText(raw, max, what, /*optional=*/true);
    if (text.ok()) return *text;
    problems.push_back(text.status().message());
    return {};
  }

  std::vector<std::string> problems;

 private:
  std::string plugin_;
  std::set<std::string> seen_;
};

template <typename Fn>
const void* Code(Fn fn) {
  const void* p = nullptr;
  static_assert(sizeof(fn) == sizeof(p));
  std::memcpy(&p, &fn, sizeof p);
  return p;
}

}  // namespace

bool IsValidName(const std::string& name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Result<Descriptor> ReadDescriptorAbi(const ParcoursPluginDescriptor* d) {
  if (d == nullptr) return Status::Refused("its entry function returned no descriptor");
  uint32_t abi[2] = {};
  if (!CopyFrom(static_cast<const void*>(d), abi, sizeof abi)) {
    return Status::Refused("its entry function returned a descriptor that cannot be read");
  }
  Descriptor out;
  out.abi_major = abi[0];
  out.abi_minor = abi[1];
  return out;
}

Status ReadDescriptor(const ParcoursPluginDescriptor* d, Descriptor& out) {
  ParcoursPluginDescriptor copy{};
  if (!CopyFrom(d, copy)) return Status::Refused("its entry function returned a descriptor that cannot be read");
  auto name = ReadText(copy.name, PARCOURS_MAX_NAME_BYTES, "its name");
  if (!name.ok()) return name.status();
  if (!IsValidName(*name)) {
    return Status::Refused("its name \"" + *name + "\" is not valid (" + kNameRule + ")");
  }
  out.name = *name;
  auto version = ReadText(copy.version, PARCOURS_MAX_TEXT_BYTES, "plugin " + out.name + "'s version", true);
  if (!version.ok()) return version.status();
  auto description = ReadText(copy.description, PARCOURS_MAX_TEXT_BYTES, "plugin " + out.name + "'s description", true);
  if (!description.ok()) return description.status();
  out.version = *version;
  out.description = *description;
  if (copy.init == nullptr) return Status::Refused("plugin " + out.name + " has no init function");
  if (!IsLoadedCode(Code(copy.init))) {
    return Status::Refused("plugin " + out.name + "'s init does not point to loaded code");
  }
  out.init = copy.init;
  return Status::Ok();
}

Result<Provided> CopyProvided(const ParcoursPlugin* p, const std::string& plugin) {
  ParcoursPlugin copy{};
  if (!CopyFrom(p, copy)) {
    return Status::Refused("plugin " + plugin + " is invalid: what its init returned cannot be read");
  }
  Provided out;
  Checker check(plugin);
  std::string local;

  std::vector<ParcoursGuard> guards;
  if (CopyArray(copy.guards, copy.guard_count, "guard", guards, check.problems)) {
    for (size_t i = 0; i < guards.size(); ++i) {
      const auto q = check.Qualify("guard", i, guards[i].name, &local);
      if (q.empty()) continue;
      check.Function("guard " + q, Code(guards[i].check));
      out.guards.push_back({q, local, guards[i]});
    }
  }
  std::vector<ParcoursAction> actions;
  if (CopyArray(copy.actions, copy.action_count, "action", actions, check.problems)) {
    for (size_t i = 0; i < actions.size(); ++i) {
      const auto q = check.Qualify("action", i, actions[i].name, &local);
      if (q.empty()) continue;
      check.Function("action " + q, Code(actions[i].run));
      if (actions[i].phase != PARCOURS_BEFORE_COMMIT && actions[i].phase != PARCOURS_AFTER_COMMIT)
        check.problems.push_back("action " + q + " has an unknown phase");
      out.actions.push_back({q, local, actions[i]});
    }
  }
  std::vector<ParcoursFieldType> fields;
  if (CopyArray(copy.field_types, copy.field_type_count, "field type", fields, check.problems)) {
    for (size_t i = 0; i < fields.size(); ++i) {
      const auto q = check.Qualify("field type", i, fields[i].name, &local);
      if (q.empty()) continue;
      check.Function("field type " + q, Code(fields[i].parse));
      out.field_allowed.push_back(check.Text(fields[i].allowed, PARCOURS_MAX_TEXT_BYTES, "field type " + q + "'s allowed text"));
      out.field_types.push_back({q, local, fields[i]});
    }
  }
  std::vector<ParcoursWorkflow> workflows;
  if (CopyArray(copy.workflows, copy.workflow_count, "workflow", workflows, check.problems)) {
    for (size_t i = 0; i < workflows.size(); ++i) {
      const auto q = check.Qualify("workflow", i, workflows[i].name, &local);
      if (!q.empty()) out.workflows.push_back({q, check.Text(workflows[i].yaml, PARCOURS_MAX_DEFINITION_BYTES, "workflow " + q + "'s text")});
    }
  }
  std::vector<ParcoursReport> reports;
  if (CopyArray(copy.reports, copy.report_count, "report", reports, check.problems)) {
    for (size_t i = 0; i < reports.size(); ++i) {
      const auto q = check.Qualify("report", i, reports[i].name, &local);
      if (!q.empty()) out.reports.push_back({q, check.Text(reports[i].yaml, PARCOURS_MAX_DEFINITION_BYTES, "report " + q + "'s text")});
    }
  }
  if (copy.self_check != nullptr && !IsLoadedCode(Code(copy.self_check))) {
    check.problems.push_back("its self-check function does not point to loaded code");
  }
  out.self_check = copy.self_check;
  out.self_check_self = copy.self_check_self;

  if (!check.problems.empty()) {
    std::string all;
    for (const auto& pr : check.problems) all += (all.empty() ? "" : "; ") + pr;
    return Status::Refused("plugin " + plugin + " is invalid: " + all);
  }
  return out;
}

}  // namespace parcours::plugins
