// parcours_suite's whole-process measurements: a program run as a user runs
// it, timed from before its start to after its exit.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace parcours::bench {

struct ProcessRun {
  double seconds = 0;     // wall time: steady clock around fork, exec and wait
  double max_rss_mb = 0;  // the child's peak resident set (wait4's ru_maxrss)
  std::string out;        // its standard output, when captured
};

// Runs programs with stdin from /dev/null, stdout to /dev/null (or a file
// read back), stderr to a file in `scratch` (shown when the program fails).
//
// A child's ru_maxrss counts the memory of the process it was forked from
// (Linux keeps the larger of the mm it leaves at exec and its own), so the
// programs are forked by a launcher: a process forked by the constructor,
// which must run while this process is still small and has one thread, with
// the environment the programs get. The launcher times each run and reports
// it through a pipe.
class ProcessRunner {
 public:
  explicit ProcessRunner(std::filesystem::path scratch);
  ~ProcessRunner();
  ProcessRunner(const ProcessRunner&) = delete;
  ProcessRunner& operator=(const ProcessRunner&) = delete;

  // Runs argv (argv[0] a path); exits 1 with the command line and its
  // stderr when it cannot start, is killed or exits other than 0.
  ProcessRun Run(const std::vector<std::string>& argv, bool capture_stdout = false) const;

 private:
  std::filesystem::path scratch_;
  int to_launcher_ = -1, from_launcher_ = -1;
  pid_t launcher_ = -1;
};

// The argv as a shell command line (arguments with spaces or quotes quoted).
std::string CommandLine(const std::vector<std::string>& argv);

// The median of `values` (the mean of the two middle ones for an even count); 0 when empty.
double Median(std::vector<double> values);

}  // namespace parcours::bench
