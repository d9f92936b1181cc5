// End-to-end tests of users, roles and tokens (docs/security.md): `user add`
// prints a token once, `user list`, `user revoke`, and commands run with
// --token or $PARCOURS_TOKEN as the token's user, within that user's role.
#include "e2e_fixture.cc"

#include <regex>

namespace parcours::e2e {
namespace {

class UserTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitStore());
    ASSERT_NO_FATAL_FAILURE(InstallInsertion());
  }

  // `user add NAME --role ROLE` in --json mode; the token printed.
  std::string AddUser(const std::string& name, const std::string& role) const {
    const Json j = Ok({"user", "add", name, "--role", role});
    EXPECT_EQ(j.value("user", Json::object()).value("name", ""), name) << j.dump();
    EXPECT_EQ(j.value("user", Json::object()).value("role", ""), role) << j.dump();
    return j.value("token", "");
  }

  // `parcours --data STORE ARGS` with no --actor: who asks comes from the
  // token (--token in `args`, or $PARCOURS_TOKEN in `env`).
  CliResult RunWithToken(const Args& args, const Env& env = {}) const {
    Args full = {"--data", store()};
    full.insert(full.end(), args.begin(), args.end());
    Env all = {{"PARCOURS_TODAY", kToday}};
    for (const auto& [k, v] : env) all[k] = v;
    return RunCli(full, all);
  }
};

TEST_F(UserTest, AddPrintsTheTokenOnceAndStoresOnlyItsHash) {
  const CliResult r = Run({"user", "add", "marc.petit", "--role", "counsellor"});
  ASSERT_EQ(r.exit_code, 0) << Describe({"user", "add"}, r);
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(Contains(r.out, "marc.petit (counsellor)"));
  EXPECT_TRUE(Contains(r.out, "shown once: keep it; only its hash is stored"));
  std::smatch m;
  const std::regex own_line("(^|\n)(pct_[0-9a-f]{64})\n");
  ASSERT_TRUE(std::regex_search(r.out, m, own_line)) << r.out;
  const std::string token = m[2];
  EXPECT_FALSE(Contains(Digest(), token.substr(4)));

  const std::string json_token = AddUser("awa.diallo", "auditor");
  EXPECT_TRUE(std::regex_match(json_token, std::regex("pct_[0-9a-f]{64}"))) << json_token;
  EXPECT_NE(json_token, token);
  EXPECT_FALSE(Contains(Digest(), json_token.substr(4)));
}

TEST_F(UserTest, ListAndRevoke) {
  AddUser("lea.moreau", "programme_admin");
  const std::string token = AddUser("marc.petit", "counsellor");

  Json list = Ok({"user", "list"}).value("users", Json::array());
  ASSERT_EQ(list.size(), 2u) << list.dump();
  EXPECT_EQ(list[1].value("name", ""), "marc.petit");
  EXPECT_EQ(list[1].value("role", ""), "counsellor");
  EXPECT_EQ(list[1].value("created_by", ""), kActor);
  EXPECT_TRUE(list[1].value("active", false));
  EXPECT_FALSE(list[1].contains("token_sha256")) << list.dump();

  const CliResult human = Run({"user", "list"});
  ASSERT_EQ(human.exit_code, 0);
  EXPECT_TRUE(Contains(human.out, "marc.petit"));
  EXPECT_TRUE(Contains(human.out, "active"));

  ASSERT_EQ(RunWithToken({"--token", token, "caseload"}).exit_code, 0);
  const CliResult revoked = Run({"user", "revoke", "marc.petit"});
  ASSERT_EQ(revoked.exit_code, 0) << Describe({"user", "revoke"}, revoked);
  EXPECT_TRUE(Contains(revoked.out, "Revoked user marc.petit"));

  list = Ok({"user", "list"}).value("users", Json::array());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_FALSE(list[1].value("active", true));
  EXPECT_EQ(list[1].value("revoked_by", ""), kActor);

  const CliResult refused = RunWithToken({"--token", token, "caseload"});
  EXPECT_EQ(refused.exit_code, 6) << Describe({"caseload"}, refused);
  EXPECT_TRUE(Contains(refused.err, "this token is not valid"));

  Refused(3, {"user", "revoke", "marc.petit"}, {"revoked already"});
  Refused(4, {"user", "revoke", "marc.petti"}, {"no user \"marc.petti\"", "did you mean \"marc.petit\""});
}

TEST_F(UserTest, RefusedAdds) {
  AddUser("lea.moreau", "programme_admin");
  Refused(3, {"user", "add", "marc.petit", "--role", "counselor"},
          {"role \"counselor\" is not a role", "did you mean \"counsellor\"", "programme_admin, funder, auditor"});
  Refused(3, {"user", "add", "lea.moreau", "--role", "auditor"}, {"exists already"});
  Refused(3, {"user", "add", "marc petit", "--role", "auditor"}, {"user name", "letters"});
  Refused(2, {"user", "add", "marc.petit"}, {"--role"});
}

TEST_F(UserTest, TheTokenIsTheActor) {
  AddUser("lea.moreau", "programme_admin");
  const std::string token = AddUser("marc.petit", "counsellor");

  CliResult r = RunWithToken({"--json", "--token", token, "person", "add", "--name", "Awa Diallo", "--birth",
                              "1991-04-02", "--sex", "F"});
  ASSERT_EQ(r.exit_code, 0) << Describe({"person", "add"}, r);
  const std::string person = r.json().value("id", "");
  r = RunWithToken({"--json", "person", "show", person}, {{"PARCOURS_TOKEN", token}});
  ASSERT_EQ(r.exit_code, 0) << Describe({"person", "show"}, r);
  EXPECT_TRUE(Contains(r.out, "\"created_by\":\"marc.petit\"")) << r.out;

  r = RunWithToken({"--token", "pct_0000", "caseload"});
  EXPECT_EQ(r.exit_code, 6) << Describe({"caseload"}, r);
  EXPECT_TRUE(Contains(r.err, "this token is not valid (unknown or revoked)"));
}

TEST_F(UserTest, AFunderMayNotAdvance) {
  AddUser("lea.moreau", "counsellor");
  const std::string funder = AddUser("fatou.sow", "funder");
  const std::string pathway = Enroll(AddPerson("Awa Diallo"));

  const std::string before = Digest();
  CliResult r = RunWithToken({"--token", funder, "advance", pathway, "position"});
  EXPECT_EQ(r.exit_code, 6) << Describe({"advance"}, r);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "funder"));
  EXPECT_TRUE(Contains(r.err, "\"advance\""));
  EXPECT_TRUE(Contains(r.err, "runs reports only"));
  EXPECT_TRUE(Contains(r.err, "report.run"));
  EXPECT_EQ(Digest(), before);

  r = RunWithToken({"report", "list"}, {{"PARCOURS_TOKEN", funder}});
  EXPECT_EQ(r.exit_code, 0) << Describe({"report", "list"}, r);
}

// Once users exist, a referent must be one of them (docs/security.md).
TEST_F(UserTest, ReferentsMustBeUsers) {
  AddUser("lea.moreau", "counsellor");
  AddUser("marc.petit", "counsellor");
  const std::string person = AddPerson("Awa Diallo");
  Refused(3, {"enroll", person, "insertion", "--field", "prescriber=ccas", "--referent", "marc.petti"},
          {"referent \"marc.petti\" is not a user", "did you mean \"marc.petit\"", "Nearest active users: marc.petit"});
  const std::string pathway = Enroll(person, "2026-09-01", "ccas", {"--referent", "marc.petit"});
  Refused(3, {"assign", pathway, "lea.morau"}, {"did you mean \"lea.moreau\""});
  const CliResult r = Run({"assign", pathway, "lea.moreau"});
  EXPECT_EQ(r.exit_code, 0) << Describe({"assign"}, r);
}

}  // namespace
}  // namespace parcours::e2e
