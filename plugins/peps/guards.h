// The PEPS platform's rules that need code: the person's attributes and the
// pathway's history.
#pragma once

#include <string>
#include <string_view>

#include <parcours/sdk/plugin.h>

namespace peps {

using parcours::sdk::Json;
using parcours::sdk::Verdict;

// Ids of the bundled workflow these rules read.
inline constexpr const char* kEsatTrack = "esat_worker";
inline constexpr const char* kStartImmersion = "start_immersion";
inline constexpr const char* kPmsmp = "pmsmp";
// A PMSMP lasts one month at most and may be renewed once: at most two with
// the same company in one pathway.
inline constexpr int kMaxPmsmpPerCompany = 2;

// Guard peps.esat_requires_rqth: the ESAT track (track=esat_worker, in this
// action's fields or the enrolment's) needs the person recognised as a
// disabled worker (attribute rqth=yes). An ESAT orientation by the CDAPH
// carries that recognition; a person without it cannot be an ESAT worker.
Verdict EsatRequiresRqth(const Json& context);

// A company name as compared between immersions: lowercase ASCII letters and
// digits, accents dropped, runs of anything else one space, trimmed.
std::string CompanyKey(std::string_view name);

// Guard peps.pmsmp_renewal: a third PMSMP with the same company is refused.
Verdict PmsmpRenewal(const Json& context);

}  // namespace peps
