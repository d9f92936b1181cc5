// Reading what a plugin hands the host, without trusting it.
//
// The descriptor and what init() provides are copied out of the plugin's
// memory through CopyFrom/ReadText (library.h), checked against the limits of
// parcours/sdk/abi.h (counts, name and text lengths), and every pointer is
// checked before it is used: a null or unreadable array, name or text, or a
// function pointer that points to no loaded code, refuses the plugin with a
// message saying which entry is wrong. The host then only ever uses these
// copies.
#pragma once

#include <string>
#include <vector>

#include "parcours/sdk/abi.h"
#include "parcours/status.h"

namespace parcours::plugins {

// Whether `name` is [a-z][a-z0-9_]*.
bool IsValidName(const std::string& name);

// The descriptor's fields, read and checked (the ABI is checked by the caller
// from abi_major/abi_minor before anything else is used).
struct Descriptor {
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::string name, version, description;
  decltype(ParcoursPluginDescriptor::init) init = nullptr;
};

// The ABI version of the descriptor at `d` (its first two fields).
Result<Descriptor> ReadDescriptorAbi(const ParcoursPluginDescriptor* d);
// The rest of it, once its ABI is accepted: Refused on an invalid name, an
// unreadable or overlong text, or an init that points to no loaded code.
Status ReadDescriptor(const ParcoursPluginDescriptor* d, Descriptor& out);

// Validated copies of what a plugin provides. Names are qualified
// ("plugin.hook").
struct Provided {
  template <typename Hook>
  struct Entry {
    std::string qualified;
    std::string local;
    Hook abi;
  };
  std::vector<Entry<ParcoursGuard>> guards;
  std::vector<Entry<ParcoursAction>> actions;
  std::vector<Entry<ParcoursFieldType>> field_types;
  std::vector<std::string> field_allowed;  // parallel to field_types; "" when not given
  std::vector<std::pair<std::string, std::string>> workflows;  // qualified name, YAML
  std::vector<std::pair<std::string, std::string>> reports;
  void* self_check_self = nullptr;
  ParcoursSelfCheckFn self_check = nullptr;
};

// Copies and checks `*p` of plugin `plugin`. Refused with every problem found
// ("; "-separated): counts over PARCOURS_MAX_ENTRIES, null or unreadable
// arrays, invalid or repeated names, missing functions, unknown phases.
Result<Provided> CopyProvided(const ParcoursPlugin* p, const std::string& plugin);

}  // namespace parcours::plugins
