// The engine's deadlines (Engine::Due, Engine::ProcessDeadlines) and notes
// (Engine::Note), on a store in a temporary directory whose "today" the test
// moves. Workflow files and states: deadlines_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "parcours/engine.h"
#include "schema/codec.h"
#include "schema/indexes.h"
#include "schema/keys.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

using testing::D;

class SettableClock : public Clock {
 public:
  explicit SettableClock(Date today) : today_(today) {}
  void Set(Date today) { today_ = today; }
  Date today() const override { return today_; }
  std::string now_timestamp() const override { return SystemClock().now_timestamp(); }

 private:
  Date today_;
};

class DeadlineEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Open());
    auto installed = engine_->InstallProgramme(testing::ReadSource("workflows/insertion.yaml"), "insertion.yaml", "admin");
    ASSERT_TRUE(installed.ok()) << installed.status().ToString();
  }
  void TearDown() override { Close(); }

  void Open() {
    StoreOptions options;
    options.create = true;
    auto store = Store::Open(dir_.path(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_);
  }
  void Close() {
    engine_.reset();
    store_.reset();
  }
  void Reopen() {
    Close();
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  // A new person enrolled in insertion on `date`, followed by `referent`.
  std::string Enroll(const std::string& name, const char* date, const std::string& referent = "lea") {
    AddPersonRequest p;
    p.name = name;
    p.birth = "1990-05-05";
    p.sex = "F";
    p.actor = referent;
    auto person = engine_->AddPerson(p);
    EXPECT_TRUE(person.ok()) << person.status().ToString();
    EnrollRequest e;
    e.person = person.ok() ? person->id : "";
    e.programme = "insertion";
    e.date = date;
    e.referent = referent;
    e.fields = {{"prescriber", "ccas"}};
    e.actor = referent;
    auto r = engine_->Enroll(e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->state.id : "";
  }
  void Advance(const std::string& pw, const std::string& transition, const char* date, RawFields fields = {}) {
    auto r = engine_->Advance(AdvanceRequest{pw, transition, date, std::move(fields), "lea", ""});
    EXPECT_TRUE(r.ok()) << transition << ": " << r.status().ToString();
  }
  Result<std::vector<DueEntry>> Due(const std::string& actor, bool all = false, const std::string& referent = "",
                                    const std::string& programme = "", std::optional<std::string> before = {}) {
    DueQuery q;
    q.actor = actor;
    q.all = all;
    q.referent = referent;
    q.programme = programme;
    q.before = std::move(before);
    return engine_->Due(q);
  }
  std::vector<Event> Events(const std::string& pw) {
    auto view = engine_->GetPathway(pw);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? view->events : std::vector<Event>{};
  }
  int Process() {
    auto n = engine_->ProcessDeadlines();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  Result<CommandResult> Note(const std::string& pw, const std::string& text, std::optional<std::string> date = {}) {
    NoteRequest n;
    n.pathway = pw;
    n.text = text;
    n.date = std::move(date);
    n.actor = "lea";
    return engine_->Note(n);
  }
  // The keys of the report index ("day" entries).
  std::vector<std::string> DayKeys() {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_->ScanPrefix(Domain::kIndexes, std::string("day\0", 4), [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return true;
    }).ok());
    return keys;
  }

  testing::TempDir dir_;
  SettableClock clock_{D("2026-02-20")};
  boost::asio::io_context io_;
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("deadlines-test");
  std::unique_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
};

// ---- due ---------------------------------------------------------------------------

TEST_F(DeadlineEngineTest, DueListsOpenDeadlinesSoonestFirst) {
  const std::string a = Enroll("Awa Diallo", "2026-01-10");
  const std::string b = Enroll("Brice Martin", "2026-01-05", "marc");
  const std::string c = Enroll("Chloé Petit", "2026-01-02");
  Advance(c, "exit", "2026-02-01", {{"reason", "moved"}});
  auto due = Due("lea", /*all=*/true);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].state.id, b);
  EXPECT_EQ((*due)[0].deadline, "positioning");
  EXPECT_EQ((*due)[0].label, "Positionnement sous 30 jours");
  EXPECT_EQ((*due)[0].due, D("2026-02-04"));
  EXPECT_EQ((*due)[0].days_left, -16);
  EXPECT_EQ((*due)[0].person_name, "Brice Martin");
  EXPECT_EQ((*due)[1].state.id, a);
  EXPECT_EQ((*due)[1].due, D("2026-02-09"));
  EXPECT_EQ((*due)[2].state.id, c);
  EXPECT_EQ((*due)[2].deadline, "follow_up");
  EXPECT_EQ((*due)[2].due, D("2026-08-01"));
  EXPECT_EQ((*due)[2].days_left, 162);
}

TEST_F(DeadlineEngineTest, DueFiltersByReferentProgrammeAndDate) {
  const std::string a = Enroll("Awa Diallo", "2026-01-10");
  const std::string b = Enroll("Brice Martin", "2026-01-05", "marc");
  auto ids = [](const Result<std::vector<DueEntry>>& r) {
    std::vector<std::string> out;
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok())
      for (const auto& e : *r) out.push_back(e.state.id);
    return out;
  };
  EXPECT_EQ(ids(Due("lea")), std::vector<std::string>{a});  // the actor's own by default
  EXPECT_EQ(ids(Due("lea", false, "marc")), std::vector<std::string>{b});
  EXPECT_EQ(ids(Due("", false)), (std::vector<std::string>{b, a}));  // no actor: everyone's
  EXPECT_EQ(ids(Due("lea", true, "", "insertion", "2026-02-04")), std::vector<std::string>{b});  // inclusive
  EXPECT_EQ(ids(Due("lea", true, "", "", "2026-02-03")), std::vector<std::string>{});
  EXPECT_EQ(ids(Due("lea", true, "", "", "today")), (std::vector<std::string>{b, a}));

  // Assigning moves the deadline to the new referent's list.
  ASSERT_TRUE(engine_->Assign(AssignRequest{a, "marc", "lea", ""}).ok());
  EXPECT_EQ(ids(Due("marc")), (std::vector<std::string>{b, a}));
  EXPECT_EQ(ids(Due("lea")), std::vector<std::string>{});
  // One referent's, up to a date (inclusive) and of one programme.
  EXPECT_EQ(ids(Due("marc", false, "", "", "2026-02-08")), std::vector<std::string>{b});
  EXPECT_EQ(ids(Due("marc", false, "", "", "2026-02-09")), (std::vector<std::string>{b, a}));
  EXPECT_EQ(ids(Due("lea", false, "marc", "insertion", "2026-02-03")), std::vector<std::string>{});
  EXPECT_EQ(ids(Due("lea", false, "marc", "insertion")), (std::vector<std::string>{b, a}));

  auto atelier = engine_->InstallProgramme(
      "programme: atelier\nsteps:\n  - id: open\n    initial: true\n  - id: done\n    final: true\n"
      "transitions:\n  - id: finish\n    from: [open]\n    to: done\n",
      "atelier.yaml", "admin");
  ASSERT_TRUE(atelier.ok()) << atelier.status().ToString();
  EXPECT_EQ(ids(Due("lea", true, "", "atelier")), std::vector<std::string>{});
}

// The index by referent holds the entries of the index by date (missed ones
// apart), no more:
// opened, moved by an assignment, missed, cleared and reopened by a void in
// the same batches.
TEST_F(DeadlineEngineTest, TheIndexByReferentMirrorsTheIndexByDate) {
  auto scan = [&](const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_TRUE(store_->ScanPrefix(Domain::kIndexes, prefix, [&](std::string_view k, std::string_view v) {
      out.emplace_back(k, v);
      return true;
    }).ok());
    return out;
  };
  auto mirrored = [&] {
    std::vector<std::pair<std::string, std::string>> expected;
    auto by_date = scan(keys::DuePrefix());
    for (const auto& [key, value] : by_date) EXPECT_FALSE(codec::DecodeDueValue(value)->missed) << key;
    for (const auto& [key, value] : scan(keys::DueMissedPrefix())) {
      EXPECT_TRUE(codec::DecodeDueValue(value)->missed) << key;
      by_date.emplace_back(key, value);
    }
    for (const auto& [key, value] : by_date) {
      auto due = codec::DecodeDueValue(value);
      auto parts = ParseDueKey(key);
      EXPECT_TRUE(due.ok() && parts.ok());
      if (!due.ok() || !parts.ok()) continue;
      expected.emplace_back(keys::DueOfReferent(due->referent, parts->due.iso(), parts->pathway, parts->deadline),
                            value);
    }
    std::sort(expected.begin(), expected.end());
    return expected;
  };
  const std::string due_ref = keys::Join({"due_ref", ""});
  const std::string a = Enroll("Awa Diallo", "2026-01-10");
  const std::string b = Enroll("Brice Martin", "2026-01-05", "marc");
  const std::string c = Enroll("Chloé Petit", "2026-01-02");
  EXPECT_EQ(scan(due_ref).size(), 3u);
  EXPECT_EQ(scan(due_ref), mirrored());
  ASSERT_TRUE(engine_->Assign(AssignRequest{a, "marc", "lea", ""}).ok());
  EXPECT_EQ(scan(keys::DueOfReferentPrefix("marc")).size(), 2u);
  EXPECT_EQ(scan(due_ref), mirrored());
  EXPECT_EQ(Process(), 3);  // all three passed: missed, and apart
  EXPECT_EQ(scan(keys::DueMissedPrefix()).size(), 3u);
  EXPECT_TRUE(scan(keys::DuePrefix()).empty());
  EXPECT_EQ(scan(due_ref), mirrored());
  Advance(c, "exit", "2026-02-01", {{"reason", "moved"}});  // clears positioning, opens the follow-up
  EXPECT_EQ(scan(due_ref), mirrored());
  // Everyone's: the missed ones and the others, soonest first.
  auto all = Due("lea", /*all=*/true);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> order;
  for (const auto& d : *all) order.push_back(d.state.id + " " + d.deadline + " " + d.due.iso());
  EXPECT_EQ(order, (std::vector<std::string>{b + " positioning 2026-02-04", a + " positioning 2026-02-09",
                                             c + " follow_up 2026-08-01"}));
  auto voided = engine_->Void(VoidRequest{c, "not an exit", "lea", Events(c).back().seq, ""});
  ASSERT_TRUE(voided.ok()) << voided.status().ToString();
  EXPECT_EQ(scan(due_ref), mirrored());
  Advance(b, "position", "2026-02-10");
  EXPECT_EQ(scan(keys::DueOfReferentPrefix("marc")).size(), 1u);
  EXPECT_EQ(scan(due_ref), mirrored());
}

TEST_F(DeadlineEngineTest, DueRefusesWhatItCannotAnswer) {
  auto both = Due("lea", true, "marc");
  EXPECT_TRUE(both.status().IsRefused());
  EXPECT_NE(both.status().ToString().find("everyone's deadlines and those of referent \"marc\""), std::string::npos)
      << both.status().ToString();
  auto date = Due("lea", true, "", "", "2026-02-30");
  EXPECT_TRUE(date.status().IsRefused());
  EXPECT_NE(date.status().ToString().find("date \"2026-02-30\" is not valid"), std::string::npos);
  auto programme = Due("lea", true, "", "insertoin");
  EXPECT_TRUE(programme.status().IsNotFound());
  EXPECT_NE(programme.status().ToString().find("Installed programmes: insertion"), std::string::npos)
      << programme.status().ToString();
}

// ---- deadlines that pass -------------------------------------------------------------

TEST_F(DeadlineEngineTest, APassedDeadlineIsRecordedOnceAsMissed) {
  const std::string a = Enroll("Awa Diallo", "2026-01-10");  // positioning due 2026-02-09
  const std::string b = Enroll("Brice Martin", "2026-01-21");  // due 2026-02-20: today, not passed
  EXPECT_EQ(Process(), 1);
  const auto events = Events(a);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, EventKind::kDeadlineMissed);
  EXPECT_EQ(events[1].action, "deadline_missed");
  EXPECT_EQ(events[1].date, D("2026-02-10"));  // the first day it was missed
  EXPECT_EQ(events[1].actor, "parcours");
  EXPECT_EQ(events[1].data, (Json{{"deadline", "positioning"}, {"due", "2026-02-09"}}));
  EXPECT_EQ(Events(b).size(), 1u);
  auto view = engine_->GetPathway(a);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->state.deadlines.at("positioning").missed);
  EXPECT_EQ(view->state.last_event, D("2026-01-10"));  // not a contact with the person

  EXPECT_EQ(Process(), 0);  // exactly once
  EXPECT_EQ(Events(a).size(), 2u);
  auto due = Due("lea");
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);  // still due (overdue) until positioning clears it
  EXPECT_EQ((*due)[0].days_left, -11);

  clock_.Set(D("2026-02-21"));  // now b's deadline has passed too
  EXPECT_EQ(Process(), 1);
  EXPECT_EQ(Events(b).size(), 2u);
  EXPECT_EQ(Process(), 0);

  Advance(a, "position", "2026-02-21");
  auto after = Due("lea");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].state.id, b);
}

TEST_F(DeadlineEngineTest, ProcessingSurvivesReopeningTheStore) {
  const std::string a = Enroll("Awa Diallo", "2026-01-10");
  Advance(a, "exit", "2026-01-31", {{"reason", "moved"}});  // follow_up due 2026-07-31
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Process(), 0);
  clock_.Set(D("2026-08-01"));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Process(), 1);
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Process(), 0);
  const auto events = Events(a);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].data, (Json{{"deadline", "follow_up"}, {"due", "2026-07-31"}}));
}

TEST_F(DeadlineEngineTest, AClearedDeadlineNeverFires) {
  const std::string a = Enroll("Awa Diallo", "2026-01-05");
  Advance(a, "position", "2026-01-20");
  const std::string b = Enroll("Brice Martin", "2026-01-05");
  Advance(b, "exit", "2026-01-06", {{"reason", "refused"}});  // clears positioning; follow_up not due yet
  clock_.Set(D("2026-07-05"));
  EXPECT_EQ(Process(), 0);
  EXPECT_EQ(Events(a).size(), 2u);
  EXPECT_EQ(Events(b).size(), 2u);
}

TEST_F(DeadlineEngineTest, VoidingTheClearingEventReopensTheDeadlineOnce) {
  const std::string a = Enroll("Awa Diallo", "2026-01-05");  // due 2026-02-04
  Advance(a, "position", "2026-01-20");
  auto voided = engine_->Void(VoidRequest{a, "wrong pathway", "lea", 2, ""});
  ASSERT_TRUE(voided.ok()) << voided.status().ToString();
  EXPECT_EQ(voided->state.deadlines.at("positioning").due, D("2026-02-04"));
  EXPECT_EQ(Process(), 1);
  EXPECT_EQ(Process(), 0);
  EXPECT_EQ(Events(a).size(), 4u);
}

// ---- notes ---------------------------------------------------------------------------

TEST_F(DeadlineEngineTest, ANoteIsInTheHistoryAndNowhereElse) {
  const std::string a = Enroll("Awa Diallo", "2026-01-10");
  Advance(a, "position", "2026-02-01");
  const auto day_keys = DayKeys();
  auto before = engine_->GetPathway(a);
  ASSERT_TRUE(before.ok());
  auto note = Note(a, "  Appelée, pas de réponse ;   rappeler lundi.  ", "2026-01-25");  // before the latest event
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->event.kind, EventKind::kNote);
  EXPECT_EQ(note->event.action, "note");
  EXPECT_EQ(note->event.seq, 3u);
  EXPECT_EQ(note->event.date, D("2026-01-25"));
  EXPECT_EQ(note->event.data, (Json{{"text", "Appelée, pas de réponse ; rappeler lundi."}}));
  EXPECT_EQ(note->event.from, "positioning");
  EXPECT_EQ(note->event.to, "positioning");
  auto after = engine_->GetPathway(a);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->events.size(), 3u);
  EXPECT_EQ(after->events[2].kind, EventKind::kNote);
  EXPECT_EQ(after->state.last_seq, 3u);
  EXPECT_EQ(after->state.last_event, before->state.last_event);
  EXPECT_EQ(after->state.step_since, before->state.step_since);
  EXPECT_EQ(DayKeys(), day_keys);  // never in reports

  auto today = Note(a, "Seen today.");
  ASSERT_TRUE(today.ok()) << today.status().ToString();
  EXPECT_EQ(today->event.date, D("2026-02-20"));
  Advance(a, "exit", "2026-02-20", {{"reason", "moved"}});
  EXPECT_TRUE(Note(a, "Moved to Lyon, new address given.").ok());  // exited pathways take notes
}

TEST_F(DeadlineEngineTest, ANoteRefusesBadInput) {
  const std::string a = Enroll("Awa Diallo", "2026-01-10");
  auto expect = [](const Result<CommandResult>& r, Status::Code code, const std::string& needle) {
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find(needle), std::string::npos) << r.status().ToString();
  };
  expect(Note(a, "   "), Status::Code::kRefused, "note");
  expect(Note(a, std::string(501, 'x')), Status::Code::kRefused, "500");
  expect(Note(a, "bell\x07"), Status::Code::kRefused, "control");
  expect(Note(a, "ok", "2026-02-21"), Status::Code::kRefused, "date 2026-02-21 is in the future");
  expect(Note(a, "ok", "2026-01-09"), Status::Code::kRefused,
         "date 2026-01-09 is before the enrolment of " + a + " (2026-01-10)");
  expect(Note(a, "ok", "last week"), Status::Code::kRefused, "date \"last week\" is not valid");
  expect(Note("W-ZZZZZ", "ok"), Status::Code::kNotFound, "no pathway W-ZZZZZ");
  EXPECT_EQ(Events(a).size(), 1u);
}

}  // namespace
}  // namespace parcours
