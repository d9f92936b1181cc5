// Engine::Import: every kind of row, every refusal with its line in the
// rejects file, what stops an import, and resuming one that was killed.
#include <sys/wait.h>
#include <unistd.h>

#include "import_export_support.h"
#include "parcours/ids.h"

namespace parcours::testing {
namespace {

class ImportTest : public EngineTestBase {
 protected:
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // Imports `text` as the file `name`; expects the import to succeed.
  ImportSummary Import(const std::string& name, const std::string& text, std::size_t batch = 2000) {
    WriteText(Path(name), text);
    auto done = ImportFiles(*engine_, {Path(name)}, batch);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return done.ok() ? *done : ImportSummary{};
  }

  PathwayView View(const std::string& id) {
    auto v = engine_->GetPathway(id);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : PathwayView{};
  }
};

// One person through every kind of row a pathway has, by keys of the file's
// own (D-1, dossier-1) and by Parcours ids.
constexpr const char* kEveryKind = R"(
{"type":"person","person":"D-1","name":"Awa Diallo","birth":"1991-04-02","sex":"F","attrs":{"rsa":"yes"}}
{"type":"person","person":"P-22222","name":"Karim Benali","birth":"1999-09-14","sex":"M","recorded":"2026-01-05T10:00:00.000Z","actor":"lea.moreau"}
{"type":"edit","person":"D-1","date":"2026-03-01","attrs":{"labour_status":"employed"}}
{"type":"edit","person":"P-22222","name":"Karim Ben Ali","date":"2026-02-10","recorded":"2026-02-10T08:00:00.000Z"}
{"type":"enrolment","pathway":"dossier-1","person":"D-1","programme":"insertion","date":"2026-01-10","referent":"lea.moreau","fields":{"prescriber":"france_travail"}}
{"type":"transition","pathway":"dossier-1","seq":2,"action":"position","date":"2026-01-20"}
{"type":"milestone","pathway":"dossier-1","seq":3,"action":"interview","date":"2026-01-22","fields":{"mode":"individual","minutes":45}}
{"type":"note","pathway":"dossier-1","text":"Rappeler lundi","date":"2026-01-21"}
{"type":"assignment","pathway":"dossier-1","referent":"karim.petit","date":"2026-02-01","recorded":"2026-02-01T09:00:00.000Z"}
{"type":"transition","pathway":"dossier-1","action":"start_training","date":"2026-02-02","fields":{"provider":"GRETA","hours":"420"}}
{"type":"milestone","pathway":"dossier-1","action":"training_completed","date":"2026-05-02","fields":{"certified":"no"}}
{"type":"void","pathway":"dossier-1","voids":7,"reason":"wrong result","date":"2026-05-03","recorded":"2026-05-03T09:00:00.000Z"}
{"type":"milestone","pathway":"dossier-1","action":"training_completed","date":"2026-05-02","fields":{"certified":"yes"}}
{"type":"enrolment","pathway":"W-33333","person":"P-22222","programme":"insertion","date":"2025-06-01","fields":{"prescriber":"ccas"},"recorded":"2025-06-01T09:00:00.000Z","actor":"lea.moreau"}
{"type":"deadline_missed","pathway":"W-33333","deadline":"positioning","date":"2025-07-02","recorded":"2025-07-02T06:00:00.000Z"}
)";

TEST_F(ImportTest, EveryKindOfRowGoesInThroughItsCommand) {
  const ImportSummary s = Import("history.jsonl", kEveryKind);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.rows, 15u);
  EXPECT_EQ(s.written, 15u) << ReadFile(Path("history.rejects.jsonl"));
  EXPECT_EQ(s.refused, 0u);
  EXPECT_EQ(s.files[0].rejects, "");
  EXPECT_EQ(s.files[0].format, ExchangeFormat::kJsonLines);

  // Karim kept the id his row gave, with its time and actor, and his correction.
  auto karim = engine_->GetPerson("P-22222");
  ASSERT_TRUE(karim.ok()) << karim.status().ToString();
  EXPECT_EQ(karim->name, "Karim Ben Ali");
  EXPECT_EQ(karim->created, "2026-01-05T10:00:00.000Z");
  EXPECT_EQ(karim->created_by, "lea.moreau");
  ASSERT_EQ(karim->changes.size(), 1u);
  EXPECT_EQ(karim->changes[0].date, D("2026-02-10"));
  EXPECT_EQ(karim->changes[0].actor, "importer");

  // Awa got a new id, found again by her key: her pathway is all there.
  auto found = engine_->FindPersons("awa diallo");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->persons.size(), 1u);
  EXPECT_EQ(found->persons[0].AttrsOn(D("2026-03-01")).at("labour_status"), "employed");
  auto pathways = engine_->PathwaysOfPerson(found->persons[0].id);
  ASSERT_TRUE(pathways.ok());
  ASSERT_EQ(pathways->size(), 1u);
  const PathwayView v = View(pathways->front().id);
  ASSERT_EQ(v.events.size(), 9u);
  EXPECT_EQ(v.state.step, "training");
  EXPECT_EQ(v.state.referent, "karim.petit");
  EXPECT_EQ(v.events[3].kind, EventKind::kNote);
  EXPECT_EQ(v.events[4].kind, EventKind::kAssign);
  EXPECT_EQ(v.events[4].date, D("2026-02-01"));
  EXPECT_EQ(v.events[4].recorded, "2026-02-01T09:00:00.000Z");
  EXPECT_EQ(v.events[5].fields, (Json{{"provider", "GRETA"}, {"hours", 420}}));
  EXPECT_EQ(v.events[7].kind, EventKind::kVoid);
  EXPECT_EQ(v.voided, std::vector<uint32_t>{7});
  EXPECT_EQ(v.events[8].fields, (Json{{"certified", "yes"}}));
  EXPECT_EQ(v.events[0].actor, "importer");

  const PathwayView missed = View("W-33333");
  ASSERT_EQ(missed.events.size(), 2u);
  EXPECT_EQ(missed.events[1].kind, EventKind::kDeadlineMissed);
  EXPECT_EQ(missed.events[1].date, D("2025-07-02"));
  EXPECT_TRUE(missed.state.deadlines.at("positioning").missed);
}

TEST_F(ImportTest, CsvRowsGoInByTheirHeader) {
  const ImportSummary s = Import("persons.csv",
                                 "\xEF\xBB\xBFtype,person,name,birth,sex,attrs.qpv,allow_duplicate\r\n"
                                 "person,K1,\"Dupont, Jean\",1980-01-01,M,yes,\r\n"
                                 "person,K2,\"Dupont, Jean\",1980-01-01,M,,yes\r\n");
  EXPECT_EQ(s.written, 2u) << ReadFile(Path("persons.rejects.csv"));
  auto found = engine_->FindPersons("dupont");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->persons.size(), 2u);
  EXPECT_EQ(found->persons[0].name, "Dupont, Jean");
}

// Nested far deeper than any row: refused, never a crash.
const std::string kDeep = std::string(100000, '[') + std::string(100000, ']');

struct Refusal {
  const char* row;
  const char* reason;  // in the rejects file's reason
};

TEST_F(ImportTest, EachRefusedRowGoesToTheRejectsFileWithItsLineAndReason) {
  const std::vector<Refusal> refusals = {
      {R"({"type":"persons","name":"X"})", "unknown type \"persons\""},
      {R"({"type":"person","name":"Y","birth":"1990-01-01","sex":"F","pathway":"p"})",
       "a person row has no column pathway"},
      {R"({"type":"person","name":"Y","birth":"1990-01-01","sex":"Q"})", "sex \"Q\" is not valid"},
      {R"({"type":"person","name":"Y","birth":"1990-01-01","sex":"F","recorded":"yesterday"})",
       "recorded \"yesterday\" is not a timestamp"},
      {R"({"type":"person","name":"Y","birth":"1990-01-01","sex":"F","recorded":"2999-01-01T00:00:00.000Z"})",
       "is in the future"},
      {R"({"type":"person","person":"D-1","name":"Again","birth":"1990-01-01","sex":"F"})",
       "person \"D-1\" is already in the store, as P-"},
      {R"({"type":"enrolment","person":"nobody","programme":"insertion","fields":{"prescriber":"ccas"}})",
       "no person has the key \"nobody\""},
      {R"({"type":"transition","pathway":"dossier-1","seq":5,"action":"position","date":"2026-01-20"})",
       "the row is event #5 of W-"},
      {R"({"type":"transition","pathway":"dossier-1","action":"place","date":"2026-01-20"})",
       "\"place\" is not possible from"},
      {R"({"type":"milestone","pathway":"dossier-1","action":"interview","date":"2025-12-01","fields":{"mode":"phone","minutes":10}})",
       "is before the pathway's latest event"},
      {R"({"type":"void","pathway":"dossier-1","reason":"x"})", "no voids is given"},
      {R"({"type":"void","pathway":"dossier-1","voids":"two","reason":"x"})", "voids \"two\" is not a positive"},
      {R"({"type":"deadline_missed","pathway":"dossier-1","deadline":"follow_up"})",
       "deadline \"follow_up\" of W-"},
      {R"({"type":"programme","programme":"other","yaml":"programme: [\n"})", "the programme is not a valid workflow"},
      {R"({"type":"programme","version":3,"yaml":"programme: insertion\nsteps: []\n"})",
       "the programme is not a valid workflow"},
      {R"({"type":"assignment","pathway":"dossier-1","referent":"x","date":"2030-01-01"})",
       "is after the day the row was recorded"},
      {R"(not json)", "not valid JSON"},
      {kDeep.c_str(), "not a JSON object"},
      {R"([1,2])", "not a JSON object"},
      {R"({"type":"note","pathway":"dossier-1","text":{"a":1}})", "\"text\" is not a text"},
  };
  std::string text =
      R"({"type":"person","person":"D-1","name":"Awa Diallo","birth":"1991-04-02","sex":"F"})"
      "\n"
      R"({"type":"enrolment","pathway":"dossier-1","person":"D-1","programme":"insertion","date":"2026-01-10","fields":{"prescriber":"ccas"}})"
      "\n";
  for (const auto& r : refusals) text += std::string(r.row) + "\n";
  text += R"({"type":"transition","pathway":"dossier-1","action":"position","date":"2026-01-20"})"
          "\n";
  const ImportSummary s = Import("rows.jsonl", text, 4);
  EXPECT_EQ(s.rows, refusals.size() + 3);
  EXPECT_EQ(s.written, 3u);
  EXPECT_EQ(s.refused, refusals.size());
  ASSERT_EQ(s.files[0].rejects, Path("rows.rejects.jsonl"));

  const auto lines = Lines(ReadFile(s.files[0].rejects));
  ASSERT_EQ(lines.size(), refusals.size());
  for (std::size_t i = 0; i < refusals.size(); ++i) {
    SCOPED_TRACE(refusals[i].row);
    const Json j = Json::parse(lines[i]);
    EXPECT_EQ(j.value("rejected_line", 0u), i + 3);
    EXPECT_NE(j.value("rejected_reason", "").find(refusals[i].reason), std::string::npos)
        << j.value("rejected_reason", "");
  }
  // The rejected rows keep their content, so that the file can be corrected
  // and imported: its rows are taken, their rejected_* keys passed over.
  EXPECT_EQ(Json::parse(lines[2]).value("sex", ""), "Q");
  EXPECT_EQ(Json::parse(lines[16]).value("rejected_text", ""), "not json");
  const std::string fixed = std::string(R"({"rejected_line":3,"rejected_reason":"...","type":"person","name":"Xavier Roux","birth":"1990-01-01","sex":"M"})") + "\n";
  const ImportSummary again = Import("rows.rejects.fixed.jsonl", fixed);
  EXPECT_EQ(again.written, 1u) << ReadFile(Path("rows.rejects.fixed.rejects.jsonl"));
}

TEST_F(ImportTest, CsvRefusalsKeepTheRowAsItWasAfterItsLineAndReason) {
  const std::string header = "type,person,name,birth,sex";
  const ImportSummary s = Import("p.csv", header + "\nperson,A,\"Roux, \"\"Zoé\"\"\",1990-01-01,Q\nperson,B,Ok Name,1990-01-01\n"
                                                   "person,C,Good Name,1990-02-02,F\n");
  EXPECT_EQ(s.written, 1u);
  EXPECT_EQ(s.refused, 2u);
  EXPECT_EQ(ReadFile(Path("p.rejects.csv")),
            "rejected_line,rejected_reason," + header + "\n" +
                "2,\"sex \"\"Q\"\" is not valid. Use F, M or X (not stated / other).\",person,A,\"Roux, \"\"Zoé\"\"\","
                "1990-01-01,Q\n"
                "3,4 values for 5 columns. Give one value per column of the header (an empty one when there is none).,"
                "person,B,Ok Name,1990-01-01\n");
}

TEST_F(ImportTest, WhatStopsAnImportIsRefusedAsAWhole) {
  WriteText(Path("a.txt"), "x");
  WriteText(Path("nohead.csv"), "person,name\n");
  WriteText(Path("unknown.csv"), "type,colour\n");
  WriteText(Path("twice.csv"), "type,name,name\n");
  WriteText(Path("open.csv"), "type,person,name,birth,sex\nperson,A,Ann Roux,1990-01-01,F\nperson,B,\"Bea,1990-01-01,F\n");
  struct Case {
    std::vector<std::string> files;
    std::size_t batch;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{}, 10, "no file to import"},
      {{Path("a.txt")}, 10, "cannot tell the format of"},
      {{Path("missing.csv")}, 10, "cannot read"},
      {{Path("nohead.csv")}, 10, "the header has no column `type`"},
      {{Path("unknown.csv")}, 10, "line 1: unknown column \"colour\""},
      {{Path("twice.csv")}, 10, "column \"name\" is named twice"},
      {{Path("nohead.csv")}, 0, "a batch of 0 rows is not possible"},
      {{Path("open.csv")}, 10, "line 3"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto done = ImportFiles(*engine_, c.files, c.batch);
    ASSERT_FALSE(done.ok());
    EXPECT_NE(done.status().message().find(c.message), std::string::npos) << done.status().ToString();
  }
  // The batch that reached the unreadable row is not committed.
  auto ann = engine_->FindPersons("ann roux");
  ASSERT_TRUE(ann.ok());
  EXPECT_EQ(ann->total, 0u) << "a batch holding the unreadable row is not committed";
}

TEST_F(ImportTest, AFileImportedCompletelyIsNotImportedAgain) {
  Import("history.jsonl", kEveryKind);
  auto again = ImportFiles(*engine_, {Path("history.jsonl")});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ(again->files.size(), 1u);
  EXPECT_TRUE(again->files[0].already_imported);
  EXPECT_EQ(again->files[0].imported_by, "importer");
  EXPECT_EQ(again->files[0].written, 15u);
  EXPECT_EQ(engine_->commit_stats().committed, 3u) << "install, then the import's batch and its end: nothing more";
}

// An import killed between two batches (the process ends with no cleanup, as
// under SIGKILL) resumes after the last batch committed: every row is in once.
TEST_F(ImportTest, AKilledImportResumesWithNothingDuplicatedOrLost) {
  std::string text;
  for (int i = 0; i < 60; ++i) {
    // Parcours ids, so that both stores give each the same.
    const std::string tail = std::string("22") + kIdAlphabet[i / 31] + kIdAlphabet[i % 31];
    const std::string person = "P-2" + tail, pathway = "W-2" + tail;
    text += R"({"type":"person","person":")" + person + R"(","name":"Person )" + std::string(1, char('A' + i % 26)) +
            std::string(1, char('a' + i / 26)) + R"(","birth":"1990-01-01","sex":"F","allow_duplicate":"yes"})" "\n";
    text += R"({"type":"enrolment","pathway":")" + pathway + R"(","person":")" + person +
            R"(","programme":"insertion","date":"2026-01-10","fields":{"prescriber":"ccas"}})" "\n";
    if (i % 7 == 0) text += R"({"type":"transition","pathway":")" + pathway + R"(","action":"nope"})" "\n";
  }
  WriteText(Path("big.jsonl"), text);
  engine_.reset();
  store_.reset();

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    StoreOptions options;
    auto store = Store::Open(dir_.path(), options);
    if (!store.ok()) _exit(3);
    boost::asio::io_context io;
    Engine engine(**store, clock_, io, nullptr);
    ImportRequest req;
    req.files = {Path("big.jsonl")};
    req.batch_rows = 10;
    req.actor = "importer";
    int batches = 0;
    req.progress = [&](const ImportProgress&) {
      if (++batches == 5) _exit(0);  // killed after its fifth batch
    };
    (void)engine.Import(req);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  ASSERT_NO_FATAL_FAILURE(OpenEngine());
  auto resumed = ImportFiles(*engine_, {Path("big.jsonl")}, 10);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->files[0].resumed_at_line, 51u);
  EXPECT_EQ(resumed->rows, 129u);
  EXPECT_EQ(resumed->written, 120u);
  EXPECT_EQ(resumed->refused, 9u);
  EXPECT_EQ(Lines(ReadFile(Path("big.rejects.jsonl"))).size(), 9u) << "each refused row once";

  // The same file imported in one go gives the same store.
  OtherStore straight(dir_.path() + "-straight", clock_, io_);
  ASSERT_TRUE(straight.engine);
  auto installed = straight.engine->InstallProgramme(ReadSource("workflows/insertion.yaml"), "insertion.yaml", "x");
  ASSERT_TRUE(installed.ok());
  auto once = ImportFiles(*straight.engine, {Path("big.jsonl")}, 10, dir_.path() + "-straight");
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  // Rows that name no time are recorded when they are imported: compare the rest.
  const auto strip = [](const std::string& text) {
    std::string out;
    for (const auto& line : Lines(text)) {
      Json j = Json::parse(line);
      j.erase("recorded");
      if (j.value("type", "") != "programme") out += j.dump() + "\n";
    }
    return out;
  };
  EXPECT_EQ(strip(ExportText(*engine_, ExchangeFormat::kJsonLines)),
            strip(ExportText(*straight.engine, ExchangeFormat::kJsonLines)));
  std::filesystem::remove_all(dir_.path() + "-straight");
}

// A generation killed midway resumes at the person after its last batch,
// and ends as one run in one go.
TEST_F(ImportTest, AKilledGenerationResumesAtAPerson) {
  GenerateRequest req;
  req.persons = 120;
  req.seed = 5;
  req.import.batch_rows = 25;
  req.import.actor = "importer";
  req.import.rejects_dir = dir_.path();
  engine_.reset();
  store_.reset();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = Store::Open(dir_.path(), StoreOptions());
    if (!store.ok()) _exit(3);
    boost::asio::io_context io;
    Engine engine(**store, clock_, io, nullptr);
    GenerateRequest killed = req;
    int batches = 0;
    killed.import.progress = [&](const ImportProgress&) {
      if (++batches == 4) _exit(0);
    };
    (void)engine.Generate(killed);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_NO_FATAL_FAILURE(OpenEngine());
  auto resumed = engine_->Generate(req);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_GT(resumed->resumed_at_line, 100u);
  EXPECT_EQ(resumed->refused, 0u);
  EXPECT_EQ(resumed->written, resumed->rows);

  OtherStore straight(dir_.path() + "-straight", clock_, io_);
  ASSERT_TRUE(straight.engine);
  ASSERT_TRUE(straight.engine->InstallProgramme(ReadSource("workflows/insertion.yaml"), "insertion.yaml", "x").ok());
  auto once = straight.engine->Generate(req);
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  EXPECT_EQ(once->rows, resumed->rows);
  const auto pathways = [](const std::string& text) { return text.substr(text.find("\n{\"type\":\"person\"")); };
  EXPECT_EQ(pathways(ExportText(*engine_, ExchangeFormat::kJsonLines)),
            pathways(ExportText(*straight.engine, ExchangeFormat::kJsonLines)));
  std::filesystem::remove_all(dir_.path() + "-straight");
}

// A history imported with deadlines long passed: each is recorded missed
// once, in batches (more than one here).
TEST_F(ImportTest, DeadlinesAnImportLeftOpenAreRecordedMissedOnce) {
  std::string text;
  for (int i = 0; i < 1500; ++i) {
    const std::string key = "K" + std::to_string(i);
    text += R"({"type":"person","person":")" + key + R"(","name":"Person Number","birth":")" +
            Date::FromDays(-3650 + i).iso() + R"(","sex":"F"})" "\n";
    text += R"({"type":"enrolment","pathway":"W)" + key + R"(","person":")" + key +
            R"(","programme":"insertion","date":"2026-01-10","fields":{"prescriber":"ccas"}})" "\n";
  }
  EXPECT_EQ(Import("many.jsonl", text).written, 3000u);
  auto missed = engine_->ProcessDeadlines();
  ASSERT_TRUE(missed.ok()) << missed.status().ToString();
  EXPECT_EQ(*missed, 1500);
  auto again = engine_->ProcessDeadlines();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  DueQuery q;
  q.all = true;
  auto due = engine_->Due(q);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1500u);
  EXPECT_EQ(due->front().due, D("2026-02-09"));
}

}  // namespace
}  // namespace parcours::testing
