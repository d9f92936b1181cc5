#include "contracts.h"

#include <array>
#include <set>

#include <parcours/sdk/context.h>

namespace iae {

using parcours::sdk::At;
using parcours::sdk::NumberAt;
using parcours::sdk::TextAt;
namespace {

constexpr std::array kContracts = {
    Contract{"cddi", "CDD d'insertion (CDDI)"},
    Contract{"ctti", "Contrat de travail temporaire d'insertion (CTTI)"},
    Contract{"ai_cdd", "CDD d'usage de mise à disposition (association intermédiaire)"},
};

const Contract* FindContract(std::string_view id) {
  for (const auto& c : kContracts)
    if (id == c.id) return &c;
  return nullptr;
}

const Structure* FindStructure(std::string_view id) {
  for (const auto& s : Structures())
    if (id == s.id) return &s;
  return nullptr;
}

// `months` of an object of fields as a whole number of months (0 when absent).
long long Months(const Json& fields) {
  const auto months = NumberAt(fields, {"months"});
  return months ? static_cast<long long>(*months) : 0;
}

// Months of the hire and renewals already in the history.
long long PastMonths(const Json& history) {
  long long total = 0;
  if (!history.is_array()) return total;
  for (const auto& event : history) {
    const std::string action = TextAt(event, {"action"});
    if (action == kHireAction || action == kRenewAction) total += Months(At(event, {"fields"}));
  }
  return total;
}

// Why the person may go beyond 24 months, or empty.
std::string Derogation(const Json& context) {
  if (TextAt(context, {"fields", "to_complete_training"}) == "yes") return "to complete a training in progress";
  const auto age = NumberAt(context, {"person", "age"});
  if (age && *age >= kDerogationAge) return "aged " + std::to_string(kDerogationAge) + " or more";
  if (TextAt(context, {"person", "attrs", "rqth"}) == "yes") return "recognised disabled worker (RQTH)";
  return {};
}

}  // namespace

std::span<const Contract> Contracts() { return kContracts; }

const std::vector<Structure>& Structures() {
  static const std::vector<Structure> kStructures = {
      {"ai", "Association intermédiaire (AI)", {"ai_cdd", "cddi"}},
      {"aci", "Atelier et chantier d'insertion (ACI)", {"cddi"}},
      {"ei", "Entreprise d'insertion (EI)", {"cddi"}},
      {"etti", "Entreprise de travail temporaire d'insertion (ETTI)", {"ctti"}},
  };
  return kStructures;
}

Verdict ContractMatchesStructure(const Json& context) {
  const std::string structure_id = TextAt(context, {"entry", "fields", "structure"});
  const std::string contract = TextAt(context, {"fields", "contract"});
  const Structure* structure = FindStructure(structure_id);
  if (!structure || contract.empty()) return Verdict::Allow();
  std::string allowed;
  for (const char* c : structure->contracts) {
    if (contract == c) return Verdict::Allow();
    allowed += (allowed.empty() ? "" : ", ") + std::string(c) + " (" + FindContract(c)->label + ")";
  }
  return Verdict::Refuse("contract " + contract + " is not possible in an " + structure->label + "; it hires under " +
                         allowed);
}

Verdict MaxContractDuration(const Json& context) {
  const long long past = PastMonths(At(context, {"history"}));
  const long long now = Months(At(context, {"fields"}));
  const long long total = past + now;
  if (total <= kMaxTotalMonths) return Verdict::Allow();
  const std::string derogation = Derogation(context);
  if (!derogation.empty() && total <= kMaxTotalMonthsDerogation) return Verdict::Allow();
  const std::string summary = "the insertion contract would last " + std::to_string(total) + " months in total (" +
                              std::to_string(past) + " already, " + std::to_string(now) + " now)";
  if (!derogation.empty())
    return Verdict::Refuse(summary + "; even with a derogation (" + derogation + ") the limit is " +
                           std::to_string(kMaxTotalMonthsDerogation) + " months");
  return Verdict::Refuse(summary + "; the limit is " + std::to_string(kMaxTotalMonths) + " months, or " +
                         std::to_string(kMaxTotalMonthsDerogation) + " for a person aged " +
                         std::to_string(kDerogationAge) +
                         " or more, recognised disabled (RQTH), or to complete a training "
                         "in progress (to_complete_training=yes)");
}

std::vector<std::string> CheckContractTables() {
  std::vector<std::string> problems;
  std::set<std::string> ids;
  for (const auto& c : kContracts)
    if (!ids.insert(c.id).second) problems.push_back("contract " + std::string(c.id) + " is listed twice");
  std::set<std::string> used, structures;
  for (const auto& s : Structures()) {
    if (!structures.insert(s.id).second) problems.push_back("structure " + std::string(s.id) + " is listed twice");
    if (s.contracts.empty()) problems.push_back("structure " + std::string(s.id) + " has no contract");
    for (const char* c : s.contracts) {
      used.insert(c);
      if (!FindContract(c)) problems.push_back("structure " + std::string(s.id) + " names unknown contract " + c);
    }
  }
  for (const auto& c : kContracts)
    if (!used.count(c.id)) problems.push_back("contract " + std::string(c.id) + " is used by no structure");
  return problems;
}

}  // namespace iae
