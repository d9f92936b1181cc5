// SQLite as a benchmark peer: a file in WAL mode filled by prepared
// statements. SQLite is linked by the benchmarks only.
#pragma once

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace parcours::bench {

// A SQLite file in WAL mode, filled in one transaction by prepared
// statements; Finish() commits, vacuums and gives the file's bytes.
class SqliteFile {
 public:
  [[noreturn]] static void Die(const char* what) {
    std::fprintf(stderr, "bench: SQLite: %s\n", what);
    std::exit(1);
  }
  SqliteFile(const std::filesystem::path& dir, const std::string& name) : file_((dir / name).string()) {
    std::filesystem::create_directories(dir);
    if (sqlite3_open(file_.c_str(), &db_) != SQLITE_OK) Die("cannot open SQLite");
    Exec("PRAGMA journal_mode=WAL");
  }
  ~SqliteFile() {
    for (sqlite3_stmt* stmt : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db_));
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db_));
    statements_.push_back(stmt);
    return stmt;
  }
  void Run(sqlite3_stmt* stmt) {
    if (sqlite3_step(stmt) != SQLITE_DONE) Die(sqlite3_errmsg(db_));
    sqlite3_reset(stmt);
  }
  uint64_t Finish() {
    Exec("COMMIT");
    Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    Exec("VACUUM");
    return std::filesystem::file_size(file_);
  }

 private:
  std::string file_;
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

}  // namespace parcours::bench
