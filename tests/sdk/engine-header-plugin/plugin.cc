// Reaches past the SDK into the engine: must not compile out of tree.
#include <parcours/sdk/plugin.h>
#include <parcours/workflow.h>

namespace {
void Init(parcours::sdk::Plugin&) {}
}  // namespace

PARCOURS_PLUGIN("engine_header", "0.1.0", "Includes an engine header", Init)
