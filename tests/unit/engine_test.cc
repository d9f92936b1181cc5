// Tests for the engine (engine.h) over a real store in a temporary directory:
// programmes, persons, pathway commands and every refusal, dates, the event
// bus, caseloads.
#include "parcours/engine.h"

#include <algorithm>
#include <atomic>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "parcours/ids.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

using testing::D;
using testing::StoreDigest;
using Strings = std::vector<std::string>;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A caseload query by programme, step and referent (everyone's when no referent).
CaseloadQuery Q(const std::string& programme, const std::string& step, const std::string& referent) {
  CaseloadQuery q;
  q.programme = programme;
  q.step = step;
  q.referent = referent;
  return q;
}

std::string InsertionYaml() { return testing::ReadSource("workflows/insertion.yaml"); }

// A second, tiny programme.
constexpr const char* kAtelierYaml = R"(programme: atelier
label: Atelier
steps:
  - id: open
    label: Ouvert
    initial: true
  - id: done
    label: Fini
    final: true
transitions:
  - id: finish
    from: [open]
    to: done
)";

// Has at least a duplicate step id and an unknown step.
constexpr const char* kBrokenYaml = R"(programme: broken
steps:
  - id: start
    initial: true
  - id: start
  - id: end
    final: true
transitions:
  - id: go
    from: [start]
    to: ennd
)";

constexpr const char* kToday = "2026-03-15";

class EngineTest : public testing::EngineTestBase {
 protected:
  EngineTest() : EngineTestBase(kToday, "engine-test") {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenEngine());
    engine_->bus().Subscribe("recorder", [this](const Event& e) { published_.push_back(e); });
    ASSERT_NO_FATAL_FAILURE(InstallFromSource("workflows/insertion.yaml", "workflows/insertion.yaml"));
  }

  // Runs every delivery posted so far.
  void Drain() {
    io_.restart();
    io_.poll();
  }

  Result<CommandResult> TryEnroll(const std::string& person, const std::string& date = "",
                                  RawFields fields = {{"prescriber", "ccas"}},
                                  const std::string& referent = "",
                                  const std::string& programme = "insertion") {
    EnrollRequest req;
    req.person = person;
    req.programme = programme;
    if (!date.empty()) req.date = date;  // "": the request leaves the date out
    req.referent = referent;
    req.fields = std::move(fields);
    req.actor = "counsellor";
    return engine_->Enroll(req);
  }

  std::string Enroll(const std::string& person, const std::string& date = "",
                     const std::string& referent = "", const std::string& programme = "insertion") {
    RawFields fields;
    if (programme == "insertion") fields["prescriber"] = "ccas";
    auto r = TryEnroll(person, date, fields, referent, programme);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->state.id : std::string();
  }

  Result<CommandResult> TryAdvance(const std::string& pathway, const std::string& transition,
                                   const std::string& date = "", RawFields fields = {}) {
    AdvanceRequest req;
    req.pathway = pathway;
    req.transition = transition;
    if (!date.empty()) req.date = date;  // "": the request leaves the date out
    req.fields = std::move(fields);
    req.actor = "counsellor";
    return engine_->Advance(req);
  }

  CommandResult Advance(const std::string& pathway, const std::string& transition,
                        const std::string& date = "", RawFields fields = {}) {
    auto r = TryAdvance(pathway, transition, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << transition << ": " << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  Result<CommandResult> TryRecord(const std::string& pathway, const std::string& milestone,
                                  const std::string& date = "", RawFields fields = {}) {
    RecordRequest req;
    req.pathway = pathway;
    req.milestone = milestone;
    if (!date.empty()) req.date = date;  // "": the request leaves the date out
    req.fields = std::move(fields);
    req.actor = "counsellor";
    return engine_->Record(req);
  }

  CommandResult Record(const std::string& pathway, const std::string& milestone,
                       const std::string& date = "", RawFields fields = {}) {
    auto r = TryRecord(pathway, milestone, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << milestone << ": " << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  // The seq of the latest pathway event in effect (what a void names by
  // default here), 0 when the pathway cannot be read.
  uint32_t LatestInEffect(const std::string& pathway) {
    auto view = engine_->GetPathway(pathway);
    if (!view.ok()) return 0;
    for (auto it = view->events.rbegin(); it != view->events.rend(); ++it) {
      if (it->kind != EventKind::kVoid &&
          !std::binary_search(view->voided.begin(), view->voided.end(), it->seq)) return it->seq;
    }
    return 0;
  }

  Result<CommandResult> TryVoid(const std::string& pathway, const std::string& reason = "typo",
                                std::optional<uint32_t> seq = std::nullopt) {
    VoidRequest req;
    req.pathway = pathway;
    req.reason = reason;
    req.actor = "counsellor";
    req.seq = seq ? *seq : LatestInEffect(pathway);
    return engine_->Void(req);
  }

  CommandResult Void(const std::string& pathway, const std::string& reason = "typo",
                     std::optional<uint32_t> seq = std::nullopt) {
    auto r = TryVoid(pathway, reason, seq);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  Result<CommandResult> TryAssign(const std::string& pathway, const std::string& referent) {
    AssignRequest req;
    req.pathway = pathway;
    req.referent = referent;
    req.actor = "counsellor";
    return engine_->Assign(req);
  }

  PathwayState State(const std::string& pathway) {
    auto view = engine_->GetPathway(pathway);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? view->state : PathwayState{};
  }

  // Runs `command`, which must fail with `code` and mention every one of
  // `needles` (in its message or what is allowed), without writing or
  // publishing anything.
  template <typename F>
  void ExpectRefusal(F command, Status::Code code, std::initializer_list<std::string> needles) {
    Drain();
    const std::size_t published = published_.size();
    const std::string before = StoreDigest(dir_.path());
    Status s = command();
    ASSERT_FALSE(s.ok()) << "expected a refusal mentioning " << *needles.begin();
    EXPECT_EQ(s.code(), code) << s.code_name() << ": " << s.ToString();
    for (const auto& needle : needles) {
      EXPECT_TRUE(Contains(s.ToString(), needle)) << "\"" << needle << "\" not in: " << s.ToString();
    }
    EXPECT_EQ(StoreDigest(dir_.path()), before) << "a refused command wrote to the store";
    Drain();
    EXPECT_EQ(published_.size(), published) << "a refused command published an event";
  }

  std::vector<Event> published_;
};

constexpr Status::Code kRefused = Status::Code::kRefused;
constexpr Status::Code kNotFound = Status::Code::kNotFound;

// ---- programmes ----------------------------------------------------------------

TEST_F(EngineTest, InstalledProgrammeIsListedWithItsInfo) {
  auto list = engine_->ListProgrammes();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const ProgrammeInfo& info = list->front();
  EXPECT_EQ(info.id, "insertion");
  EXPECT_EQ(info.label, "Parcours insertion");
  EXPECT_EQ(info.version, 1);
  EXPECT_EQ(info.installed_by, "installer");
  EXPECT_EQ(info.source, "workflows/insertion.yaml");
  EXPECT_FALSE(info.installed.empty());

  auto wf = engine_->GetWorkflow("insertion");
  ASSERT_TRUE(wf.ok());
  EXPECT_EQ((*wf)->id, "insertion");
  EXPECT_EQ((*wf)->initial_step()->id, "referral");
  EXPECT_EQ((*wf)->steps.size(), 6u);
}

TEST_F(EngineTest, InstallingAnIdenticalFileChangesNothing) {
  const std::string before = StoreDigest(dir_.path());
  auto again = engine_->InstallProgramme(InsertionYaml(), "elsewhere/insertion.yaml", "someone-else");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->programme.version, 1);
  EXPECT_EQ(again->programme.installed_by, "installer");
  // Comments and layout do not make a new version either.
  auto commented = engine_->InstallProgramme("# a comment\n" + InsertionYaml() + "\n# the end\n",
                                             "insertion.yaml", "installer");
  ASSERT_TRUE(commented.ok()) << commented.status().ToString();
  EXPECT_FALSE(commented->changed);
  EXPECT_EQ(StoreDigest(dir_.path()), before);
}

TEST_F(EngineTest, AChangedFileBecomesANewVersion) {
  std::string yaml = InsertionYaml();
  const auto pos = yaml.find("label: Orientation");
  ASSERT_NE(pos, std::string::npos);
  yaml.replace(pos, std::string("label: Orientation").size(), "label: Accueil");
  auto v2 = engine_->InstallProgramme(yaml, "insertion-v2.yaml", "installer2");
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_TRUE(v2->changed);
  EXPECT_EQ(v2->programme.version, 2);
  EXPECT_EQ(v2->programme.source, "insertion-v2.yaml");
  EXPECT_EQ(v2->programme.installed_by, "installer2");

  auto info = engine_->GetProgrammeInfo("insertion");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->version, 2);

  auto w1 = engine_->GetWorkflow("insertion", 1);
  auto w2 = engine_->GetWorkflow("insertion", 2);
  auto latest = engine_->GetWorkflow("insertion");
  ASSERT_TRUE(w1.ok() && w2.ok() && latest.ok());
  EXPECT_EQ((*w1)->find_step("referral")->label, "Orientation");
  EXPECT_EQ((*w2)->find_step("referral")->label, "Accueil");
  EXPECT_EQ((*latest)->find_step("referral")->label, "Accueil");

  // Installing v1 again is a change from v2: version 3.
  auto v3 = engine_->InstallProgramme(InsertionYaml(), "insertion.yaml", "installer");
  ASSERT_TRUE(v3.ok());
  EXPECT_TRUE(v3->changed);
  EXPECT_EQ(v3->programme.version, 3);

  auto missing = engine_->GetWorkflow("insertion", 4);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), kNotFound);
}

TEST_F(EngineTest, AnInvalidFileIsRefusedWithEveryProblem) {
  ExpectRefusal([&] { return engine_->InstallProgramme(kBrokenYaml, "broken.yaml", "x").status(); },
                kRefused, {"broken.yaml is not a valid workflow", "ennd", "duplicate step id"});
  auto r = engine_->InstallProgramme(kBrokenYaml, "broken.yaml", "x");
  ASSERT_FALSE(r.ok());
  // One problem per line, each naming the file and a line.
  std::istringstream lines(r.status().allowed());
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_EQ(line.rfind("broken.yaml:", 0), 0u) << line;
  }
  EXPECT_GE(n, 2);
  EXPECT_TRUE(Contains(r.status().message(), std::to_string(n) + " problems")) << r.status().message();

  ExpectRefusal([&] { return engine_->InstallProgramme("", "empty.yaml", "x").status(); }, kRefused,
                {"empty.yaml"});
  ExpectRefusal([&] { return engine_->InstallProgramme("steps: [", "bad.yaml", "x").status(); },
                kRefused, {"bad.yaml"});
  auto list = engine_->ListProgrammes();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(EngineTest, UnknownProgrammeIsNotFound) {
  ExpectRefusal([&] { return engine_->GetWorkflow("nope").status(); }, kNotFound,
                {"nope", "Installed programmes: insertion."});
  ExpectRefusal([&] { return engine_->GetProgrammeInfo("nope").status(); }, kNotFound, {"nope"});
}

TEST_F(EngineTest, SeveralProgrammesAreListed) {
  auto atelier = engine_->InstallProgramme(kAtelierYaml, "atelier.yaml", "installer");
  ASSERT_TRUE(atelier.ok()) << atelier.status().ToString();
  EXPECT_EQ(atelier->programme.version, 1);
  auto list = engine_->ListProgrammes();
  ASSERT_TRUE(list.ok());
  Strings ids;
  for (const auto& p : *list) ids.push_back(p.id);
  EXPECT_EQ(ids, (Strings{"atelier", "insertion"}));
}

TEST_F(EngineTest, APathwayKeepsTheVersionItWasEnrolledUnder) {
  const Person ann = AddPerson("Ann Old", "1990-01-01");
  const Person bea = AddPerson("Bea New", "1990-01-01");
  const std::string old_pw = Enroll(ann.id, "2026-03-01");

  std::string yaml = InsertionYaml() + "\n  - id: workshop\n    label: Atelier collectif\n    in: any\n";
  auto v2 = engine_->InstallProgramme(yaml, "insertion-v2.yaml", "installer");
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  ASSERT_EQ(v2->programme.version, 2);

  const std::string new_pw = Enroll(bea.id, "2026-03-01");
  EXPECT_EQ(State(old_pw).version, 1);
  EXPECT_EQ(State(new_pw).version, 2);
  auto view = engine_->GetPathway(old_pw);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->workflow->find_milestone("workshop"), nullptr);

  ExpectRefusal([&] { return TryRecord(old_pw, "workshop").status(); }, kRefused,
                {"has no milestone \"workshop\""});
  auto r = TryRecord(new_pw, "workshop");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->event.action, "workshop");
}

// ---- persons --------------------------------------------------------------------

TEST_F(EngineTest, AddPersonStoresAValidatedPerson) {
  const Person p = AddPerson("  Éloïse Dupont  ", "1991-04-02", "F",
                             {{"education", "3"}, {"labour_status", "long_term_unemployed"},
                              {"rsa", "yes"}, {"rqth", "no"}, {"qpv", "yes"}});
  EXPECT_TRUE(NormalizeId(kPersonPrefix, p.id).has_value()) << p.id;
  EXPECT_EQ(NormalizeId(kPersonPrefix, p.id), p.id);
  EXPECT_EQ(p.name, "Éloïse Dupont");
  EXPECT_EQ(p.birth, D("1991-04-02"));
  EXPECT_EQ(p.sex, "F");
  EXPECT_EQ(p.attrs.size(), 5u);
  EXPECT_EQ(p.attrs.at("labour_status"), "long_term_unemployed");
  EXPECT_EQ(p.created_by, "counsellor");
  EXPECT_FALSE(p.created.empty());

  std::string lower = p.id;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  lower.erase(1, 1);  // "p7k2m9"
  auto got = engine_->GetPerson(lower);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, p.id);
  EXPECT_EQ(got->name, "Éloïse Dupont");
  EXPECT_EQ(got->birth, D("1991-04-02"));
  EXPECT_EQ(got->attrs, p.attrs);
  EXPECT_EQ(got->ToJson(), p.ToJson());

  auto round = Person::FromJson(p.ToJson());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->ToJson(), p.ToJson());
}

TEST_F(EngineTest, KnownPersonAttributes) {
  const auto& known = KnownPersonAttributes();
  Strings names;
  for (const auto& [k, v] : known) names.push_back(k);
  EXPECT_EQ(names, (Strings{"education", "labour_status", "qpv", "rqth", "rsa"}));
  EXPECT_EQ(known.at("education").size(), 9u);
  EXPECT_EQ(known.at("labour_status"),
            (Strings{"unemployed", "long_term_unemployed", "inactive", "employed"}));
}

// Issue 6: attributes are effective-dated; an enrolment takes the values in
// effect on its own date, and an edit keeps existing entries consistent.
TEST_F(EngineTest, EditPersonDatesAttributesAndEnrolmentsSeeTheirDate) {
  const Person p = AddPerson("Ann Bell", "1990-01-01", "F", {{"labour_status", "unemployed"}});
  EditPersonRequest edit;
  edit.person = p.id;
  edit.attrs = {{"labour_status", "long_term_unemployed"}};
  edit.date = "2026-02-01";
  edit.actor = "counsellor";
  auto edited = engine_->EditPerson(edit);
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->attrs.at("labour_status"), "long_term_unemployed");
  EXPECT_EQ(edited->AttrsOn(D("2026-01-31")).at("labour_status"), "unemployed");
  EXPECT_EQ(edited->AttrsOn(D("2026-02-01")).at("labour_status"), "long_term_unemployed");
  ASSERT_EQ(edited->changes.size(), 1u);
  EXPECT_EQ(edited->changes[0].actor, "counsellor");
  EXPECT_EQ(edited->changes[0].date, D("2026-02-01"));
  EXPECT_EQ(edited->changes[0].changes.at("attrs.labour_status"),
            (std::pair<std::string, std::string>{"unemployed", "long_term_unemployed"}));

  const std::string before = Enroll(p.id, "2026-01-10");
  EXPECT_EQ(State(before).entry["attrs"]["labour_status"], "unemployed");
  Advance(before, "exit", "2026-01-11", {{"reason", "moved"}});
  const std::string after = Enroll(p.id, "2026-02-02");
  EXPECT_EQ(State(after).entry["attrs"]["labour_status"], "long_term_unemployed");

  // A change dated before an existing enrolment reaches its entry; a
  // correction of the birth date and sex reaches every entry.
  edit.attrs = {{"rsa", "yes"}};
  edit.date = "2026-01-01";
  edit.birth = "1960-01-01";
  edit.sex = "X";
  ASSERT_TRUE(engine_->EditPerson(edit).ok());
  EXPECT_EQ(State(before).entry["attrs"]["rsa"], "yes");
  EXPECT_EQ(State(before).entry["sex"], "X");
  EXPECT_EQ(State(before).entry["age"], 66);
  EXPECT_EQ(State(after).entry["attrs"]["labour_status"], "long_term_unemployed");
  auto again = engine_->GetPerson(p.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->changes.size(), 2u);
}

TEST_F(EngineTest, AddPersonRefusals) {
  auto add = [&](std::string name, std::string birth, std::string sex,
                 std::map<std::string, std::string> attrs = {}) {
    return [=, this] {
      AddPersonRequest req;
      req.name = name;
      req.birth = birth;
      req.sex = sex;
      req.attrs = attrs;
      req.actor = "counsellor";
      return engine_->AddPerson(req).status();
    };
  };
  ExpectRefusal(add("", "1990-01-01", "F"), kRefused, {"name is empty"});
  ExpectRefusal(add("    ", "1990-01-01", "F"), kRefused, {"name is empty"});
  ExpectRefusal(add("Ann\tBell", "1990-01-01", "F"), kRefused, {"name", "control character"});
  ExpectRefusal(add("Ann\xFF", "1990-01-01", "F"), Status::Code::kUsage, {"name", "not valid UTF-8"});
  ExpectRefusal(add(std::string(101, 'a'), "1990-01-01", "F"), kRefused, {"at most 100 characters"});
  ExpectRefusal(add("- ' -", "1990-01-01", "F"), kRefused, {"has no letter"});
  ExpectRefusal(add("Ann Bell", "1990-02-30", "F"), kRefused, {"birth date \"1990-02-30\" is not valid",
                                                             "YYYY-MM-DD"});
  ExpectRefusal(add("Ann Bell", "02/03/1990", "F"), kRefused, {"02/03/1990"});
  ExpectRefusal(add("Ann Bell", "", "F"), kRefused, {"birth date"});
  // 14 tomorrow: 13 today.
  ExpectRefusal(add("Ann Bell", "2012-03-16", "F"), kRefused, {"gives an age of 13", "14"});
  // 101 today.
  ExpectRefusal(add("Ann Bell", "1925-03-15", "F"), kRefused, {"gives an age of 101", "100"});
  ExpectRefusal(add("Ann Bell", "2027-01-01", "F"), kRefused, {"birth date"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", "f"), kRefused, {"sex \"f\" is not valid", "F, M or X"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", ""), kRefused, {"sex"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", "Female"), kRefused, {"sex"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", "F", {{"colour", "blue"}}), kRefused,
                {"unknown attribute \"colour\"", "education, labour_status, qpv, rqth, rsa"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", "F", {{"education", "9"}}), kRefused,
                {"education", "\"9\"", "ISCED level from 0 to 8"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", "F", {{"rsa", "oui"}}), kRefused,
                {"rsa", "\"oui\"", "one of yes, no"});
  ExpectRefusal(add("Ann Bell", "1990-01-01", "F", {{"labour_status", "retired"}}), kRefused,
                {"retired", "unemployed, long_term_unemployed, inactive, employed"});
}

TEST_F(EngineTest, AddPersonAcceptsTheAgeLimits) {
  const Person young = AddPerson("Young One", "2012-03-15");  // 14 today
  const Person old = AddPerson("Old One", "1926-03-15");      // 100 today
  EXPECT_FALSE(young.id.empty());
  EXPECT_FALSE(old.id.empty());
  AddPerson("Sex M", "1990-01-01", "M");
  AddPerson("Sex X", "1990-01-01", "X");
  AddPerson("李小龍", "1990-01-01", "M");
}

TEST_F(EngineTest, ProbableDuplicatesAreRefusedUnlessAllowed) {
  const Person first = AddPerson("Éloïse Dupont", "1990-04-02");
  auto attempt = [&](const std::string& name, bool allow) {
    AddPersonRequest req;
    req.name = name;
    req.birth = "1990-04-02";
    req.sex = "F";
    req.allow_duplicate = allow;
    req.actor = "counsellor";
    return engine_->AddPerson(req);
  };
  for (const char* variant : {"Éloïse Dupont", "ELOISE DUPONT", "eloise dupont", "Eloise-Dupont",
                              "  éloïse   dupont "}) {
    ExpectRefusal([&] { return attempt(variant, false).status(); }, kRefused,
                  {"already exists: " + first.id, "--allow-duplicate"});
  }
  // Another birth date or another name is another person.
  AddPerson("Éloïse Dupont", "1990-04-03");
  AddPerson("Éloïse Dupond", "1990-04-02");

  auto second = attempt("ELOISE DUPONT", true);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->id, first.id);
  EXPECT_EQ(second->name, "ELOISE DUPONT");
  auto found = engine_->FindPersons("eloise dupont");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 3u);
}

// The same name typed with decomposed accents (NFD, as macOS keyboards and
// some copied text produce) is the same person.
TEST_F(EngineTest, DecomposedAccentsAreStillAProbableDuplicateAndFound) {
  const Person first = AddPerson("\xC3\x89lo\xC3\xAF" "se Dupont", "1990-04-02");  // NFC
  AddPersonRequest req;
  req.name = "E\xCC\x81loi\xCC\x88se Dupont";  // NFD
  req.birth = "1990-04-02";
  req.sex = "F";
  req.actor = "counsellor";
  auto second = engine_->AddPerson(req);
  EXPECT_FALSE(second.ok()) << "NFD spelling of " << first.name << " was not seen as a duplicate";
  if (!second.ok()) {
    EXPECT_TRUE(Contains(second.status().message(), first.id));
  }
  req.allow_duplicate = true;
  auto nfd = engine_->AddPerson(req);
  ASSERT_TRUE(nfd.ok());
  auto found = engine_->FindPersons("eloise");
  ASSERT_TRUE(found.ok());
  Strings ids;
  for (const auto& p : *found) ids.push_back(p.id);
  EXPECT_EQ(ids.size(), 2u) << "the NFD-named person is not found by \"eloise\"";
}

TEST_F(EngineTest, GetPersonUnknownIsNotFound) {
  ExpectRefusal([&] { return engine_->GetPerson("P-22222").status(); }, kNotFound, {"P-22222"});
  ExpectRefusal([&] { return engine_->GetPerson("nonsense").status(); }, kNotFound,
                {"nonsense", "P-7K2M9"});
  ExpectRefusal([&] { return engine_->GetPerson("W-22222").status(); }, kNotFound, {"W-22222"});
}

TEST_F(EngineTest, FindPersonsMatchesWordPrefixesIgnoringAccentsAndCase) {
  AddPerson("Éloïse Dupont", "1990-04-02");
  const Person eloi = AddPerson("Eloi Martin", "1985-06-07", "M");
  AddPerson("Marie Dupond", "1970-01-01");
  AddPerson("Jean-Marc Durand", "1980-01-01", "M");
  AddPerson("Amélie Poulain", "1995-01-01");

  auto names = [&](const std::string& text) {
    auto found = engine_->FindPersons(text);
    EXPECT_TRUE(found.ok()) << text << ": " << found.status().ToString();
    Strings out;
    if (found.ok())
      for (const auto& p : *found) out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(names("dup"), (Strings{"Éloïse Dupont", "Marie Dupond"}));
  EXPECT_EQ(names("DUP"), (Strings{"Éloïse Dupont", "Marie Dupond"}));
  EXPECT_EQ(names("elo"), (Strings{"Eloi Martin", "Éloïse Dupont"}));
  EXPECT_EQ(names("ÉLOÏ"), (Strings{"Eloi Martin", "Éloïse Dupont"}));
  EXPECT_EQ(names("élo dup"), (Strings{"Éloïse Dupont"}));
  EXPECT_EQ(names("dup elo"), (Strings{"Éloïse Dupont"}));
  EXPECT_EQ(names("dupont"), (Strings{"Éloïse Dupont"}));
  EXPECT_EQ(names("dupont marie"), Strings{});   // every word must match
  EXPECT_EQ(names("upont"), Strings{});          // a word prefix, not any substring
  EXPECT_EQ(names("marc"), (Strings{"Jean-Marc Durand"}));
  EXPECT_EQ(names("jean-marc"), (Strings{"Jean-Marc Durand"}));
  EXPECT_EQ(names("d"), (Strings{"Éloïse Dupont", "Jean-Marc Durand", "Marie Dupond"}));
  EXPECT_EQ(names("zzz"), Strings{});

  auto found = engine_->FindPersons("martin");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, eloi.id);
  EXPECT_EQ((*found)[0].birth, D("1985-06-07"));

  ExpectRefusal([&] { return engine_->FindPersons("").status(); }, kRefused, {"nothing to search"});
  ExpectRefusal([&] { return engine_->FindPersons(" - ' ").status(); }, kRefused, {"nothing to search"});
}

// ---- enrolment -------------------------------------------------------------------

TEST_F(EngineTest, EnrollStartsAPathwayInTheInitialStep) {
  const Person p = AddPerson("Éloïse Dupont", "1990-04-02", "F", {{"rsa", "yes"}});
  auto r = TryEnroll(p.id, "2026-03-10", {{"prescriber", "mission_locale"}}, "amelie");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PathwayState& s = r->state;
  EXPECT_EQ(NormalizeId(kPathwayPrefix, s.id), s.id);
  EXPECT_EQ(s.person, p.id);
  EXPECT_EQ(s.programme, "insertion");
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.step, "referral");
  EXPECT_FALSE(s.exited);
  EXPECT_EQ(s.referent, "amelie");
  EXPECT_EQ(s.enrolled, D("2026-03-10"));
  EXPECT_EQ(s.step_since, D("2026-03-10"));
  EXPECT_EQ(s.last_event, D("2026-03-10"));
  EXPECT_EQ(s.last_seq, 1u);
  EXPECT_EQ(s.entry.at("sex"), "F");
  EXPECT_EQ(s.entry.at("age"), 35);
  EXPECT_EQ(s.entry.at("attrs").at("rsa"), "yes");
  EXPECT_EQ(s.entry.at("fields").at("prescriber"), "mission_locale");

  const Event& e = r->event;
  EXPECT_EQ(e.pathway, s.id);
  EXPECT_EQ(e.seq, 1u);
  EXPECT_EQ(e.kind, EventKind::kEnroll);
  EXPECT_EQ(e.action, "enroll");
  EXPECT_EQ(e.from, "");
  EXPECT_EQ(e.to, "referral");
  EXPECT_EQ(e.date, D("2026-03-10"));
  EXPECT_EQ(e.actor, "counsellor");
  EXPECT_FALSE(e.recorded.empty());
  EXPECT_EQ(e.fields, (Json{{"prescriber", "mission_locale"}}));
  EXPECT_EQ(e.data.at("person"), p.id);
  EXPECT_EQ(e.data.at("programme"), "insertion");
  EXPECT_EQ(e.data.at("version"), 1);
  EXPECT_EQ(e.data.at("referent"), "amelie");
  // Identifying attributes stay out of the immutable log.
  EXPECT_FALSE(e.data.contains("entry"));
  EXPECT_EQ(e.ToJson().dump().find("\"rsa\""), std::string::npos);

  EXPECT_EQ(r->next_transitions, (Strings{"position", "exit"}));
  EXPECT_EQ(r->next_milestones, (Strings{"interview"}));
  ASSERT_TRUE(r->workflow);
  EXPECT_EQ(r->workflow->id, "insertion");

  // What is stored is what was returned.
  auto view = engine_->GetPathway(s.id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state.ToJson(), s.ToJson());
  ASSERT_EQ(view->events.size(), 1u);
  EXPECT_EQ(view->events[0].ToJson(), e.ToJson());
  EXPECT_TRUE(view->voided.empty());
  ASSERT_TRUE(view->person.has_value());
  EXPECT_EQ(view->person->name, "Éloïse Dupont");
}

TEST_F(EngineTest, EnrollDefaultsToTodayAndTheActorAsReferent) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  std::string lower = p.id;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto r = TryEnroll(lower);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->state.enrolled, D(kToday));
  EXPECT_EQ(r->state.referent, "counsellor");
  EXPECT_EQ(r->state.person, p.id);
}

TEST_F(EngineTest, EnrollRefusals) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  ExpectRefusal([&] { return TryEnroll("P-22222").status(); }, kNotFound, {"P-22222"});
  ExpectRefusal([&] { return TryEnroll("garbage").status(); }, kNotFound, {"garbage"});
  ExpectRefusal([&] { return TryEnroll(p.id, "", {{"prescriber", "ccas"}}, "", "nope").status(); },
                kNotFound, {"nope", "insertion"});
  ExpectRefusal([&] { return TryEnroll(p.id, "", {}).status(); }, kRefused, {"prescriber", "required"});
  ExpectRefusal([&] { return TryEnroll(p.id, "", {{"prescriber", "pole_emploi"}}).status(); }, kRefused,
                {"pole_emploi", "france_travail", "mission_locale", "ccas", "rsa_referent", "siae",
                 "self", "other"});
  ExpectRefusal(
      [&] { return TryEnroll(p.id, "", {{"prescriber", "ccas"}, {"colour", "blue"}}).status(); },
      kRefused, {"unknown field \"colour\"", "prescriber"});
  ExpectRefusal([&] { return TryEnroll(p.id, "2026-03-16").status(); }, kRefused,
                {"2026-03-16 is in the future", "2026-03-15"});
  ExpectRefusal([&] { return TryEnroll(p.id, "tomorrow").status(); }, kRefused,
                {"\"tomorrow\" is not valid", "YYYY-MM-DD, today or yesterday"});
  ExpectRefusal([&] { return TryEnroll(p.id, "2026-02-30").status(); }, kRefused, {"2026-02-30"});
  ExpectRefusal([&] { return TryEnroll(p.id, "", {{"prescriber", "ccas"}}, "bad\nname").status(); },
                kRefused, {"referent"});
  // No referent and no actor: nobody would be in charge.
  ExpectRefusal(
      [&] {
        EnrollRequest req;
        req.person = p.id;
        req.programme = "insertion";
        req.fields = {{"prescriber", "ccas"}};
        return engine_->Enroll(req).status();
      },
      kRefused, {"referent is empty"});
}

TEST_F(EngineTest, OneActivePathwayPerProgrammeAndReEntryAfterExit) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string first = Enroll(p.id, "2026-01-10");
  ExpectRefusal([&] { return TryEnroll(p.id, "2026-02-01").status(); }, kRefused,
                {"already has an active pathway", first});

  // Another programme is fine.
  ASSERT_TRUE(engine_->InstallProgramme(kAtelierYaml, "atelier.yaml", "installer").ok());
  const std::string atelier = Enroll(p.id, "2026-02-01", "", "atelier");
  EXPECT_FALSE(atelier.empty());

  Advance(first, "exit", "2026-02-10", {{"reason", "moved"}});
  const std::string second = Enroll(p.id, "2026-03-01");
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  EXPECT_TRUE(State(first).exited);
  EXPECT_FALSE(State(second).exited);
  ExpectRefusal([&] { return TryEnroll(p.id).status(); }, kRefused, {second});

  auto all = engine_->PathwaysOfPerson(p.id);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  Strings ids;
  for (const auto& s : *all) ids.push_back(s.id);
  EXPECT_EQ(ids, (Strings{first, atelier, second}));
  ASSERT_EQ(all->size(), 3u);
  EXPECT_STREQ((*all)[0].status(), "exited");
  EXPECT_EQ((*all)[1].programme, "atelier");
  EXPECT_STREQ((*all)[2].status(), "active");

  auto none = engine_->PathwaysOfPerson(AddPerson("Nobody Yet", "1990-01-01").id);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// "Oldest first" must hold for pathways enrolled on the same day too (a
// pathway opened by mistake, exited, and the right one opened). Ten persons so
// that a random order cannot pass by chance.
TEST_F(EngineTest, PathwaysOfPersonOldestFirstEvenOnTheSameDay) {
  int wrong = 0;
  for (int i = 0; i < 10; ++i) {
    const Person p = AddPerson("Same Day " + std::string(1, static_cast<char>('a' + i)), "1990-01-01");
    const std::string first = Enroll(p.id, "2026-03-01");
    Advance(first, "exit", "2026-03-01", {{"reason", "other"}});
    const std::string second = Enroll(p.id, "2026-03-01");
    auto all = engine_->PathwaysOfPerson(p.id);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    if ((*all)[0].id != first) ++wrong;
  }
  EXPECT_EQ(wrong, 0) << "pathways enrolled the same day are listed in id order, not oldest first";
}

TEST_F(EngineTest, AgeAtEnrolmentMustBe14To100) {
  // 14 on 2026-03-10.
  const Person teen = AddPerson("Teen Ager", "2012-03-10", "M");
  ExpectRefusal([&] { return TryEnroll(teen.id, "2026-03-09").status(); }, kRefused,
                {teen.id + " would be 13 on 2026-03-09", "between 14 and 100"});
  auto ok = TryEnroll(teen.id, "2026-03-10");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->state.entry.at("age"), 14);

  // 100 today: fine today. A year later (another engine on the same store,
  // with a later clock) the same person is 101.
  const Person old = AddPerson("Very Old", "1926-03-15", "F");
  FixedDateClock next_year(D("2027-03-15"));
  Engine later(*store_, next_year, io_, log_);
  EnrollRequest req;
  req.person = old.id;
  req.programme = "insertion";
  req.fields = {{"prescriber", "ccas"}};
  req.actor = "counsellor";
  ExpectRefusal([&] { return later.Enroll(req).status(); }, kRefused,
                {old.id + " would be 101 on 2027-03-15"});
  req.date = "2027-03-14";
  auto at100 = later.Enroll(req);
  ASSERT_TRUE(at100.ok()) << at100.status().ToString();
  EXPECT_EQ(at100->state.entry.at("age"), 100);
}

// ---- advance ------------------------------------------------------------------------

TEST_F(EngineTest, AdvanceMovesThePathway) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  std::string lower = pw;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  CommandResult r = Advance(lower, "position", "2026-03-02");
  EXPECT_EQ(r.state.id, pw);
  EXPECT_EQ(r.state.step, "positioning");
  EXPECT_EQ(r.state.step_since, D("2026-03-02"));
  EXPECT_EQ(r.state.last_event, D("2026-03-02"));
  EXPECT_EQ(r.state.enrolled, D("2026-03-01"));
  EXPECT_EQ(r.state.last_seq, 2u);
  EXPECT_EQ(r.event.seq, 2u);
  EXPECT_EQ(r.event.kind, EventKind::kTransition);
  EXPECT_EQ(r.event.action, "position");
  EXPECT_EQ(r.event.from, "referral");
  EXPECT_EQ(r.event.to, "positioning");
  EXPECT_EQ(r.event.date, D("2026-03-02"));
  EXPECT_EQ(r.next_transitions, (Strings{"start_training", "start_vae", "place", "exit"}));
  EXPECT_EQ(r.next_milestones, (Strings{"interview"}));

  r = Advance(pw, "start_training", "2026-03-03",
              {{"provider", "  AFPA Lyon "}, {"certification", "TP cuisinier"}, {"hours", "420"}});
  EXPECT_EQ(r.state.step, "training");
  EXPECT_EQ(r.event.fields,
            (Json{{"provider", "AFPA Lyon"}, {"certification", "TP cuisinier"}, {"hours", 420}}));
  EXPECT_EQ(r.next_transitions, (Strings{"start_vae", "place", "exit"}));
  EXPECT_EQ(r.next_milestones, (Strings{"training_completed", "interview"}));

  r = Advance(pw, "start_vae", "2026-03-04", {{"certification", "CAP"}});
  EXPECT_EQ(r.state.step, "vae");
  r = Advance(pw, "place", "2026-03-05", {{"contract", "cdd"}, {"months", "6"}});
  EXPECT_EQ(r.state.step, "placement");
  EXPECT_EQ(r.event.fields, (Json{{"contract", "cdd"}, {"months", 6}}));
  EXPECT_EQ(r.next_transitions, (Strings{"exit"}));
  r = Advance(pw, "exit", "2026-03-06", {{"reason", "employment"}});
  EXPECT_EQ(r.state.step, "exited");
  EXPECT_TRUE(r.state.exited);
  EXPECT_EQ(r.event.seq, 6u);
  EXPECT_TRUE(r.next_transitions.empty());
  EXPECT_EQ(r.next_milestones, (Strings{"follow_up"}));

  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->events.size(), 6u);
  Strings actions;
  for (const auto& e : view->events) actions.push_back(e.action);
  EXPECT_EQ(actions, (Strings{"enroll", "position", "start_training", "start_vae", "place", "exit"}));
  EXPECT_EQ(view->state.ToJson(), r.state.ToJson());
}

TEST_F(EngineTest, PlaceWithoutMonthsForCdiAndCreation) {
  const Person a = AddPerson("Ann Bell", "1990-01-01");
  const Person b = AddPerson("Bob Bell", "1990-01-01", "M");
  const std::string pa = Enroll(a.id, "2026-03-01");
  const std::string pb = Enroll(b.id, "2026-03-01");
  Advance(pa, "position", "2026-03-01");
  Advance(pb, "position", "2026-03-01");
  EXPECT_EQ(Advance(pa, "place", "", {{"contract", "cdi"}}).event.fields, (Json{{"contract", "cdi"}}));
  EXPECT_EQ(Advance(pb, "place", "", {{"contract", "creation"}}).state.step, "placement");
}

TEST_F(EngineTest, AdvanceRefusals) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");

  ExpectRefusal([&] { return TryAdvance("W-22222", "position").status(); }, kNotFound, {"W-22222"});
  ExpectRefusal([&] { return TryAdvance("nonsense", "position").status(); }, kNotFound,
                {"nonsense"});
  ExpectRefusal([&] { return TryAdvance(p.id, "position").status(); }, kNotFound, {p.id});
  ExpectRefusal([&] { return TryAdvance(pw, "teleport").status(); }, kRefused,
                {"has no transition \"teleport\"", "From here you can: position, exit.",
                 "interview"});
  ExpectRefusal([&] { return TryAdvance(pw, "interview").status(); }, kRefused,
                {"\"interview\" is a milestone", "parcours record " + pw + " interview"});
  ExpectRefusal([&] { return TryAdvance(pw, "start_training", "", {{"provider", "AFPA"}}).status(); },
                kRefused,
                {"\"start_training\" is not possible from Orientation (referral)",
                 "From here you can: position, exit."});
  ExpectRefusal([&] { return TryAdvance(pw, "position", "2026-02-28").status(); }, kRefused,
                {"2026-02-28 is before the pathway's latest event (2026-03-01)"});
  ExpectRefusal([&] { return TryAdvance(pw, "position", "2026-03-16").status(); }, kRefused,
                {"in the future"});
  ExpectRefusal([&] { return TryAdvance(pw, "position", "1/3/2026").status(); }, kRefused,
                {"\"1/3/2026\" is not valid"});
  ExpectRefusal([&] { return TryAdvance(pw, "position", "", {{"note", "x"}}).status(); }, kRefused,
                {"unknown field \"note\"", "takes no fields"});

  Advance(pw, "position", "2026-03-02");
  ExpectRefusal([&] { return TryAdvance(pw, "start_training").status(); }, kRefused,
                {"\"provider\" is required"});
  ExpectRefusal(
      [&] { return TryAdvance(pw, "start_training", "", {{"provider", "   "}}).status(); },
      kRefused, {"provider", "empty"});
  ExpectRefusal([&] {
    return TryAdvance(pw, "start_training", "", {{"provider", "AFPA"}, {"hours", "0"}}).status();
  }, kRefused, {"hours", "\"0\""});
  ExpectRefusal([&] {
    return TryAdvance(pw, "start_training", "", {{"provider", "AFPA"}, {"hours", "ten"}}).status();
  }, kRefused, {"hours", "ten"});
  ExpectRefusal([&] { return TryAdvance(pw, "start_vae").status(); }, kRefused,
                {"\"certification\" is required"});
  ExpectRefusal([&] { return TryAdvance(pw, "place").status(); }, kRefused,
                {"\"contract\" is required", "cdi, cdd, interim, contrat_aide, creation"});
  ExpectRefusal([&] { return TryAdvance(pw, "place", "", {{"contract", "freelance"}}).status(); },
                kRefused, {"freelance", "cdi, cdd, interim, contrat_aide, creation"});
  for (const char* contract : {"cdd", "interim", "contrat_aide"}) {
    ExpectRefusal([&] { return TryAdvance(pw, "place", "", {{"contract", contract}}).status(); },
                  kRefused, {"\"months\" is required when contract is", "1 to 60"});
  }
  ExpectRefusal([&] {
    return TryAdvance(pw, "place", "", {{"contract", "cdd"}, {"months", "61"}}).status();
  }, kRefused, {"months", "61", "1 to 60"});
  ExpectRefusal([&] {
    return TryAdvance(pw, "place", "", {{"contract", "cdd"}, {"months", "0"}}).status();
  }, kRefused, {"months", "1 to 60"});
  ExpectRefusal([&] { return TryAdvance(pw, "exit").status(); }, kRefused,
                {"\"reason\" is required", "employment, training, dropout, moved, refused, other"});
  ExpectRefusal([&] { return TryAdvance(pw, "exit", "", {{"reason", "bored"}}).status(); }, kRefused,
                {"bored", "employment, training, dropout, moved, refused, other"});
  ExpectRefusal([&] { return TryAdvance(pw, "position").status(); }, kRefused,
                {"\"position\" is not possible from Positionnement (positioning)",
                 "start_training, start_vae, place, exit"});

  Advance(pw, "exit", "2026-03-03", {{"reason", "dropout"}});
  ExpectRefusal([&] { return TryAdvance(pw, "position").status(); }, kRefused,
                {"the pathway has exited", "No transition is possible from Sortie (exited)",
                 "follow_up"});
  ExpectRefusal([&] { return TryAdvance(pw, "exit", "", {{"reason", "other"}}).status(); }, kRefused,
                {"the pathway has exited"});
}

// ---- record ---------------------------------------------------------------------------

TEST_F(EngineTest, RecordAMilestoneKeepsTheStep) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2025-09-01");
  CommandResult r = Record(pw, "interview", "2025-09-04", {{"mode", "phone"}, {"minutes", "30"}});
  EXPECT_EQ(r.event.kind, EventKind::kMilestone);
  EXPECT_EQ(r.event.action, "interview");
  EXPECT_EQ(r.event.seq, 2u);
  EXPECT_EQ(r.event.from, "referral");
  EXPECT_EQ(r.event.to, "referral");
  EXPECT_EQ(r.event.fields, (Json{{"mode", "phone"}, {"minutes", 30}}));
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(r.state.step_since, D("2025-09-01"));
  EXPECT_EQ(r.state.last_event, D("2025-09-04"));
  EXPECT_EQ(r.next_transitions, (Strings{"position", "exit"}));

  // The same milestone can be recorded again.
  r = Record(pw, "interview", "2025-09-04", {{"mode", "group"}});
  EXPECT_EQ(r.event.seq, 3u);

  Advance(pw, "position", "2025-09-05");
  Advance(pw, "start_training", "2025-09-05", {{"provider", "AFPA"}});
  r = Record(pw, "training_completed", "2025-09-06", {{"certified", "yes"}});
  EXPECT_EQ(r.event.fields, (Json{{"certified", "yes"}}));
  EXPECT_EQ(r.state.step, "training");
  Advance(pw, "exit", "2025-09-07", {{"reason", "training"}});
  // The 6-month follow-up, 6 months after the exit.
  r = Record(pw, "follow_up", "2026-03-08", {{"employed", "no"}});
  EXPECT_EQ(r.event.from, "exited");
  EXPECT_TRUE(r.state.exited);
  EXPECT_EQ(r.state.last_event, D("2026-03-08"));
}

TEST_F(EngineTest, RecordRefusals) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  ExpectRefusal([&] { return TryRecord("W-22222", "interview").status(); }, kNotFound, {"W-22222"});
  ExpectRefusal([&] { return TryRecord(pw, "lunch").status(); }, kRefused,
                {"has no milestone \"lunch\"", "From here you can: position, exit."});
  ExpectRefusal([&] { return TryRecord(pw, "position").status(); }, kRefused,
                {"\"position\" is a transition", "parcours advance " + pw + " position"});
  ExpectRefusal([&] { return TryRecord(pw, "training_completed", "", {{"certified", "yes"}}).status(); },
                kRefused,
                {"\"training_completed\" cannot be recorded in Orientation (referral)",
                 "recorded in: Formation (training)"});
  ExpectRefusal([&] { return TryRecord(pw, "follow_up", "", {{"employed", "yes"}}).status(); },
                kRefused, {"cannot be recorded in Orientation (referral)", "Sortie (exited)"});
  ExpectRefusal([&] { return TryRecord(pw, "interview").status(); }, kRefused,
                {"\"mode\" is required", "individual, group, phone, video"});
  ExpectRefusal([&] { return TryRecord(pw, "interview", "", {{"mode", "carrier pigeon"}}).status(); },
                kRefused, {"carrier pigeon", "individual, group, phone, video"});
  ExpectRefusal([&] {
    return TryRecord(pw, "interview", "", {{"mode", "phone"}, {"minutes", "4"}}).status();
  }, kRefused, {"minutes", "5 to 480"});
  ExpectRefusal([&] {
    return TryRecord(pw, "interview", "", {{"mode", "phone"}, {"minutes", "481"}}).status();
  }, kRefused, {"minutes", "5 to 480"});
  ExpectRefusal([&] { return TryRecord(pw, "interview", "2026-02-27", {{"mode", "phone"}}).status(); },
                kRefused, {"before the pathway's latest event (2026-03-01)"});
  ExpectRefusal([&] { return TryRecord(pw, "interview", "2027-01-01", {{"mode", "phone"}}).status(); },
                kRefused, {"in the future"});

  Advance(pw, "position", "2026-03-02");
  Advance(pw, "start_training", "2026-03-02", {{"provider", "AFPA"}});
  ExpectRefusal([&] { return TryRecord(pw, "training_completed").status(); }, kRefused,
                {"\"certified\" is required"});
  ExpectRefusal([&] { return TryRecord(pw, "training_completed", "", {{"certified", "maybe"}}).status(); },
                kRefused, {"maybe"});
  ExpectRefusal([&] { return TryRecord(pw, "vae_decided", "", {{"result", "full"}}).status(); },
                kRefused, {"cannot be recorded in Formation (training)", "VAE (vae)"});

  Advance(pw, "exit", "2026-03-03", {{"reason", "other"}});
  ExpectRefusal([&] { return TryRecord(pw, "interview", "", {{"mode", "phone"}}).status(); }, kRefused,
                {"cannot be recorded in Sortie (exited)"});
  ExpectRefusal([&] { return TryRecord(pw, "follow_up", "", {{"employed", "perhaps"}}).status(); },
                kRefused, {"perhaps"});
  ExpectRefusal([&] { return TryRecord(pw, "follow_up", "2026-03-02", {{"employed", "yes"}}).status(); },
                kRefused, {"before the pathway's latest event (2026-03-03)"});
  // Issue 6: a guard's refusal advises in words and names the rule, never
  // shows its condition text.
  auto early = TryRecord(pw, "follow_up", "2026-03-04", {{"employed", "yes"}});
  ASSERT_TRUE(early.status().IsRefused()) << early.status().ToString();
  EXPECT_TRUE(Contains(early.status().message(), "6-month follow-up")) << early.status().message();
  EXPECT_TRUE(Contains(early.status().allowed(), "rule of programme \"insertion\" on \"follow_up\", line "))
      << early.status().allowed();
  EXPECT_FALSE(Contains(early.status().allowed(), "months_between")) << early.status().allowed();
}

// ---- void -----------------------------------------------------------------------------

TEST_F(EngineTest, VoidCancelsTheLatestEvent) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "position", "2026-03-02");
  Record(pw, "interview", "2026-03-05", {{"mode", "video"}});

  CommandResult r = Void(pw, "  wrong person  ");
  EXPECT_EQ(r.event.kind, EventKind::kVoid);
  EXPECT_EQ(r.event.action, "void");
  EXPECT_EQ(r.event.seq, 4u);
  EXPECT_EQ(r.event.data.at("voids"), 3);
  EXPECT_EQ(r.event.data.at("reason"), "wrong person");
  EXPECT_EQ(r.event.from, "positioning");
  EXPECT_EQ(r.event.to, "positioning");
  EXPECT_EQ(r.event.date, D(kToday));
  EXPECT_EQ(r.state.step, "positioning");
  EXPECT_EQ(r.state.last_event, D("2026-03-02"));  // the milestone no longer counts
  EXPECT_EQ(r.state.last_seq, 4u);

  // Void again: the transition before goes too.
  r = Void(pw);
  EXPECT_EQ(r.event.seq, 5u);
  EXPECT_EQ(r.event.data.at("voids"), 2);
  EXPECT_EQ(r.event.from, "positioning");
  EXPECT_EQ(r.event.to, "referral");
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(r.state.step_since, D("2026-03-01"));
  EXPECT_EQ(r.state.last_event, D("2026-03-01"));
  EXPECT_EQ(r.next_transitions, (Strings{"position", "exit"}));

  // Only the enrolment is left.
  ExpectRefusal([&] { return TryVoid(pw).status(); }, kRefused,
                {"the enrolment of " + pw + " cannot be voided", "exit --field reason=other"});

  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->events.size(), 5u);  // history keeps everything
  EXPECT_EQ(view->voided, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(view->state.ToJson(), r.state.ToJson());

  // The pathway goes on from the restored state, with the next sequence number.
  CommandResult again = Advance(pw, "position", "2026-03-01");
  EXPECT_EQ(again.event.seq, 6u);
}

TEST_F(EngineTest, VoidRefusals) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  ExpectRefusal([&] { return TryVoid(pw).status(); }, kRefused, {"cannot be voided"});
  Advance(pw, "position", "2026-03-02");
  ExpectRefusal([&] { return TryVoid(pw, "").status(); }, kRefused, {"reason is empty"});
  ExpectRefusal([&] { return TryVoid(pw, "   ").status(); }, kRefused, {"reason is empty"});
  ExpectRefusal([&] { return TryVoid(pw, "bad\x01reason").status(); }, kRefused, {"reason"});
  ExpectRefusal([&] { return TryVoid("W-22222").status(); }, kNotFound, {"W-22222"});
  ExpectRefusal([&] { return TryVoid("").status(); }, kNotFound, {"no pathway"});
}

// Issue 6: a void names its event, so repeating it cancels nothing more.
TEST_F(EngineTest, VoidNamesItsEventAndARepeatIsRefused) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "position", "2026-03-02");
  Record(pw, "interview", "2026-03-05", {{"mode", "video"}});
  ExpectRefusal([&] { return TryVoid(pw, "typo", 0).status(); }, kRefused,
                {"say which event of " + pw + " to void, with --seq", "#3 (interview on 2026-03-05)",
                 "parcours history " + pw});
  ExpectRefusal([&] { return TryVoid(pw, "typo", 2).status(); }, kRefused,
                {"#2 (position on 2026-03-02) is not the latest event in effect", "#3 (interview on 2026-03-05)"});
  ExpectRefusal([&] { return TryVoid(pw, "typo", 4).status(); }, kRefused, {"has no event #4"});
  EXPECT_EQ(Void(pw, "typo", 3).event.data.at("voids"), 3);
  ExpectRefusal([&] { return TryVoid(pw, "typo", 3).status(); }, kRefused,
                {"#3 (interview on 2026-03-05) is no longer in effect: #4 voided it",
                 "The latest event in effect is #2 (position on 2026-03-02)"});
  EXPECT_EQ(State(pw).last_seq, 4u);
}

TEST_F(EngineTest, AVoidCanBeVoidedAndItsEventCountsAgain) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "position", "2026-03-02");
  auto positioned = [&] {
    auto r = engine_->Outcomes({"insertion", "2026-01-01", "2026-12-31"});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->ToJson()["indicators"].value("positioned", -1) : -1;
  };
  EXPECT_EQ(positioned(), 1);
  Void(pw, "typo", 2);
  EXPECT_EQ(State(pw).step, "referral");
  EXPECT_EQ(positioned(), 0);
  // Voiding the void (the log's last event) brings the transition back.
  CommandResult r = Void(pw, "it was right", 3);
  EXPECT_EQ(r.event.data.at("voids"), 3);
  EXPECT_EQ(r.state.step, "positioning");
  EXPECT_EQ(r.state.step_since, D("2026-03-02"));
  EXPECT_EQ(positioned(), 1);
  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->voided, (std::vector<uint32_t>{3}));
  EXPECT_EQ(view->state.ToJson(), r.state.ToJson());
  // And the void of the void can be voided in turn.
  r = Void(pw, "no, it was not", 4);
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(positioned(), 0);
}

TEST_F(EngineTest, VoidOfAnAssignmentRestoresTheReferent) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01", "alice");
  ASSERT_TRUE(TryAssign(pw, "bob").ok());
  CommandResult r = Void(pw);
  EXPECT_EQ(r.event.data.at("voids"), 2);
  EXPECT_EQ(r.state.referent, "alice");
  auto alice = engine_->Caseload(Q("", "", "alice"));
  auto bob = engine_->Caseload(Q("", "", "bob"));
  ASSERT_TRUE(alice.ok() && bob.ok());
  EXPECT_EQ(alice->size(), 1u);
  EXPECT_EQ(bob->size(), 0u);
}

TEST_F(EngineTest, VoidOfAnExitReopensThePathway) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01");
  Advance(pw, "exit", "2026-03-02", {{"reason", "dropout"}});
  EXPECT_TRUE(State(pw).exited);
  CommandResult r = Void(pw, "she came back");
  EXPECT_FALSE(r.state.exited);
  EXPECT_EQ(r.state.step, "referral");
  EXPECT_EQ(r.event.from, "exited");
  EXPECT_EQ(r.event.to, "referral");
  // Active again: in the caseload, and a new enrolment is refused.
  auto caseload = engine_->Caseload({});
  ASSERT_TRUE(caseload.ok());
  ASSERT_EQ(caseload->size(), 1u);
  EXPECT_EQ((*caseload)[0].state.id, pw);
  ExpectRefusal([&] { return TryEnroll(p.id).status(); }, kRefused, {"already has an active pathway", pw});
}

TEST_F(EngineTest, VoidOfAnExitIsRefusedWhenThePersonHasReEnrolled) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string first = Enroll(p.id, "2026-03-01");
  Advance(first, "exit", "2026-03-02", {{"reason", "moved"}});
  const std::string second = Enroll(p.id, "2026-03-10");
  ExpectRefusal([&] { return TryVoid(first).status(); }, kRefused,
                {"voiding #2 (exit on 2026-03-02) would reopen " + first, "another active pathway", second,
                 "Exit or void " + second + " first."});
  EXPECT_TRUE(State(first).exited);
  // Once the second is exited, the first's exit may be voided.
  Advance(second, "exit", "2026-03-11", {{"reason", "other"}});
  CommandResult r = Void(first);
  EXPECT_FALSE(r.state.exited);
}

TEST_F(EngineTest, VoidOfAFollowUpIsFineAfterReEnrolmentButNotOfTheExit) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string first = Enroll(p.id, "2025-09-01");
  Advance(first, "exit", "2025-09-02", {{"reason", "employment"}});
  Record(first, "follow_up", "2026-03-03", {{"employed", "yes"}});  // 6 months after the exit
  const std::string second = Enroll(p.id, "2026-03-10");
  // The follow-up can go: the pathway stays exited.
  CommandResult r = Void(first);
  EXPECT_EQ(r.event.data.at("voids"), 3);
  EXPECT_TRUE(r.state.exited);
  EXPECT_EQ(r.state.last_event, D("2025-09-02"));
  // The exit cannot.
  ExpectRefusal([&] { return TryVoid(first).status(); }, kRefused, {second});
}

// ---- assign ---------------------------------------------------------------------------

TEST_F(EngineTest, AssignHandsThePathwayToAnotherReferent) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01", "alice");
  auto r = TryAssign(pw, "  bob  ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->event.kind, EventKind::kAssign);
  EXPECT_EQ(r->event.action, "assign");
  EXPECT_EQ(r->event.seq, 2u);
  EXPECT_EQ(r->event.data.at("referent"), "bob");
  EXPECT_EQ(r->event.data.at("previous"), "alice");
  EXPECT_EQ(r->event.from, "referral");
  EXPECT_EQ(r->event.to, "referral");
  EXPECT_EQ(r->state.referent, "bob");
  EXPECT_EQ(r->state.last_event, D("2026-03-01"));  // not a contact with the person
  EXPECT_EQ(r->state.last_seq, 2u);
  EXPECT_EQ(State(pw).referent, "bob");

  ExpectRefusal([&] { return TryAssign(pw, "bob").status(); }, kRefused,
                {"bob is already the referent of " + pw});
  ExpectRefusal([&] { return TryAssign(pw, "").status(); }, kRefused, {"referent is empty"});
  ExpectRefusal([&] { return TryAssign(pw, "tab\there").status(); }, kRefused, {"referent"});
  ExpectRefusal([&] { return TryAssign("W-22222", "carol").status(); }, kNotFound, {"W-22222"});
}

// ---- dates ------------------------------------------------------------------------------

TEST_F(EngineTest, DatesFollowTheLatestDatedEventOnly) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const std::string pw = Enroll(p.id, "2026-03-01", "alice");
  // Same day as the latest event is fine.
  Advance(pw, "position", "2026-03-01");
  Record(pw, "interview", "2026-03-05", {{"mode", "individual"}});
  // An assignment today does not move the latest dated event.
  ASSERT_TRUE(TryAssign(pw, "bob").ok());
  Advance(pw, "start_training", "2026-03-06", {{"provider", "AFPA"}});
  Record(pw, "interview", "2026-03-10", {{"mode", "phone"}});
  // Neither does a void (dated today); it even gives back the voided date.
  Void(pw);
  EXPECT_EQ(State(pw).last_event, D("2026-03-06"));
  Record(pw, "interview", "2026-03-07", {{"mode", "phone"}});
  ExpectRefusal([&] { return TryRecord(pw, "interview", "2026-03-06", {{"mode", "phone"}}).status(); },
                kRefused, {"before the pathway's latest event (2026-03-07)"});
  // "yesterday" and "today" are understood.
  CommandResult y = Record(pw, "interview", "yesterday", {{"mode", "phone"}});
  EXPECT_EQ(y.event.date, D("2026-03-14"));
  CommandResult t = Record(pw, "interview", "today", {{"mode", "phone"}});
  EXPECT_EQ(t.event.date, D(kToday));
  CommandResult empty = Record(pw, "interview", "", {{"mode", "phone"}});
  EXPECT_EQ(empty.event.date, D(kToday));
  ExpectRefusal([&] { return TryRecord(pw, "interview", "yesterday", {{"mode", "phone"}}).status(); },
                kRefused, {"before the pathway's latest event (2026-03-15)"});
}

// ---- concurrency ---------------------------------------------------------------------

TEST_F(EngineTest, ConcurrentCommandsAreSerialised) {
  const Person p = AddPerson("Ann Bell", "1990-01-01");
  constexpr int kThreads = 8;
  std::atomic<int> enrolled{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = TryEnroll(p.id, "2026-03-01");
      (r.ok() ? enrolled : refused)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(enrolled.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  auto all = engine_->PathwaysOfPerson(p.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  const std::string pw = (*all)[0].id;

  // The same transition from several threads: once.
  threads.clear();
  std::atomic<int> advanced{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      if (TryAdvance(pw, "position", "2026-03-02").ok()) ++advanced;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(advanced.load(), 1);

  // Milestones from several threads: every one gets its own sequence number.
  threads.clear();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(TryRecord(pw, "interview", "", {{"mode", "phone"}}).ok()); });
  }
  for (auto& t : threads) t.join();
  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->events.size(), 2u + kThreads);
  for (std::size_t i = 0; i < view->events.size(); ++i) EXPECT_EQ(view->events[i].seq, i + 1);
  EXPECT_EQ(view->state.last_seq, 2u + kThreads);

  // Published in commit order.
  io_.restart();
  io_.run();
  std::vector<uint32_t> seqs;
  for (const auto& e : published_)
    if (e.pathway == pw) seqs.push_back(e.seq);
  ASSERT_EQ(seqs.size(), 2u + kThreads);
  for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], i + 1);
}

TEST_F(EngineTest, ConcurrentDuplicatePersonsAreRefused) {
  constexpr int kThreads = 8;
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      AddPersonRequest req;
      req.name = "Éloïse Dupont";
      req.birth = "1990-04-02";
      req.sex = "F";
      req.actor = "counsellor";
      if (engine_->AddPerson(req).ok()) ++added;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(added.load(), 1);
}

// ---- event bus --------------------------------------------------------------------------

TEST_F(EngineTest, CommittedEventsArePublishedInCommitOrderWhenTheIoContextRuns) {
  std::vector<std::string> seen;
  int thrown = 0;
  engine_->bus().Subscribe("throws", [&](const Event&) {
    ++thrown;
    throw std::runtime_error("subscriber failure");
  });
  engine_->bus().Subscribe("audit", [&](const Event& e) {
    seen.push_back(e.pathway + "#" + std::to_string(e.seq) + " " + e.action);
  });

  const Person p = AddPerson("Ann Bell", "1990-01-01");
  const Person q = AddPerson("Bob Bell", "1990-01-01", "M");
  const std::string a = Enroll(p.id, "2026-03-01");
  const std::string b = Enroll(q.id, "2026-03-01");
  Advance(a, "position", "2026-03-02");
  Record(b, "interview", "2026-03-02", {{"mode", "group"}});
  ASSERT_TRUE(TryAssign(a, "zoe").ok());
  Void(a);
  EXPECT_FALSE(TryAdvance(a, "teleport").ok());  // refused: not published

  EXPECT_TRUE(seen.empty()) << "delivered before the io_context ran";
  EXPECT_EQ(thrown, 0);
  io_.run();
  EXPECT_EQ(seen, (Strings{a + "#1 enroll", b + "#1 enroll", a + "#2 position", b + "#2 interview",
                           a + "#3 assign", a + "#4 void"}));
  EXPECT_EQ(thrown, 6);
  ASSERT_EQ(published_.size(), 6u);  // the fixture's subscriber got them all too
  EXPECT_EQ(published_[2].to, "positioning");
  EXPECT_EQ(published_[5].data.at("voids"), 3);
}

TEST_F(EngineTest, AddingPersonsAndProgrammesPublishesNoPathwayEvent) {
  AddPerson("Ann Bell", "1990-01-01");
  ASSERT_TRUE(engine_->InstallProgramme(kAtelierYaml, "atelier.yaml", "installer").ok());
  io_.run();
  EXPECT_TRUE(published_.empty());
}

// ---- caseload ---------------------------------------------------------------------------

class CaseloadTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    ASSERT_TRUE(engine_->InstallProgramme(kAtelierYaml, "atelier.yaml", "installer").ok());
    ann_ = AddPerson("Ann Martin", "1990-01-01");
    bob_ = AddPerson("Bob Petit", "1980-01-01", "M");
    const Person chloe = AddPerson("Chloé Exit", "1990-01-01");
    const Person didier = AddPerson("Didier Atelier", "1970-01-01", "M");

    p1_ = Enroll(ann_.id, "2026-03-01", "alice");
    Advance(p1_, "position", "2026-03-05");
    Record(p1_, "interview", "2026-03-10", {{"mode", "phone"}});
    p2_ = Enroll(bob_.id, "2026-02-13", "bob");
    const std::string p3 = Enroll(chloe.id, "2026-03-01", "alice");
    Advance(p3, "exit", "2026-03-02", {{"reason", "moved"}});
    p4_ = Enroll(didier.id, "2026-03-12", "alice", "atelier");
  }

  Strings Ids(const CaseloadQuery& q) {
    auto r = engine_->Caseload(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    Strings out;
    if (r.ok())
      for (const auto& e : *r) out.push_back(e.state.id);
    return out;
  }

  Person ann_, bob_;
  std::string p1_, p2_, p4_;
};

TEST_F(CaseloadTest, ActivePathwaysLongestWithoutContactFirst) {
  auto all = engine_->Caseload({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  const CaseloadEntry& bob = (*all)[0];
  EXPECT_EQ(bob.state.id, p2_);
  EXPECT_EQ(bob.person_name, "Bob Petit");
  EXPECT_EQ(bob.state.step, "referral");
  EXPECT_EQ(bob.state.referent, "bob");
  EXPECT_EQ(bob.days_in_step, 30);
  EXPECT_EQ(bob.days_since_last_event, 30);
  const CaseloadEntry& ann = (*all)[1];
  EXPECT_EQ(ann.state.id, p1_);
  EXPECT_EQ(ann.person_name, "Ann Martin");
  EXPECT_EQ(ann.state.step, "positioning");
  EXPECT_EQ(ann.days_in_step, 10);
  EXPECT_EQ(ann.days_since_last_event, 5);
  const CaseloadEntry& didier = (*all)[2];
  EXPECT_EQ(didier.state.id, p4_);
  EXPECT_EQ(didier.state.programme, "atelier");
  EXPECT_EQ(didier.days_in_step, 3);
  EXPECT_EQ(didier.days_since_last_event, 3);
}

TEST_F(CaseloadTest, Filters) {
  EXPECT_EQ(Ids(Q("insertion", "", "")), (Strings{p2_, p1_}));
  EXPECT_EQ(Ids(Q("atelier", "", "")), (Strings{p4_}));
  EXPECT_EQ(Ids(Q("atelier", "open", "")), (Strings{p4_}));
  EXPECT_EQ(Ids(Q("insertion", "positioning", "")), (Strings{p1_}));
  EXPECT_EQ(Ids(Q("", "positioning", "")), (Strings{p1_}));
  EXPECT_EQ(Ids(Q("", "referral", "")), (Strings{p2_}));
  EXPECT_EQ(Ids(Q("insertion", "exited", "")), Strings{});  // exited pathways are not a caseload
  EXPECT_EQ(Ids(Q("", "", "alice")), (Strings{p1_, p4_}));
  EXPECT_EQ(Ids(Q("insertion", "", "alice")), (Strings{p1_}));
  EXPECT_EQ(Ids(Q("", "", "bob")), (Strings{p2_}));
  EXPECT_EQ(Ids(Q("", "positioning", "bob")), Strings{});
  EXPECT_EQ(Ids(Q("", "", "nobody")), Strings{});
  EXPECT_EQ(Ids(Q("", "", "ali")), Strings{});  // a referent is matched whole
}

TEST_F(CaseloadTest, FollowsAssignmentsAndMoves) {
  ASSERT_TRUE(TryAssign(p1_, "bob").ok());
  EXPECT_EQ(Ids(Q("", "", "alice")), (Strings{p4_}));
  EXPECT_EQ(Ids(Q("", "", "bob")), (Strings{p2_, p1_}));
  Advance(p1_, "start_vae", "2026-03-15", {{"certification", "CAP"}});
  auto all = engine_->Caseload(Q("insertion", "vae", ""));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].days_in_step, 0);
  EXPECT_EQ((*all)[0].days_since_last_event, 0);
  Advance(p2_, "exit", "2026-03-15", {{"reason", "refused"}});
  EXPECT_EQ(Ids(Q("insertion", "", "")), (Strings{p1_}));
  EXPECT_EQ(Ids(Q("", "", "bob")), (Strings{p1_}));
}

// Issue 6: the actor's own pathways unless `all` or another referent is asked.
TEST_F(CaseloadTest, DefaultsToTheActorsPathways) {
  CaseloadQuery mine;
  mine.actor = "alice";
  EXPECT_EQ(Ids(mine), (Strings{p1_, p4_}));
  CaseloadQuery all = mine;
  all.all = true;
  EXPECT_EQ(Ids(all).size(), 3u);
  CaseloadQuery bobs = mine;
  bobs.referent = "bob";
  EXPECT_EQ(Ids(bobs), Strings{p2_});
  bobs.all = true;
  ExpectRefusal([&] { return engine_->Caseload(bobs).status(); }, kRefused,
                {"--all and --referent \"bob\" contradict each other"});
}

// Issue 6: a step that only an older version has is still accepted.
TEST_F(CaseloadTest, StepOfAnOlderVersionIsAccepted) {
  std::string v2 = kAtelierYaml;
  const std::string extra = "  - id: waiting\n    label: En attente\n";
  v2.insert(v2.find("  - id: done"), extra);
  v2 += "  - id: wait\n    from: [open]\n    to: waiting\n  - id: leave\n    from: [waiting]\n    to: done\n";
  ASSERT_TRUE(engine_->InstallProgramme(v2, "atelier.yaml", "installer").ok());
  const Person eve = AddPerson("Eve Attente", "1990-01-01");
  const std::string p5 = Enroll(eve.id, "2026-03-12", "alice", "atelier");
  Advance(p5, "wait", "2026-03-13");
  // Version 3 drops the step again; p5 stays on version 2, in "waiting".
  ASSERT_TRUE(engine_->InstallProgramme(kAtelierYaml, "atelier.yaml", "installer").ok());
  EXPECT_EQ(Ids(Q("atelier", "waiting", "")), Strings{p5});
  EXPECT_EQ(Ids(Q("", "waiting", "")), Strings{p5});
  ExpectRefusal([&] { return engine_->Caseload(Q("atelier", "nowhere", "")).status(); }, kRefused,
                {"no version of programme \"atelier\" has a step \"nowhere\"", "Steps: open, done, waiting."});
}

TEST_F(CaseloadTest, UnknownProgrammeOrStepIsRefused) {
  ExpectRefusal([&] { return engine_->Caseload(Q("nope", "", "")).status(); }, kNotFound, {"nope"});
  ExpectRefusal([&] { return engine_->Caseload(Q("nope", "referral", "")).status(); }, kNotFound,
                {"nope"});
  ExpectRefusal([&] { return engine_->Caseload(Q("insertion", "nowhere", "")).status(); }, kRefused,
                {"no version of programme \"insertion\" has a step \"nowhere\"", "Steps: ", "referral", "positioning", "training", "vae",
                 "placement", "exited"});
  ExpectRefusal([&] { return engine_->Caseload(Q("atelier", "positioning", "")).status(); }, kRefused,
                {"\"atelier\" has a step \"positioning\"", "open", "done"});
  auto r = engine_->Caseload(Q("atelier", "positioning", ""));
  EXPECT_FALSE(Contains(r.status().allowed(), "referral")) << r.status().allowed();
}

// Without a programme, a step that no installed programme has (a typo) must
// not silently give an empty caseload.
TEST_F(CaseloadTest, StepUnknownToEveryProgrammeIsRefusedWithoutAProgrammeToo) {
  ExpectRefusal([&] { return engine_->Caseload(Q("", "positionning", "")).status(); }, kRefused,
                {"positionning", "positioning", "referral", "open", "done"});
  // A step of any installed programme is fine.
  EXPECT_EQ(Ids(Q("", "open", "")), (Strings{p4_}));
}

}  // namespace
}  // namespace parcours
