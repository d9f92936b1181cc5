// The command path: plans on snapshots, group commit, conflicts planned
// again or refused, request ids (engine/src/core/commit.h, requests.cc).
#include <atomic>
#include <set>
#include <thread>

#include "core/commit.h"
#include "engine_test_fixture.h"

namespace parcours::engine_testing {
namespace {

class CommitTest : public EngineTest {
 protected:
  // Runs `n` threads calling `body(i)` at once, and waits for them.
  template <typename F>
  static void Concurrently(int n, F body) {
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < n) std::this_thread::yield();
        body(i);
      });
    }
    for (auto& t : threads) t.join();
  }

  Result<CommandResult> Interview(const std::string& pathway, const std::string& request_id = "") {
    RecordRequest req;
    req.pathway = pathway;
    req.milestone = "interview";
    req.fields = {{"mode", "phone"}};
    req.actor = "counsellor";
    req.request_id = request_id;
    return engine_->Record(req);
  }

  std::vector<Event> Events(const std::string& pathway) {
    auto view = engine_->GetPathway(pathway);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? view->events : std::vector<Event>{};
  }
};

// ---- the committer alone ---------------------------------------------------------

TEST_F(CommitTest, CommitterRefusesAMutationWhoseExpectationChangedInTheSameBatch) {
  auto opened = Committer::Open(*store_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Committer& committer = **opened;
  Mutation first;
  first.ExpectAbsent(Domain::kMeta, "k");
  first.Put(Domain::kMeta, "k", "first");
  Mutation second;
  second.ExpectAbsent(Domain::kMeta, "k");
  second.Put(Domain::kMeta, "k", "second");
  EXPECT_EQ(committer.Commit(std::move(first)).outcome, Committer::Outcome::kCommitted);
  EXPECT_EQ(committer.Commit(std::move(second)).outcome, Committer::Outcome::kConflict);
  auto value = store_->Get(Domain::kMeta, "k");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), "first");
  EXPECT_EQ(committer.stats().conflicts, 1u);
}

TEST_F(CommitTest, CommitterChecksPrefixesAgainstEarlierWritesOfTheBatch) {
  auto opened = Committer::Open(*store_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Committer& committer = **opened;
  Mutation m;
  m.Put(Domain::kMeta, std::string("p\0a", 3), "");
  ASSERT_EQ(committer.Commit(std::move(m)).outcome, Committer::Outcome::kCommitted);
  Mutation stale;  // read the prefix empty
  stale.expect_prefixes.push_back({Domain::kMeta, std::string("p\0", 2), {}});
  EXPECT_EQ(committer.Commit(std::move(stale)).outcome, Committer::Outcome::kConflict);
  Mutation fresh;
  fresh.expect_prefixes.push_back({Domain::kMeta, std::string("p\0", 2), {std::string("p\0a", 3)}});
  EXPECT_EQ(committer.Commit(std::move(fresh)).outcome, Committer::Outcome::kCommitted);
}

TEST_F(CommitTest, ConcurrentMutationsShareBatches) {
  auto opened = Committer::Open(*store_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Committer& committer = **opened;
  constexpr int kThreads = 16, kEach = 20;
  std::atomic<int> committed{0};
  Concurrently(kThreads, [&](int i) {
    for (int j = 0; j < kEach; ++j) {
      Mutation m;
      const std::string key = "t" + std::to_string(i) + "-" + std::to_string(j);
      m.ExpectAbsent(Domain::kMeta, key);
      m.Put(Domain::kMeta, key, "x");
      if (committer.Commit(std::move(m)).outcome == Committer::Outcome::kCommitted) committed.fetch_add(1);
    }
  });
  EXPECT_EQ(committed.load(), kThreads * kEach);
  const auto stats = committer.stats();
  EXPECT_EQ(stats.committed, uint64_t{kThreads * kEach});
  EXPECT_LE(stats.batches, stats.committed);
}

TEST_F(CommitTest, SnapshotDoesNotSeeLaterWrites) {
  const auto snapshot = store_->Snapshot();
  WriteBatch batch;
  batch.Put(Domain::kMeta, "later", "x");
  ASSERT_TRUE(store_->Write(batch).ok());
  auto seen = snapshot->Get(Domain::kMeta, "later");
  ASSERT_TRUE(seen.ok());
  EXPECT_FALSE(seen->has_value());
  auto now = store_->Get(Domain::kMeta, "later");
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(now->has_value());
}

// ---- conflicting plans through the engine -----------------------------------------------

TEST_F(CommitTest, ConcurrentCommandsOnOnePathwayAreAllKeptInOrder) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  constexpr int kThreads = 8, kEach = 10;
  std::atomic<int> failed{0};
  Concurrently(kThreads, [&](int) {
    for (int j = 0; j < kEach; ++j)
      if (!Interview(pw).ok()) failed.fetch_add(1);
  });
  EXPECT_EQ(failed.load(), 0);
  const auto events = Events(pw);
  ASSERT_EQ(events.size(), std::size_t{1 + kThreads * kEach});
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, i + 1);
  EXPECT_EQ(State(pw).last_seq, uint32_t{1 + kThreads * kEach});
}

TEST_F(CommitTest, TheSamePersonRegisteredAtOnceIsRegisteredOnce) {
  std::atomic<int> added{0}, refused{0};
  Concurrently(8, [&](int) {
    AddPersonRequest req;
    req.name = "Jean Martin";
    req.birth = "1985-06-01";
    req.sex = "M";
    req.actor = "counsellor";
    auto r = engine_->AddPerson(req);
    if (r.ok()) added.fetch_add(1);
    else if (r.status().IsRefused() && Contains(r.status().message(), "already exists")) refused.fetch_add(1);
  });
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(refused.load(), 7);
}

TEST_F(CommitTest, OnePersonEnrolledAtOnceInOneProgrammeGetsOnePathway) {
  const std::string person = AddPerson("Awa Diallo", "1990-04-02").id;
  std::atomic<int> enrolled{0}, refused{0};
  Concurrently(8, [&](int) {
    auto r = TryEnroll(person);
    if (r.ok()) enrolled.fetch_add(1);
    else if (Contains(r.status().message(), "already has an active pathway")) refused.fetch_add(1);
  });
  EXPECT_EQ(enrolled.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  auto pathways = engine_->PathwaysOfPerson(person);
  ASSERT_TRUE(pathways.ok());
  EXPECT_EQ(pathways->size(), 1u);
}

// ---- request ids ---------------------------------------------------------------------

TEST_F(CommitTest, ARepeatedRequestIdReturnsTheFirstResultAndWritesNothing) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  auto first = Interview(pw, "req-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(Interview(pw).ok());  // another interview after it
  Drain();
  const std::size_t published = published_.size();
  const std::string digest = StoreDigest(dir_.path());
  auto again = Interview(pw, "req-1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->event.seq, first->event.seq);
  EXPECT_EQ(again->state.last_seq, first->state.last_seq);
  EXPECT_EQ(StoreDigest(dir_.path()), digest);
  Drain();
  EXPECT_EQ(published_.size(), published);
  EXPECT_EQ(Events(pw).size(), 3u);
}

TEST_F(CommitTest, ConcurrentRetriesOfOneRequestCommitOnce) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  std::set<uint32_t> seqs;
  std::mutex mu;
  Concurrently(8, [&](int) {
    auto r = Interview(pw, "retry-me");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::lock_guard lock(mu);
    seqs.insert(r->event.seq);
  });
  EXPECT_EQ(seqs.size(), 1u);
  EXPECT_EQ(Events(pw).size(), 2u);
}

TEST_F(CommitTest, ARequestIdReusedForAnotherCommandIsRefused) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  ASSERT_TRUE(Interview(pw, "req-2").ok());
  ExpectRefusal(
      [&] {
        AdvanceRequest req;
        req.pathway = pw;
        req.transition = "position";
        req.actor = "counsellor";
        req.request_id = "req-2";
        return engine_->Advance(req).status();
      },
      kRefused, {"request id \"req-2\" was already used for a milestone", "own request id"});
}

// The same command with other arguments under a used id is refused: answering
// it with the first command's result would acknowledge a write never made.
TEST_F(CommitTest, ARequestIdReusedWithOtherArgumentsIsRefused) {
  const std::string awa = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  const std::string marc = Enroll(AddPerson("Marc Petit", "1985-09-12").id);
  ASSERT_TRUE(Interview(awa, "req-4").ok());
  Drain();  // the subscribers' cursors move after a commit
  const std::string digest = StoreDigest(dir_.path());
  ExpectRefusal([&] { return Interview(marc, "req-4").status(); }, kRefused,
                {"request id \"req-4\" was already used for a milestone", "with other arguments",
                 "the same arguments"});
  EXPECT_EQ(StoreDigest(dir_.path()), digest);
  EXPECT_EQ(Events(marc).size(), 1u);
  // The same arguments again are the same request: its first result.
  auto again = Interview(awa, "req-4");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Events(awa).size(), 2u);
}

TEST_F(CommitTest, AMalformedRequestIdIsAUsageError) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  ExpectRefusal([&] { return Interview(pw, "has space").status(); }, Status::Code::kUsage,
                {"request id \"has space\" is not valid", "letters, digits"});
  ExpectRefusal([&] { return Interview(pw, std::string(129, 'a')).status(); }, Status::Code::kUsage,
                {"is not valid", "1 to 128 characters"});
}

TEST_F(CommitTest, ARequestIdOfARefusedCommandIsNotRemembered) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  AdvanceRequest req;
  req.pathway = pw;
  req.transition = "place";  // not possible from referral
  req.actor = "counsellor";
  req.request_id = "req-3";
  EXPECT_TRUE(engine_->Advance(req).status().IsRefused());
  req.transition = "position";
  auto r = engine_->Advance(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->state.step, "positioning");
}

TEST_F(CommitTest, RequestIdsAreForgottenAfterTheirDays) {
  const std::string pw = Enroll(AddPerson("Awa Diallo", "1990-04-02").id);
  ASSERT_TRUE(Interview(pw, "old").ok());
  // Kept for kRequestIdDays: a new engine on the same store within them
  // still knows it.
  engine_.reset();
  clock_ = FixedDateClock(D(kToday).plus_days(kRequestIdDays));
  engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_);
  auto kept = Interview(pw, "old");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->event.seq, 2u);
  // Forgotten once more days than that have passed: the id is new again.
  engine_.reset();
  clock_ = FixedDateClock(D(kToday).plus_days(kRequestIdDays + 2));
  engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_);
  auto fresh = Interview(pw, "old");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->event.seq, 3u);
}

}  // namespace
}  // namespace parcours::engine_testing
