// Tests for the engine's persons (engine.h): adding, finding and editing them,
// probable duplicates. The fixture is in engine_test_fixture.h.
#include "parcours/engine.h"

#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "engine_test_fixture.h"
#include "parcours/ids.h"

namespace parcours {
namespace {

using namespace engine_testing;  // NOLINT

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
                  {"already exists: " + first.id, "{arg:allow_duplicate}"});
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
  EXPECT_EQ(found->persons.size(), 3u);
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
  for (const auto& p : found->persons) ids.push_back(p.id);
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
      for (const auto& p : found->persons) out.push_back(p.name);
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
  ASSERT_EQ(found->persons.size(), 1u);
  EXPECT_EQ(found->total, 1u);
  EXPECT_EQ(found->persons[0].id, eloi.id);
  EXPECT_EQ(found->persons[0].birth, D("1985-06-07"));

  ExpectRefusal([&] { return engine_->FindPersons("").status(); }, kRefused, {"nothing to search"});
  ExpectRefusal([&] { return engine_->FindPersons(" - ' ").status(); }, kRefused, {"nothing to search"});
}

TEST_F(EngineTest, FindPersonsGivesTheFirstMatchesByNameAndHowManyInAll) {
  for (const char* first : {"Zoé", "Paul", "Anne", "Marc", "Lise", "Yves", "Inès"}) {
    AddPerson(std::string(first) + " Martin", "1980-01-01");
  }
  AddPerson("Martine Roux", "1981-01-01");  // "martin" starts one of her words too
  auto page = engine_->FindPersons("martin", 3);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 8u);
  Strings names;
  for (const auto& p : page->persons) names.push_back(p.name);
  EXPECT_EQ(names, (Strings{"Anne Martin", "Inès Martin", "Lise Martin"}));

  auto all = engine_->FindPersons("martin");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->persons.size(), 8u);
  EXPECT_EQ(all->persons.back().name, "Zoé Martin");
  auto narrowed = engine_->FindPersons("martin y", 3);
  ASSERT_TRUE(narrowed.ok());
  EXPECT_EQ(narrowed->total, 1u);
  ASSERT_EQ(narrowed->persons.size(), 1u);
  EXPECT_EQ(narrowed->persons[0].name, "Yves Martin");
}

TEST_F(EngineTest, FindPersonsFollowsARenameAndReadsEntriesWrittenWithoutTheName) {
  const Person lise = AddPerson("Lise Martin", "1980-01-01");
  AddPerson("Anne Martin", "1980-01-01");
  EditPersonRequest edit;
  edit.person = lise.id;
  edit.name = "Aline Martin";
  edit.actor = "counsellor";
  ASSERT_TRUE(engine_->EditPerson(edit).ok());
  auto names = [&](const std::string& text) {
    auto found = engine_->FindPersons(text);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    Strings out;
    if (found.ok())
      for (const auto& p : found->persons) out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(names("martin"), (Strings{"Aline Martin", "Anne Martin"}));
  EXPECT_EQ(names("lise"), Strings{});

  // Stores written before format 2 have search entries with no value: the
  // person is read instead, with the same result.
  WriteBatch old;
  const Status scanned =
      store_->ScanPrefix(Domain::kIndexes, std::string("tok\0", 4), [&](std::string_view k, std::string_view v) {
        EXPECT_FALSE(v.empty());
        old.Put(Domain::kIndexes, k, "");
        return true;
      });
  ASSERT_TRUE(scanned.ok());
  ASSERT_TRUE(store_->Write(old).ok());
  EXPECT_EQ(names("martin"), (Strings{"Aline Martin", "Anne Martin"}));
  EXPECT_EQ(names("martin al"), (Strings{"Aline Martin"}));
}
}  // namespace
}  // namespace parcours
