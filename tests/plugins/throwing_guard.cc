// A plugin whose guard throws: the command must be refused, naming the plugin
// and the hook, with nothing written.
#include <stdexcept>

#include <parcours/sdk/plugin.h>

namespace {

void Init(parcours::sdk::Plugin& plugin) {
  plugin.AddGuard("explodes", "Always throws", [](const parcours::sdk::Json&) -> parcours::sdk::Verdict {
    throw std::runtime_error("database of eligibility unreachable");
  });
}

}  // namespace

PARCOURS_PLUGIN("throwing_guard", "0.1.0", "Fixture: a guard that throws", Init)
