// Whole-graph checks of a workflow: initial and final steps, reachability,
// dead ends. Linear in the size of the graph.
#include <deque>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "workflow/loader_support.h"

namespace parcours::loader {
namespace {

class GraphChecker {
 public:
  GraphChecker(Problems& problems, bool unknown_step_named)
      : problems_(problems), unknown_step_named_(unknown_step_named) {}

  void Check(const Workflow& workflow, const YAML::Node& steps_node) {
    const Step* initial = nullptr;
    bool has_final = false;
    for (const auto& step : workflow.steps) {
      has_final = has_final || step.final;
      if (!step.initial) continue;
      if (initial == nullptr) {
        initial = &step;
      } else {
        problems_.Add(step.line, "step " + Quote(step.id) + ": more than one initial step (" +
                                     Quote(initial->id) + " is already initial)");
      }
    }
    if (initial == nullptr) {
      problems_.Add(steps_node, "no initial step; mark exactly one step with \"initial: true\"");
    }
    if (!has_final) {
      problems_.Add(steps_node, "no final step; mark at least one step with \"final: true\"");
    }
    // With a misspelt step somewhere the graph is not the one the author
    // meant: path problems would only be noise until it is fixed.
    if (unknown_step_named_) return;
    if (initial != nullptr) CheckReachable(workflow, *initial);
    CheckDeadEnds(workflow, has_final);
  }

  // Steps reachable from `start` following transitions forwards (or backwards).
  // The edges are listed once, so that the walk is linear in the graph's size.
  static std::set<std::string> Reachable(const Workflow& workflow,
                                         const std::vector<std::string>& start, bool backwards) {
    std::unordered_map<std::string_view, std::vector<std::string_view>> next;
    for (const auto& transition : workflow.transitions) {
      if (transition.to.empty()) continue;
      for (const auto& from : transition.from) {
        if (backwards) next[transition.to].push_back(from);
        else next[from].push_back(transition.to);
      }
    }
    std::set<std::string> seen(start.begin(), start.end());
    std::deque<std::string_view> queue(start.begin(), start.end());
    while (!queue.empty()) {
      const auto it = next.find(queue.front());
      queue.pop_front();
      if (it == next.end()) continue;
      for (const std::string_view step : it->second) {
        if (seen.emplace(step).second) queue.push_back(step);
      }
    }
    return seen;
  }

  void CheckReachable(const Workflow& workflow, const Step& initial) {
    const auto reached = Reachable(workflow, {initial.id}, /*backwards=*/false);
    for (const auto& step : workflow.steps) {
      if (reached.count(step.id) == 0) {
        problems_.Add(step.line, "step " + Quote(step.id) +
                                     " cannot be reached from the initial step " +
                                     Quote(initial.id) + " by any transition");
      }
    }
  }

  // A non-final step must have a way out, and some way to a final step.
  void CheckDeadEnds(const Workflow& workflow, bool has_final) {
    std::vector<std::string> finals;
    for (const auto& step : workflow.steps) {
      if (step.final) finals.push_back(step.id);
    }
    const auto can_finish = Reachable(workflow, finals, /*backwards=*/true);
    std::unordered_set<std::string_view> has_exit;
    for (const auto& transition : workflow.transitions) {
      has_exit.insert(transition.from.begin(), transition.from.end());
    }
    for (const auto& step : workflow.steps) {
      if (step.final) continue;
      if (has_exit.count(step.id) == 0) {
        problems_.Add(step.line, "step " + Quote(step.id) +
                                     " is a dead end: it is not final and no transition "
                                     "leaves it");
      } else if (has_final && can_finish.count(step.id) == 0) {
        problems_.Add(step.line, "step " + Quote(step.id) +
                                     ": no sequence of transitions leads from it to a final step");
      }
    }
  }

 private:
  Problems& problems_;
  bool unknown_step_named_;
};

}  // namespace

void CheckGraph(const Workflow& workflow, const YAML::Node& steps_node, bool unknown_step_named,
                Problems& problems) {
  GraphChecker(problems, unknown_step_named).Check(workflow, steps_node);
}

}  // namespace parcours::loader
