// The cellule d'appui's rules that need the pathway's history.
#pragma once

#include <map>
#include <string>

#include <parcours/sdk/plugin.h>

namespace sap {

using parcours::sdk::Json;
using parcours::sdk::Verdict;

// Action and milestone ids of the bundled workflow these rules read.
inline constexpr const char* kStartTraining = "start_training";
inline constexpr const char* kStartVae = "start_vae";
inline constexpr const char* kTrainingCompleted = "training_completed";
inline constexpr const char* kVaeDecided = "vae_decided";
inline constexpr const char* kVaeStep = "vae";
inline constexpr const char* kFullResult = "full";

// Certifications fully obtained in the pathway so far: id -> "training_completed
// on 2026-03-02" (the event that granted it). A training or VAE aims at the
// certification of its start event; its completion or jury decision with
// result=full grants it.
std::map<std::string, std::string> ObtainedCertifications(const Json& history);

// Guard sap.not_already_certified: a training or VAE towards a certification
// the person already obtained in this pathway is refused. After a partial
// validation, a complementary training towards the same title is allowed.
Verdict NotAlreadyCertified(const Json& context);

// Guard sap.vae_jury_decided: leaving VAE for a (complementary) training needs
// the jury's decision recorded first. Other moves are not concerned.
Verdict VaeJuryDecided(const Json& context);

}  // namespace sap
