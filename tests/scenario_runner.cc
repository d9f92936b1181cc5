// The scenario driver: runs every tests/scenarios/*.scenario file, each on a
// fresh store, as one GoogleTest case. The format is described in
// tests/README.md; in short:
//
//   # a comment
//   today 2026-11-21                      the date commands run on (PARCOURS_TODAY)
//   actor lea.moreau                      the --actor of the commands that follow
//   programme workflows/insertion.yaml    what is installed before the first command
//   > person add --name "Awa Diallo" --birth 1991-04-02 --sex F
//   = id -> awa                           capture a JSON value into $awa
//   > enroll $awa insertion --field prescriber=france_travail
//   = step referral                       expect a JSON value (dotted path)
//   > advance $w start_vae --field certification=DEAES
//   ! 3 not possible from "position, exit"   refused: exit code, texts, store unchanged
//
// Every command runs as `parcours --json --data STORE --actor ACTOR ...`.
// Failures point at the scenario file and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.h"

namespace parcours::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kDefaultToday = "2026-11-21";
constexpr const char* kDefaultActor = "lea.moreau";
constexpr const char* kDefaultProgramme = "workflows/insertion.yaml";

// ---- parsing -------------------------------------------------------------------

struct Token {
  std::string text;
  bool quoted = false;
};

// Splits a line into words. "double quotes" (with \" and \\) and 'single
// quotes' group words; an unquoted # at the start of a word begins a comment.
// On error, returns nullopt and sets `error`.
std::optional<std::vector<Token>> Tokenize(const std::string& line, std::string& error) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size() || line[i] == '#') break;
    Token t;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) {
      const char c = line[i];
      if (c == '"' || c == '\'') {
        t.quoted = true;
        const char quote = c;
        ++i;
        bool closed = false;
        while (i < line.size()) {
          if (line[i] == quote) {
            closed = true;
            ++i;
            break;
          }
          if (quote == '"' && line[i] == '\\' && i + 1 < line.size()) ++i;
          t.text += line[i++];
        }
        if (!closed) {
          error = std::string("unclosed ") + quote;
          return std::nullopt;
        }
      } else {
        t.text += c;
        ++i;
      }
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

// Consecutive unquoted words join into one phrase; each quoted word stays alone.
std::vector<std::string> Phrases(std::vector<Token>::const_iterator begin, std::vector<Token>::const_iterator end) {
  std::vector<std::string> out;
  bool joining = false;
  for (auto it = begin; it != end; ++it) {
    if (!it->quoted && joining) {
      out.back() += " " + it->text;
    } else {
      out.push_back(it->text);
    }
    joining = !it->quoted;
  }
  return out;
}

// `= PATH VALUE` or `= PATH -> NAME`.
struct Expectation {
  int line = 0;
  std::string path;
  std::string value;    // expected value (variables substituted at run time)
  std::string capture;  // variable name when capturing
};

// `! CODE TEXT...`
struct Refusal {
  int line = 0;
  int code = 0;
  std::vector<std::string> texts;
};

struct Step {
  enum class Kind { kRun, kWrite } kind = Kind::kRun;
  int line = 0;
  // kRun
  std::vector<std::string> args;
  std::string today, actor;
  std::vector<Expectation> expectations;
  std::optional<Refusal> refusal;
  // kWrite
  std::string file_name, file_text;
};

struct Scenario {
  std::string path;
  std::vector<std::string> programmes;  // relative to the source tree, or absolute
  std::vector<Step> steps;
};

struct ParseError {
  int line = 0;
  std::string message;
};

std::optional<Scenario> Parse(const std::string& path, ParseError& error) {
  std::ifstream in(path);
  if (!in) {
    error = {0, "cannot read the file"};
    return std::nullopt;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }

  Scenario s;
  s.path = path;
  std::string today = kDefaultToday, actor = kDefaultActor;
  bool programme_given = false, no_programme = false;
  auto fail = [&](std::size_t index, std::string message) {
    error = {static_cast<int>(index + 1), std::move(message)};
    return std::nullopt;
  };

  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string tokenize_error;
    auto tokens = Tokenize(lines[n], tokenize_error);
    if (!tokens) return fail(n, tokenize_error);
    if (tokens->empty()) continue;
    const std::string word = (*tokens)[0].text;
    const std::vector<Token> rest(tokens->begin() + 1, tokens->end());
    Step* last_run = nullptr;
    if (!s.steps.empty() && s.steps.back().kind == Step::Kind::kRun) last_run = &s.steps.back();

    if (word == ">") {
      if (rest.empty()) return fail(n, "`>` needs a command");
      Step step;
      step.line = static_cast<int>(n + 1);
      for (const auto& t : rest) step.args.push_back(t.text);
      step.today = today;
      step.actor = actor;
      s.steps.push_back(std::move(step));
    } else if (word == "=") {
      if (!last_run) return fail(n, "`=` must follow a `>` command");
      if (rest.size() < 2) return fail(n, "`=` needs a path and a value (or `-> NAME`)");
      Expectation e;
      e.line = static_cast<int>(n + 1);
      e.path = rest[0].text;
      if (rest[1].text == "->" && !rest[1].quoted) {
        if (rest.size() != 3) return fail(n, "`= PATH -> NAME` captures into one variable");
        e.capture = rest[2].text;
        if (!e.capture.empty() && e.capture[0] == '$') e.capture.erase(0, 1);
        if (e.capture.empty()) return fail(n, "empty variable name");
      } else {
        std::string value;
        for (std::size_t i = 1; i < rest.size(); ++i) value += (i > 1 ? " " : "") + rest[i].text;
        e.value = value;
      }
      last_run->expectations.push_back(std::move(e));
    } else if (word == "!") {
      if (!last_run) return fail(n, "`!` must follow a `>` command");
      if (last_run->refusal) return fail(n, "one `!` per command (put every text on it)");
      if (!last_run->expectations.empty()) return fail(n, "`!` comes right after its `>`, before any `=`");
      if (rest.empty()) return fail(n, "`!` needs an exit code");
      Refusal r;
      r.line = static_cast<int>(n + 1);
      try {
        std::size_t used = 0;
        r.code = std::stoi(rest[0].text, &used);
        if (used != rest[0].text.size()) throw std::invalid_argument("code");
      } catch (const std::exception&) {
        return fail(n, "`!` needs an exit code, not \"" + rest[0].text + "\"");
      }
      if (r.code == 0) return fail(n, "`!` expects a failure: the exit code cannot be 0");
      r.texts = Phrases(rest.begin() + 1, rest.end());
      last_run->refusal = std::move(r);
    } else if (word == "today" || word == "actor") {
      if (rest.size() != 1) return fail(n, "`" + word + "` takes one value");
      (word == "today" ? today : actor) = rest[0].text;
    } else if (word == "programme") {
      if (rest.size() != 1) return fail(n, "`programme` takes one file (or `none`)");
      if (!s.steps.empty()) return fail(n, "`programme` comes before the first command");
      programme_given = true;
      if (rest[0].text == "none") no_programme = true;
      else s.programmes.push_back(rest[0].text);
    } else if (word == "write") {
      // write NAME <<MARK, then the file's lines, then MARK alone on a line.
      if (rest.size() != 2 || rest[1].text.rfind("<<", 0) != 0 || rest[1].text.size() < 3) {
        return fail(n, "write it as `write NAME <<END`, the lines, then `END`");
      }
      const std::string mark = rest[1].text.substr(2);
      Step step;
      step.kind = Step::Kind::kWrite;
      step.line = static_cast<int>(n + 1);
      step.file_name = rest[0].text;
      std::size_t m = n + 1;
      for (; m < lines.size() && lines[m] != mark; ++m) step.file_text += lines[m] + "\n";
      if (m == lines.size()) return fail(n, "no line `" + mark + "` ends this `write`");
      n = m;
      s.steps.push_back(std::move(step));
    } else {
      return fail(n, "unknown directive \"" + word + "\" (expected >, =, !, today, actor, programme, write)");
    }
  }
  if (!programme_given) s.programmes.push_back(kDefaultProgramme);
  if (no_programme && s.programmes.size() > 0) {
    error = {0, "`programme none` cannot be combined with other `programme` lines"};
    return std::nullopt;
  }
  if (s.steps.empty()) {
    error = {0, "the scenario runs no command"};
    return std::nullopt;
  }
  return s;
}

// ---- running -------------------------------------------------------------------

// Replaces $name and ${name} by their values; `$$` is a literal `$`.
std::optional<std::string> Substitute(const std::string& text, const std::map<std::string, std::string>& vars,
                                      std::string& error) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    std::size_t j = i + 1;
    if (j < text.size() && text[j] == '{') {
      const std::size_t close = text.find('}', j);
      if (close == std::string::npos) {
        error = "unclosed ${ in \"" + text + "\"";
        return std::nullopt;
      }
      name = text.substr(j + 1, close - j - 1);
      i = close;
    } else {
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) name += text[j++];
      i = j - 1;
    }
    auto it = vars.find(name);
    if (name.empty() || it == vars.end()) {
      error = "unknown variable $" + name + " (capture it first with `= PATH -> " + name + "`)";
      return std::nullopt;
    }
    out += it->second;
  }
  return out;
}

// The value at a dotted path: object keys, array indexes (-1 is the last),
// and `size` for the number of elements of an array or object.
std::optional<Json> Lookup(const Json& root, const std::string& path) {
  const Json* node = &root;
  Json size_holder;
  std::stringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) {
    if (node->is_object() && node->contains(part)) {
      node = &(*node)[part];
    } else if (node->is_array() && !part.empty() &&
               std::all_of(part.begin() + (part[0] == '-' ? 1 : 0), part.end(),
                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
               part != "-" && part.size() < 10) {
      long index = std::stol(part);
      if (index < 0) index += static_cast<long>(node->size());
      if (index < 0 || index >= static_cast<long>(node->size())) return std::nullopt;
      node = &(*node)[static_cast<std::size_t>(index)];
    } else if (part == "size" && (node->is_array() || node->is_object())) {
      size_holder = node->size();
      node = &size_holder;
    } else {
      return std::nullopt;
    }
  }
  return *node;
}

// A JSON value as a scenario writes it: strings bare, the rest as JSON.
std::string Render(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string CommandLine(const std::vector<std::string>& args) {
  std::string out = "parcours";
  for (const auto& a : args) out += " " + (a.find(' ') == std::string::npos && !a.empty() ? a : "\"" + a + "\"");
  return out;
}

class ScenarioRun {
 public:
  explicit ScenarioRun(const Scenario& s) : s_(s) {
    store_ = dir_ / "store";
    vars_["dir"] = dir_.path();
    vars_["src"] = PARCOURS_SOURCE_DIR;
  }

  void Run() {
    const CliResult init = RunCli({"--data", store_, "init"});
    ASSERT_EQ(init.exit_code, 0) << "init failed: " << init.err;
    for (const auto& p : s_.programmes) {
      // insertion runs without its deadlines here (see InsertionWithoutDeadlines).
      const std::string file = p == kDefaultProgramme        ? parcours::testing::InsertionWithoutDeadlines()
                               : fs::path(p).is_absolute() ? p
                                                           : SourcePath(p);
      const CliResult r = RunCli({"--data", store_, "--actor", kDefaultActor, "programme", "install", file},
                                 {{"PARCOURS_TODAY", kDefaultToday}});
      ASSERT_EQ(r.exit_code, 0) << s_.path << ": cannot install " << file << ": " << r.err;
    }
    for (const auto& step : s_.steps) {
      const bool go_on = step.kind == Step::Kind::kWrite ? Write(step) : Execute(step);
      if (!go_on) return;  // later steps would only repeat the failure
    }
  }

 private:
  bool Write(const Step& step) {
    std::ofstream out(dir_ / step.file_name, std::ios::binary);
    out << step.file_text;
    if (!out) {
      ADD_FAILURE_AT(s_.path.c_str(), step.line) << "cannot write " << step.file_name;
      return false;
    }
    return true;
  }

  bool Execute(const Step& step) {
    std::vector<std::string> args = {"--json", "--data", store_, "--actor", step.actor};
    for (const auto& raw : step.args) {
      std::string error;
      auto arg = Substitute(raw, vars_, error);
      if (!arg) {
        ADD_FAILURE_AT(s_.path.c_str(), step.line) << error;
        return false;
      }
      args.push_back(*arg);
    }
    const std::vector<std::string> shown(args.begin() + 5, args.end());
    const std::string before = step.refusal ? StoreDigest(store_) : std::string();
    const CliResult r = RunCli(args, {{"PARCOURS_TODAY", step.today}});
    const std::string context = "> " + CommandLine(shown) + "\n  exit " + std::to_string(r.exit_code) +
                                "\n  stdout: " + r.out + "\n  stderr: " + r.err;

    Json checked;  // what `=` lines look at: stdout, or the stderr error of a refusal
    if (step.refusal) {
      const Refusal& want = *step.refusal;
      if (r.exit_code != want.code) {
        ADD_FAILURE_AT(s_.path.c_str(), want.line) << "expected exit " << want.code << "\n" << context;
        return false;
      }
      bool ok = true;
      if (!r.out.empty()) {
        ADD_FAILURE_AT(s_.path.c_str(), want.line) << "a refused command printed on stdout\n" << context;
        ok = false;
      }
      try {
        checked = Json::parse(r.err);
      } catch (const Json::exception&) {
        ADD_FAILURE_AT(s_.path.c_str(), want.line) << "stderr is not one JSON object\n" << context;
        return false;
      }
      const Json error = checked.value("error", Json::object());
      const std::string text = error.value("message", "") + "\n" + error.value("allowed", "");
      for (const auto& expected : want.texts) {
        std::string sub_error;
        auto needle = Substitute(expected, vars_, sub_error);
        if (!needle) {
          ADD_FAILURE_AT(s_.path.c_str(), want.line) << sub_error;
          ok = false;
        } else if (text.find(*needle) == std::string::npos) {
          ADD_FAILURE_AT(s_.path.c_str(), want.line) << "the error does not say \"" << *needle << "\"\n" << context;
          ok = false;
        }
      }
      if (StoreDigest(store_) != before) {
        ADD_FAILURE_AT(s_.path.c_str(), want.line) << "the refused command changed the store\n" << context;
        ok = false;
      }
      if (!ok) return false;
    } else {
      if (r.exit_code != 0) {
        ADD_FAILURE_AT(s_.path.c_str(), step.line) << "expected success\n" << context;
        return false;
      }
      try {
        checked = Json::parse(r.out);
      } catch (const Json::exception&) {
        ADD_FAILURE_AT(s_.path.c_str(), step.line) << "stdout is not one JSON object\n" << context;
        return false;
      }
    }

    for (const auto& e : step.expectations) {
      const auto value = Lookup(checked, e.path);
      if (!value) {
        ADD_FAILURE_AT(s_.path.c_str(), e.line) << "no value at \"" << e.path << "\" in " << checked.dump();
        continue;
      }
      if (!e.capture.empty()) {
        vars_[e.capture] = Render(*value);
        continue;
      }
      std::string error;
      const auto expected = Substitute(e.value, vars_, error);
      if (!expected) {
        ADD_FAILURE_AT(s_.path.c_str(), e.line) << error;
        continue;
      }
      if (Render(*value) != *expected) {
        ADD_FAILURE_AT(s_.path.c_str(), e.line) << e.path << " is " << Render(*value) << ", expected " << *expected
                                                << "\n  after > " << CommandLine(shown) << "\n  in " << checked.dump();
      }
    }
    return true;
  }

  const Scenario& s_;
  TempDir dir_;
  std::string store_;
  std::map<std::string, std::string> vars_;
};

// ---- the test cases ------------------------------------------------------------

// tests/scenarios, or the directory named by $PARCOURS_SCENARIOS (to try
// scenarios kept elsewhere).
std::string ScenarioDir() {
  const char* dir = std::getenv("PARCOURS_SCENARIOS");
  return dir && *dir ? dir : SourcePath("tests/scenarios");
}

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ScenarioDir(), ec)) {
    if (entry.path().extension() == ".scenario") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, Runs) {
  ParseError error;
  const auto scenario = Parse(GetParam(), error);
  if (!scenario) {
    ADD_FAILURE_AT(GetParam().c_str(), error.line) << "bad scenario: " << error.message;
    return;
  }
  ScenarioRun(*scenario).Run();
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()), TestName);

TEST(ScenarioFilesTest, TheScenarioDirectoryHasScenarios) {
  if (ScenarioDir() != SourcePath("tests/scenarios")) GTEST_SKIP() << "PARCOURS_SCENARIOS is set";
  EXPECT_GE(ScenarioFiles().size(), 8u) << "in " << ScenarioDir();
}

// The driver's own parsing rules, so that a scenario cannot pass by accident.
TEST(ScenarioFormatTest, TokensPhrasesAndPaths) {
  std::string error;
  const auto tokens = Tokenize(R"(> person add --name "Awa \"A\" Diallo" 'x y' # comment)", error);
  ASSERT_TRUE(tokens) << error;
  ASSERT_EQ(tokens->size(), 6u);
  EXPECT_EQ((*tokens)[4].text, "Awa \"A\" Diallo");
  EXPECT_EQ((*tokens)[5].text, "x y");
  EXPECT_FALSE(Tokenize("> a \"unclosed", error));

  const auto bang = Tokenize(R"(! 3 not possible from "position, exit" "x")", error);
  ASSERT_TRUE(bang);
  EXPECT_EQ(Phrases(bang->begin() + 2, bang->end()),
            (std::vector<std::string>{"not possible from", "position, exit", "x"}));

  const Json j = Json::parse(R"({"a":{"b":[1,{"c":"x"}]},"e":{"k":1,"l":2}})");
  EXPECT_EQ(Render(*Lookup(j, "a.b.1.c")), "x");
  EXPECT_EQ(Render(*Lookup(j, "a.b.-1.c")), "x");
  EXPECT_EQ(Render(*Lookup(j, "a.b.size")), "2");
  EXPECT_EQ(Render(*Lookup(j, "e.size")), "2");
  EXPECT_EQ(Render(*Lookup(j, "a.b.0")), "1");
  EXPECT_FALSE(Lookup(j, "a.x"));
  EXPECT_FALSE(Lookup(j, "a.b.2"));

  std::string sub_error;
  EXPECT_EQ(*Substitute("$w/${x}y$$", {{"w", "W-23456"}, {"x", "X"}}, sub_error), "W-23456/Xy$");
  EXPECT_FALSE(Substitute("$nope", {}, sub_error));
}

}  // namespace
}  // namespace parcours::testing
