// A well-behaved plugin providing one of everything.
#include <parcours/sdk/plugin.h>

namespace {

using parcours::sdk::Json;
using parcours::sdk::Verdict;

const char* kWorkflow = R"(programme: fixture_flow
label: Fixture flow
steps:
  - id: start
    initial: true
  - id: done
    final: true
transitions:
  - id: finish
    from: [start]
    to: done
)";

void Init(parcours::sdk::Plugin& plugin) {
  plugin.AddGuard("adults_only", "Refuses persons under 18", [](const Json& ctx) {
    const int age = ctx.value("/person/age"_json_pointer, 0);
    return age >= 18 ? Verdict::Allow() : Verdict::Refuse("the person is under 18 (" + std::to_string(age) + ")");
  });
  plugin.AddGuard("short_history", "Refuses a pathway that has three events or more", [](const Json& ctx) {
    const auto history = ctx.find("history");
    const std::size_t events = history != ctx.end() && history->is_array() ? history->size() : 0;
    return events < 3 ? Verdict::Allow() : Verdict::Refuse("the pathway has " + std::to_string(events) + " events");
  });
  plugin.AddBeforeCommit("stamp", "Adds a field naming the plugin", [](const Json&) {
    return Json{{"stamped_by", "good"}};
  });
  plugin.AddAfterCommit("count", "Logs each committed event", [&plugin](const Json& event) {
    plugin.host().Log(parcours::sdk::LogLevel::kInfo, "committed " + event.value("action", std::string()));
  });
  plugin.AddFieldType("even", "an even whole number", [](std::string_view raw) {
    if (raw.empty() || raw.find_first_not_of("0123456789") != std::string_view::npos)
      return parcours::sdk::FieldValue::Refuse("\"" + std::string(raw) + "\" is not a whole number");
    const long v = std::stol(std::string(raw));
    if (v % 2 != 0) return parcours::sdk::FieldValue::Refuse(std::to_string(v) + " is odd");
    return parcours::sdk::FieldValue::Accept(v);
  });
  plugin.AddWorkflow("flow", kWorkflow);
  plugin.AddReport("counts", "report: counts\nlabel: Counts\nindicators:\n  - id: referred\n    when: \"kind == 'enroll'\"\n");
  plugin.SetSelfCheck([] { return std::vector<std::string>{}; });
}

}  // namespace

PARCOURS_PLUGIN("good", "1.2.3", "Fixture: a plugin that behaves", Init)
