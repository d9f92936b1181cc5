// Engine::Export: a store's whole history as rows, and the round trip
// export -> import into an empty store -> export giving the same bytes.
#include "import_export_support.h"

namespace parcours::testing {
namespace {

class ExportTest : public PopulationTestBase {
 protected:
  // A store with every kind of record: two versions of a programme (the
  // second deriving a field), namesakes, corrections and dated attributes,
  // re-entry, voids, notes, assignments and missed deadlines.
  void SetUp() override {
    PopulationTestBase::SetUp();
    const std::string awa = NewPerson("Awa Diallo", "1991-04-02", "F", {{"rsa", "yes"}, {"education", "3"}});
    Edit(awa, {}, {{"labour_status", "employed"}}, "2026-10-01");
    const std::string karim = NewPerson("Karim Benali", "1999-09-14", "M");
    Edit(karim, "Karim Ben Ali", {}, std::nullopt);
    const std::string jean1 = NewPerson("Jean Martin", "1980-01-01", "M");
    AddPersonRequest twin{"Jean Martin", "1980-01-01", "M", {}, true, "counsellor", ""};
    auto jean2 = engine_->AddPerson(twin);
    ASSERT_TRUE(jean2.ok()) << jean2.status().ToString();

    const std::string w1 = Enroll(awa, "2026-06-01", "france_travail");
    Advance(w1, "position", "2026-07-10");
    Record(w1, "interview", "2026-07-11", {{"mode", "phone"}, {"minutes", "20"}});
    Advance(w1, "start_training", "2026-07-15", {{"provider", "GRETA"}, {"hours", "420"}});
    Record(w1, "training_completed", "2026-09-15", {{"certified", "no"}});
    Void(w1);
    Record(w1, "training_completed", "2026-09-15", {{"certified", "yes"}});
    Advance(w1, "place", "2026-10-01", {{"contract", "cdi"}});
    Advance(w1, "exit", "2026-10-15", {{"reason", "employment"}});

    std::string v2 = ReadSource("workflows/insertion.yaml");
    const std::string exit = "  - id: exit\n";
    v2.insert(v2.find(exit), "    derive:\n      - field: category\n        rules:\n          - when: \"contract == 'cdi'\"\n"
                             "            value: durable\n          - value: transition\n");
    ASSERT_NO_FATAL_FAILURE(Install(v2, "insertion-v2.yaml", "admin"));

    const std::string w2 = Enroll(karim, "2026-09-01", "mission_locale");
    Advance(w2, "position", "2026-09-03");
    Advance(w2, "place", "2026-09-20", {{"contract", "cdd"}, {"months", "3"}});
    NoteRequest note{w2, "Contrat signé, à suivre", std::string("2026-09-21"), "counsellor", ""};
    ASSERT_TRUE(engine_->Note(note).ok());
    ASSERT_TRUE(engine_->Assign(AssignRequest{w2, "karim.petit", "counsellor", ""}).ok());

    const std::string w3 = Enroll(jean1, "2026-03-01");
    Advance(w3, "exit", "2026-03-05", {{"reason", "dropout"}});
    Enroll(jean1, "2026-11-01");
    Enroll(jean2->id, "2026-11-02");
    auto missed = engine_->ProcessDeadlines();
    ASSERT_TRUE(missed.ok());
    ASSERT_GT(*missed, 0);
  }

  void Edit(const std::string& person, std::optional<std::string> name, std::map<std::string, std::string> attrs,
            std::optional<std::string> date) {
    EditPersonRequest req;
    req.person = person;
    req.name = std::move(name);
    req.attrs = std::move(attrs);
    req.date = std::move(date);
    req.actor = "counsellor";
    auto done = engine_->EditPerson(req);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }

  // Everything a person or pathway shows, read through the engine.
  static Json Everything(Engine& engine) {
    Json out = Json::array();
    for (const char* name : {"awa", "karim", "jean"}) {
      auto persons = engine.FindPersons(name);
      EXPECT_TRUE(persons.ok());
      if (!persons.ok()) continue;
      for (const auto& p : persons->persons) {
        out.push_back(p.ToJson());
        auto pathways = engine.PathwaysOfPerson(p.id);
        EXPECT_TRUE(pathways.ok());
        if (!pathways.ok()) continue;
        for (const auto& s : *pathways) {
          auto view = engine.GetPathway(s.id);
          EXPECT_TRUE(view.ok());
          if (!view.ok()) continue;
          Json events = Json::array();
          for (const auto& e : view->events) events.push_back(e.ToJson());
          out.push_back({{"state", view->state.ToJson()}, {"events", events}, {"voided", view->voided}});
        }
      }
    }
    return out;
  }

  // Imports `text` as `file` into a new store; returns its export in `format`.
  std::string RoundTrip(const std::string& text, const std::string& file, ExchangeFormat format, Json* seen) {
    const std::string path = dir_.path() + "-" + file;
    WriteText(path, text);
    OtherStore other(path + ".store", clock_, io_);
    if (!other.engine) return "";
    auto done = ImportFiles(*other.engine, {path});
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    if (done.ok()) {
      EXPECT_EQ(done->refused, 0u) << ReadFile(done->files[0].rejects);
    }
    const std::string again = ExportText(*other.engine, format);
    if (seen) *seen = Everything(*other.engine);
    other.engine.reset();
    other.store.reset();
    std::filesystem::remove_all(path + ".store");
    std::filesystem::remove(path);
    return again;
  }
};

TEST_F(ExportTest, JsonLinesImportIntoAnEmptyStoreAndExportAgainByteForByte) {
  const std::string exported = ExportText(*engine_, ExchangeFormat::kJsonLines);
  const auto lines = Lines(exported);
  ASSERT_EQ(Json::parse(lines[0]).value("type", ""), "programme");
  EXPECT_EQ(Json::parse(lines[1]).value("version", ""), "2");
  Json seen;
  EXPECT_EQ(RoundTrip(exported, "export.jsonl", ExchangeFormat::kJsonLines, &seen), exported);
  EXPECT_EQ(seen, Everything(*engine_)) << "the imported store shows what the original shows";
}

TEST_F(ExportTest, CsvImportIntoAnEmptyStoreAndExportAgainByteForByte) {
  const std::string exported = ExportText(*engine_, ExchangeFormat::kCsv);
  EXPECT_EQ(exported.substr(0, exported.find('\n')),
            "type,recorded,actor,programme,version,person,pathway,seq,action,date,name,birth,sex,allow_duplicate,"
            "referent,voids,reason,text,deadline,source,yaml,attrs.education,attrs.labour_status,attrs.qpv,"
            "attrs.rqth,attrs.rsa,fields.certification,fields.certified,fields.contract,fields.employed,"
            "fields.hours,fields.minutes,fields.mode,fields.months,fields.prescriber,fields.provider,fields.reason,"
            "fields.result");
  Json seen;
  EXPECT_EQ(RoundTrip(exported, "export.csv", ExchangeFormat::kCsv, &seen), exported);
  EXPECT_EQ(seen, Everything(*engine_));
}

TEST_F(ExportTest, RowsHoldWhatWasGivenNotWhatWasDerived) {
  const std::string exported = ExportText(*engine_, ExchangeFormat::kJsonLines);
  std::map<std::string, int> types;
  bool place_seen = false;
  for (const auto& line : Lines(exported)) {
    const Json j = Json::parse(line);
    ++types[j.value("type", "")];
    if (j.value("action", "") == "place" && j["fields"].value("contract", "") == "cdd") {
      place_seen = true;
      EXPECT_EQ(j["fields"], (Json{{"contract", "cdd"}, {"months", "3"}})) << "category is derived again";
    }
    if (j.value("type", "") == "person" && j.value("name", "") == "Awa Diallo") {
      EXPECT_FALSE(j.contains("allow_duplicate")) << line;
    }
    if (j.value("type", "") == "person" && j.value("name", "") == "Jean Martin") {
      EXPECT_EQ(j.value("allow_duplicate", ""), "yes") << line;
    }
  }
  EXPECT_TRUE(place_seen);
  EXPECT_EQ(types, (std::map<std::string, int>{{"programme", 2},
                                               {"person", 4},
                                               {"edit", 2},
                                               {"enrolment", 5},
                                               {"transition", 7},
                                               {"milestone", 3},
                                               {"void", 1},
                                               {"note", 1},
                                               {"assignment", 1},
                                               {"deadline_missed", types["deadline_missed"]}}));
  EXPECT_GT(types["deadline_missed"], 0);
}

}  // namespace
}  // namespace parcours::testing
