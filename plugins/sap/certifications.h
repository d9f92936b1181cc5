// The home-care certifications the cellule d'appui trains and validates
// towards (titles and diplomas of the "métiers de l'aide aux personnes").
// The field type sap.certification turns what a counsellor types ("TP ADVF",
// "DE AES", "deaes") into the catalogue's id, so that one certification is
// always stored the same way: the report's count of training actions depends
// on it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sap {

struct Certification {
  const char* id;     // stored value, e.g. "deaes"
  const char* short_label;  // "DEAES"
  const char* label;  // full French name
  int level;          // level of the national framework (RNCP "niveau"), 3 to 8
  const char* certifier;
  std::vector<const char*> aliases;  // other ways it is written
};

const std::vector<Certification>& Certifications();
const Certification* FindCertification(std::string_view id);

// Lowercase ASCII, French accents removed, every run of other characters one space, trimmed:
// "  D.E. A.É.S " -> "d e a e s".
std::string Fold(std::string_view text);

// The certification `raw` names (by id, short label, label or alias, ignoring
// case, accents and punctuation), or nullptr.
const Certification* ParseCertification(std::string_view raw);

// "advf (ADVF), deaes (DEAES), ..." for messages.
std::string CertificationList();

// "DEAES" for "deaes"; the text itself when unknown.
std::string ShortLabel(std::string_view id);

// Self-check: ids valid and unique, no two certifications answering to the
// same name, levels within 3..8, each id and label read back as itself.
std::vector<std::string> CheckCertifications();

}  // namespace sap
