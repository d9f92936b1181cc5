// Tests for validating workflow files (workflow_loader.h): every problem the
// loader reports, one at a time, then all of them in file order.
#include "parcours/workflow_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "workflow_loader_test_support.h"

namespace parcours {
namespace {

using namespace workflow_testing;  // NOLINT

// ---------------------------------------------------------------------------
// Every validation problem, one at a time

TEST(WorkflowLoaderTest, YamlSyntaxError) {
  const auto load = Load("programme: x\nsteps:\n  - id: a\n   - id: b\n");
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 4, "YAML syntax error"));
  EXPECT_EQ(load.problems[0].file, "test.yaml");
}

TEST(WorkflowLoaderTest, YamlSyntaxErrorInFlowMap) {
  EXPECT_TRUE(HasProblem(Load("programme: x\nlabel: a\n  bad: b\n"), 3, "YAML syntax error"));
}

TEST(WorkflowLoaderTest, EmptyFile) {
  EXPECT_TRUE(HasProblem(Load(""), 1, "the file is empty"));
  EXPECT_TRUE(HasProblem(Load("# only a comment\n"), 1, "the file is empty"));
}

TEST(WorkflowLoaderTest, TopLevelNotAMap) {
  EXPECT_TRUE(
      HasProblem(Load("- programme\n- steps\n"), 1, "the top level must be a map with programme"));
  EXPECT_TRUE(HasProblem(Load("just text\n"), 1, "found \"just text\""));
}

TEST(WorkflowLoaderTest, MoreThanOneDocument) {
  EXPECT_TRUE(HasProblem(Load(Mini("---\nprogramme: other\n")), 12, "more than one YAML document"));
}

TEST(WorkflowLoaderTest, UnknownKeyAtTopLevel) {
  EXPECT_TRUE(HasProblem(Load(Mini("milestone: []\n")), 11,
                         "the top level: unknown key \"milestone\" (did you mean \"milestones\"?); "
                         "allowed keys: programme, label, steps, enrolment, transitions, "
                         "milestones"));
}

TEST(WorkflowLoaderTest, UnknownKeyInStepTransitionMilestone) {
  const auto load = Load(R"(programme: p
steps:
  - id: a
    intial: true
  - id: b
    final: true
transitions:
  - id: t
    from: [a]
    too: b
milestones:
  - id: m
    in: any
    colour: red
)");
  EXPECT_TRUE(
      HasProblem(load, 4, "step \"a\": unknown key \"intial\" (did you mean \"initial\"?)"));
  EXPECT_TRUE(HasProblem(load, 4, "allowed keys: id, label, initial, final"));
  EXPECT_TRUE(HasProblem(load, 10, "transition \"t\": unknown key \"too\""));
  EXPECT_TRUE(HasProblem(load, 8, "transition \"t\": missing \"to\""));
  EXPECT_TRUE(HasProblem(load, 14,
                         "milestone \"m\": unknown key \"colour\"; allowed keys: id, "
                         "label, in, fields"));
}

TEST(WorkflowLoaderTest, UnknownKeyInField) {
  const auto load = Load(Mini(R"(    fields:
      - id: months
        type: integer
        requird: true
)"));
  EXPECT_TRUE(HasProblem(load, 14,
                         "transition \"finish\" field \"months\": unknown key \"requird\" (did you "
                         "mean \"required\"?); allowed keys: id, label, type, required, "
                         "required_when, min, max, max_length, values"));
}

TEST(WorkflowLoaderTest, UnknownKeyInEnrolmentValueAndCondition) {
  const auto load = Load(Mini(R"(enrolment:
  field: []
  fields:
    - id: sort
      type: enum
      values: [{id: a, lable: A}]
    - id: more
      type: text
      required_when: {field: sort, in: [a], when: x}
)"));
  EXPECT_TRUE(HasProblem(load, 12, "enrolment: unknown key \"field\""));
  EXPECT_TRUE(HasProblem(load, 16, "unknown key \"lable\""));
  EXPECT_TRUE(HasProblem(load, 19, "required_when: unknown key \"when\"; allowed keys: field, in"));
}

TEST(WorkflowLoaderTest, DuplicateKey) {
  EXPECT_TRUE(HasProblem(Load(Mini("label: one\nlabel: two\n")), 12,
                         "the top level: duplicate key \"label\""));
}

TEST(WorkflowLoaderTest, MissingProgramme) {
  const auto load = Load(R"(label: No id
steps:
  - {id: a, initial: true}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a], to: b}
)");
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 1, "missing \"programme\""));
}

TEST(WorkflowLoaderTest, MissingSteps) {
  EXPECT_TRUE(HasProblem(Load("programme: p\n"), 1, "missing \"steps\""));
  EXPECT_TRUE(
      HasProblem(Load("programme: p\nsteps: []\n"), 2, "\"steps\" must list at least one step"));
  EXPECT_TRUE(HasProblem(Load("programme: p\nsteps: a\n"), 2, "\"steps\" must be a list"));
}

TEST(WorkflowLoaderTest, BadIdSyntax) {
  const auto load = Load(R"(programme: Insertion
steps:
  - id: Start here
    initial: true
  - id: end
    final: true
transitions:
  - id: 2go
    from: any
    to: end
    fields:
      - id: Months
        type: integer
      - id: sort
        type: enum
        values: [ok, Not-ok]
)");
  EXPECT_TRUE(HasProblem(load, 1,
                         "programme \"Insertion\" is not valid; an id starts with a "
                         "lowercase letter and uses only a-z, 0-9, _ and -"));
  EXPECT_TRUE(HasProblem(load, 3, "id \"Start here\" is not valid"));
  EXPECT_TRUE(HasProblem(load, 8, "id \"2go\" is not valid"));
  EXPECT_TRUE(HasProblem(load, 12, "id \"Months\" is not valid"));
  EXPECT_TRUE(HasProblem(load, 16, "value \"Not-ok\" is not valid"));
}

TEST(WorkflowLoaderTest, MissingId) {
  const auto load = Load(Mini("  - from: [start]\n    to: end\n"));
  EXPECT_TRUE(HasProblem(load, 11, "transition #2: missing \"id\""));
}

TEST(WorkflowLoaderTest, DuplicateStepId) {
  EXPECT_TRUE(HasProblem(Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: b, final: true}
  - {id: a}
transitions:
  - {id: t, from: [a], to: b}
)"),
                         5, "duplicate step id \"a\" (first declared on line 3)"));
}

TEST(WorkflowLoaderTest, DuplicateTransitionAndMilestoneIds) {
  const auto load = Load(Mini(R"(  - {id: finish, from: [start], to: end}
milestones:
  - {id: note, in: any}
  - {id: note, in: any}
)"));
  EXPECT_TRUE(
      HasProblem(load, 11, "duplicate transition id \"finish\" (first declared on line 8)"));
  EXPECT_TRUE(HasProblem(load, 14, "duplicate milestone id \"note\" (first declared on line 13)"));
}

TEST(WorkflowLoaderTest, DuplicateFieldAndEnumValueIds) {
  const auto load = Load(Mini(R"(    fields:
      - {id: sort, type: enum, values: [a, b, a]}
      - {id: sort, type: text}
)"));
  EXPECT_TRUE(HasProblem(load, 12, "field \"sort\": duplicate value \"a\""));
  EXPECT_TRUE(HasProblem(load, 13,
                         "transition \"finish\": duplicate field id \"sort\" (first "
                         "declared on line 12)"));
}

TEST(WorkflowLoaderTest, TransitionAndMilestoneShareAnId) {
  const auto load = Load(Mini("milestones:\n  - {id: finish, in: any}\n"));
  EXPECT_TRUE(HasProblem(load, 12,
                         "milestone \"finish\": the id is already used by transition "
                         "\"finish\" on line 8"));
}

TEST(WorkflowLoaderTest, ReservedIds) {
  const auto load = Load(Mini(R"(  - {id: enroll, from: any, to: end}
  - {id: void, from: any, to: end}
milestones:
  - {id: assign, in: any}
)"));
  EXPECT_TRUE(HasProblem(load, 11, "transition \"enroll\": the id \"enroll\" is reserved"));
  EXPECT_TRUE(HasProblem(load, 12, "transition \"void\": the id \"void\" is reserved"));
  EXPECT_TRUE(HasProblem(load, 14, "milestone \"assign\": the id \"assign\" is reserved"));
}

TEST(WorkflowLoaderTest, StepIdAnyIsReserved) {
  EXPECT_TRUE(HasProblem(Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: any}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a], to: b}
)"),
                         4, "the id \"any\" is reserved"));
}

TEST(WorkflowLoaderTest, NoInitialStep) {
  EXPECT_TRUE(HasProblem(Load(R"(programme: p
steps:
  - {id: a}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a], to: b}
)"),
                         3, "no initial step"));
}

TEST(WorkflowLoaderTest, MoreThanOneInitialStep) {
  EXPECT_TRUE(HasProblem(Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: c, initial: true}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a, c], to: b}
)"),
                         4, "step \"c\": more than one initial step (\"a\" is already initial)"));
}

TEST(WorkflowLoaderTest, NoFinalStep) {
  EXPECT_TRUE(HasProblem(Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: b}
transitions:
  - {id: t, from: [a], to: b}
  - {id: u, from: [b], to: a}
)"),
                         3, "no final step"));
}

TEST(WorkflowLoaderTest, StepBothInitialAndFinal) {
  EXPECT_TRUE(HasProblem(Load(R"(programme: p
steps:
  - {id: a, initial: true, final: true}
)"),
                         3, "step \"a\": a step cannot be both initial and final"));
}

TEST(WorkflowLoaderTest, UnknownStepInFromToAndIn) {
  const auto load = Load(Mini(R"(  - {id: t, from: [strat], to: nowhere}
milestones:
  - id: m
    in: [start, ending]
)"));
  EXPECT_TRUE(HasProblem(load, 11,
                         "transition \"t\": unknown step \"strat\" in from (did you "
                         "mean \"start\"?)"));
  EXPECT_TRUE(HasProblem(load, 11, "transition \"t\": unknown step \"nowhere\" in to"));
  EXPECT_TRUE(HasProblem(load, 14, "milestone \"m\": unknown step \"ending\" in in"));
}

TEST(WorkflowLoaderTest, MisspeltStepDoesNotAddPathNoise) {
  // "middle" looks unreachable and a dead end only because of the typo.
  const auto load = Load(R"(programme: p
steps:
  - {id: start, initial: true}
  - {id: middle}
  - {id: end, final: true}
transitions:
  - {id: go, from: [start], to: midle}
  - {id: finish, from: [middle], to: end}
)");
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 7, "unknown step \"midle\" in to (did you mean \"middle\"?)"));
}

TEST(WorkflowLoaderTest, AnyInsideAListAndStepListedTwice) {
  const auto load = Load(Mini("  - {id: t, from: [start, any, start], to: end}\n"));
  EXPECT_TRUE(HasProblem(load, 11, "any must stand alone"));
  EXPECT_TRUE(HasProblem(load, 11, "step \"start\" is listed twice in from"));
}

TEST(WorkflowLoaderTest, TransitionLeavingFinalStep) {
  EXPECT_TRUE(HasProblem(Load(Mini("  - {id: back, from: [end], to: start}\n")), 11,
                         "transition \"back\": cannot leave final step \"end\""));
}

TEST(WorkflowLoaderTest, EmptyFromList) {
  const auto load = Load(Mini("  - id: t\n    from: []\n    to: end\n"));
  EXPECT_TRUE(HasProblem(load, 12, "transition \"t\": \"from\" is an empty list"));
}

TEST(WorkflowLoaderTest, MissingFromAndIn) {
  const auto load = Load(Mini("  - {id: t, to: end}\nmilestones:\n  - {id: m}\n"));
  EXPECT_TRUE(HasProblem(load, 11, "transition \"t\": missing \"from\""));
  EXPECT_TRUE(HasProblem(load, 13, "milestone \"m\": missing \"in\""));
}

TEST(WorkflowLoaderTest, UnreachableStep) {
  const auto load = Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: island}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a], to: b}
  - {id: u, from: [island], to: b}
)");
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 4, "step \"island\" cannot be reached from the initial step \"a\""));
}

TEST(WorkflowLoaderTest, DeadEnd) {
  const auto load = Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: stuck}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a], to: b}
  - {id: u, from: [a], to: stuck}
)");
  ASSERT_EQ(load.problems.size(), 1u) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 4,
                         "step \"stuck\" is a dead end: it is not final and no "
                         "transition leaves it"));
}

TEST(WorkflowLoaderTest, LoopWithNoWayToAFinalStep) {
  const auto load = Load(R"(programme: p
steps:
  - {id: a, initial: true}
  - {id: x}
  - {id: y}
  - {id: b, final: true}
transitions:
  - {id: t, from: [a], to: b}
  - {id: u, from: [a], to: x}
  - {id: v, from: [x], to: y}
  - {id: w, from: [y], to: x}
)");
  EXPECT_TRUE(HasProblem(load, 4,
                         "step \"x\": no sequence of transitions leads from it to a "
                         "final step"));
  EXPECT_TRUE(HasProblem(load, 5, "step \"y\": no sequence"));
}

TEST(WorkflowLoaderTest, UnknownFieldType) {
  EXPECT_TRUE(HasProblem(Load(Mini("    fields:\n      - {id: n, type: interger}\n")), 12,
                         "field \"n\": unknown type \"interger\" (did you mean \"integer\"?); "
                         "allowed types: text, integer, date, yesno, enum"));
}

TEST(WorkflowLoaderTest, MissingFieldType) {
  EXPECT_TRUE(HasProblem(Load(Mini("    fields:\n      - {id: n}\n")), 12,
                         "field \"n\": missing \"type\""));
}

TEST(WorkflowLoaderTest, EnumWithoutValues) {
  const auto load = Load(Mini(R"(    fields:
      - id: a
        type: enum
      - id: b
        type: enum
        values: []
)"));
  EXPECT_TRUE(HasProblem(load, 12, "field \"a\": an enum field needs \"values\""));
  EXPECT_TRUE(HasProblem(load, 16, "field \"b\": an enum field needs at least one value"));
}

TEST(WorkflowLoaderTest, MinGreaterThanMax) {
  EXPECT_TRUE(HasProblem(Load(Mini("    fields:\n      - id: n\n        type: integer\n"
                                   "        min: 10\n        max: 2\n")),
                         14, "field \"n\": min 10 is greater than max 2"));
}

TEST(WorkflowLoaderTest, BoundsMustBeWholeNumbers) {
  EXPECT_TRUE(HasProblem(Load(Mini("    fields:\n      - {id: n, type: integer, max: 2.5}\n")), 12,
                         "field \"n\": \"max\" must be a whole number, found \"2.5\""));
}

TEST(WorkflowLoaderTest, MinMaxOnNonInteger) {
  const auto load = Load(Mini(R"(    fields:
      - id: when
        type: date
        min: 1
      - id: note
        type: text
        max: 3
)"));
  EXPECT_TRUE(HasProblem(load, 14,
                         "field \"when\": \"min\" only applies to integer fields, not "
                         "date"));
  EXPECT_TRUE(HasProblem(load, 17, "field \"note\": \"max\" only applies to integer fields"));
}

TEST(WorkflowLoaderTest, MaxLengthOnlyOnTextAndPositive) {
  const auto load = Load(Mini(R"(    fields:
      - {id: n, type: integer, max_length: 3}
      - {id: t, type: text, max_length: 0}
)"));
  EXPECT_TRUE(HasProblem(load, 12, "\"max_length\" only applies to text fields, not integer"));
  EXPECT_TRUE(HasProblem(load, 13, "\"max_length\" must be at least 1"));
}

TEST(WorkflowLoaderTest, ValuesOnNonEnum) {
  EXPECT_TRUE(HasProblem(Load(Mini("    fields:\n      - {id: y, type: yesno, values: [a]}\n")), 12,
                         "field \"y\": \"values\" only applies to enum fields, not yesno"));
}

TEST(WorkflowLoaderTest, RequiredNotABoolean) {
  const auto load = Load(Mini(R"(    fields:
      - id: a
        type: text
        required: yes
      - id: b
        type: text
        required: [true]
)"));
  EXPECT_TRUE(HasProblem(load, 14,
                         "field \"a\": \"required\" must be true or false, found "
                         "\"yes\""));
  EXPECT_TRUE(HasProblem(load, 17,
                         "field \"b\": \"required\" must be true or false, found a "
                         "list"));
}

TEST(WorkflowLoaderTest, RequiredWhenOnARequiredField) {
  EXPECT_TRUE(HasProblem(Load(Mini(R"(    fields:
      - {id: sort, type: enum, values: [a, b]}
      - id: more
        type: text
        required: true
        required_when: {field: sort, in: [a]}
)")),
                         16, "field \"more\": required_when only applies to optional fields"));
}

TEST(WorkflowLoaderTest, RequiredWhenUnknownField) {
  const auto load = Load(Mini(R"(    fields:
      - {id: sort, type: enum, values: [a, b]}
      - {id: more, type: text, required_when: {field: srt, in: [a]}}
      - {id: self, type: text, required_when: {field: self, in: [a]}}
)"));
  EXPECT_TRUE(HasProblem(load, 13,
                         "field \"more\": required_when refers to unknown field "
                         "\"srt\"; fields here: sort, more, self"));
  EXPECT_TRUE(HasProblem(load, 14, "field \"self\": required_when refers to the field itself"));
}

TEST(WorkflowLoaderTest, RequiredWhenFieldOfAnotherList) {
  // "contract" exists in enrolment but not in this transition's list.
  const auto load = Load(Mini(R"(    fields:
      - {id: months, type: integer, required_when: {field: contract, in: [cdd]}}
enrolment:
  fields:
    - {id: contract, type: enum, values: [cdd]}
)"));
  EXPECT_TRUE(HasProblem(load, 12, "required_when refers to unknown field \"contract\""));
}

TEST(WorkflowLoaderTest, RequiredWhenUnknownValue) {
  const auto load = Load(Mini(R"(    fields:
      - {id: contract, type: enum, values: [cdi, cdd]}
      - id: months
        type: integer
        required_when:
          field: contract
          in: [cdd, interim]
      - {id: flag, type: yesno}
      - {id: why, type: text, required_when: {field: flag, in: [maybe]}}
)"));
  EXPECT_TRUE(HasProblem(load, 17,
                         "field \"months\": required_when: \"interim\" is not a "
                         "possible value of field \"contract\" (one of cdi, cdd)"));
  EXPECT_TRUE(HasProblem(load, 19,
                         "\"maybe\" is not a possible value of field \"flag\" (yes or "
                         "no)"));
}

TEST(WorkflowLoaderTest, RequiredWhenNeedsFieldAndValues) {
  const auto load = Load(Mini(R"(    fields:
      - {id: sort, type: enum, values: [a]}
      - {id: x, type: text, required_when: {field: sort}}
      - {id: y, type: text, required_when: {field: sort, in: []}}
      - {id: z, type: text, required_when: sort}
)"));
  EXPECT_TRUE(HasProblem(load, 13, "field \"x\": required_when: missing \"in\""));
  EXPECT_TRUE(HasProblem(load, 14, "field \"y\": required_when: \"in\" is an empty list"));
  EXPECT_TRUE(HasProblem(load, 15, "field \"z\": required_when must be a map"));
}

TEST(WorkflowLoaderTest, WrongShapes) {
  const auto load = Load(Mini(R"(    fields: {id: x}
enrolment: [a]
milestones:
  - just-a-word
)"));
  EXPECT_TRUE(HasProblem(load, 11, "\"fields\" must be a list, found a map"));
  EXPECT_TRUE(HasProblem(load, 12, "\"enrolment\" must be a map with \"fields\", found a list"));
  EXPECT_TRUE(HasProblem(load, 14, "milestone #1: must be a map"));
}

TEST(WorkflowLoaderTest, EmptyLabel) {
  EXPECT_TRUE(HasProblem(Load(Mini("label: \"\"\n")), 11, "\"label\" must not be empty"));
}

TEST(WorkflowLoaderTest, ReportsEveryProblemInFileOrder) {
  const auto load = Load(R"(programme: p
steps:
  - id: a
    initial: true
    requird: true
  - id: b
    final: true
  - id: a
transitions:
  - id: t
    from: [a, zz]
    to: b
    fields:
      - {id: n, type: integer, min: 9, max: 1}
      - {id: s, type: sting}
milestones:
  - {id: t, in: any}
)");
  EXPECT_FALSE(load.workflow.has_value());
  std::vector<int> lines;
  for (const auto& problem : load.problems) lines.push_back(problem.line);
  EXPECT_EQ(lines, (std::vector<int>{5, 8, 11, 14, 15, 17})) << Describe(load);
  EXPECT_TRUE(HasProblem(load, 5, "unknown key \"requird\""));
  EXPECT_TRUE(HasProblem(load, 8, "duplicate step id \"a\""));
  EXPECT_TRUE(HasProblem(load, 11, "unknown step \"zz\" in from"));
  EXPECT_TRUE(HasProblem(load, 14, "min 9 is greater than max 1"));
  EXPECT_TRUE(HasProblem(load, 15, "unknown type \"sting\""));
  EXPECT_TRUE(HasProblem(load, 17, "already used by transition \"t\""));
  for (const auto& problem : load.problems) EXPECT_EQ(problem.file, "test.yaml");
}

}  // namespace
}  // namespace parcours
