// A plugin that reads pathways through the host (Host::ReadPathway): its
// before-commit action stores how many events the pathway had, its step and
// its programme as the engine answers them (raw: the whole answer, as text);
// its guard refuses a pathway that the host cannot read.
#include <parcours/sdk/context.h>
#include <parcours/sdk/plugin.h>

namespace {

using parcours::sdk::Json;

void Init(parcours::sdk::Plugin& plugin) {
  const parcours::sdk::Host& host = plugin.host();
  plugin.AddBeforeCommit("summary", "The pathway as the host reads it", [&host](const Json& ctx) {
    const std::string id = parcours::sdk::TextAt(ctx, {"pathway"});
    if (id.empty()) return Json{{"read_events", 0}};
    const auto pathway = host.ReadPathway(id);
    if (!pathway) throw parcours::sdk::Refusal("pathway " + id + " cannot be found by the host");
    return Json{{"read_events", static_cast<int>(pathway->at("events").size())},
                {"read_step", pathway->at("state").at("step")},
                {"read_programme", pathway->at("state").at("programme")}};
  });
  plugin.AddBeforeCommit("raw", "The pathway as the host reads it, as JSON text", [&host](const Json& ctx) {
    const auto pathway = host.ReadPathway(parcours::sdk::TextAt(ctx, {"pathway"}));
    return Json{{"read_json", pathway ? pathway->dump() : std::string("none")}};
  });
  plugin.AddGuard("exists", "Refuses unless the host finds the pathway", [&host](const Json& ctx) {
    const std::string id = parcours::sdk::TextAt(ctx, {"pathway"});
    if (id.empty()) return parcours::sdk::Verdict::Allow();
    return host.ReadPathway(id) ? parcours::sdk::Verdict::Allow()
                                : parcours::sdk::Verdict::Refuse("the host does not find pathway " + id);
  });
}

}  // namespace

PARCOURS_PLUGIN("reads_pathway", "1.0.0", "Fixture: reads pathways through the host", Init)
