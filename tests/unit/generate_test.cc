// The population generator (exchange/generate.h): deterministic rows that the
// insertion workflow and the import take, at plausible rates.
#include "exchange/generate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <unordered_set>

#include "exchange/rows.h"
#include "import_export_support.h"
#include "parcours/ids.h"
#include "parcours/workflow_loader.h"

namespace parcours::testing {
namespace {

using rows::Generator;
using rows::GeneratorOptions;
using rows::Item;
using rows::Row;

// Before the day the tests run: `recorded` stamps must not be in the future.
constexpr const char* kToday = "2026-06-30";

GeneratorOptions Options(uint64_t persons, uint64_t seed = 7) {
  GeneratorOptions o;
  o.persons = persons;
  o.seed = seed;
  o.today = D(kToday);
  return o;
}

Item NextItem(Generator& g) {
  Item item;
  auto more = g.Next(item);
  EXPECT_TRUE(more.ok() && *more) << (more.ok() ? "no more rows" : more.status().ToString());
  return item;
}

// Calls `each` with the rows of every person, in order.
void ForEachPerson(const GeneratorOptions& options,
                   const std::function<void(const std::vector<Row>&)>& each) {
  Generator g(options);
  std::vector<Row> person;
  Item item;
  while (true) {
    auto more = g.Next(item);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_TRUE(item.status.ok());
    person.push_back(std::move(item.row));
    if (item.resumable) {
      each(person);
      person.clear();
    }
  }
  EXPECT_TRUE(person.empty());
}

const std::string& Field(const Row& row, const std::string& name) {
  static const std::string kNone;
  auto it = row.fields.find(name);
  return it == row.fields.end() ? kNone : it->second;
}

Date DateOf(const Row& row) {
  auto d = Date::ParseIso(row.Get("date"));
  EXPECT_TRUE(d.has_value()) << row.Get("date");
  return d.value_or(Date());
}

TEST(GeneratorTest, SameOptionsGiveTheSameRows) {
  Generator a(Options(2000)), b(Options(2000));
  uint64_t rows = 0;
  Item x, y;
  while (true) {
    auto more_a = a.Next(x);
    auto more_b = b.Next(y);
    ASSERT_TRUE(more_a.ok() && more_b.ok());
    ASSERT_EQ(*more_a, *more_b);
    if (!*more_a) break;
    ++rows;
    ASSERT_EQ(x.raw, y.raw);
    ASSERT_EQ(x.line, rows);
    ASSERT_EQ(x.line, y.line);
    ASSERT_EQ(x.end, y.end);
    // The raw text is the row's JSON line, and reads back as the row.
    std::string line;
    rows::AppendJsonLine(line, x.row);
    ASSERT_EQ(x.raw + "\n", line);
    auto parsed = rows::ParseJsonLine(x.raw, x.line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->type, x.row.type);
    EXPECT_EQ(parsed->values, x.row.values);
    EXPECT_EQ(parsed->attrs, x.row.attrs);
    EXPECT_EQ(parsed->fields, x.row.fields);
    EXPECT_EQ(x.row.line, x.line);
  }
  EXPECT_GT(rows, 2000u * 4);
}

// The rows depend on nothing but the options: not on the machine, its
// standard library or its clock. This digest changes when the model does;
// update it then, deliberately.
TEST(GeneratorTest, RowsAreTheSameOnEveryMachine) {
  GeneratorOptions o = Options(100, 1);
  Generator g(o);
  uint64_t digest = 0xCBF29CE484222325ull;  // FNV-1a
  Item item;
  std::string first;
  while (*g.Next(item)) {
    if (first.empty()) first = item.raw;
    for (unsigned char c : item.raw + "\n") digest = (digest ^ c) * 0x100000001B3ull;
  }
  EXPECT_EQ(first, R"({"type":"person","recorded":"2026-05-07T15:05:46.000Z","actor":"lea.moreau",)"
                   R"("person":"P-K7FPS","name":"Clément Schmitt","birth":"2000-08-04","sex":"M",)"
                   R"("allow_duplicate":"yes","attrs":{"education":"0","labour_status":"inactive",)"
                   R"("qpv":"no","rqth":"no","rsa":"no"}})");
  EXPECT_EQ(digest, 0x5CBC502913BD9535ull) << std::hex << digest;
}

// One counsellor per 400 persons, each with a caseload of about 75 active
// pathways; beyond the 40 names, numbered ones.
TEST(GeneratorTest, CounsellorsGrowWithThePopulation) {
  for (const auto& [persons, counsellors] :
       std::vector<std::pair<uint64_t, std::size_t>>{{1, 1}, {400, 1}, {1000, 3}, {20000, 50}}) {
    Generator g(Options(persons));
    std::map<std::string, int> persons_of;
    for (Item item; *g.Next(item);) {
      if (item.row.type == "person") ++persons_of[item.row.Get("actor")];
    }
    EXPECT_EQ(persons_of.size(), counsellors) << persons;
    if (persons == 20000) {
      EXPECT_TRUE(persons_of.count("lea.moreau") && persons_of.count("lea.moreau2") &&
                  persons_of.count("cedric.meyer") && persons_of.count("sophie.bernard2"));
      for (const auto& [name, n] : persons_of) EXPECT_TRUE(n > 300 && n < 500) << name << " " << n;
    }
  }
}

TEST(GeneratorTest, SkipToGivesTheRowsOfThePersonsSkipped) {
  Generator all(Options(500));
  std::vector<Item> items;
  for (Item item; *all.Next(item);) items.push_back(item);
  // Resume where an import would: after the last row of person 236.
  std::size_t from = 0;
  while (items[from].end < 237) ++from;
  ++from;
  ASSERT_EQ(items[from].row.type, "person");
  Generator resumed(Options(500));
  resumed.SkipTo(237, items[from].line);
  for (std::size_t i = from; i < items.size(); ++i) {
    const Item item = NextItem(resumed);
    ASSERT_EQ(item.raw, items[i].raw);
    ASSERT_EQ(item.line, items[i].line);
    ASSERT_EQ(item.end, items[i].end);
    ASSERT_EQ(item.resumable, items[i].resumable);
  }
  Item none;
  EXPECT_FALSE(*resumed.Next(none));
  resumed.SkipTo(500);
  EXPECT_FALSE(*resumed.Next(none));
  resumed.SkipTo(0);
  EXPECT_EQ(NextItem(resumed).raw, items[0].raw);
}

TEST(GeneratorTest, ItemsCountThePersonsDone) {
  Generator g(Options(3));
  EXPECT_EQ(g.size(), 3u);
  EXPECT_EQ(g.header(), "");
  EXPECT_EQ(g.format(), ExchangeFormat::kJsonLines);
  uint64_t line = 0, done = 0;
  for (Item item; *g.Next(item);) {
    EXPECT_EQ(item.line, ++line);
    EXPECT_TRUE(item.status.ok());
    if (item.row.type == "person") {
      EXPECT_FALSE(item.resumable);
    }
    EXPECT_EQ(item.end, done + (item.resumable ? 1 : 0));
    if (item.resumable) ++done;
  }
  EXPECT_EQ(done, 3u);
}

TEST(GeneratorTest, IdsAreUniqueWithoutLookingThemUp) {
  constexpr uint64_t kPersons = 200000;
  Generator g(Options(kPersons));
  std::unordered_set<std::string> persons, pathways;
  for (uint64_t i = 0; i < kPersons; ++i) {
    g.SkipTo(i);
    const Item person = NextItem(g), enrolment = NextItem(g);
    const std::string& id = person.row.Get("person");
    ASSERT_EQ(NormalizeId(kPersonPrefix, id), id);
    ASSERT_EQ(NormalizeId(kPathwayPrefix, enrolment.row.Get("pathway")), enrolment.row.Get("pathway"));
    ASSERT_EQ(enrolment.row.Get("person"), id);
    ASSERT_TRUE(persons.insert(id).second) << id << " twice, at person " << i;
    ASSERT_TRUE(pathways.insert(enrolment.row.Get("pathway")).second) << "at person " << i;
  }
  // The last persons of the largest population have ids too.
  GeneratorOptions largest = Options(Generator::kMaxPersons);
  Generator last(largest);
  last.SkipTo(Generator::kMaxPersons - 1);
  EXPECT_TRUE(NormalizeId(kPersonPrefix, NextItem(last).row.Get("person")).has_value());
}

TEST(GeneratorTest, DistinctSeedsGiveDistinctPopulations) {
  std::set<std::string> one, two;
  ForEachPerson(Options(300, 1), [&](const std::vector<Row>& rows) {
    one.insert(rows[0].Get("person") + rows[0].Get("name") + rows[0].Get("birth"));
  });
  ForEachPerson(Options(300, 2), [&](const std::vector<Row>& rows) {
    two.insert(rows[0].Get("person") + rows[0].Get("name") + rows[0].Get("birth"));
  });
  std::vector<std::string> common;
  std::set_intersection(one.begin(), one.end(), two.begin(), two.end(), std::back_inserter(common));
  EXPECT_EQ(one.size(), 300u);
  EXPECT_TRUE(common.empty());
}

TEST(GeneratorTest, RefusesNoPersonAndMorePersonsThanIds) {
  EXPECT_TRUE(Generator::Check(Options(0)).IsRefused());
  EXPECT_TRUE(Generator::Check(Options(Generator::kMaxPersons + 1)).IsRefused());
  EXPECT_TRUE(Generator::Check(Options(Generator::kMaxPersons)).ok());
  EXPECT_EQ(Generator::kMaxPersons, 31ull * 31 * 31 * 31 * 31);
  Generator refused(Options(0));
  Item item;
  auto more = refused.Next(item);
  ASSERT_FALSE(more.ok());
  EXPECT_TRUE(more.status().IsRefused());
}

// Every row as the import reads it and the workflow takes it: columns of its
// type, events possible from the step they are in, valid fields, dates in
// order up to today, the follow-up 6 months or more after the exit.
TEST(GeneratorTest, RowsFollowTheWorkflow) {
  const WorkflowLoad load = LoadWorkflowText(ReadSource("workflows/insertion.yaml"), "insertion.yaml");
  ASSERT_TRUE(load.workflow.has_value());
  const Workflow& wf = *load.workflow;
  const Date today = D(kToday);
  const std::regex stamp(R"(\d{4}-\d\d-\d\dT(0[7-9]|1\d|2[0-3]):[0-5]\d:[0-5]\d\.000Z)");
  auto check_fields = [](const std::vector<FieldSpec>& specs, const Row& row) {
    for (const auto& [name, value] : row.fields) {
      auto spec = std::find_if(specs.begin(), specs.end(), [&](const FieldSpec& f) { return f.id == name; });
      ASSERT_NE(spec, specs.end()) << name << " in line " << row.line;
      auto parsed = spec->parse_value(value);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    }
    for (const auto& spec : specs) {
      bool required = spec.required;
      if (spec.required_when) {
        const std::string& other = Field(row, spec.required_when->field);
        const auto& in = spec.required_when->values;
        required = std::find(in.begin(), in.end(), other) != in.end();
      }
      if (required) {
        ASSERT_FALSE(Field(row, spec.id).empty()) << spec.id << " in line " << row.line;
      }
    }
  };
  int followed_up = 0;
  ForEachPerson(Options(20000), [&](const std::vector<Row>& rows) {
    ASSERT_GE(rows.size(), 2u);
    for (const Row& row : rows) {
      ASSERT_TRUE(rows::CheckColumns(row).ok()) << rows::CheckColumns(row).ToString();
      ASSERT_TRUE(std::regex_match(row.Get("recorded"), stamp)) << row.Get("recorded");
      ASSERT_FALSE(row.Get("actor").empty());
      EXPECT_EQ(row.Get("actor"), rows[0].Get("actor"));
    }
    const Row& person = rows[0];
    const Row& enrolment = rows[1];
    ASSERT_EQ(person.type, "person");
    ASSERT_EQ(enrolment.type, "enrolment");
    EXPECT_FALSE(enrolment.Has("referent"));  // the import makes the actor the referent
    EXPECT_EQ(enrolment.Get("programme"), "insertion");
    const Date enrolled = DateOf(enrolment);
    EXPECT_GE(enrolled, today.plus_days(-1095));
    const int age = age_on(*Date::ParseIso(person.Get("birth")), enrolled);
    EXPECT_TRUE(age >= 16 && age <= 64) << age;
    EXPECT_EQ(person.Get("recorded").substr(0, 10), enrolment.Get("date"));
    EXPECT_LT(person.Get("recorded"), enrolment.Get("recorded"));
    check_fields(wf.enrolment_fields, enrolment);

    std::string step = wf.initial_step()->id;
    Date last = enrolled, exit;
    std::string last_recorded = enrolment.Get("recorded");
    for (std::size_t i = 2; i < rows.size(); ++i) {
      const Row& e = rows[i];
      SCOPED_TRACE(e.type + " " + e.Get("action") + " in " + step);
      EXPECT_EQ(e.Get("pathway"), enrolment.Get("pathway"));
      EXPECT_EQ(e.Get("seq"), std::to_string(i));
      const Date date = DateOf(e);
      EXPECT_GE(date, last);
      EXPECT_LT(date, today);
      EXPECT_EQ(e.Get("recorded").substr(0, 10), e.Get("date"));
      EXPECT_GT(e.Get("recorded"), last_recorded);
      last = date;
      last_recorded = e.Get("recorded");
      if (e.type == "transition") {
        const Transition* t = wf.find_transition(e.Get("action"));
        ASSERT_NE(t, nullptr);
        ASSERT_NE(std::find(t->from.begin(), t->from.end(), step), t->from.end());
        check_fields(t->fields, e);
        step = t->to;
        if (step == "exited") exit = date;
      } else {
        ASSERT_EQ(e.type, "milestone");
        const Milestone* m = wf.find_milestone(e.Get("action"));
        ASSERT_NE(m, nullptr);
        ASSERT_NE(std::find(m->steps.begin(), m->steps.end(), step), m->steps.end());
        check_fields(m->fields, e);
        if (m->id == "follow_up") {
          EXPECT_GE(date, exit.plus_months(6));
          ++followed_up;
        }
      }
    }
  });
  EXPECT_GT(followed_up, 3000);
}

// Rates over 20,000 persons, within what a different draw of the same model
// would give.
TEST(GeneratorTest, RatesArePlausible) {
  std::map<std::string, int> count;
  int persons = 0, completed = 0, certified = 0, follow_ups = 0, employed = 0, placed_follow_ups = 0,
      placed_employed = 0, placements = 0, vae = 0, prescribed_ml = 0, ml_young = 0, interviews = 0;
  const Date today = D(kToday);
  ForEachPerson(Options(20000), [&](const std::vector<Row>& rows) {
    ++persons;
    const Row& p = rows[0];
    const int age = age_on(*Date::ParseIso(p.Get("birth")), DateOf(rows[1]));
    ++count["sex " + p.Get("sex")];
    count["under 26"] += age < 26;
    count["50+"] += age >= 50;
    for (const auto& [key, value] : p.attrs) ++count[key + " " + value];
    const std::string& prescriber = Field(rows[1], "prescriber");
    ++count[prescriber];
    if (prescriber == "mission_locale") {
      ++prescribed_ml;
      ml_young += age < 26;
    }
    bool placed = false;
    for (const Row& e : rows) {
      const std::string& action = e.Get("action");
      if (action == "training_completed") {
        ++completed;
        certified += Field(e, "certified") == "yes";
      } else if (action == "vae_decided") {
        ++vae;
        ++count["vae " + Field(e, "result")];
      } else if (action == "place") {
        ++placements;
        placed = true;
        ++count["contract " + Field(e, "contract")];
      } else if (action == "follow_up") {
        ++follow_ups;
        employed += Field(e, "employed") == "yes";
        placed_follow_ups += placed;
        placed_employed += placed && Field(e, "employed") == "yes";
      } else if (action == "interview") {
        ++interviews;
      } else if (action == "exit") {
        ++count["exit " + Field(e, "reason")];
      }
    }
    count["active"] += rows.back().Get("action") != "exit" && rows.back().Get("action") != "follow_up";
    EXPECT_LT(DateOf(rows.back()), today);
  });
  auto share = [&](const std::string& key) { return static_cast<double>(count[key]) / persons; };
  auto ratio = [](int part, int whole) { return whole ? static_cast<double>(part) / whole : 0.0; };
  std::printf("women %.3f, X %.4f, under 26 %.3f, 50+ %.3f, RSA %.3f, RQTH %.3f, QPV %.3f, ISCED 3 %.3f\n",
              share("sex F"), share("sex X"), share("under 26"), share("50+"), share("rsa yes"),
              share("rqth yes"), share("qpv yes"), share("education 3"));
  std::printf("France Travail %.3f, mission locale %.3f (under 26: %.3f), RSA referent %.3f, active %.3f\n",
              share("france_travail"), share("mission_locale"), ratio(ml_young, prescribed_ml),
              share("rsa_referent"), share("active"));
  std::printf("certified %.3f of %d, VAE full %.3f partial %.3f none %.3f of %d, placements %d, cdi %.3f\n",
              ratio(certified, completed), completed, ratio(count["vae full"], vae),
              ratio(count["vae partial"], vae), ratio(count["vae none"], vae), vae, placements,
              ratio(count["contract cdi"], placements));
  std::printf(
      "employed %.3f of %d follow-ups (placed %.3f of %d), exits employment %d dropout %d, "
      "interviews %.2f a person\n",
      ratio(employed, follow_ups), follow_ups, ratio(placed_employed, placed_follow_ups), placed_follow_ups,
      count["exit employment"], count["exit dropout"], ratio(interviews, persons));

  EXPECT_NEAR(share("sex F"), 0.52, 0.02);
  EXPECT_NEAR(share("sex M"), 0.475, 0.02);
  EXPECT_NEAR(share("sex X"), 0.005, 0.003);
  EXPECT_NEAR(share("under 26"), 0.25, 0.02);
  EXPECT_NEAR(share("50+"), 0.20, 0.02);
  EXPECT_NEAR(share("rsa yes"), 0.30, 0.02);
  EXPECT_NEAR(share("rqth yes"), 0.08, 0.01);
  EXPECT_NEAR(share("qpv yes"), 0.25, 0.02);
  EXPECT_NEAR(share("education 2") + share("education 3"), 0.65, 0.03);
  EXPECT_GT(share("labour_status long_term_unemployed") + share("labour_status unemployed"), 0.7);
  for (const char* other : {"mission_locale", "rsa_referent", "ccas", "siae", "self", "other"}) {
    EXPECT_GT(share("france_travail"), share(other)) << other;
  }
  EXPECT_GT(ratio(ml_young, prescribed_ml), 0.95);
  EXPECT_NEAR(ratio(certified, completed), 0.70, 0.04);
  EXPECT_NEAR(ratio(count["vae full"], vae), 0.60, 0.06);
  EXPECT_NEAR(ratio(count["vae partial"], vae), 0.25, 0.06);
  EXPECT_NEAR(ratio(count["vae none"], vae), 0.15, 0.05);
  EXPECT_NEAR(ratio(count["contract cdi"], placements), 0.22, 0.03);
  EXPECT_NEAR(ratio(employed, follow_ups), 0.50, 0.07);
  EXPECT_GT(ratio(placed_employed, placed_follow_ups), ratio(employed, follow_ups));
  EXPECT_NEAR(ratio(interviews, persons), 1.3, 0.3);
  EXPECT_GT(share("active"), 0.1);
  EXPECT_LT(share("active"), 0.6);
}

TEST(GeneratorTest, Speed) {
  Generator g(Options(50000));
  uint64_t rows = 0;
  const auto start = std::chrono::steady_clock::now();
  for (Item item; *g.Next(item);) ++rows;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%llu rows in %.3f s: %.2f us a row\n", static_cast<unsigned long long>(rows), seconds,
              seconds * 1e6 / static_cast<double>(rows));
  EXPECT_GT(rows, 50000u * 4);
}

// Every row of a generated population goes in through the engine's import,
// as `parcours import` plans it.
class GeneratorImportTest : public EngineTestBase {
 protected:
  GeneratorImportTest() : EngineTestBase(kToday) {}
};

TEST_F(GeneratorImportTest, EveryRowGoesInWithoutARefusal) {
  Generator g(Options(300, 11));
  std::string text;
  uint64_t rows = 0;
  std::map<std::string, std::size_t> events;  // of each pathway, its enrolment included
  std::map<std::string, std::string> last_action;
  for (Item item; *g.Next(item); ++rows) {
    text += item.raw + "\n";
    if (item.row.type == "person") continue;
    ++events[item.row.Get("pathway")];
    last_action[item.row.Get("pathway")] = item.row.Get("action");
  }
  const std::string path = dir_.path() + "/population.jsonl";
  WriteText(path, text);
  auto done = ImportFiles(*engine_, {path}, 500);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  const std::string rejects = dir_.path() + "/population.rejects.jsonl";
  EXPECT_EQ(done->rows, rows);
  EXPECT_EQ(done->refused, 0u) << ReadFile(rejects);
  EXPECT_EQ(done->written, rows);

  ASSERT_EQ(events.size(), 300u);
  for (const auto& [id, count] : events) {
    auto v = engine_->GetPathway(id);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->events.size(), count) << id;
    EXPECT_EQ(v->state.exited, last_action[id] == "exit" || last_action[id] == "follow_up") << id;
    EXPECT_EQ(v->state.referent, v->events.front().actor);
    ASSERT_TRUE(v->person.has_value());
  }
}

}  // namespace
}  // namespace parcours::testing
