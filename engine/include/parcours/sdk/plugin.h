// The C++ plugin SDK: what a plugin author includes (and all they include).
//
//   #include <parcours/sdk/plugin.h>
//
//   static void Init(parcours::sdk::Plugin& plugin) {
//     plugin.AddGuard("adult", "Refuses enrolment under 18",
//                     [](const parcours::sdk::Json& ctx) {
//                       return ctx["person"]["age"].get<int>() >= 18
//                                  ? parcours::sdk::Verdict::Allow()
//                                  : parcours::sdk::Verdict::Refuse("the person is under 18");
//                     });
//   }
//   PARCOURS_PLUGIN("example", "1.0.0", "An example plugin", Init)
//
// Every hook is wrapped here, inside the plugin: a C++ exception becomes a
// PARCOURS_FAILED result with its message, and a thrown sdk::Refusal becomes
// PARCOURS_REFUSED, so nothing ever unwinds across the library boundary.
// Static initialisers stay trivial: Plugin objects are built by init(). The guide is docs/plugins.md.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/dll/alias.hpp>
#include <nlohmann/json.hpp>

#include "parcours/sdk/abi.h"

namespace parcours::sdk {

using Json = nlohmann::json;

enum class LogLevel { kDebug = PARCOURS_LOG_DEBUG, kInfo = PARCOURS_LOG_INFO, kWarn = PARCOURS_LOG_WARN, kError = PARCOURS_LOG_ERROR };

// Thrown by a hook to refuse the command with `reason`, shown to the counsellor.
class Refusal : public std::runtime_error {
 public:
  explicit Refusal(const std::string& reason) : std::runtime_error(reason) {}
};

// A guard's answer.
struct Verdict {
  bool allowed = true;
  std::string reason;  // when refused: why, and what would be allowed

  static Verdict Allow() { return {true, {}}; }
  static Verdict Refuse(std::string reason) { return {false, std::move(reason)}; }
};

// A field type's answer: the stored value, or why the raw text is refused.
struct FieldValue {
  std::optional<Json> value;
  std::string refusal;

  static FieldValue Accept(Json value) { return {std::move(value), {}}; }
  static FieldValue Refuse(std::string why) { return {std::nullopt, std::move(why)}; }
};

namespace detail {

inline void Write(ParcoursSink* sink, std::string_view text) {
  if (sink && sink->write) sink->write(sink->self, text.data(), text.size());
}

inline void AppendToString(void* self, const char* data, size_t size) {
  static_cast<std::string*>(self)->append(data, size);
}

// Runs `body`, mapping exceptions to codes; never throws.
template <typename Body>
int Guarded(ParcoursSink* out, Body&& body) noexcept {
  try {
    return body();
  } catch (const Refusal& r) {
    Write(out, r.what());
    return PARCOURS_REFUSED;
  } catch (const std::exception& e) {
    Write(out, e.what());
    return PARCOURS_FAILED;
  } catch (...) {
    Write(out, "unknown exception");
    return PARCOURS_FAILED;
  }
}

}  // namespace detail

// Services of the host: logging, today's date, read access to pathways.
class Host {
 public:
  Host(const ParcoursHost* host, std::string plugin) : host_(host), plugin_(std::move(plugin)) {}

  void Log(LogLevel level, const std::string& message) const {
    if (host_ && host_->log) host_->log(host_->self, plugin_.c_str(), static_cast<int>(level), message.c_str());
  }
  // Today as days since 1970-01-01.
  int32_t TodayDays() const { return host_ && host_->today ? host_->today(host_->self) : 0; }
  // Today as YYYY-MM-DD.
  std::string TodayIso() const { return DaysToIso(TodayDays()); }

  // {"state": {...}, "events": [...]} of a pathway; nullopt if there is none.
  // Throws std::runtime_error when the host cannot read it.
  std::optional<Json> ReadPathway(const std::string& id) const {
    std::string out;
    ParcoursSink sink{&out, &detail::AppendToString};
    const int code = host_->read_pathway(host_->self, id.c_str(), &sink);
    if (code == PARCOURS_REFUSED) return std::nullopt;
    if (code != PARCOURS_OK) throw std::runtime_error("cannot read pathway " + id + ": " + out);
    return Json::parse(out);
  }

  // Days since 1970-01-01 as YYYY-MM-DD (proleptic Gregorian).
  static std::string DaysToIso(int32_t z) {
    z += 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int32_t doe = z - era * 146097;
    const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int32_t mp = (5 * doy + 2) / 153;
    const int32_t d = doy - (153 * mp + 2) / 5 + 1;
    const int32_t m = mp < 10 ? mp + 3 : mp - 9;
    const int32_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
    return buf;
  }

 private:
  const ParcoursHost* host_;
  std::string plugin_;
};

// What a plugin provides, filled in by its init function.
class Plugin {
 public:
  using GuardFn = std::function<Verdict(const Json& context)>;
  using DeriveFn = std::function<Json(const Json& context)>;
  using NotifyFn = std::function<void(const Json& event)>;
  using FieldFn = std::function<FieldValue(std::string_view raw)>;
  using SelfCheckFn = std::function<std::vector<std::string>()>;

  explicit Plugin(Host host) : host_(std::move(host)) {}
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const Host& host() const { return host_; }

  // A guard named `name` (workflow files say "<plugin>.<name>").
  void AddGuard(std::string name, std::string description, GuardFn check) {
    guards_.push_back({std::move(name), std::move(description), std::move(check)});
  }
  // An action run before the event is committed; returns fields to add to it
  // (a JSON object), or throws Refusal to stop the command.
  void AddBeforeCommit(std::string name, std::string description, DeriveFn derive) {
    actions_.push_back({std::move(name), std::move(description), PARCOURS_BEFORE_COMMIT, std::move(derive), {}});
  }
  // An action run after the event is committed (notify, log). Its failures are
  // logged; the event stays committed.
  void AddAfterCommit(std::string name, std::string description, NotifyFn run) {
    actions_.push_back({std::move(name), std::move(description), PARCOURS_AFTER_COMMIT, {}, std::move(run)});
  }
  // A field type; workflow files use it as `type: <plugin>.<name>`.
  void AddFieldType(std::string name, std::string allowed, FieldFn parse) {
    field_types_.push_back({std::move(name), std::move(allowed), std::move(parse)});
  }
  // A workflow definition (the YAML text of a workflow file).
  void AddWorkflow(std::string name, std::string yaml) { workflows_.push_back({std::move(name), std::move(yaml)}); }
  // A report definition (YAML, see docs/plugins.md).
  void AddReport(std::string name, std::string yaml) { reports_.push_back({std::move(name), std::move(yaml)}); }
  // Checks run by `parcours plugins check`: returns the problems found.
  void SetSelfCheck(SelfCheckFn check) { self_check_ = std::move(check); }

  // Builds the ABI view of everything added. Called by PARCOURS_PLUGIN.
  const ParcoursPlugin* Finish() {
    if (finished_) return &abi_;
    finished_ = true;
    for (auto& g : guards_) c_guards_.push_back({g.name.c_str(), g.description.c_str(), &g, &GuardTrampoline});
    for (auto& a : actions_)
      c_actions_.push_back({a.name.c_str(), a.description.c_str(), a.phase, &a, &ActionTrampoline});
    for (auto& f : field_types_) c_fields_.push_back({f.name.c_str(), f.allowed.c_str(), &f, &FieldTrampoline});
    for (auto& w : workflows_) c_workflows_.push_back({w.name.c_str(), w.text.c_str()});
    for (auto& r : reports_) c_reports_.push_back({r.name.c_str(), r.text.c_str()});
    abi_ = ParcoursPlugin{c_guards_.size(),    c_guards_.data(),    c_actions_.size(), c_actions_.data(),
                          c_fields_.size(),    c_fields_.data(),    c_workflows_.size(), c_workflows_.data(),
                          c_reports_.size(),   c_reports_.data(),   this,
                          self_check_ ? &SelfCheckTrampoline : nullptr};
    return &abi_;
  }

 private:
  struct Guard {
    std::string name, description;
    GuardFn fn;
  };
  struct Action {
    std::string name, description;
    int phase;
    DeriveFn derive;
    NotifyFn notify;
  };
  struct Field {
    std::string name, allowed;
    FieldFn fn;
  };
  struct Text {
    std::string name, text;
  };

  static int GuardTrampoline(void* self, const char* input, ParcoursSink* out) noexcept {
    return detail::Guarded(out, [&] {
      const Verdict v = static_cast<Guard*>(self)->fn(Json::parse(input));
      if (v.allowed) return static_cast<int>(PARCOURS_OK);
      detail::Write(out, v.reason);
      return static_cast<int>(PARCOURS_REFUSED);
    });
  }
  static int ActionTrampoline(void* self, const char* input, ParcoursSink* out) noexcept {
    return detail::Guarded(out, [&] {
      auto* a = static_cast<Action*>(self);
      if (a->phase == PARCOURS_AFTER_COMMIT) {
        a->notify(Json::parse(input));
        return static_cast<int>(PARCOURS_OK);
      }
      const Json fields = a->derive(Json::parse(input));
      if (!fields.is_null() && !fields.is_object()) throw std::runtime_error("derived fields must be a JSON object");
      detail::Write(out, fields.is_null() ? "{}" : fields.dump());
      return static_cast<int>(PARCOURS_OK);
    });
  }
  static int FieldTrampoline(void* self, const char* raw, ParcoursSink* out) noexcept {
    return detail::Guarded(out, [&] {
      const FieldValue v = static_cast<Field*>(self)->fn(raw);
      if (!v.value) {
        detail::Write(out, v.refusal);
        return static_cast<int>(PARCOURS_REFUSED);
      }
      detail::Write(out, v.value->dump());
      return static_cast<int>(PARCOURS_OK);
    });
  }
  static int SelfCheckTrampoline(void* self, ParcoursSink* out) noexcept {
    return detail::Guarded(out, [&] {
      const auto problems = static_cast<Plugin*>(self)->self_check_();
      for (std::size_t i = 0; i < problems.size(); ++i) detail::Write(out, (i ? "\n" : "") + problems[i]);
      return static_cast<int>(problems.empty() ? PARCOURS_OK : PARCOURS_FAILED);
    });
  }

  Host host_;
  // Deques: elements never move, so the pointers handed to the host stay valid.
  std::deque<Guard> guards_;
  std::deque<Action> actions_;
  std::deque<Field> field_types_;
  std::deque<Text> workflows_;
  std::deque<Text> reports_;
  SelfCheckFn self_check_;
  std::vector<ParcoursGuard> c_guards_;
  std::vector<ParcoursAction> c_actions_;
  std::vector<ParcoursFieldType> c_fields_;
  std::vector<ParcoursWorkflow> c_workflows_;
  std::vector<ParcoursReport> c_reports_;
  ParcoursPlugin abi_{};
  bool finished_ = false;
};

namespace detail {

// The body of a plugin's init(): builds a new Plugin in `instances` via
// `init_fn`. Each host that loads the library (a process may hold several)
// gets its own instance, bound to its own services; instances live as long as
// the library, which is never unloaded. `instances` belongs to the plugin's
// own translation unit (see PARCOURS_PLUGIN), so no state is shared between
// plugin libraries.
template <typename InitFn>
int InitPlugin(const char* name, const ParcoursHost* host, const ParcoursPlugin** out, ParcoursSink* error,
               std::deque<Plugin>& instances, std::mutex& mu, InitFn init_fn) noexcept {
  return Guarded(error, [&] {
    std::lock_guard lock(mu);
    instances.emplace_back(Host(host, name));
    try {
      init_fn(instances.back());
    } catch (...) {
      instances.pop_back();
      throw;
    }
    *out = instances.back().Finish();
    return static_cast<int>(PARCOURS_OK);
  });
}

}  // namespace detail
}  // namespace parcours::sdk

// Declares the plugin: its name ([a-z][a-z0-9_]*), version, description and
// init function `void INIT(parcours::sdk::Plugin&)`. Use once per library.
// Its entry symbol is the Boost.DLL alias form; the host also accepts a plain
// extern "C" entry function (parcours/sdk/abi.h, PARCOURS_PLUGIN_ENTRY_NAME).
#define PARCOURS_PLUGIN(NAME, VERSION, DESCRIPTION, INIT)                                              \
  namespace {                                                                                          \
  int parcours_plugin_init_(const ParcoursHost* host, const ParcoursPlugin** out, ParcoursSink* error) { \
    static std::deque<::parcours::sdk::Plugin> instances;                                              \
    static std::mutex mu;                                                                              \
    return ::parcours::sdk::detail::InitPlugin(NAME, host, out, error, instances, mu, INIT);           \
  }                                                                                                    \
  const ParcoursPluginDescriptor* parcours_plugin_entry_impl_() {                                      \
    static const ParcoursPluginDescriptor descriptor = {PARCOURS_ABI_MAJOR, PARCOURS_ABI_MINOR, NAME,   \
                                                        VERSION, DESCRIPTION, &parcours_plugin_init_};  \
    return &descriptor;                                                                                \
  }                                                                                                    \
  }                                                                                                    \
  BOOST_DLL_ALIAS(parcours_plugin_entry_impl_, parcours_plugin_entry)
