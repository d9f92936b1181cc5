// Reading the deadlines of a workflow file (docs/workflow-format.md,
// "Deadlines"): what opens each one, when it falls due, what clears it.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "workflow/loader_support.h"

namespace parcours::loader {
namespace {

const KeyList kDeadlineKeys = {"id", "label", "opened_by", "due", "cleared_by", "cleared_in"};
constexpr std::string_view kEnrolAction = "enroll";
constexpr const char* kDueForm =
    "write it as a whole number and a unit: \"30 days\", \"2 weeks\" or \"6 months\"";

struct UnitLimit {
  std::string_view singular;
  DurationUnit unit;
  int max;  // about ten years in each unit
};
constexpr UnitLimit kUnits[] = {
    {"day", DurationUnit::kDays, 3660}, {"week", DurationUnit::kWeeks, 520}, {"month", DurationUnit::kMonths, 120}};

class DeadlinesReader : public ValueReader {
 public:
  DeadlinesReader(LoadContext& context, const Workflow& workflow) : ValueReader(context), workflow_(workflow) {
    for (const auto& t : workflow.transitions) actions_.push_back(t.id);
    for (const auto& m : workflow.milestones) actions_.push_back(m.id);
    for (const auto& s : workflow.steps) steps_.push_back(s.id);
  }

  std::vector<Deadline> Read(const YAML::Node& list) {
    std::vector<Deadline> out;
    if (!ExpectList(list, "deadlines", "the file")) return out;
    if (!WithinLimit(list, kMaxActions, "deadlines", "the file")) return out;
    std::map<std::string, int> first_line;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string where = ItemName("deadline", item, i);
      if (!item.IsMap()) {
        problems_.Add(item, where + ": must be a map with id, label, opened_by, due, cleared_by, cleared_in");
        continue;
      }
      CheckKeys(item, kDeadlineKeys, where);
      Deadline d;
      d.line = LineOf(item);
      d.id = ReadId(item, "id", where);
      d.label = ReadLabel(item, where, d.id);
      if (const auto opened = Find(item, "opened_by")) {
        d.opened_by = ReadNames(*opened, "opened_by", where, /*enrol_allowed=*/true);
      } else {
        problems_.Add(item, where + ": missing \"opened_by\" (enroll, or the transitions and milestones "
                                    "that open it)");
      }
      if (const auto due = Find(item, "due")) {
        ReadDue(*due, where, d);
      } else {
        problems_.Add(item, where + ": missing \"due\" (how long after the opening event it falls due; " +
                                std::string(kDueForm) + ")");
      }
      const auto cleared_by = Find(item, "cleared_by");
      const auto cleared_in = Find(item, "cleared_in");
      if (cleared_by) d.cleared_by = ReadNames(*cleared_by, "cleared_by", where, /*enrol_allowed=*/false);
      if (cleared_in) d.cleared_in = ReadSteps(*cleared_in, where);
      if (!cleared_by && !cleared_in) {
        problems_.Add(item, where + ": nothing clears it: give \"cleared_by\" (transitions or milestones) "
                                    "or \"cleared_in\" (steps), or both");
      }
      if (d.id.empty()) continue;
      const auto [it, inserted] = first_line.emplace(d.id, d.line);
      if (!inserted) {
        problems_.Add(item, "duplicate deadline id " + Quote(d.id) + " (first declared on line " +
                                std::to_string(it->second) + ")");
        continue;
      }
      out.push_back(std::move(d));
    }
    return out;
  }

 private:
  // The items of a list, or of one scalar standing alone; an empty list and
  // any other kind are reported.
  std::vector<YAML::Node> Items(const YAML::Node& value, std::string_view key, const std::string& where,
                                std::string_view what) {
    std::vector<YAML::Node> items;
    if (value.IsScalar()) {
      items.push_back(value);
    } else if (value.IsSequence()) {
      if (!WithinLimit(value, kMaxActions, key, where)) return items;
      for (const auto& item : value) items.push_back(item);
      if (items.empty()) problems_.Add(value, where + ": " + Quote(key) + " is an empty list; name at least one " + std::string(what));
    } else {
      problems_.Add(value, where + ": " + Quote(key) + " must be a list of " + std::string(what) + "s, found " + KindOf(value));
    }
    return items;
  }

  // Transition or milestone ids (and "enroll" when allowed), each once.
  std::vector<std::string> ReadNames(const YAML::Node& value, std::string_view key, const std::string& where,
                                     bool enrol_allowed) {
    std::vector<std::string> known = actions_;
    if (enrol_allowed) known.insert(known.begin(), std::string(kEnrolAction));
    std::vector<std::string> ids;
    std::set<std::string> listed;
    for (const auto& item : Items(value, key, where, "transition or milestone id")) {
      if (!item.IsScalar()) {
        problems_.Add(item, where + ": " + Quote(key) + " must list transition or milestone ids, found " + KindOf(item));
        continue;
      }
      const std::string& id = item.Scalar();
      if (std::find(known.begin(), known.end(), id) == known.end()) {
        std::string message = where + ": unknown " + (enrol_allowed ? "event " : "transition or milestone ") +
                              Quote(id) + " in " + std::string(key) + DidYouMean(id, known);
        if (!enrol_allowed && id == kEnrolAction) message = where + ": the enrolment cannot clear a deadline";
        problems_.Add(item, message + "; " + (enrol_allowed ? "enroll, " : "") + "transitions and milestones: " +
                                (actions_.empty() ? std::string("none") : JoinComma(actions_)));
      } else if (!listed.insert(id).second) {
        problems_.Add(item, where + ": " + Quote(id) + " is listed twice in " + std::string(key));
      } else {
        ids.push_back(id);
      }
    }
    return ids;
  }

  std::vector<std::string> ReadSteps(const YAML::Node& value, const std::string& where) {
    std::vector<std::string> ids;
    std::set<std::string> listed;
    for (const auto& item : Items(value, "cleared_in", where, "step id")) {
      if (!item.IsScalar()) {
        problems_.Add(item, where + ": \"cleared_in\" must list step ids, found " + KindOf(item));
        continue;
      }
      const std::string& id = item.Scalar();
      if (workflow_.find_step(id) == nullptr) {
        problems_.Add(item, where + ": unknown step " + Quote(id) + " in cleared_in" + DidYouMean(id, steps_) +
                                "; steps: " + JoinComma(steps_));
      } else if (!listed.insert(id).second) {
        problems_.Add(item, where + ": step " + Quote(id) + " is listed twice in cleared_in");
      } else {
        ids.push_back(id);
      }
    }
    return ids;
  }

  // "30 days", "1 week", "6 months".
  void ReadDue(const YAML::Node& value, const std::string& where, Deadline& d) {
    const auto text = ScalarText(value, "due", where);
    if (!text) return;
    const std::size_t space = text->find(' ');
    const std::string number = text->substr(0, space);
    const std::string unit = space == std::string::npos ? std::string() : text->substr(space + 1);
    int amount = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), amount);
    const bool whole = ec == std::errc() && end == number.data() + number.size() && !number.empty();
    const UnitLimit* limit = nullptr;
    for (const auto& u : kUnits) {
      if (unit == u.singular || unit == std::string(u.singular) + "s") limit = &u;
    }
    if (!whole || limit == nullptr) {
      problems_.Add(value, where + ": due " + Quote(*text) + " is not a delay; " + kDueForm);
      return;
    }
    if (amount < 1 || amount > limit->max) {
      problems_.Add(value, where + ": due " + Quote(*text) + " is out of range; from 1 to " +
                               std::to_string(limit->max) + " " + std::string(limit->singular) + "s");
      return;
    }
    d.amount = amount;
    d.unit = limit->unit;
  }

  const Workflow& workflow_;
  std::vector<std::string> actions_;  // transition then milestone ids, in file order
  std::vector<std::string> steps_;
};

}  // namespace

std::vector<Deadline> ReadDeadlines(LoadContext& context, const YAML::Node& list, const Workflow& workflow) {
  return DeadlinesReader(context, workflow).Read(list);
}

}  // namespace parcours::loader
