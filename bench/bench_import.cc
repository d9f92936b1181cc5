#include "bench_import.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "bench_rocksdb.h"
#include "bench_sqlite.h"
#include "bench_support.h"
#include "parcours/engine.h"
#include "parcours/exchange.h"

namespace parcours::bench {

void Die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Population GeneratePopulation(const std::filesystem::path& dir, uint64_t persons, Date today) {
  GenerateRequest req;
  req.persons = persons;
  req.seed = 7;
  Population out{dir / "population.jsonl", 0, persons};
  {
    std::ofstream file(out.file, std::ios::binary);
    if (Status s = WritePopulation(req, today, file); !s.ok()) Die(s.ToString());
    if (!file.flush()) Die("cannot write " + out.file.string());
  }
  std::ifstream in(out.file, std::ios::binary);
  for (std::string line; std::getline(in, line);) ++out.rows;
  return out;
}

Timed ImportParcours(const std::filesystem::path& store_dir, const Population& population, Date today) {
  StoreOptions options;
  options.create = true;
  auto store = Store::Open(store_dir.string(), options);
  if (!store.ok()) Die(store.status().ToString());
  FixedDateClock clock(today);
  boost::asio::io_context io;
  Engine engine(**store, clock, io, nullptr);
  auto installed = engine.InstallProgramme(ReadInsertionWorkflow(), "insertion.yaml", "bench");
  if (!installed.ok()) Die(installed.status().ToString());
  ImportRequest req;
  req.files = {population.file.string()};
  req.batch_rows = kImportBatchRows;
  req.actor = "bench";
  req.rejects_dir = store_dir.parent_path().string();
  const double cpu = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  auto done = engine.Import(req);
  Timed t{SecondsSince(start), CpuSeconds() - cpu};
  if (!done.ok()) Die(done.status().ToString());
  if (done->written != population.rows) {
    Die(std::to_string(done->refused) + " rows refused: see " + done->files[0].rejects);
  }
  io.run();
  return t;
}

RawPuts PutRaw(const std::filesystem::path& store_dir, const std::filesystem::path& dir,
               std::size_t batches) {
  StoreOptions options;
  options.read_only = true;
  auto store = Store::Open(store_dir.string(), options);
  if (!store.ok()) Die(store.status().ToString());
  uint64_t total = 0;
  for (int d = 0; d < kDomainCount; ++d) {
    (void)(*store)->ScanPrefix(static_cast<Domain>(d), "", [&](std::string_view, std::string_view) {
      ++total;
      return true;
    });
  }
  std::unique_ptr<rocksdb::DB> db = OpenRawRocksDb(dir);
  if (!db) Die("cannot open raw RocksDB in " + dir.string());
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const uint64_t per_batch = std::max<uint64_t>(1, (total + batches - 1) / std::max<std::size_t>(1, batches));
  RawPuts out;
  rocksdb::WriteBatch batch;
  auto write = [&] {
    const auto start = std::chrono::steady_clock::now();
    if (!db->Write(sync, &batch).ok()) Die("raw RocksDB write failed");
    out.seconds += SecondsSince(start);
    batch.Clear();
  };
  for (int d = 0; d < kDomainCount; ++d) {
    const auto status =
        (*store)->ScanPrefix(static_cast<Domain>(d), "", [&](std::string_view k, std::string_view v) {
          batch.Put(std::string(1, static_cast<char>(d)) + std::string(k), v);
          ++out.count;
          out.bytes += k.size() + 1 + v.size();
          if (static_cast<uint64_t>(batch.Count()) == per_batch) write();
          return true;
        });
    if (!status.ok()) Die(status.ToString());
  }
  if (batch.Count() > 0) write();
  return out;
}

namespace {

Date ParseDate(const std::string& text) {
  auto date = Date::ParseIso(text);
  if (!date) Die("SQLite import: not a date: \"" + text + "\"");
  return *date;
}

}  // namespace

double ImportSqlite(const std::filesystem::path& dir, const Population& population) {
  using Json = nlohmann::json;
  SqliteFile db(dir, kSqliteFileName);
  db.Exec("PRAGMA synchronous=FULL");
  db.Exec(kSqliteCachePragma);
  db.Exec(
      "CREATE TABLE persons (id TEXT PRIMARY KEY, name TEXT, birth TEXT, sex TEXT, attrs TEXT, "
      "created TEXT, created_by TEXT) WITHOUT ROWID");
  db.Exec("CREATE INDEX persons_name ON persons (name, birth)");
  // `person find`: words of names, folded (case, accents), found by prefix.
  db.Exec(
      "CREATE VIRTUAL TABLE person_names USING fts5(id UNINDEXED, name, "
      "tokenize = 'unicode61 remove_diacritics 2')");
  // A pathway's open deadline: the insertion workflow has at most one open at
  // a time (positioning, from the enrolment to `position` or the exit; the
  // follow-up, from the exit to `follow_up`).
  db.Exec(
      "CREATE TABLE pathways (id TEXT PRIMARY KEY, person TEXT, programme TEXT, referent TEXT, "
      "step TEXT, last_seq INTEGER, enrolled TEXT, last_event TEXT, step_since TEXT, due TEXT, "
      "due_what TEXT) WITHOUT ROWID");
  db.Exec("CREATE INDEX pathways_person ON pathways (person)");
  db.Exec("CREATE INDEX pathways_referent ON pathways (referent, step)");
  db.Exec("CREATE INDEX pathways_due ON pathways (referent, due) WHERE due IS NOT NULL");
  db.Exec(
      "CREATE TABLE events (pathway TEXT, seq INTEGER, kind TEXT, action TEXT, date TEXT, fields TEXT, "
      "recorded TEXT, actor TEXT, PRIMARY KEY (pathway, seq)) WITHOUT ROWID");
  db.Exec("CREATE INDEX events_date ON events (date)");
  sqlite3_stmt* person = db.Prepare("INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* name = db.Prepare("INSERT INTO person_names VALUES (?, ?)");
  sqlite3_stmt* pathway =
      db.Prepare("INSERT INTO pathways VALUES (?, ?, ?, ?, 'referral', 1, ?5, ?5, ?5, ?6, 'positioning')");
  sqlite3_stmt* state =
      db.Prepare("SELECT step, last_seq, step_since, due, due_what FROM pathways WHERE id = ?");
  sqlite3_stmt* event = db.Prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* advance = db.Prepare(
      "UPDATE pathways SET step = ?, last_seq = ?, last_event = ?, step_since = ?, due = ?, due_what = ? "
      "WHERE id = ?");
  auto text = [](sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  auto text_or_null = [&](sqlite3_stmt* s, int i, const std::string& v) {
    if (v.empty()) {
      sqlite3_bind_null(s, i);
    } else {
      text(s, i, v);
    }
  };
  auto column = [](sqlite3_stmt* s, int i) {
    const unsigned char* v = sqlite3_column_text(s, i);
    return v ? std::string(reinterpret_cast<const char*>(v)) : std::string();
  };
  // Steps each transition leads to (the insertion workflow's).
  const std::map<std::string, std::string> to = {{"position", "positioning"},
                                                 {"start_training", "training"},
                                                 {"start_vae", "vae"},
                                                 {"place", "placement"},
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
      text(name, 1, j.value("person", ""));
      text(name, 2, j.value("name", ""));
      db.Run(name);
    } else {
      const std::string id = j.value("pathway", "");
      const std::string date = j.value("date", "");
      int seq = 1;
      if (type == "enrolment") {
        text(pathway, 1, id);
        text(pathway, 2, j.value("person", ""));
        text(pathway, 3, j.value("programme", ""));
        text(pathway, 4, j.value("referent", j.value("actor", "")));
        text(pathway, 5, date);
        text(pathway, 6, ParseDate(date).plus_days(30).iso());
        db.Run(pathway);
      } else {
        text(state, 1, id);
        if (sqlite3_step(state) != SQLITE_ROW) Die("SQLite: no pathway " + id);
        std::string step = column(state, 0);
        seq = sqlite3_column_int(state, 1) + 1;
        std::string step_since = column(state, 2), due = column(state, 3), due_what = column(state, 4);
        sqlite3_reset(state);
        const std::string action = j.value("action", "");
        if (auto it = to.find(action); type == "transition" && it != to.end()) {
          step = it->second;
          step_since = date;
          if (action == "position" && due_what == "positioning") due.clear(), due_what.clear();
          if (action == "exit") due = ParseDate(date).plus_months(6).iso(), due_what = "follow_up";
        } else if (action == "follow_up" && due_what == "follow_up") {
          due.clear(), due_what.clear();
        }
        text(advance, 1, step);
        sqlite3_bind_int(advance, 2, seq);
        text(advance, 3, date);
        text(advance, 4, step_since);
        text_or_null(advance, 5, due);
        text_or_null(advance, 6, due_what);
        text(advance, 7, id);
        db.Run(advance);
      }
      text(event, 1, id);
      sqlite3_bind_int(event, 2, seq);
      text(event, 3, type);
      text(event, 4, j.value("action", type));
      text(event, 5, date);
      text(event, 6, j.value("fields", Json::object()).dump());
      text(event, 7, j.value("recorded", ""));
      text(event, 8, j.value("actor", ""));
      db.Run(event);
    }
    if (++in_batch == kImportBatchRows) {
      db.Exec("COMMIT");
      db.Exec("BEGIN");
      in_batch = 0;
    }
  }
  db.Exec("COMMIT");
  return SecondsSince(start);
}

}  // namespace parcours::bench
