// The bulk import and its peers, shared by parcours_import_bench and
// parcours_suite (docs/benchmarks.md, "Import" and "The suite"):
//   - Parcours: `Engine::Import` of a generated population (JSON Lines), every
//     row planned by its command's rules, batches of 2,000 rows, each synced;
//   - raw RocksDB: the very keys and values that import left in the store,
//     put by WriteBatches of the same count, each synced, default options;
//   - SQLite done well: the same rows parsed from the same file into tables
//     with their indexes (WAL, prepared statements, a transaction of 2,000
//     rows, synchronous=FULL so that each commit is durable, a 32 MB page
//     cache as Parcours' block cache), reading each pathway's step and last
//     event number before writing an event, as a program checking the rows
//     would, and keeping what the same questions need: a full-text index of
//     names (as Parcours' search entries) and each pathway's open deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "parcours/date.h"

namespace parcours::bench {

inline constexpr std::size_t kImportBatchRows = 2000;
// SQLite's page cache, as Parcours' block cache: 32 MB (negative: KiB).
inline constexpr const char* kSqliteCachePragma = "PRAGMA cache_size=-32768";
// The SQLite file ImportSqlite writes in its directory.
inline constexpr const char* kSqliteFileName = "import.sqlite";

// Prints "bench: WHAT" and exits 1.
[[noreturn]] void Die(const std::string& what);

double SecondsSince(std::chrono::steady_clock::time_point since);
// This process's CPU time (user and system, all threads).
double CpuSeconds();

struct Population {
  std::filesystem::path file;
  uint64_t rows = 0;
  uint64_t persons = 0;
  uint64_t events() const { return rows - persons; }  // pathway rows: enrolments and events
};

// `WritePopulation` of `persons`, seed 7, to dir/population.jsonl.
Population GeneratePopulation(const std::filesystem::path& dir, uint64_t persons, Date today);

struct Timed {
  double seconds = 0;
  double cpu = 0;
};

// A new store in `store_dir` with the insertion workflow, then the population
// imported (timed: only the import). Every row must go in.
Timed ImportParcours(const std::filesystem::path& store_dir, const Population& population, Date today);

// The store's keys and values (all domains, a domain byte before each key)
// put into a fresh RocksDB in `dir` with default options by `batches` synced
// WriteBatches; only the writes are timed (the store is read meanwhile).
struct RawPuts {
  double seconds = 0;
  uint64_t count = 0;
  uint64_t bytes = 0;
};
RawPuts PutRaw(const std::filesystem::path& store_dir, const std::filesystem::path& dir, std::size_t batches);

// The population loaded into dir/import.sqlite; the seconds it took.
double ImportSqlite(const std::filesystem::path& dir, const Population& population);

}  // namespace parcours::bench
