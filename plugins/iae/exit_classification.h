// French IAE exit categories: durable employment, transition employment,
// positive exit, other, and the exits the IAE rules withdraw from the exit
// rates. The rules are tables (exit_classification.cc), so that
// docs/plugins/iae.md, the self-check and the tests read the same thing.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <parcours/sdk/plugin.h>

namespace iae {

using parcours::sdk::Json;

// kWithdrawn: an exit the IAE rules leave out of the exit rates (retirement,
// long illness leave, death...), whatever the stay.
enum class Category { kDurable, kTransition, kPositive, kOther, kWithdrawn };

// "durable", "transition", "positive", "other", "withdrawn": the stored exit_category.
const char* CategoryId(Category category);

// What the classification needs to know of a contract's length.
enum class Duration {
  kAny,              // the rule does not depend on it
  kSixMonthsOrMore,  // months >= 6
  kUnderSixMonths,   // 0 <= months < 6
  kUnknown,          // no usable `months`
};

// A person's situation on leaving. Ids are those of the `situation` enum of the
// bundled workflow; the first five are also the `contract` ids of the shipped
// insertion workflow (cdi, cdd, interim, contrat_aide, creation).
struct Situation {
  const char* id;
  const char* label;  // French, as funders read it
};
std::span<const Situation> Situations();
const Situation* FindSituation(std::string_view id);

// One classification rule: the first rule matching (situation, duration) gives
// the category. Situations no rule names are `other` (rule "other").
struct ExitRule {
  const char* id;  // stored as exit_category_rule
  const char* situation;
  Duration duration;
  Category category;
};
std::span<const ExitRule> ExitRules();

// The rule ids used when no rule of the table applies.
inline constexpr const char* kRuleOther = "other";                           // a situation no rule names
inline constexpr const char* kRuleEmploymentUnspecified = "employment_unspecified";  // reason employment, no contract known
inline constexpr const char* kRuleNoSituation = "no_situation";              // nothing says what the person does

// Where the classification took its facts from.
struct ExitFacts {
  std::optional<std::string> situation;  // a situation id, or none known
  std::optional<double> months;          // contract length in months, when known and valid
  std::string basis;                     // "exit", "place#<seq>", or "none"
  bool employment_unspecified = false;   // the exit says employment but nothing says which contract
  std::string field;                     // the field the situation was read from: situation, contract, reason
};

// Reads the exit's facts from a rule context ({"fields": ..., "history": [...]}):
//  1. the exit's `situation` field, with its `months`;
//  2. else the exit's `contract` field, with its `months`;
//  3. else the exit's `reason`: `training` -> qualifying_training;
//     `employment` -> the latest `place` event of `history` (its situation or
//     contract, and its months); other reasons -> that reason (an `other` exit);
//  4. else nothing is known.
ExitFacts ReadExitFacts(const Json& context);

Duration DurationOf(std::optional<double> months);

struct Classification {
  Category category = Category::kOther;
  std::string rule;  // the ExitRule id, or one of the kRule* ids
};

Classification Classify(const ExitFacts& facts);

// Problems in the tables (duplicate ids, unknown situations, a duration-
// dependent situation without a rule for every duration...), and golden
// cases that no longer classify as the law says.
std::vector<std::string> CheckExitTables();

}  // namespace iae
