// A plugin whose init throws: it must be reported and skipped.
#include <stdexcept>

#include <parcours/sdk/plugin.h>

namespace {

void Init(parcours::sdk::Plugin&) { throw std::runtime_error("configuration file missing"); }

}  // namespace

PARCOURS_PLUGIN("throws_init", "0.1.0", "Fixture: init throws", Init)
