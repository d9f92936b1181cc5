// The words of generated rows: names, counsellors, providers and
// certifications, and the vocabulary of the insertion workflow
// (workflows/insertion.yaml), each list in the order of its numbers in
// generate_rows.h.
#include "exchange/generate_rows.h"

#include <charconv>
#include <iterator>
#include <string>

namespace parcours::rows::generated {
namespace {

// Given names by Sex (epicene ones for X); family names with accents,
// particles, compound names and the origins of today's France.
constexpr std::string_view kGivenFemaleList[] = {
    "Marie",   "Léa",    "Camille", "Chloé",    "Emma",     "Inès",         "Manon",       "Sarah",
    "Julie",   "Laura",  "Céline",  "Nathalie", "Isabelle", "Sandrine",     "Sophie",      "Stéphanie",
    "Aurélie", "Émilie", "Audrey",  "Mélanie",  "Hélène",   "Valérie",      "Sylvie",      "Nadia",
    "Fatima",  "Amina",  "Awa",     "Aïcha",    "Yasmine",  "Fatoumata",    "Zoé",         "Océane",
    "Maëlle",  "Noémie", "Jessica", "Linh",     "Elif",     "Marie-Claire", "Anne-Sophie", "Ana",
};

constexpr std::string_view kGivenMaleList[] = {
    "Jean",      "Pierre",     "Nicolas",  "Julien",   "Thomas",  "Alexandre",   "Kévin",         "Mathieu",
    "Sébastien", "Christophe", "Frédéric", "Stéphane", "David",   "Laurent",     "Olivier",       "Éric",
    "Jérôme",    "Karim",      "Mohamed",  "Mehdi",    "Youssef", "Rachid",      "Moussa",        "Mamadou",
    "Ibrahim",   "Lucas",      "Hugo",     "Théo",     "Enzo",    "Dylan",       "Loïc",          "Rémi",
    "Clément",   "Raphaël",    "Yannick",  "Tiago",    "Minh",    "Jean-Pierre", "Jean-Baptiste", "Jean-Marc",
};

constexpr std::string_view kGivenEpiceneList[] = {
    "Camille", "Dominique", "Claude", "Alix", "Sacha", "Charlie", "Lou", "Eden",
};

constexpr std::string_view kFamilyList[] = {
    "Martin",     "Bernard",  "Thomas",    "Petit",     "Robert",  "Richard",  "Durand",    "Dubois",
    "Moreau",     "Laurent",  "Simon",     "Michel",    "Lefèvre", "Leroy",    "Roux",      "David",
    "Bertrand",   "Morel",    "Fournier",  "Girard",    "Bonnet",  "Dupont",   "Lambert",   "Fontaine",
    "Rousseau",   "Vincent",  "Muller",    "Faure",     "André",   "Mercier",  "Blanc",     "Guérin",
    "Boyer",      "Garnier",  "Chevalier", "François",  "Legrand", "Gauthier", "Garcia",    "Perrin",
    "Robin",      "Clément",  "Morin",     "Nicolas",   "Henry",   "Roussel",  "Mathieu",   "Masson",
    "Marchand",   "Duval",    "Denis",     "Dumont",    "Lemaire", "Noël",     "Meyer",     "Dufour",
    "Meunier",    "Brun",     "Blanchard", "Giraud",    "Joly",    "Rivière",  "Lucas",     "Brunet",
    "Gaillard",   "Barbier",  "Arnaud",    "Martinez",  "Gérard",  "Roche",    "Renard",    "Schmitt",
    "Roy",        "Leroux",   "Colin",     "Vidal",     "Caron",   "Picard",   "Fabre",     "Lemoine",
    "Lacroix",    "Payet",    "Hoarau",    "Grondin",   "Le Gall", "Le Goff",  "Le Roux",   "Da Silva",
    "Dos Santos", "Ferreira", "Pereira",   "Rodrigues", "Lopez",   "Sanchez",  "Fernandez", "Diallo",
    "N'Diaye",    "Traoré",   "Cissé",     "Camara",    "Koné",    "Diop",     "Sow",       "Benali",
    "Haddad",     "Mansouri", "Belkacem",  "Bensaïd",   "Chérif",  "Hamidi",   "Bouzid",    "Aït Ahmed",
    "Nguyen",     "Tran",     "Yilmaz",    "Kaya",      "Nowak",   "Lévêque",  "Prévost",   "Étienne",
};

// Counsellors' user names (first.last, plain ASCII as accounts are); beyond
// the list, the same names numbered as accounts of namesakes are
// (lea.moreau2, ...).
constexpr std::string_view kReferentList[] = {
    "lea.moreau",      "karim.petit",     "sophie.bernard", "thomas.durand",   "nadia.belkacem",
    "julien.roux",     "claire.fontaine", "mehdi.haddad",   "isabelle.girard", "marc.lefevre",
    "aurelie.blanc",   "olivier.mercier", "fatou.diop",     "nicolas.garnier", "helene.chevalier",
    "samir.benali",    "celine.faure",    "david.perrin",   "anne.lambert",    "yannick.le-gall",
    "emilie.robin",    "franck.masson",   "sarah.nguyen",   "pierre.dumont",   "laetitia.payet",
    "romain.caron",    "ines.mansouri",   "vincent.roche",  "melanie.brunet",  "stephane.vidal",
    "agnes.picard",    "jerome.colin",    "laura.renard",   "hugo.fabre",      "myriam.cherif",
    "benoit.marchand", "sandrine.joly",   "xavier.arnaud",  "amandine.lucas",  "cedric.meyer",
};

// Training providers.
constexpr std::string_view kProviderList[] = {
    "GRETA", "AFPA", "CNAM",          "Croix-Rouge Compétence", "CFPPA",
    "IRFA",  "AFPI", "CCI Formation", "École de la 2e chance",  "Université (SERFA)",
};

constexpr std::string_view kCertificationList[] = {
    // Also by VAE (kVaeCertifications):
    "DEAES (accompagnant éducatif et social)",
    "DEAS (aide-soignant)",
    "Titre professionnel Assistant de vie aux familles",
    "CAP Accompagnant éducatif petite enfance",
    "Titre professionnel Agent de propreté et d'hygiène",
    "CAP Cuisine",
    "BTS Management commercial opérationnel",
    "Titre professionnel Secrétaire assistant",
    // By training only:
    "Titre professionnel Employé commercial",
    "Titre professionnel Préparateur de commandes en entrepôt",
    "Titre professionnel Agent de restauration",
    "CACES R489 (chariots élévateurs)",
    "Titre professionnel Maçon",
    "BPJEPS Animation sociale",
    "Titre professionnel Conducteur du transport routier de marchandises",
    "CléA (socle de connaissances et de compétences)",
};

constexpr std::string_view kSexes[] = {"F", "M", "X"};
constexpr std::string_view kLabourStatuses[] = {"unemployed", "long_term_unemployed", "inactive", "employed"};
constexpr std::string_view kPrescribers[] = {"france_travail", "mission_locale", "ccas", "rsa_referent",
                                             "siae",           "self",           "other"};
constexpr std::string_view kReasons[] = {"employment", "training", "dropout", "moved", "refused", "other"};
constexpr std::string_view kContracts[] = {"cdi", "cdd", "interim", "contrat_aide", "creation"};
constexpr std::string_view kVaeResults[] = {"full", "partial", "none"};
constexpr std::string_view kModes[] = {"individual", "group", "phone", "video"};
constexpr std::string_view kActions[] = {"position",    "start_training", "start_vae",
                                         "place",       "exit",           "training_completed",
                                         "vae_decided", "follow_up",      "interview"};

static_assert(std::size(kGivenFemaleList) == kGivenNames[kF] &&
              std::size(kGivenMaleList) == kGivenNames[kM] &&
              std::size(kGivenEpiceneList) == kGivenNames[kX] && std::size(kFamilyList) == kFamilyNames &&
              std::size(kReferentList) == kReferentNames && std::size(kProviderList) == kProviders &&
              std::size(kCertificationList) == kCertifications && kVaeCertifications < kCertifications);
static_assert(std::size(kSexes) == kX + 1 && std::size(kLabourStatuses) == kEmployed + 1 &&
              std::size(kVaeResults) == kNone + 1 && std::size(kPrescribers) == kOtherPrescriber + 1 &&
              std::size(kReasons) == kOtherExit + 1 && std::size(kContracts) == kCreation + 1 &&
              std::size(kModes) == kVideo + 1 &&
              std::size(kActions) == static_cast<std::size_t>(Action::kInterview) + 1);

// A date, or an instant, as text without allocating.
class Iso {
 public:
  // YYYY-MM-DD, or with `second` (of the day, UTC) YYYY-MM-DDTHH:MM:SS.000Z.
  explicit Iso(Date date, int32_t second = -1) {
    char* p = Digits(text_, date.year(), 4);
    *p++ = '-';
    p = Digits(p, date.month(), 2);
    *p++ = '-';
    p = Digits(p, date.day(), 2);
    if (second >= 0) {
      *p++ = 'T';
      p = Digits(p, second / 3600, 2);
      *p++ = ':';
      p = Digits(p, second / 60 % 60, 2);
      *p++ = ':';
      p = Digits(p, second % 60, 2);
      for (char c : std::string_view(".000Z")) *p++ = c;
    }
    size_ = static_cast<std::size_t>(p - text_);
  }
  operator std::string_view() const { return {text_, size_}; }

 private:
  static char* Digits(char* out, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
    return out + width;
  }
  char text_[24];
  std::size_t size_ = 0;
};

class Number {
 public:
  explicit Number(int n) : end_(std::to_chars(text_, text_ + sizeof text_, n).ptr) {}
  operator std::string_view() const { return {text_, static_cast<std::size_t>(end_ - text_)}; }

 private:
  char text_[12];
  char* end_;
};

// Fills a row and its JSON line together, in the order AppendJsonLine writes
// them: plain columns in the order of Columns(), then attrs and fields by
// name. Writing the text along is about six times cheaper than
// AppendJsonLine after the fact (0.5 against 3 µs a row; generate_test
// checks that the two texts are the same). Every word is from the lists above or a programme id (Check): no
// character to escape.
class RowWriter {
 public:
  RowWriter(Row& row, std::string& raw, const char* type) : row_(row), raw_(raw) {
    row.type = type;
    raw.append("{\"type\":\"").append(type).push_back('"');
  }
  ~RowWriter() { raw_.append(group_ ? "}}" : "}"); }

  void Value(const char* column, std::string_view value) {
    row_.values.emplace(column, value);
    Append(column, value);
  }
  void Attr(const char* key, std::string_view value) {
    Open(&row_.attrs, ",\"attrs\":{");
    row_.attrs.emplace(key, value);
    Append(key, value);
  }
  void Field(const char* name, std::string_view value) {
    Open(&row_.fields, ",\"fields\":{");
    row_.fields.emplace(name, value);
    Append(name, value);
  }

 private:
  void Open(const void* group, const char* text) {
    if (group_ == group) return;
    raw_.append(group_ ? "}" : "").append(text);
    group_ = group;
    first_ = true;
  }
  void Append(const char* key, std::string_view value) {
    if (!first_) raw_.push_back(',');
    first_ = false;
    raw_.append("\"").append(key).append("\":\"").append(value).push_back('"');
  }

  Row& row_;
  std::string& raw_;
  const void* group_ = nullptr;  // the attrs or fields being written
  bool first_ = false;           // of its group (the plain columns follow `type`)
};

std::string_view YesNo(bool b) { return b ? "yes" : "no"; }

// The user name of counsellor `index`, in `buffer` beyond the list.
std::string_view ReferentName(uint32_t index, std::string& buffer) {
  if (index < kReferentNames) return kReferentList[index];
  buffer = kReferentList[index % kReferentNames];
  buffer += std::to_string(index / kReferentNames + 1);
  return buffer;
}

std::string_view GivenName(const DrawnPerson& p) {
  return p.sex == kF   ? kGivenFemaleList[p.given]
         : p.sex == kM ? kGivenMaleList[p.given]
                       : kGivenEpiceneList[p.given];
}

// Columns in the order of Columns(): recorded, actor, programme, person,
// pathway, seq, action, date, name, birth, sex, allow_duplicate.
void WriteEvent(Row& row, std::string& raw, const DrawnPerson& p, int seq, const Event& e) {
  RowWriter w(row, raw, e.action <= Action::kExit ? "transition" : "milestone");
  w.Value("recorded", Iso(e.date, e.second));
  std::string referent;
  w.Value("actor", ReferentName(p.referent, referent));
  w.Value("pathway", p.pathway_id);
  w.Value("seq", Number(seq));
  w.Value("action", kActions[static_cast<int>(e.action)]);
  w.Value("date", Iso(e.date));
  switch (e.action) {  // fields by name
    case Action::kPosition:
      break;
    case Action::kStartTraining:
      if (e.b) w.Field("certification", kCertificationList[e.b - 1]);
      w.Field("hours", Number(e.n));
      w.Field("provider", kProviderList[e.a]);
      break;
    case Action::kStartVae:
      w.Field("certification", kCertificationList[e.a]);
      break;
    case Action::kPlace:
      w.Field("contract", kContracts[e.a]);
      if (e.b) w.Field("months", Number(e.b));
      break;
    case Action::kExit:
      w.Field("reason", kReasons[e.a]);
      break;
    case Action::kTrainingCompleted:
      w.Field("certified", YesNo(e.a));
      break;
    case Action::kVaeDecided:
      w.Field("result", kVaeResults[e.a]);
      break;
    case Action::kFollowUp:
      w.Field("employed", YesNo(e.a));
      break;
    case Action::kInterview:
      w.Field("minutes", Number(e.b));
      w.Field("mode", kModes[e.a]);
      break;
  }
}

}  // namespace

void WriteRow(Row& row, std::string& raw, const DrawnPerson& p, std::string_view programme, int index) {
  std::string referent;
  const std::string_view actor = ReferentName(p.referent, referent);
  if (index == 0) {
    RowWriter w(row, raw, "person");
    w.Value("recorded", Iso(p.enrolled, p.second));
    w.Value("actor", actor);
    w.Value("person", p.person_id);
    char name[128];  // a given name, a space and up to two family names joined by a hyphen
    std::size_t size = 0;
    auto add = [&](std::string_view word) {
      word.copy(name + size, word.size());
      size += word.size();
    };
    add(GivenName(p));
    add(" ");
    add(kFamilyList[p.family]);
    if (p.family2) {
      add("-");
      add(kFamilyList[p.family2 - 1]);
    }
    w.Value("name", std::string_view(name, size));
    w.Value("birth", Iso(p.birth));
    w.Value("sex", kSexes[p.sex]);
    // Generated persons are distinct whatever their names: namesakes born
    // the same day are no duplicates to look for (and looking costs reads).
    w.Value("allow_duplicate", "yes");
    const char education[] = {static_cast<char>('0' + p.education)};
    w.Attr("education", std::string_view(education, 1));
    w.Attr("labour_status", kLabourStatuses[p.labour]);
    w.Attr("qpv", YesNo(p.qpv));
    w.Attr("rqth", YesNo(p.rqth));
    w.Attr("rsa", YesNo(p.rsa));
    return;
  }
  if (index == 1) {
    // No referent: the import makes the actor, the same counsellor, the referent.
    RowWriter w(row, raw, "enrolment");
    w.Value("recorded", Iso(p.enrolled, p.enrolled_second));
    w.Value("actor", actor);
    w.Value("programme", programme);
    w.Value("person", p.person_id);
    w.Value("pathway", p.pathway_id);
    w.Value("date", Iso(p.enrolled));
    w.Field("prescriber", kPrescribers[p.prescriber]);
    return;
  }
  WriteEvent(row, raw, p, index, p.events[index - 2]);
}

}  // namespace parcours::rows::generated
