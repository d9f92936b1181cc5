// parcours import / export: the real binary on real stores, files of a
// programme's own spreadsheets, refusals, roles, a SIGKILLed import resumed,
// and the round trip.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "e2e_fixture.cc"
#include "parcours/date.h"
#include "parcours/ids.h"

namespace parcours::e2e {
namespace {

constexpr const char* kPersonsCsv =
    "type,person,name,birth,sex,attrs.rsa,attrs.education\n"
    "person,D-001,Awa Diallo,1991-04-02,F,yes,3\n"
    "person,D-002,Karim Benali,1999-09-14,M,,\n"
    "person,D-003,Nadia Roux,1985-05-05,Q,,\n";

constexpr const char* kEventsJsonl =
    R"({"type":"enrolment","pathway":"dossier-1","person":"D-001","programme":"insertion","date":"2026-01-10","fields":{"prescriber":"france_travail"}})"
    "\n"
    R"({"type":"transition","pathway":"dossier-1","action":"position","date":"2026-01-20"})"
    "\n"
    R"({"type":"enrolment","pathway":"dossier-2","person":"D-002","programme":"insertion","date":"2026-02-01","fields":{"prescriber":"mission_locale"}})"
    "\n"
    R"({"type":"transition","pathway":"dossier-2","action":"place","date":"2026-02-02","fields":{"contract":"cdi"}})"
    "\n";

class ImportExportTest : public InsertionTest {
 protected:
  std::string File(const std::string& name, const std::string& text) const {
    const std::string path = dir() / name;
    WriteFile(path, text);
    return path;
  }
};

TEST_F(ImportExportTest, AProgrammesSpreadsheetsGoInAndTheRefusedRowsAreSetAside) {
  const std::string persons = File("persons.csv", kPersonsCsv);
  const std::string events = File("events.jsonl", kEventsJsonl);
  const CliResult r = Run({"import", persons, events});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, persons + ": 3 rows, 2 written, 1 refused; refused rows with their reasons in " + dir() /
                       "persons.rejects.csv.\n" + events +
                       ": 4 rows, 3 written, 1 refused; refused rows with their reasons in " + dir() /
                       "events.rejects.jsonl.\nIn all: 7 rows, 5 written, 2 refused.\n");
  EXPECT_TRUE(Contains(r.err, "2 rows were refused, and the others imported"));
  EXPECT_TRUE(Contains(r.err, "Correct the refused rows in the rejects file"));
  EXPECT_TRUE(Contains(ReadText(dir() / "persons.rejects.csv"),
                       "4,\"sex \"\"Q\"\" is not valid. Use F, M or X (not stated / other).\",person,D-003"));
  EXPECT_TRUE(Contains(ReadText(dir() / "events.rejects.jsonl"),
                       R"({"rejected_line":4,"rejected_reason":"\"place\" is not possible from)"));

  const Json caseload = Ok({"caseload", "--all"});
  ASSERT_EQ(caseload["pathways"].size(), 2u) << caseload.dump();

  // Imported again: nothing to do, nothing written.
  const std::string before = Digest();
  const Json again = Ok({"import", persons});
  EXPECT_EQ(again["files"][0].value("already_imported", false), true);
  EXPECT_EQ(Digest(), before);
}

TEST_F(ImportExportTest, ExportThenImportIntoAnEmptyStoreGivesTheSameExport) {
  const std::string w = Enroll(AddPerson("Awa Diallo"), "2026-09-01");
  Advance(w, "position", "2026-09-08");
  Record(w, "interview", "2026-09-09", {"mode=phone", "minutes=15"});
  for (const std::string format : {"jsonl", "csv"}) {
    SCOPED_TRACE(format);
    const std::string first = dir() / ("first." + format), second = dir() / ("second." + format);
    const Json exported = Ok({"export", "--out", first});
    EXPECT_EQ(Pick(exported, {"format", "persons", "pathways", "events", "rows"}),
              (Json{{"format", format}, {"persons", 1}, {"pathways", 1}, {"events", 3}, {"rows", 5}}));
    const CliResult to_stdout = Run({"export", "--format", format});
    ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
    EXPECT_EQ(to_stdout.out, ReadText(first));

    const std::string other = dir() / ("other-" + format);
    const Args in_other = {"--data", other, "--actor", kActor};
    ASSERT_EQ(RunCli({"--data", other, "init"}).exit_code, 0);
    const CliResult imported = RunCli({"--data", other, "--actor", kActor, "import", first}, {{"PARCOURS_TODAY", kToday}});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_TRUE(Contains(imported.out, ": 5 rows, 5 written, 0 refused."));
    const CliResult again = RunCli({"--data", other, "export", "--out", second}, {{"PARCOURS_TODAY", kToday}});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, "Exported 1 persons, 1 pathways and 3 events (5 rows) to " + second + ".\n");
    EXPECT_EQ(ReadText(second), ReadText(first));
  }
}

TEST_F(ImportExportTest, BadRequestsAreRefusedAndWriteNothing) {
  const std::string text = File("notes.txt", "hello");
  const std::string headless = File("headless.csv", "person,name\n");
  Refused(2, {"import"}, {"files is required"});
  Refused(3, {"import", text}, {"cannot tell the format of", "Name CSV files *.csv"});
  Refused(3, {"import", dir() / "missing.jsonl"}, {"cannot read", "missing.jsonl"});
  Refused(3, {"import", headless}, {"line 1: the header has no column `type`"});
  Refused(2, {"import", headless, "--batch", "0"}, {"--batch"});
  Refused(2, {"export", "--format", "xml"}, {"--format \"xml\" is not a format", "Use --format jsonl or --format csv."});
  Refused(2, {"--json", "export"}, {}, {});
  EXPECT_FALSE(std::filesystem::exists(dir() / "none.partial"));
}

TEST_F(ImportExportTest, OnlyAProgrammeAdministratorImportsOrExports) {
  const Json admin = Ok({"user", "add", "ada", "--role", "programme_admin"});
  const Json counsellor = Ok({"user", "add", "lea", "--role", "counsellor"});
  const std::string persons = File("persons.csv", kPersonsCsv);
  Refused(6, {"--token", counsellor.value("token", ""), "import", persons},
          {"user \"lea\" has the role counsellor, which may not run \"import\""});
  Refused(6, {"--token", counsellor.value("token", ""), "export", "--out", dir() / "x.jsonl"}, {"may not run \"export\""});
  const CliResult r = Run({"--token", admin.value("token", ""), "import", persons});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // one refused row
  EXPECT_TRUE(Contains(r.out, "3 rows, 2 written, 1 refused"));
}

// Spawns `parcours import` with --progress, SIGKILLs it once it reported its
// first batch, then runs it again: it resumes, and the store ends as one
// uninterrupted import leaves it.
TEST_F(ImportExportTest, AnImportKilledMidwayResumesWithNothingDuplicatedOrLost) {
  std::string text;
  for (int i = 0; i < 8000; ++i) {
    std::string tail;
    for (int n = i, k = 0; k < 4; ++k, n /= 31) tail += kIdAlphabet[n % 31];
    const std::string birth = Date::FromDays(-3650 + i).iso();
    text += R"({"type":"person","person":"P-2)" + tail + R"(","name":"Person Number","birth":")" + birth +
            R"(","sex":"F","recorded":"2026-01-01T10:00:00.000Z"})" "\n";
    text += R"({"type":"enrolment","pathway":"W-2)" + tail + R"(","person":"P-2)" + tail +
            R"(","programme":"insertion","date":"2026-01-10","fields":{"prescriber":"ccas"},"recorded":"2026-01-10T10:00:00.000Z"})" "\n";
  }
  const std::string file = File("many.jsonl", text);
  const std::string err_path = dir() / "err.txt";

  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int out = ::open("/dev/null", O_WRONLY);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::setenv("PARCOURS_TODAY", kToday, 1);
    ::execl(PARCOURS_BIN, PARCOURS_BIN, "--data", store().c_str(), "--actor", kActor, "import", "--progress",
            "--batch", "40", file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto start = std::chrono::steady_clock::now();
  while (ReadText(err_path).find("parcours: import:") == std::string::npos &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import ended before it was killed: " << ReadText(err_path);

  const Json resumed = Ok({"import", file});
  EXPECT_GT(resumed["files"][0].value("resumed_at_line", 0), 40) << resumed.dump();
  EXPECT_EQ(resumed.value("rows", 0), 16000);
  EXPECT_EQ(resumed.value("written", 0), 16000);
  EXPECT_EQ(resumed.value("refused", 0), 0);

  const std::string other = dir() / "other";
  ASSERT_EQ(RunCli({"--data", other, "init"}).exit_code, 0);
  ASSERT_EQ(RunCli({"--data", other, "programme", "install", InsertionWithoutDeadlines()}).exit_code, 0);
  ASSERT_EQ(RunCli({"--data", other, "--actor", kActor, "import", file}, {{"PARCOURS_TODAY", kToday}}).exit_code, 0);
  const CliResult mine = Run({"export", "--format", "jsonl"});
  const CliResult theirs = RunCli({"--data", other, "export", "--format", "jsonl"});
  ASSERT_EQ(mine.exit_code, 0);
  ASSERT_EQ(theirs.exit_code, 0);
  auto pathways = [](const std::string& text) { return text.substr(text.find("\n{\"type\":\"person\"")); };
  EXPECT_EQ(pathways(mine.out), pathways(theirs.out));
}

TEST_F(ImportExportTest, AGeneratedPopulationGoesInOnceAndIsTheSameAsItsFile) {
  const CliResult r = Run({"generate", "--persons", "60", "--seed", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "population of 60 persons, seed 3: ")) << r.out;
  EXPECT_TRUE(Contains(r.out, " written, 0 refused.")) << r.out;
  const std::string before = Digest();
  const CliResult again = Run({"generate", "--persons", "60", "--seed", "3"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(Contains(again.out, "imported completely on")) << again.out;
  EXPECT_EQ(Digest(), before);

  // The same population written to a file and imported elsewhere.
  const std::string file = dir() / "population.jsonl";
  const CliResult written = Run({"generate", "--persons", "60", "--seed", "3", "--out", file});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(written.out, "Wrote a population of 60 persons (seed 3) to " + file + ".\n");
  const std::string other = dir() / "other";
  ASSERT_EQ(RunCli({"--data", other, "init"}).exit_code, 0);
  ASSERT_EQ(RunCli({"--data", other, "programme", "install", InsertionWithoutDeadlines()}).exit_code, 0);
  const CliResult imported = RunCli({"--data", other, "--actor", kActor, "import", file}, {{"PARCOURS_TODAY", kToday}});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const CliResult mine = Run({"export"});
  const CliResult theirs = RunCli({"--data", other, "export"});
  auto pathways = [](const std::string& text) { return text.substr(text.find("\n{\"type\":\"person\"")); };
  EXPECT_EQ(pathways(mine.out), pathways(theirs.out));

  Refused(2, {"generate", "--persons", "0"}, {"--persons"});
  Refused(4, {"generate", "--persons", "5", "--programme", "nope"}, {"no programme \"nope\""});
}

// The template files of examples/import/ go in, every row, in the order
// docs/import-export.md gives.
TEST_F(StoreTest, TheTemplateFilesImportAsDocumented) {
  InitStore();
  ASSERT_EQ(Run({"programme", "install", SourcePath("workflows/insertion.yaml")}).exit_code, 0);
  Args args = {"--json", "import"};
  for (const char* kind : {"person", "edit", "enrolment", "transition", "milestone", "note", "assignment", "void",
                           "deadline_missed"}) {
    // Copied: a refused row would leave a rejects file beside the template.
    const std::string copy = dir() / (std::string(kind) + ".csv");
    std::filesystem::copy_file(SourcePath(std::string("examples/import/") + kind + ".csv"), copy);
    args.push_back(copy);
  }
  const Json j = Ok(args);
  for (const auto& f : j.value("files", Json::array())) {
    EXPECT_EQ(f.value("refused", 1), 0) << ReadText(f.value("rejects", ""));
  }
  EXPECT_EQ(j.value("rows", 0), 14) << j.dump();
  EXPECT_EQ(j.value("written", 0), 14) << j.dump();
}

}  // namespace
}  // namespace parcours::e2e
