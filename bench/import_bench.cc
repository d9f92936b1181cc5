// Bulk import, next to its peers measured in the same run (docs/benchmarks.md,
// "Import"):
//   - Parcours: `Engine::Import` of a generated population (JSON Lines), every
//     row planned by its command's rules, batches of 2,000 rows, each synced;
//   - raw RocksDB: the very keys and values that import left in the store,
//     put by WriteBatches of the same count, each synced, default options;
//   - SQLite done well: the same rows parsed from the same file into tables
//     with their indexes (WAL, prepared statements, a transaction of 2,000
//     rows, synchronous=FULL so that each commit is durable, a 32 MB page
//     cache), reading each pathway's step and last event number before
//     writing an event, as a program checking the rows would, and keeping a
//     full-text index of names and each pathway's open deadline.
// The three are in bench_import.cc, which parcours_suite uses too.
//
//   build/bin/parcours_import_bench [PERSONS]   (default 20000)
//
// Prints one table: rows/s and events/s of each, CPU per row of Parcours, and
// the ratios. Events are the pathway rows (enrolments and events); persons are
// rows too.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench_import.h"
#include "bench_support.h"

int main(int argc, char** argv) {
  using namespace parcours;
  using namespace parcours::bench;
  const uint64_t persons = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  if (persons == 0 || persons > 28629151) {
    std::fprintf(stderr, "usage: parcours_import_bench [PERSONS]: PERSONS is a number from 1 to 28629151\n");
    return 2;
  }
  const Date today = *Date::FromYmd(2026, 11, 21);
  const auto dir = bench::TempDir("import-bench", "run");
  std::filesystem::create_directories(dir);

  const Population population = GeneratePopulation(dir, persons, today);
  const uint64_t events = population.events();
  const Timed parcours = ImportParcours(dir / "store", population, today);
  const std::size_t batches = (population.rows + kImportBatchRows - 1) / kImportBatchRows;
  const RawPuts raw_puts = PutRaw(dir / "store", dir / "raw", batches);
  const double raw = raw_puts.seconds;
  const double sqlite = ImportSqlite(dir / "sqlite", population);

  std::printf("import of %llu persons, %llu rows (%llu pathway events), batches of %zu rows, each synced\n",
              static_cast<unsigned long long>(persons), static_cast<unsigned long long>(population.rows),
              static_cast<unsigned long long>(events), kImportBatchRows);
  std::printf("%-44s %10s %12s %12s\n", "", "seconds", "rows/s", "events/s");
  auto line = [&](const char* what, double s) {
    std::printf("%-44s %10.2f %12.0f %12.0f\n", what, s, static_cast<double>(population.rows) / s,
                static_cast<double>(events) / s);
  };
  line("Parcours import (rules checked)", parcours.seconds);
  line("raw RocksDB, the same keys and values", raw);
  line("SQLite tables, the same rows", sqlite);
  std::printf("Parcours CPU: %.1f us a row; the store holds %llu keys and values, %.1f MB\n",
              parcours.cpu * 1e6 / static_cast<double>(population.rows),
              static_cast<unsigned long long>(raw_puts.count), static_cast<double>(raw_puts.bytes) / 1e6);
  std::printf("Parcours / raw RocksDB: %.2fx the speed (target >= 0.75)\n", raw / parcours.seconds);
  std::printf("Parcours / SQLite:      %.2fx the speed (target >= 2)\n", sqlite / parcours.seconds);
  std::filesystem::remove_all(dir);
  return 0;
}
