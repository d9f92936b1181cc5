#include "exit_classification.h"

#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include <parcours/sdk/context.h>

namespace iae {

using parcours::sdk::At;
using parcours::sdk::NumberAt;
using parcours::sdk::TextAt;
namespace {

// Every situation the plugin knows. The categories are given by kRules below;
// a situation no rule names is an `other` exit.
constexpr std::array kSituations = {
    // Durable employment
    Situation{"cdi", "CDI"},
    Situation{"cdd", "CDD (hors contrat aidé)"},
    Situation{"interim", "Intérim"},
    Situation{"creation", "Création ou reprise d'entreprise"},
    Situation{"civil_service", "Entrée dans la fonction publique"},
    Situation{"cdi_aide", "CDI aidé chez un autre employeur"},
    // Transition employment
    Situation{"contrat_aide", "Contrat aidé chez un employeur de droit commun"},
    // Positive exits
    Situation{"qualifying_training", "Formation qualifiante"},
    Situation{"prequalifying_training", "Formation pré-qualifiante"},
    Situation{"other_siae", "Embauche dans une autre SIAE"},
    Situation{"other_positive", "Autre sortie reconnue comme positive"},
    // Withdrawn from the exit rates
    Situation{"retirement", "Retraite"},
    Situation{"long_illness", "Congé longue maladie"},
    Situation{"death", "Décès"},
    Situation{"administrative_decision", "Décision administrative ou judiciaire"},
    Situation{"gross_misconduct", "Licenciement pour faute grave"},
    Situation{"employer_transfer", "Transfert du contrat chez un autre employeur"},
    Situation{"trial_period_break", "Rupture pendant la période d'essai"},
    // Other exits
    Situation{"job_seeker", "Demandeur d'emploi"},
    Situation{"inactive", "Inactivité (santé, famille...)"},
    Situation{"moved", "Déménagement"},
    Situation{"dropout", "Abandon, sans nouvelles"},
    Situation{"other", "Autre situation"},
};

// The French IAE exit rules, first match wins. A CDD or an interim without a
// usable duration is not presumed to reach 6 months.
constexpr std::array kRules = {
    ExitRule{"cdi", "cdi", Duration::kAny, Category::kDurable},
    ExitRule{"cdd_6_months_or_more", "cdd", Duration::kSixMonthsOrMore, Category::kDurable},
    ExitRule{"interim_6_months_or_more", "interim", Duration::kSixMonthsOrMore, Category::kDurable},
    ExitRule{"business_creation", "creation", Duration::kAny, Category::kDurable},
    ExitRule{"civil_service", "civil_service", Duration::kAny, Category::kDurable},
    ExitRule{"subsidised_cdi", "cdi_aide", Duration::kAny, Category::kDurable},
    ExitRule{"cdd_under_6_months", "cdd", Duration::kUnderSixMonths, Category::kTransition},
    ExitRule{"cdd_duration_unknown", "cdd", Duration::kUnknown, Category::kTransition},
    ExitRule{"interim_under_6_months", "interim", Duration::kUnderSixMonths, Category::kTransition},
    ExitRule{"interim_duration_unknown", "interim", Duration::kUnknown, Category::kTransition},
    ExitRule{"subsidised_contract", "contrat_aide", Duration::kAny, Category::kTransition},
    ExitRule{"qualifying_training", "qualifying_training", Duration::kAny, Category::kPositive},
    ExitRule{"prequalifying_training", "prequalifying_training", Duration::kAny, Category::kPositive},
    ExitRule{"other_siae", "other_siae", Duration::kAny, Category::kPositive},
    ExitRule{"other_positive", "other_positive", Duration::kAny, Category::kPositive},
    ExitRule{"retirement", "retirement", Duration::kAny, Category::kWithdrawn},
    ExitRule{"long_illness", "long_illness", Duration::kAny, Category::kWithdrawn},
    ExitRule{"death", "death", Duration::kAny, Category::kWithdrawn},
    ExitRule{"administrative_decision", "administrative_decision", Duration::kAny, Category::kWithdrawn},
    ExitRule{"gross_misconduct", "gross_misconduct", Duration::kAny, Category::kWithdrawn},
    ExitRule{"employer_transfer", "employer_transfer", Duration::kAny, Category::kWithdrawn},
    ExitRule{"trial_period_break", "trial_period_break", Duration::kAny, Category::kWithdrawn},
};

// Exit reasons (the insertion workflow's `reason` enum) that name a situation.
// `employment` is not here: the contract is read from the latest placement.
struct ReasonAlias {
  const char* reason;
  const char* situation;
};
constexpr std::array kReasonAliases = {
    ReasonAlias{"training", "qualifying_training"},
};
constexpr std::string_view kEmploymentReason = "employment";
constexpr std::string_view kPlaceAction = "place";

// Golden cases for the self-check: the legal definition, case by case.
struct GoldenCase {
  const char* situation;
  std::optional<double> months;
  Category category;
};
constexpr std::array kGoldenCases = {
    GoldenCase{"cdi", std::nullopt, Category::kDurable},
    GoldenCase{"cdd", 6, Category::kDurable},
    GoldenCase{"cdd", 5, Category::kTransition},
    GoldenCase{"interim", 12, Category::kDurable},
    GoldenCase{"interim", 1, Category::kTransition},
    GoldenCase{"creation", std::nullopt, Category::kDurable},
    GoldenCase{"civil_service", std::nullopt, Category::kDurable},
    GoldenCase{"contrat_aide", 12, Category::kTransition},
    GoldenCase{"qualifying_training", std::nullopt, Category::kPositive},
    GoldenCase{"other_siae", 4, Category::kPositive},
    GoldenCase{"prequalifying_training", std::nullopt, Category::kPositive},
    GoldenCase{"other_positive", std::nullopt, Category::kPositive},
    GoldenCase{"cdi_aide", std::nullopt, Category::kDurable},
    GoldenCase{"retirement", std::nullopt, Category::kWithdrawn},
    GoldenCase{"death", std::nullopt, Category::kWithdrawn},
    GoldenCase{"trial_period_break", std::nullopt, Category::kWithdrawn},
    GoldenCase{"job_seeker", std::nullopt, Category::kOther},
};

// A non-empty string field of `fields`, if any.
std::optional<std::string> TextField(const Json& fields, const char* name) {
  if (!fields.is_object()) return std::nullopt;
  const auto it = fields.find(name);
  if (it == fields.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

// `months` as a non-negative number: a JSON number, or a text of digits.
std::optional<double> MonthsField(const Json& fields) {
  if (!fields.is_object()) return std::nullopt;
  const auto it = fields.find("months");
  if (it == fields.end()) return std::nullopt;
  double months = -1;
  if (it->is_number()) {
    months = it->get<double>();
  } else if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    long long whole = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    months = static_cast<double>(whole);
  }
  if (!std::isfinite(months) || months < 0) return std::nullopt;
  return months;
}

// The situation a set of fields states, `situation` else `contract`, and that field's name.
std::optional<std::pair<std::string, std::string>> StatedSituation(const Json& fields) {
  for (const char* field : {"situation", "contract"})
    if (auto value = TextField(fields, field)) return std::pair{*value, std::string(field)};
  return std::nullopt;
}

// The fields of the latest `place` event of the history, with its seq.
std::optional<std::pair<Json, std::string>> LatestPlacement(const Json& history) {
  if (!history.is_array()) return std::nullopt;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (TextAt(*it, {"action"}) != kPlaceAction) continue;
    const Json& seq = At(*it, {"seq"});
    const std::string id = seq.is_number_integer() ? std::to_string(seq.get<long long>()) : "?";
    return std::pair{At(*it, {"fields"}), "place#" + id};
  }
  return std::nullopt;
}

ExitFacts FactsFromReason(const std::string& reason, const Json& history) {
  ExitFacts facts;
  facts.field = "reason";
  for (const auto& alias : kReasonAliases) {
    if (reason == alias.reason) {
      facts.situation = alias.situation;
      facts.basis = "exit";
      return facts;
    }
  }
  if (reason != kEmploymentReason) {
    facts.situation = reason;  // not a situation any rule names: an `other` exit
    facts.basis = "exit";
    return facts;
  }
  if (auto placement = LatestPlacement(history)) {
    if (auto stated = StatedSituation(placement->first)) {
      facts.situation = stated->first;
      facts.field = stated->second;
    }
    facts.months = MonthsField(placement->first);
    facts.basis = placement->second;
  }
  if (!facts.situation) {
    facts.employment_unspecified = true;
    facts.basis = facts.basis.empty() ? "exit" : facts.basis;
  }
  return facts;
}

bool DurationMatches(Duration rule, Duration actual) { return rule == Duration::kAny || rule == actual; }

}  // namespace

const char* CategoryId(Category category) {
  switch (category) {
    case Category::kDurable: return "durable";
    case Category::kTransition: return "transition";
    case Category::kPositive: return "positive";
    case Category::kOther: return "other";
    case Category::kWithdrawn: return "withdrawn";
  }
  return "other";
}

std::span<const Situation> Situations() { return kSituations; }

const Situation* FindSituation(std::string_view id) {
  for (const auto& s : kSituations)
    if (id == s.id) return &s;
  return nullptr;
}

std::span<const ExitRule> ExitRules() { return kRules; }

Duration DurationOf(std::optional<double> months) {
  if (!months) return Duration::kUnknown;
  return *months >= 6 ? Duration::kSixMonthsOrMore : Duration::kUnderSixMonths;
}

ExitFacts ReadExitFacts(const Json& context) {
  const Json& fields = At(context, {"fields"});
  const Json& history = At(context, {"history"});
  if (auto stated = StatedSituation(fields)) {
    return ExitFacts{stated->first, MonthsField(fields), "exit", false, stated->second};
  }
  if (auto reason = TextField(fields, "reason")) return FactsFromReason(*reason, history);
  return ExitFacts{std::nullopt, std::nullopt, "none", false, ""};
}

Classification Classify(const ExitFacts& facts) {
  if (facts.employment_unspecified) return {Category::kOther, kRuleEmploymentUnspecified};
  if (!facts.situation) return {Category::kOther, kRuleNoSituation};
  const Duration duration = DurationOf(facts.months);
  for (const auto& rule : kRules) {
    if (*facts.situation == rule.situation && DurationMatches(rule.duration, duration)) {
      return {rule.category, rule.id};
    }
  }
  return {Category::kOther, kRuleOther};
}

std::vector<std::string> CheckExitTables() {
  std::vector<std::string> problems;
  std::set<std::string> situation_ids, rule_ids;
  for (const auto& s : kSituations) {
    if (!situation_ids.insert(s.id).second) problems.push_back("situation " + std::string(s.id) + " is listed twice");
    if (std::string_view(s.label).empty()) problems.push_back("situation " + std::string(s.id) + " has no label");
  }
  for (const auto& rule : kRules) {
    const std::string id = rule.id;
    if (!rule_ids.insert(id).second) problems.push_back("exit rule " + id + " is listed twice");
    if (!FindSituation(rule.situation))
      problems.push_back("exit rule " + id + " names unknown situation " + rule.situation);
    if (id == kRuleOther || id == kRuleEmploymentUnspecified || id == kRuleNoSituation)
      problems.push_back("exit rule " + id + " reuses a reserved rule id");
  }
  // A situation whose rules depend on the duration must have one for each case.
  for (const auto& s : kSituations) {
    bool depends = false;
    for (const auto& rule : kRules) depends |= rule.situation == std::string_view(s.id) && rule.duration != Duration::kAny;
    if (!depends) continue;
    for (const Duration d : {Duration::kSixMonthsOrMore, Duration::kUnderSixMonths, Duration::kUnknown}) {
      bool covered = false;
      for (const auto& rule : kRules) covered |= rule.situation == std::string_view(s.id) && DurationMatches(rule.duration, d);
      if (!covered) problems.push_back("situation " + std::string(s.id) + " has no exit rule for one of its durations");
    }
  }
  for (const auto& alias : kReasonAliases)
    if (!FindSituation(alias.situation))
      problems.push_back("reason " + std::string(alias.reason) + " maps to unknown situation " + alias.situation);
  for (const auto& golden : kGoldenCases) {
    const Classification got = Classify(ExitFacts{golden.situation, golden.months, "exit", false, "situation"});
    if (got.category != golden.category)
      problems.push_back("situation " + std::string(golden.situation) + " classifies as " + CategoryId(got.category) +
                         ", expected " + CategoryId(golden.category));
  }
  return problems;
}

}  // namespace iae
