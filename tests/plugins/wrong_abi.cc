// A plugin built for an ABI major this engine does not provide. Written
// against the raw ABI: the host must refuse it before calling init.
#include <cstdlib>

#include <parcours/sdk/plugin.h>

namespace {

int Init(const ParcoursHost*, const ParcoursPlugin**, ParcoursSink*) {
  std::abort();  // must never be called
}

const ParcoursPluginDescriptor* Entry() {
  static const ParcoursPluginDescriptor d = {PARCOURS_ABI_MAJOR + 1, 0, "wrong_abi", "0.1", "Fixture", &Init};
  return &d;
}

}  // namespace

BOOST_DLL_ALIAS(Entry, parcours_plugin_entry)
