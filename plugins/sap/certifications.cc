#include "certifications.h"

#include <array>
#include <map>

namespace sap {
namespace {

// Two-byte UTF-8 Latin-1 letters used in French, and their ASCII base letter.
struct Accent {
  const char* utf8;
  char ascii;
};
constexpr std::array kAccents = {
    Accent{"\xC3\xA0", 'a'}, Accent{"\xC3\xA2", 'a'}, Accent{"\xC3\xA4", 'a'}, Accent{"\xC3\x80", 'a'},
    Accent{"\xC3\x82", 'a'}, Accent{"\xC3\x84", 'a'}, Accent{"\xC3\xA7", 'c'}, Accent{"\xC3\x87", 'c'},
    Accent{"\xC3\xA9", 'e'}, Accent{"\xC3\xA8", 'e'}, Accent{"\xC3\xAA", 'e'}, Accent{"\xC3\xAB", 'e'},
    Accent{"\xC3\x89", 'e'}, Accent{"\xC3\x88", 'e'}, Accent{"\xC3\x8A", 'e'}, Accent{"\xC3\x8B", 'e'},
    Accent{"\xC3\xAE", 'i'}, Accent{"\xC3\xAF", 'i'}, Accent{"\xC3\x8E", 'i'}, Accent{"\xC3\x8F", 'i'},
    Accent{"\xC3\xB4", 'o'}, Accent{"\xC3\xB6", 'o'}, Accent{"\xC3\x94", 'o'}, Accent{"\xC3\x96", 'o'},
    Accent{"\xC3\xB9", 'u'}, Accent{"\xC3\xBB", 'u'}, Accent{"\xC3\xBC", 'u'}, Accent{"\xC3\x99", 'u'},
    Accent{"\xC3\x9B", 'u'}, Accent{"\xC3\x9C", 'u'},
};

char AsciiOf(std::string_view two_bytes) {
  for (const auto& a : kAccents)
    if (two_bytes == a.utf8) return a.ascii;
  return ' ';
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsValidId(std::string_view id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id)
    if (!IsAlnum(c) && c != '_') return false;
  return true;
}

// Every name a certification answers to, folded.
std::vector<std::string> NamesOf(const Certification& c) {
  std::vector<std::string> names = {Fold(c.id), Fold(c.short_label), Fold(c.label)};
  for (const char* alias : c.aliases) names.push_back(Fold(alias));
  return names;
}

}  // namespace

const std::vector<Certification>& Certifications() {
  static const std::vector<Certification> kCertifications = {
      {"advf", "ADVF", "Titre professionnel Assistant de vie aux familles", 3, "Ministère du Travail",
       {"TP ADVF", "assistant de vie aux familles", "assistante de vie aux familles"}},
      {"deaes", "DEAES", "Diplôme d'État d'accompagnant éducatif et social", 3, "Ministère des Solidarités",
       {"DE AES", "accompagnant éducatif et social", "accompagnante éducative et sociale"}},
      {"deavs", "DEAVS", "Diplôme d'État d'auxiliaire de vie sociale (remplacé par le DEAES en 2016)", 3,
       "Ministère des Solidarités", {"DE AVS", "auxiliaire de vie sociale"}},
      {"mcad", "MCAD", "Mention complémentaire aide à domicile", 3, "Éducation nationale",
       {"MC aide à domicile", "MC AD"}},
      {"cap_aepe", "CAP AEPE", "CAP Accompagnant éducatif petite enfance", 3, "Éducation nationale",
       {"AEPE", "CAP petite enfance"}},
      {"deas", "DEAS", "Diplôme d'État d'aide-soignant", 4, "Ministère de la Santé",
       {"DE AS", "aide-soignant", "aide-soignante"}},
      {"rcsad", "RCSAD", "Titre professionnel Responsable coordonnateur services au domicile", 5,
       "Ministère du Travail", {"TP RCSAD", "responsable coordonnateur services au domicile"}},
  };
  return kCertifications;
}

const Certification* FindCertification(std::string_view id) {
  for (const auto& c : Certifications())
    if (id == c.id) return &c;
  return nullptr;
}

std::string Fold(std::string_view text) {
  std::string out;
  bool pending_space = false;
  auto put = [&](char c) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += c;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= 'A' && c <= 'Z') {
      put(static_cast<char>(c - 'A' + 'a'));
    } else if (IsAlnum(c)) {
      put(c);
    } else if (c == '\xC3' && i + 1 < text.size()) {
      const char base = AsciiOf(text.substr(i, 2));
      ++i;
      if (base == ' ') pending_space = true;
      else put(base);
    } else {
      pending_space = true;
    }
  }
  return out;
}

const Certification* ParseCertification(std::string_view raw) {
  const std::string folded = Fold(raw);
  if (folded.empty()) return nullptr;
  for (const auto& c : Certifications())
    for (const auto& name : NamesOf(c))
      if (name == folded) return &c;
  return nullptr;
}

std::string CertificationList() {
  std::string out;
  for (const auto& c : Certifications()) out += (out.empty() ? "" : ", ") + std::string(c.id) + " (" + c.short_label + ")";
  return out;
}

std::string ShortLabel(std::string_view id) {
  const Certification* c = FindCertification(id);
  return c ? c->short_label : std::string(id);
}

std::vector<std::string> CheckCertifications() {
  std::vector<std::string> problems;
  std::map<std::string, std::string> owner;  // folded name -> certification id
  for (const auto& c : Certifications()) {
    const std::string id = c.id;
    if (!IsValidId(id)) problems.push_back("certification id " + id + " is not a valid id");
    if (std::string_view(c.short_label).empty() || std::string_view(c.label).empty())
      problems.push_back("certification " + id + " has no label");
    if (c.level < 3 || c.level > 8) problems.push_back("certification " + id + " has level " + std::to_string(c.level));
    for (const auto& name : NamesOf(c)) {
      auto [it, inserted] = owner.emplace(name, id);
      if (!inserted && it->second != id)
        problems.push_back("\"" + name + "\" names both " + it->second + " and " + id);
    }
    for (const char* name : {c.id, c.short_label, c.label}) {
      const Certification* back = ParseCertification(name);
      if (back != &c) problems.push_back("\"" + std::string(name) + "\" does not read back as " + id);
    }
  }
  return problems;
}

}  // namespace sap
