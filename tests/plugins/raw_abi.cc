// Plugins written against the raw C ABI (parcours/sdk/abi.h), one per
// FIXTURE_VARIANT, each handing the host something it must refuse cleanly (or,
// for plain_entry, accept): the host must never crash on them.
//   plain_entry     the entry is a plain extern "C" function, not a Boost.DLL alias: accepted
//   entry_data      the entry symbol is a data array, neither a function nor an alias
//   null_array      2 actions declared, no array
//   huge_count      a count of 1,000,000 guards for an array of 1
//   count_overrun   3 guards declared, an array of 1 at the end of readable memory
//   bad_pointer     the guards array points to an unmapped address
//   bad_name        a guard's name points to an unmapped address
//   bad_function    a guard's function points to no loaded code
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include <parcours/sdk/abi.h>

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

int Allow(void*, const char*, ParcoursSink*) { return PARCOURS_OK; }

const ParcoursGuard kOneGuard[1] = {{"always", "Allows everything", nullptr, &Allow}};

template <typename T>
const T* Unmapped() {
  return reinterpret_cast<const T*>(static_cast<uintptr_t>(16));
}

// One guard in the last bytes of a readable page followed by an unreadable one.
[[maybe_unused]] const ParcoursGuard* GuardAtEndOfMemory() {
  const long page = sysconf(_SC_PAGESIZE);
  void* mem = mmap(nullptr, static_cast<size_t>(2 * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  char* second = static_cast<char*>(mem) + page;
  mprotect(second, static_cast<size_t>(page), PROT_NONE);
  auto* g = reinterpret_cast<ParcoursGuard*>(second - sizeof(ParcoursGuard));
  std::memcpy(g, &kOneGuard[0], sizeof(ParcoursGuard));
  return g;
}

int Init(const ParcoursHost*, const ParcoursPlugin** out, ParcoursSink*) {
  static ParcoursPlugin p{};
  p.guard_count = 1;
  p.guards = kOneGuard;
#if FIXTURE_VARIANT_null_array
  p.action_count = 2;
  p.actions = nullptr;
#elif FIXTURE_VARIANT_huge_count
  p.guard_count = 1000000;
#elif FIXTURE_VARIANT_count_overrun
  p.guard_count = 3;
  p.guards = GuardAtEndOfMemory();
#elif FIXTURE_VARIANT_bad_pointer
  p.guards = Unmapped<ParcoursGuard>();
#elif FIXTURE_VARIANT_bad_name
  static const ParcoursGuard g[1] = {{Unmapped<char>(), "", nullptr, &Allow}};
  p.guards = g;
#elif FIXTURE_VARIANT_bad_function
  static ParcoursGuard g[1] = {{"always", "", nullptr, nullptr}};
  const uintptr_t nowhere = 24;
  std::memcpy(&g[0].check, &nowhere, sizeof nowhere);
  p.guards = g;
#endif
  *out = &p;
  return PARCOURS_OK;
}

const ParcoursPluginDescriptor kDescriptor = {PARCOURS_ABI_MAJOR, PARCOURS_ABI_MINOR, FIXTURE_NAME, "1.0.0",
                                              "Fixture written against the raw ABI", &Init};

}  // namespace

#if FIXTURE_VARIANT_entry_data
// Data that is not the address of a function.
EXPORT const char parcours_plugin_entry[16] = "not a function";
#else
EXPORT const ParcoursPluginDescriptor* parcours_plugin_entry(void) { return &kDescriptor; }
#endif
