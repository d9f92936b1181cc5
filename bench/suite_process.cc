#include "suite_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "bench_import.h"

namespace parcours::bench {
namespace {

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteAll(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// False at the end of the pipe or on an error.
bool ReadAll(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// What the launcher sends back for each run.
struct Report {
  double seconds = 0;
  int64_t max_rss_kb = 0;
  int32_t status = 0;
  int32_t fork_errno = 0;  // fork failed: no run
};

// The launcher: reads requests (capture flag, argument count, each argument
// as its length and bytes) until its pipe ends; forks and execs each, in
// turn, and reports. Never returns.
[[noreturn]] void Launcher(int requests, int reports, const std::string& out_file,
                           const std::string& err_file) {
  for (;;) {
    uint32_t head[2];
    if (!ReadAll(requests, head, sizeof head)) _exit(0);
    std::vector<std::string> argv(head[1]);
    for (std::string& a : argv) {
      uint32_t size = 0;
      if (!ReadAll(requests, &size, sizeof size)) _exit(1);
      a.resize(size);
      if (size > 0 && !ReadAll(requests, a.data(), size)) _exit(1);
    }
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    Report r;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      const int in = open("/dev/null", O_RDONLY);
      const int out = open(head[0] ? out_file.c_str() : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
      execv(args[0], args.data());
      const char* why = strerror(errno);
      WriteAll(2, "cannot execute: ", 16);
      WriteAll(2, why, std::strlen(why));
      _exit(127);
    }
    if (pid < 0) {
      r.fork_errno = errno;
    } else {
      int status = 0;
      rusage usage{};
      pid_t waited;
      do {
        waited = wait4(pid, &status, 0, &usage);
      } while (waited < 0 && errno == EINTR);
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      r.status = waited == pid ? status : -1;
      r.max_rss_kb = usage.ru_maxrss;  // KiB on Linux
    }
    if (!WriteAll(reports, &r, sizeof r)) _exit(1);
  }
}

}  // namespace

ProcessRunner::ProcessRunner(std::filesystem::path scratch) : scratch_(std::move(scratch)) {
  std::filesystem::create_directories(scratch_);
  int requests[2], reports[2];
  if (pipe2(requests, O_CLOEXEC) != 0 || pipe2(reports, O_CLOEXEC) != 0) Die("cannot create pipes");
  const std::string out_file = (scratch_ / "stdout").string(), err_file = (scratch_ / "stderr").string();
  launcher_ = fork();
  if (launcher_ < 0) Die(std::string("cannot fork: ") + std::strerror(errno));
  if (launcher_ == 0) {
    close(requests[1]);
    close(reports[0]);
    Launcher(requests[0], reports[1], out_file, err_file);
  }
  close(requests[0]);
  close(reports[1]);
  to_launcher_ = requests[1];
  from_launcher_ = reports[0];
  signal(SIGPIPE, SIG_IGN);  // a launcher gone is an error to report, not a signal
}

ProcessRunner::~ProcessRunner() {
  close(to_launcher_);
  close(from_launcher_);
  int status = 0;
  while (waitpid(launcher_, &status, 0) < 0 && errno == EINTR) {
  }
}

ProcessRun ProcessRunner::Run(const std::vector<std::string>& argv, bool capture_stdout) const {
  std::string request;
  auto add = [&](uint32_t n) { request.append(reinterpret_cast<const char*>(&n), sizeof n); };
  add(capture_stdout ? 1 : 0);
  add(static_cast<uint32_t>(argv.size()));
  for (const std::string& a : argv) {
    add(static_cast<uint32_t>(a.size()));
    request += a;
  }
  Report r;
  if (!WriteAll(to_launcher_, request.data(), request.size()) || !ReadAll(from_launcher_, &r, sizeof r)) {
    Die("the launcher of " + CommandLine(argv) + " is gone");
  }
  if (r.fork_errno != 0) Die("cannot run " + CommandLine(argv) + ": " + std::strerror(r.fork_errno));
  const std::string err_file = (scratch_ / "stderr").string();
  const int status = r.status;
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = status == -1          ? "could not be waited for"
                            : WIFEXITED(status)   ? "exited " + std::to_string(WEXITSTATUS(status))
                            : WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                                  : "failed";
    Die(CommandLine(argv) + " " + how + "; its stderr:\n" + ReadFile(err_file));
  }
  ProcessRun run;
  run.seconds = r.seconds;
  run.max_rss_mb = static_cast<double>(r.max_rss_kb) / 1024.0;
  if (capture_stdout) run.out = ReadFile(scratch_ / "stdout");
  return run;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \t\"'\\$`*?;&|<>()") == std::string::npos;
    if (plain) {
      line += a;
      continue;
    }
    line += '\'';
    for (char c : a) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace parcours::bench
