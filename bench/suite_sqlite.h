// parcours_suite's SQLite reference: the questions the suite asks `parcours`,
// asked of the SQLite file bench_import.cc loads, each by a whole process.
#pragma once

#include <cstdint>
#include <filesystem>

namespace parcours::bench {

// The hidden mode `parcours_suite --sqlite-query FILE QUERY ARG...`, given
// the arguments after --sqlite-query. Opens FILE (which must exist), runs
// the query's prepared statements reading every row, prints one number (the
// size of the answer, as the `--json` output of the `parcours` command it
// stands for would count it) and returns the exit code: 0, 1 when SQLite
// fails, 2 for bad arguments, 4 when the pathway `show` asks for is absent.
//
//   caseload REFERENT TODAY   active pathways of a referent (count: pathways)
//   show PATHWAY              a pathway, its person and its events (count: events)
//   find TEXT                 the first 50 persons by name whose name has words
//                             starting with each word of TEXT (count: every match)
//   due REFERENT TODAY        open deadlines of a referent's pathways (count: deadlines)
//   outcomes FROM TO          the outcomes report's figures by sex, age band and
//                             prescriber (count: groups)
int SqliteQueryMain(int argc, char** argv);

// Checkpoints and vacuums the SQLite file; its bytes on disk then (with its
// write-ahead log, if any is left).
uint64_t VacuumSqlite(const std::filesystem::path& file);

}  // namespace parcours::bench
