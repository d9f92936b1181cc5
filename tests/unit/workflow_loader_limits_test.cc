// Tests for the limits on a workflow file (workflow_loader.h;
// docs/workflow-format.md, "Limits"): sizes, counts, lengths and nesting.
#include "parcours/workflow_loader.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "workflow_loader_test_support.h"

namespace parcours {
namespace {

using namespace workflow_testing;  // NOLINT

// ---------------------------------------------------------------------------
// Limits on a workflow file (docs/workflow-format.md, "Limits")

// `count` enum values v0, v1... for an enrolment field (lines 11 on).
std::string EnumOf(std::size_t count) {
  std::string yaml = "enrolment:\n  fields:\n    - id: code\n      type: enum\n      values:\n";
  for (std::size_t i = 0; i < count; ++i) yaml += "        - v" + std::to_string(i) + "\n";
  return yaml;
}

TEST(WorkflowLimitsTest, EnumValuesUpToTheLimitLoad) {
  const auto load = Load(Mini(EnumOf(5000)));
  ASSERT_TRUE(load.workflow.has_value()) << Describe(load);
  EXPECT_EQ(load.workflow->enrolment_fields.at(0).values.size(), 5000u);
}

TEST(WorkflowLimitsTest, TooManyEnumValuesAreRefusedWithTheLimit) {
  const auto load = Load(Mini(EnumOf(5001)));
  EXPECT_TRUE(HasProblem(load, 16, "\"values\" has 5001 entries; at most 5000 are allowed"));
  EXPECT_EQ(load.problems.size(), 1u) << Describe(load);
}

TEST(WorkflowLimitsTest, AnchorsCannotMultiplyEnumValuesBeyondTheFileBudget) {
  std::string yaml = "enrolment:\n  fields:\n";
  yaml += "    - {id: f0, type: enum, values: &many [";
  for (int i = 0; i < 5000; ++i) yaml += (i ? ", v" : "v") + std::to_string(i);
  yaml += "]}\n";
  for (int f = 1; f < 6; ++f) yaml += "    - {id: f" + std::to_string(f) + ", type: enum, values: *many}\n";
  const auto load = Load(Mini(yaml));
  EXPECT_FALSE(load.workflow.has_value());
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_NE(load.problems[0].message.find("more than 20000 enum values in all; at most 20000"),
            std::string::npos)
      << Describe(load);
}

TEST(WorkflowLimitsTest, TooManyStepsAreRefusedWithTheLimit) {
  std::string yaml = "programme: big\nsteps:\n  - {id: s0, initial: true}\n";
  for (int i = 1; i < 200; ++i) yaml += "  - {id: s" + std::to_string(i) + "}\n";
  yaml += "  - {id: end, final: true}\ntransitions: []\n";
  EXPECT_TRUE(HasProblem(Load(yaml), 3, "\"steps\" has 201 entries; at most 200 are allowed"));
}

TEST(WorkflowLimitsTest, TooManyTransitionsAreRefusedWithTheLimit) {
  std::string yaml = std::string(kMini);
  for (int i = 0; i < 500; ++i) yaml += "  - {id: t" + std::to_string(i) + ", from: [start], to: end}\n";
  EXPECT_TRUE(HasProblem(Load(yaml), 8, "\"transitions\" has 501 entries; at most 500 are allowed"));
}

TEST(WorkflowLimitsTest, LongIdIsRefusedAndNotEchoedWhole) {
  const std::string id = "a" + std::string(1000000, 'b');
  const auto load = Load("programme: " + id + "\n" + std::string(kMini).substr(kMini.find('\n') + 1));
  ASSERT_TRUE(HasProblem(load, 1, "at most 64 characters"));
  EXPECT_TRUE(HasProblem(load, 1, "(1000001 characters)"));
  EXPECT_LT(load.problems.at(0).message.size(), 400u);
  EXPECT_TRUE(Load(Mini("milestones:\n  - {id: " + std::string(64, 'm') + ", in: any}\n")).workflow);
  EXPECT_TRUE(HasProblem(Load(Mini("milestones:\n  - {id: " + std::string(65, 'm') + ", in: any}\n")), 12,
                         "at most 64 characters"));
}

TEST(WorkflowLimitsTest, LongLabelIsRefusedAndNotEchoedWhole) {
  const auto at_limit = Load("programme: mini\nlabel: " + std::string(200, 'L') + "\n" +
                             std::string(kMini).substr(kMini.find('\n') + 1));
  ASSERT_TRUE(at_limit.workflow.has_value()) << Describe(at_limit);
  const auto load = Load("programme: mini\nlabel: " + std::string(100000, 'L') + "\n" +
                         std::string(kMini).substr(kMini.find('\n') + 1));
  ASSERT_TRUE(HasProblem(load, 2, "\"label\" \"LLLL"));
  EXPECT_TRUE(HasProblem(load, 2, "(100000 characters) is too long; at most 200 characters"));
  EXPECT_LT(load.problems.at(0).message.size(), 400u);
}

TEST(WorkflowLimitsTest, LabelsAreNormalised) {
  const auto load = Load(Mini("milestones:\n  - id: m\n    label: \"Entretien\u200b  \u202eindividuel \"\n"
                              "    in: any\n"));
  ASSERT_TRUE(load.workflow.has_value()) << Describe(load);
  EXPECT_EQ(load.workflow->milestones.at(0).label, "Entretien individuel");
}

TEST(WorkflowLimitsTest, OversizedFileIsRefusedBeforeParsing) {
  const std::string yaml = Mini("# " + std::string(1 << 20, 'x') + "\n");
  const auto load = Load(yaml);
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 0, "a workflow file is at most 1048576 bytes (1 MiB)"));
}

TEST(WorkflowLimitsTest, MaxLengthAndConditionsAreBounded) {
  EXPECT_TRUE(HasProblem(Load(Mini("enrolment:\n  fields:\n    - {id: note, type: text, max_length: 10001}\n")),
                         13, "\"max_length\" must be at most 10000"));
  const std::string when = "fields.x == '" + std::string(1000, 'a') + "'";
  EXPECT_TRUE(HasProblem(Load(Mini("enrolment:\n  guards:\n    - when: \"" + when + "\"\n      message: no\n")),
                         13, "is too long; at most 1000 characters"));
}

TEST(WorkflowLimitsTest, ProblemsAreListedUpToAHundredThenCounted) {
  std::string yaml = std::string(kMini);
  for (int i = 0; i < 150; ++i) yaml += "  - {id: t" + std::to_string(i) + ", from: [nowhere], to: end}\n";
  const auto load = Load(yaml);
  ASSERT_EQ(load.problems.size(), 101u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 0, "and 50 more problems, not listed"));
}

// ---------------------------------------------------------------------------
// Deeply nested YAML names the line and the cause

TEST(WorkflowLimitsTest, DeepBlockNestingNamesTheLineAndTheCause) {
  std::string yaml = std::string(kMini) + "milestones:\n";
  std::string indent = "  ";
  for (int i = 0; i < 1000; ++i) {
    yaml += indent + "-\n";
    indent += "  ";
  }
  yaml += indent + "x\n";
  const auto load = Load(yaml);
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  const auto& problem = load.problems[0];
  EXPECT_GT(problem.line, 10);
  EXPECT_LT(problem.line, 600);
  EXPECT_NE(problem.message.find("YAML nested too deeply (more than 499 levels)"), std::string::npos)
      << problem.ToString();
  EXPECT_EQ(problem.message.find("bad file"), std::string::npos) << problem.ToString();
}

TEST(WorkflowLimitsTest, DeepFlowNestingNamesTheCause) {
  const auto load = Load(Mini("milestones: " + std::string(5000, '[') + std::string(5000, ']') + "\n"));
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_GT(load.problems[0].line, 0);
  EXPECT_NE(load.problems[0].message.find("nested too deeply"), std::string::npos) << Describe(load);
}

}  // namespace
}  // namespace parcours
