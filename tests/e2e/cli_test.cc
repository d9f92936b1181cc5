// The command line as a whole: usage errors (exit 2), --help, --json errors on
// stderr, unknown ids (exit 4), a busy or damaged store (exit 5, --wait), the actor.
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "e2e_fixture.cc"
#include "parcours/store.h"

namespace parcours::e2e {
namespace {

using CliTest = InsertionTest;

// ---- usage -----------------------------------------------------------------------

TEST_F(CliTest, UnknownCommandIsAUsageErrorNamingIt) {
  Refused(2, {"frobnicate"}, {"unknown command \"frobnicate\"", "Commands: init, programme, person, enroll"});
}

TEST_F(CliTest, NoCommandIsAUsageError) {
  Refused(2, {}, {"subcommand is required", "parcours --help"});
  Refused(2, {"person"}, {"subcommand is required"});
  Refused(2, {"programme"}, {"subcommand is required"});
}

TEST_F(CliTest, MissingArgumentIsAUsageError) {
  Refused(2, {"advance", "W-22222"}, {"TRANSITION is required", "parcours COMMAND --help"});
  Refused(2, {"record", "W-22222"}, {"MILESTONE is required"});
  Refused(2, {"show"}, {"PATHWAY is required"});
  Refused(2, {"programme", "install"}, {"FILE is required"});
  Refused(2, {"person", "find"}, {"TEXT is required"});
}

TEST_F(CliTest, FieldWithoutEqualsIsAUsageError) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  Refused(2, {"advance", w, "exit", "--field", "reason"},
          {"--field \"reason\" is not KEY=VALUE", "--field KEY=VALUE"});
  Refused(2, {"record", w, "interview", "--field", "=phone"}, {"--field \"=phone\" is not KEY=VALUE"});
  Refused(2, {"advance", w, "exit", "--field", "reason=moved", "--field", "reason=other"},
          {"--field reason is given twice", "each key once"});
}

TEST_F(CliTest, UnknownOptionIsAUsageError) {
  Refused(2, {"caseload", "--colour"}, {"--colour"});
}

TEST_F(CliTest, BadLogLevelIsAUsageError) {
  Refused(2, {"--log-level", "loud", "caseload"}, {"loud", "trace, debug, info, warn, error or off"});
}

TEST_F(CliTest, BadPARCOURS_TODAYIsAUsageError) {
  Refused(2, {"caseload"}, {"PARCOURS_TODAY=21/11/2026 is not a date", "YYYY-MM-DD"},
          {{"PARCOURS_TODAY", "21/11/2026"}});
}

TEST_F(CliTest, UsageErrorInJsonModeIsAJsonObjectOnStderr) {
  const CliResult r = Run({"--json", "advance", "W-22222"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  const Json err = Json::parse(r.err);
  EXPECT_EQ(err["error"]["code"], "usage");
  EXPECT_EQ(err["error"]["exit"], 2);
  EXPECT_TRUE(Contains(err["error"]["message"].get<std::string>(), "TRANSITION is required"));
}

// ---- help ------------------------------------------------------------------------

TEST(CliHelpTest, HelpExitsZeroAndListsTheCommands) {
  const CliResult r = RunCli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string cmd : {"init", "programme", "person", "enroll", "advance", "record", "void", "assign",
                                "show", "history", "caseload", "report"}) {
    EXPECT_TRUE(Contains(r.out, cmd)) << cmd;
  }
  EXPECT_TRUE(Contains(r.out, "Exit codes: 0 ok, 2 usage, 3 refused, 4 not found, 5 store unavailable"));
}

TEST(CliHelpTest, EveryCommandHasHelpWithAnExample) {
  const std::vector<Args> commands = {
      {"init"},           {"programme", "install"}, {"programme", "list"}, {"programme", "show"},
      {"person", "add"},  {"person", "show"},       {"person", "find"},    {"enroll"},
      {"advance"},        {"record"},               {"void"},              {"assign"},
      {"show"},           {"history"},              {"caseload"},          {"report", "outcomes"}};
  for (Args args : commands) {
    args.push_back("--help");
    const CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    EXPECT_TRUE(Contains(r.out, "Example: parcours")) << Describe(args, r);
    EXPECT_EQ(r.err, "") << Describe(args, r);
  }
}

TEST(CliHelpTest, VersionExitsZero) {
  const CliResult r = RunCli({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out, "parcours "));
}

// ---- --json errors ---------------------------------------------------------------

TEST_F(CliTest, RefusalInJsonModeIsOneErrorObjectOnStderr) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  const Json err = RefusedJson(3, {"advance", w, "start_vae", "--field", "certification=DEAES"},
                               {"\"start_vae\" is not possible from Orientation (referral)", "position, exit"});
  EXPECT_EQ(err.value("code", ""), "refused");
  EXPECT_TRUE(Contains(err.value("message", ""), "start_vae"));
  EXPECT_TRUE(Contains(err.value("allowed", ""), "From here you can: position, exit"));
}

TEST_F(CliTest, NotFoundInJsonMode) {
  const Json err = RefusedJson(4, {"show", "W-22222"}, {"no pathway W-22222"});
  EXPECT_EQ(err.value("code", ""), "not found");
}

TEST_F(CliTest, ErrorJsonIsASingleLine) {
  const CliResult r = Run({"--json", "show", "W-22222"});
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

// ---- the engine's references to commands and arguments ---------------------------

// The engine's messages name commands and arguments as the Service does
// ({cmd:person.find NAME}, {arg:allow_duplicate}); the CLI says them as its own
// commands and options, in human and --json output alike.
TEST_F(CliTest, MessagesNameTheCliCommandsAndOptions) {
  const std::string awa = AddPerson("Awa Diallo");
  const Args again = {"person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02", "--sex", "F"};
  const std::string use = "Use " + awa + ", or add --allow-duplicate if this is another person.";
  const CliResult r = Refused(3, again, {"\n" + use + "\n"});
  EXPECT_FALSE(Contains(r.err, "{arg:")) << r.err;
  EXPECT_EQ(RefusedJson(3, again, {}).value("allowed", ""), use);

  const std::string find = "Search by name with `parcours person find NAME`.";
  Refused(4, {"person", "show", "P-22222"}, {find});
  EXPECT_EQ(RefusedJson(4, {"person", "show", "P-22222"}, {}).value("allowed", ""), find);

  // A command and an option in one hint.
  const std::string w = Enroll(awa);
  Refused(3, {"void", w, "--seq", "1", "--reason", "wrong person"},
          {"use `parcours advance " + w + " exit` with --field reason=other."});
}

// A user's text in a message is shown as typed, never read as a reference.
TEST_F(CliTest, UserTextInAMessageIsNotReadAsAReference) {
  const CliResult r = Refused(3, {"caseload", "--all", "--referent", "{cmd:init} {arg:seq}"},
                              {"--all and --referent \"{cmd:init} {arg:seq}\" contradict each other",
                               "Give --all for everyone's pathways, or --referent NAME for one referent's."});
  EXPECT_FALSE(Contains(r.err, "parcours init")) << r.err;
  EXPECT_FALSE(Contains(r.err, "--seq")) << r.err;
  const Json err = RefusedJson(3, {"caseload", "--all", "--referent", "{arg:seq}"}, {"\"{arg:seq}\""});
  EXPECT_FALSE(Contains(err.dump(), "x7b")) << err.dump();
}

// ---- request ids ------------------------------------------------------------------

// A write retried with its --request-id is done once: the retry prints the
// first result and the store does not change.
TEST_F(CliTest, AWriteRetriedWithItsRequestIdIsDoneOnce) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  const Args record = {"--request-id", "rec-1", "record", w, "interview", "--date", "2026-11-18",
                       "--field", "mode=phone"};
  const Json first = Ok(record);
  const std::string after_first = Digest();
  const Json again = Ok(record);
  EXPECT_EQ(again, first);
  EXPECT_EQ(Digest(), after_first) << "a retried request id wrote again";
  const Json history = Ok({"history", w});
  ASSERT_TRUE(history.contains("events")) << history.dump();
  int interviews = 0;
  for (const auto& e : history["events"]) interviews += e.value("action", "") == "interview";
  EXPECT_EQ(interviews, 1) << history.dump();

  // The id is that command's: another one under it is refused, nothing written.
  Refused(3, {"--request-id", "rec-1", "note", w, "called back"},
          {"request id \"rec-1\" was already used for a milestone", "its own request id"});
  // Malformed ids are refused before anything runs.
  Refused(2, {"--request-id", "has space", "note", w, "called back"}, {"request id \"has space\" is not valid"});
}

// Commands that do not write through the engine refuse --request-id rather
// than ignore it; so do reads.
TEST_F(CliTest, RequestIdOnACommandThatTakesNoneIsAUsageError) {
  Refused(2, {"--request-id", "r-1", "init"}, {"`parcours init` takes no --request-id"});
  Refused(2, {"--request-id", "r-1", "plugins", "list"}, {"`parcours plugins list` takes no --request-id"});
  Refused(2, {"--request-id", "r-1", "serve", "--listen", "127.0.0.1:0"},
          {"`parcours serve` takes no --request-id"});
  Refused(2, {"--request-id", "r-1", "caseload", "--all"}, {"`parcours caseload` only reads: it takes no --request-id"});
}

// ---- unknown ids -----------------------------------------------------------------

TEST_F(CliTest, EveryCommandOnAnUnknownIdExits4) {
  // Each command, and the id its error must name.
  const std::vector<std::pair<Args, std::string>> commands = {
      {{"show", "W-22222"}, "W-22222"},
      {{"history", "W-22222"}, "W-22222"},
      {{"advance", "W-22222", "position"}, "W-22222"},
      {{"record", "W-22222", "interview", "--field", "mode=phone"}, "W-22222"},
      {{"void", "W-22222", "--reason", "mistake"}, "W-22222"},
      {{"assign", "W-22222", "karim.petit"}, "W-22222"},
      {{"person", "show", "P-22222"}, "P-22222"},
      {{"enroll", "P-22222", "insertion", "--field", "prescriber=ccas"}, "P-22222"},
      {{"programme", "show", "nope"}, "\"nope\""},
      {{"caseload", "--programme", "nope"}, "\"nope\""},
      {{"report", "outcomes", "--programme", "nope", "--from", "2026-01-01", "--to", "2026-01-31"}, "\"nope\""},
  };
  for (const auto& [args, id] : commands) Refused(4, args, {id});
}

// ---- the store unavailable -------------------------------------------------------

// Holds the store's lock as another parcours process does while it writes.
class HeldStore {
 public:
  explicit HeldStore(const std::string& store) : fd_(::open((store + "/parcours.lock").c_str(), O_RDWR | O_CLOEXEC)) {
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::flock(fd_, LOCK_EX), 0);
  }
  ~HeldStore() { Release(); }
  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

TEST_F(CliTest, WriteWhileAnotherProcessHoldsTheStoreExits5) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  const std::string before = StoreDigest(store());
  {
    HeldStore held(store());
    for (const Args& args : std::vector<Args>{
             {"person", "add", "--name", "Karim Benali", "--birth", "1999-09-14", "--sex", "M"},
             {"advance", w, "position"},
             {"programme", "install", SourcePath("workflows/insertion.yaml")},
             {"init"},
             // Reads wait for the writer too: they never see a write half-done.
             {"show", w},
             {"caseload"}}) {
      Args with_wait = {"--wait", "0"};
      with_wait.insert(with_wait.end(), args.begin(), args.end());
      const CliResult r = Run(with_wait);
      EXPECT_EQ(r.exit_code, 5) << Describe(with_wait, r);
      EXPECT_EQ(r.out, "") << Describe(with_wait, r);
      EXPECT_TRUE(Contains(r.err, "in use by another parcours process (waited 0 s)")) << Describe(with_wait, r);
      EXPECT_TRUE(Contains(r.err, "wait longer with --wait SECONDS")) << Describe(with_wait, r);
    }
  }
  EXPECT_EQ(StoreDigest(store()), before) << "a command refused on a busy store wrote";
  // Released: writes work again.
  EXPECT_EQ(Advance(w, "position", kToday), "positioning");
}

// A writer waits (5 s by default) for the other process to finish.
TEST_F(CliTest, WriteWaitsForAnotherProcessToFinish) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  HeldStore held(store());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    held.Release();
  });
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = Run({"--json", "advance", w, "position"});
  const auto took = std::chrono::steady_clock::now() - start;
  release.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_EQ(Show(w).value("step", ""), "positioning");
}

TEST_F(CliTest, BusyStoreAfterTheWaitSaysHowLongItWaited) {
  Enroll(AddPerson("Awa Diallo"));
  HeldStore held(store());
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = Run({"--wait", "0.4", "caseload"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(Contains(r.err, "waited 0.4 s")) << r.err;
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(CliTest, WaitIsANumberOfSecondsFromZero) {
  Refused(2, {"--wait", "-1", "caseload"}, {"--wait"});
  Refused(2, {"--wait", "soon", "caseload"}, {"--wait"});
  const CliResult r = Run({"--wait", "0", "caseload"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, LockedStoreInJsonMode) {
  HeldStore held(store());
  const Args args = {"--json", "--wait", "0", "person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02", "--sex", "F"};
  const CliResult r = Run(args);
  EXPECT_EQ(r.exit_code, 5) << Describe(args, r);
  EXPECT_EQ(r.out, "");
  const Json err = Json::parse(r.err, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(err.is_object()) << r.err;
  EXPECT_EQ(err["error"].value("exit", 0), 5);
  EXPECT_EQ(err["error"].value("code", ""), "store unavailable");
  EXPECT_TRUE(Contains(err["error"].value("message", ""), "in use by another parcours process")) << r.err;
}

// The contract: 5 for a store that is unreadable.
TEST_F(StoreTest, DamagedStoreIsUnavailable) {
  InitStore();
  WriteFile(store() + "/CURRENT", "garbage\n");
  const CliResult r = Run({"caseload"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(Contains(r.err, store()));
}

// A write-ahead log cut short loses the last acknowledged command: every
// command refuses the store, saying so, rather than answer without it.
TEST_F(CliTest, TruncatedWriteAheadLogIsRefused) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(store())) {
    if (e.path().extension() == ".log" && std::filesystem::file_size(e.path()) > 0 &&
        (newest.empty() || e.path() > newest)) {
      newest = e.path();
    }
  }
  ASSERT_FALSE(newest.empty());
  std::filesystem::resize_file(newest, std::filesystem::file_size(newest) - 1);
  for (const Args& args : std::vector<Args>{{"show", w}, {"advance", w, "position"}, {"caseload"}, {"show", w}}) {
    const CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, 5) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, "write-ahead log is damaged, truncated or missing")) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, "was acknowledged")) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, "Restore the store from a backup")) << Describe(args, r);
  }
}

// ---- plain text when piped -------------------------------------------------------

TEST_F(CliTest, NoColourCodesWhenPiped) {
  const std::string w = Enroll(AddPerson("Awa Diallo"));
  for (const Args& args : std::vector<Args>{{"caseload"},
                                            {"show", w},
                                            {"history", w},
                                            {"advance", w, "start_vae"},
                                            {"report", "outcomes", "--programme", "insertion", "--from",
                                             "2026-01-01", "--to", "2026-12-31"}}) {
    const CliResult r = Run(args);
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << Describe(args, r);
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << Describe(args, r);
  }
}

// ---- the actor -------------------------------------------------------------------

TEST_F(CliTest, ActorDefaultsToTheOsUser) {
  const passwd* pw = getpwuid(geteuid());
  ASSERT_NE(pw, nullptr);
  const CliResult r = RunCli({"--json", "--data", store(), "person", "add", "--name", "Awa Diallo", "--birth",
                              "1991-04-02", "--sex", "F"},
                             {{"PARCOURS_TODAY", kToday}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json person = Ok({"person", "show", r.json().value("id", "")});
  EXPECT_EQ(person.value("created_by", ""), pw->pw_name);
}

}  // namespace
}  // namespace parcours::e2e
