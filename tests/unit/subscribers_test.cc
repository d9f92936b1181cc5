// Durable subscribers: a cursor in the store per subscriber over the commit
// log (engine/src/core/subscribers.cc).
#include "engine_test_fixture.h"

namespace parcours::engine_testing {
namespace {

class SubscriberTest : public EngineTest {
 protected:
  struct Seen {
    std::vector<std::string> events;  // "pathway#seq"
    int fail_at = -1;                 // the handler fails on this call (0-based), once
    int calls = 0;
  };

  Status Add(Seen& seen, const std::string& name = "projection", bool from_start = true) {
    return engine_->AddSubscriber(
        name,
        [&seen](const Event& e) {
          if (seen.calls++ == seen.fail_at) return Status::Internal("the projection is down");
          seen.events.push_back(e.pathway + "#" + std::to_string(e.seq));
          return Status::Ok();
        },
        from_start);
  }

  // A new engine on the same store, as a process started after a kill: the
  // io_context of the previous one never ran.
  void Restart() {
    engine_.reset();
    io_.restart();
    io_.poll();  // nothing of the old engine is left to run
    io_.restart();
    engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_);
  }

  std::string NewPathway(const std::string& name) { return Enroll(AddPerson(name, "1990-04-02").id); }
};

TEST_F(SubscriberTest, ASubscriberSeesEveryEventInCommitOrder) {
  const std::string a = NewPathway("Awa Diallo");
  const std::string b = NewPathway("Jean Martin");
  Advance(a, "position");
  Advance(b, "position");
  Seen seen;
  ASSERT_TRUE(Add(seen).ok());
  Drain();
  EXPECT_EQ(seen.events, (Strings{a + "#1", b + "#1", a + "#2", b + "#2"}));
  Advance(a, "exit", "", {{"reason", "other"}});
  Drain();
  EXPECT_EQ(seen.events.back(), a + "#3");
  EXPECT_EQ(seen.events.size(), 5u);
}

// With no workflow declaring after-commit actions, their subscriber keeps
// up with the log without reading the events.
TEST_F(SubscriberTest, TheAfterCommitCursorFollowsTheLogWhenNoWorkflowHasActions) {
  const std::string a = NewPathway("Awa Diallo");
  Advance(a, "position");
  // An event the log names is gone: reading it would stop the subscriber.
  WriteBatch gone;
  gone.Delete(Domain::kEvents, a + '\0' + "0000000002");
  ASSERT_TRUE(store_->Write(gone).ok());
  Drain();
  auto head = store_->Get(Domain::kMeta, "log_head");
  auto cursor = store_->Get(Domain::kMeta, std::string("cursor") + '\0' + "after_commit");
  ASSERT_TRUE(head.ok() && cursor.ok());
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ(*cursor, *head);
}

TEST_F(SubscriberTest, ASubscriberResumesAfterAKillWhereItStopped) {
  const std::string a = NewPathway("Awa Diallo");
  Seen first;
  ASSERT_TRUE(Add(first).ok());
  Drain();
  ASSERT_EQ(first.events, (Strings{a + "#1"}));
  // Committed, then the process dies before delivering.
  Advance(a, "position");
  Advance(a, "exit", "", {{"reason", "other"}});
  Restart();
  Seen second;
  ASSERT_TRUE(Add(second).ok());
  Drain();
  EXPECT_EQ(second.events, (Strings{a + "#2", a + "#3"}));
}

TEST_F(SubscriberTest, AFailingHandlerStopsAndGetsTheSameEventAgain) {
  const std::string a = NewPathway("Awa Diallo");
  Advance(a, "position");
  Seen seen;
  seen.fail_at = 1;  // fails on #2
  ASSERT_TRUE(Add(seen).ok());
  Drain();
  EXPECT_EQ(seen.events, (Strings{a + "#1"}));
  // The next commit wakes it: #2 again, then #3.
  Advance(a, "exit", "", {{"reason", "other"}});
  Drain();
  EXPECT_EQ(seen.events, (Strings{a + "#1", a + "#2", a + "#3"}));
}

TEST_F(SubscriberTest, ANewSubscriberCanStartAtTheNextEvent) {
  const std::string a = NewPathway("Awa Diallo");
  Seen seen;
  ASSERT_TRUE(Add(seen, "from_now", /*from_start=*/false).ok());
  Drain();
  EXPECT_TRUE(seen.events.empty());
  Advance(a, "position");
  Drain();
  EXPECT_EQ(seen.events, (Strings{a + "#2"}));
}

TEST_F(SubscriberTest, BadOrRepeatedNamesAreRefused) {
  Seen seen;
  ASSERT_TRUE(Add(seen).ok());
  Status again = Add(seen);
  EXPECT_TRUE(again.IsRefused());
  EXPECT_TRUE(Contains(again.message(), "already added"));
  Status bad = Add(seen, "Has Space");
  EXPECT_TRUE(bad.IsRefused());
  EXPECT_TRUE(Contains(bad.ToString(), "a-z, 0-9"));
}

TEST_F(SubscriberTest, CommitStatsCountBatchesAndCommands) {
  const auto before = engine_->commit_stats();
  NewPathway("Awa Diallo");  // a registration and an enrolment
  const auto after = engine_->commit_stats();
  EXPECT_EQ(after.committed - before.committed, 2u);
  EXPECT_EQ(after.batches - before.batches, 2u);
}

}  // namespace
}  // namespace parcours::engine_testing
