// Realistic inputs for a plugin's hooks: the rule contexts guards and
// before-commit actions receive, the committed events after-commit actions
// receive, and the raw texts field types receive.
//
// Rule contexts follow docs/plugins.md ("The rule context"). They come from
// two sources: a generic insertion programme lived through by several
// persons (ages 16 to 58, with and without RQTH or RSA, every kind of event
// and exit), and every enrolment, transition and milestone of the plugin's own
// bundled workflows, with field values of the right type.
#pragma once

#include <string>
#include <vector>

#include "parcours/plugins.h"

namespace parcours::conformance {

class PluginUnderTest;

// One input, with a one-line description of what it is for failure messages.
struct Input {
  std::string what;  // e.g. "transition place of a 19-year-old man (insertion)"
  Json json;
};

// Rule contexts for guards and before-commit actions. Registers the pathways
// they name with the plugin's host (read_pathway answers for them).
const std::vector<Input>& RuleContexts(const PluginUnderTest& plugin);

// Committed events (as after-commit actions receive them), one per context.
const std::vector<Input>& CommittedEvents(const PluginUnderTest& plugin);

// Texts a person might type in a field: every field type must answer each one
// with OK (a value) or REFUSED (a reason).
const std::vector<Input>& OrdinaryFieldInputs();

// Texts every field type must refuse: empty, very long, with control
// characters, not valid UTF-8.
const std::vector<Input>& HostileFieldInputs();

}  // namespace parcours::conformance
