// A plugin built for a newer minor ABI than this engine provides.
#include <cstdlib>

#include <parcours/sdk/plugin.h>

namespace {

int Init(const ParcoursHost*, const ParcoursPlugin**, ParcoursSink*) {
  std::abort();  // must never be called
}

const ParcoursPluginDescriptor* Entry() {
  static const ParcoursPluginDescriptor d = {PARCOURS_ABI_MAJOR, PARCOURS_ABI_MINOR + 1, "newer_minor", "0.1",
                                             "Fixture", &Init};
  return &d;
}

}  // namespace

BOOST_DLL_ALIAS(Entry, parcours_plugin_entry)
