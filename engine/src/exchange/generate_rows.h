// Private to the population generator (generate.h): a person as drawn, in
// numbers (generate.cc), and its rows, in words (generate_rows.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "exchange/rows.h"
#include "parcours/date.h"

namespace parcours::rows::generated {

// The words the numbers stand for, in this order in generate_rows.cc.
enum Sex : uint16_t { kF, kM, kX };
enum Labour : uint16_t { kUnemployed, kLongTermUnemployed, kInactive, kEmployed };
enum Prescriber : uint16_t {
  kFranceTravail,
  kMissionLocale,
  kCcas,
  kRsaReferent,
  kSiae,
  kSelf,
  kOtherPrescriber
};
enum Reason : uint16_t { kEmployment, kTrainingExit, kDropout, kMoved, kRefused, kOtherExit };
enum Contract : uint16_t { kCdi, kCdd, kInterim, kContratAide, kCreation };
enum VaeResult : uint16_t { kFull, kPartial, kNone };
enum Mode : uint16_t { kIndividual, kGroup, kPhone, kVideo };

// How many words each list has.
inline constexpr std::size_t kGivenNames[] = {40, 40, 8};  // by Sex: epicene names for X
inline constexpr std::size_t kFamilyNames = 120;
inline constexpr std::size_t kReferentNames = 40;
// One counsellor for this many persons generated: about 75 of them active at
// the end, a counsellor's usual caseload.
inline constexpr uint64_t kPersonsPerReferent = 400;
// How many counsellors a population of `persons` has (at least one).
inline uint32_t Referents(uint64_t persons) {
  return static_cast<uint32_t>(persons == 0 ? 1 : (persons + kPersonsPerReferent - 1) / kPersonsPerReferent);
}
inline constexpr std::size_t kProviders = 10;
inline constexpr std::size_t kCertifications = 16;
inline constexpr std::size_t kVaeCertifications = 8;  // the first ones, also obtained by VAE

enum class Action : uint8_t {
  // Transitions,
  kPosition,
  kStartTraining,
  kStartVae,
  kPlace,
  kExit,
  // then milestones.
  kTrainingCompleted,
  kVaeDecided,
  kFollowUp,
  kInterview,
};

struct Event {
  Action action = Action::kPosition;
  Date date;
  int32_t second = 0;  // of the day, UTC
  // By action: start_training provider, certification (index + 1; 0: none),
  // hours; start_vae certification; place Contract, months (0: none); exit
  // Reason; training_completed certified; vae_decided VaeResult; follow_up
  // employed; interview Mode, minutes.
  uint16_t a = 0, b = 0, n = 0;
};

// What a person's rows say, drawn once per person, then written out row by
// row without allocating beyond the rows.
struct DrawnPerson {
  // At most 8 events from referral to follow-up, and 3 interviews.
  static constexpr int kMaxEvents = 12;

  char person_id[8] = {};  // P-XXXXX
  char pathway_id[8] = {};
  Sex sex = kF;
  uint16_t given = 0, family = 0;
  uint16_t family2 = 0;  // a second family name (index + 1), or 0
  Date birth;
  uint16_t education = 0;  // ISCED
  Labour labour = kUnemployed;
  bool rsa = false, rqth = false, qpv = false;
  Prescriber prescriber = kFranceTravail;
  uint32_t referent = 0;  // < Referents(persons)
  Date enrolled;
  int32_t second = 0, enrolled_second = 0;  // of the person row and the enrolment, UTC
  Event events[kMaxEvents];
  int count = 0;  // events
};

// Row `index` of `p` (0 its person, 1 its enrolment in `programme`, then its
// events) into the empty `row`, and its JSON line without the '\n' (the text
// of AppendJsonLine) into the empty `raw`.
void WriteRow(Row& row, std::string& raw, const DrawnPerson& p, std::string_view programme, int index);

}  // namespace parcours::rows::generated
