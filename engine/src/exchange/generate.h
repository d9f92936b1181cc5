// A synthetic population of the `insertion` programme as import rows (a
// rows::Source for `parcours import`, as a file is): persons with plausible
// identities and attributes, each with one pathway from referral to exit and
// follow-up, drawn from rates documented in generate.cc.
//
// The rows are a pure function of the options and the person's number: the
// same options give byte-identical rows on every machine (no standard
// library distribution, no clock), each person is drawn independently of the
// others, so that an interrupted generation resumes at any person, and ids
// are a bijection of the person's number, unique without a store lookup.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "exchange/source.h"
#include "parcours/date.h"
#include "parcours/status.h"

namespace parcours::rows {

struct GeneratorOptions {
  uint64_t persons = 0;  // how many persons (each with one pathway in `programme`)
  uint64_t seed = 1;
  Date today;  // no date after it; pathways start in the 3 years before it
  std::string programme = "insertion";
};

namespace generated {
struct DrawnPerson;  // generate_rows.h
}  // namespace generated

// A deterministic synthetic population as import rows: for each person, its
// person row, then its enrolment and its events in order (JSON Lines raw text).
class Generator final : public Source {
 public:
  // The largest population: one id per person (31^5 five-character ids).
  static constexpr uint64_t kMaxPersons = 28629151;

  // Refused: no person, more persons than ids, a programme that is no
  // programme id.
  static Status Check(const GeneratorOptions& options);

  // Options that Check refuses make Next return that refusal.
  explicit Generator(GeneratorOptions options);
  ~Generator() override;

  // Starts at person number `first_person` (0-based): where an interrupted
  // generation resumes. Its rows are numbered from `first_line`, the line
  // after the last row emitted before (an import's checkpoint has it): how
  // many rows the persons before have is only known by drawing them all.
  void SkipTo(uint64_t first_person, uint64_t first_line = 1);

  // Item.row set, Item.status Ok, Item.raw its AppendJsonLine text without
  // the '\n', Item.line its 1-based row number, Item.end the number of
  // persons fully emitted once it is (progress is persons done / persons),
  // Item.resumable only on a person's last row (an import commits a person's
  // rows together and resumes at a person).
  Result<bool> Next(Item& out) override;

  ExchangeFormat format() const override { return ExchangeFormat::kJsonLines; }
  const std::string& header() const override;  // ""
  uint64_t size() const override;              // options.persons

 private:
  GeneratorOptions options_;
  Status status_;
  // The affine permutations of person numbers giving person and pathway ids.
  uint64_t person_a_ = 1, person_b_ = 0, pathway_a_ = 1, pathway_b_ = 0;
  uint64_t next_ = 0;  // the number of the next person to draw
  uint64_t line_ = 1;  // of the next row
  int row_ = 0;        // the next row of `person_` (0: its person row)
  int rows_ = 0;       // rows of `person_`; 0 before the first
  // What the current person's rows say, drawn once per person (allocated
  // once per generator).
  std::unique_ptr<generated::DrawnPerson> person_;
};

}  // namespace parcours::rows
