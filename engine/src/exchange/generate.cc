#include "exchange/generate.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "exchange/generate_rows.h"
#include "parcours/ids.h"
#include "parcours/text.h"
#include "workflow/loader_support.h"

namespace parcours::rows {

// The population, per person (‰: per mille), drawn to look like a French
// insertion programme (PLIE, Maison de l'Emploi) and to feed its funders'
// indicators plausibly; the figures are orders of magnitude from DARES and
// France Travail publications, not a model of any one territory.
//
// | what                    | rates                                                              |
// |-------------------------|--------------------------------------------------------------------|
// | enrolment date          | uniform over the 3 years before `today`, on a weekday              |
// | sex                     | F 520, M 475, X 5                                                  |
// | age at entry            | 16-17: 20, 18-25: 230 (under 26: 250), 26-34: 220, 35-49: 330,     |
// |                         | 50-57: 140, 58-64: 60 (50+: 200); uniform within a band            |
// | education (ISCED)       | 0: 30, 1: 70, 2: 300, 3: 350, 4: 60, 5: 90, 6: 65, 7: 30, 8: 5     |
// | labour status, < 26     | unemployed 550, long-term 150, inactive 250, employed 50           |
// | labour status, 26+      | unemployed 350, long-term 450, inactive 140, employed 60           |
// | RSA                     | under 25: 40, 25+: 373 (about 300 of all)                          |
// | RQTH                    | under 26: 40, 26-49: 80, 50+: 130 (about 80 of all)                |
// | QPV                     | 250                                                                |
// | names                   | given name by sex (epicene names for X), family name uniform;     |
// |                         | 50 carry a double family name (Martin-Dubois)                      |
// | prescriber, RSA         | rsa_referent 450, france_travail 350, ccas 80, siae 50, self 30,   |
// |                         | other 40                                                           |
// | prescriber, < 26        | mission_locale 550, france_travail 250, ccas 30, siae 50, self 70, |
// |                         | other 50                                                           |
// | prescriber, others      | france_travail 620, ccas 80, siae 100, self 100, other 100         |
// | referent                | one counsellor per 400 persons, uniform (about 75 active pathways  |
// |                         | each); every row's actor                                          |
// | referral                | exit 80 after 3-45 days (refused 400, dropout 300, moved 200,      |
// |                         | other 100); else position after 5-40 days                          |
// | after positioning       | exit 170 after 20-120 days (dropout 450, moved 150, refused 150,   |
// |                         | other 150, training 100); training 450 after 15-75 days; VAE 80    |
// |                         | after 20-90 days (28+ with ISCED 3+, else training); place 300     |
// |                         | after 20-150 days                                                  |
// | training                | certifying 900 (60-270 days, 20-35 h a week), else 30-90 days;     |
// |                         | completed 820, exit dropout 120 / other 60 before its end          |
// | training completed      | certified 795 of certifying trainings (about 700 of those ended,   |
// |                         | short uncertified ones ending sooner); then place (certified 680,  |
// |                         | else 450) after 7-120 days, or exit after 14-120 days (other 350,  |
// |                         | training 250, dropout 250, moved 150)                              |
// | VAE                     | 183-365 days; exit dropout 100 before the jury; result full 600,   |
// |                         | partial 250, none 150                                              |
// | after the jury          | full: place 700 / exit other 300; partial: training (the same      |
// |                         | certification) 500 / place 300 / exit other 200; none: training    |
// |                         | 300 / place 300 / exit 400 (other 600, dropout 400)                |
// | contract                | cdi 220, cdd 350, interim 180, contrat_aide 170, creation 80       |
// | months, cdd             | 1: 80, 2: 100, 3: 120, 4: 80, 6: 220, 8: 80, 9: 60, 12: 180,       |
// |                         | 18: 50, 24: 30                                                     |
// | months, interim         | 1: 350, 2: 250, 3: 180, 4: 80, 6: 100, 9: 20, 12: 20               |
// | months, contrat aidé    | 4: 100, 6: 250, 9: 150, 12: 300, 18: 100, 24: 100                  |
// | after placement         | exit employment after 7-60 days                                    |
// | follow-up               | 6 months + 0-45 days after the exit (a weekday), when not after    |
// |                         | today; employed: cdi 850, creation 750, cdd of 6+ months 700,      |
// |                         | shorter cdd 600, interim 600, contrat aidé 550, exit to training   |
// |                         | 450, moved 350, other 350, dropout 300, refused 250 (about half of |
// |                         | all leavers, two thirds of those placed)                           |
// | interviews              | 0: 250, 1: 350, 2: 250, 3: 150, in distinct stays before the exit  |
// |                         | (individual 600 30-90 min, phone 200 10-30, group 120 60-180,      |
// |                         | video 80 20-60)                                                    |
// | recorded                | the event's date, 07:00-16:30 UTC (French office hours); later     |
// |                         | events of the same day 2-40 minutes apart                          |
//
// Every date falls on a weekday up to the day before `today`: a row dated
// today would carry an office time that may still be to come when it is
// imported, and be refused as recorded in the future. A pathway whose next
// event would fall later stops there, active.

namespace generated {
namespace {

// ---- numbers --------------------------------------------------------------------

// The splitmix64 finaliser: a bijection of 64-bit words that spreads every
// input bit over the output.
constexpr uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// splitmix64: small, fast and the same everywhere, unlike the standard
// library's distributions.
class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t Next() { return Mix(state_ += 0x9E3779B97F4A7C15ull); }
  // 0 to n - 1, by multiply-shift (its bias, n / 2^32, is far below what
  // any rate here can show).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  int32_t Between(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  bool PerMille(uint32_t p) { return Below(1000) < p; }
  // One of `n` words of a list.
  uint16_t Index(std::size_t n) { return static_cast<uint16_t>(Below(static_cast<uint32_t>(n))); }
  // An index of `per_mille`, whose weights add up to 1000, as an E.
  template <typename E = uint16_t, std::size_t N>
  E Pick(const uint16_t (&per_mille)[N]) {
    uint32_t x = Below(1000);
    for (std::size_t i = 0; i + 1 < N; ++i) {
      if (x < per_mille[i]) return static_cast<E>(i);
      x -= per_mille[i];
    }
    return static_cast<E>(N - 1);
  }

 private:
  uint64_t state_;
};

template <std::size_t N>
constexpr bool PerMilleTotal(const uint16_t (&w)[N]) {
  uint32_t total = 0;
  for (uint16_t x : w) total += x;
  return total == 1000;
}

// Values with weights adding up to 1000.
struct Weighted {
  uint16_t value, weight;
};
template <std::size_t N>
uint16_t PickValue(Rng& r, const Weighted (&table)[N]) {
  uint32_t x = r.Below(1000);
  for (std::size_t i = 0; i + 1 < N; ++i) {
    if (x < table[i].weight) return table[i].value;
    x -= table[i].weight;
  }
  return table[N - 1].value;
}

// ---- the rates of the table above -----------------------------------------------

constexpr uint16_t kSex[] = {520, 475, 5};
struct AgeBand {
  int lo, hi;
};
constexpr AgeBand kAgeBands[] = {{16, 17}, {18, 25}, {26, 34}, {35, 49}, {50, 57}, {58, 64}};
constexpr uint16_t kAgeBand[] = {20, 230, 220, 330, 140, 60};
constexpr uint16_t kEducation[] = {30, 70, 300, 350, 60, 90, 65, 30, 5};
constexpr uint16_t kLabourYoung[] = {550, 150, 250, 50};
constexpr uint16_t kLabourOthers[] = {350, 450, 140, 60};
constexpr uint16_t kPrescriberRsa[] = {350, 0, 80, 450, 50, 30, 40};
constexpr uint16_t kPrescriberYoung[] = {250, 550, 30, 0, 50, 70, 50};
constexpr uint16_t kPrescriberOthers[] = {620, 0, 80, 0, 100, 100, 100};
constexpr uint16_t kReferralExit[] = {0, 0, 300, 200, 400, 100};
constexpr uint16_t kPositioningExit[] = {0, 100, 450, 150, 150, 150};
constexpr uint16_t kTrainedExit[] = {0, 250, 250, 150, 0, 350};

enum Next : uint16_t { kExitNext, kTrainingNext, kVaeNext, kPlaceNext };
constexpr uint16_t kAfterPositioning[] = {170, 450, 80, 300};
constexpr uint16_t kAfterVae[3][4] = {{300, 0, 0, 700}, {200, 500, 0, 300}, {400, 300, 0, 300}};

constexpr uint16_t kContract[] = {220, 350, 180, 170, 80};
constexpr Weighted kCddMonths[] = {{1, 80}, {2, 100}, {3, 120},  {4, 80},  {6, 220},
                                   {8, 80}, {9, 60},  {12, 180}, {18, 50}, {24, 30}};
constexpr Weighted kInterimMonths[] = {{1, 350}, {2, 250}, {3, 180}, {4, 80}, {6, 100}, {9, 20}, {12, 20}};
constexpr Weighted kAidedMonths[] = {{4, 100}, {6, 250}, {9, 150}, {12, 300}, {18, 100}, {24, 100}};

constexpr uint16_t kVaeResult[] = {600, 250, 150};
constexpr uint16_t kMode[] = {600, 120, 200, 80};
constexpr AgeBand kModeMinutes[] = {{30, 90}, {60, 180}, {10, 30}, {20, 60}};  // in steps of 5
constexpr uint16_t kInterviews[] = {250, 350, 250, 150};

static_assert(PerMilleTotal(kSex) && PerMilleTotal(kAgeBand) && PerMilleTotal(kEducation) &&
              PerMilleTotal(kLabourYoung) && PerMilleTotal(kLabourOthers) && PerMilleTotal(kPrescriberRsa) &&
              PerMilleTotal(kPrescriberYoung) && PerMilleTotal(kPrescriberOthers) &&
              PerMilleTotal(kReferralExit) && PerMilleTotal(kPositioningExit) &&
              PerMilleTotal(kTrainedExit) && PerMilleTotal(kAfterPositioning) &&
              PerMilleTotal(kAfterVae[0]) && PerMilleTotal(kAfterVae[1]) && PerMilleTotal(kAfterVae[2]) &&
              PerMilleTotal(kContract) && PerMilleTotal(kVaeResult) && PerMilleTotal(kMode) &&
              PerMilleTotal(kInterviews));

// Follow-up: employed, per mille, by how the person left.
uint16_t EmployedAfter(Reason reason, Contract contract, uint16_t months) {
  constexpr uint16_t kByContract[] = {850, 600, 600, 550, 750};  // a cdd of 6+ months: 700
  constexpr uint16_t kByReason[] = {0, 450, 300, 350, 250, 350};
  if (reason != kEmployment) return kByReason[reason];
  return contract == kCdd && months >= 6 ? 700 : kByContract[contract];
}

// ---- dates and ids ----------------------------------------------------------------

// Enrolments: up to 3 years (1095 days) before today, Friday for a weekend included.
constexpr int32_t kWindowDays = 1093;
constexpr int32_t kOfficeStart = 7 * 3600, kOfficeSeconds = 9 * 3600 + 1800;

// 1970-01-01 was a Thursday; 0 is Monday.
int DayOfWeek(Date d) {
  const int32_t w = (d.days() + 3) % 7;
  return w < 0 ? w + 7 : w;
}
Date NextWeekday(Date d) {
  const int w = DayOfWeek(d);
  return w >= 5 ? d.plus_days(7 - w) : d;
}

// A birth date giving `age` on `on`: between the day after the anniversary
// `age + 1` years before and the one `age` years before (28 February for a
// 29th in a common year).
Date BirthFor(Rng& r, int age, Date on) {
  const int y = on.year(), m = on.month(), d = on.day();
  auto anniversary = [&](int years) {
    auto day = Date::FromYmd(y - years, m, d);
    return day ? *day : *Date::FromYmd(y - years, 2, 28);
  };
  const Date hi = anniversary(age), lo = anniversary(age + 1).plus_days(1);
  return lo.plus_days(static_cast<int32_t>(r.Below(static_cast<uint32_t>(lo.days_until(hi) + 1))));
}

// An affine map i -> a*i + b (mod 31^5), a bijection since a is coprime to 31.
uint64_t Multiplier(uint64_t x) {
  uint64_t a = 1 + x % (Generator::kMaxPersons - 1);
  return a % 31 == 0 ? a + 1 : a;
}
void WriteId(char (&out)[8], char prefix, uint64_t n) {
  out[0] = prefix;
  out[1] = '-';
  for (int i = 6; i >= 2; --i, n /= 31) out[i] = kIdAlphabet[n % 31];
  out[7] = '\0';
}

// ---- a pathway ----------------------------------------------------------------------

// The events of a pathway as they are drawn, each on a weekday on or after
// the one before. One that would fall after `last` is left out and the
// pathway stops there, active: Add returns false.
struct Timeline {
  bool Add(Action action, int32_t days, uint16_t a = 0, uint16_t b = 0, uint16_t n = 0) {
    const Date date = NextWeekday(at.plus_days(days));
    if (date > last) return false;
    p.events[p.count++] = Event{action, date, 0, a, b, n};
    at = date;
    return true;
  }

  DrawnPerson& p;
  const Date last;
  Date at;  // of the latest event
};

// How the person leaves, for the follow-up.
struct Leaving {
  Reason reason = kOtherExit;
  Contract contract = kCdi;
  uint16_t months = 0;
};

// Placement, then the exit to employment.
bool Place(Rng& r, Timeline& t, int32_t days, Leaving& leaving) {
  const auto contract = r.Pick<Contract>(kContract);
  uint16_t months = 0;
  if (contract == kCdd) months = PickValue(r, kCddMonths);
  if (contract == kInterim) months = PickValue(r, kInterimMonths);
  if (contract == kContratAide) months = PickValue(r, kAidedMonths);
  if (!t.Add(Action::kPlace, days, contract, months)) return false;
  leaving = {kEmployment, contract, months};
  return t.Add(Action::kExit, r.Between(7, 60), kEmployment);
}

bool Exit(Timeline& t, int32_t days, Reason reason, Leaving& leaving) {
  leaving.reason = reason;
  return t.Add(Action::kExit, days, reason);
}

// A training (`certification`: index + 1, 0 for none, -1 to draw one), and
// what follows it up to the exit.
bool Train(Rng& r, Timeline& t, int32_t days, int certification, Leaving& leaving) {
  if (certification < 0) {
    certification = r.PerMille(900) ? 1 + r.Index(kCertifications) : 0;
  }
  const int32_t duration = certification ? r.Between(60, 270) : r.Between(30, 90);
  const int32_t hours = std::max(7, duration * r.Between(20, 35) / 7 / 7 * 7);
  const auto provider = r.Index(kProviders);
  if (!t.Add(Action::kStartTraining, days, provider, static_cast<uint16_t>(certification),
             static_cast<uint16_t>(hours))) {
    return false;
  }
  const uint32_t outcome = r.Below(1000);
  if (outcome >= 820) return Exit(t, r.Between(10, duration), outcome < 940 ? kDropout : kOtherExit, leaving);
  const bool certified = certification && r.PerMille(795);
  if (!t.Add(Action::kTrainingCompleted, duration, certified)) return false;
  if (r.PerMille(certified ? 680 : 450)) return Place(r, t, r.Between(7, 120), leaving);
  return Exit(t, r.Between(14, 120), r.Pick<Reason>(kTrainedExit), leaving);
}

bool Vae(Rng& r, Timeline& t, int32_t days, Leaving& leaving) {
  const auto certification = r.Index(kVaeCertifications);
  if (!t.Add(Action::kStartVae, days, certification)) return false;
  const int32_t duration = r.Between(183, 365);
  if (r.PerMille(100)) return Exit(t, r.Between(30, duration), kDropout, leaving);
  const auto result = r.Pick<VaeResult>(kVaeResult);
  if (!t.Add(Action::kVaeDecided, duration, result)) return false;
  switch (r.Pick(kAfterVae[result])) {
    case kTrainingNext:  // complementary training: towards the same certification after a partial one
      return Train(r, t, r.Between(20, 90), result == kPartial ? certification + 1 : -1, leaving);
    case kPlaceNext:
      return Place(r, t, r.Between(14, 120), leaving);
    default:
      return Exit(t, r.Between(14, 90), result == kNone && r.PerMille(400) ? kDropout : kOtherExit, leaving);
  }
}

// The events from referral to the follow-up, as far as `last`.
void DrawPathway(Rng& r, DrawnPerson& p, Date last) {
  Timeline t{p, last, p.enrolled};
  Leaving leaving;
  bool exited = false;
  if (r.PerMille(80)) {
    exited = Exit(t, r.Between(3, 45), r.Pick<Reason>(kReferralExit), leaving);
  } else if (t.Add(Action::kPosition, r.Between(5, 40))) {
    Next next = r.Pick<Next>(kAfterPositioning);
    if (next == kVaeNext && (age_on(p.birth, p.enrolled) < 28 || p.education < 3)) next = kTrainingNext;
    switch (next) {
      case kExitNext:
        exited = Exit(t, r.Between(20, 120), r.Pick<Reason>(kPositioningExit), leaving);
        break;
      case kTrainingNext:
        exited = Train(r, t, r.Between(15, 75), -1, leaving);
        break;
      case kVaeNext:
        exited = Vae(r, t, r.Between(20, 90), leaving);
        break;
      case kPlaceNext:
        exited = Place(r, t, r.Between(20, 150), leaving);
        break;
    }
  }
  if (!exited) return;
  // 6 whole months after the exit at the earliest (the workflow's guard).
  const Date due = t.at.plus_months(6);
  const uint16_t employed = EmployedAfter(leaving.reason, leaving.contract, leaving.months);
  t.Add(Action::kFollowUp, t.at.days_until(due) + r.Between(0, 45), r.PerMille(employed));
}

// Interviews in distinct stays before the exit (the referral's, the
// positioning's...), each on a weekday within its stay.
void AddInterviews(Rng& r, DrawnPerson& p, Date last) {
  int exit = p.count;
  for (int i = 0; i < p.count; ++i) {
    if (p.events[i].action == Action::kExit) exit = i;
  }
  // Stay s runs from event s - 1 (the enrolment for 0) to event s, or to
  // `last` for an active pathway's current step.
  const int stays = exit < p.count ? exit + 1 : p.count + 1;
  int wanted = std::min<int>(r.Pick(kInterviews), stays);
  if (wanted == 0) return;
  Event merged[DrawnPerson::kMaxEvents];
  int count = 0;
  for (int s = 0; s < stays || s < p.count; ++s) {
    // Selection sampling: stays chosen with equal chances, in order.
    if (s < stays && wanted > 0 && static_cast<int>(r.Below(static_cast<uint32_t>(stays - s))) < wanted) {
      --wanted;
      const Date start = s == 0 ? p.enrolled : p.events[s - 1].date;
      const Date end = s < p.count ? p.events[s].date : last;
      Date date = NextWeekday(
          start.plus_days(static_cast<int32_t>(r.Below(static_cast<uint32_t>(start.days_until(end) + 1)))));
      if (date > end) date = start;
      const uint16_t mode = r.Pick(kMode);
      const auto minutes =
          static_cast<uint16_t>(5 * r.Between(kModeMinutes[mode].lo / 5, kModeMinutes[mode].hi / 5));
      merged[count++] = Event{Action::kInterview, date, 0, mode, minutes, 0};
    }
    if (s < p.count) merged[count++] = p.events[s];
  }
  std::copy(merged, merged + count, p.events);
  p.count = count;
}

// Office times: the person registered, enrolled minutes later, and each
// event a few minutes after one of the same day.
void AddTimes(Rng& r, DrawnPerson& p) {
  p.second = kOfficeStart + static_cast<int32_t>(r.Below(kOfficeSeconds));
  p.enrolled_second = p.second + r.Between(60, 600);
  Date day = p.enrolled;
  int32_t second = p.enrolled_second;
  for (int i = 0; i < p.count; ++i) {
    Event& e = p.events[i];
    second = e.date == day ? std::min(second + r.Between(120, 2400), 86399)
                           : kOfficeStart + static_cast<int32_t>(r.Below(kOfficeSeconds));
    day = e.date;
    e.second = second;
  }
}

// Person `number`, but for its ids.
void Draw(DrawnPerson& p, const GeneratorOptions& options, uint64_t number) {
  p = DrawnPerson();
  // Each person's numbers come from (seed, number) alone, so that any
  // person can be drawn first.
  Rng r(Mix(options.seed ^ 0x243F6A8885A308D3ull) ^ Mix(number + 0x13198A2E03707344ull));
  const Date last = options.today.plus_days(-1);
  // A weekday: Saturdays and Sundays go back to the Friday.
  p.enrolled = last.plus_days(-static_cast<int32_t>(r.Below(kWindowDays)));
  if (const int w = DayOfWeek(p.enrolled); w >= 5) p.enrolled = p.enrolled.plus_days(4 - w);

  p.sex = r.Pick<Sex>(kSex);
  const AgeBand band = kAgeBands[r.Pick(kAgeBand)];
  const int age = r.Between(band.lo, band.hi);
  p.birth = BirthFor(r, age, p.enrolled);
  p.education = r.Pick(kEducation);
  p.labour = age < 26 ? r.Pick<Labour>(kLabourYoung) : r.Pick<Labour>(kLabourOthers);
  p.rsa = r.PerMille(age < 25 ? 40 : 373);
  p.rqth = r.PerMille(age < 26 ? 40 : age < 50 ? 80 : 130);
  p.qpv = r.PerMille(250);
  p.prescriber = r.Pick<Prescriber>(p.rsa ? kPrescriberRsa : age < 26 ? kPrescriberYoung : kPrescriberOthers);
  p.referent = r.Below(Referents(options.persons));

  p.given = r.Index(kGivenNames[p.sex]);
  p.family = r.Index(kFamilyNames);
  if (r.PerMille(50)) {
    p.family2 = static_cast<uint16_t>(1 + r.Index(kFamilyNames));
    if (p.family2 == p.family + 1) p.family2 = 0;  // no "Martin-Martin"
  }

  DrawPathway(r, p, last);
  AddInterviews(r, p, last);
  AddTimes(r, p);
}

}  // namespace
}  // namespace generated

using generated::DrawnPerson;
using generated::Mix;

// ---- Generator ------------------------------------------------------------------------

Status Generator::Check(const GeneratorOptions& options) {
  const std::string allowed = "Give 1 to " + std::to_string(kMaxPersons) + " persons.";
  if (options.persons == 0) return Status::Refused("no person to generate", allowed);
  if (options.persons > kMaxPersons) {
    return Status::Refused(std::to_string(options.persons) + " persons is more than there are person ids",
                           allowed);
  }
  if (!loader::IsValidId(options.programme)) {
    return Status::Refused("programme " + EchoText(options.programme) + " is not a programme id",
                           "Give the id of an installed programme, e.g. insertion.");
  }
  return Status::Ok();
}

Generator::Generator(GeneratorOptions options)
    : options_(std::move(options)), status_(Check(options_)), person_(std::make_unique<DrawnPerson>()) {
  const uint64_t h = Mix(options_.seed ^ 0xA4093822299F31D0ull);
  person_a_ = generated::Multiplier(h);
  person_b_ = Mix(h + 1) % kMaxPersons;
  pathway_a_ = generated::Multiplier(Mix(h + 2));
  pathway_b_ = Mix(h + 3) % kMaxPersons;
}

Generator::~Generator() = default;

void Generator::SkipTo(uint64_t first_person, uint64_t first_line) {
  next_ = first_person;
  line_ = first_line;
  row_ = rows_ = 0;
}

Result<bool> Generator::Next(Item& out) {
  if (!status_.ok()) return status_;
  if (row_ == rows_) {
    if (next_ >= options_.persons) return false;
    generated::Draw(*person_, options_, next_);
    generated::WriteId(person_->person_id, kPersonPrefix, (person_a_ * next_ + person_b_) % kMaxPersons);
    generated::WriteId(person_->pathway_id, kPathwayPrefix, (pathway_a_ * next_ + pathway_b_) % kMaxPersons);
    ++next_;
    row_ = 0;
    rows_ = 2 + person_->count;
  }
  out.status = Status::Ok();
  Row& row = out.row;
  row.values.clear();
  row.attrs.clear();
  row.fields.clear();
  row.line = line_;
  out.raw.clear();
  generated::WriteRow(row, out.raw, *person_, options_.programme, row_);
  out.line = line_++;
  ++row_;
  out.resumable = row_ == rows_;
  out.end = out.resumable ? next_ : next_ - 1;
  return true;
}

const std::string& Generator::header() const {
  static const std::string kNone;
  return kNone;
}

uint64_t Generator::size() const { return options_.persons; }

}  // namespace parcours::rows
