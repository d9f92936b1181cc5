// The fixture of the engine's unit tests (engine_test.cc and its parts:
// engine_persons_test.cc, engine_void_test.cc, engine_events_test.cc,
// engine_caseload_test.cc): EngineTest, an Engine on a store in a temporary
// directory with the `insertion` programme installed, a recorder of published
// events, and the commands each test runs, by "counsellor".
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "parcours/engine.h"
#include "support/engine_fixture.h"

namespace parcours::engine_testing {

using testing::D;
using testing::StoreDigest;
using Strings = std::vector<std::string>;

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A caseload query by programme, step and referent (everyone's when no referent).
inline CaseloadQuery Q(const std::string& programme, const std::string& step, const std::string& referent) {
  CaseloadQuery q;
  q.programme = programme;
  q.step = step;
  q.referent = referent;
  return q;
}

// A second, tiny programme.
inline constexpr const char* kAtelierYaml = R"(programme: atelier
label: Atelier
steps:
  - id: open
    label: Ouvert
    initial: true
  - id: done
    label: Fini
    final: true
transitions:
  - id: finish
    from: [open]
    to: done
)";

inline constexpr const char* kToday = "2026-03-15";

class EngineTest : public testing::EngineTestBase {
 protected:
  EngineTest() : EngineTestBase(kToday, "engine-test") {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenEngine());
    engine_->bus().Subscribe("recorder", [this](const Event& e) { published_.push_back(e); });
    ASSERT_NO_FATAL_FAILURE(InstallFromSource("workflows/insertion.yaml", "workflows/insertion.yaml"));
  }

  // Runs every delivery posted so far.
  void Drain() {
    io_.restart();
    io_.poll();
  }

  Result<CommandResult> TryEnroll(const std::string& person, const std::string& date = "",
                                  RawFields fields = {{"prescriber", "ccas"}},
                                  const std::string& referent = "",
                                  const std::string& programme = "insertion") {
    EnrollRequest req;
    req.person = person;
    req.programme = programme;
    if (!date.empty()) req.date = date;  // "": the request leaves the date out
    req.referent = referent;
    req.fields = std::move(fields);
    req.actor = "counsellor";
    return engine_->Enroll(req);
  }

  std::string Enroll(const std::string& person, const std::string& date = "",
                     const std::string& referent = "", const std::string& programme = "insertion") {
    RawFields fields;
    if (programme == "insertion") fields["prescriber"] = "ccas";
    auto r = TryEnroll(person, date, fields, referent, programme);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->state.id : std::string();
  }

  Result<CommandResult> TryAdvance(const std::string& pathway, const std::string& transition,
                                   const std::string& date = "", RawFields fields = {}) {
    AdvanceRequest req;
    req.pathway = pathway;
    req.transition = transition;
    if (!date.empty()) req.date = date;  // "": the request leaves the date out
    req.fields = std::move(fields);
    req.actor = "counsellor";
    return engine_->Advance(req);
  }

  CommandResult Advance(const std::string& pathway, const std::string& transition,
                        const std::string& date = "", RawFields fields = {}) {
    auto r = TryAdvance(pathway, transition, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << transition << ": " << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  Result<CommandResult> TryRecord(const std::string& pathway, const std::string& milestone,
                                  const std::string& date = "", RawFields fields = {}) {
    RecordRequest req;
    req.pathway = pathway;
    req.milestone = milestone;
    if (!date.empty()) req.date = date;  // "": the request leaves the date out
    req.fields = std::move(fields);
    req.actor = "counsellor";
    return engine_->Record(req);
  }

  CommandResult Record(const std::string& pathway, const std::string& milestone,
                       const std::string& date = "", RawFields fields = {}) {
    auto r = TryRecord(pathway, milestone, date, std::move(fields));
    EXPECT_TRUE(r.ok()) << milestone << ": " << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  // The seq of the latest pathway event in effect (what a void names by
  // default here), 0 when the pathway cannot be read.
  uint32_t LatestInEffect(const std::string& pathway) {
    auto view = engine_->GetPathway(pathway);
    if (!view.ok()) return 0;
    for (auto it = view->events.rbegin(); it != view->events.rend(); ++it) {
      if (it->kind != EventKind::kVoid &&
          !std::binary_search(view->voided.begin(), view->voided.end(), it->seq)) return it->seq;
    }
    return 0;
  }

  Result<CommandResult> TryVoid(const std::string& pathway, const std::string& reason = "typo",
                                std::optional<uint32_t> seq = std::nullopt) {
    VoidRequest req;
    req.pathway = pathway;
    req.reason = reason;
    req.actor = "counsellor";
    req.seq = seq ? *seq : LatestInEffect(pathway);
    return engine_->Void(req);
  }

  CommandResult Void(const std::string& pathway, const std::string& reason = "typo",
                     std::optional<uint32_t> seq = std::nullopt) {
    auto r = TryVoid(pathway, reason, seq);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CommandResult{};
  }

  Result<CommandResult> TryAssign(const std::string& pathway, const std::string& referent) {
    AssignRequest req;
    req.pathway = pathway;
    req.referent = referent;
    req.actor = "counsellor";
    return engine_->Assign(req);
  }

  PathwayState State(const std::string& pathway) {
    auto view = engine_->GetPathway(pathway);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? view->state : PathwayState{};
  }

  // Runs `command`, which must fail with `code` and mention every one of
  // `needles` (in its message or what is allowed), without writing or
  // publishing anything.
  template <typename F>
  void ExpectRefusal(F command, Status::Code code, std::initializer_list<std::string> needles) {
    Drain();
    const std::size_t published = published_.size();
    const std::string before = StoreDigest(dir_.path());
    Status s = command();
    ASSERT_FALSE(s.ok()) << "expected a refusal mentioning " << *needles.begin();
    EXPECT_EQ(s.code(), code) << s.code_name() << ": " << s.ToString();
    for (const auto& needle : needles) {
      EXPECT_TRUE(Contains(s.ToString(), needle)) << "\"" << needle << "\" not in: " << s.ToString();
    }
    EXPECT_EQ(StoreDigest(dir_.path()), before) << "a refused command wrote to the store";
    Drain();
    EXPECT_EQ(published_.size(), published) << "a refused command published an event";
  }

  std::vector<Event> published_;
};

inline constexpr Status::Code kRefused = Status::Code::kRefused;
inline constexpr Status::Code kNotFound = Status::Code::kNotFound;

}  // namespace parcours::engine_testing
