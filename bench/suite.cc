// The benchmark suite's one table (docs/benchmarks.md, "The suite"): each
// figure of the scale targets next to its reference measured in the same
// run, as a ratio, with the target and whether it is met.
//
//   build/bin/parcours_suite [--persons N] [--runs K] [--quick] [--write FILE]
//
// N persons (default 1,000,000; --quick 300) are generated (seed 7) and
// imported; whole-process commands run K times each (default 15; --quick 3).
// In the order it runs:
//   1. Import (bench_import.cc): Parcours' `Engine::Import` next to raw
//      RocksDB puts of the keys and values it left and SQLite loading the rows.
//   4. Bytes on disk per event: the store after `Store::Compact` (its live
//      .sst files), raw RocksDB after CompactRange, the SQLite file after
//      VACUUM. All three stay compacted for what follows.
//   3. `caseload`, `show`, `person find` and `due` as whole processes on the
//      big store, next to the same question asked of the SQLite file by a
//      whole process (this program in its hidden mode --sqlite-query,
//      suite_sqlite.cc); the answers' sizes are shown side by side.
//   5. `report outcomes` over the year to the bench's date, next to its SQL
//      aggregate (min(K, 5) runs; no target).
//   2. `parcours advance` and `record` as whole processes on the big store
//      (p50 wall, peak RSS), next to the same on an almost empty store; last,
//      since they change the store and not the SQLite file.
// Before the commands, the deadlines that passed in the imported store are
// recorded as missed (as the first writing command would), untimed, so that
// no timed command records them. Each command runs alternately with its
// reference, once first untimed with --json to check its answer. Everything
// lives in a temporary directory, removed at the end. --write FILE replaces
// the text between the lines <!-- suite:begin --> and <!-- suite:end --> of
// FILE. A command that fails stops the suite (exit 1, with its stderr).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <rocksdb/db.h>

#include "bench_import.h"
#include "bench_rocksdb.h"
#include "bench_support.h"
#include "parcours/engine.h"
#include "suite_process.h"
#include "suite_sqlite.h"
#include "suite_table.h"

namespace parcours::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: parcours_suite [--persons N] [--runs K] [--quick] [--write FILE]\n"
    "  --persons N   persons generated and imported, 1 to 28629151 (default 1000000; --quick 300)\n"
    "  --runs K      runs of each whole-process command, 1 to 1000 (default 15; --quick 3)\n"
    "  --quick       small sizes, to check that everything runs: the figures mean nothing\n"
    "  --write FILE  also write the table between the lines <!-- suite:begin --> and\n"
    "                <!-- suite:end --> of FILE (docs/benchmarks.md)\n";
struct Options {
  uint64_t persons = 1000000;
  int runs = 15;
  std::string write;
};

[[noreturn]] void Usage(const std::string& what) {
  std::fprintf(stderr, "parcours_suite: %s\n%s", what.c_str(), kUsage);
  std::exit(2);
}

std::optional<uint64_t> ParseCount(const std::string& text, uint64_t max) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const uint64_t n = std::stoull(text);
  if (n < 1 || n > max) return std::nullopt;
  return n;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  std::optional<uint64_t> persons, runs;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--persons") {
      const std::string v = value();
      if (!(persons = ParseCount(v, 28629151)))
        Usage("--persons is a number from 1 to 28629151, not \"" + v + "\"");
    } else if (arg == "--runs") {
      const std::string v = value();
      if (!(runs = ParseCount(v, 1000))) Usage("--runs is a number from 1 to 1000, not \"" + v + "\"");
    } else if (arg == "--write") {
      if ((o.write = value()).empty()) Usage("--write needs a file");
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      Usage("unknown argument \"" + arg + "\"");
    }
  }
  o.persons = persons.value_or(quick ? 300 : 1000000);
  o.runs = static_cast<int>(runs.value_or(quick ? 3 : 15));
  return o;
}

void Progress(std::chrono::steady_clock::time_point start, const std::string& what) {
  std::fprintf(stderr, "suite: [%7.1f s] %s\n", SecondsSince(start), what.c_str());
}

// A figure's timings over its runs.
struct Timing {
  std::vector<double> seconds;
  double max_rss_mb = 0;
  void Add(const ProcessRun& run) {
    seconds.push_back(run.seconds);
    max_rss_mb = std::max(max_rss_mb, run.max_rss_mb);
  }
  double p50() const { return Median(seconds); }
};

// The transition `advance` gives a pathway in `step`: the first step's
// `position`; from the steps before a placement, a placement (where an
// interview may still be recorded); none from the others.
std::vector<std::string> TransitionFrom(const std::string& step) {
  if (step == "referral") return {"position"};
  if (step == "positioning" || step == "training" || step == "vae")
    return {"place", "--field", "contract=cdi"};
  return {};
}

// What the whole-process commands work on, chosen in the big store.
struct Picked {
  std::vector<PathwayState> advance;  // one per run
  std::string referent;               // asked about by caseload and due
  std::string show;                   // the pathway `show` reads
  int missed = 0;                     // deadlines recorded as missed after the import
};

Picked Pick(const fs::path& store_dir, Date today, int runs) {
  auto store = Store::Open(store_dir.string(), StoreOptions{});
  if (!store.ok()) Die(store.status().ToString());
  FixedDateClock clock(today);
  boost::asio::io_context io;
  Picked out;
  {
    Engine engine(**store, clock, io, nullptr);
    auto missed = engine.ProcessDeadlines();
    if (!missed.ok()) Die(missed.status().ToString());
    out.missed = *missed;
    CaseloadQuery first_step{"insertion", "referral", "", "bench", true};
    auto at_referral = engine.Caseload(first_step);
    if (!at_referral.ok()) Die(at_referral.status().ToString());
    for (const auto& e : *at_referral) {
      if (static_cast<int>(out.advance.size()) < runs) out.advance.push_back(e.state);
    }
    if (static_cast<int>(out.advance.size()) < runs) {  // a small population: other active pathways too
      auto active = engine.Caseload(CaseloadQuery{"insertion", "", "", "bench", true});
      if (!active.ok()) Die(active.status().ToString());
      for (const auto& e : *active) {
        if (e.state.step != "referral" && !TransitionFrom(e.state.step).empty() &&
            static_cast<int>(out.advance.size()) < runs) {
          out.advance.push_back(e.state);
        }
      }
    }
    if (static_cast<int>(out.advance.size()) < runs) {
      Die("the store has only " + std::to_string(out.advance.size()) +
          " pathway(s) to advance, fewer than --runs " + std::to_string(runs) +
          ": give more --persons or fewer --runs");
    }
    out.referent = out.advance[0].referent;
    auto theirs = engine.Caseload(CaseloadQuery{"insertion", "", out.referent, "bench", false});
    if (!theirs.ok()) Die(theirs.status().ToString());
    out.show = out.advance[0].id;
    for (const auto& e : *theirs) {
      bool advanced = false;
      for (const auto& a : out.advance) advanced = advanced || a.id == e.state.id;
      if (!advanced) {
        out.show = e.state.id;
        break;
      }
    }
  }
  io.run();
  return out;
}

// An almost empty store: the workflow and `count` persons enrolled by
// `referent` ten days before `today`; their pathways.
std::vector<std::string> SmallStore(const fs::path& dir, Date today, int count, const std::string& referent) {
  auto store = Store::Open(dir.string(), StoreOptions{true, false, nullptr});
  if (!store.ok()) Die(store.status().ToString());
  FixedDateClock clock(today);
  boost::asio::io_context io;
  std::vector<std::string> pathways;
  {
    Engine engine(**store, clock, io, nullptr);
    auto installed = engine.InstallProgramme(ReadInsertionWorkflow(), "insertion.yaml", "bench");
    if (!installed.ok()) Die(installed.status().ToString());
    for (int i = 0; i < count; ++i) {
      AddPersonRequest p;
      p.name = "Personne " + std::to_string(i + 1);
      p.birth = "1985-03-" + std::to_string(10 + i % 18);
      p.sex = i % 2 ? "F" : "M";
      p.allow_duplicate = true;
      p.actor = referent;
      auto person = engine.AddPerson(p);
      if (!person.ok()) Die(person.status().ToString());
      auto enrolled = engine.Enroll(EnrollRequest{person->id,
                                                  "insertion",
                                                  today.plus_days(-10).iso(),
                                                  referent,
                                                  {{"prescriber", "france_travail"}},
                                                  referent,
                                                  ""});
      if (!enrolled.ok()) Die(enrolled.status().ToString());
      pathways.push_back(enrolled->state.id);
    }
  }
  io.run();
  return pathways;
}

// The run's temporary directory, removed however the program exits.
fs::path temporary;
void RemoveTemporary() {
  std::error_code ignored;
  if (!temporary.empty()) fs::remove_all(temporary, ignored);
}

int Run(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  const Options o = ParseOptions(argc, argv);
  if (!o.write.empty()) FindMarkers(o.write);  // refuse now, not after the run
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const std::string cli = (self.parent_path() / "parcours").string();
  if (access(cli.c_str(), X_OK) != 0) Die(cli + " is missing: build the target parcours (scripts/setup.sh)");
  const Date today = *Date::FromYmd(2026, 11, 21);
  // The commands' "today" is the bench's; they use the store they are given.
  setenv("PARCOURS_TODAY", today.iso().c_str(), 1);
  for (const char* v : {"PARCOURS_SERVER", "PARCOURS_TOKEN", "PARCOURS_DATA"}) unsetenv(v);
  const fs::path dir = TempDir("suite", "run");
  fs::create_directories(dir);
  temporary = dir;
  std::atexit(RemoveTemporary);
  // Now, while this process is small (see ProcessRunner), with the environment above.
  const ProcessRunner runner(dir / "process");
  const fs::path store = dir / "store", raw = dir / "raw", sqlite_dir = dir / "sqlite", small = dir / "small";
  const std::string sqlite = (sqlite_dir / kSqliteFileName).string();
  const int runs = o.runs;
  std::vector<Row> rows, process_rows, question_rows, report_rows;

  // 1. Import.
  Progress(start, "generating " + Thousands(static_cast<double>(o.persons)) + " persons in " + dir.string());
  const Population population = GeneratePopulation(dir, o.persons, today);
  const double events = static_cast<double>(population.events()),
               all_rows = static_cast<double>(population.rows);
  Progress(start, "importing " + Thousands(all_rows) + " rows into Parcours");
  const Timed imported = ImportParcours(store, population, today);
  Progress(start, "putting its keys and values into raw RocksDB");
  const RawPuts puts = PutRaw(store, raw, (population.rows + kImportBatchRows - 1) / kImportBatchRows);
  Progress(start, "loading the rows into SQLite");
  const double sqlite_seconds = ImportSqlite(sqlite_dir, population);
  auto speed = [&](double seconds) {
    return Thousands(events / seconds) + " (" + Thousands(all_rows / seconds) + " rows/s)";
  };
  const double parcours_speed = events / imported.seconds, raw_speed = events / puts.seconds,
               sqlite_speed = events / sqlite_seconds;
  rows.push_back({"import, events/s (rows/s), vs raw RocksDB puts of the same keys and values",
                  speed(imported.seconds), speed(puts.seconds), Ratio(parcours_speed, raw_speed),
                  ">= 0.75x and >= 140,000 events/s",
                  Met(parcours_speed >= 0.75 * raw_speed && parcours_speed >= 140000)});
  rows.push_back({"import, events/s (rows/s), vs SQLite loading the same rows", speed(imported.seconds),
                  speed(sqlite_seconds), Ratio(parcours_speed, sqlite_speed), ">= 2x",
                  Met(parcours_speed >= 2 * sqlite_speed)});

  // 4. Bytes on disk, everything compacted.
  Progress(start, "compacting the store, raw RocksDB, and vacuuming SQLite");
  // The live table (.sst) files of each after its compaction.
  double store_bytes = 0, raw_bytes = 0;
  {
    auto s = Store::Open(store.string(), StoreOptions{});
    if (!s.ok()) Die(s.status().ToString());
    if (Status c = (*s)->Compact(); !c.ok()) Die(c.ToString());
    for (int d = 0; d < kDomainCount; ++d)
      store_bytes += static_cast<double>((*s)->TableBytes(static_cast<Domain>(d)));
  }
  {
    std::unique_ptr<rocksdb::DB> db = OpenRawRocksDb(raw);
    if (!db) Die("cannot open raw RocksDB in " + raw.string());
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    if (!db->CompactRange(compact, nullptr, nullptr).ok()) Die("raw RocksDB compaction failed");
    uint64_t bytes = 0;
    if (!db->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &bytes)) Die("raw RocksDB: no size");
    raw_bytes = static_cast<double>(bytes);
  }
  store_bytes /= events;
  raw_bytes /= events;
  const double sqlite_bytes = static_cast<double>(VacuumSqlite(sqlite)) / events;
  std::vector<Row> bytes_rows = {
      {"bytes on disk per event after a full compaction, vs raw RocksDB after CompactRange",
       Format("%.1f", store_bytes), Format("%.1f", raw_bytes), Ratio(store_bytes, raw_bytes), "<= 50",
       Met(store_bytes <= 50)},
      {"bytes on disk per event after a full compaction, vs the SQLite file after VACUUM",
       Format("%.1f", store_bytes), Format("%.1f", sqlite_bytes), Ratio(store_bytes, sqlite_bytes), "<= 50",
       Met(store_bytes <= 50)}};

  // The pathways and people asked about; an almost empty store beside.
  Progress(start, "recording the imported store's missed deadlines; choosing pathways");
  const Picked picked = Pick(store, today, runs);
  Progress(start, std::to_string(picked.missed) + " missed deadlines recorded; an almost empty store");
  const std::vector<std::string> few = SmallStore(small, today, runs, picked.referent);
  auto command = [&](const fs::path& data, const std::string& actor, std::vector<std::string> rest) {
    std::vector<std::string> argv = {cli, "--data", data.string(), "--actor", actor};
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
  };
  // 3 and 5. Questions, whole processes, next to SQLite's answer.
  struct Question {
    std::string figure;
    std::vector<std::string> parcours, sql;
    const char* count;  // the JSON array (or number) counted in the answer; "" none
    const char* unit;
    int runs;
    bool target;
  };
  // A year to the bench's date: from the day after the same date a year before.
  const Date year_before =
      Date::FromYmd(today.year() - 1, today.month(), today.day()).value_or(today.plus_days(-365));
  const std::string from = year_before.plus_days(1).iso();
  const std::vector<Question> questions = {
      {"`caseload --referent " + picked.referent + "`",
       {"caseload", "--referent", picked.referent},
       {"caseload", picked.referent, today.iso()},
       "pathways",
       "pathways",
       runs,
       true},
      {"`show " + picked.show + "`",
       {"show", picked.show},
       {"show", picked.show},
       "events",
       "events",
       runs,
       true},
      {"`person find martin`",
       {"person", "find", "martin"},
       {"find", "martin"},
       "total",
       "persons",
       runs,
       true},
      {"`due --referent " + picked.referent + "`",
       {"due", "--referent", picked.referent},
       {"due", picked.referent, today.iso()},
       "deadlines",
       "deadlines",
       runs,
       true},
      {"`report outcomes` (" + from + " to " + today.iso() + ")",
       {"report", "outcomes", "--programme", "insertion", "--from", from, "--to", today.iso()},
       {"outcomes", from, today.iso()},
       "",
       "",
       std::min(runs, 5),
       false},
  };
  for (const Question& q : questions) {
    Progress(start, q.figure + ", " + std::to_string(q.runs) + " runs and SQLite's");
    std::vector<std::string> sql = {self.string(), "--sqlite-query", sqlite};
    sql.insert(sql.end(), q.sql.begin(), q.sql.end());
    std::vector<std::string> json = {"--json"};
    json.insert(json.end(), q.parcours.begin(), q.parcours.end());
    // One run of each, not timed, to check the answers (and warm the cache).
    const Json answer = Json::parse(runner.Run(command(store, picked.referent, json), true).out);
    const std::string sql_count = runner.Run(sql, true).out;
    if (!answer.is_object()) Die(q.figure + " did not print a JSON object");
    std::string counts;
    if (*q.count) {
      const Json& c = answer.at(q.count);
      counts = " (" + Thousands(static_cast<double>(c.is_array() ? c.size() : c.get<std::size_t>())) + " " +
               q.unit + "; SQLite " + Thousands(std::stod(sql_count)) + ")";
    }
    Timing parcours, reference;
    for (int i = 0; i < q.runs; ++i) {
      parcours.Add(runner.Run(command(store, picked.referent, q.parcours)));
      reference.Add(runner.Run(sql));
    }
    (q.target ? question_rows : report_rows)
        .push_back({q.figure + counts + " p50 wall" +
                        (q.runs == runs ? "" : " (" + std::to_string(q.runs) + " runs)") + ", vs SQLite",
                    Ms(parcours.p50()), Ms(reference.p50()), Ratio(parcours.p50(), reference.p50()),
                    q.target ? "<= 20 ms" : "none (today's figure)",
                    q.target ? Met(parcours.p50() <= 0.020) : "-"});
  }
  // 2, after the questions: advance and record change the store, not the SQLite file.
  Progress(start, "advance and record, " + std::to_string(runs) + " runs each on each store");
  Timing advance_big, advance_small, record_big, record_small;
  for (int i = 0; i < runs; ++i) {
    std::vector<std::string> big = {"advance", picked.advance[i].id};
    for (const std::string& a : TransitionFrom(picked.advance[i].step)) big.push_back(a);
    advance_big.Add(runner.Run(command(store, picked.advance[i].referent, big)));
    advance_small.Add(runner.Run(command(small, picked.referent, {"advance", few[i], "position"})));
  }
  const std::vector<std::string> interview = {"interview", "--field", "mode=individual", "--field",
                                              "minutes=45"};
  for (int i = 0; i < runs; ++i) {
    std::vector<std::string> big = {"record", picked.advance[i].id}, little = {"record", few[i]};
    big.insert(big.end(), interview.begin(), interview.end());
    little.insert(little.end(), interview.begin(), interview.end());
    record_big.Add(runner.Run(command(store, picked.advance[i].referent, big)));
    record_small.Add(runner.Run(command(small, picked.referent, little)));
  }
  const std::string vs_small = ", vs an almost empty store (" + std::to_string(runs) + " persons enrolled)";
  for (const auto& [what, big, little] : {std::tuple{"advance", &advance_big, &advance_small},
                                          std::tuple{"record interview", &record_big, &record_small}}) {
    process_rows.push_back({std::string("`") + what + "` p50 wall" + vs_small, Ms(big->p50()),
                            Ms(little->p50()), Ratio(big->p50(), little->p50()), "<= 15 ms",
                            Met(big->p50() <= 0.015)});
    process_rows.push_back({std::string("`") + what + "` peak RSS" + vs_small,
                            Format("%.1f MB", big->max_rss_mb), Format("%.1f MB", little->max_rss_mb),
                            Ratio(big->max_rss_mb, little->max_rss_mb), "<= 64 MB",
                            Met(big->max_rss_mb <= 64)});
  }

  for (std::vector<Row>* part : {&process_rows, &question_rows, &bytes_rows, &report_rows}) {
    rows.insert(rows.end(), part->begin(), part->end());
  }

  const double total = SecondsSince(start);
  const std::string header = "**" + Thousands(static_cast<double>(o.persons)) +
                             " persons** (generated, seed 7): " + Thousands(all_rows) + " rows, " +
                             Thousands(events) + " events; bench date " + today.iso() + ", run on " +
                             Today() + "; the suite took " + Duration(total) + ".";
  const std::string notes =
      "Ratio: Parcours / reference. Commands are whole processes (`parcours` with `--data`), " +
      std::to_string(runs) +
      " runs each unless said, alternating with their reference's; the SQLite reference is this program "
      "asking the SQLite file the same question (`--sqlite-query`). The store, raw RocksDB and SQLite were "
      "compacted (vacuumed) before the commands ran, and the " +
      Thousands(picked.missed) + " deadlines the import left passed were recorded as missed, untimed.";
  const std::string table = Table(rows);
  std::printf("%s\n\n%s\n%s\n", header.c_str(), table.c_str(), notes.c_str());
  std::fflush(stdout);
  RemoveTemporary();

  if (!o.write.empty()) {
    std::vector<std::string> args(argv, argv + argc);
    WriteMarked(o.write, "\n`" + CommandLine(args) + "` on " + Today() + ", `nproc` " +
                             std::to_string(Processors()) + ":\n\n" + header + "\n\n" + table + "\n" + notes +
                             "\n\n");
    std::fprintf(stderr, "suite: the table is in %s\n", o.write.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace parcours::bench

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--sqlite-query") {
    return parcours::bench::SqliteQueryMain(argc - 2, argv + 2);
  }
  try {
    return parcours::bench::Run(argc, argv);
  } catch (const std::exception& e) {
    parcours::bench::Die(e.what());
  }
}
