// Loading workflow files: YAML -> Workflow, with every problem reported.
//
// The reader walks the document once, building the Workflow and collecting
// problems as it goes; it never stops at the first one. Fields are read by
// loader_fields.cc, guards, derive and notify by loader_rules.cc; whole-graph checks (initial/final steps, reachability,
// dead ends, loader_graph.cc) run after the walk; limits and generic value
// readers are in loader_support.h. The
// format is documented in docs/workflow-format.md: keep the two in step.
#include "parcours/workflow_loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "parcours/plugins.h"
#include "parcours/text.h"
#include "workflow/loader_support.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace parcours {
namespace loader {
namespace {

constexpr std::string_view kAny = "any";
const KeyList kTopKeys = {"programme", "label",      "steps",    "enrolment",
                          "transitions", "milestones", "deadlines"};
const KeyList kStepKeys = {"id", "label", "initial", "final"};
const KeyList kEnrolmentKeys = {"fields", "guards", "derive", "notify"};
const KeyList kTransitionKeys = {"id", "label", "from", "to", "fields", "guards", "derive", "notify"};
const KeyList kMilestoneKeys = {"id", "label", "in", "fields", "guards", "derive", "notify"};
// Ids the engine uses for its own events; a transition or milestone may not take them.
const KeyList kReservedActionIds = {"enroll", "assign", "void"};

// Where a transition or milestone id was first declared, to catch reuse.
struct ActionDeclaration {
  std::string kind;  // "transition" or "milestone"
  int line = 0;
};

// Reads one workflow document. Each Read* function reports what is wrong with
// its part of the document and returns what it could make of it.
class WorkflowReader : public ValueReader {
 public:
  explicit WorkflowReader(LoadContext& context) : ValueReader(context) {}

  Workflow Read(const YAML::Node& root) {
    Workflow workflow;
    if (!root.IsMap()) {
      problems_.Add(root.IsDefined() && !root.IsNull() ? LineOf(root) : 1,
                    "the top level must be a map with programme, label, steps, enrolment, "
                    "transitions and milestones; found " +
                        KindOf(root));
      return workflow;
    }
    CheckKeys(root, kTopKeys, "the top level");
    workflow.id = ReadId(root, "programme", "the top level");
    workflow.label = ReadLabel(root, "the programme", workflow.id);

    if (const auto steps = Find(root, "steps")) {
      workflow.steps = ReadSteps(*steps);
      for (std::size_t i = 0; i < workflow.steps.size(); ++i) step_index_.emplace(workflow.steps[i].id, i);
    } else {
      problems_.Add(root, "missing \"steps\": a workflow needs a list of steps");
    }
    if (const auto enrolment = Find(root, "enrolment")) {
      workflow.enrolment_fields = ReadEnrolment(*enrolment);
      if (enrolment->IsMap()) {
        workflow.enrolment_rules = ReadActionRules(context_, *enrolment, "enrolment", workflow.enrolment_fields);
      }
    }
    if (const auto transitions = Find(root, "transitions")) {
      ReadTransitions(*transitions, workflow);
    }
    if (const auto milestones = Find(root, "milestones")) {
      ReadMilestones(*milestones, workflow);
    }
    if (const auto deadlines = Find(root, "deadlines")) {
      workflow.deadlines = ReadDeadlines(context_, *deadlines, workflow);
    }
    if (!workflow.steps.empty()) CheckGraph(workflow, *Find(root, "steps"), unknown_step_named_, problems_);
    return workflow;
  }

 private:
  // The step `id` of the workflow being read, in constant time.
  const Step* FindStep(const Workflow& workflow, const std::string& id) const {
    const auto it = step_index_.find(id);
    return it == step_index_.end() ? nullptr : &workflow.steps[it->second];
  }

  // ---- Steps ---------------------------------------------------------------

  std::vector<Step> ReadSteps(const YAML::Node& list) {
    std::vector<Step> steps;
    if (!ExpectList(list, "steps", "the file")) return steps;
    if (list.size() == 0) {
      problems_.Add(list, "\"steps\" must list at least one step");
      return steps;
    }
    if (!WithinLimit(list, kMaxSteps, "steps", "the file")) return steps;
    std::map<std::string, int> first_line;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("step", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, initial, final");
        continue;
      }
      CheckKeys(item, kStepKeys, where);
      Step step;
      step.line = LineOf(item);
      step.id = ReadId(item, "id", where);
      step.label = ReadLabel(item, where, step.id);
      step.initial = ReadBool(item, "initial", where).value_or(false);
      step.final = ReadBool(item, "final", where).value_or(false);
      if (step.initial && step.final) {
        problems_.Add(item, where + ": a step cannot be both initial and final");
      }
      if (step.id.empty()) continue;
      if (step.id == kAny) {
        problems_.Add(item, where + ": the id \"any\" is reserved (it means every non-final step)");
        continue;
      }
      const auto [it, inserted] = first_line.emplace(step.id, step.line);
      if (!inserted) {
        problems_.Add(item, "duplicate step id " + Quote(step.id) + " (first declared on line " +
                                std::to_string(it->second) + ")");
        continue;
      }
      steps.push_back(std::move(step));
    }
    return steps;
  }

  // Step ids named by `value` (a list, one id, or "any" = every non-final step
  // in file order). Reports unknown, repeated and misplaced ids; `key` is
  // "from" or "in". An empty list is a problem.
  std::vector<std::string> ReadStepRefs(const YAML::Node& value, std::string_view key,
                                        const std::string& where, const Workflow& workflow) {
    std::vector<std::string> ids;
    if (value.IsScalar() && value.Scalar() == kAny) {
      for (const auto& step : workflow.steps) {
        if (!step.final) ids.push_back(step.id);
      }
      return ids;
    }
    std::vector<YAML::Node> items;
    if (value.IsScalar()) {
      items.push_back(value);
    } else if (value.IsSequence()) {
      if (!WithinLimit(value, kMaxSteps, key, where)) return ids;
      for (const auto& item : value) items.push_back(item);
      if (items.empty()) {
        problems_.Add(value, where + ": " + Quote(key) +
                                 " is an empty list; name at least one step, or write any");
      }
    } else {
      problems_.Add(value, where + ": " + Quote(key) +
                               " must be a list of step ids or any, found " + KindOf(value));
    }
    std::unordered_set<std::string> listed;
    for (const auto& item : items) {
      if (!item.IsScalar()) {
        problems_.Add(item,
                      where + ": " + Quote(key) + " must list step ids, found " + KindOf(item));
        continue;
      }
      const std::string& id = item.Scalar();
      if (id == kAny) {
        problems_.Add(item, where + ": any must stand alone (" + std::string(key) +
                                ": any), not inside a list");
      } else if (FindStep(workflow, id) == nullptr) {
        if (key == "from") unknown_step_named_ = true;
        problems_.Add(item, where + ": unknown step " + Quote(id) + " in " + std::string(key) +
                                StepHint(id, workflow));
      } else if (!listed.insert(id).second) {
        problems_.Add(item,
                      where + ": step " + Quote(id) + " is listed twice in " + std::string(key));
      } else {
        ids.push_back(id);
      }
    }
    return ids;
  }

  // "(did you mean ...)" against the workflow's step ids.
  static std::string StepHint(std::string_view id, const Workflow& workflow) {
    std::vector<std::string> step_ids;
    for (const auto& step : workflow.steps) step_ids.push_back(step.id);
    return DidYouMean(id, step_ids);
  }

  // ---- Enrolment, transitions, milestones ----------------------------------

  std::vector<FieldSpec> ReadEnrolment(const YAML::Node& enrolment) {
    if (!enrolment.IsMap()) {
      problems_.Add(enrolment,
                    "\"enrolment\" must be a map with \"fields\", found " + KindOf(enrolment));
      return {};
    }
    CheckKeys(enrolment, kEnrolmentKeys, "enrolment");
    const auto fields = Find(enrolment, "fields");
    return fields ? ReadFieldList(context_, *fields, "enrolment") : std::vector<FieldSpec>{};
  }

  // Checks the id of a transition or milestone: reserved, unique among both.
  bool ClaimActionId(const std::string& id, const YAML::Node& item, const std::string& kind) {
    if (IsOneOf(id, kReservedActionIds)) {
      problems_.Add(
          item, kind + " " + Quote(id) + ": the id " + Quote(id) +
                    " is reserved by the engine (reserved: " + JoinComma(kReservedActionIds) + ")");
      return false;
    }
    const auto [it, inserted] = action_ids_.emplace(id, ActionDeclaration{kind, LineOf(item)});
    if (inserted) return true;
    if (it->second.kind == kind) {
      problems_.Add(item, "duplicate " + kind + " id " + Quote(id) + " (first declared on line " +
                              std::to_string(it->second.line) + ")");
    } else {
      problems_.Add(item, kind + " " + Quote(id) + ": the id is already used by " +
                              it->second.kind + " " + Quote(id) + " on line " +
                              std::to_string(it->second.line) +
                              "; transitions and milestones share one set of ids");
    }
    return false;
  }

  void ReadTransitions(const YAML::Node& list, Workflow& workflow) {
    if (!ExpectList(list, "transitions", "the file")) return;
    if (!WithinLimit(list, kMaxActions, "transitions", "the file")) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("transition", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, from, to, fields");
        continue;
      }
      CheckKeys(item, kTransitionKeys, where);
      Transition transition;
      transition.line = LineOf(item);
      transition.id = ReadId(item, "id", where);
      transition.label = ReadLabel(item, where, transition.id);
      if (const auto from = Find(item, "from")) {
        transition.from = ReadStepRefs(*from, "from", where, workflow);
        CheckNotLeavingFinal(*from, transition.from, where, workflow);
      } else {
        problems_.Add(item, where + ": missing \"from\" (a list of steps, or any)");
      }
      transition.to = ReadTarget(item, where, workflow);
      if (const auto fields = Find(item, "fields")) {
        transition.fields = ReadFieldList(context_, *fields, where);
      }
      transition.rules = ReadActionRules(context_, item, where, transition.fields);
      if (!transition.id.empty() && ClaimActionId(transition.id, item, "transition")) {
        workflow.transitions.push_back(std::move(transition));
      }
    }
  }

  void CheckNotLeavingFinal(const YAML::Node& from, const std::vector<std::string>& step_ids,
                            const std::string& where, const Workflow& workflow) {
    for (const auto& id : step_ids) {
      const Step* step = FindStep(workflow, id);
      if (step != nullptr && step->final) {
        problems_.Add(from, where + ": cannot leave final step " + Quote(id) +
                                "; nothing happens after a final step but milestones");
      }
    }
  }

  // The "to" step of a transition; "" (after reporting) when missing or unknown.
  std::string ReadTarget(const YAML::Node& item, const std::string& where,
                         const Workflow& workflow) {
    const auto to = Find(item, "to");
    if (!to) {
      problems_.Add(item, where + ": missing \"to\" (the step it leads to)");
      return {};
    }
    const auto id = ScalarText(*to, "to", where);
    if (!id) return {};
    if (FindStep(workflow, *id) == nullptr) {
      unknown_step_named_ = true;
      problems_.Add(*to,
                    where + ": unknown step " + Quote(*id) + " in to" + StepHint(*id, workflow));
      return {};
    }
    return *id;
  }

  void ReadMilestones(const YAML::Node& list, Workflow& workflow) {
    if (!ExpectList(list, "milestones", "the file")) return;
    if (!WithinLimit(list, kMaxActions, "milestones", "the file")) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("milestone", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, in, fields");
        continue;
      }
      CheckKeys(item, kMilestoneKeys, where);
      Milestone milestone;
      milestone.line = LineOf(item);
      milestone.id = ReadId(item, "id", where);
      milestone.label = ReadLabel(item, where, milestone.id);
      if (const auto in = Find(item, "in")) {
        milestone.steps = ReadStepRefs(*in, "in", where, workflow);
      } else {
        problems_.Add(item, where + ": missing \"in\" (the steps it may be recorded in, or any)");
      }
      if (const auto fields = Find(item, "fields")) {
        milestone.fields = ReadFieldList(context_, *fields, where);
      }
      milestone.rules = ReadActionRules(context_, item, where, milestone.fields);
      if (!milestone.id.empty() && ClaimActionId(milestone.id, item, "milestone")) {
        workflow.milestones.push_back(std::move(milestone));
      }
    }
  }

  std::map<std::string, ActionDeclaration> action_ids_;
  std::unordered_map<std::string, std::size_t> step_index_;  // step id -> index in steps
  bool unknown_step_named_ = false;  // some from/to named a step that does not exist
};

}  // namespace
}  // namespace loader

using loader::kMaxFileBytes;

std::string WorkflowProblem::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  return out + ": " + message;
}

WorkflowLoad LoadWorkflowText(std::string_view text, std::string_view file,
                              const PluginRegistry* plugins, bool check_plugins) {
  loader::Problems problems{std::string(file)};
  WorkflowLoad load;
  if (text.size() > kMaxFileBytes) {
    problems.Add(0, "the file is " + std::to_string(text.size()) + " bytes; a workflow file is at most " +
                        std::to_string(kMaxFileBytes) + " bytes (1 MiB)");
    load.problems = std::move(problems).Take();
    return load;
  }
  if (const auto bad = FirstInvalidUtf8(text)) {
    const auto line = 1 + std::count(text.begin(), text.begin() + *bad, '\n');
    problems.Add(static_cast<int>(line), "the file is not valid UTF-8 (byte " +
                                             std::to_string(*bad) + "); save it as UTF-8");
    load.problems = std::move(problems).Take();
    return load;
  }
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      problems.Add(loader::LineOf(documents[1]),
                   "the file holds more than one YAML document (---); keep one workflow per "
                   "file");
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
    if (documents.empty() || root.IsNull()) {
      problems.Add(1, "the file is empty; a workflow needs at least programme and steps");
    } else {
      loader::LoadContext context{problems, plugins, check_plugins};
      Workflow workflow = loader::WorkflowReader(context).Read(root);
      if (problems.empty()) load.workflow = std::move(workflow);
    }
  } catch (const YAML::DeepRecursion& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    problems.Add(line, "YAML nested too deeply (more than " + std::to_string(e.depth() - 1) +
                           " levels); a workflow needs only a few levels: look for an unclosed "
                           "bracket or runaway indentation");
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    problems.Add(line, "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    problems.Add(0, std::string("cannot read the workflow: ") + e.what());
  }
  load.problems = std::move(problems).Take();
  if (!load.problems.empty()) load.workflow.reset();
  return load;
}

WorkflowLoad LoadWorkflowFile(const std::string& path, const PluginRegistry* plugins) {
  WorkflowLoad load;
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      const bool exists = std::filesystem::exists(path, ec);
      load.problems.push_back({path, 0, exists ? "not a regular file" : "no such file"});
      return load;
    }
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxFileBytes) {
      load.problems.push_back({path, 0, "the file is " + std::to_string(size) +
                                            " bytes; a workflow file is at most " +
                                            std::to_string(kMaxFileBytes) + " bytes (1 MiB)"});
      return load;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
      load.problems.push_back({path, 0, std::string("cannot open: ") + std::strerror(errno)});
      return load;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
      load.problems.push_back({path, 0, "cannot read the file"});
      return load;
    }
    return LoadWorkflowText(text.str(), path, plugins);
  } catch (const std::exception& e) {
    load.problems.push_back({path, 0, std::string("cannot read: ") + e.what()});
    return load;
  }
}

}  // namespace parcours
