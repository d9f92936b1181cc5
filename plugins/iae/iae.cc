// The iae plugin: French IAE (insertion par l'activité économique) rules.
//
//   iae.classify_exit             before commit: exit_category of any exit, and
//                                 whether it counts in the exit rates
//   iae.contract_matches_structure guard: the SIAE may hire under that contract
//   iae.cddi_max_duration         guard: 24 months of insertion contract (60 by derogation)
//   iae.siret                     field type: a French SIRET number
//   iae.siae                      workflow (programme `iae`): a pathway in an SIAE
//   iae.sorties                   report: exits by category and exit rates
//
// Rules and definitions: docs/plugins/iae.md.
#include <parcours/sdk/plugin.h>

#include "contracts.h"
#include "exit_classification.h"
#include "exit_counting.h"
#include "iae_embedded.h"
#include "siret.h"

namespace {

using parcours::sdk::FieldValue;
using parcours::sdk::Json;
using parcours::sdk::LogLevel;
using parcours::sdk::Plugin;

// Logs a situation or contract the plugin does not know: it counts as
// `other`, which hides a vocabulary mismatch between a workflow and the rules.
// Exit reasons other than employment and training are `other` by design.
void WarnOnUnknownSituation(const Plugin& plugin, const iae::ExitFacts& facts) {
  if (!facts.situation || facts.field == "reason" || iae::FindSituation(*facts.situation)) return;
  plugin.host().Log(LogLevel::kWarn, facts.field + " \"" + *facts.situation +
                                         "\" is not an IAE situation; the exit is classified as other "
                                         "(situations: docs/plugins/iae.md)");
}

Json ClassifyExit(const Plugin& plugin, const Json& context) {
  const iae::ExitFacts facts = iae::ReadExitFacts(context);
  const iae::Classification result = iae::Classify(facts);
  WarnOnUnknownSituation(plugin, facts);
  const iae::Counting counting = iae::CountExit(result.category, context);
  return Json{{"exit_category", iae::CategoryId(result.category)},
              {"exit_category_rule", result.rule},
              {"exit_category_basis", facts.basis},
              {"exit_counted", counting.counted ? "yes" : "no"},
              {"exit_counted_rule", counting.rule}};
}

FieldValue ParseSiretField(std::string_view raw) {
  iae::SiretParse parsed = iae::ParseSiret(raw);
  if (parsed.digits.empty()) return FieldValue::Refuse(parsed.why);
  return FieldValue::Accept(parsed.digits);
}

std::vector<std::string> SelfCheck() {
  std::vector<std::string> problems = iae::CheckExitTables();
  for (auto& p : iae::CheckExitCounting()) problems.push_back(std::move(p));
  for (auto& p : iae::CheckSiret()) problems.push_back(std::move(p));
  for (auto& p : iae::CheckContractTables()) problems.push_back(std::move(p));
  return problems;
}

void Init(Plugin& plugin) {
  plugin.AddBeforeCommit("classify_exit",
                         "Classifies an exit as durable, transition, positive, other or withdrawn per the IAE rules, "
                         "and says whether it counts in the exit rates (minimum stay); adds exit_category, "
                         "exit_category_rule, exit_category_basis, exit_counted and exit_counted_rule",
                         [&plugin](const Json& context) { return ClassifyExit(plugin, context); });
  plugin.AddGuard("contract_matches_structure",
                  "Refuses an insertion contract the kind of SIAE (entry field structure) cannot hire under",
                  iae::ContractMatchesStructure);
  plugin.AddGuard("cddi_max_duration",
                  "Refuses a hire or renewal taking the insertion contract beyond 24 months (60 for a person aged 50 "
                  "or more, with RQTH, or to complete a training)",
                  iae::MaxContractDuration);
  plugin.AddFieldType("siret", iae::kSiretAllowed, ParseSiretField);
  plugin.AddWorkflow("siae", std::string(iae_embedded::workflows_siae));
  plugin.AddReport("sorties", std::string(iae_embedded::reports_sorties));
  plugin.SetSelfCheck(SelfCheck);
}

}  // namespace

PARCOURS_PLUGIN("iae", "1.0.0", "French IAE rules: exit categories, insertion contracts, SIRET; SIAE pathway", Init)
