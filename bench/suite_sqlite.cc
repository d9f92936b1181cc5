#include "suite_sqlite.h"

#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench_import.h"

namespace parcours::bench {
namespace {

constexpr const char* kUsage =
    "usage: parcours_suite --sqlite-query FILE QUERY ARG...\n"
    "  QUERY ARG...: caseload REFERENT TODAY | show PATHWAY | find TEXT | due REFERENT TODAY |\n"
    "                outcomes FROM TO\n";

// An open SQLite file and the rows its statements read.
class Query {
 public:
  explicit Query(sqlite3* db) : db_(db) {}
  ~Query() {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
  }
  // Prepares `sql`, binds `args` as texts (?1, ?2...); nullptr on error.
  sqlite3_stmt* Prepare(const std::string& sql, const std::vector<std::string>& args) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return nullptr;
    statements_.push_back(s);
    for (std::size_t i = 0; i < args.size(); ++i) {
      sqlite3_bind_text(s, static_cast<int>(i + 1), args[i].data(), static_cast<int>(args[i].size()),
                        SQLITE_TRANSIENT);
    }
    return s;
  }
  // Steps through every row, reading each column as a client printing it
  // would; the number of rows, or -1 on error. `first` gets the first row's
  // column `keep` as an integer when asked.
  int64_t ReadAll(sqlite3_stmt* s, int keep = -1, int64_t* first = nullptr) {
    if (!s) return -1;
    int64_t rows = 0;
    for (int rc; (rc = sqlite3_step(s)) != SQLITE_DONE;) {
      if (rc != SQLITE_ROW) return -1;
      for (int c = 0; c < sqlite3_column_count(s); ++c) static_cast<void>(sqlite3_column_text(s, c));
      if (rows == 0 && first && keep >= 0) *first = sqlite3_column_int64(s, keep);
      ++rows;
    }
    return rows;
  }
  const char* error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  std::vector<sqlite3_stmt*> statements_;
};

// `person find`'s words as an FTS5 query: each word a quoted prefix, all of
// them required ("martin*" finds Martin, Martinez and Dubois-Martin).
std::string MatchQuery(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i == text.size()) break;
    std::string word;
    for (; i < text.size() && text[i] != ' ' && text[i] != '\t'; ++i) {
      if (text[i] == '"') word += '"';
      word += text[i];
    }
    out += (out.empty() ? "\"" : " \"") + word + "\"*";
  }
  return out;
}

// The outcomes report's indicators (docs/reports.md), summed per group from
// one row per counted pathway.
constexpr const char* kIndicators =
    "count(*), sum(referred), sum(positioned), sum(entered_training), sum(certified), sum(vae_started), "
    "sum(vae_full), sum(vae_partial), sum(placed), sum(durable_employment), sum(exit_reason IS NOT NULL), "
    "sum(exit_reason = 'employment'), sum(exit_reason = 'training'), sum(exit_reason = 'dropout'), "
    "sum(exit_reason = 'moved'), sum(exit_reason = 'refused'), sum(exit_reason = 'other'), "
    "sum(employed_6m), sum(active_at_end)";

std::string OutcomesSql() {
  // Each pathway with an event dated in the period (its indicators), or
  // enrolled by its end and not exited by then (active_at_end: an exited
  // pathway's exit date is its step_since), with its enrolment's sex, age and
  // prescriber.
  const std::string counted =
      "WITH period AS MATERIALIZED ("
      "  SELECT pathway AS id, max(kind = 'enrolment') AS referred, max(action = 'position') AS positioned,"
      "    max(action = 'start_training') AS entered_training,"
      "    max(action = 'training_completed' AND json_extract(fields, '$.certified') = 'yes') AS certified,"
      "    max(action = 'start_vae') AS vae_started,"
      "    max(action = 'vae_decided' AND json_extract(fields, '$.result') = 'full') AS vae_full,"
      "    max(action = 'vae_decided' AND json_extract(fields, '$.result') = 'partial') AS vae_partial,"
      "    max(action = 'place') AS placed,"
      "    max(action = 'place' AND (json_extract(fields, '$.contract') IN ('cdi', 'creation') OR"
      "      (json_extract(fields, '$.contract') IN ('cdd', 'interim') AND"
      "       CAST(json_extract(fields, '$.months') AS INTEGER) >= 6))) AS durable_employment,"
      "    max(CASE WHEN action = 'exit' THEN coalesce(json_extract(fields, '$.reason'), 'unspecified') END)"
      "      AS exit_reason,"
      "    max(action = 'follow_up' AND json_extract(fields, '$.employed') = 'yes') AS employed_6m"
      "  FROM events WHERE date BETWEEN ?1 AND ?2 GROUP BY pathway),"
      " active AS MATERIALIZED ("
      "  SELECT id FROM pathways WHERE enrolled <= ?2 AND (step <> 'exited' OR step_since > ?2)),"
      " counted AS MATERIALIZED ("
      "  SELECT coalesce(p.referred, 0) AS referred, coalesce(p.positioned, 0) AS positioned,"
      "    coalesce(p.entered_training, 0) AS entered_training, coalesce(p.certified, 0) AS certified,"
      "    coalesce(p.vae_started, 0) AS vae_started, coalesce(p.vae_full, 0) AS vae_full,"
      "    coalesce(p.vae_partial, 0) AS vae_partial, coalesce(p.placed, 0) AS placed,"
      "    coalesce(p.durable_employment, 0) AS durable_employment, p.exit_reason,"
      "    coalesce(p.employed_6m, 0) AS employed_6m, a.id IS NOT NULL AS active_at_end, pe.sex,"
      "    CAST(strftime('%Y', pw.enrolled) AS INTEGER) - CAST(strftime('%Y', pe.birth) AS INTEGER) -"
      "      (strftime('%m-%d', pw.enrolled) < strftime('%m-%d', pe.birth)) AS age,"
      "    coalesce(json_extract(en.fields, '$.prescriber'), 'unspecified') AS prescriber"
      "  FROM (SELECT id FROM period UNION SELECT id FROM active) AS ids"
      "  JOIN pathways pw ON pw.id = ids.id"
      "  JOIN persons pe ON pe.id = pw.person"
      "  JOIN events en ON en.pathway = pw.id AND en.seq = 1"
      "  LEFT JOIN period p ON p.id = ids.id"
      "  LEFT JOIN active a ON a.id = ids.id"
      "  WHERE a.id IS NOT NULL OR p.referred OR p.positioned OR p.entered_training OR p.certified OR"
      "    p.vae_started OR p.vae_full OR p.vae_partial OR p.placed OR p.exit_reason IS NOT NULL OR"
      "    p.employed_6m),"
      " banded AS (SELECT *, CASE WHEN age < 26 THEN 'under_26' WHEN age < 50 THEN '26_49' ELSE '50_plus'"
      "   END AS age_band FROM counted)";
  std::string sql = counted;
  const char* dimensions[] = {"sex", "age_band", "prescriber"};
  for (const char* d : dimensions) {
    sql += std::string(d == dimensions[0] ? " " : " UNION ALL ") + "SELECT '" + d + "', " + d + ", " +
           kIndicators + " FROM banded GROUP BY " + d;
  }
  return sql;
}

}  // namespace

int SqliteQueryMain(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string file = argv[0], name = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  const std::size_t wanted = name == "show" || name == "find"                            ? 1
                             : name == "caseload" || name == "due" || name == "outcomes" ? 2
                                                                                         : 0;
  if (wanted == 0 || args.size() != wanted) {
    std::fprintf(stderr, "parcours_suite: no query \"%s\" taking %zu argument(s)\n%s", name.c_str(),
                 args.size(), kUsage);
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "parcours_suite: cannot open SQLite file %s: %s\n", file.c_str(),
                 db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return 1;
  }
  int64_t count = -1;
  int code = 0;
  {
    Query q(db);
    sqlite3_exec(db, kSqliteCachePragma, nullptr, nullptr, nullptr);
    sqlite3_exec(db, "PRAGMA query_only=1", nullptr, nullptr, nullptr);
    if (name == "caseload") {
      // As `caseload --referent R`: the referent's active pathways, the
      // longest without contact first, with days in step and since contact.
      count =
          q.ReadAll(q.Prepare("SELECT p.id, p.programme, p.person, pe.name, p.step, p.referent,"
                              " CAST(julianday(?2) - julianday(p.step_since) AS INTEGER),"
                              " CAST(julianday(?2) - julianday(p.last_event) AS INTEGER)"
                              " FROM pathways p LEFT JOIN persons pe ON pe.id = p.person"
                              " WHERE p.referent = ?1 AND p.step <> 'exited' ORDER BY p.last_event, p.id",
                              args));
    } else if (name == "show") {
      // As `show PATHWAY`: the pathway with its person, then its events.
      sqlite3_stmt* head = q.Prepare(
          "SELECT p.id, p.person, p.programme, p.referent, p.step, p.enrolled, p.step_since, pe.name,"
          " pe.birth, pe.sex FROM pathways p LEFT JOIN persons pe ON pe.id = p.person WHERE p.id = ?1",
          args);
      const int64_t found = q.ReadAll(head);
      if (found == 0) {
        std::fprintf(stderr, "parcours_suite: no pathway %s\n", args[0].c_str());
        code = 4;
      } else if (found > 0) {
        count =
            q.ReadAll(q.Prepare("SELECT seq, kind, action, date, fields, recorded, actor FROM events"
                                " WHERE pathway = ?1 ORDER BY seq",
                                args));
      }
    } else if (name == "find") {
      // As `person find TEXT`: the first 50 by name, and how many match.
      const std::string match = MatchQuery(args[0]);
      if (match.empty()) {
        std::fprintf(stderr, "parcours_suite: nothing to search for\n");
        code = 3;
      } else {
        int64_t total = 0;
        const int64_t rows = q.ReadAll(
            q.Prepare("SELECT p.id, p.name, p.sex, p.birth, count(*) OVER () FROM person_names f"
                      " JOIN persons p ON p.id = f.id WHERE person_names MATCH ?1 ORDER BY p.name, p.id"
                      " LIMIT 50",
                      {match}),
            4, &total);
        count = rows < 0 ? rows : total;
      }
    } else if (name == "due") {
      // As `due --referent R`: the referent's open deadlines, soonest first.
      count = q.ReadAll(q.Prepare(
          "SELECT p.due, CAST(julianday(p.due) - julianday(?2) AS INTEGER), p.due_what, p.id, p.person,"
          " pe.name, p.programme, p.step, p.referent FROM pathways p LEFT JOIN persons pe ON pe.id = p.person"
          " WHERE p.referent = ?1 AND p.due IS NOT NULL ORDER BY p.due, p.id",
          args));
    } else {
      count = q.ReadAll(q.Prepare(OutcomesSql(), args));
    }
    if (count < 0 && code == 0) {
      std::fprintf(stderr, "parcours_suite: SQLite: %s\n", q.error());
      code = 1;
    }
  }
  sqlite3_close(db);
  if (code == 0) std::printf("%lld\n", static_cast<long long>(count));
  return code;
}

uint64_t VacuumSqlite(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.string().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    Die("cannot open SQLite file " + file.string());
  }
  for (const char* sql : {"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"}) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      const std::string error = sqlite3_errmsg(db);
      sqlite3_close(db);
      Die("SQLite " + std::string(sql) + ": " + error);
    }
  }
  sqlite3_close(db);
  std::error_code ec;
  uint64_t bytes = std::filesystem::file_size(file, ec);
  if (ec) Die("cannot stat " + file.string());
  const auto wal = std::filesystem::path(file.string() + "-wal");
  if (std::filesystem::exists(wal, ec)) bytes += std::filesystem::file_size(wal, ec);
  return bytes;
}

}  // namespace parcours::bench
