// Tests for users, roles and tokens (engine.h "users", core/users.h): the
// roles table, adding, listing and revoking users, authenticating a token,
// referents that must be users, and tokens never stored in clear.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/users.h"
#include "parcours/engine.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class UsersTest : public testing::EngineTestBase {
 protected:
  UsersTest() : EngineTestBase("2026-11-21", "users-test") {}

  Result<AddedUser> TryAdd(const std::string& name, const std::string& role, const std::string& request_id = "") {
    AddUserRequest req;
    req.name = name;
    req.role = role;
    req.actor = "admin";
    req.request_id = request_id;
    return engine_->AddUser(req);
  }

  AddedUser Add(const std::string& name, const std::string& role) {
    auto r = TryAdd(name, role);
    EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    return r.ok() ? *r : AddedUser{};
  }

  // Every key and value of every domain, as one string.
  std::string Everything() const {
    std::string all;
    for (int d = 0; d < kDomainCount; ++d) {
      Status s = store_->ScanPrefix(static_cast<Domain>(d), "", [&](std::string_view k, std::string_view v) {
        all.append(k).append("=").append(v).append("\n");
        return true;
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return all;
  }
};

User UserWith(Role role) {
  User u;
  u.name = "someone";
  u.role = role;
  return u;
}

// ---- roles ----------------------------------------------------------------------

TEST(RolesTest, NamesRoundTrip) {
  for (Role r : {Role::kCounsellor, Role::kProgrammeAdmin, Role::kFunder, Role::kAuditor}) {
    ASSERT_TRUE(ParseRole(RoleName(r)).has_value()) << RoleName(r);
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  EXPECT_STREQ(RoleName(Role::kProgrammeAdmin), "programme_admin");
  EXPECT_FALSE(ParseRole("admin").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_FALSE(ParseRole("Funder").has_value());
}

// Each role against a pathway write, an administration command, a report and
// a history read.
TEST(RolesTest, Table) {
  struct Row {
    Role role;
    bool write, admin, report, history;
  };
  const Row rows[] = {
      {Role::kCounsellor, true, false, false, true},
      {Role::kProgrammeAdmin, false, true, true, true},
      {Role::kFunder, false, false, true, false},
      {Role::kAuditor, false, false, true, true},
  };
  for (const Row& row : rows) {
    const User u = UserWith(row.role);
    SCOPED_TRACE(RoleName(row.role));
    EXPECT_EQ(Authorize(u, "advance").ok(), row.write);
    EXPECT_EQ(Authorize(u, "person.add").ok(), row.write);
    EXPECT_EQ(Authorize(u, "note").ok(), row.write);
    EXPECT_EQ(Authorize(u, "user.add").ok(), row.admin);
    EXPECT_EQ(Authorize(u, "programme.install").ok(), row.admin);
    EXPECT_EQ(Authorize(u, "report.run").ok(), row.report);
    EXPECT_EQ(Authorize(u, "report.outcomes").ok(), row.report);
    EXPECT_EQ(Authorize(u, "history").ok(), row.history);
    EXPECT_EQ(Authorize(u, "caseload").ok(), row.history);
    // Everyone may read which programmes exist.
    EXPECT_TRUE(Authorize(u, "programme.list").ok());
    EXPECT_TRUE(Authorize(u, "programme.show").ok());
  }
}

TEST(RolesTest, DeniedNamesTheRoleAndWhatItMayDo) {
  Status s = Authorize(UserWith(Role::kFunder), "advance");
  ASSERT_TRUE(s.IsDenied());
  EXPECT_TRUE(Has(s.message(), "funder")) << s.ToString();
  EXPECT_TRUE(Has(s.message(), "\"advance\"")) << s.ToString();
  EXPECT_TRUE(Has(s.allowed(), "runs reports only")) << s.ToString();
  EXPECT_TRUE(Has(s.allowed(), "report.run")) << s.ToString();
  EXPECT_FALSE(Has(s.allowed(), "advance")) << s.ToString();
}

TEST(RolesTest, UnknownCommandAndRevokedUserAreDenied) {
  EXPECT_TRUE(Authorize(UserWith(Role::kProgrammeAdmin), "format.disk").IsDenied());
  EXPECT_TRUE(Authorize(UserWith(Role::kProgrammeAdmin), "").IsDenied());
  User gone = UserWith(Role::kCounsellor);
  gone.revoked = "2026-11-20T10:00:00.000Z";
  Status s = Authorize(gone, "caseload");
  ASSERT_TRUE(s.IsDenied());
  EXPECT_TRUE(Has(s.message(), "revoked")) << s.ToString();
}

// ---- adding and listing ------------------------------------------------------------

TEST_F(UsersTest, AddGivesATokenOnce) {
  auto has = engine_->HasUsers();
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);

  const AddedUser a = Add("lea.moreau", "counsellor");
  EXPECT_EQ(a.user.name, "lea.moreau");
  EXPECT_EQ(a.user.role, Role::kCounsellor);
  EXPECT_EQ(a.user.created_by, "admin");
  EXPECT_FALSE(a.user.created.empty());
  EXPECT_TRUE(a.user.revoked.empty());
  ASSERT_EQ(a.token.size(), 4u + 64u) << a.token;
  EXPECT_EQ(a.token.substr(0, 4), "pct_");

  const AddedUser b = Add("Jean-Paul_2", "funder");
  EXPECT_NE(a.token, b.token);

  has = engine_->HasUsers();
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);

  auto list = engine_->ListUsers();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Jean-Paul_2");  // by name, byte order
  EXPECT_EQ((*list)[0].role, Role::kFunder);
  EXPECT_EQ((*list)[1].name, "lea.moreau");
}

TEST_F(UsersTest, TokensAreNeverStoredInClear) {
  const AddedUser a = Add("lea.moreau", "counsellor");
  const std::string all = Everything();
  EXPECT_FALSE(Has(all, a.token));
  EXPECT_FALSE(Has(all, a.token.substr(4)));  // nor its random part
  EXPECT_TRUE(Has(all, TokenHash(a.token)));
  EXPECT_EQ(TokenHash(a.token).size(), 64u);
  // SHA-256 of "abc", a published test vector.
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(UsersTest, DuplicateNamesAreRefusedEvenOnceRevoked) {
  Add("lea.moreau", "counsellor");
  auto again = TryAdd("lea.moreau", "auditor");
  ASSERT_TRUE(again.status().IsRefused()) << again.status().ToString();
  EXPECT_TRUE(Has(again.status().message(), "exists already")) << again.status().ToString();

  Add("admin", "programme_admin");
  ASSERT_TRUE(engine_->RevokeUser("lea.moreau", "admin").ok());
  again = TryAdd("lea.moreau", "counsellor");
  ASSERT_TRUE(again.status().IsRefused()) << again.status().ToString();
  EXPECT_TRUE(Has(again.status().message(), "revoked")) << again.status().ToString();
}

TEST_F(UsersTest, UnknownRoleIsRefusedWithTheNearest) {
  auto r = TryAdd("lea.moreau", "fundr");
  ASSERT_TRUE(r.status().IsRefused()) << r.status().ToString();
  EXPECT_TRUE(Has(r.status().message(), "did you mean \"funder\"")) << r.status().ToString();
  EXPECT_TRUE(Has(r.status().allowed(), "counsellor, programme_admin, funder, auditor")) << r.status().ToString();

  r = TryAdd("lea.moreau", "");
  ASSERT_TRUE(r.status().IsRefused()) << r.status().ToString();
  auto has = engine_->HasUsers();
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);
}

TEST_F(UsersTest, BadNamesAreRefused) {
  for (const std::string& bad : {std::string("lea moreau"), std::string("léa"), std::string("a/b"),
                                 std::string("x\x01y"), std::string(65, 'a'), std::string("   ")}) {
    auto r = TryAdd(bad, "counsellor");
    EXPECT_TRUE(r.status().IsRefused()) << bad << ": " << r.status().ToString();
    EXPECT_TRUE(Has(r.status().ToString(), "user name")) << r.status().ToString();
  }
  auto r = TryAdd("lea moreau", "counsellor");
  EXPECT_TRUE(Has(r.status().allowed(), "letters")) << r.status().ToString();
  r = TryAdd("bad\xff", "counsellor");
  EXPECT_TRUE(r.status().IsUsage()) << r.status().ToString();
  EXPECT_TRUE(TryAdd(std::string(64, 'a'), "counsellor").ok());
  EXPECT_TRUE(TryAdd("  trimmed  ", "counsellor").ok());
  auto list = engine_->ListUsers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].name, "trimmed");
}

TEST_F(UsersTest, ABadActorIsRefused) {
  AddUserRequest req{"lea.moreau", "counsellor", "bad\x01" "actor", ""};
  EXPECT_FALSE(engine_->AddUser(req).ok());
  EXPECT_FALSE(engine_->RevokeUser("lea.moreau", "bad\x01" "actor").ok());
}

TEST_F(UsersTest, ARequestIdDoneAgainGivesTheUserWithoutItsToken) {
  auto first = TryAdd("lea.moreau", "counsellor", "req-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->token.empty());
  auto again = TryAdd("lea.moreau", "counsellor", "req-1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->user.name, "lea.moreau");
  EXPECT_EQ(again->user.role, Role::kCounsellor);
  EXPECT_EQ(again->user.created, first->user.created);
  EXPECT_TRUE(again->token.empty());
  EXPECT_FALSE(Has(Everything(), first->token));
  auto list = engine_->ListUsers();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

// ---- authenticating and revoking ------------------------------------------------------

TEST_F(UsersTest, Authenticate) {
  const AddedUser a = Add("lea.moreau", "counsellor");
  Add("admin", "programme_admin");
  auto who = engine_->Authenticate(a.token);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->name, "lea.moreau");
  EXPECT_EQ(who->role, Role::kCounsellor);

  std::string wrong = a.token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& bad : {wrong, std::string(), a.token.substr(4), std::string("pct_"),
                                 std::string(100000, 'x')}) {
    auto r = engine_->Authenticate(bad);
    ASSERT_TRUE(r.status().IsDenied()) << r.status().ToString();
    EXPECT_EQ(r.status().message(), "this token is not valid (unknown or revoked)");
  }

  // The token was authenticated above, so the engine holds it in its cache:
  // the revocation must clear it.
  auto revoked = engine_->RevokeUser("lea.moreau", "admin");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->revoked_by, "admin");
  EXPECT_FALSE(revoked->revoked.empty());
  auto r = engine_->Authenticate(a.token);
  ASSERT_TRUE(r.status().IsDenied()) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "this token is not valid (unknown or revoked)");

  auto list = engine_->ListUsers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[1].revoked.empty());  // still listed, as revoked
}

TEST_F(UsersTest, RevokeRefusals) {
  Add("admin", "programme_admin");
  Add("lea.moreau", "counsellor");
  auto r = engine_->RevokeUser("lea.moraeu", "admin");
  ASSERT_TRUE(r.status().IsNotFound()) << r.status().ToString();
  EXPECT_TRUE(Has(r.status().message(), "did you mean \"lea.moreau\"")) << r.status().ToString();

  ASSERT_TRUE(engine_->RevokeUser("lea.moreau", "admin").ok());
  r = engine_->RevokeUser("lea.moreau", "admin");
  ASSERT_TRUE(r.status().IsRefused()) << r.status().ToString();
  EXPECT_TRUE(Has(r.status().message(), "revoked already")) << r.status().ToString();

  // The last active programme admin stays.
  r = engine_->RevokeUser("admin", "admin");
  ASSERT_TRUE(r.status().IsRefused()) << r.status().ToString();
  EXPECT_TRUE(Has(r.status().message(), "last active programme_admin")) << r.status().ToString();
  Add("admin2", "programme_admin");
  EXPECT_TRUE(engine_->RevokeUser("admin", "admin2").ok());
}

// A revocation retried with its request id is done once: the retry gets the
// user as revoked the first time, not "revoked already".
TEST_F(UsersTest, ARevocationRetriedWithItsRequestIdIsDoneOnce) {
  Add("admin", "programme_admin");
  Add("lea.moreau", "counsellor");
  auto first = engine_->RevokeUser("lea.moreau", "admin", "revoke-lea-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = engine_->RevokeUser("lea.moreau", "admin", "revoke-lea-1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->name, "lea.moreau");
  EXPECT_EQ(again->revoked, first->revoked);
  EXPECT_EQ(again->revoked_by, "admin");
  // The id is the revocation's: another command under it is refused.
  auto other = engine_->AddUser({"marc.petit", "counsellor", "admin", "revoke-lea-1"});
  ASSERT_TRUE(other.status().IsRefused()) << other.status().ToString();
  // Without the id, a second revocation is refused as before.
  auto twice = engine_->RevokeUser("lea.moreau", "admin");
  ASSERT_TRUE(twice.status().IsRefused()) << twice.status().ToString();
}

TEST_F(UsersTest, RevokeWithNoUser) {
  auto r = engine_->RevokeUser("nobody", "admin");
  ASSERT_TRUE(r.status().IsNotFound()) << r.status().ToString();
  EXPECT_TRUE(Has(r.status().allowed(), "No user exists")) << r.status().ToString();
}

// ---- referents ------------------------------------------------------------------------

TEST_F(UsersTest, AnyReferentWhileNoUserExists) {
  EXPECT_TRUE(CheckKnownReferent(*store_, "whoever").ok());
}

TEST_F(UsersTest, ReferentsMustBeActiveUsers) {
  Add("lea.moreau", "counsellor");
  Add("marc.petit", "counsellor");
  Add("admin", "programme_admin");
  EXPECT_TRUE(CheckKnownReferent(*store_, "lea.moreau").ok());

  Status s = CheckKnownReferent(*store_, "lea.moraeu");
  ASSERT_TRUE(s.IsRefused()) << s.ToString();
  EXPECT_TRUE(Has(s.message(), "referent \"lea.moraeu\" is not a user")) << s.ToString();
  EXPECT_TRUE(Has(s.message(), "did you mean \"lea.moreau\"")) << s.ToString();
  EXPECT_TRUE(Has(s.allowed(), "Nearest active users: lea.moreau, ")) << s.ToString();

  ASSERT_TRUE(engine_->RevokeUser("marc.petit", "admin").ok());
  s = CheckKnownReferent(*store_, "marc.petit");
  ASSERT_TRUE(s.IsRefused()) << s.ToString();
  EXPECT_TRUE(Has(s.message(), "revoked")) << s.ToString();
  EXPECT_FALSE(Has(s.allowed(), "marc.petit")) << s.ToString();  // only active users are offered

  s = CheckKnownReferent(*store_, std::string(500, 'z'));  // too long to measure: still answered
  EXPECT_TRUE(s.IsRefused()) << s.ToString();
}

}  // namespace
}  // namespace parcours
