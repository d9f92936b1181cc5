// Tests for the Service (parcours/service.h): one test per way a request can
// be malformed or refused, authentication with tokens, and replies that carry
// what a client needs to print them.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "parcours/service.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ServiceTest : public testing::EngineTestBase {
 protected:
  ServiceTest() : EngineTestBase("2026-11-21", "service-test") {}

  // The reply to `command` with `args`, run by "lea.moreau" (no token).
  Json Run(const std::string& command, Json args = Json::object(), Service* service = nullptr) {
    Json request{{"command", command}, {"args", std::move(args)}, {"actor", "lea.moreau"}};
    return Handle(request, service);
  }

  Json Handle(const Json& request, Service* service = nullptr) {
    Service local(*engine_);
    return (service ? *service : local).Handle(request);
  }

  // The error of a failed reply (a test failure when the reply is ok).
  static Json Error(const Json& reply) {
    EXPECT_FALSE(reply.value("ok", true)) << reply.dump();
    return reply.value("error", Json::object());
  }

  static void ExpectError(const Json& reply, const std::string& code, int exit, const std::string& in_message) {
    const Json e = Error(reply);
    EXPECT_EQ(e.value("code", ""), code) << reply.dump();
    EXPECT_EQ(e.value("exit", 0), exit) << reply.dump();
    EXPECT_TRUE(Has(e.value("message", ""), in_message)) << reply.dump();
  }

  std::string EnrollAwa() {
    const Person awa = AddPerson("Awa Diallo", "1991-04-02");
    const Json reply = Run("enroll", {{"person", awa.id}, {"programme", "insertion"},
                                      {"fields", {{"prescriber", "france_travail"}}}});
    EXPECT_TRUE(reply.value("ok", false)) << reply.dump();
    return ReplyResult(reply).value("pathway", "");
  }

  // A user's token (added by "admin").
  std::string TokenOf(const std::string& name, const std::string& role) {
    AddUserRequest req;
    req.name = name;
    req.role = role;
    req.actor = "admin";
    auto added = engine_->AddUser(req);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->token : "";
  }
};

// ---- the commands -------------------------------------------------------------------

TEST_F(ServiceTest, KnowsWhichCommandsWrite) {
  EXPECT_TRUE(Service::Writes("advance"));
  EXPECT_TRUE(Service::Writes("programme.install"));
  EXPECT_FALSE(Service::Writes("show"));
  EXPECT_FALSE(Service::Writes("report.run"));
  EXPECT_FALSE(Service::Writes("no.such"));
  for (const auto& command : Service::Commands()) EXPECT_FALSE(command.empty());
}

TEST_F(ServiceTest, AdvanceReplyCarriesWhatAClientPrints) {
  const std::string w = EnrollAwa();
  const Json reply = Run("advance", {{"pathway", w}, {"transition", "position"}});
  ASSERT_TRUE(ReplyStatus(reply).ok()) << reply.dump();
  const Json r = ReplyResult(reply);
  EXPECT_EQ(r.value("pathway", ""), w);
  EXPECT_EQ(r.value("step", ""), "positioning");
  EXPECT_EQ(r.value("seq", 0), 2);
  EXPECT_EQ(r.value("person_name", ""), "Awa Diallo");
  EXPECT_EQ(r.value("from", ""), "referral");
  EXPECT_FALSE(r.value("step_display", "").empty());
  EXPECT_FALSE(r["next_transitions"].empty()) << r.dump();
}

TEST_F(ServiceTest, ShowGivesEventsWithStepLabels) {
  const std::string w = EnrollAwa();
  const Json r = ReplyResult(Run("show", {{"pathway", w}}));
  ASSERT_EQ(r["events"].size(), 1u) << r.dump();
  EXPECT_EQ(r["events"][0].value("kind", ""), "enroll");
  EXPECT_FALSE(r["events"][0].value("to_display", "").empty());
  EXPECT_EQ(r.value("programme_label", ""), "Parcours insertion");
}

TEST_F(ServiceTest, EngineRefusalsKeepTheirCodeAndHint) {
  const std::string w = EnrollAwa();
  const Json reply = Run("advance", {{"pathway", w}, {"transition", "bogus"}});
  ExpectError(reply, "refused", 3, "bogus");
  EXPECT_FALSE(Error(reply).value("hint", "").empty());
  const Status s = ReplyStatus(reply);
  EXPECT_TRUE(s.IsRefused());
  EXPECT_EQ(s.allowed(), Error(reply).value("hint", ""));
  ExpectError(Run("show", {{"pathway", "W-ZZZZZ"}}), "not_found", 4, "W-ZZZZZ");
}

TEST_F(ServiceTest, ErrorReplyAndReplyStatusRoundTrip) {
  for (const Status& s : {Status::Usage("u", "h"), Status::Refused("r", "h"), Status::NotFound("n", "h"),
                          Status::Unavailable("a", "h"), Status::Denied("d", "h"), Status::Corruption("c"),
                          Status::Internal("i")}) {
    const Status back = ReplyStatus(ErrorReply(s));
    EXPECT_EQ(back.code(), s.code()) << s.ToString();
    EXPECT_EQ(back.message(), s.message());
    EXPECT_EQ(back.allowed(), s.allowed());
  }
  EXPECT_EQ(ErrorReply(Status::Unavailable("x")).at("error").at("exit"), 5);
  EXPECT_EQ(ReplyStatus(Json::array()).code(), Status::Code::kInternal);
  EXPECT_EQ(ReplyStatus(Json{{"ok", false}, {"error", {{"code", "nonsense"}}}}).code(), Status::Code::kInternal);
}

// ---- messages speak of operations ----------------------------------------------------

// True when `text` names a command-line option ("--seq") or command ("`parcours due`"):
// a reply names commands and arguments as {cmd:NAME} and {arg:NAME} (docs/cli.md).
bool NamesFrontEndWords(const std::string& text) {
  for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 1)) {
    if (at + 2 < text.size() && text[at + 2] >= 'a' && text[at + 2] <= 'z') return true;
  }
  return Has(text, "`parcours");
}

TEST_F(ServiceTest, RepliesNameCommandsAndArgumentsNotCommandLineFlags) {
  const std::string w = EnrollAwa();
  const Person karim = AddPerson("Karim Benali", "1999-09-14", "M");
  const Json period = {{"programme", "insertion"}, {"from", "2026-12-01"}, {"to", "2026-01-01"}};
  Service server(*engine_, ServiceOptions{.require_token = true});
  // Each reply, and a reference its message or hint holds.
  const std::vector<std::pair<Json, std::string>> cases = {
      {Run("person.add", {{"name", "Karim Benali"}, {"birth", "1999-09-14"}, {"sex", "M"}}),
       "Use " + karim.id + ", or add {arg:allow_duplicate} if this is another person."},
      {Run("person.edit", {{"person", karim.id}}),
       "{arg:name}, {arg:birth}, {arg:sex} or {arg:attrs} KEY=VALUE"},
      {Run("person.edit", {{"person", karim.id}, {"name", "Karim B"}, {"date", "2026-01-01"}}),
       "{arg:date} is when attributes change, and no {arg:attrs} is given"},
      {Run("person.edit", {{"person", karim.id}, {"sex", "M"}}), "{cmd:person.show " + karim.id + "}"},
      {Run("person.show", {{"person", "P-22222"}}), "{cmd:person.find NAME}"},
      {Run("person.show", {{"person", "nobody"}}), "{cmd:person.find NAME}"},
      {Run("show", {{"pathway", "W-22222"}}), "{cmd:caseload}"},
      {Run("advance", {{"pathway", w}, {"transition", "interview"}}), "{cmd:record " + w + " interview}"},
      {Run("record", {{"pathway", w}, {"milestone", "position"}}), "{cmd:advance " + w + " position}"},
      {Run("void", {{"pathway", w}, {"reason", "typo"}}), "to void, with {arg:seq}"},
      {Run("void", {{"pathway", w}, {"reason", "typo"}}), "{cmd:history " + w + "}"},
      {Run("void", {{"pathway", w}, {"reason", "typo"}, {"seq", 1}}),
       "{cmd:advance " + w + " exit} with {arg:fields} reason=other"},
      {Run("caseload", {{"all", true}, {"referent", "bob"}}),
       "Give {arg:all} for everyone's pathways, or {arg:referent} NAME for one referent's."},
      {Run("report.outcomes", period), "Give {arg:from} on or before {arg:to}."},
      {Run("report.outcomes", {{"programme", "insertion"}, {"from", "2026-02-30"}, {"to", "2026-12-31"}}),
       "{arg:from} \"2026-02-30\" is not a valid date"},
      {Run("report.run",
           {{"report", "nope"}, {"programme", "insertion"}, {"from", "2026-01-01"}, {"to", "2026-12-31"}}),
       "{cmd:report.list}"},
      {Run("programme.list", Json::object(), &server), "{cmd:user.add}"},
  };
  for (const auto& [reply, reference] : cases) {
    const Json e = Error(reply);
    const std::string message = e.value("message", ""), hint = e.value("hint", "");
    EXPECT_TRUE(Has(message + "\n" + hint, reference)) << reference << "\n" << reply.dump();
    EXPECT_FALSE(NamesFrontEndWords(message)) << reply.dump();
    EXPECT_FALSE(NamesFrontEndWords(hint)) << reply.dump();
  }
}

TEST_F(ServiceTest, UserTextInAReplyCannotReadAsAReference) {
  AddPerson("Jean {cmd:init} Martin", "1980-05-06", "M");
  const Json reply =
      Run("person.add", {{"name", "Jean {cmd:init} Martin"}, {"birth", "1980-05-06"}, {"sex", "M"}});
  ExpectError(reply, "refused", 3, "a person named Jean \\x7bcmd:init} Martin born 1980-05-06");
  ExpectError(Run("caseload", {{"all", true}, {"referent", "{arg:seq}"}}), "refused", 3,
              "{arg:all} and {arg:referent} \"\\x7barg:seq}\" contradict each other");
}

// ---- malformed requests -------------------------------------------------------------

TEST_F(ServiceTest, RequestThatIsNotAnObjectIsAUsageError) {
  ExpectError(Handle(Json::array({"advance"})), "usage", 2, "JSON object");
  ExpectError(Handle(Json("show")), "usage", 2, "JSON object");
}

TEST_F(ServiceTest, RequestWithAnUnknownKeyIsAUsageError) {
  ExpectError(Handle(Json{{"command", "programme.list"}, {"actor", "a"}, {"tokne", "x"}}), "usage", 2, "tokne");
}

TEST_F(ServiceTest, RequestWithoutCommandIsAUsageError) {
  ExpectError(Handle(Json{{"actor", "a"}}), "usage", 2, "no command");
  ExpectError(Handle(Json{{"command", 7}, {"actor", "a"}}), "usage", 2, "\"command\" must be a text");
}

TEST_F(ServiceTest, UnknownCommandNamesTheNearestOnes) {
  const Json reply = Run("advanse");
  ExpectError(reply, "usage", 2, "advanse");
  EXPECT_TRUE(Has(Error(reply).value("message", ""), "advance")) << reply.dump();
  EXPECT_TRUE(Has(Error(reply).value("hint", ""), "programme.install")) << reply.dump();
  EXPECT_TRUE(Has(Error(Run("person.ad")).value("message", ""), "person.add"));
}

TEST_F(ServiceTest, ArgsThatAreNotAnObjectAreAUsageError) {
  ExpectError(Handle(Json{{"command", "show"}, {"args", Json::array()}, {"actor", "a"}}), "usage", 2,
              "\"args\" must be an object");
}

TEST_F(ServiceTest, ArgumentOfTheWrongTypeIsAUsageError) {
  ExpectError(Run("show", {{"pathway", 42}}), "usage", 2, "\"pathway\" must be a text");
  ExpectError(Run("caseload", {{"all", "yes"}}), "usage", 2, "\"all\" must be true or false");
  ExpectError(Run("advance", {{"pathway", "W-1"}, {"transition", "place"}, {"fields", {{"months", 6}}}}), "usage", 2,
              "months");
  ExpectError(Run("advance", {{"pathway", "W-1"}, {"transition", "place"}, {"fields", "months=6"}}), "usage", 2,
              "\"fields\" must be an object");
  ExpectError(Run("void", {{"pathway", "W-1"}, {"reason", "x"}, {"seq", -1}}), "usage", 2, "out of range");
  ExpectError(Run("void", {{"pathway", "W-1"}, {"reason", "x"}, {"seq", uint64_t{1} << 40}}), "usage", 2,
              "out of range");
  ExpectError(Run("void", {{"pathway", "W-1"}, {"reason", "x"}, {"seq", 1.5}}), "usage", 2, "\"seq\" must be");
  ExpectError(Run("person.find", {{"text", "diallo"}, {"limit", 0}}), "usage", 2, "\"limit\" is 0, out of range");
  ExpectError(Run("person.find", {{"text", "diallo"}, {"limit", "10"}}), "usage", 2, "\"limit\" must be");
}

TEST_F(ServiceTest, MissingRequiredArgumentIsAUsageError) {
  const Json reply = Run("advance", {{"pathway", "W-1"}});
  ExpectError(reply, "usage", 2, "\"transition\"");
  EXPECT_TRUE(Has(Error(reply).value("hint", ""), "pathway, transition, date, fields")) << reply.dump();
}

TEST_F(ServiceTest, UnknownArgumentIsAUsageError) {
  const Json reply = Run("advance", {{"pathway", "W-1"}, {"transiton", "place"}});
  ExpectError(reply, "usage", 2, "transiton");
  EXPECT_TRUE(Has(Error(reply).value("message", ""), "did you mean")) << reply.dump();
}

TEST_F(ServiceTest, RequestIdOnAReadIsAUsageError) {
  Json request{{"command", "show"}, {"args", {{"pathway", "W-1"}}}, {"actor", "a"}, {"request_id", "r1"}};
  ExpectError(Handle(request), "usage", 2, "request_id");
  request = {{"command", "advance"}, {"args", {{"pathway", "W-1"}}}, {"actor", "a"}, {"request_id", ""}};
  ExpectError(Handle(request), "usage", 2, "empty");
}

TEST_F(ServiceTest, RequestWithoutActorNorTokenIsAUsageError) {
  ExpectError(Handle(Json{{"command", "programme.list"}}), "usage", 2, "no actor");
  // An actor that cannot be stored is refused, as the engine refuses it.
  ExpectError(Handle(Json{{"command", "programme.list"}, {"actor", ""}}), "refused", 3, "actor is empty");
}

// ---- tokens ---------------------------------------------------------------------------

TEST_F(ServiceTest, ServiceThatRequiresATokenDeniesARequestWithout) {
  Service server(*engine_, ServiceOptions{.require_token = true});
  ExpectError(Run("programme.list", Json::object(), &server), "denied", 6, "token");
}

TEST_F(ServiceTest, WrongTokenIsDenied) {
  TokenOf("lea.moreau", "counsellor");
  Service server(*engine_, ServiceOptions{.require_token = true});
  const Json reply = Handle(Json{{"command", "programme.list"}, {"token", "not-a-token"}}, &server);
  ExpectError(reply, "denied", 6, "");
}

TEST_F(ServiceTest, TokenRunsAsItsUser) {
  const std::string w = EnrollAwa();  // before any user exists: any referent goes
  const std::string token = TokenOf("karim.petit", "counsellor");
  Service server(*engine_, ServiceOptions{.require_token = true});
  const Json reply =
      Handle(Json{{"command", "assign"}, {"args", {{"pathway", w}, {"referent", "karim.petit"}}}, {"token", token}},
             &server);
  ASSERT_TRUE(ReplyStatus(reply).ok()) << reply.dump();
  auto view = engine_->GetPathway(w);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->events.back().actor, "karim.petit");
}

TEST_F(ServiceTest, ActorThatIsNotTheTokensUserIsDenied) {
  const std::string token = TokenOf("karim.petit", "counsellor");
  const Json reply = Handle(Json{{"command", "programme.list"}, {"token", token}, {"actor", "lea.moreau"}});
  ExpectError(reply, "denied", 6, "lea.moreau");
}

TEST_F(ServiceTest, RoleThatMayNotRunTheCommandIsDenied) {
  const std::string token = TokenOf("fanny.funder", "funder");
  const Json reply = Handle(Json{{"command", "person.add"},
                                 {"args", {{"name", "Awa Diallo"}, {"birth", "1991-04-02"}, {"sex", "F"}}},
                                 {"token", token}});
  ExpectError(reply, "denied", 6, "");
}

}  // namespace
}  // namespace parcours
