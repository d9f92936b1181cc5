// Tests for loading workflow files (workflow_loader.h): the shipped
// workflows/insertion.yaml, the basics of loading, the canonical JSON. Every
// validation problem is in workflow_loader_problems_test.cc, the limits in
// workflow_loader_limits_test.cc.
#include "parcours/workflow_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "workflow_loader_test_support.h"

namespace parcours {
namespace {

using namespace workflow_testing;  // NOLINT

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

}  // namespace
}  // namespace parcours
