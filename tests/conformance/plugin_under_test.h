// The plugin the conformance suite checks, loaded once by main() exactly as
// the engine loads plugins (PluginRegistry), and its hooks' answers in the
// terms of the ABI: OK, REFUSED or FAILED.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "parcours/date.h"
#include "parcours/plugins.h"
#include "parcours/status.h"

namespace parcours::conformance {

// What a hook answered.
struct Answer {
  enum class Code { kOk, kRefused, kFailed };
  Code code = Code::kFailed;
  std::string text;  // REFUSED: the reason (may be empty); FAILED: the host's message
  Json value;        // OK: the derived fields, or a field type's stored value
  bool threw = false;  // FAILED because an exception crossed the library boundary

  bool ok() const { return code == Code::kOk; }
  bool refused() const { return code == Code::kRefused; }
  bool failed() const { return code == Code::kFailed; }
  // "OK {"a":1}", "REFUSED: reason", "FAILED: message".
  std::string ToString() const;
  bool operator==(const Answer& other) const {
    return code == other.code && text == other.text && value == other.value && threw == other.threw;
  }
};

// The ABI fields of a library's descriptor, read by calling its entry symbol
// and nothing else (what the host reads before anything else).
struct DescriptorAbi {
  int major = 0;
  int minor = 0;
  std::string name;
};

class PluginUnderTest {
 public:
  // The date hooks see as "today" (the host's clock is fixed, for determinism).
  static Date Today();

  // Loads `file`; the result is kept for every test. Call once, from main().
  static void Load(const std::string& file);
  // The loaded plugin; Load() must have been called.
  static const PluginUnderTest& Get();

  const std::string& file() const { return file_; }
  const Status& load_status() const { return load_status_; }
  // Null when the plugin did not load.
  const PluginInfo* info() const;
  const PluginRegistry& registry() const { return *registry_; }

  // Reads the descriptor's ABI straight from the library: its entry symbol's
  // answer, or an error saying why it could not be read.
  Result<DescriptorAbi> ReadDescriptorAbi() const;

  // Hooks by qualified name ("cej.eligible_age"), through the registry.
  Answer Guard(const std::string& name, const Json& context) const;
  Answer BeforeCommit(const std::string& name, const Json& context) const;
  Answer AfterCommit(const std::string& name, const Json& event) const;
  Answer Field(const std::string& type, const std::string& raw) const;

  // Pathways the host's read_pathway service answers ({"state", "events"});
  // any other id is not found.
  void AddPathway(const std::string& id, Json pathway) const { pathways_[id] = std::move(pathway); }

  // What was logged at warning level or above (by the plugin through its host,
  // or by the registry), each distinct message with how many times.
  std::map<std::string, int> Warnings() const;

 private:
  explicit PluginUnderTest(std::string file);

  std::string file_;
  std::shared_ptr<std::map<std::string, int>> warnings_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<PluginRegistry> registry_;
  Status load_status_;
  mutable std::map<std::string, Json> pathways_;
};

}  // namespace parcours::conformance
