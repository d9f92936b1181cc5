// parcours person add | show | find: validation of identifying data,
// probable duplicates, and accent- and case-insensitive search.
#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

using PersonTest = InsertionTest;

Args AddArgs(const std::string& name, const std::string& birth, const std::string& sex, const Args& extra = {}) {
  Args args = {"person", "add", "--name", name, "--birth", birth, "--sex", sex};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_F(PersonTest, AddPrintsAnIdAndShowGivesItBack) {
  const Json added = Ok(AddArgs("Awa Diallo", "1991-04-02", "F",
                                {"--attr", "rsa=yes", "--attr", "education=3", "--attr",
                                 "labour_status=long_term_unemployed", "--attr", "rqth=no", "--attr", "qpv=yes"}));
  ASSERT_TRUE(added.contains("id")) << added.dump();
  const std::string id = added.value("id", "");
  // Short, prefixed, no look-alike characters.
  ASSERT_EQ(id.size(), 7u) << id;
  EXPECT_EQ(id.substr(0, 2), "P-");
  EXPECT_EQ(id.find_first_of("01OIL", 2), std::string::npos) << id;

  const Json p = Ok({"person", "show", id});
  EXPECT_EQ(p.value("id", ""), id);
  EXPECT_EQ(p.value("name", ""), "Awa Diallo");
  EXPECT_EQ(p.value("birth", ""), "1991-04-02");
  EXPECT_EQ(p.value("sex", ""), "F");
  EXPECT_EQ(p["attrs"], (Json{{"rsa", "yes"}, {"education", "3"}, {"labour_status", "long_term_unemployed"},
                              {"rqth", "no"}, {"qpv", "yes"}}));
  EXPECT_EQ(p.value("created_by", ""), kActor);
  EXPECT_EQ(p["pathways"], Json::array());
}

TEST_F(PersonTest, HumanAddAndShow) {
  const CliResult r = Run(AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", "rsa=yes"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Added Awa Diallo (F, born 1991-04-02) as P-"));
  const std::string id = r.out.substr(r.out.find("P-"), 7);
  const CliResult show = Run({"person", "show", id});
  EXPECT_TRUE(Contains(show.out, id + "  Awa Diallo (F, born 1991-04-02)"));
  EXPECT_TRUE(Contains(show.out, "Attributes: rsa=yes"));
  EXPECT_TRUE(Contains(show.out, "No pathway yet."));
}

TEST_F(PersonTest, ShowListsThePersonsPathways) {
  const std::string awa = AddPerson("Awa Diallo");
  const std::string w = Enroll(awa, "2026-09-01", "ccas");
  const Json p = Ok({"person", "show", awa});
  ASSERT_EQ(p["pathways"].size(), 1u);
  EXPECT_EQ(p["pathways"][0], (Json{{"pathway", w}, {"programme", "insertion"}, {"step", "referral"},
                                    {"status", "active"}, {"enrolled", "2026-09-01"}, {"referent", kActor}}));
}

// Section `name` of a StoreDigest: the lines between "[name]" and the next "[".
std::string DigestSection(const std::string& digest, const std::string& name) {
  const auto begin = digest.find("[" + name + "]\n");
  if (begin == std::string::npos) return "";
  const auto body = begin + name.size() + 3;
  const auto end = digest.find("\n[", body);
  return digest.substr(body, end == std::string::npos ? std::string::npos : end - body);
}

// Identifying data stays in `persons`, so that it can be erased without
// touching the history.
TEST_F(PersonTest, NameAndBirthDateStayOutOfEventsAndPathways) {
  const std::string awa = AddPerson("Awa Diallo", "1991-04-02", "F");
  const std::string w = Enroll(awa, "2026-09-01");
  Advance(w, "position", "2026-09-08");
  const std::string digest = Digest();
  ASSERT_TRUE(Contains(DigestSection(digest, "persons"), "Awa Diallo"));
  for (const std::string section : {"events", "pathways"}) {
    const std::string text = DigestSection(digest, section);
    EXPECT_FALSE(text.empty()) << section;
    EXPECT_FALSE(Contains(text, "Awa")) << section << ":\n" << text;
    EXPECT_FALSE(Contains(text, "Diallo")) << section << ":\n" << text;
    EXPECT_FALSE(Contains(text, "1991-04-02")) << section << ":\n" << text;
  }
}

TEST_F(PersonTest, IdsAreAcceptedInLowercaseWithoutDash) {
  const std::string awa = AddPerson("Awa Diallo");
  std::string typed = "p" + awa.substr(2);
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(Ok({"person", "show", typed}).value("id", ""), awa);
}

TEST_F(PersonTest, BirthDateMustBeAnIsoDate) {
  for (const std::string bad : {"02/04/1991", "1991-4-2", "1991-02-30", "yesterday", ""}) {
    Refused(3, AddArgs("Awa Diallo", bad, "F"), {"birth date", "Use YYYY-MM-DD"});
  }
}

TEST_F(PersonTest, AgeMustBe14To100) {
  // Today is 2026-11-21.
  Refused(3, AddArgs("Too Young", "2012-11-22", "F"), {"2012-11-22", "age of 13", "14 to 100 years old"});
  Refused(3, AddArgs("Too Old", "1925-11-20", "M"), {"1925-11-20", "age of 101", "14 to 100 years old"});
  Refused(3, AddArgs("Not Born", "2027-01-01", "M"), {"2027-01-01", "14 to 100 years old"});
  // The boundaries themselves are accepted.
  AddPerson("Just Fourteen", "2012-11-21", "X");
  AddPerson("Just Hundred", "1926-11-20", "F");
}

TEST_F(PersonTest, SexMustBeFMOrX) {
  Refused(3, AddArgs("Awa Diallo", "1991-04-02", "W"), {"sex \"W\"", "F, M or X"});
  Refused(3, AddArgs("Awa Diallo", "1991-04-02", "female"), {"\"female\"", "F, M or X"});
}

TEST_F(PersonTest, UnknownAttributeNamesTheKnownOnes) {
  Refused(3, AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", "nationality=fr"}),
          {"unknown attribute \"nationality\"", "education, labour_status, qpv, rqth, rsa"});
}

TEST_F(PersonTest, BadAttributeValuesNameTheAcceptedOnes) {
  Refused(3, AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", "education=9"}),
          {"education", "\"9\"", "ISCED level from 0 to 8"});
  Refused(3, AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", "labour_status=retired"}),
          {"labour_status", "\"retired\"", "unemployed, long_term_unemployed, inactive, employed"});
  for (const std::string attr : {"rsa", "rqth", "qpv"}) {
    Refused(3, AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", attr + "=oui"}), {attr, "\"oui\"", "yes, no"});
  }
}

TEST_F(PersonTest, MalformedAttrIsAUsageErrorWithAUsableExample) {
  const CliResult r = Refused(2, AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", "rsa"}),
                              {"--attr \"rsa\" is not KEY=VALUE", "--attr KEY=VALUE"});
  // The example must be a person attribute (prescriber is an enrolment field).
  EXPECT_FALSE(Contains(r.err, "--attr prescriber=")) << r.err;
}

TEST_F(PersonTest, NameMustHaveLetters) {
  Refused(3, AddArgs("   ", "1991-04-02", "F"), {"name is empty", "non-empty"});
}

TEST_F(PersonTest, ProbableDuplicateIsRefusedNamingTheExistingId) {
  const std::string awa = AddPerson("Éloïse Martin", "1990-05-06", "F");
  // Same name ignoring accents and case, same birth date.
  for (const std::string name : {"ELOISE MARTIN", "eloise martin", "Éloïse  Martin", "Eloïse Martin "}) {
    Refused(3, AddArgs(name, "1990-05-06", "F"), {"already exists: " + awa, "--allow-duplicate"});
  }
  const Json err = RefusedJson(3, AddArgs("ELOISE MARTIN", "1990-05-06", "F"), {awa});
  EXPECT_EQ(err.value("code", ""), "refused");

  // Another birth date is another person.
  const std::string other = AddPerson("Eloise Martin", "1990-05-07", "F");
  EXPECT_NE(other, awa);
  // --allow-duplicate registers a second person.
  const Json dup = Ok(AddArgs("ELOISE MARTIN", "1990-05-06", "F", {"--allow-duplicate"}));
  EXPECT_NE(dup.value("id", ""), awa);
  EXPECT_EQ(Ok({"person", "find", "eloise martin"})["persons"].size(), 3u);
}

TEST_F(PersonTest, FindIgnoresAccentsAndCase) {
  const std::string eloise = AddPerson("Éloïse Martin", "1990-05-06", "F");
  const std::string awa = AddPerson("Awa Diallo");
  const std::string ines = AddPerson("Inès Lefèvre", "1970-01-30", "F");

  const Json found = Ok({"person", "find", "ELOISE"});
  ASSERT_EQ(found["persons"].size(), 1u) << found.dump();
  EXPECT_EQ(found["persons"][0],
            (Json{{"id", eloise}, {"name", "Éloïse Martin"}, {"birth", "1990-05-06"}, {"sex", "F"}}));

  EXPECT_EQ(Ok({"person", "find", "ines lefevre"})["persons"][0]["id"], ines);
  EXPECT_EQ(Ok({"person", "find", "LEFÈVRE"})["persons"][0]["id"], ines);
  EXPECT_EQ(Ok({"person", "find", "dial"})["persons"][0]["id"], awa);  // word prefix
  EXPECT_EQ(Ok({"person", "find", "martin éloïse"})["persons"][0]["id"], eloise);  // any word order
  EXPECT_EQ(Ok({"person", "find", "awa martin"})["persons"].size(), 0u);  // every word must match
  EXPECT_EQ(Ok({"person", "find", "iallo"})["persons"].size(), 0u);  // not a word prefix

  const CliResult human = Run({"person", "find", "eloise"});
  EXPECT_TRUE(Contains(human.out, eloise + "  Éloïse Martin  F    1990-05-06"));
}

TEST_F(PersonTest, FindWithNoMatchSaysSo) {
  AddPerson("Awa Diallo");
  EXPECT_EQ(Ok({"person", "find", "zoe"}), (Json{{"persons", Json::array()}, {"total", 0}}));
  const CliResult r = Run({"person", "find", "zoe"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out, "Nobody matches \"zoe\""));
}

TEST_F(PersonTest, FindShowsAPageAndSaysHowManyMore) {
  for (const char* name : {"Awa Diallo", "Binta Diallo", "Coumba Diallo", "Aminata Diallo"}) AddPerson(name);
  const Json page = Ok({"person", "find", "diallo", "--limit", "2"});
  ASSERT_EQ(page["persons"].size(), 2u) << page.dump();
  EXPECT_EQ(page["persons"][0]["name"], "Aminata Diallo");
  EXPECT_EQ(page["persons"][1]["name"], "Awa Diallo");
  EXPECT_EQ(page["total"], 4);

  const CliResult human = Run({"person", "find", "diallo", "--limit", "2"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_TRUE(Contains(human.out, "Awa Diallo")) << human.out;
  EXPECT_FALSE(Contains(human.out, "Binta Diallo")) << human.out;
  EXPECT_TRUE(Contains(human.out, "2 of 4 shown: add a word of the name to narrow the search, or --limit N"))
      << human.out;
  const CliResult all = Run({"person", "find", "diallo"});
  EXPECT_TRUE(Contains(all.out, "Coumba Diallo")) << all.out;
  EXPECT_FALSE(Contains(all.out, "shown")) << all.out;
}

TEST_F(PersonTest, FindNeedsSomethingToSearchAndALimitOfOneOrMore) {
  Refused(3, {"person", "find", "  "}, {"nothing to search for", "part of a name"});
  for (const char* limit : {"0", "-1", "abc", "100001"}) {
    Refused(2, {"person", "find", "diallo", "--limit", limit}, {"--limit"});
  }
}

TEST_F(PersonTest, ShowUnknownPersonIsNotFound) {
  Refused(4, {"person", "show", "P-22222"}, {"no person P-22222", "parcours person find"});
  Refused(4, {"person", "show", "Awa"}, {"no person \"Awa\"", "P-7K2M9"});
}

TEST_F(PersonTest, AddNeedsNameBirthAndSex) {
  Refused(2, {"person", "add", "--birth", "1991-04-02", "--sex", "F"}, {"--name"});
  Refused(2, {"person", "add", "--name", "Awa Diallo", "--sex", "F"}, {"--birth"});
  Refused(2, {"person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02"}, {"--sex"});
}

// ---- person edit (issue 6) ---------------------------------------------------------

TEST_F(PersonTest, EditRecordsAttributesFromADateWithActorAndDate) {
  const std::string id = Ok(AddArgs("Awa Diallo", "1991-04-02", "F", {"--attr", "rqth=no"})).value("id", "");
  const Json j = Ok({"person", "edit", id, "--attr", "rqth=yes", "--date", "2026-03-01"});
  EXPECT_EQ(Pick(j, {"id", "date", "changes"}),
            (Json{{"id", id}, {"date", "2026-03-01"}, {"changes", {{"attrs.rqth", {{"from", "no"}, {"to", "yes"}}}}}}));
  const Json p = Ok({"person", "show", id});
  EXPECT_EQ(p["attrs"], (Json{{"rqth", "yes"}}));
  EXPECT_EQ(p["attr_history"]["rqth"],
            (Json::array({{{"from", nullptr}, {"value", "no"}}, {{"from", "2026-03-01"}, {"value", "yes"}}})));
  ASSERT_EQ(p["changes"].size(), 1u);
  EXPECT_EQ(p["changes"][0].value("actor", ""), kActor);
  EXPECT_EQ(p["changes"][0].value("date", ""), "2026-03-01");
  const CliResult show = Run({"person", "show", id});
  EXPECT_TRUE(Contains(show.out, "  rqth: no at registration, yes from 2026-03-01")) << show.out;
  EXPECT_TRUE(Contains(show.out, kActor + std::string("  attrs.rqth no -> yes (from 2026-03-01)"))) << show.out;
}

TEST_F(PersonTest, EditReindexesTheNameForSearchAndDuplicates) {
  const std::string awa = AddPerson("Awa Diallo", "1991-04-02", "F");
  const CliResult r = Run({"person", "edit", awa, "--name", "Awa Sy", "--sex", "X"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "name: Awa Diallo -> Awa Sy"));
  EXPECT_EQ(Ok({"person", "find", "diallo"})["persons"].size(), 0u);
  ASSERT_EQ(Ok({"person", "find", "sy"})["persons"].size(), 1u);
  EXPECT_EQ(Ok({"person", "show", awa}).value("sex", ""), "X");
  // The new name is what duplicates are checked against; the old one is free.
  Refused(3, AddArgs("awa SY", "1991-04-02", "F"), {"already exists: " + awa});
  const std::string other = AddPerson("Awa Diallo", "1991-04-02", "F");
  Refused(3, {"person", "edit", other, "--name", "Awa Sy"},
          {"a person named Awa Sy born 1991-04-02 already exists: " + awa, "--allow-duplicate"});
  Ok({"person", "edit", other, "--name", "Awa Sy", "--allow-duplicate"});
}

TEST_F(PersonTest, EditCorrectsTheEntryOfThePersonsPathways) {
  const std::string awa = AddPerson("Awa Diallo", "1991-04-02", "F");
  Enroll(awa, "2026-09-01", "ccas");
  Ok({"person", "edit", awa, "--birth", "1961-04-02", "--sex", "X"});
  // The report breaks down by the corrected sex and age band at entry.
  const Json report = Ok({"report", "outcomes", "--programme", "insertion", "--from", "2026-01-01", "--to",
                          "2026-12-31"});
  EXPECT_EQ(report["breakdowns"]["sex"]["X"].value("referred", 0), 1) << report.dump();
  EXPECT_EQ(report["breakdowns"]["sex"]["F"].value("referred", -1), 0);
  EXPECT_EQ(report["breakdowns"]["age_band"]["50_plus"].value("referred", 0), 1);
}

TEST_F(PersonTest, EditRefusals) {
  const std::string awa = AddPerson("Awa Diallo", "1991-04-02", "F");
  Refused(3, {"person", "edit", awa}, {"nothing to change", "--name, --birth, --sex or --attr KEY=VALUE"});
  Refused(3, {"person", "edit", awa, "--sex", "F"}, {"nothing changes: " + awa + " already has these values"});
  Refused(3, {"person", "edit", awa, "--date", "2026-01-01"}, {"--date is when attributes change", "--attr"});
  Refused(3, {"person", "edit", awa, "--attr", "rqth=yes", "--date", "2026-12-01"}, {"in the future"});
  Refused(3, {"person", "edit", awa, "--attr", "rqth=yes", "--date", "1990-01-01"}, {"before " + awa + "'s birth"});
  Refused(3, {"person", "edit", awa, "--attr", "foo=1"}, {"unknown attribute \"foo\""});
  Refused(3, {"person", "edit", awa, "--sex", "W"}, {"sex \"W\" is not valid"});
  Refused(3, {"person", "edit", awa, "--birth", "2020-01-01"}, {"gives an age of 6"});
  Refused(4, {"person", "edit", "P-22222", "--sex", "M"}, {"no person P-22222"});
}

// The ESAT track needs rqth=yes: the refusal names the command to record it,
// and an enrolment sees the attribute in effect on its own date.
TEST_F(PersonTest, PepsEsatRefusalPointsAtPersonEditAndEnrolmentsSeeTheDatedValue) {
  Ok({"programme", "install", SourcePath("plugins/peps/workflows/plateforme.yaml")});
  const std::string paul = Ok(AddArgs("Paul Esat", "1990-01-01", "M", {"--attr", "rqth=no"})).value("id", "");
  const Args esat = {"--field", "prescriber=esat", "--field", "track=esat_worker", "--field", "structure=ESAT A",
                     "--field", "target_job=kitchen_porter"};
  auto enrol = [&](const std::string& date) {
    Args args = {"enroll", paul, "peps", "--date", date};
    args.insert(args.end(), esat.begin(), esat.end());
    return args;
  };
  const CliResult refused = Refused(3, enrol("2026-05-01"), {"`parcours person edit " + paul + " --attr rqth=yes"});
  EXPECT_FALSE(Contains(refused.err, "==")) << refused.err;  // no raw condition as advice
  Ok({"person", "edit", paul, "--attr", "rqth=yes", "--date", "2026-06-01"});
  Refused(3, enrol("2026-05-01"), {"rqth attribute is \"no\""});  // before the change: the old value
  Ok(enrol("2026-06-02"));
}

}  // namespace
}  // namespace parcours::e2e
