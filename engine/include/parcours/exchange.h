// Bulk import and export (docs/import-export.md): a store's history as rows
// of CSV or JSON Lines, one row per command (a programme installed, a person
// registered or edited, an enrolment, a transition...).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "parcours/date.h"
#include "parcours/status.h"

namespace parcours {

enum class ExchangeFormat { kCsv, kJsonLines };

// How far an import is, after each batch it commits.
struct ImportProgress {
  std::string file;
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  uint64_t rows = 0;     // rows read from this file, this run and any run it resumes
  uint64_t written = 0;  // of them, committed
  uint64_t refused = 0;  // of them, sent to the rejects file
};

struct ImportRequest {
  std::vector<std::string> files;  // imported in this order; .csv, .jsonl or .ndjson
  // Where each file's refused rows go: "" beside it, <file>.rejects.csv (or
  // .jsonl); else this directory, with the same names.
  std::string rejects_dir;
  std::size_t batch_rows = 2000;  // rows per write batch (1 to 100000)
  std::string actor;              // who imports: the actor of rows that name none
  std::function<void(const ImportProgress&)> progress;  // may be empty
  // How a refusal is worded in a rejects file: the front end's rendering of
  // the engine's {cmd:...} and {arg:...} references. Empty: as they are.
  std::function<std::string(const std::string&)> say;
};

struct ImportFileSummary {
  std::string file;
  ExchangeFormat format = ExchangeFormat::kCsv;
  uint64_t rows = 0;
  uint64_t written = 0;
  uint64_t refused = 0;
  uint64_t resumed_at_line = 0;   // 0: started from the beginning
  bool already_imported = false;  // imported completely before: nothing done
  std::string imported;           // when it was, for already_imported
  std::string imported_by;
  std::string rejects;            // the rejects file, "" when no row was refused
};

struct ImportSummary {
  std::vector<ImportFileSummary> files;
  uint64_t rows = 0;
  uint64_t written = 0;
  uint64_t refused = 0;
};

// A synthetic population (docs/import-export.md, "Generating a
// population"): persons with one pathway each in `programme` (whose
// vocabulary is the shipped insertion workflow's), drawn from `seed` alone.
struct GenerateRequest {
  uint64_t persons = 0;  // 1 to 28,629,151 (one five-character id each)
  uint64_t seed = 1;
  std::string programme = "insertion";
  // How the rows go in: actor, batch_rows, progress, say and rejects_dir
  // (where generate-SEED.rejects.jsonl goes; "" the current directory).
  // `files` is not used.
  ImportRequest import;
};

struct ExportRequest {
  ExchangeFormat format = ExchangeFormat::kJsonLines;
  std::ostream* out = nullptr;
};

struct ExportSummary {
  uint64_t rows = 0;
  uint64_t persons = 0;
  uint64_t pathways = 0;
  uint64_t events = 0;
};

// The rows of a generated population, as JSON Lines, to `out`: what
// Engine::Generate imports, for a file to import elsewhere (or to measure).
// `today` is the last day a pathway may reach. Refused: no person, or more
// than ids allow.
Status WritePopulation(const GenerateRequest& request, const Date& today, std::ostream& out);

}  // namespace parcours
