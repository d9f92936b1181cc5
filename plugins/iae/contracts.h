// Insertion contracts of the SIAE (structures d'insertion par l'activité
// économique): which contract each kind of structure hires under, and how
// long an insertion contract may last in total.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <parcours/sdk/plugin.h>

namespace iae {

using parcours::sdk::Json;
using parcours::sdk::Verdict;

struct Contract {
  const char* id;  // the `contract` enum of the bundled workflow
  const char* label;
};
std::span<const Contract> Contracts();

// A kind of SIAE and the contracts it may hire under.
struct Structure {
  const char* id;  // the `structure` enrolment enum of the bundled workflow
  const char* label;
  std::vector<const char*> contracts;
};
const std::vector<Structure>& Structures();

// Limits of an insertion contract, in months, renewals included.
inline constexpr int kMaxTotalMonths = 24;
inline constexpr int kMaxTotalMonthsDerogation = 60;  // 50 or older, RQTH, or to end a training
inline constexpr int kDerogationAge = 50;

// The actions whose `months` add up to the contract's total length.
inline constexpr const char* kHireAction = "hire";
inline constexpr const char* kRenewAction = "renew";

// Guard iae.contract_matches_structure: the hire's `contract` is one the
// structure (`entry.fields.structure`) may use. Allows when either is absent.
Verdict ContractMatchesStructure(const Json& context);

// Guard iae.cddi_max_duration: the months of the hire and of every renewal,
// this one included, stay within 24, or 60 under a derogation.
Verdict MaxContractDuration(const Json& context);

std::vector<std::string> CheckContractTables();

}  // namespace iae
