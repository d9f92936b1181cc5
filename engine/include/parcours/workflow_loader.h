// Loading and validating workflow files (YAML). The format is described in
// docs/workflow-format.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/workflow.h"

namespace parcours {

// One problem found in a workflow file.
struct WorkflowProblem {
  std::string file;
  int line = 0;  // 1-based; 0 when the problem is not tied to a line
  std::string message;

  // "workflows/x.yaml:12: transition "place": unknown step "placment" in from"
  std::string ToString() const;
};

struct WorkflowLoad {
  std::optional<Workflow> workflow;       // set only when problems is empty
  std::vector<WorkflowProblem> problems;  // every problem found, in file order
};

// Parses and validates `text` as a workflow definition. `file` names the source
// in problems. Never throws. Reports every problem it can find in one pass
// rather than stopping at the first.
//
// References to plugins (guards, derive and notify actions, field types) are
// checked against `plugins` when `check_plugins` is true: installing a file
// needs its plugins loaded. Definitions already installed are re-read with
// check_plugins false, so that a pathway stays readable without its plugins
// (commands that need a missing plugin are then refused when they run).
WorkflowLoad LoadWorkflowText(std::string_view text, std::string_view file,
                              const PluginRegistry* plugins = nullptr, bool check_plugins = true);

// Reads `path` then LoadWorkflowText. A missing or unreadable file is one problem.
WorkflowLoad LoadWorkflowFile(const std::string& path, const PluginRegistry* plugins = nullptr);

}  // namespace parcours
