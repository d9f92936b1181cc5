#include "support/cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "parcours/store.h"
#include "support/shared_store.h"

extern char** environ;

namespace parcours::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json CliResult::json() const {
  try {
    return nlohmann::json::parse(out);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << "stdout is not JSON: " << e.what() << "\nstdout: " << out << "\nstderr: " << err;
    return nullptr;
  }
}

CliResult RunCli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  TempDir io;
  const std::string out_path = io / "out", err_path = io / "err";

  std::vector<std::string> argv_s = {PARCOURS_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const char* cleared : {"PARCOURS_DATA", "PARCOURS_TODAY", "PARCOURS_PLUGIN_PATH"}) merged.erase(cleared);
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_s;
  for (const auto& [k, v] : merged) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);

  CliResult result;
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot run " << PARCOURS_BIN << ": " << std::strerror(rc);
    return result;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "parcours-test.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string StoreDigest(const std::string& path) {
  StoreOptions options;
  options.read_only = true;
  auto store = Store::Open(path, options);
  if (!store.ok()) return "unopenable: " + store.status().message();
  std::string digest;
  for (int d = 0; d < kDomainCount; ++d) {
    const auto domain = static_cast<Domain>(d);
    digest += std::string("[") + DomainName(domain) + "]\n";
    Status s = (*store)->ScanPrefix(domain, "", [&](std::string_view k, std::string_view v) {
      digest.append(k).append(" = ").append(v).append("\n");
      return true;
    });
    if (!s.ok()) return "unreadable: " + s.message();
  }
  return digest;
}

std::string SourcePath(const std::string& relative) { return std::string(PARCOURS_SOURCE_DIR) + "/" + relative; }

std::string InsertionWithoutDeadlines() {
  // One path for every test process of a build: shared template stores record
  // it as the programme's source.
  static const std::string path = [] {
    std::ifstream in(SourcePath("workflows/insertion.yaml"), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The section runs from its key to the next top-level key.
    const std::size_t from = text.find("\ndeadlines:\n");
    if (from != std::string::npos) {
      std::size_t to = from + 1;
      do {
        to = text.find('\n', to) + 1;
      } while (to != 0 && to < text.size() && (text[to] == ' ' || text[to] == '\n' || text[to] == '#'));
      text.erase(from + 1, to - from - 1);
    }
    const std::string out = SharedCacheFile("insertion-without-deadlines") + ".yaml";
    const std::string work = out + ".tmp-" + std::to_string(::getpid());
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(out).parent_path(), ec);
    std::ofstream(work, std::ios::binary) << text;
    std::filesystem::rename(work, out, ec);  // the same text whoever wins
    if (ec) std::filesystem::remove(work, ec);
    return out;
  }();
  return path;
}

}  // namespace parcours::testing
