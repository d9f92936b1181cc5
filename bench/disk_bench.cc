// Bytes on disk per event after a full compaction: a Parcours store built
// through the engine, next to the same keys and values in raw RocksDB with
// its default options, in raw RocksDB with the values as the JSON text of
// store format 1, in one SQLite table, and as SQLite tables with their
// indexes, all measured in the same run.
//
//   build/bin/parcours_disk_bench [PATHWAYS] [--keys]   (default 5000)
//
// --keys adds the raw bytes (keys and values) of each domain, and of each kind
// of key in `indexes` and `meta`.
//
// Each pathway is a person registered, enrolled in `insertion`, positioned,
// one interview; a third trained; half placed, exited and followed up six
// months later; a quarter exited without a job; a quarter still open (5.4
// events a pathway). The commands come from 16 threads, so that they share
// batches and fsyncs as a team's do.
#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/logger.h>

#include "bench_sqlite.h"
#include "bench_rocksdb.h"
#include "bench_support.h"
#include "parcours/engine.h"
#include "schema/codec.h"

namespace parcours {
namespace {

struct Value {
  Domain domain;
  std::string key, value;
};

std::filesystem::path TempDir(const std::string& name) { return bench::TempDir("disk-bench", name); }

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "disk bench: %s\n", what.c_str());
  std::exit(1);
}

bool AddPathway(Engine& engine, int i) {
  AddPersonRequest p;
  p.name = "Personne " + std::to_string(i);
  p.birth =
      "19" + std::to_string(60 + i % 40) + "-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 9);
  p.sex = i % 2 ? "F" : "M";
  p.allow_duplicate = true;
  p.actor = "bench";
  auto person = engine.AddPerson(p);
  if (!person.ok()) return false;
  static const char* const kPrescribers[] = {"france_travail", "mission_locale", "ccas", "rsa_referent"};
  const std::string referent = i % 3 ? "lea" : "karim";
  auto enrolled = engine.Enroll(EnrollRequest{
      person->id, "insertion", "2026-01-05", referent, {{"prescriber", kPrescribers[i % 4]}}, "bench", ""});
  if (!enrolled.ok()) return false;
  const std::string id = enrolled->state.id;
  auto advance = [&](const char* action, const char* date, RawFields fields = {}) {
    return engine.Advance(AdvanceRequest{id, action, date, std::move(fields), "bench", ""}).ok();
  };
  auto record = [&](const char* milestone, const char* date, RawFields fields) {
    return engine.Record(RecordRequest{id, milestone, date, std::move(fields), "bench", ""}).ok();
  };
  if (!advance("position", "2026-02-01") ||
      !record("interview", "2026-02-15", {{"mode", "individual"}, {"minutes", "45"}})) {
    return false;
  }
  if (i % 3 == 0 && (!advance("start_training", "2026-02-20",
                              {{"provider", "AFPA"}, {"certification", "ADVF"}, {"hours", "280"}}) ||
                     !record("training_completed", "2026-03-31", {{"certified", "yes"}}))) {
    return false;
  }
  if (i % 2 == 1) {
    return advance("place", "2026-04-01",
                   {{"contract", i % 4 == 1 ? "cdi" : "cdd"}, {"months", std::to_string(1 + i % 12)}}) &&
           advance("exit", "2026-05-15", {{"reason", "employment"}}) &&
           record("follow_up", "2026-11-16", {{"employed", "yes"}});
  }
  return i % 4 == 2 || advance("exit", "2026-05-15", {{"reason", "dropout"}});
}

// Builds the store, compacts it; its values (to give the references) and its
// table bytes per domain.
std::vector<Value> BuildStore(const std::filesystem::path& dir, int pathways,
                              uint64_t (&bytes)[kDomainCount]) {
  auto store = Store::Open(dir.string(), StoreOptions{true, false, nullptr});
  if (!store.ok()) Fail(store.status().message());
  {
    FixedDateClock clock(*Date::ParseIso("2026-11-21"));
    boost::asio::io_context io;
    Engine engine(**store, clock, io, std::make_shared<spdlog::logger>("bench"));
    auto installed = engine.InstallProgramme(bench::ReadInsertionWorkflow(), "insertion.yaml", "bench");
    if (!installed.ok()) Fail(installed.status().message());
    std::atomic<bool> failed{false};
    std::vector<std::thread> threads;
    constexpr int kThreads = 16;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < pathways && !failed; i += kThreads) {
          if (!AddPathway(engine, i)) failed = true;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    if (failed) Fail("a command was refused");
  }
  if (Status s = (*store)->Compact(); !s.ok()) Fail(s.message());
  std::vector<Value> values;
  for (int d = 0; d < kDomainCount; ++d) {
    const auto domain = static_cast<Domain>(d);
    bytes[d] = (*store)->TableBytes(domain);
    Status s = (*store)->ScanPrefix(domain, "", [&](std::string_view k, std::string_view v) {
      values.push_back({domain, std::string(k), std::string(v)});
      return true;
    });
    if (!s.ok()) Fail(s.message());
  }
  return values;
}

// The value as store format 1 held it (JSON text).
std::string AsJson(const Value& v) {
  auto json = codec::FormatOneValue(v.domain, v.key, v.value);
  if (!json.ok()) Fail(json.status().message());
  return json->value_or(v.value);
}

// Raw RocksDB, default options, one column family; keys prefixed with their
// domain's number. Table bytes after a full compaction.
uint64_t RawRocksDb(const std::filesystem::path& dir, const std::vector<Value>& values, bool json) {
  std::unique_ptr<rocksdb::DB> db = bench::OpenRawRocksDb(dir);
  if (!db) Fail("cannot open raw RocksDB");
  rocksdb::WriteBatch batch;
  for (const auto& v : values) {
    const std::string key = std::string(1, static_cast<char>('0' + static_cast<int>(v.domain))) + v.key;
    static_cast<void>(batch.Put(key, json ? AsJson(v) : v.value));
    if (batch.Count() == 1000) {
      if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) Fail("raw RocksDB write");
      batch.Clear();
    }
  }
  if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) Fail("raw RocksDB write");
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  if (!db->CompactRange(compact, nullptr, nullptr).ok()) Fail("raw RocksDB compaction");
  uint64_t bytes = 0;
  db->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &bytes);
  return bytes;
}


// One SQLite table (domain, key, value) WITHOUT ROWID: the file's bytes.
uint64_t Sqlite(const std::filesystem::path& dir, const std::vector<Value>& values) {
  bench::SqliteFile db(dir, "kv.sqlite");
  db.Exec("CREATE TABLE kv (domain INTEGER, key BLOB, value BLOB, PRIMARY KEY (domain, key)) WITHOUT ROWID");
  db.Exec("BEGIN");
  sqlite3_stmt* insert = db.Prepare("INSERT INTO kv VALUES (?, ?, ?)");
  for (const auto& v : values) {
    sqlite3_bind_int(insert, 1, static_cast<int>(v.domain));
    sqlite3_bind_blob(insert, 2, v.key.data(), static_cast<int>(v.key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert, 3, v.value.data(), static_cast<int>(v.value.size()), SQLITE_STATIC);
    db.Run(insert);
  }
  return db.Finish();
}

// The same persons, pathways and events as a SQLite user would lay them out:
// one row each, dates as ISO text, fields as JSON text, events in a rowid
// table (the rowid is the commit order, as Parcours' log), with the indexes
// the same commands need: a person's pathways, open pathways by programme and
// referent, events by date for reports, deadlines by due date, names. WAL
// mode, prepared statements, one transaction, then vacuumed: the file's bytes.
uint64_t RelationalSqlite(const std::filesystem::path& dir, const std::vector<Value>& values) {
  bench::SqliteFile db(dir, "parcours.sqlite");
  db.Exec(
      "CREATE TABLE persons (id TEXT PRIMARY KEY, name TEXT NOT NULL, birth TEXT, sex TEXT, attrs TEXT, "
      "created TEXT, created_by TEXT) WITHOUT ROWID;"
      "CREATE INDEX persons_name ON persons (name COLLATE NOCASE, birth);"
      "CREATE TABLE pathways (id TEXT PRIMARY KEY, person TEXT NOT NULL, programme TEXT NOT NULL, "
      "version INTEGER, step TEXT, exited INTEGER, referent TEXT, enrolled TEXT, step_since TEXT, "
      "last_event TEXT, last_seq INTEGER, created TEXT, entry TEXT) WITHOUT ROWID;"
      "CREATE INDEX pathways_person ON pathways (person, enrolled);"
      "CREATE INDEX pathways_open ON pathways (programme, referent) WHERE exited = 0;"
      "CREATE TABLE events (pathway TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT, action TEXT, "
      "from_step TEXT, to_step TEXT, date TEXT, recorded TEXT, actor TEXT, fields TEXT, data TEXT, "
      "UNIQUE (pathway, seq));"
      "CREATE INDEX events_date ON events (date);"
      "CREATE TABLE deadlines (pathway TEXT, deadline TEXT, due TEXT, missed INTEGER, "
      "PRIMARY KEY (pathway, deadline)) WITHOUT ROWID;"
      "CREATE INDEX deadlines_due ON deadlines (due);");
  db.Exec("BEGIN");
  sqlite3_stmt* person = db.Prepare("INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* pathway = db.Prepare("INSERT INTO pathways VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* event = db.Prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_stmt* deadline = db.Prepare("INSERT INTO deadlines VALUES (?, ?, ?, ?)");
  // Binds texts (SQLite copies them).
  auto texts = [](sqlite3_stmt* stmt, int first, const std::vector<std::string>& all) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      sqlite3_bind_text(stmt, first + static_cast<int>(i), all[i].data(), static_cast<int>(all[i].size()),
                        SQLITE_TRANSIENT);
    }
  };
  for (const auto& v : values) {
    if (v.domain == Domain::kPersons) {
      const Json p = Json::parse(v.value);
      texts(person, 1,
            {p.at("id").get<std::string>(), p.at("name").get<std::string>(), p.value("birth", ""),
             p.value("sex", ""), p.value("attrs", Json::object()).dump(), p.value("created", ""),
             p.value("created_by", "")});
      db.Run(person);
    } else if (v.domain == Domain::kPathways) {
      auto s = codec::DecodeState(v.value);
      if (!s.ok()) Fail(s.status().message());
      texts(pathway, 1, {s->id, s->person, s->programme});
      sqlite3_bind_int(pathway, 4, s->version);
      texts(pathway, 5, {s->step});
      sqlite3_bind_int(pathway, 6, s->exited ? 1 : 0);
      texts(pathway, 7, {s->referent, s->enrolled.iso(), s->step_since.iso(), s->last_event.iso()});
      sqlite3_bind_int64(pathway, 11, s->last_seq);
      texts(pathway, 12, {s->created, s->entry.dump()});
      db.Run(pathway);
      for (const auto& [id, open] : s->deadlines) {
        texts(deadline, 1, {s->id, id, open.due.iso()});
        sqlite3_bind_int(deadline, 4, open.missed ? 1 : 0);
        db.Run(deadline);
      }
    } else if (v.domain == Domain::kEvents) {
      auto e = codec::DecodeEvent(v.value);
      if (!e.ok()) Fail(e.status().message());
      texts(event, 1, {e->pathway});
      sqlite3_bind_int64(event, 2, e->seq);
      texts(event, 3,
            {EventKindName(e->kind), e->action, e->from, e->to, e->date.iso(), e->recorded, e->actor,
             e->fields.dump(), e->data.dump()});
      db.Run(event);
    }
  }
  return db.Finish();
}

}  // namespace
}  // namespace parcours

int main(int argc, char** argv) {
  using namespace parcours;
  int pathways = 5000;
  bool by_key = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--keys") {
      by_key = true;
    } else if (pathways = std::atoi(argv[i]); pathways < 1) {
      std::fprintf(stderr,
                   "usage: parcours_disk_bench [PATHWAYS] [--keys]: PATHWAYS "
                   "is a positive number, not %s\n",
                   argv[i]);
      return 2;
    }
  }
  const auto store_dir = TempDir("store"), raw_dir = TempDir("rocksdb"), json_dir = TempDir("rocksdb-json"),
             sqlite_dir = TempDir("sqlite"), relational_dir = TempDir("sqlite-relational");
  uint64_t bytes[kDomainCount] = {};
  const std::vector<Value> values = BuildStore(store_dir, pathways, bytes);
  double events = 0, store_bytes = 0;
  for (const auto& v : values) events += v.domain == Domain::kEvents ? 1 : 0;
  for (uint64_t b : bytes) store_bytes += static_cast<double>(b);

  struct Row {
    std::string what;
    double bytes;
  };
  const std::vector<Row> rows = {
      {"Parcours store (format 2, its options)", store_bytes},
      {"same keys and values, raw RocksDB defaults", static_cast<double>(RawRocksDb(raw_dir, values, false))},
      {"same keys, format-1 JSON values, RocksDB defaults",
       static_cast<double>(RawRocksDb(json_dir, values, true))},
      {"same keys and values, one SQLite table", static_cast<double>(Sqlite(sqlite_dir, values))},
      {"same records, SQLite tables and indexes", static_cast<double>(RelationalSqlite(relational_dir, values))},
  };
  for (const auto& dir : {store_dir, raw_dir, json_dir, sqlite_dir, relational_dir}) {
    std::filesystem::remove_all(dir);
  }

  std::printf("%d pathways, %.0f events, %zu keys (%.1f a pathway)\n", pathways, events, values.size(),
              static_cast<double>(values.size()) / pathways);
  std::printf("%-52s %12s %14s %12s\n", "", "bytes", "bytes/event", "/ Parcours");
  for (const auto& r : rows) {
    std::printf("%-52s %12.0f %14.1f %12.2f\n", r.what.c_str(), r.bytes, r.bytes / events,
                r.bytes / store_bytes);
  }
  std::printf("\nParcours store by domain (bytes/event):");
  for (int d = 0; d < kDomainCount; ++d) {
    std::printf(" %s %.1f", DomainName(static_cast<Domain>(d)), static_cast<double>(bytes[d]) / events);
  }
  std::printf("\n");
  if (by_key) {
    std::map<std::string, std::pair<int, std::size_t>> kinds;
    for (const auto& v : values) {
      // Index and meta keys start with their kind; the other domains' with an
      // id.
      const bool kinded = v.domain == Domain::kIndexes || v.domain == Domain::kMeta;
      auto& k =
          kinds[std::string(DomainName(v.domain)) + (kinded ? "/" + v.key.substr(0, v.key.find('\0')) : "")];
      k.first++;
      k.second += v.key.size() + v.value.size();
    }
    for (const auto& [k, n] : kinds)
      std::printf("%-30s %8d keys %10zu raw bytes\n", k.c_str(), n.first, n.second);
  }
  return 0;
}
