// Bad input on the real binary: invalid UTF-8 in any argument, names that
// cannot be names, invisible and look-alike characters, oversized text and
// workflow files, empty option values, deeply nested YAML. Every refusal says
// what was wrong and what is allowed, and writes nothing.
#include <string>
#include <vector>

#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

using InputTest = InsertionTest;

// Runs `args` exactly as given (global options included, no --actor added).
// Expects exit `code`, nothing on stdout, every needle on stderr (in --json
// mode: in the error's message and allowed), and the store unchanged.
void ExpectRawRefusal(const std::string& store, int code, Args args, bool json,
                      std::initializer_list<std::string> needles) {
  if (json) args.insert(args.begin(), "--json");
  const std::string before = StoreDigest(store);
  const CliResult r = RunCli(args, {{"PARCOURS_TODAY", kToday}});
  EXPECT_EQ(r.exit_code, code) << Describe(args, r);
  EXPECT_EQ(r.out, "") << Describe(args, r);
  EXPECT_EQ(StoreDigest(store), before) << Describe(args, r);
  std::string text = r.err;
  if (json) {
    try {
      const Json err = Json::parse(r.err).at("error");
      text = err.value("message", "") + "\n" + err.value("allowed", "");
      EXPECT_EQ(err.value("exit", -1), code);
    } catch (const Json::exception& e) {
      ADD_FAILURE() << "stderr is not a JSON error: " << e.what() << "\n" << Describe(args, r);
    }
  }
  for (const auto& needle : needles) EXPECT_TRUE(Contains(text, needle)) << Describe(args, r);
}

// ---- item 7: invalid UTF-8 anywhere is a usage error, never a crash ----------

TEST_F(InputTest, InvalidUtf8InAnyArgumentIsAUsageErrorNamingIt) {
  const std::string awa = AddPerson("Awa Diallo");
  const std::string w = Enroll(awa);
  const std::string bad = "x\xff";
  struct Case {
    Args args;
    std::string name;  // how the message names the argument
  };
  const std::vector<Case> cases = {
      {{"person", "add", "--name", "Ana\xff", "--birth", "1990-01-01", "--sex", "F"}, "--name \"Ana\\xff\""},
      {{"person", "add", "--name", "Ana", "--birth", "1990-01-01\xff", "--sex", "F"}, "--birth"},
      {{"person", "add", "--name", "Ana", "--birth", "1990-01-01", "--sex", "F", "--attr", "rsa=\xff"}, "--attr"},
      {{"person", "add", "--name=Ana\xff", "--birth", "1990-01-01", "--sex", "F"}, "--name"},
      {{"person", "show", bad}, "\"x\\xff\""},
      {{"person", "find", bad}, "\"x\\xff\""},
      {{"show", bad}, "\"x\\xff\""},
      {{"enroll", awa, "insertion\xff"}, "\"insertion\\xff\""},
      {{"enroll", awa, "insertion", "--referent", bad}, "--referent"},
      {{"advance", w, "position", "--date", "2026-09-02\xff"}, "--date \"2026-09-02\\xff\""},
      {{"advance", w, "position\xff"}, "\"position\\xff\""},
      {{"record", w, "interview", "--field", "mode=\xff"}, "--field"},
      {{"void", w, "--reason", "oops\xff"}, "--reason \"oops\\xff\""},
      {{"assign", w, bad}, "\"x\\xff\""},
      {{"caseload", "--programme", bad}, "--programme"},
      {{"programme", "show", bad}, "\"x\\xff\""},
      {{"programme", "install", "wf\xff.yaml"}, "\"wf\\xff.yaml\""},
      {{"report", "outcomes", "--programme", bad, "--from", "2026-01-01", "--to", "2026-12-31"}, "--programme"},
      {{bad}, "\"x\\xff\""},
  };
  for (const bool json : {false, true}) {
    for (const auto& c : cases) {
      Args args = {"--data", store(), "--actor", kActor};
      args.insert(args.end(), c.args.begin(), c.args.end());
      ExpectRawRefusal(store(), 2, args, json, {c.name, "is not valid UTF-8", "UTF-8 (check the encoding"});
    }
    ExpectRawRefusal(store(), 2, {"--data", store(), "--actor", "lea\xff", "caseload"}, json,
                     {"--actor \"lea\\xff\" is not valid UTF-8"});
    ExpectRawRefusal(store(), 2, {"--data", store() + "\xff", "caseload"}, json, {"--data", "not valid UTF-8"});
  }
}

// ---- item 8: names ----------------------------------------------------------------

TEST_F(InputTest, NamesWithoutALetterAreRefused) {
  for (const std::string name : {"12345", "==", "- . '"}) {
    Refused(3, {"person", "add", "--name", name, "--birth", "1990-01-01", "--sex", "F"},
            {"name \"" + name + "\" has no letter", "A name holds letters"});
  }
  Refused(3, {"person", "add", "--name", "\u200B", "--birth", "1990-01-01", "--sex", "F"},
          {"name is empty (it holds only spaces or invisible characters)"});
  RefusedJson(3, {"person", "add", "--name", "==", "--birth", "1990-01-01", "--sex", "F"}, {"has no letter"});
}

TEST_F(InputTest, InvisibleAndBidiCharactersAreRemovedFromNames) {
  const std::string id = AddPerson("Jean\u202E Mar\u200Btin");
  EXPECT_EQ(Ok({"person", "show", id}).value("name", ""), "Jean Martin");
}

TEST_F(InputTest, ZeroWidthAndFullWidthNamesAreDuplicatesAndFound) {
  const std::string jean = AddPerson("Jean Martin", "1980-05-06", "M");
  for (const std::string twin : {"Je\u200Ban Mar\u200Ctin", "\uFF2A\uFF45\uFF41\uFF4E \uFF2D\uFF41\uFF52\uFF54\uFF49\uFF4E"}) {
    Refused(3, {"person", "add", "--name", twin, "--birth", "1980-05-06", "--sex", "M"},
            {"already exists: " + jean, "--allow-duplicate"});
    const Json found = Ok({"person", "find", twin});
    ASSERT_TRUE(found.contains("persons")) << found.dump();
    ASSERT_EQ(found["persons"].size(), 1u) << found.dump();
    EXPECT_EQ(found["persons"][0].value("id", ""), jean);
  }
}

// ---- item 9: oversized input --------------------------------------------------------

TEST_F(InputTest, OversizedTextIsRefusedWithTheLimitAndAShortEcho) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  const std::string huge(60000, 'a');
  const auto short_refusal = [](const CliResult& r) { EXPECT_LT(r.err.size(), 600u) << r.err.substr(0, 600); };
  short_refusal(Refused(3, {"person", "add", "--name", huge, "--birth", "1990-01-01", "--sex", "F"},
                        {"(60000 characters) is too long", "at most 100 characters"}));
  short_refusal(Refused(3, {"assign", w, huge}, {"referent", "(60000 characters) is too long",
                                                 "at most 100 characters"}));
  short_refusal(Refused(3, {"void", w, "--reason", huge}, {"reason", "(60000 characters) is too long",
                                                           "at most 500 characters"}));
  ExpectRawRefusal(store(), 2, {"--data", store(), "--actor", huge, "caseload"}, false,
                   {"--actor", "(60000 characters) is too long", "at most 100 characters"});
  ExpectRawRefusal(store(), 2, {"--data", store(), "--actor", kActor, "show", std::string(70000, 'w')}, false,
                   {"(70000 characters) is too long", "at most 65536 bytes"});
  short_refusal(Refused(4, {"show", "W-" + huge}, {"(60002 characters)"}));
}

TEST_F(InputTest, OversizedWorkflowFilesAreRefusedWithTheLimit) {
  const std::string mini =
      "steps:\n  - {id: a, initial: true}\n  - {id: b, final: true}\n"
      "transitions:\n  - {id: go, from: [a], to: b}\n";
  const std::string big_label = dir() / "big_label.yaml";
  WriteFile(big_label, "programme: big\nlabel: " + std::string(10 << 20, 'L') + "\n" + mini);
  Refused(3, {"programme", "install", big_label}, {"a workflow file is at most 1048576 bytes (1 MiB)"});

  const std::string long_label = dir() / "long_label.yaml";
  WriteFile(long_label, "programme: big\nlabel: " + std::string(300, 'L') + "\n" + mini);
  const CliResult r = Refused(3, {"programme", "install", long_label},
                              {long_label + ":2:", "(300 characters) is too long; at most 200 characters"});
  EXPECT_LT(r.err.size(), 600u);

  const std::string long_id = dir() / "long_id.yaml";
  WriteFile(long_id, "programme: a" + std::string(100000, 'b') + "\n" + mini);
  Refused(3, {"programme", "install", long_id}, {long_id + ":1:", "at most 64 characters"});

  const std::string many = dir() / "many_values.yaml";
  std::string values;
  for (int i = 0; i < 5001; ++i) values += "        - v" + std::to_string(i) + "\n";
  WriteFile(many, "programme: many\n" + mini +
                      "enrolment:\n  fields:\n    - id: code\n      type: enum\n      values:\n" + values);
  Refused(3, {"programme", "install", many}, {many + ":12:", "has 5001 entries; at most 5000 are allowed"});
}

// ---- item 10: an empty option value is not the default ------------------------

TEST_F(InputTest, EmptyDateIsRefusedNotTakenAsToday) {
  const std::string awa = AddPerson("Awa Diallo");
  Refused(2, {"enroll", awa, "insertion", "--date", "", "--field", "prescriber=ccas"},
          {"--date is given an empty value", "YYYY-MM-DD", "Leave the option out"});
  const std::string w = Enroll(awa);
  Refused(2, {"advance", w, "position", "--date", ""}, {"--date is given an empty value", "Leave the option out"});
  Refused(2, {"record", w, "interview", "--date", "", "--field", "mode=individual"},
          {"--date is given an empty value"});
  RefusedJson(2, {"advance", w, "position", "--date="}, {"--date"});
  // The option left out still means today.
  EXPECT_EQ(Ok({"advance", w, "position"}).value("step", ""), "positioning");
}

TEST_F(InputTest, OtherEmptyOptionValuesAreRefusedToo) {
  const std::string awa = AddPerson("Awa Diallo");
  Refused(2, {"enroll", awa, "insertion", "--referent", "", "--field", "prescriber=ccas"},
          {"--referent is given an empty value"});
  ExpectRawRefusal(store(), 2, {"--data", "", "--actor", kActor, "caseload"}, false, {"--data is given an empty value"});
  ExpectRawRefusal(store(), 2, {"--data", store(), "--actor", "", "caseload"}, true, {"--actor is given an empty value"});
}

// ---- item 11: deeply nested YAML --------------------------------------------------------

TEST_F(InputTest, DeeplyNestedYamlNamesTheLineAndTheCause) {
  std::string yaml = "programme: deep\nsteps:\n";
  std::string indent = "  ";
  for (int i = 0; i < 1000; ++i) {
    yaml += indent + "-\n";
    indent += "  ";
  }
  const std::string file = dir() / "deep.yaml";
  WriteFile(file, yaml + indent + "x\n");
  const CliResult r = Refused(3, {"programme", "install", file}, {file + ":", "nested too deeply (more than 499 levels)"});
  EXPECT_FALSE(Contains(r.err, "bad file"));
  EXPECT_FALSE(Contains(r.err, file + ": YAML"));  // a line number is given
}

}  // namespace
}  // namespace parcours::e2e
