// A plugin declaring two guards with one name: refused at load, since a
// workflow naming it could not say which one it means.
#include <parcours/sdk/plugin.h>

namespace {

void Init(parcours::sdk::Plugin& plugin) {
  plugin.AddGuard("twin", "Allows", [](const parcours::sdk::Json&) { return parcours::sdk::Verdict::Allow(); });
  plugin.AddGuard("twin", "Allows too", [](const parcours::sdk::Json&) { return parcours::sdk::Verdict::Allow(); });
}

}  // namespace

PARCOURS_PLUGIN("duplicate_hooks", "0.1.0", "Fixture: a hook declared twice", Init)
