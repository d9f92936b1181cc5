#include "guards.h"

#include "certifications.h"
#include <parcours/sdk/context.h>

namespace sap {

using parcours::sdk::At;
using parcours::sdk::NumberAt;
using parcours::sdk::TextAt;
namespace {

bool IsStart(const std::string& action) { return action == kStartTraining || action == kStartVae; }
bool IsOutcome(const std::string& action) { return action == kTrainingCompleted || action == kVaeDecided; }

}  // namespace

std::map<std::string, std::string> ObtainedCertifications(const Json& history) {
  std::map<std::string, std::string> obtained;
  if (!history.is_array()) return obtained;
  std::string aimed;  // the certification of the latest training or VAE start
  for (const auto& event : history) {
    const std::string action = TextAt(event, {"action"});
    if (IsStart(action)) aimed = TextAt(event, {"fields", "certification"});
    if (IsOutcome(action) && !aimed.empty() && TextAt(event, {"fields", "result"}) == kFullResult)
      obtained.emplace(aimed, action + " on " + TextAt(event, {"date"}));
  }
  return obtained;
}

Verdict NotAlreadyCertified(const Json& context) {
  const std::string certification = TextAt(context, {"fields", "certification"});
  if (certification.empty()) return Verdict::Allow();
  const auto obtained = ObtainedCertifications(At(context, {"history"}));
  const auto it = obtained.find(certification);
  if (it == obtained.end()) return Verdict::Allow();
  return Verdict::Refuse("the person already obtained the " + ShortLabel(certification) + " in this pathway (" +
                         it->second + "); a new training or VAE aims at another certification");
}

Verdict VaeJuryDecided(const Json& context) {
  if (TextAt(context, {"from"}) != kVaeStep) return Verdict::Allow();
  const Json& history = At(context, {"history"});
  if (!history.is_array()) return Verdict::Allow();
  bool decided = false;
  for (const auto& event : history) {
    const std::string action = TextAt(event, {"action"});
    if (action == kStartVae) decided = false;
    if (action == kVaeDecided) decided = true;
  }
  if (decided) return Verdict::Allow();
  return Verdict::Refuse(
      "the VAE jury has not decided yet: record vae_decided (full, partial or none) before a complementary training");
}

}  // namespace sap
