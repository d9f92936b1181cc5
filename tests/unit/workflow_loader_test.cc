// Tests for loading and validating workflow files (workflow_loader.h), and the
// shipped workflows/insertion.yaml.
#include "parcours/workflow_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace parcours {
namespace {

WorkflowLoad Load(std::string_view yaml) { return LoadWorkflowText(yaml, "test.yaml"); }

std::string Describe(const WorkflowLoad& load) {
  std::string out;
  for (const auto& problem : load.problems) out += "\n  " + problem.ToString();
  return out.empty() ? " (no problems)" : out;
}

// Success when `load` reports a problem on `line` whose message contains `text`.
::testing::AssertionResult HasProblem(const WorkflowLoad& load, int line, std::string_view text) {
  for (const auto& problem : load.problems) {
    if (problem.line == line && problem.message.find(text) != std::string::npos) {
      if (load.workflow) return ::testing::AssertionFailure() << "a workflow was returned too";
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no problem on line " << line << " containing \"" << text
                                       << "\"; got:" << Describe(load);
}

std::vector<std::string> Ids(const auto& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

std::vector<std::string> Ids(const std::vector<const Transition*>& items) {
  std::vector<std::string> ids;
  for (const auto* item : items) ids.push_back(item->id);
  return ids;
}

std::vector<std::string> Ids(const std::vector<const Milestone*>& items) {
  std::vector<std::string> ids;
  for (const auto* item : items) ids.push_back(item->id);
  return ids;
}

using Strings = std::vector<std::string>;

// The smallest valid workflow; tests append to it. Lines 1-9.
constexpr std::string_view kMini = R"(programme: mini
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

std::string Mini(std::string_view more) { return std::string(kMini) + std::string(more); }

// ---------------------------------------------------------------------------
// The shipped insertion programme

class WorkflowInsertionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    load_ = LoadWorkflowFile(std::string(PARCOURS_SOURCE_DIR) + "/workflows/insertion.yaml");
    ASSERT_TRUE(load_.problems.empty()) << Describe(load_);
    ASSERT_TRUE(load_.workflow.has_value());
    wf_ = &*load_.workflow;
  }
  const FieldSpec& Field(const std::vector<FieldSpec>& fields, std::string_view id) {
    for (const auto& field : fields) {
      if (field.id == id) return field;
    }
    ADD_FAILURE() << "no field " << id;
    static const FieldSpec kNone;
    return kNone;
  }
  static Strings ValueIds(const FieldSpec& field) { return Ids(field.values); }

  WorkflowLoad load_;
  const Workflow* wf_ = nullptr;
};

TEST_F(WorkflowInsertionTest, ProgrammeAndSteps) {
  EXPECT_EQ(wf_->id, "insertion");
  EXPECT_EQ(wf_->label, "Parcours insertion");
  EXPECT_EQ(Ids(wf_->steps),
            (Strings{"referral", "positioning", "training", "vae", "placement", "exited"}));
  ASSERT_NE(wf_->initial_step(), nullptr);
  EXPECT_EQ(wf_->initial_step()->id, "referral");
  for (const auto& step : wf_->steps) {
    EXPECT_EQ(step.final, step.id == "exited") << step.id;
    EXPECT_EQ(step.initial, step.id == "referral") << step.id;
    EXPECT_NE(step.label, step.id) << "every step has a French label: " << step.id;
  }
  EXPECT_EQ(wf_->step_display("positioning"), "Positionnement (positioning)");
}

TEST_F(WorkflowInsertionTest, Enrolment) {
  ASSERT_EQ(wf_->enrolment_fields.size(), 1u);
  const FieldSpec& prescriber = wf_->enrolment_fields[0];
  EXPECT_EQ(prescriber.id, "prescriber");
  EXPECT_EQ(prescriber.type, FieldType::kEnum);
  EXPECT_TRUE(prescriber.required);
  EXPECT_EQ(ValueIds(prescriber), (Strings{"france_travail", "mission_locale", "ccas",
                                           "rsa_referent", "siae", "self", "other"}));
}

TEST_F(WorkflowInsertionTest, TransitionsFromAndTo) {
  EXPECT_EQ(Ids(wf_->transitions),
            (Strings{"position", "start_training", "start_vae", "place", "exit"}));
  struct Expected {
    std::string id;
    Strings from;
    std::string to;
  };
  const std::vector<Expected> expected = {
      {"position", {"referral"}, "positioning"},
      {"start_training", {"positioning", "vae"}, "training"},
      {"start_vae", {"positioning", "training"}, "vae"},
      {"place", {"positioning", "training", "vae"}, "placement"},
      {"exit", {"referral", "positioning", "training", "vae", "placement"}, "exited"},
  };
  for (const auto& e : expected) {
    const Transition* t = wf_->find_transition(e.id);
    ASSERT_NE(t, nullptr) << e.id;
    EXPECT_EQ(t->from, e.from) << e.id;
    EXPECT_EQ(t->to, e.to) << e.id;
  }
  EXPECT_EQ(Ids(wf_->transitions_from("placement")), (Strings{"exit"}));
  EXPECT_EQ(Ids(wf_->transitions_from("referral")), (Strings{"position", "exit"}));
  EXPECT_TRUE(wf_->transitions_from("exited").empty());
}

TEST_F(WorkflowInsertionTest, TransitionFields) {
  const auto& training = wf_->find_transition("start_training")->fields;
  EXPECT_EQ(Ids(training), (Strings{"provider", "certification", "hours"}));
  EXPECT_EQ(Field(training, "provider").type, FieldType::kText);
  EXPECT_TRUE(Field(training, "provider").required);
  EXPECT_EQ(Field(training, "certification").type, FieldType::kText);
  EXPECT_FALSE(Field(training, "certification").required);
  EXPECT_EQ(Field(training, "hours").type, FieldType::kInteger);
  EXPECT_FALSE(Field(training, "hours").required);
  EXPECT_EQ(Field(training, "hours").min, 1);
  EXPECT_EQ(Field(training, "hours").max, std::nullopt);

  const auto& vae = wf_->find_transition("start_vae")->fields;
  EXPECT_EQ(Ids(vae), (Strings{"certification"}));
  EXPECT_TRUE(Field(vae, "certification").required);

  const auto& place = wf_->find_transition("place")->fields;
  EXPECT_EQ(Ids(place), (Strings{"contract", "months"}));
  const FieldSpec& contract = Field(place, "contract");
  EXPECT_TRUE(contract.required);
  EXPECT_EQ(ValueIds(contract), (Strings{"cdi", "cdd", "interim", "contrat_aide", "creation"}));
  const FieldSpec& months = Field(place, "months");
  EXPECT_EQ(months.type, FieldType::kInteger);
  EXPECT_FALSE(months.required);
  EXPECT_EQ(months.min, 1);
  EXPECT_EQ(months.max, 60);
  ASSERT_TRUE(months.required_when.has_value());
  EXPECT_EQ(months.required_when->field, "contract");
  EXPECT_EQ(months.required_when->values, (Strings{"cdd", "interim", "contrat_aide"}));

  const auto& exit = wf_->find_transition("exit")->fields;
  EXPECT_EQ(Ids(exit), (Strings{"reason"}));
  EXPECT_TRUE(Field(exit, "reason").required);
  EXPECT_EQ(ValueIds(Field(exit, "reason")),
            (Strings{"employment", "training", "dropout", "moved", "refused", "other"}));
  EXPECT_TRUE(wf_->find_transition("position")->fields.empty());
}

TEST_F(WorkflowInsertionTest, Milestones) {
  EXPECT_EQ(Ids(wf_->milestones),
            (Strings{"training_completed", "vae_decided", "follow_up", "interview"}));
  EXPECT_EQ(wf_->find_milestone("training_completed")->steps, (Strings{"training"}));
  EXPECT_EQ(wf_->find_milestone("vae_decided")->steps, (Strings{"vae"}));
  EXPECT_EQ(wf_->find_milestone("follow_up")->steps, (Strings{"exited"}));
  EXPECT_EQ(wf_->find_milestone("interview")->steps,
            (Strings{"referral", "positioning", "training", "vae", "placement"}));

  const FieldSpec& certified = wf_->find_milestone("training_completed")->fields.at(0);
  EXPECT_EQ(certified.id, "certified");
  EXPECT_EQ(certified.type, FieldType::kYesNo);
  EXPECT_TRUE(certified.required);

  const FieldSpec& result = wf_->find_milestone("vae_decided")->fields.at(0);
  EXPECT_EQ(result.id, "result");
  EXPECT_TRUE(result.required);
  EXPECT_EQ(ValueIds(result), (Strings{"full", "partial", "none"}));

  const FieldSpec& employed = wf_->find_milestone("follow_up")->fields.at(0);
  EXPECT_EQ(employed.id, "employed");
  EXPECT_EQ(employed.type, FieldType::kYesNo);
  EXPECT_TRUE(employed.required);

  const auto& interview = wf_->find_milestone("interview")->fields;
  EXPECT_EQ(Ids(interview), (Strings{"mode", "minutes"}));
  EXPECT_TRUE(Field(interview, "mode").required);
  EXPECT_EQ(ValueIds(Field(interview, "mode")), (Strings{"individual", "group", "phone", "video"}));
  EXPECT_FALSE(Field(interview, "minutes").required);
  EXPECT_EQ(Field(interview, "minutes").min, 5);
  EXPECT_EQ(Field(interview, "minutes").max, 480);

  EXPECT_EQ(Ids(wf_->milestones_in("exited")), (Strings{"follow_up"}));
  EXPECT_EQ(Ids(wf_->milestones_in("training")), (Strings{"training_completed", "interview"}));
}

TEST_F(WorkflowInsertionTest, PlaceValidatesAsTheContractSays) {
  const auto& place = wf_->find_transition("place")->fields;
  auto cdd = ValidateFields(place, {{"contract", "cdd"}}, "transition \"place\"");
  ASSERT_FALSE(cdd.ok());
  EXPECT_EQ(cdd.status().message(),
            "field \"months\" is required when contract is cdd, interim or contrat_aide");
  auto cdi = ValidateFields(place, {{"contract", "cdi"}}, "transition \"place\"");
  ASSERT_TRUE(cdi.ok()) << cdi.status().ToString();
  EXPECT_EQ(*cdi, (Json{{"contract", "cdi"}}));
}

// ---------------------------------------------------------------------------
// Loading basics

TEST(WorkflowLoaderTest, MinimalWorkflowLoadsWithDefaults) {
  const auto load = Load(kMini);
  ASSERT_TRUE(load.problems.empty()) << Describe(load);
  ASSERT_TRUE(load.workflow.has_value());
  const Workflow& wf = *load.workflow;
  EXPECT_EQ(wf.id, "mini");
  EXPECT_EQ(wf.label, "mini");  // label defaults to the id
  EXPECT_EQ(wf.steps.at(0).label, "start");
  EXPECT_EQ(wf.steps.at(0).line, 3);
  EXPECT_EQ(wf.transitions.at(0).label, "finish");
  EXPECT_EQ(wf.transitions.at(0).line, 8);
  EXPECT_EQ(wf.step_display("start"), "start");
  EXPECT_TRUE(wf.enrolment_fields.empty());
  EXPECT_TRUE(wf.milestones.empty());
}

TEST(WorkflowLoaderTest, AnyExpandsToNonFinalStepsInFileOrder) {
  const auto load = Load(R"(programme: p
steps:
  - {id: c, initial: true}
  - {id: done, final: true}
  - {id: a}
  - {id: gone, final: true}
transitions:
  - {id: go, from: [c], to: a}
  - {id: stop, from: any, to: done}
  - {id: leave, from: a, to: gone}
milestones:
  - {id: note, in: any}
  - {id: after, in: [done, gone]}
)");
  ASSERT_TRUE(load.workflow.has_value()) << Describe(load);
  EXPECT_EQ(load.workflow->find_transition("stop")->from, (Strings{"c", "a"}));
  EXPECT_EQ(load.workflow->find_transition("leave")->from, (Strings{"a"}));
  EXPECT_EQ(load.workflow->find_milestone("note")->steps, (Strings{"c", "a"}));
  EXPECT_EQ(load.workflow->find_milestone("after")->steps, (Strings{"done", "gone"}));
}

TEST(WorkflowLoaderTest, FieldDetailsAreRead) {
  const auto load = Load(Mini(R"(enrolment:
  fields:
    - id: note
      type: text
      max_length: 20
    - id: sort
      label: Genre
      type: enum
      values: [a, {id: b, label: Bé}]
    - id: born
      type: date
    - id: flag
      type: yesno
      required: True
    - id: extra
      type: text
      required_when: {field: flag, in: [YES]}
)"));
  ASSERT_TRUE(load.workflow.has_value()) << Describe(load);
  const auto& fields = load.workflow->enrolment_fields;
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].max_length, 20u);
  EXPECT_EQ(fields[0].line, 13);
  EXPECT_EQ(fields[1].label, "Genre");
  ASSERT_EQ(fields[1].values.size(), 2u);
  EXPECT_EQ(fields[1].values[0].label, "a");
  EXPECT_EQ(fields[1].values[1].label, "Bé");
  EXPECT_EQ(fields[2].type, FieldType::kDate);
  EXPECT_TRUE(fields[3].required);
  ASSERT_TRUE(fields[4].required_when.has_value());
  // Values are kept in the referenced field's stored form.
  EXPECT_EQ(fields[4].required_when->values, (Strings{"yes"}));
}

TEST(WorkflowLoaderTest, MissingFileIsOneProblem) {
  const auto load = LoadWorkflowFile("/nonexistent/dir/none.yaml");
  ASSERT_EQ(load.problems.size(), 1u);
  EXPECT_FALSE(load.workflow.has_value());
  EXPECT_EQ(load.problems[0].file, "/nonexistent/dir/none.yaml");
  EXPECT_EQ(load.problems[0].line, 0);
  EXPECT_EQ(load.problems[0].ToString(), "/nonexistent/dir/none.yaml: no such file");
}

TEST(WorkflowLoaderTest, ProblemToString) {
  WorkflowProblem problem{"workflows/x.yaml", 12, "transition \"place\": unknown step"};
  EXPECT_EQ(problem.ToString(), "workflows/x.yaml:12: transition \"place\": unknown step");
}

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

// ---------------------------------------------------------------------------
// Canonical JSON

constexpr std::string_view kBlockLayout = R"(# A small programme.
programme: demo
label: Démo
steps:
  - id: in
    label: Entrée
    initial: true
  - id: out
    final: true
enrolment:
  fields:
    - id: who
      type: enum
      values: [a, b]
      required: true
transitions:
  - id: go      # the only way out
    from: any
    to: out
    fields:
      - id: n
        type: integer
        min: 1
milestones:
  - id: seen
    in: [in]
)";

// Same meaning: flow style, other key order, explicit defaults, comments.
constexpr std::string_view kFlowLayout = R"(
milestones: [{in: [in], id: seen, label: seen, fields: []}]
transitions:
  # comment
  - {id: go, label: go, to: out, from: [in], fields: [{type: integer, id: n, min: 1, required: false}]}
enrolment: {fields: [{id: who, type: enum, required: true, values: [{id: a, label: a}, b]}]}
steps: [{id: in, label: Entrée, initial: true, final: false}, {id: out, final: true, initial: false}]
label: "Démo"
programme: demo
)";

TEST(WorkflowJsonTest, SameMeaningGivesEqualJson) {
  const auto block = Load(kBlockLayout);
  const auto flow = Load(kFlowLayout);
  ASSERT_TRUE(block.workflow.has_value()) << Describe(block);
  ASSERT_TRUE(flow.workflow.has_value()) << Describe(flow);
  EXPECT_EQ(block.workflow->to_json(), flow.workflow->to_json());
  EXPECT_EQ(block.workflow->to_json().dump(), flow.workflow->to_json().dump());
  EXPECT_NE(block.workflow->steps[0].line, flow.workflow->steps[0].line);  // lines left out
}

TEST(WorkflowJsonTest, LabelChangeGivesDifferentJson) {
  std::string changed(kBlockLayout);
  changed.replace(changed.find("Entrée"), std::string_view("Entrée").size(), "Accueil");
  const auto a = Load(kBlockLayout);
  const auto b = Load(changed);
  ASSERT_TRUE(a.workflow && b.workflow) << Describe(b);
  EXPECT_NE(a.workflow->to_json(), b.workflow->to_json());
}

TEST(WorkflowJsonTest, ShapeOfTheJson) {
  const auto load = Load(kBlockLayout);
  ASSERT_TRUE(load.workflow.has_value()) << Describe(load);
  const Json json = load.workflow->to_json();
  EXPECT_EQ(json["programme"], "demo");
  EXPECT_EQ(json["label"], "Démo");
  EXPECT_EQ(json["steps"][0],
            (Json{{"id", "in"}, {"label", "Entrée"}, {"initial", true}, {"final", false}}));
  EXPECT_EQ(json["transitions"][0]["from"], Json::array({"in"}));
  EXPECT_EQ(
      json["transitions"][0]["fields"][0],
      (Json{{"id", "n"}, {"label", "n"}, {"type", "integer"}, {"required", false}, {"min", 1}}));
  EXPECT_EQ(json["enrolment"]["fields"][0]["values"][1], (Json{{"id", "b"}, {"label", "b"}}));
  EXPECT_EQ(json["milestones"][0]["in"], Json::array({"in"}));
}

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
