// Tests for the engine's referents and caseloads (engine.h): assigning a
// pathway to another referent, and the caseload queries. The fixture is in
// engine_test_fixture.h.
#include "parcours/engine.h"

#include <string>

#include <gtest/gtest.h>

#include "engine_test_fixture.h"

namespace parcours {
namespace {

using namespace engine_testing;  // NOLINT

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
                {"{arg:all} and {arg:referent} \"bob\" contradict each other"});
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
