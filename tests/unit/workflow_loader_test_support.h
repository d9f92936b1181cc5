// Helpers shared by the workflow loader's unit tests (workflow_loader_test.cc,
// workflow_loader_problems_test.cc, workflow_loader_limits_test.cc): loading
// a text, describing and finding its problems, the smallest valid workflow.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "parcours/workflow_loader.h"

namespace parcours::workflow_testing {

inline WorkflowLoad Load(std::string_view yaml) { return LoadWorkflowText(yaml, "test.yaml"); }

inline std::string Describe(const WorkflowLoad& load) {
  std::string out;
  for (const auto& problem : load.problems) out += "\n  " + problem.ToString();
  return out.empty() ? " (no problems)" : out;
}

// Success when `load` reports a problem on `line` whose message contains `text`.
inline ::testing::AssertionResult HasProblem(const WorkflowLoad& load, int line, std::string_view text) {
  for (const auto& problem : load.problems) {
    if (problem.line == line && problem.message.find(text) != std::string::npos) {
      if (load.workflow) return ::testing::AssertionFailure() << "a workflow was returned too";
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no problem on line " << line << " containing \"" << text
                                       << "\"; got:" << Describe(load);
}

// The smallest valid workflow; tests append to it. Lines 1-9.
inline constexpr std::string_view kMini = R"(programme: mini
steps:
  - id: start
    initial: true
  - id: end
    final: true
transitions:
  - id: finish
    from: [start]
    to: end
)";

inline std::string Mini(std::string_view more) { return std::string(kMini) + std::string(more); }

}  // namespace parcours::workflow_testing
