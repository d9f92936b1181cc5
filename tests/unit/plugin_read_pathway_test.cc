// Host::ReadPathway in production: an Engine lets the plugins it calls read
// pathways from its own store (the shape of docs/plugins.md), also from a hook
// run while a command holds the engine's write lock, and only while it lives.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "parcours/engine.h"
#include "parcours/plugins.h"
#include "support/engine_fixture.h"

namespace parcours {
namespace {

const char* kWorkflow = R"(programme: reading
label: Reading
steps:
  - id: referral
    initial: true
  - id: positioning
  - id: placement
    final: true
transitions:
  - id: position
    from: [referral]
    to: positioning
    guards:
      - plugin: reads_pathway.exists
    derive:
      - plugin: reads_pathway.summary
  - id: place
    from: [positioning]
    to: placement
    derive:
      - plugin: reads_pathway.raw
)";

class PluginReadPathwayTest : public testing::EngineTestBase {
 protected:
  PluginReadPathwayTest() : EngineTestBase("2026-11-21", "read-pathway-test") {}

  void SetUp() override {
    ASSERT_TRUE(plugins_.LoadFile(std::string(PARCOURS_FIXTURE_DIR) + "/fixture_reads_pathway.so").ok());
    ASSERT_NO_FATAL_FAILURE(OpenEngine(&plugins_, "store"));
    ASSERT_NO_FATAL_FAILURE(Install(kWorkflow, "reading.yaml", "admin"));
    AddPersonRequest person;
    person.name = "Awa Diallo";
    person.birth = "1991-04-02";
    person.sex = "F";
    person.actor = "lea";
    auto p = engine_->AddPerson(person);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EnrollRequest enroll;
    enroll.person = p->id;
    enroll.programme = "reading";
    enroll.date = "2026-11-02";
    enroll.actor = "lea";
    auto enrolled = engine_->Enroll(enroll);
    ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
    pathway_ = enrolled->state.id;
  }

  AdvanceRequest Request(const std::string& transition, const std::string& date) const {
    AdvanceRequest r;
    r.pathway = pathway_;
    r.transition = transition;
    r.date = date;
    r.actor = "lea";
    return r;
  }

  PluginRegistry plugins_{clock_, log_};
  std::string pathway_;
};

TEST_F(PluginReadPathwayTest, AHookReadsThePathwayAsStoredBeforeTheCommand) {
  auto moved = engine_->Advance(Request("position", "2026-11-10"));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->event.fields.value("read_events", -1), 1);
  EXPECT_EQ(moved->event.fields.value("read_step", ""), "referral");
  EXPECT_EQ(moved->event.fields.value("read_programme", ""), "reading");

  auto placed = engine_->Advance(Request("place", "2026-11-12"));
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  const Json read = Json::parse(placed->event.fields.value("read_json", "null"));
  EXPECT_EQ(read["state"]["id"], pathway_);
  EXPECT_EQ(read["state"]["step"], "positioning");
  EXPECT_EQ(read["state"]["last_seq"], 2);
  ASSERT_EQ(read["events"].size(), 2u);
  EXPECT_EQ(read["events"][0]["kind"], "enroll");
  EXPECT_EQ(read["events"][1]["action"], "position");
  EXPECT_EQ(read["events"][1]["fields"]["read_events"], 1);
  EXPECT_EQ(read["events"][1]["voided"], false);
  EXPECT_FALSE(read["state"].contains("name"));  // identifying data stays apart
}

TEST_F(PluginReadPathwayTest, EachEngineOnOneRegistryLetsItsHooksReadItsOwnStore) {
  // A second store and engine on the same registry, attached after the first.
  auto other_store = Store::Open(dir_.path() + "/other", StoreOptions{true, false, nullptr});
  ASSERT_TRUE(other_store.ok()) << other_store.status().message();
  boost::asio::io_context other_io;
  Engine other(**other_store, clock_, other_io, log_, &plugins_);
  ASSERT_TRUE(other.InstallProgramme(kWorkflow, "reading.yaml", "admin").ok());
  // The first engine's hooks still read the first store, where the pathway is.
  auto moved = engine_->Advance(Request("position", "2026-11-10"));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->event.fields.value("read_events", -1), 1);
}

TEST_F(PluginReadPathwayTest, AnUnknownPathwayIsNotFoundAndAGoneEngineGivesNoAccess) {
  EXPECT_EQ(plugins_.RunGuard("reads_pathway.exists", Json{{"pathway", "W-ZZZZZ"}}).message(),
            "the host does not find pathway W-ZZZZZ");
  engine_.reset();
  auto after = plugins_.RunBeforeCommit("reads_pathway.summary", Json{{"pathway", pathway_}});
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("the host gives no pathway access here"), std::string::npos)
      << after.status().message();
}

}  // namespace
}  // namespace parcours
