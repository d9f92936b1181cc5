// A plugin the dynamic loader refuses, built in two ways (FIXTURE_VARIANT):
//   undefined_symbol    it calls a function no library defines (linked with
//                       --unresolved-symbols=ignore-all)
//   missing_dependency  it needs libparcours_fixture_stub.so, which is not
//                       where the loader looks (no rpath)
#include <parcours/sdk/plugin.h>

extern "C" int parcours_fixture_stub_answer();  // defined by nobody, or by the stub

namespace {

void Init(parcours::sdk::Plugin& plugin) {
  plugin.AddGuard("answer", "Needs the missing function", [](const parcours::sdk::Json&) {
    return parcours_fixture_stub_answer() == 42 ? parcours::sdk::Verdict::Allow()
                                                : parcours::sdk::Verdict::Refuse("no answer");
  });
}

}  // namespace

PARCOURS_PLUGIN(FIXTURE_NAME, "1.0.0", "Fixture: refused by the dynamic loader", Init)
