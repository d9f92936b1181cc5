// parcours due: open deadlines (workflows/insertion.yaml: positioning 30 days
// after the enrolment, the follow-up 6 months after the exit), soonest first.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

// Today is 2026-11-21. Lea follows Awa (positioning due 2026-10-31), Brice
// (due 2026-12-01) and Dan (exited 2026-05-20: follow-up due 2026-11-20);
// Marc follows Chloé (due 2026-12-10).
class DueTest : public InsertionTest {
 protected:
  void SetUp() override {
    InsertionTest::SetUp();
    const Ids ids = SharedDataSet("due", [this] {
      // The shipped insertion, deadlines included (the fixture's has none).
      Ok({"programme", "install", SourcePath("workflows/insertion.yaml")});
      Ids out;
      out["awa"] = Enroll(AddPerson("Awa Diallo"), "2026-10-01");
      out["brice"] = Enroll(AddPerson("Brice Martin", "1985-02-03", "M"), "2026-11-01");
      out["chloe"] = Enroll(AddPerson("Chloé Petit", "1999-12-12"), "2026-11-10", "ccas", {"--referent", "marc"});
      out["dan"] = Enroll(AddPerson("Dan Moreau", "1970-07-07", "M"), "2026-05-01");
      Advance(out["dan"], "exit", "2026-05-20", {"reason=moved"});
      return out;
    });
    awa_ = ids.at("awa");
    brice_ = ids.at("brice");
    chloe_ = ids.at("chloe");
    dan_ = ids.at("dan");
  }
  // The pathways of `due ARGS --json`, in order.
  std::vector<std::string> Pathways(const Args& args) {
    Args full = {"due"};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<std::string> out;
    for (const auto& d : Ok(full).value("deadlines", Json::array())) out.push_back(d.value("pathway", ""));
    return out;
  }
  std::string awa_, brice_, chloe_, dan_;
};

TEST_F(DueTest, ListsTheActorsOpenDeadlinesSoonestFirst) {
  const Json j = Ok({"due"});
  ASSERT_EQ(j["deadlines"].size(), 3u) << j.dump();
  EXPECT_EQ(Pick(j["deadlines"][0], {"pathway", "name", "deadline", "label", "due", "days_left", "programme", "referent"}),
            (Json{{"pathway", awa_},
                  {"name", "Awa Diallo"},
                  {"deadline", "positioning"},
                  {"label", "Positionnement sous 30 jours"},
                  {"due", "2026-10-31"},
                  {"days_left", -21},
                  {"programme", "insertion"},
                  {"referent", kActor}}));
  EXPECT_EQ(Pick(j["deadlines"][1], {"pathway", "deadline", "due", "days_left", "status"}),
            (Json{{"pathway", dan_}, {"deadline", "follow_up"}, {"due", "2026-11-20"}, {"days_left", -1},
                  {"status", "exited"}}));
  EXPECT_EQ(Pick(j["deadlines"][2], {"pathway", "due", "days_left"}),
            (Json{{"pathway", brice_}, {"due", "2026-12-01"}, {"days_left", 10}}));
  EXPECT_EQ(j["referent"], kActor);
  EXPECT_EQ(j["all"], false);
}

TEST_F(DueTest, PrintsATable) {
  const CliResult r = Run({"due"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "DUE"));
  EXPECT_TRUE(Contains(r.out, "DEADLINE"));
  EXPECT_TRUE(Contains(r.out, "2026-10-31"));
  EXPECT_TRUE(Contains(r.out, "21 days late"));
  EXPECT_TRUE(Contains(r.out, "1 day late"));
  EXPECT_TRUE(Contains(r.out, "in 10 days"));
  EXPECT_TRUE(Contains(r.out, "Suivi à 6 mois"));
  EXPECT_LT(r.out.find(awa_), r.out.find(brice_));

  const CliResult other = Run({"due", "--referent", "nobody"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_TRUE(Contains(other.out, "No open deadline of nobody matches. `parcours due --all` lists everyone's."));
}

TEST_F(DueTest, FiltersByReferentProgrammeAndDate) {
  EXPECT_EQ(Pathways({"--all"}), (std::vector<std::string>{awa_, dan_, brice_, chloe_}));
  EXPECT_EQ(Pathways({"--referent", "marc"}), std::vector<std::string>{chloe_});
  EXPECT_EQ(Pathways({"--all", "--before", "2026-12-01"}), (std::vector<std::string>{awa_, dan_, brice_}));
  EXPECT_EQ(Pathways({"--before", "today"}), (std::vector<std::string>{awa_, dan_}));
  EXPECT_EQ(Pathways({"--programme", "insertion", "--before", "2026-10-30"}), std::vector<std::string>{});
}

TEST_F(DueTest, AClearedDeadlineLeavesTheList) {
  Advance(awa_, "position", "2026-11-21");
  Record(dan_, "follow_up", "2026-11-21", {"employed=yes"});
  EXPECT_EQ(Pathways({}), std::vector<std::string>{brice_});
}

TEST_F(DueTest, RefusesWhatItCannotAnswer) {
  Refused(3, {"due", "--all", "--referent", "marc"}, {"everyone's deadlines and those of referent \"marc\""});
  Refused(3, {"due", "--before", "2026-13-01"}, {"date \"2026-13-01\" is not valid", "YYYY-MM-DD"});
  Refused(4, {"due", "--programme", "insertoin"}, {"no programme \"insertoin\"", "insertion"});
  Refused(2, {"due", "--before"}, {"--before"});
}

}  // namespace
}  // namespace parcours::e2e
