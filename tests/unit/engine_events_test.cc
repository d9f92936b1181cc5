// Tests for the engine's events (engine.h): commands from several threads at
// once, publication on the event bus, and the dates events may take. The
// fixture is in engine_test_fixture.h.
#include "parcours/engine.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine_test_fixture.h"

namespace parcours {
namespace {

using namespace engine_testing;  // NOLINT

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

}  // namespace
}  // namespace parcours
