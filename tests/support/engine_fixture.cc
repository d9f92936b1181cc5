#include "support/engine_fixture.h"

#include <filesystem>
#include <utility>

namespace parcours::testing {

Date D(const char* iso) {
  auto d = Date::ParseIso(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(Date());
}

std::string ReadSource(const std::string& relative) { return ReadFile(SourcePath(relative)); }

EngineTestBase::EngineTestBase(const char* today, const std::string& logger)
    : clock_(D(today)), log_(std::make_shared<spdlog::logger>(logger)) {}

void EngineTestBase::SetUp() {
  ASSERT_NO_FATAL_FAILURE(OpenEngine());
  ASSERT_NO_FATAL_FAILURE(InstallFromSource("workflows/insertion.yaml"));
}

void EngineTestBase::TearDown() {
  engine_.reset();
  store_.reset();
}

void EngineTestBase::OpenEngine(const PluginRegistry* plugins, const std::string& subdir) {
  StoreOptions options;
  options.create = true;
  auto store = Store::Open(subdir.empty() ? dir_.path() : dir_.path() + "/" + subdir, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  engine_ = std::make_unique<Engine>(*store_, clock_, io_, log_, plugins);
}

void EngineTestBase::Install(const std::string& yaml, const std::string& name, const std::string& actor) {
  auto installed = engine_->InstallProgramme(yaml, name, actor);
  ASSERT_TRUE(installed.ok()) << installed.status().ToString();
}

void EngineTestBase::InstallFromSource(const std::string& relative, const std::string& name) {
  Install(ReadSource(relative), name.empty() ? std::filesystem::path(relative).filename().string() : name);
}

Person EngineTestBase::AddPerson(const std::string& name, const std::string& birth, const std::string& sex,
                                 std::map<std::string, std::string> attrs) {
  AddPersonRequest req;
  req.name = name;
  req.birth = birth;
  req.sex = sex;
  req.attrs = std::move(attrs);
  req.actor = "counsellor";
  auto p = engine_->AddPerson(req);
  EXPECT_TRUE(p.ok()) << name << ": " << p.status().ToString();
  return p.ok() ? *p : Person{};
}

std::string PopulationTestBase::NewPerson(const std::string& name, const std::string& birth,
                                         const std::string& sex, std::map<std::string, std::string> attrs) {
  return AddPerson(name, birth, sex, std::move(attrs)).id;
}

std::string PopulationTestBase::Enroll(const std::string& person, const std::string& date,
                                      const std::string& prescriber) {
  EnrollRequest req;
  req.person = person;
  req.programme = "insertion";
  req.date = date;
  req.fields = {{"prescriber", prescriber}};
  req.actor = "counsellor";
  auto r = engine_->Enroll(req);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->state.id : std::string();
}

void PopulationTestBase::Advance(const std::string& pw, const std::string& transition, const std::string& date,
                                 RawFields fields) {
  auto r = engine_->Advance(AdvanceRequest{pw, transition, date, std::move(fields), "counsellor", ""});
  EXPECT_TRUE(r.ok()) << transition << " " << date << ": " << r.status().ToString();
}

void PopulationTestBase::Record(const std::string& pw, const std::string& milestone, const std::string& date,
                                RawFields fields) {
  auto r = engine_->Record(RecordRequest{pw, milestone, date, std::move(fields), "counsellor", ""});
  EXPECT_TRUE(r.ok()) << milestone << " " << date << ": " << r.status().ToString();
}

void PopulationTestBase::Void(const std::string& pw) {
  auto view = engine_->GetPathway(pw);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto r = engine_->Void(VoidRequest{pw, "entered by mistake", "counsellor", view->state.last_seq, ""});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

}  // namespace parcours::testing
