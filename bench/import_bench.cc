// Bulk import, next to its peers measured in the same run (docs/benchmarks.md,
// "Import"):
//   - Parcours: `Engine::Import` of a generated population (JSON Lines), every
//     row planned by its command's rules, batches of 2,000 rows, each synced;
//   - raw RocksDB: the very keys and values that import left in the store,
//     put by WriteBatches of the same count, each synced, default options;
//   - SQLite done well: the same rows parsed from the same file into tables
//     with their indexes (WAL, prepared statements, a transaction of 2,000
//     rows, synchronous=FULL so that each commit is durable), reading each
//     pathway's step and last event number before writing an event, as a
//     program checking the rows would.
//
//   build/bin/parcours_import_bench [PERSONS]   (default 20000)
//
// Prints one table: rows/s and events/s of each, CPU per row of Parcours, and
// the ratios. Events are the pathway rows (enrolments and events); persons are
// rows too.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "bench_sqlite.h"
#include "bench_rocksdb.h"
#include "bench_support.h"
#include "parcours/engine.h"

namespace parcours {
namespace {

constexpr std::size_t kBatchRows = 2000;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "import bench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Population {
  std::filesystem::path file;
  uint64_t rows = 0;
  uint64_t persons = 0;
};

Population Generate(const std::filesystem::path& dir, uint64_t persons, Date today) {
  GenerateRequest req;
  req.persons = persons;
  req.seed = 7;
  Population out{dir / "population.jsonl", 0, persons};
  {
    std::ofstream file(out.file, std::ios::binary);
    if (Status s = WritePopulation(req, today, file); !s.ok()) Fail(s.ToString());
  }
  std::ifstream in(out.file, std::ios::binary);
  for (std::string line; std::getline(in, line);) ++out.rows;
  return out;
}

struct Timed {
  double seconds = 0;
  double cpu = 0;
};

Timed ImportParcours(const std::filesystem::path& store_dir, const Population& population, Date today) {
  StoreOptions options;
  options.create = true;
  auto store = Store::Open(store_dir.string(), options);
  if (!store.ok()) Fail(store.status().ToString());
  FixedDateClock clock(today);
  boost::asio::io_context io;
  Engine engine(**store, clock, io, nullptr);
  auto installed = engine.InstallProgramme(bench::ReadInsertionWorkflow(), "insertion.yaml", "bench");
  if (!installed.ok()) Fail(installed.status().ToString());
  ImportRequest req;
  req.files = {population.file.string()};
  req.batch_rows = kBatchRows;
  req.actor = "bench";
  req.rejects_dir = store_dir.parent_path().string();
  const double cpu = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  auto done = engine.Import(req);
  Timed t{Seconds(start), CpuSeconds() - cpu};
  if (!done.ok()) Fail(done.status().ToString());
  if (done->written != population.rows) {
    Fail(std::to_string(done->refused) + " rows refused: see " + done->files[0].rejects);
  }
  io.run();
  return t;
}

// The store's keys and values (all domains, a domain byte before each key)
// put into a fresh RocksDB with default options by `batches` synced
// WriteBatches; only the writes are timed (the store is read meanwhile).
struct RawPuts {
  double seconds = 0;
  uint64_t count = 0;
  uint64_t bytes = 0;
};
RawPuts PutRaw(const std::filesystem::path& store_dir, const std::filesystem::path& dir, std::size_t batches) {
  StoreOptions options;
  options.read_only = true;
  auto store = Store::Open(store_dir.string(), options);
  if (!store.ok()) Fail(store.status().ToString());
  uint64_t total = 0;
  for (int d = 0; d < kDomainCount; ++d) {
    (void)(*store)->ScanPrefix(static_cast<Domain>(d), "", [&](std::string_view, std::string_view) {
      ++total;
      return true;
    });
  }
  std::unique_ptr<rocksdb::DB> db = bench::OpenRawRocksDb(dir);
  if (!db) Fail("cannot open raw RocksDB");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const uint64_t per_batch = (total + batches - 1) / batches;
  RawPuts out;
  rocksdb::WriteBatch batch;
  auto write = [&] {
    const auto start = std::chrono::steady_clock::now();
    if (!db->Write(sync, &batch).ok()) Fail("raw RocksDB write failed");
    out.seconds += Seconds(start);
    batch.Clear();
  };
  for (int d = 0; d < kDomainCount; ++d) {
    const auto status = (*store)->ScanPrefix(static_cast<Domain>(d), "", [&](std::string_view k, std::string_view v) {
      batch.Put(std::string(1, static_cast<char>(d)) + std::string(k), v);
      ++out.count;
      out.bytes += k.size() + 1 + v.size();
      if (static_cast<uint64_t>(batch.Count()) == per_batch) write();
      return true;
    });
    if (!status.ok()) Fail(status.ToString());
  }
  if (batch.Count() > 0) write();
  return out;
}

double ImportSqlite(const std::filesystem::path& dir, const Population& population) {
  using Json = nlohmann::json;
  bench::SqliteFile db(dir, "import.sqlite");
  db.Exec("PRAGMA synchronous=FULL");
  db.Exec("CREATE TABLE persons (id TEXT PRIMARY KEY, name TEXT, birth TEXT, sex TEXT, attrs TEXT, "
          "created TEXT, created_by TEXT) WITHOUT ROWID");
  db.Exec("CREATE INDEX persons_name ON persons (name, birth)");
  db.Exec("CREATE TABLE pathways (id TEXT PRIMARY KEY, person TEXT, programme TEXT, referent TEXT, "
          "step TEXT, last_seq INTEGER, enrolled TEXT, last_event TEXT) WITHOUT ROWID");
  db.Exec("CREATE INDEX pathways_person ON pathways (person)");
  db.Exec("CREATE INDEX pathways_referent ON pathways (referent, step)");
  db.Exec("CREATE TABLE events (pathway TEXT, seq INTEGER, kind TEXT, action TEXT, date TEXT, fields TEXT, "
          "recorded TEXT, actor TEXT, PRIMARY KEY (pathway, seq)) WITHOUT ROWID");
  db.Exec("CREATE INDEX events_date ON events (date)");
  sqlite3_stmt* person = db.Prepare("INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* pathway = db.Prepare("INSERT INTO pathways VALUES (?, ?, ?, ?, 'referral', 1, ?, ?)");
  sqlite3_stmt* state = db.Prepare("SELECT step, last_seq FROM pathways WHERE id = ?");
  sqlite3_stmt* event = db.Prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* advance = db.Prepare("UPDATE pathways SET step = ?, last_seq = ?, last_event = ? WHERE id = ?");
  auto text = [](sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  // Steps each transition leads to (the insertion workflow's).
  const std::map<std::string, std::string> to = {{"position", "positioning"}, {"start_training", "training"},
                                                 {"start_vae", "vae"},        {"place", "placement"},
                                                 {"exit", "exited"}};
  const auto start = std::chrono::steady_clock::now();
  std::ifstream in(population.file, std::ios::binary);
  std::size_t in_batch = 0;
  db.Exec("BEGIN");
  for (std::string line; std::getline(in, line);) {
    const Json j = Json::parse(line);
    const std::string type = j.value("type", "");
    if (type == "person") {
      text(person, 1, j.value("person", ""));
      text(person, 2, j.value("name", ""));
      text(person, 3, j.value("birth", ""));
      text(person, 4, j.value("sex", ""));
      text(person, 5, j.value("attrs", Json::object()).dump());
      text(person, 6, j.value("recorded", ""));
      text(person, 7, j.value("actor", ""));
      db.Run(person);
    } else {
      const std::string id = j.value("pathway", "");
      int seq = 1;
      std::string step = "referral";
      if (type == "enrolment") {
        text(pathway, 1, id);
        text(pathway, 2, j.value("person", ""));
        text(pathway, 3, j.value("programme", ""));
        text(pathway, 4, j.value("referent", j.value("actor", "")));
        text(pathway, 5, j.value("date", ""));
        text(pathway, 6, j.value("date", ""));
        db.Run(pathway);
      } else {
        text(state, 1, id);
        if (sqlite3_step(state) != SQLITE_ROW) Fail("SQLite: no pathway " + id);
        step = reinterpret_cast<const char*>(sqlite3_column_text(state, 0));
        seq = sqlite3_column_int(state, 1) + 1;
        sqlite3_reset(state);
        if (auto it = to.find(j.value("action", "")); type == "transition" && it != to.end()) step = it->second;
        text(advance, 1, step);
        sqlite3_bind_int(advance, 2, seq);
        text(advance, 3, j.value("date", ""));
        text(advance, 4, id);
        db.Run(advance);
      }
      text(event, 1, id);
      sqlite3_bind_int(event, 2, seq);
      text(event, 3, type);
      text(event, 4, j.value("action", type));
      text(event, 5, j.value("date", ""));
      text(event, 6, j.value("fields", Json::object()).dump());
      text(event, 7, j.value("recorded", ""));
      text(event, 8, j.value("actor", ""));
      db.Run(event);
    }
    if (++in_batch == kBatchRows) {
      db.Exec("COMMIT");
      db.Exec("BEGIN");
      in_batch = 0;
    }
  }
  db.Exec("COMMIT");
  return Seconds(start);
}

}  // namespace
}  // namespace parcours

int main(int argc, char** argv) {
  using namespace parcours;
  const uint64_t persons = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  if (persons == 0) Fail("give a number of persons, e.g. 20000");
  const Date today = *Date::FromYmd(2026, 11, 21);
  const auto dir = bench::TempDir("import-bench", "run");
  std::filesystem::create_directories(dir);

  const Population population = Generate(dir, persons, today);
  const uint64_t events = population.rows - population.persons;
  const Timed parcours = ImportParcours(dir / "store", population, today);
  const std::size_t batches = (population.rows + kBatchRows - 1) / kBatchRows;
  const RawPuts raw_puts = PutRaw(dir / "store", dir / "raw", batches);
  const double raw = raw_puts.seconds;
  const double sqlite = ImportSqlite(dir / "sqlite", population);

  std::printf("import of %llu persons, %llu rows (%llu pathway events), batches of %zu rows, each synced\n",
              static_cast<unsigned long long>(persons), static_cast<unsigned long long>(population.rows),
              static_cast<unsigned long long>(events), kBatchRows);
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
