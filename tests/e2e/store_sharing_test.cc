// A store shared by several users, or that this user may not write: run as
// other (made-up) users with setpriv, so these tests need root and are skipped
// otherwise. See docs/operations.md, team setup.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "e2e_fixture.cc"

namespace parcours::e2e {
namespace {

namespace fs = std::filesystem;

struct User {
  uid_t uid;
  gid_t gid;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SharedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root, to run parcours as other users";
    if (::access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "needs /usr/bin/setpriv";
    // Every user may reach the store's parent directory.
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
    store_ = dir_ / "store";
  }

  // parcours --data STORE --actor NAME ARGS as `user`, with `mask` as umask.
  CliResult RunAs(const User& user, mode_t mask, const Args& args) const {
    std::vector<std::string> argv_s = {"/usr/bin/setpriv",
                                       "--reuid=" + std::to_string(user.uid),
                                       "--regid=" + std::to_string(user.gid),
                                       "--clear-groups",
                                       "--",
                                       PARCOURS_BIN,
                                       "--data",
                                       store_,
                                       "--actor",
                                       "user" + std::to_string(user.uid),
                                       "--no-default-plugins"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out_path = dir_ / "out.txt", err_path = dir_ / "err.txt";
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::umask(mask);
      const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::setenv("PARCOURS_TODAY", kToday, 1);
      ::unsetenv("PARCOURS_DATA");
      ::unsetenv("PARCOURS_PLUGIN_PATH");
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = Slurp(out_path);
    r.err = Slurp(err_path);
    return r;
  }

  CliResult MustRunAs(const User& user, mode_t mask, const Args& args) const {
    CliResult r = RunAs(user, mask, args);
    EXPECT_EQ(r.exit_code, 0) << "as uid " << user.uid << ": " << Describe(args, r);
    return r;
  }

  // workflows/insertion.yaml copied where every user may read it: the source
  // tree may sit in a directory other users cannot enter (a private clone).
  std::string ReadableWorkflow() const {
    const std::string copy = dir_ / "insertion.yaml";
    std::error_code ec;
    std::filesystem::copy_file(SourcePath("workflows/insertion.yaml"), copy,
                               std::filesystem::copy_options::overwrite_existing, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(::chmod(copy.c_str(), 0644), 0);
    return copy;
  }

  std::string JsonString(const CliResult& r, const std::string& key) const {
    const Json j = Json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    return j.is_object() ? j.value(key, "") : "";
  }

  TempDir dir_;
  std::string store_;
};

// Two counsellors of one group share a store in a setgid directory, each
// with umask 002: every command of either works, in any order.
TEST_F(SharedStoreTest, TwoUsersOfOneGroupShareAStore) {
  const gid_t team = 23456;
  const User a{23001, team}, b{23002, team};
  ASSERT_EQ(::mkdir(store_.c_str(), 0770), 0);
  ASSERT_EQ(::chown(store_.c_str(), 0, team), 0);
  ASSERT_EQ(::chmod(store_.c_str(), 02770), 0);

  MustRunAs(a, 002, {"init"});
  MustRunAs(a, 002, {"programme", "install", ReadableWorkflow()});
  const std::string person =
      JsonString(MustRunAs(a, 002, {"--json", "person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02",
                                    "--sex", "F"}),
                 "id");
  const std::string w = JsonString(
      MustRunAs(a, 002, {"--json", "enroll", person, "insertion", "--field", "prescriber=france_travail"}), "pathway");
  ASSERT_FALSE(w.empty());
  MustRunAs(b, 002, {"record", w, "interview", "--field", "mode=phone"});
  MustRunAs(b, 002, {"show", w});
  MustRunAs(a, 002, {"advance", w, "position"});
  MustRunAs(b, 002, {"advance", w, "start_vae", "--field", "certification=DEAES"});
  const CliResult shown = MustRunAs(a, 002, {"--json", "show", w});
  EXPECT_EQ(JsonString(shown, "step"), "vae") << shown.out;

  // Every file belongs to the group, which may read and write it.
  for (const auto& e : fs::directory_iterator(store_)) {
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_gid, team) << e.path();
    EXPECT_EQ(st.st_mode & 0060, 0060u) << e.path() << " mode " << std::oct << (st.st_mode & 07777);
  }
}

// Another user's store (rw-r--r-- files in a rwxr-xr-x directory): writing is
// a permission problem naming the file, never "in use by another process";
// reading still works.
TEST_F(SharedStoreTest, StoreThisUserMayNotWriteSaysPermissionAndNamesTheFile) {
  const User other{23003, 23003};
  {
    const mode_t old = ::umask(022);
    const CliResult r = RunCli({"--data", store_, "init"});
    ::umask(old);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string before = StoreDigest(store_);
  for (const Args& args : std::vector<Args>{
           {"person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02", "--sex", "F"},
           {"programme", "install", ReadableWorkflow()}}) {
    const CliResult r = RunAs(other, 022, args);
    EXPECT_EQ(r.exit_code, 5) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, "permission denied")) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, store_ + "/parcours.lock")) << Describe(args, r);
    EXPECT_FALSE(Contains(r.err, "in use")) << Describe(args, r);
  }
  EXPECT_EQ(StoreDigest(store_), before);
  const CliResult read = RunAs(other, 022, {"--json", "programme", "list"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
}

// The lock file is writable but RocksDB's own files are not: the message
// names the RocksDB file that could not be written.
TEST_F(SharedStoreTest, RocksDbFileThisUserMayNotWriteIsNamed) {
  const User other{23004, 23004};
  {
    const CliResult r = RunCli({"--data", store_, "init"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  for (const char* name : {"parcours.lock", "parcours.turnstile"}) {
    ASSERT_EQ(::chmod((store_ + "/" + name).c_str(), 0666), 0);
  }
  const CliResult r = RunAs(other, 022, {"person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02", "--sex", "F"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(Contains(r.err, "permission denied on " + store_ + "/")) << r.err;
  EXPECT_FALSE(Contains(r.err, "in use")) << r.err;
}

// A store directory this user may not even look into: a permission problem,
// not "no store".
TEST_F(SharedStoreTest, StoreThisUserMayNotReadSaysPermission) {
  const User other{23006, 23006};
  const CliResult init = RunCli({"--data", store_, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ASSERT_EQ(::chmod(store_.c_str(), 0700), 0);
  const CliResult r = RunAs(other, 022, {"caseload"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(Contains(r.err, "permission denied on " + store_)) << r.err;
  EXPECT_FALSE(Contains(r.err, "no store")) << r.err;
}

// An older store has no lock file, and this user may not add one: reading
// works all the same.
TEST_F(SharedStoreTest, ReaderOfAStoreWithoutLockFileItMayNotCreate) {
  const User other{23005, 23005};
  {
    const CliResult r = RunCli({"--data", store_, "init"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  fs::remove(store_ + "/parcours.lock");
  fs::remove(store_ + "/parcours.turnstile");
  const CliResult r = RunAs(other, 022, {"--json", "programme", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(store_ + "/parcours.lock"));
}

// A store on a read-only file system: writing says so and names the file,
// reading works.
TEST_F(SharedStoreTest, StoreOnAReadOnlyFileSystemSaysSo) {
  const std::string mnt = dir_ / "ro";
  ASSERT_EQ(::mkdir(mnt.c_str(), 0755), 0);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=16m") != 0) GTEST_SKIP() << "cannot mount a tmpfs here";
  store_ = mnt + "/store";
  const CliResult init = RunCli({"--data", store_, "init"});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  if (::mount(nullptr, mnt.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0) {
    const Args add = {"--data", store_, "person", "add", "--name", "Awa Diallo", "--birth", "1991-04-02", "--sex", "F"};
    const CliResult r = RunCli(add);
    EXPECT_EQ(r.exit_code, 5) << Describe(add, r);
    EXPECT_TRUE(Contains(r.err, "read-only file system")) << r.err;
    EXPECT_TRUE(Contains(r.err, store_ + "/parcours.lock")) << r.err;
    EXPECT_FALSE(Contains(r.err, "in use")) << r.err;
    const CliResult read = RunCli({"--data", store_, "--json", "programme", "list"});
    EXPECT_EQ(read.exit_code, 0) << read.err;
  } else {
    ADD_FAILURE() << "cannot remount " << mnt << " read-only";
  }
  ::umount2(mnt.c_str(), MNT_DETACH);
}

}  // namespace
}  // namespace parcours::e2e
