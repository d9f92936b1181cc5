// The sap plugin: the "cellule d'appui au développement des services à la
// personne" of seed 000 (home-care jobs: recruitment, qualification, VAE and
// placement with associative employers).
//
//   sap.certification          field type: a home-care certification of the catalogue
//   sap.not_already_certified  guard: no training or VAE towards a title already obtained
//   sap.vae_jury_decided       guard: complementary training after the VAE jury only
//   sap.log_placement          after commit: logs each placement for the monthly meeting
//   sap.cellule                workflow (programme `sap`)
//   sap.resultats              report: the fiche action's expected results per period
//
// Rules and definitions: docs/plugins/sap.md.
#include <parcours/sdk/plugin.h>

#include "certifications.h"
#include "guards.h"
#include "sap_embedded.h"
#include <parcours/sdk/context.h>

namespace {

using parcours::sdk::FieldValue;
using parcours::sdk::Json;
using parcours::sdk::LogLevel;
using parcours::sdk::Plugin;

FieldValue ParseCertificationField(std::string_view raw) {
  if (const sap::Certification* c = sap::ParseCertification(raw)) return FieldValue::Accept(c->id);
  return FieldValue::Refuse("\"" + std::string(raw) + "\" is not a certification of the cellule's catalogue: " +
                            sap::CertificationList());
}

// "placement P-... on 2026-05-04: Aide à domicile 68 (association), cdi": what
// the monthly meeting of the cellule reviews. No personal data.
std::string PlacementLine(const Json& event) {
  std::string line = "placement " + parcours::sdk::TextAt(event, {"pathway"}) + " on " + parcours::sdk::TextAt(event, {"date"}) + ": " +
                     parcours::sdk::TextAt(event, {"fields", "employer"});
  const std::string type = parcours::sdk::TextAt(event, {"fields", "employer_type"});
  if (!type.empty()) line += " (" + type + ")";
  const std::string contract = parcours::sdk::TextAt(event, {"fields", "contract"});
  if (!contract.empty()) line += ", " + contract;
  if (const auto months = parcours::sdk::NumberAt(event, {"fields", "months"})) line += " " + std::to_string(static_cast<long long>(*months)) + " months";
  return line;
}

void Init(Plugin& plugin) {
  plugin.AddFieldType("certification", "a home-care certification: " + sap::CertificationList(),
                      ParseCertificationField);
  plugin.AddGuard("not_already_certified",
                  "Refuses a training or VAE towards a certification the person already obtained in the pathway",
                  sap::NotAlreadyCertified);
  plugin.AddGuard("vae_jury_decided", "Refuses leaving VAE for a training before the jury's decision is recorded",
                  sap::VaeJuryDecided);
  plugin.AddAfterCommit("log_placement", "Logs each placement (employer, contract) for the cellule's monthly meeting",
                        [&plugin](const Json& event) { plugin.host().Log(LogLevel::kInfo, PlacementLine(event)); });
  plugin.AddWorkflow("cellule", std::string(sap_embedded::workflows_cellule));
  plugin.AddReport("resultats", std::string(sap_embedded::reports_resultats));
  plugin.SetSelfCheck(sap::CheckCertifications);
}

}  // namespace

PARCOURS_PLUGIN("sap", "1.0.0",
                "Cellule d'appui services à la personne: home-care recruitment, training, VAE and placement", Init)
