// Engine benchmarks on a real RocksDB store in a temporary directory.
//
//   build/bin/parcours_bench --benchmark_min_time=2
//
// Each write command is a synced (fsync) atomic batch, so write figures are
// bounded by the disk's flush latency; reads and reports are not.
#include <benchmark/benchmark.h>

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "bench_support.h"
#include "parcours/engine.h"

namespace parcours {
namespace {

using bench::ReadInsertionWorkflow;

// A store in a fresh temporary directory with the insertion programme.
class Fixture {
 public:
  Fixture() {
    dir_ = bench::TempDir("bench", std::to_string(counter_++));
    store_ = std::move(Store::Open(dir_.string(), StoreOptions{true, false, nullptr})).value();
    engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_);
    static_cast<void>(engine_->InstallProgramme(ReadInsertionWorkflow(), "insertion.yaml", "bench"));
  }
  ~Fixture() {
    engine_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Engine& engine() { return *engine_; }
  Store& store() { return *store_; }

  // A person enrolled on 2026-01-05 and positioned, as in a real caseload.
  std::string AddPathway(int i) {
    AddPersonRequest p;
    p.name = "Personne " + std::to_string(i);
    p.birth = "1990-01-01";
    p.sex = i % 2 ? "F" : "M";
    p.allow_duplicate = true;
    p.actor = "bench";
    auto person = engine_->AddPerson(p);
    auto r = engine_->Enroll(EnrollRequest{person->id, "insertion", "2026-01-05",
                                           i % 3 ? "lea" : "karim", {{"prescriber", "france_travail"}}, "bench", ""});
    const std::string id = r->state.id;
    static_cast<void>(engine_->Advance(AdvanceRequest{id, "position", "2026-02-01", {}, "bench", ""}));
    if (i % 2) {
      static_cast<void>(engine_->Advance(
          AdvanceRequest{id, "place", "2026-03-01", {{"contract", "cdd"}, {"months", std::to_string(1 + i % 12)}}, "bench", ""}));
    }
    return id;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  FixedDateClock clock_{*Date::ParseIso("2026-11-21")};
  boost::asio::io_context io_;
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("bench");
  std::unique_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
};

// One counsellor command end to end: validate, event, synced batch, publish.
void BM_RecordInterview(benchmark::State& state) {
  Fixture f;
  const std::string id = f.AddPathway(1);
  for (auto _ : state) {
    auto r = f.engine().Record(RecordRequest{id, "interview", "2026-11-21", {{"mode", "individual"}}, "bench", ""});
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordInterview)->Unit(benchmark::kMicrosecond);

void BM_AddPersonAndEnroll(benchmark::State& state) {
  Fixture f;
  int i = 0;
  for (auto _ : state) {
    AddPersonRequest p;
    p.name = "Personne " + std::to_string(i++);
    p.birth = "1990-01-01";
    p.sex = "F";
    p.actor = "bench";
    auto person = f.engine().AddPerson(p);
    auto r = f.engine().Enroll(EnrollRequest{person->id, "insertion", std::nullopt, "", {{"prescriber", "ccas"}}, "bench", ""});
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddPersonAndEnroll)->Unit(benchmark::kMicrosecond);

// Reads over a store of state.range(0) pathways.
void BM_Caseload(benchmark::State& state) {
  Fixture f;
  for (int i = 0; i < state.range(0); ++i) f.AddPathway(i);
  for (auto _ : state) {
    auto r = f.engine().Caseload(CaseloadQuery{"", "", "lea", "", false});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Caseload)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_OutcomesReport(benchmark::State& state) {
  Fixture f;
  for (int i = 0; i < state.range(0); ++i) f.AddPathway(i);
  for (auto _ : state) {
    auto r = f.engine().Outcomes(OutcomesQuery{"insertion", "2026-01-01", "2026-12-31"});
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OutcomesReport)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ShowPathway(benchmark::State& state) {
  Fixture f;
  const std::string id = f.AddPathway(1);
  for (auto _ : state) {
    auto r = f.engine().GetPathway(id);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ShowPathway)->Unit(benchmark::kMicrosecond);

// `person find martin` among 4,000 persons, half of them Martins: the first
// page of 50 and the count. range(0) 1: the search entries as stores written
// before format 2 hold them (no folded name), so every Martin is read, as
// every search did before: the reference, in the same run.
void BM_FindCommonName(benchmark::State& state) {
  Fixture f;
  static const char* const kFirst[] = {"Awa", "Inès", "Karim", "Léa", "Paul", "Zoé", "Yves", "Binta"};
  for (int i = 0; i < 4000; ++i) {
    AddPersonRequest p;
    p.name = std::string(kFirst[i % 8]) + " " + (i % 2 ? "Martin" : "Diallo") + " " + std::to_string(i);
    p.birth = "1990-01-01";
    p.sex = "F";
    p.allow_duplicate = true;
    p.actor = "bench";
    static_cast<void>(f.engine().AddPerson(p));
  }
  if (state.range(0) == 1) {
    WriteBatch old;
    static_cast<void>(f.store().ScanPrefix(Domain::kIndexes, std::string("tok\0", 4),
                                           [&](std::string_view k, std::string_view) {
                                             old.Put(Domain::kIndexes, k, "");
                                             return true;
                                           }));
    static_cast<void>(f.store().Write(old));
  }
  for (auto _ : state) {
    auto r = f.engine().FindPersons("martin");
    if (!r.ok() || r->total != 2000) state.SkipWithError("find did not find the 2,000 Martins");
  }
  state.SetLabel(state.range(0) == 1 ? "entries without the name (before format 2)" : "format 2");
}
BENCHMARK(BM_FindCommonName)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace parcours

BENCHMARK_MAIN();
