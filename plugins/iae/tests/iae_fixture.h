// The fixture of the iae plugin's tests: iae.so loaded as the engine loads
// it, and the rule contexts the tests classify exits in.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "plugin_testing.h"

namespace parcours::plugin_testing {

class IaeTest : public PluginTest {
 protected:
  void SetUp() override { Load(IAE_PLUGIN_FILE); }

  // Every field iae.classify_exit adds for an exit with `fields` after `history`.
  Json ClassifyAll(Json fields, const ContextBuilder& history, const std::string& date = "2026-09-01") {
    auto r = registry_->RunBeforeCommit("iae.classify_exit",
                                       history.Action("exit", "transition", "exited", date, std::move(fields)));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Json::object();
  }
  // The category fields only (exit_category, exit_category_rule, exit_category_basis).
  Json Classify(Json fields, const ContextBuilder& history) {
    Json all = ClassifyAll(std::move(fields), history);
    all.erase("exit_counted");
    all.erase("exit_counted_rule");
    return all;
  }
  Json Classify(Json fields) { return Classify(std::move(fields), Employed()); }
  // Whether the exit counts in the exit rates: {exit_counted, exit_counted_rule}.
  Json Counting(Json fields, const ContextBuilder& history, const std::string& date) {
    const Json all = ClassifyAll(std::move(fields), history, date);
    return Json{{"exit_counted", all.value("exit_counted", "")}, {"exit_counted_rule", all.value("exit_counted_rule", "")}};
  }

  // A pathway hired in an ACI, as the bundled workflow records it.
  static ContextBuilder Employed() {
    ContextBuilder c("iae");
    c.Person("F", 34, {{"rqth", "no"}, {"qpv", "yes"}})
        .Enrol("2026-01-05", {{"prescriber", "france_travail"}, {"structure", "aci"}})
        .Then("hire", "transition", "employed", "2026-01-12", {{"contract", "cddi"}, {"months", 6}, {"weekly_hours", 26}});
    return c;
  }
};

// A pathway of the insertion workflow, positioned.
inline ContextBuilder InsertionPathway() {
  ContextBuilder c("insertion");
  c.Person("M", 41).Enrol("2026-02-02", {{"prescriber", "france_travail"}}).Then("position", "transition", "positioning", "2026-02-09");
  return c;
}

// A pathway hired in `structure` on `hired`.
inline ContextBuilder HiredIn(const std::string& structure, const std::string& hired = "2026-01-12") {
  ContextBuilder c("iae");
  c.Person("M", 45)
      .Enrol("2026-01-05", {{"prescriber", "plie"}, {"structure", structure}})
      .Then("hire", "transition", "employed", hired,
            {{"contract", structure == "etti" ? "ctti" : "cddi"}, {"months", 6}, {"weekly_hours", 26}});
  return c;
}

}  // namespace parcours::plugin_testing
