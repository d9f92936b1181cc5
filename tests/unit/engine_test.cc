// Tests for the engine (engine.h) over a real store in a temporary directory:
// programmes and the pathway commands (enrol, advance, record) with every
// refusal. Persons, voids, event dates and the event bus, referents and
// caseloads have their own files (engine_*_test.cc); the fixture is in
// engine_test_fixture.h.
#include "parcours/engine.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "engine_test_fixture.h"
#include "parcours/ids.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

using namespace engine_testing;  // NOLINT

std::string InsertionYaml() { return testing::ReadSource("workflows/insertion.yaml"); }

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
                {"\"interview\" is a milestone", "use {cmd:record " + pw + " interview}."});
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
                {"\"position\" is a transition", "use {cmd:advance " + pw + " position}."});
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

}  // namespace
}  // namespace parcours
