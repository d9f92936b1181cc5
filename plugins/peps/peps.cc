// The peps plugin: PEPS, the "Plateforme pour l'Emploi Pérenne et Solidaire"
// of the hospitality sector (CHRD) of seed 001, with the IAE structures and
// the ESAT of the territory.
//
//   peps.esat_requires_rqth  guard: the ESAT track needs RQTH recognition
//   peps.pmsmp_renewal       guard: a PMSMP with one company is renewed once at most
//   peps.plateforme          workflow (programme `peps`)
//   peps.resultats           report: the results the seed reports for action 2
//
// Rules and definitions: docs/plugins/peps.md.
#include <parcours/sdk/plugin.h>

#include "guards.h"
#include "peps_embedded.h"

namespace {

using parcours::sdk::Plugin;

// Golden cases of the guards, for `parcours plugins check`.
std::vector<std::string> SelfCheck() {
  using parcours::sdk::Json;
  std::vector<std::string> problems;
  const Json esat_no_rqth = {{"fields", {{"track", "esat_worker"}}}, {"person", {{"attrs", {{"rqth", "no"}}}}}};
  const Json esat_rqth = {{"fields", {{"track", "esat_worker"}}}, {"person", {{"attrs", {{"rqth", "yes"}}}}}};
  if (peps::EsatRequiresRqth(esat_no_rqth).allowed) problems.push_back("the ESAT track is allowed without RQTH");
  if (!peps::EsatRequiresRqth(esat_rqth).allowed) problems.push_back("the ESAT track is refused with RQTH");
  if (peps::CompanyKey("  Hôtel du Lac, Cernay ") != "hotel du lac cernay")
    problems.push_back("company names are not compared as written");
  const Json pmsmp = {{"action", "start_immersion"}, {"fields", {{"immersion_type", "pmsmp"}, {"employer", "Hôtel du Lac"}}}};
  Json third = pmsmp;
  third["history"] = Json::array({pmsmp, pmsmp});
  if (peps::PmsmpRenewal(third).allowed) problems.push_back("a third PMSMP with the same company is allowed");
  return problems;
}

void Init(Plugin& plugin) {
  plugin.AddGuard("esat_requires_rqth",
                  "Refuses the ESAT track (track=esat_worker) for a person not recognised as a disabled worker (rqth)",
                  peps::EsatRequiresRqth);
  plugin.AddGuard("pmsmp_renewal", "Refuses a third PMSMP with the same company (one renewal at most)",
                  peps::PmsmpRenewal);
  plugin.AddWorkflow("plateforme", std::string(peps_embedded::workflows_plateforme));
  plugin.AddReport("resultats", std::string(peps_embedded::reports_resultats));
  plugin.SetSelfCheck(SelfCheck);
}

}  // namespace

PARCOURS_PLUGIN("peps", "1.0.0",
                "PEPS hospitality platform (CHRD): IAE structures and ESAT towards durable employment", Init)
