// The engine checks the text of every request itself (a server calls it
// without the CLI's checks): invalid UTF-8, names without a letter, invisible
// and look-alike characters, oversized text. Refusals write nothing.
#include <string>

#include <gtest/gtest.h>

#include "support/engine_fixture.h"

namespace parcours {
namespace {

class InputValidationTest : public testing::EngineTestBase {
 protected:
  InputValidationTest() : EngineTestBase("2026-11-21", "input-test") {}

  static AddPersonRequest PersonNamed(const std::string& name, const std::string& birth = "1980-05-06") {
    AddPersonRequest req;
    req.name = name;
    req.birth = birth;
    req.sex = "M";
    req.actor = "lea";
    return req;
  }

  // Expects `status` to be a refusal of `code` whose message holds `needle`
  // and that says what is allowed.
  static void ExpectRefused(const Status& status, Status::Code code, const std::string& needle) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), code) << status.ToString();
    EXPECT_NE(status.message().find(needle), std::string::npos) << status.ToString();
    EXPECT_FALSE(status.allowed().empty()) << status.ToString();
  }

  std::string Pathway() {
    auto person = engine_->AddPerson(PersonNamed("Awa Diallo", "1991-04-02"));
    EXPECT_TRUE(person.ok()) << person.status().ToString();
    EnrollRequest req;
    req.person = person.ok() ? person->id : "";
    req.programme = "insertion";
    req.fields = {{"prescriber", "ccas"}};
    req.actor = "lea";
    auto r = engine_->Enroll(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->state.id : "";
  }
};

TEST_F(InputValidationTest, InvalidUtf8InARequestIsAUsageErrorNotAnException) {
  ExpectRefused(engine_->AddPerson(PersonNamed("Ana\xff")).status(), Status::Code::kUsage,
                "name \"Ana\\xff\" is not valid UTF-8");
  AddPersonRequest bad_actor = PersonNamed("Ana Diallo");
  bad_actor.actor = "lea\xff";
  ExpectRefused(engine_->AddPerson(bad_actor).status(), Status::Code::kUsage, "actor \"lea\\xff\"");
}

TEST_F(InputValidationTest, NamesWithoutALetterAreRefused) {
  for (const char* name : {"12345", "==", "(-)"}) {
    ExpectRefused(engine_->AddPerson(PersonNamed(name)).status(), Status::Code::kRefused, "has no letter");
  }
  ExpectRefused(engine_->AddPerson(PersonNamed("\u200B")).status(), Status::Code::kRefused, "name is empty");
}

TEST_F(InputValidationTest, NamesAreStoredNormalisedAndMatchedFolded) {
  auto jean = engine_->AddPerson(PersonNamed("  Jean\u202E  Mar\u200Btin "));
  ASSERT_TRUE(jean.ok()) << jean.status().ToString();
  EXPECT_EQ(jean->name, "Jean Martin");
  for (const char* twin : {"Je\u200Ban Martin", "\uFF2A\uFF45\uFF41\uFF4E \uFF2D\uFF41\uFF52\uFF54\uFF49\uFF4E",
                           "JEAN MARTIN"}) {
    ExpectRefused(engine_->AddPerson(PersonNamed(twin)).status(), Status::Code::kRefused, "already exists");
    auto found = engine_->FindPersons(twin);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_EQ(found->persons.size(), 1u) << twin;
    EXPECT_EQ(found->persons.at(0).id, jean->id);
  }
}

TEST_F(InputValidationTest, OversizedTextIsRefusedWithTheLimitAndAShortEcho) {
  const std::string pathway = Pathway();
  const std::string huge(60000, 'a');
  auto name = engine_->AddPerson(PersonNamed(huge));
  ExpectRefused(name.status(), Status::Code::kRefused, "(60000 characters) is too long");
  EXPECT_EQ(name.status().allowed(), "Use at most 100 characters.");
  EXPECT_LT(name.status().message().size(), 200u);

  AssignRequest assign;
  assign.pathway = pathway;
  assign.referent = huge;
  assign.actor = "lea";
  ExpectRefused(engine_->Assign(assign).status(), Status::Code::kRefused, "referent \"aaaa");

  VoidRequest void_request;
  void_request.pathway = pathway;
  void_request.reason = huge;
  void_request.actor = "lea";
  auto voided = engine_->Void(void_request);
  ExpectRefused(voided.status(), Status::Code::kRefused, "(60000 characters) is too long");
  EXPECT_EQ(voided.status().allowed(), "Use at most 500 characters.");

  AdvanceRequest advance;
  advance.pathway = pathway;
  advance.transition = "position";
  advance.actor = "lea\x1b[31m";
  ExpectRefused(engine_->Advance(advance).status(), Status::Code::kRefused, "actor \"lea\\x1b[31m\"");
}

TEST_F(InputValidationTest, UnknownIdsAreEchoedShortAndEscaped) {
  auto r = engine_->GetPathway("W-" + std::string(60000, 'z') + "\xff");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("(60003 characters)"), std::string::npos) << r.status().message();
  EXPECT_LT(r.status().message().size(), 200u);
}

TEST_F(InputValidationTest, AnEmptyDateIsRefusedAndOnlyAnAbsentDateMeansToday) {
  const std::string pathway = Pathway();
  ASSERT_FALSE(pathway.empty());
  AdvanceRequest empty{pathway, "position", std::string(), {}, "lea", ""};
  const auto refused = engine_->Advance(empty);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kRefused);
  EXPECT_NE(refused.status().message().find("date \"\" is not valid"), std::string::npos)
      << refused.status().ToString();
  EXPECT_NE(refused.status().allowed().find("leave the date out"), std::string::npos);

  RecordRequest record{pathway, "interview", std::string(), {{"mode", "individual"}}, "lea", ""};
  EXPECT_FALSE(engine_->Record(record).ok());

  AdvanceRequest absent{pathway, "position", std::nullopt, {}, "lea", ""};
  const auto advanced = engine_->Advance(absent);
  ASSERT_TRUE(advanced.ok()) << advanced.status().ToString();
  EXPECT_EQ(advanced->event.date.iso(), "2026-11-21");
}

}  // namespace
}  // namespace parcours
