#include "plugin_under_test.h"

#include <cassert>
#include <vector>

#include <spdlog/details/null_mutex.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "parcours/sdk/abi.h"
#include "plugins/library.h"
#include "plugins/provided.h"

namespace parcours::conformance {
namespace {

std::unique_ptr<PluginUnderTest>& Instance() {
  static std::unique_ptr<PluginUnderTest> instance;
  return instance;
}

// "cej.siret" -> {"cej", "siret"}.
std::pair<std::string, std::string> Split(const std::string& qualified) {
  const auto dot = qualified.find('.');
  return {qualified.substr(0, dot), dot == std::string::npos ? std::string() : qualified.substr(dot + 1)};
}

// Reads a Status from the registry in the ABI's terms. The registry reports
// a hook's FAILED, and an exception it caught, as a Refused status whose
// message starts "plugin <p>, <kind> <hook> failed: " (HookFailure in
// engine/src/plugins/plugin_host.cc; docs/plugins.md lists the messages);
// a refusal carries the plugin's own reason.
Answer FromStatus(const Status& status, const char* kind, const std::string& qualified) {
  Answer answer;
  if (status.ok()) {
    answer.code = Answer::Code::kOk;
    return answer;
  }
  const auto [plugin, hook] = Split(qualified);
  const std::string failed = "plugin " + plugin + ", " + kind + " " + hook + " failed: ";
  const std::string& message = status.message();
  if (status.IsRefused() && message.rfind(failed, 0) != 0) {
    answer.code = Answer::Code::kRefused;
    answer.text = message;
    return answer;
  }
  answer.code = Answer::Code::kFailed;
  answer.text = message;
  answer.threw = message.rfind(failed + "threw an exception", 0) == 0;
  return answer;
}

Answer FromResult(const Result<Json>& result, const char* kind, const std::string& qualified) {
  if (!result.ok()) return FromStatus(result.status(), kind, qualified);
  Answer answer;
  answer.code = Answer::Code::kOk;
  answer.value = *result;
  return answer;
}

// Counts each distinct message logged; main() prints them after the tests,
// rather than in the middle of gtest's output.
class CountingSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit CountingSink(std::shared_ptr<std::map<std::string, int>> counts) : counts_(std::move(counts)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    ++(*counts_)[std::string(msg.payload.data(), msg.payload.size())];
  }
  void flush_() override {}

 private:
  std::shared_ptr<std::map<std::string, int>> counts_;
};

}  // namespace

std::string Answer::ToString() const {
  switch (code) {
    case Code::kOk: return "OK " + value.dump();
    case Code::kRefused: return "REFUSED: " + (text.empty() ? "(no reason given)" : text);
    case Code::kFailed: return "FAILED: " + text;
  }
  return "?";
}

Date PluginUnderTest::Today() { return *Date::ParseIso("2026-11-21"); }

PluginUnderTest::PluginUnderTest(std::string file)
    : file_(std::move(file)),
      warnings_(std::make_shared<std::map<std::string, int>>()),
      clock_(std::make_unique<FixedDateClock>(Today())) {
  auto log = std::make_shared<spdlog::logger>("conformance", std::make_shared<CountingSink>(warnings_));
  log->set_level(spdlog::level::warn);
  registry_ = std::make_unique<PluginRegistry>(*clock_, std::move(log));
  registry_->SetPathwayReader([this](const std::string& id) -> Result<Json> {
    const auto it = pathways_.find(id);
    if (it == pathways_.end()) return Status::NotFound("no pathway " + id);
    return it->second;
  });
  load_status_ = registry_->LoadFile(file_);
}

void PluginUnderTest::Load(const std::string& file) {
  assert(!Instance() && "PluginUnderTest::Load is called once");
  Instance().reset(new PluginUnderTest(file));
}

const PluginUnderTest& PluginUnderTest::Get() {
  assert(Instance() && "PluginUnderTest::Load must be called first");
  return *Instance();
}

const PluginInfo* PluginUnderTest::info() const {
  return load_status_.ok() && !registry_->plugins().empty() ? &registry_->plugins().front() : nullptr;
}

std::map<std::string, int> PluginUnderTest::Warnings() const { return *warnings_; }

Result<DescriptorAbi> PluginUnderTest::ReadDescriptorAbi() const {
  // Opened as the host opens it: checked first, either entry form, memory read safely.
  PARCOURS_ASSIGN_OR_RETURN(plugins::OpenedLibrary library, plugins::OpenPluginLibrary(file_));
  const ParcoursPluginDescriptor* d = library.entry();
  PARCOURS_ASSIGN_OR_RETURN(plugins::Descriptor abi, plugins::ReadDescriptorAbi(d));
  ParcoursPluginDescriptor descriptor{};
  std::string name;
  if (plugins::CopyFrom(d, descriptor)) {
    auto read = plugins::ReadText(descriptor.name, PARCOURS_MAX_NAME_BYTES, "its name", /*optional=*/true);
    if (read.ok()) name = *read;
  }
  return DescriptorAbi{static_cast<int>(abi.abi_major), static_cast<int>(abi.abi_minor), name};
}

Answer PluginUnderTest::Guard(const std::string& name, const Json& context) const {
  Answer answer = FromStatus(registry_->RunGuard(name, context), "guard", name);
  // The registry puts "refused by <guard>" in place of an empty reason.
  if (answer.refused() && answer.text == "refused by " + name) answer.text.clear();
  return answer;
}

Answer PluginUnderTest::BeforeCommit(const std::string& name, const Json& context) const {
  return FromResult(registry_->RunBeforeCommit(name, context), "action", name);
}

Answer PluginUnderTest::AfterCommit(const std::string& name, const Json& event) const {
  return FromStatus(registry_->RunAfterCommit(name, event), "action", name);
}

Answer PluginUnderTest::Field(const std::string& type, const std::string& raw) const {
  return FromResult(registry_->ParseField(type, raw), "field type", type);
}

}  // namespace parcours::conformance
